"""A NUL character is refused in every value of a repeated field or query argument, not only
in the first (``MultiDict.values()`` gives the first of each name only)."""

from __future__ import annotations

from questionnaire.auth.models import Role
from tests.conftest import PASSWORD, form_token, login, page_text


def test_a_nul_in_a_repeated_query_argument_is_refused(client, make_user):
    login(client, make_user(Role.ADMIN).email)
    response = client.get("/admin/journal?action=auth.login&action=auth%00")
    assert response.status_code == 400
    assert "Caractère nul interdit dans la requête." in page_text(response.get_data(as_text=True))


def test_a_nul_in_a_repeated_form_field_is_refused(client, make_user, db):
    user = make_user(email="c@example.org")
    token = form_token(client, "/connexion")
    response = client.post(
        "/connexion",
        data={"email": ["c@example.org", "c\x00@example.org"], "password": PASSWORD,
              "csrf_token": token},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Caractère nul interdit dans la requête." in page_text(response.get_data(as_text=True))
    assert client.get("/api/v1/auth/me").status_code == 401
    assert user.email == "c@example.org"
