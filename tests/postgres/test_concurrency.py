"""Concurrency on PostgreSQL: threads against a real server, as on an exam morning."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from questionnaire.attempts.models import Attempt, AttemptStatus, Response
from questionnaire.audit.models import AuditEvent
from questionnaire.extensions import db
from tests.postgres.conftest import Candidate, run_together, seed_exam

pytestmark = pytest.mark.postgres


def test_simultaneous_starts_create_exactly_one_attempt(pg_app, live_server, tmp_path):
    exam = seed_exam(tmp_path, candidates=1)
    tabs = [Candidate(live_server, exam.emails[0]) for _ in range(8)]
    responses = run_together([lambda tab=tab: tab.start(exam.session_id) for tab in tabs])
    assert sorted(r.status_code for r in responses) == [200] * 7 + [201]
    assert len({r.json()["attempt_id"] for r in responses}) == 1
    db.session.remove()
    assert db.session.execute(sa.select(sa.func.count(Attempt.id))).scalar_one() == 1
    attempt = db.session.execute(sa.select(Attempt)).scalar_one()
    assert len(attempt.items) == 4
    starts = db.session.execute(
        sa.select(sa.func.count()).where(AuditEvent.action == "attempt.start")
    ).scalar_one()
    assert starts == 1


def test_two_tabs_saving_the_same_question_keep_the_latest_sequence(pg_app, live_server, tmp_path):
    exam = seed_exam(tmp_path, candidates=1)
    first, second = (Candidate(live_server, exam.emails[0]) for _ in range(2))
    attempt = first.start(exam.session_id).json()
    item_id = attempt["items"][0]["item_id"]
    keys = [option["key"] for option in attempt["items"][0]["options"]]

    def tab(candidate, seqs):
        return [
            (seq, candidate.save(attempt["attempt_id"], item_id, [keys[seq % 4]], seq))
            for seq in seqs
        ]

    results = run_together(
        [lambda: tab(first, range(2, 41, 2)), lambda: tab(second, range(1, 40, 2))]
    )
    answers = [response for batch in results for _seq, response in batch]
    assert all(response.status_code == 200 for response in answers)
    db.session.remove()
    stored = db.session.execute(sa.select(Response)).scalar_one()
    assert (stored.seq, stored.selected) == (40, [keys[40 % 4]])
    # a tab whose save was overtaken is told which sequence is stored
    for seq, response in (pair for batch in results for pair in batch):
        body = response.json()
        assert body["seq"] >= seq
        assert body["applied"] == (body["seq"] == seq)


def test_a_double_submit_grades_once(pg_app, live_server, tmp_path):
    exam = seed_exam(tmp_path, candidates=1)
    tabs = [Candidate(live_server, exam.emails[0]) for _ in range(6)]
    attempt = tabs[0].start(exam.session_id).json()
    first_item = attempt["items"][0]
    tabs[0].save(attempt["attempt_id"], first_item["item_id"], ["A"], 1)
    responses = run_together(
        [
            lambda tab=tab: tab.call("POST", f"/attempts/{attempt['attempt_id']}/submit")
            for tab in tabs
        ]
    )
    assert {r.status_code for r in responses} == {200}
    assert len({(r.json()["status"], r.json()["score"]) for r in responses}) == 1
    db.session.remove()
    stored = db.session.get(Attempt, attempt["attempt_id"])
    assert stored.status is AttemptStatus.SUBMITTED and stored.graded_at is not None
    submits = db.session.execute(
        sa.select(sa.func.count()).where(AuditEvent.action == "attempt.submit")
    ).scalar_one()
    assert submits == 1
    late = tabs[1].save(attempt["attempt_id"], first_item["item_id"], ["B"], 2)
    assert late.status_code == 409


def test_candidates_cannot_reach_other_peoples_attempts(pg_app, live_server, tmp_path):
    exam = seed_exam(tmp_path, candidates=2)
    owner, intruder = Candidate(live_server, exam.emails[0]), Candidate(live_server, exam.emails[1])
    attempt = owner.start(exam.session_id).json()
    item_id = attempt["items"][0]["item_id"]
    assert intruder.call("GET", f"/attempts/{attempt['attempt_id']}").status_code == 404
    assert intruder.save(attempt["attempt_id"], item_id, ["A"], 1).status_code == 404
    assert intruder.call("POST", f"/attempts/{attempt['attempt_id']}/submit").status_code == 404
