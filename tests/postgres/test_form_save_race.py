"""The exam page without JavaScript on PostgreSQL: an answer saved by the plain form while the
copy is being finalised (a submission from another tab, the cron at the end of the grace
period) is graded, or refused: never acknowledged and left out of the score."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from questionnaire.attempts import services
from questionnaire.attempts.models import Attempt, AttemptStatus, Response
from questionnaire.clock import now_utc
from questionnaire.extensions import db
from tests.postgres.conftest import race, seed_exam

pytestmark = pytest.mark.postgres


def _started_copy(tmp_path) -> tuple[int, str]:
    """A copy started by the one candidate; its id and the right key of its first question."""
    from questionnaire.exams.models import Enrolment

    seed_exam(tmp_path, candidates=1)
    enrolment = db.session.execute(sa.select(Enrolment)).scalar_one()
    attempt, _ = services.start_attempt(enrolment, now_utc(), 30)
    db.session.commit()
    right_key = sorted(attempt.items[0].version.correct_keys)[0]
    return attempt.id, right_key


def _form_save(attempt_id: int, key: str):
    """What the question page does with a plain form post: the answer saved, without seq."""

    def action() -> None:
        attempt = db.session.get(Attempt, attempt_id)
        services.save_response(attempt, attempt.items[0], [key], None, now_utc(), 30)

    return action


def _submit(attempt_id: int):
    def action() -> None:
        services.submit_attempt(db.session.get(Attempt, attempt_id), now_utc(), 30)

    return action


def test_a_form_save_not_yet_committed_is_graded_by_a_submission(pg_app, tmp_path):
    """The save has written the answer when the submission claims the copy: the submission
    waits for the save's commit and counts the answer (it used to grade without it)."""
    attempt_id, right_key = _started_copy(tmp_path)
    assert race(pg_app, _form_save(attempt_id, right_key), _submit(attempt_id)) == [None, None]
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.status is AttemptStatus.SUBMITTED
    assert db.session.execute(sa.select(sa.func.count(Response.id))).scalar_one() == 1
    assert attempt.score == 1


def test_a_form_save_after_a_submission_claimed_the_copy_is_refused(pg_app, tmp_path):
    """The submission has claimed the copy (not committed yet) when the save comes: the save
    waits, then is refused, and no answer is stored after the grading."""
    attempt_id, right_key = _started_copy(tmp_path)
    outcomes = race(pg_app, _submit(attempt_id), _form_save(attempt_id, right_key))
    assert outcomes[0] is None
    assert isinstance(outcomes[1], services.AttemptClosed)
    assert db.session.execute(sa.select(sa.func.count(Response.id))).scalar_one() == 0
    assert db.session.get(Attempt, attempt_id).score == 0
