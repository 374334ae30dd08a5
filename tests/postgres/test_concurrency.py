"""Concurrency on PostgreSQL: threads against a real server, as on an exam morning."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from questionnaire.attempts.models import Attempt, AttemptStatus, Response
from questionnaire.audit.models import AuditEvent
from questionnaire.extensions import db
from tests.conftest import PASSWORD
from tests.postgres.conftest import Candidate, race, run_together, seed_exam

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


def test_a_save_racing_a_submission_is_either_graded_or_refused(pg_app, live_server, tmp_path):
    """A save waits for a finalisation in flight, then sees it: never acknowledged ungraded."""
    exam = seed_exam(tmp_path, candidates=1)
    tab = Candidate(live_server, exam.emails[0])
    attempt = tab.start(exam.session_id).json()
    item_id = attempt["items"][0]["item_id"]
    db.session.remove()
    with db.engine.connect() as finaliser:
        # what a submission does first: claim the attempt (row locked until its commit)
        finaliser.execute(
            sa.text("UPDATE attempt SET status = 'submitted' WHERE id = :id"),
            {"id": attempt["attempt_id"]},
        )
        result: list = []
        saver = threading.Thread(
            target=lambda: result.append(tab.save(attempt["attempt_id"], item_id, ["A"], 1))
        )
        saver.start()
        waiting = sa.text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()"
        )
        # autocommit: inside one transaction pg_stat_activity would stay a frozen snapshot
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as observer:
            while not observer.execute(waiting).scalar_one():
                assert saver.is_alive(), result  # the save must wait for the claim
        finaliser.commit()
    saver.join(timeout=30)
    assert result[0].status_code == 409
    assert db.session.execute(sa.select(sa.func.count(Response.id))).scalar_one() == 0


def test_huge_ids_and_nul_characters_never_reach_postgresql(pg_app, live_server, tmp_path):
    exam = seed_exam(tmp_path, candidates=1)
    tab = Candidate(live_server, exam.emails[0])
    huge = 2**40
    answers = [
        tab.call("GET", f"/attempts/{huge}"),
        tab.save(huge, "TST-0001", ["A"], 1),
        tab.call("POST", f"/attempts/{huge}/submit"),
        tab.start(huge),
    ]
    assert [(r.status_code, r.json()["error"]["code"]) for r in answers] == [(404, "not_found")] * 4
    attempt = tab.start(exam.session_id).json()
    # PostgreSQL refuses NUL in text: refused before any query, wherever it hides
    nul = [
        tab.save(attempt["attempt_id"], "TST%000001", ["A"], 1),
        tab.call("PUT", f"/attempts/{attempt['attempt_id']}/flags/X", json={"flagged": "\0"}),
        tab.http.post(f"{live_server}/api/v1/auth/login", json={"email": "a\0@b", "password": "x"}),
    ]
    assert [(r.status_code, r.json()["error"]["code"]) for r in nul] == [(400, "bad_request")] * 3


def test_a_grant_landing_during_a_start_extends_the_new_copy(pg_app, tmp_path, monkeypatch):
    """An incident's grant committed while a start has read the session's granted minutes but
    not yet committed its copy: the copy must get the grant (it used to keep the old deadline,
    the grant's update not seeing the copy, the start not seeing the grant)."""
    from questionnaire.attempts import services as attempts
    from questionnaire.auth.models import Role, User
    from questionnaire.auth.services import create_user
    from questionnaire.clock import now_utc
    from questionnaire.exams.models import Enrolment, ExamSession
    from questionnaire.incidents.services import grant_extra_time

    exam = seed_exam(tmp_path, candidates=1)
    admin = create_user("admin@example.org", PASSWORD, "Admin", [Role.ADMIN], now_utc())
    db.session.commit()
    admin_id = admin.id
    original = attempts.session_extra_minutes

    def pause_at(checkpoint):
        def paused_after_reading(session_id):
            minutes = original(session_id)
            checkpoint()  # the start has read the session's granted minutes
            return minutes

        monkeypatch.setattr(attempts, "session_extra_minutes", paused_after_reading)

    def start() -> None:
        enrolment = db.session.execute(sa.select(Enrolment)).scalar_one()
        attempts.start_attempt(enrolment, now_utc(), 30)

    def grant() -> None:
        session = db.session.get(ExamSession, exam.session_id)
        actor = db.session.get(User, admin_id)
        grant_extra_time(session, 10, "panne réseau", actor, now_utc())

    assert race(pg_app, start, grant, pause_at=pause_at) == [None, None]
    attempt = db.session.execute(sa.select(Attempt)).scalar_one()
    # 30 minutes of the questionnaire and the 10 granted
    assert attempt.deadline - attempt.started_at == timedelta(minutes=40)
