"""An accommodation edited while another administrator removes the enrolment (PostgreSQL)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from questionnaire.admin import services as admin
from questionnaire.clock import now_utc
from questionnaire.exams.models import Enrolment
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
