"""Exam-day start spike against gunicorn + PostgreSQL, measured with locust.

    .venv/bin/python benchmarks/load/run.py [--candidates 1000] [--spawn-seconds 60]

Creates a throw-away database on 127.0.0.1:5432 (user postgres, trust), builds the schema
(``questionnaire db upgrade``), loads the shipped banks, inserts the candidates in bulk with
one precomputed argon2 hash, starts gunicorn, runs locust headless, checks that every
acknowledged save is in the database, prints a summary and removes everything it created.

``--fault kill-worker`` SIGKILLs one gunicorn worker, ``--fault drop-connections`` terminates
every PostgreSQL connection of the run's database, at each of ``--fault-at`` seconds after the
load starts (default 30: mid-spike). The candidates retry like the exam page; the summary then
says what failed, what was retried, what was given up, and checks that every acknowledged save
is stored, every attempt kept its form and its grade, and every candidate submitted.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SERVER = "postgresql://postgres@127.0.0.1:5432"
PASSWORD = "benchmark-password"
REDIS_URL = "redis://127.0.0.1:6379/15"
ITEMS = 20


def _engine(url: str) -> sa.Engine:
    return sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


def create_database() -> tuple[str, str]:
    name = f"qbench_{uuid.uuid4().hex[:10]}"
    admin = _engine(f"{SERVER}/postgres").execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, f"{SERVER}/{name}"


def drop_database(name: str) -> None:
    admin = _engine(f"{SERVER}/postgres").execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def build_schema(env: dict, app, create_all: bool = False) -> str:
    """``questionnaire db upgrade``; ``create_all`` while unmerged migrations have several heads."""
    if create_all:
        from questionnaire.extensions import db

        with app.app_context():
            db.create_all()
        return "db.create_all() (--create-all: models ahead of the migrations)"
    result = subprocess.run(
        [str(BIN / "questionnaire"), "db", "upgrade"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode == 0:
        return "questionnaire db upgrade"
    if "Multiple head" not in result.stdout + result.stderr:
        raise SystemExit(f"questionnaire db upgrade failed:\n{result.stderr}")
    from questionnaire.extensions import db

    with app.app_context():
        db.create_all()
    return "db.create_all() (questionnaire db upgrade refused: several migration heads)"


def prepare_exam(app, candidates: int, emails_file: Path) -> int:
    """Shipped banks, one open 20-item session, ``candidates`` enrolled candidates."""
    from questionnaire.auth.models import Role, User, UserRole
    from questionnaire.auth.services import hash_password
    from questionnaire.banks.models import Item, ItemVersion, Theme, VersionStatus
    from questionnaire.banks.services import load_banks
    from questionnaire.clock import now_utc
    from questionnaire.exams.models import Enrolment
    from questionnaire.exams.services import create_questionnaire, create_session
    from questionnaire.extensions import db

    now = now_utc()
    with app.app_context():
        load_banks(app.config["QUESTION_BANKS_PATH"], now)
        counts = db.session.execute(
            sa.select(Theme, sa.func.count(ItemVersion.id))
            .join(Item, Item.theme_id == Theme.id)
            .join(ItemVersion, ItemVersion.item_id == Item.id)
            .where(ItemVersion.status == VersionStatus.PUBLISHED)
            .group_by(Theme.id)
        ).all()
        theme = max(counts, key=lambda row: row[1])[0]
        questionnaire = create_questionnaire(theme, "Charge", ITEMS, 60, now, blueprint={})
        session = create_session(
            questionnaire,
            "Session de charge",
            now - timedelta(hours=1),
            now + timedelta(days=1),
            now,
        )
        db.session.flush()
        password_hash = hash_password(PASSWORD)
        emails = [f"bench{n:05d}@example.org" for n in range(candidates)]
        db.session.execute(
            sa.insert(User),
            [
                {
                    "email": email,
                    "display_name": f"Candidat {n}",
                    "password_hash": password_hash,
                    "active": True,
                    "created_at": now,
                }
                for n, email in enumerate(emails)
            ],
        )
        ids = db.session.execute(sa.select(User.id).where(User.email.in_(emails))).scalars().all()
        db.session.execute(
            sa.insert(UserRole), [{"user_id": i, "role": Role.CANDIDATE} for i in ids]
        )
        db.session.execute(
            sa.insert(Enrolment),
            [
                {"session_id": session.id, "user_id": i, "extra_time_percent": 0, "created_at": now}
                for i in ids
            ],
        )
        session_id = session.id
        db.session.commit()
        db.engine.dispose()
    emails_file.write_text("\n".join(emails) + "\n", encoding="utf-8")
    return session_id


def start_gunicorn(
    env: dict, port: int, workers: int, worker_class: str, threads: int
) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-c",
            "python:questionnaire.gunicorn_conf",
            "questionnaire:create_app()",
        ],
        cwd=ROOT,
        env={
            **env,
            "QUESTIONNAIRE_BIND": f"127.0.0.1:{port}",
            "QUESTIONNAIRE_WORKERS": str(workers),
            "QUESTIONNAIRE_WORKER_CLASS": worker_class,
            "QUESTIONNAIRE_THREADS": str(threads),
            "QUESTIONNAIRE_LOG_LEVEL": "warning",
        },
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/sante", timeout=5).status_code == 200:
                return process
        except requests.RequestException:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not answer /sante")


def run_locust(port: int, env: dict, candidates: int, spawn_seconds: int, folder: Path) -> None:
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(Path(__file__).with_name("locustfile.py")),
            "--headless",
            "--users",
            str(candidates),
            "--spawn-rate",
            f"{candidates / spawn_seconds:.3f}",
            "--run-time",
            "15m",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(folder / "locust"),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env=env,
        cwd=ROOT,
        check=False,
    )


def cpu_seconds(gunicorn_pid: int) -> dict[str, float]:
    """CPU seconds (user + system) used so far by each part of the stack on this machine.

    PostgreSQL's backends come and go with connections: the postmaster's reaped children count
    too. "machine" is every core's busy time (``/proc/stat``), other jobs included.
    """
    import psutil

    def own(process: psutil.Process, children: bool = False) -> float:
        times = process.cpu_times()
        total = times.user + times.system
        return total + (times.children_user + times.children_system if children else 0.0)

    parts = {"gunicorn": 0.0, "postgresql": 0.0, "redis": 0.0}
    master = psutil.Process(gunicorn_pid)
    parts["gunicorn"] = own(master) + sum(own(child) for child in master.children(recursive=True))
    for process in psutil.process_iter(["name"]):
        try:
            name = process.info["name"] or ""
            if name == "postgres" or name.startswith("postgres"):
                parent = process.parent()
                postmaster = parent is None or not (parent.name() or "").startswith("postgres")
                parts["postgresql"] += own(process, children=postmaster)
            elif name.startswith("redis-server"):
                parts["redis"] += own(process)
        except psutil.Error:
            continue
    # locust runs as a child of this script: its CPU is counted once it has been reaped
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    parts["locust"] = reaped.ru_utime + reaped.ru_stime
    busy = psutil.cpu_times()
    parts["machine"] = sum(busy) - busy.idle - busy.iowait
    return parts


def check_database(url: str, acks: list[list]) -> tuple[int, int, int, list[str]]:
    """(acknowledged saves, missing from the database, attempts submitted, corruptions found).

    An attempt is intact when it has its ITEMS items at positions 1…ITEMS, every response
    belongs to one of its own items and, once graded, its score is the sum of its items' scores.
    """
    latest: dict[tuple[int, str], tuple[int, list[str]]] = {}
    for attempt_id, item_id, seq, selected, _at in acks:
        if seq >= latest.get((attempt_id, item_id), (0, []))[0]:
            latest[attempt_id, item_id] = (seq, selected)
    engine = _engine(url)
    with engine.connect() as connection:
        stored = {
            (row.attempt_id, row.external_id): (row.seq, row.selected)
            for row in connection.execute(
                sa.text(
                    "SELECT ai.attempt_id, i.external_id, r.seq, r.selected FROM response r "
                    "JOIN attempt_item ai ON ai.id = r.attempt_item_id "
                    "JOIN item_version iv ON iv.id = ai.item_version_id "
                    "JOIN item i ON i.id = iv.item_id"
                )
            )
        }
        submitted = connection.execute(
            sa.text("SELECT count(*) FROM attempt WHERE status = 'submitted'")
        ).scalar_one()
        corrupt = [
            f"{what}: {count}"
            for what, query in INTEGRITY_CHECKS.items()
            if (count := connection.execute(sa.text(query)).scalar_one())
        ]
    engine.dispose()
    missing = sum(1 for key, value in latest.items() if stored.get(key) != value)
    return len(acks), missing, submitted, corrupt


INTEGRITY_CHECKS = {
    "attempts whose form is not items 1…20": (
        "SELECT count(*) FROM (SELECT attempt_id FROM attempt_item GROUP BY attempt_id "
        f"HAVING count(*) <> {ITEMS} OR count(DISTINCT position) <> {ITEMS} "
        f"OR min(position) <> 1 OR max(position) <> {ITEMS}) AS bad"
    ),
    "responses stored on another attempt's item": (
        "SELECT count(*) FROM response r JOIN attempt_item ai ON ai.id = r.attempt_item_id "
        "WHERE ai.attempt_id <> r.attempt_id"
    ),
    "submitted attempts not graded": (
        "SELECT count(*) FROM attempt WHERE status <> 'in_progress' AND graded_at IS NULL"
    ),
    "graded attempts whose score is not the sum of their items'": (
        "SELECT count(*) FROM attempt a WHERE a.graded_at IS NOT NULL AND a.score IS DISTINCT "
        "FROM (SELECT coalesce(sum(ai.score), 0) FROM attempt_item ai WHERE ai.attempt_id = a.id)"
    ),
}


class Faults:
    """Break the stack on schedule while locust runs, and say what was done."""

    def __init__(self, kind: str | None, moments: list[float], gunicorn_pid: int, url: str):
        self.kind, self.moments, self.gunicorn_pid, self.url = kind, moments, gunicorn_pid, url
        self.log: list[str] = []
        self.lost_cpu = 0.0  # CPU a killed worker had used: its process is gone at the end
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        if self.kind:
            self._thread.start()

    def _run(self) -> None:
        began = time.monotonic()
        for moment in sorted(self.moments):
            # a benchmark, not a test: real time is what is measured
            time.sleep(max(0.0, moment - (time.monotonic() - began)))
            try:
                self.log.append(f"{moment:.0f} s: " + self._inject())
            except Exception as exc:  # reported with the results, never silently
                self.log.append(f"{moment:.0f} s: fault not injected ({exc!r})")

    def _inject(self) -> str:
        import psutil

        if self.kind == "kill-worker":
            victim = psutil.Process(self.gunicorn_pid).children()[0]
            times = victim.cpu_times()
            self.lost_cpu += times.user + times.system
            victim.send_signal(signal.SIGKILL)
            return f"SIGKILL gunicorn worker {victim.pid}"
        engine = _engine(self.url).execution_options(isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            ended = connection.execute(
                sa.text(
                    "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) "
                    "FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
        engine.dispose()
        return f"terminated {ended} PostgreSQL connections"

    def report(self, workers: int) -> list[str]:
        if not self.kind:
            return []
        import psutil

        alive = len(psutil.Process(self.gunicorn_pid).children())
        return [*self.log, f"gunicorn workers alive at the end: {alive} of {workers}"]


def _stats(folder: Path) -> dict[str, dict]:
    with open(folder / "locust_stats.csv", encoding="utf-8") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def _sustained_rate(acks: list[list]) -> tuple[float, float]:
    """Saves per second over the save phase, and the median of the per-second counts."""
    times = sorted(ack[4] for ack in acks)
    if len(times) < 2:
        return 0.0, 0.0
    span = times[-1] - times[0]
    buckets: dict[int, int] = {}
    for moment in times:
        buckets[int(moment)] = buckets.get(int(moment), 0) + 1
    return len(times) / span, statistics.median(buckets.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=1000)
    parser.add_argument("--spawn-seconds", type=int, default=60)
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count(), help="gunicorn processes (default: cores)"
    )
    parser.add_argument("--worker-class", default="gthread", choices=("gthread", "sync", "gevent"))
    parser.add_argument("--threads", type=int, default=4, help="per gthread worker")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--create-all",
        action="store_true",
        help="build the schema from the models (while they are ahead of the migrations)",
    )
    parser.add_argument(
        "--probe-every", type=int, default=5, help="GET /sante after every N-th save (ratio)"
    )
    parser.add_argument(
        "--trivial",
        action="store_true",
        help="same scenario and pacing, every request sent to /sante (the stack's ceiling)",
    )
    parser.add_argument(
        "--fault",
        choices=("kill-worker", "drop-connections"),
        help="SIGKILL a gunicorn worker, or terminate the database connections, during the load",
    )
    parser.add_argument(
        "--fault-at",
        default="30",
        help="seconds after the load starts, comma-separated for several (default: 30)",
    )
    parser.add_argument(
        "--hash-params",
        help="argon2 time,memory KiB,parallelism for the candidates (default: the application's)",
    )
    args = parser.parse_args()

    name, url = create_database()
    folder = Path(tempfile.mkdtemp(prefix="qbench-"))
    env = {
        **os.environ,
        "QUESTIONNAIRE_CONFIG": "development",
        "QUESTIONNAIRE_DATABASE_URL": url,
        "QUESTIONNAIRE_INSTANCE_PATH": str(folder / "instance"),
        "QUESTIONNAIRE_REDIS_URL": REDIS_URL,
        "SECRET_KEY": uuid.uuid4().hex,
    }
    if args.hash_params:
        env["QUESTIONNAIRE_PASSWORD_HASH_PARAMS"] = args.hash_params
    gunicorn = None
    try:
        os.environ.update(
            {k: v for k, v in env.items() if k.startswith(("QUESTIONNAIRE_", "SECRET"))}
        )
        from questionnaire import create_app

        app = create_app("development")
        schema = build_schema(env, app, args.create_all)
        started = time.perf_counter()
        session_id = prepare_exam(app, args.candidates, folder / "emails.txt")
        prepared = time.perf_counter() - started
        gunicorn = start_gunicorn(env, args.port, args.workers, args.worker_class, args.threads)
        locust_env = {
            **env,
            "BENCH_SESSION_ID": str(session_id),
            "BENCH_PASSWORD": PASSWORD,
            "BENCH_EMAILS": str(folder / "emails.txt"),
            "BENCH_ACK_LOG": str(folder / "acks.jsonl"),
            "BENCH_RETRY_LOG": str(folder / "retries.json"),
            "BENCH_PROBE_EVERY": str(args.probe_every),
            "BENCH_TRIVIAL": "1" if args.trivial else "0",
        }
        load_before = os.getloadavg()[0]
        faults = Faults(
            args.fault, [float(at) for at in args.fault_at.split(",")], gunicorn.pid, url
        )
        cpu_before, wall_before = cpu_seconds(gunicorn.pid), time.monotonic()
        faults.start()
        run_locust(args.port, locust_env, args.candidates, args.spawn_seconds, folder)
        cpu_after, wall = cpu_seconds(gunicorn.pid), time.monotonic() - wall_before
        cpu_after["gunicorn"] += faults.lost_cpu
        load_after = os.getloadavg()[0]
        acks = [
            json.loads(line)
            for line in (folder / "acks.jsonl").read_text(encoding="utf-8").splitlines()
            if line
        ]
        tries = json.loads((folder / "retries.json").read_text(encoding="utf-8"))
        if args.trivial:
            acknowledged, missing, submitted, corrupt = len(acks), "n/a (trivial run)", "n/a", []
        else:
            acknowledged, missing, submitted, corrupt = check_database(url, acks)
        stats = _stats(folder)
        average, median_second = _sustained_rate(acks)
        print(f"\nschema: {schema}; data prepared in {prepared:.1f} s")
        if args.trivial:
            print("TRIVIAL RUN: every request below was a GET /sante, under its scenario name")
        for line in faults.report(args.workers):
            print(f"FAULT {args.fault}: {line}")
        print(
            f"1-min load average before the run {load_before:.2f}, at its end {load_after:.2f} "
            f"(figures mean little if other jobs share the machine)"
        )
        print(
            f"candidates {args.candidates}, spawned over {args.spawn_seconds} s, gunicorn workers "
            f"{args.workers} ({args.worker_class}, {args.threads} threads), argon2 {app.config['PASSWORD_HASH_PARAMS']}"
        )
        print("| request | count | failures | median ms | p95 ms | p99 ms | req/s |")
        print("|---|---|---|---|---|---|---|")
        for label in ("login", "start", "save", "sante", "submit"):
            row = stats.get(label)
            if row:
                print(
                    f"| {label} | {row['Request Count']} | {row['Failure Count']} | "
                    f"{row['50%']} | {row['95%']} | {row['99%']} | {float(row['Requests/s']):.1f} |"
                )
        save, sante = stats.get("save"), stats.get("sante")
        if save and sante:
            print(
                f"p95 save / p95 /sante = {float(save['95%']) / max(float(sante['95%']), 1):.2f}; "
                f"median save / median /sante = {float(save['50%']) / max(float(sante['50%']), 1):.2f}"
            )
        print(
            f"saves per second over the save phase: {average:.1f} (median second: {median_second})"
        )
        used = {part: cpu_after[part] - cpu_before[part] for part in cpu_after}
        print(
            f"CPU seconds over the {wall:.0f} s run ({os.cpu_count()} cores = {os.cpu_count() * wall:.0f} s available): "
            + ", ".join(f"{part} {seconds:.1f}" for part, seconds in used.items())
        )

        def counts(name: str) -> str:
            return ", ".join(f"{k} {v}" for k, v in sorted(tries[name].items())) or "none"

        print(
            f"retried tries (network error, 5xx, 429): {counts('retries')}; "
            f"given up after {tries['max_tries']} tries: {counts('given_up')}"
        )
        print(
            f"acknowledged saves {acknowledged}, missing in the database {missing}, attempts submitted {submitted}"
        )
        if not args.trivial:
            print("corrupted attempts: " + ("; ".join(corrupt) if corrupt else "none"))
    finally:
        if gunicorn is not None:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=60)
        drop_database(name)


if __name__ == "__main__":
    main()
