"""Per-request cost of the candidate path, in-process (Flask test client) against PostgreSQL.

    .venv/bin/python benchmarks/load/profile_requests.py [--candidates 20] [--profile save]

Load-independent figures (unlike the locust run, they hold on a busy machine): for login,
start, save, the exam page's deadline refresh (``GET …/deadline``), submit and the trivial
``/sante``, the SQL statements per request and the CPU milliseconds the application process
spends per request (``time.process_time``, median).
``--profile ENDPOINT`` prints the cProfile functions with the most cumulative time for it.
Creates and drops a throw-away database on 127.0.0.1:5432, like ``run.py``.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.load.run import PASSWORD, create_database, drop_database, prepare_exam

LABELS = ("login", "start", "save", "sante", "deadline", "submit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=20)
    parser.add_argument("--profile", choices=LABELS)
    parser.add_argument(
        "--show-sql",
        choices=LABELS,
        help="print its SQL once",
    )
    parser.add_argument("--hash-params", default="2,19456,1")
    args = parser.parse_args()

    name, url = create_database()
    folder = Path(tempfile.mkdtemp(prefix="qprofile-"))
    os.environ.update(
        {
            "QUESTIONNAIRE_DATABASE_URL": url,
            "QUESTIONNAIRE_INSTANCE_PATH": str(folder / "instance"),
            "QUESTIONNAIRE_PASSWORD_HASH_PARAMS": args.hash_params,
            "SECRET_KEY": uuid.uuid4().hex,
        }
    )
    try:
        from questionnaire import create_app
        from questionnaire.extensions import db

        app = create_app("development")
        with app.app_context():
            db.create_all()
        session_id = prepare_exam(app, args.candidates, folder / "emails.txt")
        emails = (folder / "emails.txt").read_text(encoding="utf-8").split()
        with app.app_context():
            statements: list[str] = []
            event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        cpu: dict[str, list[float]] = defaultdict(list)
        queries: dict[str, list[int]] = defaultdict(list)
        profiler = cProfile.Profile(time.process_time)

        def measure(label: str, call):
            statements.clear()
            if label == args.profile:
                profiler.enable()
            started = time.process_time()
            response = call()
            cpu[label].append((time.process_time() - started) * 1000)
            if label == args.profile:
                profiler.disable()
            queries[label].append(len(statements))
            if label == args.show_sql and len(queries[label]) == 1:
                print(
                    f"-- {label}:", *(" ".join(sql.split())[:160] for sql in statements), sep="\n"
                )
            assert response.status_code < 300, (label, response.status_code, response.data[:300])
            return response

        for email in emails:
            client = app.test_client()
            login = measure(
                "login",
                lambda c=client, e=email: c.post(
                    "/api/v1/auth/login", json={"email": e, "password": PASSWORD}
                ),
            )
            headers = {"X-CSRFToken": login.get_json()["csrf_token"]}
            attempt = measure(
                "start",
                lambda c=client, h=headers: c.post(
                    f"/api/v1/sessions/{session_id}/attempt", headers=h
                ),
            ).get_json()
            for seq, item in enumerate(attempt["items"], start=1):
                measure(
                    "save",
                    lambda c=client, i=item, s=seq, a=attempt["attempt_id"], h=headers: c.put(
                        f"/api/v1/attempts/{a}/responses/{i['item_id']}",
                        json={"selected": [i["options"][0]["key"]], "seq": s},
                        headers=h,
                    ),
                )
                measure("sante", lambda c=client: c.get("/sante"))
                # the exam page's deadline refresh (exam.js, every 3 minutes and before warnings)
                measure(
                    "deadline",
                    lambda c=client, a=attempt["attempt_id"]: c.get(
                        f"/api/v1/attempts/{a}/deadline"
                    ),
                )
            measure(
                "submit",
                lambda c=client, a=attempt["attempt_id"], h=headers: c.post(
                    f"/api/v1/attempts/{a}/submit", headers=h
                ),
            )
        print(f"argon2 {args.hash_params}, {args.candidates} candidates, test client, PostgreSQL")
        print("| request | count | SQL statements | CPU ms (median) | CPU ms (p95) |")
        print("|---|---|---|---|---|")
        for label in LABELS:
            values = sorted(cpu[label])
            p95 = values[int(len(values) * 0.95) - 1] if len(values) > 1 else values[0]
            counts = sorted(set(queries[label]))
            print(
                f"| {label} | {len(values)} | {'/'.join(map(str, counts))} | "
                f"{statistics.median(values):.2f} | {p95:.2f} |"
            )
        ratio = statistics.median(cpu["save"]) / statistics.median(cpu["sante"])
        print(f"CPU per save / CPU per /sante (medians): {ratio:.2f}")
        if args.profile:
            stats = pstats.Stats(profiler).sort_stats("cumulative")
            stats.print_stats(35)
            stats.print_callees("preprocess_request|full_dispatch_request|wsgi_app")
        with app.app_context():
            db.engine.dispose()
    finally:
        drop_database(name)


if __name__ == "__main__":
    main()
