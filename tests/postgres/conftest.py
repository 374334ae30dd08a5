"""PostgreSQL fixtures: a throw-away database, seeded exam data, a real threaded server.

Skipped, with the reason, when QUESTIONNAIRE_TEST_POSTGRES_URL is not set.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa
from werkzeug.serving import WSGIRequestHandler, make_server

from questionnaire import create_app
from questionnaire.extensions import db
from tests.conftest import PASSWORD, bank_yaml

POSTGRES_URL = os.environ.get("QUESTIONNAIRE_TEST_POSTGRES_URL")

pytestmark = pytest.mark.postgres


@dataclass
class Exam:
    """What the seeded database holds: one open session and its candidates' e-mails."""

    session_id: int
    emails: list[str] = field(default_factory=list)


def seed_exam(tmp_path, candidates: int, items_per_topic: int = 10) -> Exam:
    """Load a bank, open a session drawing 2 items per topic, enrol ``candidates`` candidates."""
    from questionnaire.auth.models import Role
    from questionnaire.auth.services import create_user
    from questionnaire.banks.models import Theme
    from questionnaire.banks.services import load_banks
    from questionnaire.clock import now_utc
    from questionnaire.exams.services import create_questionnaire, create_session, enrol

    now = now_utc()
    folder = tmp_path / "banks"
    folder.mkdir()
    topics = {"alpha": items_per_topic, "beta": items_per_topic}
    (folder / "fiscalite.yaml").write_text(bank_yaml(topics=topics), encoding="utf-8")
    load_banks(folder, now)
    theme = db.session.execute(sa.select(Theme)).scalar_one()
    questionnaire = create_questionnaire(
        theme, "Charge", 4, 30, now, blueprint={"alpha": 2, "beta": 2}
    )
    session = create_session(
        questionnaire, "Session charge", now - timedelta(hours=1), now + timedelta(days=1), now
    )
    exam = Exam(session_id=0)
    for n in range(candidates):
        user = create_user(f"cand{n}@example.org", PASSWORD, f"Candidat {n}", [Role.CANDIDATE], now)
        enrol(session, user, now)
        exam.emails.append(user.email)
    db.session.flush()
    exam.session_id = session.id
    db.session.commit()
    return exam


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


@pytest.fixture
def pg_app(postgres_database, tmp_path, monkeypatch):
    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(
        {
            "CONFIG": "testing",
            "SQLALCHEMY_DATABASE_URI": postgres_database,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "pool_size": 20},
            "PROPAGATE_UNEXPECTED": False,
        }
    )
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def live_server(pg_app):
    """The application served by a real threaded HTTP server; yields its base URL."""
    server = make_server("127.0.0.1", 0, pg_app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


class Candidate:
    """One browser tab: its own cookies and CSRF token."""

    def __init__(self, base_url: str, email: str):
        self.base_url = base_url
        self.http = requests.Session()
        response = self.http.post(
            f"{base_url}/api/v1/auth/login",
            json={"email": email, "password": PASSWORD},
            timeout=10,
        )
        response.raise_for_status()
        self.http.headers["X-CSRFToken"] = response.json()["csrf_token"]

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.http.request(method, f"{self.base_url}/api/v1{path}", timeout=20, **kwargs)

    def start(self, session_id: int) -> requests.Response:
        return self.call("POST", f"/sessions/{session_id}/attempt")

    def save(self, attempt_id: int, item_id: str, selected: list[str], seq: int):
        return self.call(
            "PUT",
            f"/attempts/{attempt_id}/responses/{item_id}",
            json={"selected": selected, "seq": seq},
        )


def run_together(functions) -> list:
    """Run callables in threads released at the same moment; return their results in order."""
    barrier = threading.Barrier(len(functions))
    results: list = [None] * len(functions)
    errors: list[BaseException] = []

    def runner(index, function):
        try:
            barrier.wait(timeout=10)
            results[index] = function()
        except BaseException as exc:  # reported to the test below
            errors.append(exc)

    threads = [threading.Thread(target=runner, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return results


def race(pg_app, first, second, *, pause_at=None) -> list[BaseException | None]:
    """Two actions racing on PostgreSQL, each in its own thread and application context:
    ``first`` runs until its pause, ``second`` runs meanwhile, then ``first`` goes on; returns
    what each raised (None when it succeeded).

    ``first`` pauses after its flush, before its commit, unless ``pause_at(checkpoint)`` hooks
    ``checkpoint`` somewhere earlier (a monkeypatched service that calls it). Without a lock
    ``second`` completes during the pause (the race); with one it is seen waiting for a lock
    (``pg_locks``), and ``first`` is let go so that ``second`` proceeds after its commit.
    """
    paused, resume, second_done = threading.Event(), threading.Event(), threading.Event()
    outcomes: list[BaseException | None] = [None, None]

    def checkpoint() -> None:
        if threading.current_thread().name == "first" and not paused.is_set():
            paused.set()
            assert resume.wait(timeout=20)

    if pause_at is not None:
        pause_at(checkpoint)

    def run(index, action, done=None) -> None:
        try:
            with pg_app.app_context():
                action()
                db.session.flush()
                checkpoint()  # no-op when paused earlier, or in ``second``
                db.session.commit()
        except BaseException as exc:  # reported to the test
            outcomes[index] = exc
        finally:
            paused.set()
            if done is not None:
                done.set()

    one = threading.Thread(target=run, args=(0, first), name="first")
    one.start()
    assert paused.wait(timeout=20)
    two = threading.Thread(target=run, args=(1, second, second_done), name="second")
    two.start()
    waiting = sa.text("SELECT count(*) FROM pg_locks WHERE NOT granted")
    for _ in range(400):  # up to 20 s for the second to finish or to wait for a lock
        if second_done.wait(timeout=0.05):
            break
        with db.engine.connect() as connection:
            if connection.execute(waiting).scalar_one():
                break
    resume.set()
    one.join(timeout=30)
    two.join(timeout=30)
    db.session.remove()
    return outcomes


#: past the 65,535 values one statement may bind (PostgreSQL's protocol)
MANY_ACCOUNTS = 70_000


def insert_agents(now, count: int = MANY_ACCOUNTS) -> None:
    """``count`` accounts « Agent NNNNN » (agentNNNNN@example.org), inserted in one statement:
    a broad search (« agent ») matches more of them than a statement may bind."""
    from questionnaire.auth.models import User

    db.session.execute(
        sa.insert(User),
        [
            {
                "email": f"agent{n:05d}@example.org",
                "display_name": f"Agent {n:05d}",
                "sort_name": f"agent {n:05d}",
                "password_hash": "x",
                "active": True,
                "created_at": now,
            }
            for n in range(count)
        ],
    )
