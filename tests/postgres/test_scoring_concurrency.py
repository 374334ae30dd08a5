"""Key corrections and neutralisations on PostgreSQL, racing each other and candidates' hand-ins.

A correction re-grades the copies already graded; a copy handed in while it ran was graded
with the old key and, committed after the correction's re-grading had listed the graded
copies, kept that grade for good. Two jury members sending the same decision at once recorded
it twice. The session's row now orders them (``attempts.grading.lock_scoring``).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from questionnaire.attempts.models import Attempt, AttemptStatus, ScoringDecision
from questionnaire.attempts.services import autosave, start_attempt, submit_attempt
from questionnaire.auth.models import Role, User
from questionnaire.auth.services import create_user
from questionnaire.clock import now_utc
from questionnaire.exams.models import Enrolment, ExamSession
from questionnaire.extensions import db
from questionnaire.reports.services import ReportError, neutralise_in_session, rekey_in_session
from tests.conftest import PASSWORD
from tests.postgres.conftest import race, seed_exam

pytestmark = pytest.mark.postgres
GRACE = 30


def _sitting(tmp_path) -> tuple[int, int, int, int, str]:
    """Two copies of one session: the first handed in, the second open with its first question
    answered by an option that the bank's key counts wrong. Returns the session, the jury
    member, the open copy, the item version and the option the copy chose."""
    exam = seed_exam(tmp_path, candidates=2)
    now = now_utc()
    jury = create_user("jury@example.org", PASSWORD, "Jules Jury", [Role.JURY], now)
    copies = []
    for enrolment in db.session.execute(sa.select(Enrolment).order_by(Enrolment.id)).scalars():
        copies.append(start_attempt(enrolment, now, GRACE)[0])
    handed_in, still_open = copies
    submit_attempt(handed_in, now, GRACE)
    first = still_open.items[0]
    wrong = sorted(first.version.option_keys - first.version.correct_keys)[0]
    autosave(still_open.user, still_open.id, first.version.item.external_id, [wrong], 1, now, GRACE)
    db.session.commit()
    return exam.session_id, jury.id, still_open.id, first.item_version_id, wrong


def _rekey(session_id: int, jury_id: int, version_id: int, keys: list[str]):
    def action() -> None:
        session = db.session.get(ExamSession, session_id)
        jury = db.session.get(User, jury_id)
        rekey_in_session(session, version_id, keys, jury, "clé erronée", now_utc())

    return action


def _decisions(version_id: int) -> int:
    return db.session.execute(
        sa.select(sa.func.count(ScoringDecision.id)).where(
            ScoringDecision.item_version_id == version_id
        )
    ).scalar_one()


def test_a_copy_handed_in_during_a_key_correction_is_graded_with_the_corrected_key(
    pg_app, tmp_path
):
    session_id, jury_id, attempt_id, version_id, chosen = _sitting(tmp_path)

    def hand_in() -> None:
        submit_attempt(db.session.get(Attempt, attempt_id), now_utc(), GRACE)

    outcomes = race(pg_app, _rekey(session_id, jury_id, version_id, [chosen]), hand_in)
    assert outcomes == [None, None]
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.status is AttemptStatus.SUBMITTED
    first = next(item for item in attempt.items if item.item_version_id == version_id)
    assert first.selected == [chosen]
    assert first.score == 1  # the corrected key, not the bank's


def test_the_same_key_correction_sent_twice_at_once_is_recorded_once(pg_app, tmp_path):
    session_id, jury_id, _, version_id, chosen = _sitting(tmp_path)
    correction = _rekey(session_id, jury_id, version_id, [chosen])
    first, second = race(pg_app, correction, correction)
    assert first is None
    assert isinstance(second, ReportError)
    assert "déjà la clé en vigueur" in str(second)
    assert _decisions(version_id) == 1


def test_the_same_neutralisation_sent_twice_at_once_is_recorded_once(pg_app, tmp_path):
    session_id, jury_id, _, version_id, _ = _sitting(tmp_path)

    def neutralise() -> None:
        session = db.session.get(ExamSession, session_id)
        jury = db.session.get(User, jury_id)
        neutralise_in_session(session, version_id, jury, "item ambigu", now_utc())

    first, second = race(pg_app, neutralise, neutralise)
    assert first is None
    assert isinstance(second, ReportError)
    assert _decisions(version_id) == 1
