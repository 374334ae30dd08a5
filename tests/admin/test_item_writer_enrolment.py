"""Authors and reviewers read every bank's items and keys: they are not enrolled in a
certification session, and a candidate still to sit one is not made author or reviewer."""

from __future__ import annotations

import html
import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from questionnaire.admin.services import update_user
from questionnaire.attempts.services import find_enrolment, start_attempt, submit_attempt
from questionnaire.auth.models import Role
from questionnaire.auth.services import AccountError
from questionnaire.exams.models import Enrolment, SessionPurpose
from questionnaire.exams.services import ExamConfigError, enrol, pending_candidacy
from tests.admin.test_admin import enrol_one, upload
from tests.conftest import form_token, page_text

REFUSED = (
    "Alix Auteur a le rôle « Auteur » : l'atelier et les échanges lui montrent les items et les "
    "corrigés de toutes les banques ; cette personne ne peut donc pas être inscrite comme "
    "candidate à une session de certification (une session d'entraînement reste possible). Si "
    "elle ne rédige ni ne relit plus d'items, retirez-lui d'abord ce rôle dans la fiche de son "
    "compte, puis inscrivez-la : le retrait ferme l'accès pour la suite mais n'efface pas ce "
    "qu'elle a déjà pu lire, à vous d'en juger."
)


def _text(response_or_html) -> str:
    raw = getattr(response_or_html, "get_data", None)
    return html.unescape(page_text(raw(as_text=True) if raw else response_or_html))


def _enrolled(db, user) -> set[int]:
    return set(
        db.session.execute(select(Enrolment.session_id).where(Enrolment.user_id == user.id))
        .scalars()
        .all()
    )


@pytest.fixture
def ahead(make_session, clock):
    """A certification session opening in three days (its own candidate enrolled)."""
    session, _ = make_session(opens_in=timedelta(days=3))
    return session


@pytest.fixture
def alix(make_user):
    return make_user(Role.AUTHOR, Role.CANDIDATE, email="alix@example.org", name="Alix Auteur")


def test_the_service_refuses_an_author_or_a_reviewer_in_a_certification_session(
    ahead, alix, make_user, clock
):
    with pytest.raises(ExamConfigError) as refused:
        enrol(ahead, alix, clock())
    assert str(refused.value) == REFUSED
    both = make_user(Role.AUTHOR, Role.REVIEWER, Role.CANDIDATE, name="Rémi Double")
    with pytest.raises(ExamConfigError, match="a les rôles « Auteur » et « Relecteur » :"):
        enrol(ahead, both, clock())
    reviewer = make_user(Role.REVIEWER, Role.CANDIDATE, name="Robin")
    with pytest.raises(ExamConfigError, match="a le rôle « Relecteur » :"):
        enrol(ahead, reviewer, clock())
    others = make_user(Role.ADMIN, Role.JURY, Role.CANDIDATE)  # the guard closes their pages
    assert enrol(ahead, others, clock()) is not None


def test_a_training_session_takes_an_author(alix, make_session, db, clock):
    training, _ = make_session(purpose=SessionPurpose.TRAINING, opens_in=timedelta(days=1))
    assert enrol(training, alix, clock()) is not None  # its copies never count
    db.session.flush()
    assert pending_candidacy(alix, None, clock()) is None


def test_the_enrolment_form_refuses_an_author(client, admin, ahead, alix, db):
    _url, _token, response = enrol_one(client, ahead, alix.email, "0")
    assert response.status_code == 422 and REFUSED in _text(response)
    assert _enrolled(db, alix) == set()


def test_the_enrolment_file_refuses_an_author_and_enrols_nobody(
    client, admin, ahead, alix, make_user, db
):
    other = make_user(email="other@example.org")
    response = upload(client, ahead, f"Courriel\n{other.email}\n{alix.email}\n")
    assert response.status_code == 422
    assert f"Ligne 3 : {REFUSED}" in _text(response)
    assert _enrolled(db, alix) == set() and _enrolled(db, other) == set()  # all or nothing


def test_a_role_withdrawn_first_lets_the_enrolment_through(client, admin, ahead, alix, db):
    update_user(
        alix,
        admin,
        display_name=alix.display_name,
        roles=[Role.CANDIDATE],
        active=True,
        now=ahead.opens_at - timedelta(days=3),
    )
    db.session.commit()
    _url, _token, response = enrol_one(client, ahead, alix.email, "0")
    assert response.status_code == 302
    assert _enrolled(db, alix) == {ahead.id}


GRANT_REFUSED = (
    "Camille Candidat est inscrit(e) comme candidat(e) à la session de certification « Session "
    "test » (ouverture le 05/03/2026 à 09 h 00) : le rôle « Auteur » ouvre l'atelier et les "
    "échanges, donc les items et les corrigés de toutes les banques. Attribuez-le après son "
    "épreuve, ou désinscrivez d'abord cette personne de la session."
)


def test_the_account_form_refuses_to_make_a_pending_candidate_an_author(
    client, admin, ahead, make_user, db, clock
):
    camille = make_user(email="camille@example.org", name="Camille Candidat")
    enrol(ahead, camille, clock())
    db.session.commit()
    edit = f"/admin/utilisateurs/{camille.id}"
    response = client.post(
        edit,
        data={
            "csrf_token": form_token(client, edit),
            "display_name": camille.display_name,
            "roles": ["candidate", "author"],
            "active": "y",
        },
    )
    assert GRANT_REFUSED in _text(response)
    db.session.refresh(camille)
    assert camille.roles == {Role.CANDIDATE}
    with pytest.raises(AccountError, match="les rôles « Auteur » et « Relecteur » ouvrent"):
        update_user(
            camille,
            admin,
            display_name="Camille Candidat",
            roles=[Role.CANDIDATE, Role.AUTHOR, Role.REVIEWER],
            active=True,
            now=clock(),
        )
    # the other roles stay free: the guard closes the workspace to an administrator-candidate
    update_user(
        camille,
        admin,
        display_name="Camille Candidat",
        roles=[Role.CANDIDATE, Role.JURY, Role.ADMIN],
        active=True,
        now=clock(),
    )


def test_the_role_is_granted_once_the_candidate_has_sat(admin, make_session, make_user, db, clock):
    camille = make_user(email="camille@example.org", name="Camille Candidat")
    session, _ = make_session(candidate=camille)
    with pytest.raises(AccountError, match="« Session test »"):
        update_user(
            camille,
            admin,
            display_name="Camille",
            roles=[Role.CANDIDATE, Role.REVIEWER],
            active=True,
            now=clock(),
        )
    attempt, _ = start_attempt(find_enrolment(camille, session.id), clock(), 30, random.Random(1))
    submit_attempt(attempt, clock(), 30)
    db.session.commit()
    update_user(
        camille,
        admin,
        display_name="Camille",
        roles=[Role.CANDIDATE, Role.REVIEWER],
        active=True,
        now=clock(),
    )
    assert camille.roles == {Role.CANDIDATE, Role.REVIEWER}


def test_a_role_already_held_is_kept_on_save(admin, ahead, alix, db, clock):
    """An author enrolled before the rule: saving their account does not strip or refuse it
    (the workspace guard keeps them out until their sitting)."""
    db.session.add(Enrolment(session=ahead, user=alix, created_at=clock()))
    db.session.commit()
    update_user(
        alix,
        admin,
        display_name="Alix",
        roles=[Role.AUTHOR, Role.CANDIDATE],
        active=True,
        now=clock(),
    )
    assert alix.roles == {Role.AUTHOR, Role.CANDIDATE}
