"""End-to-end fixtures: the real app served on a free local port, driven by the system Chromium.

The browser is Debian's Chromium (``/usr/bin/chromium``), driven by Playwright for Python; no
browser is ever downloaded. Without it the tests are skipped with the reason.
"""

from __future__ import annotations

import itertools
import os
import threading
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from questionnaire import create_app
from questionnaire.extensions import db
from tests.conftest import PASSWORD, bank_yaml

CHROMIUM = Path(os.environ.get("QUESTIONNAIRE_E2E_CHROMIUM", "/usr/bin/chromium"))
AXE_SCRIPT = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class Exam:
    """An enrolled candidate and the open session they may sit."""

    email: str
    session_id: int
    user_id: int


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The application on a file SQLite database, with no grace after a deadline."""
    folder = tmp_path_factory.mktemp("e2e")
    app = create_app(
        {
            "CONFIG": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'e2e.db'}",
            "GRACE_SECONDS": 0,
        }
    )
    with app.app_context():
        db.create_all()
        _load_bank(folder)
    yield app
    with app.app_context():
        db.engine.dispose()


def _load_bank(folder: Path) -> None:
    from questionnaire.banks.services import load_banks
    from questionnaire.clock import now_utc

    banks = folder / "banks"
    banks.mkdir()
    (banks / "fiscalite.yaml").write_text(bank_yaml(), encoding="utf-8")
    load_banks(banks, now_utc())
    db.session.commit()


def buffered(app):
    """``app`` answering each request with its whole body, its iterable already closed.

    Werkzeug's development server closes a response iterable (a static file's handle) in a
    ``finally`` that a connection dropped by the browser can cut short; the unclosed file then
    surfaces as a ResourceWarning in whichever test runs next. Buffering closes it here, first.
    """

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


@pytest.fixture(scope="session")
def base_url(live_app):
    """Serve the app from a background thread on a free 127.0.0.1 port."""
    server = make_server("127.0.0.1", 0, buffered(live_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


_emails = itertools.count(1)


@pytest.fixture
def make_user(live_app):
    """Create a user with ``roles``; returns their email (the password is the suite's)."""
    from questionnaire.auth.services import create_user
    from questionnaire.clock import now_utc

    def _make(*roles, name: str = "Camille Martin") -> str:
        email = f"utilisateur{next(_emails)}@example.org"
        with live_app.app_context():
            create_user(email, PASSWORD, name, roles, now_utc())
            db.session.commit()
        return email

    return _make


@pytest.fixture
def make_exam(live_app):
    """Create an open session with a freshly enrolled candidate (2 questions, one per topic)."""
    from questionnaire.auth.models import Role
    from questionnaire.auth.services import create_user
    from questionnaire.banks.models import Theme
    from questionnaire.clock import now_utc
    from questionnaire.exams.models import ReleasePolicy, SessionPurpose
    from questionnaire.exams.services import create_questionnaire, create_session, enrol

    def _make(
        *,
        duration: int = 30,
        extra: int = 0,
        title: str = "Fiscalité — session",
        certification: bool = False,
    ) -> Exam:
        """A training session (correction at once) or a certification one (after the close)."""
        now = now_utc()
        with live_app.app_context():
            theme = db.session.execute(db.select(Theme)).scalar_one()
            questionnaire = create_questionnaire(
                theme,
                "Questionnaire fiscalité",
                2,
                duration,
                now,
                blueprint={"alpha": 1, "beta": 1},
            )
            session = create_session(  # the result pages show the correction at once
                questionnaire,
                title,
                now - timedelta(hours=1),
                now + timedelta(days=1),
                now,
                # « dès la remise » is for training only
                ReleasePolicy.AFTER_CLOSE if certification else ReleasePolicy.IMMEDIATE,
                SessionPurpose.CERTIFICATION if certification else SessionPurpose.TRAINING,
            )
            user = create_user(
                f"candidat{next(_emails)}@example.org",
                PASSWORD,
                "Camille Martin",
                [Role.CANDIDATE],
                now,
            )
            enrol(session, user, now, extra_time_percent=extra)
            db.session.commit()
            return Exam(email=user.email, session_id=session.id, user_id=user.id)

    return _make


@pytest.fixture(scope="session")
def browser():
    """The system Chromium, headless; skipped when it (or Playwright) is absent."""
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium absent ({CHROMIUM}): apt-get install chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright absent (extra dev)")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def context(browser, base_url):
    context = browser.new_context(base_url=base_url, locale="fr-FR")
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_SCRIPT.exists():
        pytest.skip("axe-core absent : npm ci --prefix tests/e2e")
    return AXE_SCRIPT.read_text(encoding="utf-8")


def log_in(page, email: str, password: str = PASSWORD) -> None:
    """Log in through the login form."""
    page.goto("/connexion")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")
