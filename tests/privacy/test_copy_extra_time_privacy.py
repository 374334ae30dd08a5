"""RGPD: the extra time granted to one candidate's copy after an incident (copy_time_extension).

The grant is a staff-recorded statement about the candidate, with a free-text reason typed by an
administrator (« malaise », « poste figé »): the candidate's export lists it with who granted it,
as it lists accommodations, and erasure (or the purge) removes its reason, as it removes the
description of an accommodation: it may name the person or reveal a health matter.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from questionnaire.attempts.services import find_enrolment, start_attempt, submit_attempt
from questionnaire.auth.models import Role
from questionnaire.exams.services import enrol
from questionnaire.incidents.models import CopyTimeExtension
from questionnaire.incidents.services import grant_copies_extra_time
from questionnaire.privacy.services import erase_user, purge
from tests.conftest import login

REASON = "Malaise de Bruno Bloqué, pris en charge par l'infirmière"


@pytest.fixture
def grants(make_session, make_user, db, clock):
    """Bruno's and Camille's copies each extended once, by Ada, 10 minutes into a 30-minute
    session; returns (bruno, camille, their copies)."""
    bruno = make_user(name="Bruno Bloqué", email="bruno@example.org")
    camille = make_user(name="Camille Calme", email="camille@example.org")
    session, _ = make_session(duration=30, candidate=bruno)
    enrol(session, camille, clock())
    copies = {
        user.id: start_attempt(find_enrolment(user, session.id), clock(), 30)[0]
        for user in (bruno, camille)
    }
    admin = make_user(Role.ADMIN, email="ada@example.org", name="Ada Admin")
    clock.advance(minutes=10)
    grant_copies_extra_time(session, [copies[bruno.id].id], 12, REASON, admin, clock(), 30)
    grant_copies_extra_time(
        session, [copies[camille.id].id], 5, "Coupure réseau salle B", admin, clock(), 30
    )
    db.session.commit()
    return bruno, camille, copies


def test_the_export_lists_the_grants_on_ones_copies_and_who_made_them(client, grants, clock):
    bruno, _camille, copies = grants
    copy = copies[bruno.id]
    granted_at = clock()
    login(client, "bruno@example.org")
    document = client.get("/mes-donnees/export.json").get_json()
    assert document["copy_extra_time"] == [
        {
            "attempt_id": copy.id,
            "session": "Session test",
            "minutes": 12,
            "reason": REASON,
            "new_deadline": (copy.started_at + timedelta(minutes=42)).isoformat(),
            "granted_by": "Ada Admin",
            "granted_at": granted_at.isoformat(),
        }
    ]


def _reasons(db) -> dict[int, str]:
    rows = db.session.execute(select(CopyTimeExtension).order_by(CopyTimeExtension.id)).scalars()
    return {row.attempt.user_id: row.reason for row in rows}


def test_erasure_removes_the_reason_of_the_persons_grants_only(grants, make_user, db, clock):
    bruno, camille, copies = grants
    for copy in copies.values():
        submit_attempt(copy, clock(), 30)
    erase_user(bruno, make_user(Role.ADMIN), "Demande écrite du 3 mars", clock())
    db.session.commit()
    reasons = _reasons(db)
    assert "Malaise" not in reasons[bruno.id] and "Bruno" not in reasons[bruno.id]
    assert reasons[camille.id] == "Coupure réseau salle B"
    # the minutes and the new deadline stay: the copy's score rests on them
    (kept,) = db.session.execute(
        select(CopyTimeExtension).where(CopyTimeExtension.attempt_id == copies[bruno.id].id)
    ).scalars()
    assert kept.minutes == 12
    assert kept.deadline == copies[bruno.id].started_at + timedelta(minutes=42)


def test_the_purge_removes_the_reason_with_the_dormant_account(grants, db, clock):
    bruno, camille, _copies = grants
    clock.advance(days=400)
    db.session.commit()
    report = purge(clock(), audit_days=365, account_days=300)
    db.session.commit()
    assert report.accounts_pseudonymised == 2
    reasons = _reasons(db)
    assert "Malaise" not in reasons[bruno.id] and "salle B" not in reasons[camille.id]
