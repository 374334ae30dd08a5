"""Passwords on the account form.

An administrator's own password is changed on « Changer de mot de passe », which asks for the
current one: set on the account form, it went around that proof (and around the limit on wrong
current passwords), so a session left open was enough to take the account over. And a password
the rule refused was announced under « Rôles », far from the field it was about.
"""

import re

from questionnaire.auth.models import Role
from tests.conftest import PASSWORD, form_token, login

NEW = "Un-tout-nouveau-secret-42"


def _post(client, account, password: str):
    url = f"/admin/utilisateurs/{account.id}"
    return client.post(
        url,
        data={
            "csrf_token": form_token(client, url),
            "display_name": account.display_name,
            "roles": [role.value for role in account.roles],
            "active": "y",
            "password": password,
        },
    )


def _error_of(page: str, field: str) -> str:
    found = re.search(rf'<ul class="field-errors" id="{field}-errors">(.*?)</ul>', page, re.S)
    assert found, f"no error beside {field}"
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split())


def test_ones_own_password_is_changed_where_the_current_one_is_asked(client, admin, db):
    before = admin.password_hash
    response = _post(client, admin, NEW)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert _error_of(page, "password") == (
        "Votre propre mot de passe se change sur la page « Changer de mot de passe » (menu du "
        "compte), qui demande l&#39;actuel : rien n&#39;a été modifié."
    )
    db.session.refresh(admin)
    assert admin.password_hash == before
    login(client.application.test_client(), admin.email, PASSWORD)  # still the old one


def test_a_refused_password_is_announced_beside_its_field(client, admin, make_user):
    camille = make_user(Role.CANDIDATE, email="camille.martin@example.org")
    response = _post(client, camille, "123456789012")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert _error_of(page, "password").startswith("Ce mot de passe est trop facile à deviner")
    assert 'id="roles-errors"' not in page


def test_ones_own_account_page_leads_to_the_password_page(client, admin, make_user):
    own = client.get(f"/admin/utilisateurs/{admin.id}").get_data(as_text=True)
    assert 'name="password"' not in own
    assert re.search(
        r'<p id="password" tabindex="-1">Votre mot de passe se change sur la page '
        r'<a href="/mot-de-passe">Changer de mot de passe</a>, qui demande l\'actuel\.</p>',
        own,
    )
    other = make_user(Role.CANDIDATE, email="autre@example.org")
    assert 'name="password"' in client.get(f"/admin/utilisateurs/{other.id}").get_data(as_text=True)
