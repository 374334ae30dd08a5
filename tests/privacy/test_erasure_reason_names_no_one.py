"""Erasure: the reason is kept for good with the pseudonym (table ``erasure``, journal): a reason
naming the person (« Demande de Mme Dupont ») would tie the pseudonym to the identity erased."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from questionnaire.auth.models import Role, User
from questionnaire.privacy.models import Erasure
from questionnaire.privacy.services import ErasureError, erase_user
from tests.privacy.test_erasure_shows_the_account_first import erase_through_the_form


def _erase(client, email: str, reason: str):
    return erase_through_the_form(client, email, reason)


@pytest.mark.parametrize(
    "reason",
    [
        "Demande écrite de Mme Dupont du 3 mars",
        "Courrier d'HELENE du 3 mars",  # capitals without accents
        "Demande reçue de h.dupont@example.org",
        "Demande de Hélène-Dupont",
    ],
)
def test_a_reason_naming_the_person_is_refused_under_its_field(
    client, admin, make_user, db, reason
):
    candidate = make_user(email="h.dupont@example.org", name="Hélène Dupont")
    response = _erase(client, candidate.email, reason)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="reason-errors"' in page or 'href="#reason"' in page
    assert "ne doit pas nommer la personne" in page
    assert reason in page or reason.replace("'", "&#39;") in page  # kept for correction
    db.session.expire_all()
    assert db.session.get(User, candidate.id).email == "h.dupont@example.org"
    assert db.session.execute(select(Erasure)).first() is None


def test_a_reason_without_the_identity_erases(client, admin, make_user, db):
    # « Don » is part of « Donnees » but no word of the reason
    candidate = make_user(email="don@example.org", name="Ada Don")
    response = _erase(client, candidate.email, "Demande écrite du 3 mars (données)")
    assert response.status_code == 302
    assert db.session.execute(select(Erasure.reason)).scalar_one() == (
        "Demande écrite du 3 mars (données)"
    )


def test_the_purge_reason_is_not_checked_against_the_name(make_user, db, clock):
    """The purge writes its own reason: a person called « Jours » must not stop it."""
    candidate = make_user(email="j@example.org", name="Jours")
    erase_user(candidate, None, "Durée de conservation écoulée (1825 jours).", clock())
    db.session.commit()
    assert db.session.get(User, candidate.id).display_name.startswith("ANON-")


def test_the_service_says_which_field_to_correct(make_user, clock):
    candidate = make_user(email="zoe@example.org", name="Zoé Martin")
    with pytest.raises(ErasureError, match="Martin") as refused:
        erase_user(candidate, make_user(Role.ADMIN), "Appel de M. Martin", clock())
    assert refused.value.field == "reason"


def test_the_particles_of_a_name_are_no_identity(client, admin, make_user, db):
    """« Des », « Van » in « Jean Des Forêts Van Dam » are everyday words of a reason: the name
    is its other words."""
    candidate = make_user(email="jdf@example.org", name="Jean Des Forêts Van Dam")
    response = _erase(client, candidate.email, "Demande des ayants droit, courrier du 3 mars")
    assert response.status_code == 302
    assert db.session.execute(select(Erasure.user_id)).scalar_one() == candidate.id
