"""Concurrency of administrators' session workflows on PostgreSQL: close, release, enrolment
against another administrator or an RGPD erasure."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
import sqlalchemy as sa

from questionnaire.admin import services as admin
from questionnaire.attempts.models import Attempt
from questionnaire.attempts.services import allowed_seconds, start_attempt
from questionnaire.audit.models import AuditEvent
from questionnaire.auth.models import Role, User
from questionnaire.auth.services import create_user
from questionnaire.clock import now_utc
from questionnaire.exams.models import Enrolment, ExamSession, ReleasePolicy
from questionnaire.extensions import db
from questionnaire.privacy.services import erase_user
from tests.conftest import PASSWORD
from tests.postgres.conftest import race, seed_exam

pytestmark = pytest.mark.postgres


def _events(action: str) -> int:
    return db.session.execute(
        sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == action)
    ).scalar_one()


def _session_action(session_id: int, service, *args):
    def action():
        service(db.session.get(ExamSession, session_id), now_utc(), *args)

    return action


def test_two_administrators_closing_at_once_close_once(pg_app, tmp_path):
    """Both saw the session open: both closed it (two audit events, the close moved later by
    the second). The second now waits and is told it is already closed."""
    exam = seed_exam(tmp_path, candidates=0)
    close = _session_action(exam.session_id, admin.close_session)
    outcomes = race(pg_app, close, close)
    assert outcomes[0] is None
    assert isinstance(outcomes[1], admin.AdminError) and "déjà close" in str(outcomes[1])
    assert _events("admin.session_close") == 1


def test_two_administrators_releasing_at_once_release_once(pg_app, tmp_path):
    exam = seed_exam(tmp_path, candidates=0)
    session = db.session.get(ExamSession, exam.session_id)
    session.release_policy = ReleasePolicy.MANUAL
    session.closes_at = now_utc() - timedelta(minutes=5)
    db.session.commit()
    release = _session_action(exam.session_id, admin.release_correction, 0)
    outcomes = race(pg_app, release, release)
    assert outcomes[0] is None
    assert isinstance(outcomes[1], admin.AdminError) and "déjà publiée" in str(outcomes[1])
    assert _events("admin.correction_release") == 1


def _candidate_to_erase(tmp_path) -> tuple[int, int, int]:
    """An open session without enrolment, a candidate and an administrator: their ids."""
    exam = seed_exam(tmp_path, candidates=0)
    now = now_utc()
    candidate = create_user("cible@example.org", PASSWORD, "Camille Cible", [Role.CANDIDATE], now)
    actor = create_user("admin@example.org", PASSWORD, "Admin", [Role.ADMIN], now)
    db.session.commit()
    return exam.session_id, candidate.id, actor.id


def _erasing(user_id: int, actor_id: int):
    def action():
        user, actor = db.session.get(User, user_id), db.session.get(User, actor_id)
        erase_user(user, actor, "Demande du 3 mars", now_utc())

    return action


def _enrolled(session_id: int, user_id: int) -> bool:
    return (
        db.session.execute(
            sa.select(Enrolment.id).where(
                Enrolment.session_id == session_id, Enrolment.user_id == user_id
            )
        ).first()
        is not None
    )


def test_an_enrolment_during_an_erasure_is_refused(pg_app, tmp_path):
    """The enrolment saw the erasure uncommitted (no erasure row, the account still active)
    and the erasure never saw the enrolment: the erased account stayed enrolled."""
    session_id, user_id, actor_id = _candidate_to_erase(tmp_path)

    def enrolling():
        session = db.session.get(ExamSession, session_id)
        admin.enrol_candidate(session, "cible@example.org", 0, "", now_utc())

    outcomes = race(pg_app, _erasing(user_id, actor_id), enrolling)
    assert outcomes[0] is None
    assert isinstance(outcomes[1], admin.AdminError), outcomes[1]
    assert not _enrolled(session_id, user_id)


def test_an_erasure_during_an_enrolment_withdraws_it(pg_app, tmp_path):
    """The other order: the erasure waits for the enrolment's commit, then withdraws it (safe
    before too: the erasure's UPDATE of the unique email waited on the enrolment's share)."""
    session_id, user_id, actor_id = _candidate_to_erase(tmp_path)

    def enrolling():
        session = db.session.get(ExamSession, session_id)
        admin.enrol_candidate(session, "cible@example.org", 0, "", now_utc())

    outcomes = race(pg_app, enrolling, _erasing(user_id, actor_id))
    assert outcomes == [None, None]
    assert not _enrolled(session_id, user_id)


def test_an_enrolment_file_during_an_erasure_is_refused(pg_app, tmp_path):
    session_id, user_id, actor_id = _candidate_to_erase(tmp_path)

    def importing():
        session = db.session.get(ExamSession, session_id)
        admin.import_enrolments(session, b"cible@example.org\n", now_utc())

    outcomes = race(pg_app, _erasing(user_id, actor_id), importing)
    assert outcomes[0] is None
    assert isinstance(outcomes[1], admin.EnrolmentImportError), outcomes[1]
    assert not _enrolled(session_id, user_id)


def test_two_enrolment_files_at_once_extend_a_running_copy_once(pg_app, tmp_path):
    """Both files gave an enrolled candidate writing their copy a tiers temps: each read the
    previous extra time (0 %) before the other's commit and extended the copy, which got the
    extra time twice. The second file now waits, and finds the extra time already given."""
    exam = seed_exam(tmp_path, candidates=2)
    enrolment = db.session.execute(
        sa.select(Enrolment).join(User).where(User.email == exam.emails[0])
    ).scalar_one()
    attempt, _ = start_attempt(enrolment, now_utc(), 0, random.Random(1))
    db.session.commit()
    attempt_id, deadline = attempt.id, attempt.deadline
    # a new candidate too: the second file used to create them again (a conflict, 409)
    create_user("nouveau@example.org", PASSWORD, "Noé Nouveau", [Role.CANDIDATE], now_utc())
    db.session.commit()
    data = f"{exam.emails[0]};33\nnouveau@example.org;\n".encode()

    def importing():
        admin.import_enrolments(db.session.get(ExamSession, exam.session_id), data, now_utc())

    outcomes = race(pg_app, importing, importing)
    assert outcomes == [None, None]
    added = db.session.get(Attempt, attempt_id).deadline - deadline
    duration = db.session.get(ExamSession, exam.session_id).questionnaire.duration_minutes
    assert added == timedelta(seconds=allowed_seconds(duration, 33) - allowed_seconds(duration, 0))
    assert _events("admin.enrolment_import") == 2


def test_two_edits_of_a_running_candidates_extra_time_extend_the_copy_once(pg_app, tmp_path):
    """Two administrators give the same candidate, writing their copy, a tiers temps at once:
    each read 0 % before the other's commit and the copy got the 33 % twice."""
    seed_exam(tmp_path, candidates=1)
    enrolment = db.session.execute(sa.select(Enrolment)).scalar_one()
    attempt, _ = start_attempt(enrolment, now_utc(), 0, random.Random(1))
    db.session.commit()
    attempt_id, enrolment_id, deadline = attempt.id, enrolment.id, attempt.deadline

    def editing():
        admin.update_enrolment(
            db.session.get(Enrolment, enrolment_id), 33, "", now=now_utc(), grace_seconds=0
        )

    outcomes = race(pg_app, editing, editing)
    assert outcomes == [None, None]
    # the seeded questionnaire lasts 30 minutes: 33 % of it is 9 min 54 s, given once
    added = db.session.get(Attempt, attempt_id).deadline - deadline
    assert added == timedelta(minutes=9, seconds=54)


def test_an_enrolment_during_a_close_is_refused(pg_app, tmp_path):
    exam = seed_exam(tmp_path, candidates=0)
    create_user("tard@example.org", PASSWORD, "Tara Tard", [Role.CANDIDATE], now_utc())
    db.session.commit()
    close = _session_action(exam.session_id, admin.close_session)

    def enrolling():
        admin.enrol_candidate(
            db.session.get(ExamSession, exam.session_id), "tard@example.org", 0, "", now_utc()
        )

    outcomes = race(pg_app, close, enrolling)
    assert outcomes[0] is None
    assert outcomes[1] is not None and "close" in str(outcomes[1])
    assert db.session.execute(sa.select(Enrolment)).first() is None
