"""The address of a new account: one a message can be sent to, or the form says what is wrong."""

import pytest
from sqlalchemy import func, select

from questionnaire.auth.models import User
from tests.conftest import PASSWORD, form_token, page_text


def create(client, email: str):
    url = "/admin/utilisateurs/nouveau"
    data = {
        "csrf_token": form_token(client, url),
        "email": email,
        "display_name": "Camille Martin",
        "roles": ["candidate"],
        "active": "y",
        "password": PASSWORD,
    }
    return client.post(url, data=data)


def accounts(db) -> int:
    return db.session.execute(select(func.count(User.id))).scalar_one()


@pytest.mark.parametrize(
    "email",
    [
        "@",
        "camille@",
        "@banque.fr",
        "camille martin@banque.fr",
        "camille@banque",
        "camille@@banque.fr",
        "camille@banque..fr",
        "camille@.banque.fr",
        "camille@banque.fr.",
        "camille@banque.fr\u200b",  # a zero-width space pasted with the address
        "camille@ban\tque.fr",
    ],
)
def test_an_address_nobody_can_write_to_is_refused_beside_its_field(client, admin, db, email):
    before = accounts(db)
    response = create(client, email)
    assert response.status_code == 422
    assert "Adresse électronique invalide" in page_text(response.get_data(as_text=True))
    assert accounts(db) == before


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Camille.Martin@Banque.fr", "camille.martin@banque.fr"),
        ("  camille+cert@agence-12.banque.fr\u00a0", "camille+cert@agence-12.banque.fr"),
    ],
)
def test_a_plausible_address_is_kept_in_lower_case_without_spaces(client, admin, db, typed, stored):
    assert create(client, typed).status_code == 302
    assert db.session.execute(select(User).where(User.email == stored)).scalar_one()
