"""Shared fixtures: app on an in-memory database, frozen clock, factories returning callables."""

from __future__ import annotations

import hashlib
import itertools
import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine
from flask import g

from questionnaire import create_app
from questionnaire.extensions import db as _db

pytest_plugins = ["tests.lockout"]

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
PASSWORD = "correct-horse-battery"


class FrozenClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime = T0):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def frozen():
    """The system clock itself frozen at T0 (the limiter and other libraries read it, not the
    application's injected clock)."""
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


def _forget_cached_user() -> None:
    g.pop("_login_user", None)


@pytest.fixture
def app(clock, tmp_path, monkeypatch):
    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path / "instance"))
    settings = {"CONFIG": "testing", "CLOCK": clock}
    suite_database = os.environ.get("QUESTIONNAIRE_TEST_SUITE_DATABASE_URL")
    if suite_database:  # the whole suite on that database (PostgreSQL), by hand: README
        settings["SQLALCHEMY_DATABASE_URI"] = suite_database.replace(
            "postgresql://", "postgresql+psycopg://", 1
        )
    app = create_app(settings)
    # Requests reuse this test's application context, hence its ``g``: forget the user that
    # Flask-Login cached there, so that each request is authenticated by its own cookies only.
    app.before_request_funcs.setdefault(None, []).insert(0, _forget_cached_user)
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()  # a server database: its connections closed with the test


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


