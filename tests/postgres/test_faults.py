"""Faults under load: dropped database connections, a killed application worker.

Clients retry until a save is acknowledged (as the page's script does); afterwards every
acknowledged save is in the database, candidates resume, and no attempt is corrupted.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from questionnaire.extensions import db
from tests.postgres.conftest import Candidate, seed_exam
from tests.postgres.load import SaveLoad, check_acknowledged, check_attempts_intact

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]


def _wait_until(condition, timeout: float = 60.0) -> None:
    """Poll an external process (not the clock under test) until ``condition`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.05)


def _finish(load: SaveLoad, threads) -> None:
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert load.done == len(load.candidates) * load.saves_per_candidate


def _resume_and_submit(candidates, session_id) -> None:
    for candidate in candidates:
        attempt = candidate.start(session_id)
        assert attempt.status_code == 200
        submitted = candidate.call("POST", f"/attempts/{attempt.json()['attempt_id']}/submit")
        assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"


@pytest.fixture
def killed_connections_tolerated(monkeypatch):
    """psycopg complains when a connection the server terminated is collected: that is the fault."""
    monkeypatch.setattr(sys, "unraisablehook", lambda _unraisable: None)
    yield
    gc.collect()


def test_dropped_database_connections_lose_no_acknowledged_save(
    killed_connections_tolerated, pg_app, live_server, postgres_database, tmp_path
):
    exam = seed_exam(tmp_path, candidates=4)
    candidates = [Candidate(live_server, email) for email in exam.emails]
    load = SaveLoad(candidates, exam.session_id, saves_per_candidate=40)
    killer = sa.create_engine(
        postgres_database.replace("postgresql://", "postgresql+psycopg://", 1),
        isolation_level="AUTOCOMMIT",
    )
    threads = load.start()
    terminated = 0
    for threshold in (20, 60, 100):
        _wait_until(lambda threshold=threshold: load.done >= threshold)
        with killer.connect() as connection:
            terminated += len(
                connection.execute(
                    sa.text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                ).all()
            )
    _finish(load, threads)
    assert terminated > 0
    assert check_acknowledged(killer, load.acknowledged) == 160
    check_attempts_intact(killer, expected_items=4)
    _resume_and_submit(candidates, exam.session_id)
    killer.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(entry.name))
    return children


@pytest.fixture
def gunicorn_server(pg_app, postgres_database, tmp_path):
    """The application under gunicorn (2 workers) on the throw-away database."""
    port = _free_port()
    env = dict(
        os.environ,
        QUESTIONNAIRE_CONFIG="development",
        QUESTIONNAIRE_DATABASE_URL=postgres_database,
        QUESTIONNAIRE_INSTANCE_PATH=str(tmp_path / "gunicorn"),
        SECRET_KEY="fault-test-secret",
        QUESTIONNAIRE_BIND=f"127.0.0.1:{port}",
        QUESTIONNAIRE_WORKERS="2",
        QUESTIONNAIRE_LOG_LEVEL="warning",
    )
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            "python:questionnaire.gunicorn_conf",
            "questionnaire:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        try:
            return requests.get(f"{base}/sante", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    try:
        _wait_until(ready)
        _wait_until(lambda: len(_children(process.pid)) == 2)
        yield base, process.pid
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """Shut gunicorn down now that the test is over, whatever state its workers are in.

    SIGQUIT asks for an immediate exit, but the master then waits up to its graceful timeout
    (30 s) for a worker that ignores the signal: one forked moments before, whose handlers are
    not installed yet, or one whose request threads are still joining (CI failure of
    04/12/2026: the test passed and its teardown timed out after 30 s). Past a few seconds
    the workers and the master are killed.
    """
    process.send_signal(signal.SIGQUIT)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        for child in _children(process.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
        process.kill()
        process.wait(timeout=30)


def test_a_killed_worker_loses_no_acknowledged_save(pg_app, gunicorn_server, tmp_path):
    base, master = gunicorn_server
    exam = seed_exam(tmp_path, candidates=4)
    candidates = [Candidate(base, email) for email in exam.emails]
    load = SaveLoad(candidates, exam.session_id, saves_per_candidate=40)
    threads = load.start()
    _wait_until(lambda: load.done >= 40)
    victim = _children(master)[0]
    os.kill(victim, signal.SIGKILL)
    _finish(load, threads)
    assert victim not in _children(master)  # replaced by the master
    engine = pg_app.extensions["sqlalchemy"].engine
    assert check_acknowledged(engine, load.acknowledged) == 160
    check_attempts_intact(engine, expected_items=4)
    _resume_and_submit(candidates, exam.session_id)


def test_a_request_whose_connection_is_terminated_is_a_503_and_the_next_is_served(pg_app):
    """The server ends the connection mid-request: the client is told to send again (503 and
    Retry-After, as the exam page does), not shown a 500, and the pool serves what follows."""

    def cut():
        db.session.execute(sa.text("SELECT pg_terminate_backend(pg_backend_pid())"))
        db.session.execute(sa.text("SELECT 1"))
        return "unreachable"

    cut.access_rule = "public"
    pg_app.add_url_rule("/api/v1/cut", "api_cut", cut)
    client = pg_app.test_client()
    response = client.get("/api/v1/cut")
    assert response.status_code == 503 and response.headers["Retry-After"] == "1"
    assert response.get_json()["error"]["code"] == "unavailable"
    assert client.get("/sante").status_code == 200
