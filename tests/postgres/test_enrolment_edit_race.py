"""An accommodation edited while another administrator removes the enrolment (PostgreSQL)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from questionnaire.admin import services as admin
from questionnaire.clock import now_utc
from questionnaire.exams.models import Enrolment, ExamSession
from questionnaire.extensions import db
from tests.postgres.conftest import race, seed_exam

pytestmark = pytest.mark.postgres


def test_an_edit_during_the_removal_is_told_the_enrolment_is_gone(pg_app, tmp_path):
    """The edit read the enrolment before the removal's commit, then its UPDATE matched no row:
    StaleDataError, a server error. It now waits for the removal and says what happened."""
    seed_exam(tmp_path, candidates=1)
    enrolment_id = db.session.execute(sa.select(Enrolment.id)).scalar_one()

    def removing():
        admin.unenrol(db.session.get(Enrolment, enrolment_id), now_utc())

    def editing():
        admin.update_enrolment(
            db.session.get(Enrolment, enrolment_id), 33, "", now=now_utc(), grace_seconds=0
        )

    outcomes = race(pg_app, removing, editing)
    assert outcomes[0] is None
    assert isinstance(outcomes[1], admin.EnrolmentGone), repr(outcomes[1])
    assert db.session.get(Enrolment, enrolment_id) is None


def test_an_enrolment_file_during_the_removal_enrols_the_candidate_again(pg_app, tmp_path):
    """The file read the enrolment before the removal's commit and updated a row that was gone
    (StaleDataError). The removal now holds the session's row as the file does: the file waits,
    then finds the candidate not enrolled and enrols them, as it says."""
    exam = seed_exam(tmp_path, candidates=1)
    enrolment_id = db.session.execute(sa.select(Enrolment.id)).scalar_one()
    data = f"{exam.emails[0]};33\n".encode()

    def removing():
        admin.unenrol(db.session.get(Enrolment, enrolment_id), now_utc())

    def importing():
        admin.import_enrolments(db.session.get(ExamSession, exam.session_id), data, now_utc())

    outcomes = race(pg_app, removing, importing)
    assert outcomes == [None, None], [repr(outcome) for outcome in outcomes]
    (extra,) = db.session.execute(sa.select(Enrolment.extra_time_percent)).scalars().all()
    assert extra == 33


def test_two_removals_at_once_remove_once(pg_app, tmp_path):
    seed_exam(tmp_path, candidates=1)
    enrolment_id = db.session.execute(sa.select(Enrolment.id)).scalar_one()

    def removing():
        admin.unenrol(db.session.get(Enrolment, enrolment_id), now_utc())

    outcomes = race(pg_app, removing, removing)
    assert outcomes[0] is None
    assert isinstance(outcomes[1], admin.EnrolmentGone), repr(outcomes[1])
    assert db.session.get(Enrolment, enrolment_id) is None