def bank_yaml(
    theme: str = "fiscalite",
    topics: dict[str, int] | None = None,
    prefix: str = "TST",
    multiple_every: int = 0,
    start: int = 1,
) -> str:
    """A small valid bank: ``topics`` maps a topic slug to its number of items (draw = 1 each)."""
    topics = topics or {"alpha": 4, "beta": 4}
    lines = [
        f"theme: {theme}",
        f"title: Thème {theme}",
        'competencies: ["C9 (B2.3)"]',
        "blueprint:",
        f"  form_items: {len(topics)}",
        "  duration_minutes: 30",
        "  topics:",
    ]
    lines += [f'    {slug}: {{title: "Sujet {slug}", draw: 1}}' for slug in topics]
    lines.append("items:")
    counter = itertools.count(start)
    keys = "ABCD"
    for slug, count in topics.items():
        for _ in range(count):
            n = next(counter)
            multiple = bool(multiple_every) and n % multiple_every == 0
            correct = {keys[n % 4], keys[(n + 1) % 4]} if multiple else {keys[n % 4]}
            lines += [
                f"  - id: {prefix}-{n:04d}",
                f"    topic: {slug}",
                "    competency: C9",
                f"    type: {'multiple' if multiple else 'single'}",
                f'    stem: "Cas {hashlib.sha256(str(n).encode()).hexdigest()[:32]} ({slug}) : quelle réponse ?"',
                "    options:",
            ]
            lines += [
                f'      - {{key: {k}, text: "Réponse {k} de la question {n}"'
                + (", correct: true}" if k in correct else "}")
                for k in keys
            ]
            lines += [
                f'    rationale: "Justification de la question {n}."',
                f'    reference: "Art. {n} CGI"',
                "    cognitive_level: connaissance",
                "    difficulty: moyen",
                "    valid_as_of: 2026-01-15",
                "    volatility: stable",
            ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def write_bank(tmp_path):
    """Write bank files into a fresh folder; returns the folder."""

    def _write(files: dict[str, str] | None = None) -> Path:
        folder = tmp_path / f"banks-{next(_folders)}"
        folder.mkdir()
        for name, text in (files or {"fiscalite.yaml": bank_yaml()}).items():
            (folder / name).write_text(text, encoding="utf-8")
        return folder

    return _write


_folders = itertools.count()


@pytest.fixture
def make_user(db, clock):
    from questionnaire.auth.models import Role
    from questionnaire.auth.services import create_user

    counter = itertools.count(1)

    def _make(*roles: Role, email: str | None = None, name: str = "Utilisateur"):
        user = create_user(
            email or f"user{next(counter)}@example.org",
            PASSWORD,
            name,
            roles or (Role.CANDIDATE,),
            clock(),
        )
        db.session.commit()
        return user

    return _make


@pytest.fixture
def admin(make_user, client):
    """An administrator, logged in on `client`."""
    from questionnaire.auth.models import Role

    user = make_user(Role.ADMIN, email="admin@example.org", name="Ada Admin")
    login(client, user.email)
    return user


@pytest.fixture
def erase(make_user, db, clock):
    """Erase (RGPD) an account as an administrator would; returns the account, pseudonymous."""
    from questionnaire.auth.models import Role
    from questionnaire.privacy.services import erase_user

    eraser = None

    def _erase(user):
        nonlocal eraser
        eraser = eraser or make_user(Role.ADMIN, email="dpo@example.org", name="Dora DPO")
        erase_user(user, eraser, "Demande écrite", clock())
        db.session.commit()
        return user

    return _erase


@pytest.fixture
def loaded_bank(db, clock, write_bank):
    """Load a bank (default: 2 topics × 4 single-answer items) and return its theme."""
    from questionnaire.banks.models import Theme
    from questionnaire.banks.services import load_banks

    def _load(text: str | None = None, theme: str = "fiscalite"):
        load_banks(write_bank({f"{theme}.yaml": text or bank_yaml(theme)}), clock())
        db.session.commit()
        return db.session.execute(db.select(Theme).where(Theme.slug == theme)).scalar_one()

    return _load


@pytest.fixture
def make_session(db, clock, loaded_bank, make_user):
    """A questionnaire + open session with an enrolled candidate; returns (session, candidate)."""
    from questionnaire.exams.models import ReleasePolicy, SessionPurpose
    from questionnaire.exams.services import create_questionnaire, create_session, enrol

    def _make(
        *,
        item_count: int = 2,
        duration: int = 30,
        extra: int = 0,
        pass_mark_bp: int = 6000,
        release: ReleasePolicy = ReleasePolicy.AFTER_CLOSE,
        purpose: SessionPurpose | None = None,
        blueprint: dict | None = None,
        candidate=None,
        theme=None,
        opens_in: timedelta = timedelta(hours=-1),
        shuffle: bool = True,
    ):
        theme = theme or loaded_bank()
        questionnaire = create_questionnaire(
            theme,
            "Questionnaire test",
            item_count,
            duration,
            clock(),
            pass_mark_bp=pass_mark_bp,
            blueprint={"alpha": 1, "beta": 1}
            if blueprint is None and item_count == 2
            else (blueprint or {}),
            shuffle_items=shuffle,
            shuffle_options=shuffle,
        )
        opens = clock() + opens_in
        if purpose is None:  # « dès la remise » is for training sessions only
            immediate = release is ReleasePolicy.IMMEDIATE
            purpose = SessionPurpose.TRAINING if immediate else SessionPurpose.CERTIFICATION
        session = create_session(
            questionnaire,
            "Session test",
            opens,
            opens + timedelta(days=1),
            clock(),
            release,
            purpose,
        )
        candidate = candidate or make_user()
        enrol(session, candidate, clock(), extra_time_percent=extra)
        db.session.commit()
        return session, candidate

    return _make


def login(client, email: str, password: str = PASSWORD):
    """Log in through the API; returns the CSRF token for later calls."""
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["csrf_token"]


def form_token(client, url: str) -> str:
    """Read the CSRF token from a page's form."""
    import re

    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def page_text(page: str) -> str:
    """What a reader sees of a page: no tags, entities decoded, spaces collapsed."""
    import re
    from html import unescape

    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))


def post_from_page(client, url: str, data: dict | None = None, referer: str | None = None):
    """POST to `url` as the browser does from that page (its Referer), without redirects."""
    return client.post(
        url, data=data or {}, headers={"Referer": referer or f"http://localhost{url}"}
    )


@pytest.fixture
def migration_db(tmp_path, monkeypatch):
    """An empty SQLite file behind an application context, for the data-migration tests:
    ``upgrade(revision=…)``, rows inserted through ``db.engine`` (SQLite does not enforce the
    foreign keys there), ``upgrade``, checks, ``downgrade``."""
    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(
        {"CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}"}
    )
    with app.app_context():
        yield _db
        _db.engine.dispose()


@pytest.fixture
def postgres_database():
    """A throw-away PostgreSQL database on the configured server."""
    if not os.environ.get("QUESTIONNAIRE_TEST_POSTGRES_URL"):
        pytest.skip("QUESTIONNAIRE_TEST_POSTGRES_URL is not set: no PostgreSQL server configured")
    admin = sa.create_engine(
        os.environ["QUESTIONNAIRE_TEST_POSTGRES_URL"].replace(
            "postgresql://", "postgresql+psycopg://", 1
        ),
        isolation_level="AUTOCOMMIT",
    )
    name = f"qtest_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
