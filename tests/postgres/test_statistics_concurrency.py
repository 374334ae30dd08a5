"""Item statistics of two sessions of one theme computed at once on PostgreSQL.

Each computation replaces the theme's cumulated rows (``session_id`` empty, which the unique
constraint does not cover: NULLs are distinct): both deleted what was committed, then both
inserted theirs, so every version had its cumulated statistics twice and the « Items à revoir »
queue listed each flagged item twice.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from questionnaire.attempts.services import start_attempt, submit_attempt
from questionnaire.auth.models import Role
from questionnaire.auth.services import create_user
from questionnaire.clock import now_utc
from questionnaire.exams.models import Enrolment, ExamSession
from questionnaire.exams.services import create_session, enrol
from questionnaire.extensions import db
from questionnaire.itemstats.models import ItemStatistics
from questionnaire.itemstats.services import refresh_session_statistics
from tests.conftest import PASSWORD
from tests.postgres.conftest import race, seed_exam

pytestmark = pytest.mark.postgres
GRACE = 30


def _two_closed_sessions(tmp_path) -> tuple[int, int]:
    """Two sessions of one questionnaire, each with two copies handed in, both closed."""
    exam = seed_exam(tmp_path, candidates=2)
    now = now_utc()
    first = db.session.get(ExamSession, exam.session_id)
    second = create_session(
        first.questionnaire,
        "Seconde session",
        now - timedelta(hours=1),
        now + timedelta(days=1),
        now,
    )
    for n in range(2):
        user = create_user(f"autre{n}@example.org", PASSWORD, f"Autre {n}", [Role.CANDIDATE], now)
        enrol(second, user, now)
    db.session.flush()
    for session in (first, second):
        enrolments = db.session.execute(
            sa.select(Enrolment).where(Enrolment.session_id == session.id).order_by(Enrolment.id)
        ).scalars()
        for enrolment in enrolments:
            submit_attempt(start_attempt(enrolment, now, GRACE)[0], now, GRACE)
        session.closes_at = now
    db.session.commit()
    return first.id, second.id


def _refresh(session_id: int):
    def action() -> None:
        refresh_session_statistics(db.session.get(ExamSession, session_id), now_utc())

    return action


def test_two_sessions_of_a_theme_computed_at_once_leave_one_cumulated_row_per_version(
    pg_app, tmp_path
):
    first, second = _two_closed_sessions(tmp_path)
    assert race(pg_app, _refresh(first), _refresh(second)) == [None, None]
    db.session.expire_all()
    per_version = db.session.execute(
        sa.select(ItemStatistics.item_version_id, sa.func.count())
        .where(ItemStatistics.session_id.is_(None))
        .group_by(ItemStatistics.item_version_id)
    ).all()
    assert per_version and {count for _version, count in per_version} == {1}
    # the cumulated rows are those of both sessions: every copy counted once
    assert sum(n for (n,) in db.session.execute(
        sa.select(ItemStatistics.n).where(ItemStatistics.session_id.is_(None))
    )) == 4 * 4  # fmt: skip
