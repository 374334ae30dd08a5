"""Erasure, the purge and a reason given to extra time for the whole session (« Poste de Bruno
Blanc figé, toute la salle relancée »): a reason naming the erased person is replaced, as on the
copies' grants, a reason that names no one stays; the journal never received it."""

from __future__ import annotations

from sqlalchemy import select

from questionnaire.attempts.services import find_enrolment, start_attempt, submit_attempt
from questionnaire.audit.models import AuditEvent
from questionnaire.auth.models import Role
from questionnaire.exams.services import enrol
from questionnaire.incidents.models import SessionTimeExtension
from questionnaire.incidents.services import grant_extra_time
from questionnaire.privacy.services import ERASED_GRANT_REASON, erase_user, purge
from tests.conftest import login

NAMING = "Poste de Bruno Blanc figé, toute la salle relancée"
NEUTRAL = "Coupure réseau salle B"


def _session_granted(make_session, make_user, db, clock):
    """Bruno and Camille write; Ada grants the session 10 minutes naming Bruno, then 5 minutes
    naming no one; returns (bruno, ada, session)."""
    bruno = make_user(name="Bruno Blanc", email="bruno@example.org")
    camille = make_user(name="Camille Calme", email="camille@example.org")
    session, _ = make_session(duration=30, candidate=bruno)
    enrol(session, camille, clock())
    copies = [
        start_attempt(find_enrolment(u, session.id), clock(), 30)[0] for u in (bruno, camille)
    ]
    admin = make_user(Role.ADMIN, email="ada@example.org", name="Ada Admin")
    clock.advance(minutes=10)
    grant_extra_time(session, 10, NAMING, admin, clock())
    grant_extra_time(session, 5, NEUTRAL, admin, clock())
    for copy in copies:
        submit_attempt(copy, clock(), 30)
    db.session.commit()
    return bruno, admin, session


def _reasons(db) -> list[tuple[int, str]]:
    rows = db.session.execute(select(SessionTimeExtension).order_by(SessionTimeExtension.id))
    return [(row.minutes, row.reason) for row in rows.scalars()]


def test_erasure_replaces_a_session_grant_reason_naming_the_person(
    client, make_session, make_user, db, clock
):
    bruno, admin, session = _session_granted(make_session, make_user, db, clock)

    erase_user(bruno, admin, "Demande écrite du 3 mars", clock())
    db.session.commit()

    assert _reasons(db) == [(10, ERASED_GRANT_REASON), (5, NEUTRAL)]
    login(client, "ada@example.org")
    page = client.get(f"/admin/incidents/sessions/{session.id}").get_data(as_text=True)
    assert "Bruno" not in page and NEUTRAL in page


def test_the_purge_replaces_it_with_the_dormant_account(make_session, make_user, db, clock):
    _session_granted(make_session, make_user, db, clock)
    clock.advance(days=400)
    db.session.commit()

    report = purge(clock(), audit_days=365, account_days=300)
    db.session.commit()

    assert report.accounts_pseudonymised == 2
    assert _reasons(db) == [(10, ERASED_GRANT_REASON), (5, NEUTRAL)]


def test_the_journal_keeps_the_minutes_not_the_reason(make_session, make_user, db, clock):
    _bruno, _admin, session = _session_granted(make_session, make_user, db, clock)

    events = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "session.extra_time").order_by(AuditEvent.id)
    ).scalars()

    assert [(e.target, e.details) for e in events] == [
        (f"session:{session.id}", {"minutes": 10, "attempts_moved": 2}),
        (f"session:{session.id}", {"minutes": 5, "attempts_moved": 2}),
    ]
