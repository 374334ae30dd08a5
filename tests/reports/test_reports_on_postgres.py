"""The report path on PostgreSQL: the same session and period reports, every format, and a
neutralisation, run on the production database engine (the column loaders use SQL of their own).

Skipped, with the reason, when QUESTIONNAIRE_TEST_POSTGRES_URL is not set.
"""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from questionnaire import create_app
from questionnaire.attempts.models import Attempt
from questionnaire.auth.models import Role
from questionnaire.extensions import db as _db
from tests.conftest import form_token, login
from tests.reports.conftest import PATTERNS

pytestmark = pytest.mark.postgres
MARCH = {"theme": "fiscalite", "start": "2026-03-01", "end": "2026-03-31"}


@pytest.fixture
def app(clock, tmp_path, monkeypatch, postgres_database):
    """The suite's ``app``, on a throw-away PostgreSQL database instead of SQLite."""
    monkeypatch.setenv("QUESTIONNAIRE_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(
        {"CONFIG": "testing", "CLOCK": clock, "SQLALCHEMY_DATABASE_URI": postgres_database}
    )
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.engine.dispose()


def test_session_and_period_reports_and_a_neutralisation(client, make_user, sit_session, db):
    session, _, attempts = sit_session(PATTERNS, extra={0: 25})
    login(client, make_user(Role.JURY, email="jury@example.org").email)
    html = client.get(f"/rapports/sessions/{session.id}").get_data(as_text=True)
    assert "40,0\u00a0%" in html and "Wilson" in html  # 4 of the 10 patterns reach 60 %
    exports = {
        fmt: client.get(f"/rapports/sessions/{session.id}/export/{fmt}")
        for fmt in ("pdf", "xlsx", "csv")
    }
    assert {fmt: r.status_code for fmt, r in exports.items()} == dict.fromkeys(exports, 200)
    pages = PdfReader(io.BytesIO(exports["pdf"].data)).pages
    assert "Synthèse" in pages[0].extract_text()  # the summary opens the dossier
    assert "Participation" in " ".join(page.extract_text() for page in pages)
    workbook = openpyxl.load_workbook(io.BytesIO(exports["xlsx"].data))
    assert {"Participation", "Statistiques d'items", "Aménagements accordés"} <= set(
        workbook.sheetnames
    )
    assert any(
        name.endswith(".csv")
        for name in zipfile.ZipFile(io.BytesIO(exports["csv"].data)).namelist()
    )

    period = client.get("/rapports/periode", query_string=MARCH).get_data(as_text=True)
    assert "Sessions de la période" in period and "40,0\u00a0%" in period
    for fmt in ("pdf", "xlsx", "csv"):
        assert client.get(f"/rapports/periode/export/{fmt}", query_string=MARCH).status_code == 200

    url = f"/rapports/sessions/{session.id}/neutraliser"
    version = attempts[0].items[3].version  # the 4th item: patterns 5 and 6 then pass
    response = client.post(
        url, data={"csrf_token": form_token(client, url), "item": version.id, "reason": "Ambigu"}
    )
    assert response.status_code == 302
    passed = db.session.execute(select(Attempt.passed).order_by(Attempt.id)).scalars().all()
    assert passed == [True] * 6 + [False] * 4
