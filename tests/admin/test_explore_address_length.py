"""An address within 254 characters as typed, longer once in lower case (« İ » becomes two
characters), is refused with the form's message; the database's column would refuse it (a
server error on PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from questionnaire.auth.models import Role, User
from questionnaire.auth.services import AccountError, create_user
from tests.conftest import PASSWORD, form_token, page_text

ADDRESS = "İ" * 240 + "@example.org"  # 252 characters typed, 492 in lower case


def test_the_account_form_refuses_an_address_too_long_in_lower_case(client, admin, db):
    response = client.post(
        "/admin/utilisateurs/nouveau",
        data={
            "csrf_token": form_token(client, "/admin/utilisateurs/nouveau"),
            "email": ADDRESS,
            "display_name": "Nouvelle personne",
            "password": PASSWORD,
            "roles": ["candidate"],
            "active": "y",
        },
    )

    assert response.status_code == 422
    assert "254 caractères au plus" in page_text(response.get_data(as_text=True))
    assert db.session.execute(select(func.count(User.id))).scalar_one() == 1  # the admin


def test_the_service_refuses_it_too(db, clock):
    with pytest.raises(AccountError, match="254 caractères au plus"):
        create_user(ADDRESS, PASSWORD, "Nouvelle personne", [Role.CANDIDATE], clock())
