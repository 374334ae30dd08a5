"""An erased account (RGPD) stays anonymous and closed: the account form cannot revive it."""

from __future__ import annotations

import pytest

from questionnaire.admin.services import ErasedAccount, update_user
from questionnaire.auth.models import Role
from questionnaire.privacy.services import UNUSABLE_PASSWORD, erase_user
from tests.conftest import T0, form_token, login

NEW_PASSWORD = "un-nouveau-mot-de-passe"


@pytest.fixture
def erased(make_user, db, clock):
    admin = make_user(Role.ADMIN, email="admin@example.org", name="Ada Admin")
    candidate = make_user(Role.CANDIDATE, email="camille@example.org", name="Camille Martin")
    erasure = erase_user(candidate, admin, "Demande écrite du 01/03/2026", clock())
    db.session.commit()
    return admin, candidate, erasure.pseudonym


def _post(client, user, **fields):
    url = f"/admin/utilisateurs/{user.id}"
    data = {"csrf_token": form_token(client, url), "roles": ["candidate"], **fields}
    return client.post(url, data=data)


@pytest.mark.parametrize(
    "fields",
    [
        {"display_name": "Camille Martin"},  # the real name back
        {"active": "y"},  # logging in again
        {"password": NEW_PASSWORD},
    ],
)
def test_the_account_form_cannot_revive_an_erased_account(client, erased, db, fields):
    admin, candidate, pseudonym = erased
    login(client, admin.email)
    response = _post(client, candidate, **{"display_name": pseudonym, **fields})
    assert response.status_code == 422
    assert "Ce compte a été effacé (RGPD)" in response.get_data(as_text=True)
    db.session.refresh(candidate)
    assert candidate.display_name == pseudonym
    assert not candidate.active
    assert candidate.password_hash == UNUSABLE_PASSWORD
    other = client.application.test_client()
    refused = other.post(
        "/api/v1/auth/login", json={"email": candidate.email, "password": NEW_PASSWORD}
    )
    assert refused.status_code == 401


def test_the_account_page_says_the_account_was_erased(client, erased):
    admin, candidate, _pseudonym = erased
    login(client, admin.email)
    page = client.get(f"/admin/utilisateurs/{candidate.id}").get_data(as_text=True)
    assert "Compte effacé (RGPD) le 02/03/2026" in page  # T0, 8 h UTC = 9 h in Paris


def test_the_service_refuses_reactivation_but_other_accounts_are_edited(erased, make_user, db):
    admin, candidate, pseudonym = erased
    with pytest.raises(ErasedAccount):
        update_user(
            candidate, admin, display_name=pseudonym, roles=[Role.CANDIDATE], active=True, now=T0
        )
    update_user(
        candidate, admin, display_name=pseudonym, roles=[Role.CANDIDATE], active=False, now=T0
    )
    other = make_user(Role.CANDIDATE)
    update_user(
        other, admin, display_name="Nouveau nom", roles=[Role.CANDIDATE], active=True, now=T0
    )
    assert other.display_name == "Nouveau nom"
