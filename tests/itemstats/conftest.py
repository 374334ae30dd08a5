"""Fixtures for item statistics: closed sessions answered by hand."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from questionnaire.attempts.services import save_response, start_attempt, submit_attempt
from questionnaire.banks.models import Item
from questionnaire.exams.services import enrol


@pytest.fixture
def sit(app, db, clock, make_user):
    """A candidate sits the session: ``answers`` maps an item id to the selected keys."""
    grace = app.config["GRACE_SECONDS"]

    def _sit(session, answers: dict[str, list[str]], *, submit: bool = True, user=None):
        enrolment = enrol(session, user or make_user(), clock())
        db.session.flush()
        attempt, _ = start_attempt(enrolment, clock(), grace, rng=random.Random(0))
        for attempt_item in attempt.items:
            keys = answers.get(attempt_item.external_id)
            if keys:
                save_response(attempt, attempt_item, keys, None, clock(), grace)
        if submit:
            submit_attempt(attempt, clock(), grace)
        db.session.commit()
        return attempt

    return _sit


@pytest.fixture
def version_of(db):
    """The latest version of an item, by its bank id."""

    def _version(external_id: str):
        item = db.session.execute(select(Item).where(Item.external_id == external_id)).scalar_one()
        return item.latest_version

    return _version
