"""The staff pages (administrator, jury / CPNE, authors and reviewers) at production scale.

    .venv/bin/python benchmarks/pages.py postgresql://postgres@127.0.0.1:5432/bench_pages

Builds a dataset of a real deployment's size in the database at that URL (bulk inserts through
SQLAlchemy Core): by default 4 themes of 400 items (2 versions each), 3,000 accounts, 40 closed
sessions of 500 finished 20-item attempts (400,000 attempt items) and 200,000 audit events.
Then requests every GET page of the staff roles through the Flask test client, logged in with
the role that may see it, its URL parameters filled with real ids, and prints for each page
its status, SQL statements (an SQLAlchemy event listener), and the median wall and CPU
milliseconds of ``--repeat`` requests. Run by hand, never in the test suite.

Rerunnable: the tables are dropped and rebuilt, unless ``--reuse`` finds the data of an earlier
run (then only the pages are measured). The database must exist (``createdb``); SQLite works too
(``sqlite:////tmp/pages.db``), at a smaller scale. ``--query flag=texte-vide`` with
``--only authoring.list_items`` measures a filtered list.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PASSWORD = "benchmark-password"
STAFF = {
    "admin": "bench-admin@example.org",
    "jury": "bench-jury@example.org",
    "reviewer": "bench-reviewer@example.org",
    "author": "bench-author@example.org",
}
#: Pages that take their form in the query string: asked for the past year of one theme.
PERIOD_ENDPOINTS = ("reports.period_report", "reports.period_export")
#: Endpoints nobody on the staff uses, or that are not pages.
SKIPPED = (
    "static",
    "main.health",
    "auth.login",
    "api.",
    "attempts.question",
    "privacy.export",
    "privacy.my_data",
)


def _chunks(rows: list[dict], size: int = 5000):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _insert(connection, model, rows: list[dict]) -> list[int]:
    """Bulk insert through Core; the new ids in the order of ``rows``."""
    ids: list[int] = []
    statement = sa.insert(model).returning(model.id, sort_by_parameter_order=True)
    for chunk in _chunks(rows):
        ids.extend(connection.execute(statement, chunk).scalars())
    return ids


def _insert_plain(connection, model, rows: list[dict]) -> None:
    for chunk in _chunks(rows):
        connection.execute(sa.insert(model), chunk)


def build(app, args) -> None:
    """Drop and rebuild every table, then fill them at the requested scale."""
    from questionnaire.attempts.models import Attempt, AttemptItem, AttemptStatus, Response
    from questionnaire.audit.models import ACTION_LABELS, AuditEvent
    from questionnaire.auth.models import Role, User, UserRole
    from questionnaire.auth.services import hash_password
    from questionnaire.banks.models import (
        CognitiveLevel,
        Difficulty,
        Item,
        ItemOption,
        ItemType,
        ItemVersion,
        Theme,
        VersionStatus,
        Volatility,
    )
    from questionnaire.banks.services import load_banks
    from questionnaire.certification.loader import DATA_PATH, load_referentials
    from questionnaire.certification.models import (
        Certification,
        CertificationEnrolment,
        Deliberation,
        DeliberationMember,
    )
    from questionnaire.clock import now_utc
    from questionnaire.exams.models import Enrolment, ExamSession, Questionnaire, ReleasePolicy
    from questionnaire.extensions import db
    from questionnaire.reports.angoff import create_panel

    rng = random.Random(args.seed)
    now = now_utc()
    started = time.perf_counter()
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_banks(app.config["QUESTION_BANKS_PATH"], now)
        load_referentials(DATA_PATH, now)
        db.session.commit()
        themes = db.session.execute(sa.select(Theme).order_by(Theme.position)).scalars().all()
        topics = {theme.id: [topic.id for topic in theme.topics] for theme in themes[: args.themes]}
        competencies = {theme.id: (theme.competencies or ["C1"])[0] for theme in themes}
        connection = db.session.connection()

        # items: each theme topped up to --items, each new item with --versions versions
        shipped = dict(
            db.session.execute(
                sa.select(Item.theme_id, sa.func.count(Item.id)).group_by(Item.theme_id)
            ).all()
        )
        items = []
        for theme_id in topics:
            for number in range(max(0, args.items - shipped.get(theme_id, 0))):
                items.append(
                    {
                        "external_id": f"BEN-{theme_id}-{number:05d}",
                        "theme_id": theme_id,
                        "created_at": now - timedelta(days=400),
                    }
                )
        item_ids = _insert(connection, Item, items)
        versions = []
        for item_id, item in zip(item_ids, items, strict=True):
            topic_id = rng.choice(topics[item["theme_id"]])
            for number in range(1, args.versions + 1):
                last = number == args.versions
                versions.append(
                    {
                        "item_id": item_id,
                        "number": number,
                        "status": VersionStatus.PUBLISHED if last else VersionStatus.SUPERSEDED,
                        "topic_id": topic_id,
                        "competency": competencies[item["theme_id"]],
                        "item_type": ItemType.SINGLE,
                        "stem": f"Question de charge {item['external_id']} (version {number}) ?",
                        "rationale": "Justification de la réponse attendue.",
                        "reference": "Code monétaire et financier, art. L. 312-1",
                        "cognitive_level": rng.choice(list(CognitiveLevel)),
                        "difficulty": rng.choice(list(Difficulty)),
                        "valid_as_of": date(2026, 1, 1),
                        "volatility": Volatility.STABLE,
                        "content_hash": uuid.uuid4().hex,
                        "created_at": now - timedelta(days=400 - 100 * number),
                        "first_used_at": None,
                    }
                )
        version_ids = _insert(connection, ItemVersion, versions)
        _insert_plain(
            connection,
            ItemOption,
            [
                {
                    "version_id": version_id,
                    "key": key,
                    "text": f"Proposition {key}",
                    "is_correct": key == "A",
                    "position": position,
                }
                for version_id in version_ids
                for position, key in enumerate("ABCD")
            ],
        )

        # accounts: the staff, then candidates up to --accounts
        password_hash = hash_password(PASSWORD)
        roles = {
            "admin": [Role.ADMIN],
            "jury": [Role.JURY],
            "reviewer": [Role.REVIEWER],
            "author": [Role.AUTHOR],
        }
        accounts = [
            {"email": email, "display_name": f"Équipe {name}", "roles": roles[name]}
            for name, email in STAFF.items()
        ] + [
            {
                "email": f"bench-candidate-{n:05d}@example.org",
                "display_name": f"Candidat de charge {n:05d}",
                "roles": [Role.CANDIDATE],
            }
            for n in range(max(0, args.accounts - len(STAFF)))
        ]
        user_ids = _insert(
            connection,
            User,
            [
                {
                    "email": account["email"],
                    "display_name": account["display_name"],
                    "password_hash": password_hash,
                    "active": True,
                    "created_at": now - timedelta(days=365),
                }
                for account in accounts
            ],
        )
        _insert_plain(
            connection,
            UserRole,
            [
                {"user_id": user_id, "role": role}
                for user_id, account in zip(user_ids, accounts, strict=True)
                for role in account["roles"]
            ],
        )
        admin_id, candidates = user_ids[0], user_ids[len(STAFF) :]

        # closed sessions, each with --attempts graded attempts of 20 items
        published = {
            theme_id: [
                row
                for row in db.session.execute(
                    sa.select(ItemVersion.id)
                    .join(Item, Item.id == ItemVersion.item_id)
                    .where(Item.theme_id == theme_id, ItemVersion.status == "published")
                ).scalars()
            ]
            for theme_id in topics
        }
        questionnaire_ids = _insert(
            connection,
            Questionnaire,
            [
                {
                    "theme_id": theme_id,
                    "title": f"Questionnaire de charge — thème {theme_id}",
                    "item_count": 20,
                    "duration_minutes": 30,
                    "pass_mark_bp": 6000,
                    "blueprint": {},
                    "shuffle_items": True,
                    "shuffle_options": True,
                    "created_at": now - timedelta(days=400),
                }
                for theme_id in topics
            ],
        )
        theme_of = dict(zip(questionnaire_ids, topics, strict=True))
        sessions = []
        for number in range(args.sessions):
            closes_at = now - timedelta(days=10 + 7 * number)
            sessions.append(
                {
                    "questionnaire_id": questionnaire_ids[number % len(questionnaire_ids)],
                    "title": f"Session de charge {number + 1:02d}",
                    "opens_at": closes_at - timedelta(days=1),
                    "closes_at": closes_at,
                    "release_policy": ReleasePolicy.AFTER_CLOSE,
                    "released_at": None,
                    "created_at": closes_at - timedelta(days=30),
                }
            )
        session_ids = _insert(connection, ExamSession, sessions)
        for session_id, session in zip(session_ids, sessions, strict=True):
            users = rng.sample(candidates, min(args.attempts, len(candidates)))
            enrolment_ids = _insert(
                connection,
                Enrolment,
                [
                    {
                        "session_id": session_id,
                        "user_id": user_id,
                        "extra_time_percent": 0,
                        "analysis_group": rng.choice(("Particuliers", "Professionnels")),
                        "created_at": session["created_at"],
                    }
                    for user_id in users
                ],
            )
            pool = published[theme_of[session["questionnaire_id"]]]
            forms, attempts = [], []
            for user_id, enrolment_id in zip(users, enrolment_ids, strict=True):
                form = rng.sample(pool, 20)
                right = [rng.random() < 0.65 for _ in form]
                begin = session["opens_at"] + timedelta(minutes=rng.randint(0, 1200))
                forms.append((form, right))
                attempts.append(
                    {
                        "enrolment_id": enrolment_id,
                        "session_id": session_id,
                        "user_id": user_id,
                        "status": AttemptStatus.SUBMITTED,
                        "started_at": begin,
                        "deadline": begin + timedelta(minutes=30),
                        "submitted_at": begin + timedelta(minutes=rng.randint(8, 29)),
                        "score": sum(right),
                        "max_score": 20,
                        "pass_mark_bp": 6000,
                        "passed": sum(right) >= 12,
                        "graded_at": begin + timedelta(minutes=30),
                    }
                )
            attempt_ids = _insert(connection, Attempt, attempts)
            rows = [
                (attempt_id, attempt["submitted_at"], position, version_id, ok)
                for attempt_id, attempt, (form, right) in zip(
                    attempt_ids, attempts, forms, strict=True
                )
                for position, (version_id, ok) in enumerate(zip(form, right, strict=True), 1)
            ]
            attempt_item_ids = _insert(
                connection,
                AttemptItem,
                [
                    {
                        "attempt_id": attempt_id,
                        "position": position,
                        "item_version_id": version_id,
                        "option_order": list("ABCD"),
                        "flagged": False,
                        "score": int(ok),
                    }
                    for attempt_id, _at, position, version_id, ok in rows
                ],
            )
            _insert_plain(
                connection,
                Response,
                [
                    {
                        "attempt_id": attempt_id,
                        "attempt_item_id": attempt_item_id,
                        "selected": ["A"] if ok else [rng.choice("BCD")],
                        "seq": position,
                        "saved_at": saved_at,
                    }
                    for (attempt_id, saved_at, position, _v, ok), attempt_item_id in zip(
                        rows, attempt_item_ids, strict=True
                    )
                ],
            )
        connection.execute(
            sa.update(ItemVersion)
            .where(ItemVersion.status.in_(["published", "superseded"]))
            .values(first_used_at=now - timedelta(days=300))
        )

        # certification enrolments, audit events
        certification_ids = db.session.execute(sa.select(Certification.id)).scalars().all()
        _insert_plain(
            connection,
            CertificationEnrolment,
            [
                {
                    "certification_id": certification_id,
                    "user_id": user_id,
                    "registered_by_id": admin_id,
                    "created_at": now - timedelta(days=200),
                }
                for certification_id in certification_ids
                for user_id in candidates[: args.certification_candidates]
            ],
        )
        # a deliberation held by the jury, an Angoff panel on the largest session
        jury_id = user_ids[1]
        deliberation_ids = _insert(
            connection,
            Deliberation,
            [
                {
                    "certification_id": certification_id,
                    "held_on": (now - timedelta(days=20)).date(),
                    "recorded_by_id": jury_id,
                    "recorded_at": now - timedelta(days=20),
                }
                for certification_id in certification_ids
            ],
        )
        _insert_plain(
            connection,
            DeliberationMember,
            [
                {
                    "deliberation_id": deliberation_id,
                    "position": 1,
                    "name": "Équipe jury",
                    "user_id": jury_id,
                }
                for deliberation_id in deliberation_ids
            ],
        )
        if session_ids:
            create_panel(
                db.session.get(ExamSession, session_ids[0]),
                "Panel de charge",
                [db.session.get(User, jury_id)],
                db.session.get(User, admin_id),
                now,
            )
        actions = sorted(ACTION_LABELS)
        _insert_plain(
            connection,
            AuditEvent,
            [
                {
                    "occurred_at": now - timedelta(seconds=30 * n),
                    "action": actions[n % len(actions)],
                    "actor_id": admin_id if n % 3 else None,
                    "subject_id": rng.choice(candidates),
                    "target": f"session:{rng.choice(session_ids)}",
                    "address": "10.0.0.1",
                    "details": {"n": n},
                }
                for n in range(args.audit_events)
            ],
        )
        if args.statistics:
            from questionnaire.itemstats.services import refresh_statistics

            refresh_statistics(now)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(sa.text("ANALYZE"))
    print(f"dataset built in {time.perf_counter() - started:.1f} s", flush=True)


def counts(app) -> dict[str, int]:
    from questionnaire.extensions import db

    with app.app_context():
        return {
            table: db.session.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar_one()
            for table in (
                "item",
                "item_version",
                "user",
                "exam_session",
                "attempt",
                "attempt_item",
                "audit_event",
            )
        }


def _has_data(app) -> bool:
    from questionnaire.auth.models import User
    from questionnaire.extensions import db

    with app.app_context():
        try:
            return (
                db.session.execute(sa.select(User.id).where(User.email == STAFF["admin"])).first()
                is not None
            )
        except sa.exc.DBAPIError:
            return False


def parameters(app) -> dict[str, object]:
    """Real ids for the URL parameters: the largest session, an item with versions, and so on."""
    from questionnaire.attempts.models import Attempt
    from questionnaire.certification.models import (
        Certification,
        CertificationEnrolment,
        Competency,
        Deliberation,
    )
    from questionnaire.clock import now_utc
    from questionnaire.exams.models import Enrolment, ExamSession
    from questionnaire.extensions import db
    from questionnaire.reports.models import AngoffPanel

    def first(statement):
        return db.session.execute(statement.limit(1)).scalar()

    with app.app_context():
        session_id = first(
            sa.select(Attempt.session_id)
            .group_by(Attempt.session_id)
            .order_by(sa.func.count().desc(), Attempt.session_id)
        )
        session = db.session.get(ExamSession, session_id)
        enrolment = first(sa.select(CertificationEnrolment.id).order_by(CertificationEnrolment.id))
        certification = first(
            sa.select(CertificationEnrolment.certification_id).order_by(CertificationEnrolment.id)
        )
        return {
            "session_id": session_id,
            "questionnaire_id": session.questionnaire_id,
            "user_id": first(sa.select(Attempt.user_id).where(Attempt.session_id == session_id)),
            "attempt_id": first(sa.select(Attempt.id).where(Attempt.session_id == session_id)),
            "exam_enrolment_id": first(
                sa.select(Enrolment.id).where(Enrolment.session_id == session_id)
            ),
            "enrolment_id": enrolment,
            "certification_id": certification or first(sa.select(Certification.id)),
            "deliberation_id": first(
                sa.select(Deliberation.id).where(Deliberation.certification_id == certification)
            ),
            "code": first(sa.select(Competency.code)),
            "external_id": "BEN-1-00000",
            "slug": session.questionnaire.theme.slug,
            "position": 1,
            "fmt": "csv",
            "year_ago": (now_utc() - timedelta(days=365)).date().isoformat(),
            "today": now_utc().date().isoformat(),
            "panel_id": first(sa.select(AngoffPanel.id).order_by(AngoffPanel.id)),
        }


def pages(app, values: dict[str, object]) -> list[tuple[str, str]]:
    """(endpoint, URL) of every GET page, its parameters filled; skipped when one is missing."""
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint.startswith(SKIPPED):
            continue
        given = {}
        for name in rule.arguments:
            key = name
            if name == "enrolment_id" and rule.endpoint.startswith("admin."):
                key = "exam_enrolment_id"
            given[name] = values.get(key)
        if any(value is None for value in given.values()):
            print(f"skipped {rule.endpoint}: no value for {sorted(given)}")
            continue
        if rule.endpoint in PERIOD_ENDPOINTS:  # a form in the query string: the whole year
            given.update(theme=values["slug"], start=values["year_ago"], end=values["today"])
        with app.test_request_context():
            from flask import url_for

            found.append((rule.endpoint, url_for(rule.endpoint, **given)))
    return found


def measure(app, urls: list[tuple[str, str]], repeat: int, only: str | None) -> list[tuple]:
    from questionnaire.extensions import db

    statements: list[str] = []
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    clients = {}
    for role, email in STAFF.items():
        client = app.test_client()
        response = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert response.status_code == 200, (role, response.status_code, response.data[:200])
        clients[role] = client
    results = []
    for endpoint, url in urls:
        if only and only not in endpoint:
            continue
        chosen = None
        for role, client in clients.items():
            response = client.get(url)
            if response.status_code not in (302, 401, 403, 404):
                chosen = role
                break
        if chosen is None:
            results.append((endpoint, url, "-", response.status_code, None, None, None))
            continue
        counted, walls, cpus = [], [], []
        for _ in range(repeat):
            statements.clear()
            wall, cpu = time.perf_counter(), time.process_time()
            response = clients[chosen].get(url)
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
            counted.append(len(statements))
        results.append(
            (
                endpoint,
                url,
                chosen,
                response.status_code,
                max(counted),
                statistics.median(walls),
                statistics.median(cpus),
            )
        )
        print(f"  {endpoint} {response.status_code} {max(counted)} SQL", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="database URL, e.g. postgresql://postgres@127.0.0.1/bench")
    parser.add_argument("--themes", type=int, default=4)
    parser.add_argument("--items", type=int, default=400, help="items per theme")
    parser.add_argument("--versions", type=int, default=2, help="versions per added item")
    parser.add_argument("--accounts", type=int, default=3000)
    parser.add_argument("--sessions", type=int, default=40, help="closed sessions")
    parser.add_argument("--attempts", type=int, default=500, help="attempts per session")
    parser.add_argument("--audit-events", type=int, default=200_000)
    parser.add_argument(
        "--certification-candidates", type=int, default=300, help="per certification"
    )
    parser.add_argument("--statistics", action="store_true", help="refresh item statistics")
    parser.add_argument("--repeat", type=int, default=3, help="requests per page (median)")
    parser.add_argument("--reuse", action="store_true", help="keep an earlier run's data")
    parser.add_argument("--only", help="measure only the endpoints containing this text")
    parser.add_argument(
        "--query", help="a query string added to every measured page, e.g. flag=texte-vide"
    )
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    url = args.url
    if url.startswith("postgresql://"):
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    folder = Path(tempfile.mkdtemp(prefix="qpages-"))
    os.environ.update(
        {
            "QUESTIONNAIRE_DATABASE_URL": url,
            "QUESTIONNAIRE_INSTANCE_PATH": str(folder / "instance"),
            "QUESTIONNAIRE_PASSWORD_HASH_PARAMS": "2,19456,1",
            "SECRET_KEY": uuid.uuid4().hex,
        }
    )
    from questionnaire import create_app

    app = create_app("development")
    try:
        if not (args.reuse and _has_data(app)):
            build(app, args)
        print("rows:", ", ".join(f"{table} {n:,}" for table, n in counts(app).items()))
        urls = pages(app, parameters(app))
        if args.query:
            urls = [
                (endpoint, f"{url}{'&' if '?' in url else '?'}{args.query}")
                for endpoint, url in urls
            ]
        results = measure(app, urls, args.repeat, args.only)
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # the instance folder; the database stays
    print(f"\n{args.repeat} requests per page, medians; SQL = statements of the costliest")
    print("| page | role | status | SQL | wall ms | CPU ms |")
    print("|---|---|---|---|---|---|")
    for endpoint, _url, role, status, sql, wall, cpu in results:
        if sql is None:
            print(f"| `{endpoint}` | {role} | {status} | | | |")
        else:
            print(f"| `{endpoint}` | {role} | {status} | {sql} | {wall:.0f} | {cpu:.0f} |")


if __name__ == "__main__":
    main()
