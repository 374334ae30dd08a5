"""Erasure withdraws the account from the sessions ahead, and an erased account is never enrolled."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from sqlalchemy import select

from questionnaire.attempts.models import Attempt
from questionnaire.attempts.services import start_attempt, submit_attempt
from questionnaire.audit.models import AuditEvent
from questionnaire.auth.models import Role
from questionnaire.exams.models import Enrolment
from questionnaire.exams.services import ExamConfigError, enrol
from questionnaire.privacy.services import erase_user, purge
from tests.admin.test_admin import enrol_one, upload
from tests.privacy.test_erasure_shows_the_account_first import erase_through_the_form


@pytest.fixture
def four_sessions(make_session, make_user, loaded_bank, db, clock):
    """A candidate enrolled in an open session (no copy), a future one, an open one where they
    have handed in a copy, and a closed one they missed."""
    theme = loaded_bank()
    candidate = make_user(email="camille@example.org", name="Camille Martin")
    sessions = {}
    for name, opens_in in (
        ("open", timedelta(hours=-1)),
        ("future", timedelta(days=10)),
        ("started", timedelta(hours=-1)),
        ("closed", timedelta(hours=-2)),
    ):
        session, _ = make_session(theme=theme, candidate=candidate, opens_in=opens_in)
        session.title = f"Session {name}"
        sessions[name] = session
    copy, _started = start_attempt(sessions["started"].enrolments[0], clock(), 30)
    submit_attempt(copy, clock(), 30)  # a copy in progress would refuse the erasure
    sessions["closed"].closes_at = clock() - timedelta(minutes=1)
    db.session.commit()
    return candidate, sessions


def enrolled_sessions(db, user) -> set[int]:
    return set(
        db.session.execute(select(Enrolment.session_id).where(Enrolment.user_id == user.id))
        .scalars()
        .all()
    )


def test_erasure_withdraws_from_sessions_ahead_without_a_copy(client, admin, four_sessions, db):
    candidate, sessions = four_sessions
    response = erase_through_the_form(client, candidate.email, "Demande écrite du 01/03/2026")
    assert response.status_code == 302
    page = html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert (
        "Il a été désinscrit de 2 sessions pas encore closes où il n'avait pas de copie : "
        "« Session open », « Session future »."
    ) in page
    # the copy and the closed session's enrolment stay, under the pseudonym
    assert enrolled_sessions(db, candidate) == {sessions["started"].id, sessions["closed"].id}
    assert db.session.execute(select(Attempt).where(Attempt.user_id == candidate.id)).scalar_one()
    withdrawals = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "privacy.unenrol").order_by(AuditEvent.id)
    ).scalars()
    assert [(e.target, e.actor_id, e.subject_id) for e in withdrawals] == [
        (f"session:{sessions['open'].id}", admin.id, candidate.id),
        (f"session:{sessions['future'].id}", admin.id, candidate.id),
    ]
    erasure = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "privacy.erase")
    ).scalar_one()
    assert erasure.details["enrolments_withdrawn"] == 2
    assert erasure.label == "effacement (pseudonymisation) d'un compte"
    assert (
        AuditEvent(action="privacy.unenrol").label
        == "désinscription d'un compte effacé (session pas encore close, sans copie)"
    )


def test_the_erasure_service_reports_the_sessions_left(four_sessions, make_user, db, clock):
    candidate, sessions = four_sessions
    report = erase_user(candidate, make_user(Role.ADMIN), "Demande", clock())
    assert [s.id for s in report.withdrawn_from] == [sessions["open"].id, sessions["future"].id]
    assert report.pseudonym == candidate.display_name


def test_the_purge_withdraws_a_dormant_account_from_a_far_session(
    make_session, make_user, db, clock
):
    dormant = make_user(email="dormant@example.org")
    make_session(candidate=dormant, opens_in=timedelta(days=2100))
    clock.advance(days=2000)
    report = purge(clock(), audit_days=365, account_days=1825)
    assert (report.accounts_pseudonymised, report.enrolments_withdrawn) == (1, 1)
    assert enrolled_sessions(db, dormant) == set()
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "privacy.purge")
    ).scalar_one()
    assert event.details["enrolments_withdrawn"] == 1


def test_the_purge_command_says_how_many_enrolments_it_withdrew(
    app, make_session, make_user, clock
):
    dormant = make_user(email="dormant@example.org")
    make_session(candidate=dormant, opens_in=timedelta(days=2100))
    clock.advance(days=2000)
    result = app.test_cli_runner().invoke(args=["privacy", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "1 inscription(s) à des sessions pas encore closes retirée(s)" in result.output


@pytest.fixture
def erased(make_session, make_user, erase):
    """An open session, and the pseudonymous address of an erased candidate account."""
    session, _ = make_session()
    candidate = erase(make_user(email="camille@example.org", name="Camille Martin"))
    return session, candidate


REFUSED = (
    "ce compte a été effacé (RGPD) : il ne peut plus être inscrit à une session. Si la "
    "personne revient, créez-lui un nouveau compte."
)


def test_an_erased_account_cannot_be_enrolled_by_the_form(client, admin, erased, db):
    session, candidate = erased
    _url, _token, response = enrol_one(client, session, candidate.email, "0")
    assert response.status_code == 422
    assert f"{candidate.email} : {REFUSED}" in html.unescape(response.get_data(as_text=True))
    assert enrolled_sessions(db, candidate) == set()


def test_an_erased_account_cannot_be_enrolled_by_a_file(client, admin, erased, db):
    session, candidate = erased
    response = upload(client, session, f"Courriel\n{candidate.email}\n")
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert f"Ligne 2 : {candidate.email} : {REFUSED}" in page
    assert enrolled_sessions(db, candidate) == set()


def test_the_enrolment_service_refuses_an_erased_account(erased, clock):
    session, candidate = erased
    with pytest.raises(ExamConfigError, match="effacé"):
        enrol(session, candidate, clock())


def test_the_purge_spares_a_dormant_account_enrolled_again(make_session, make_user, db, clock):
    """Found again by an administrator after five years and enrolled for next week: the
    enrolment is activity, the account is not pseudonymised the night after."""
    returning = make_user(email="retour@example.org")
    clock.advance(days=2000)
    session, _ = make_session(candidate=returning, opens_in=timedelta(days=7))
    report = purge(clock(), audit_days=365, account_days=1825)
    assert (report.accounts_pseudonymised, report.enrolments_withdrawn) == (0, 0)
    assert enrolled_sessions(db, returning) == {session.id}
    # five more years without anything: dormant again
    clock.advance(days=1826)
    assert purge(clock(), audit_days=365, account_days=1825).accounts_pseudonymised == 1
