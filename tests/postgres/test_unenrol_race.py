"""An administrator removes an enrolment while its candidate is starting (PostgreSQL)."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa

from questionnaire.admin import services as admin
from questionnaire.attempts.models import Attempt
from questionnaire.attempts.services import start_attempt
from questionnaire.clock import now_utc
from questionnaire.exams.models import Enrolment
from questionnaire.extensions import db
from tests.postgres.conftest import race, seed_exam

pytestmark = pytest.mark.postgres


def test_an_unenrolment_during_the_start_is_refused_not_a_server_error(pg_app, tmp_path):
    """The start had flushed its copy, not committed: the removal's DELETE waited, then broke
    the copy's foreign key (IntegrityError, a server error for the administrator). It now waits
    for the start, then finds the copy and keeps the enrolment."""
    seed_exam(tmp_path, candidates=1)
    enrolment_id = db.session.execute(sa.select(Enrolment.id)).scalar_one()

    def starting():
        start_attempt(db.session.get(Enrolment, enrolment_id), now_utc(), 0, random.Random(1))

    def removing():
        admin.unenrol(db.session.get(Enrolment, enrolment_id), now_utc())

    outcomes = race(pg_app, starting, removing)
    assert outcomes[0] is None
    assert isinstance(outcomes[1], admin.AdminError), outcomes[1]
    assert "déjà commencé" in str(outcomes[1])
    assert db.session.get(Enrolment, enrolment_id) is not None
    assert db.session.execute(sa.select(sa.func.count(Attempt.id))).scalar_one() == 1


def test_an_enrolment_nobody_uses_is_still_removed(pg_app, tmp_path):
    seed_exam(tmp_path, candidates=1)
    enrolment_id = db.session.execute(sa.select(Enrolment.id)).scalar_one()
    admin.unenrol(db.session.get(Enrolment, enrolment_id), now_utc())
    db.session.commit()
    assert db.session.get(Enrolment, enrolment_id) is None
