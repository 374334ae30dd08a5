"""The session dossier says when the whole session received extra time after an incident."""

from __future__ import annotations

import hmac
import io
import zipfile
from datetime import datetime

import openpyxl
from pypdf import PdfReader

from questionnaire.auth.models import Role
from questionnaire.incidents.services import grant_copies_extra_time, grant_extra_time
from questionnaire.reports.formats import EXPORTS
from questionnaire.reports.session_report import build_session_report
from questionnaire.reports.tables import format_value
from tests.conftest import login
from tests.reports.conftest import PATTERNS, csv_rows


def test_extra_time_granted_to_the_session_is_listed_with_the_accommodations(
    sit_session, make_user, db, clock
):
    # the last candidate is still composing when the network fails: their copy is prolonged
    session, _, _ = sit_session(PATTERNS[:-1], leave_open=1)
    admin = make_user(Role.ADMIN, name="Ada Administratrice")
    grant_extra_time(session, 15, "Coupure du réseau de 9 h 05 à 9 h 20", admin, clock())
    clock.advance(minutes=5)
    grant_extra_time(session, 10, "Second redémarrage du serveur", admin, clock())
    db.session.commit()

    report = build_session_report(session, clock())

    section = report.section("amenagements")
    assert (
        "Après incident, 25 minutes de temps supplémentaire ont été accordées"
        in (section.paragraphs[0])
    )
    incidents = report.table("incidents")
    assert incidents.title == "Temps supplémentaire accordé à toute la session (incidents)"
    # T0 + 9 candidates × 1 min = 8 h 09 UTC, 9 h 09 in Paris; then 5 minutes later
    shown = [
        [format_value(v, c) for v, c in zip(row, incidents.columns, strict=True)]
        for row in incidents.rows
    ]
    assert shown == [
        ["02/03/2026 à 09 h 09", "15", "1", "Coupure du réseau de 9 h 05 à 9 h 20"],
        ["02/03/2026 à 09 h 14", "10", "1", "Second redémarrage du serveur"],
    ]
    # the CPNE's dossier does not name the administrator who granted it
    assert "Ada" not in repr(report.tables)

    workbook = openpyxl.load_workbook(io.BytesIO(EXPORTS["xlsx"].render(report)))
    sheet = workbook["Temps ajouté après incident"]
    assert [c.value for c in sheet[1]] == [
        "Date",
        "Minutes",
        "Copies en cours prolongées",
        "Motif",
    ]
    # a real date cell, in Paris time as the cover sheet says, shown day first
    assert [sheet["A2"].value, sheet["A3"].value] == [
        datetime(2026, 3, 2, 9, 9),
        datetime(2026, 3, 2, 9, 14),
    ]
    assert sheet["A2"].number_format == "dd/mm/yyyy hh:mm"
    archive = zipfile.ZipFile(io.BytesIO(EXPORTS["csv"].render(report)))
    rows = csv_rows(archive, "incidents.csv")
    assert [row["Minutes"] for row in rows] == ["15", "10"]
    assert [row["Date"] for row in rows] == ["02/03/2026 à 09 h 09", "02/03/2026 à 09 h 14"]


def test_no_incident_no_incident_table(sit_session, clock):
    session, _, _ = sit_session()
    report = build_session_report(session, clock())
    assert report.section("amenagements").paragraphs == ()
    assert "incidents" not in [t.name for t in report.tables]


def test_without_copies_the_sentence_names_no_missing_section(make_session, make_user, db, clock):
    session, _ = make_session()
    grant_extra_time(session, 1, "Panne", make_user(Role.ADMIN), clock())
    db.session.commit()
    (sentence,) = build_session_report(session, clock()).section("amenagements").paragraphs
    assert sentence.startswith("Après incident, 1 minute de temps supplémentaire a été accordée")
    assert sentence.endswith("en ont bénéficié.") and "Rapidité" not in sentence


def _candidate_code(app, user_id: int) -> str:
    """The candidates' code as docs/reports.md describes it (HMAC-SHA256, keyed, shortened)."""
    key = str(app.config["SECRET_KEY"]).encode()
    return "C-" + hmac.new(key, f"candidate:{user_id}".encode(), "sha256").hexdigest()[:10].upper()


def test_extra_time_granted_to_some_copies_is_listed_by_candidate_code(
    app, sit_session, make_user, db, clock, client
):
    # the last candidate's computer freezes twice while they compose: only their copy is prolonged
    session, users, attempts = sit_session(PATTERNS[:-1], leave_open=1)
    admin = make_user(Role.ADMIN, name="Ada Administratrice")
    grant_copies_extra_time(session, [attempts[-1].id], 12, "Poste figé", admin, clock(), 30)
    clock.advance(minutes=3)
    grant_copies_extra_time(session, [attempts[-1].id], 5, "Second gel", admin, clock(), 30)
    db.session.commit()
    code = _candidate_code(app, users[-1].id)
    name, email = users[-1].display_name, users[-1].email

    report = build_session_report(session, clock())
    (sentence,) = report.section("amenagements").paragraphs
    assert sentence.startswith("Après incident, 1 copie a reçu du temps supplémentaire")
    table = report.table("incidents_copies")
    assert table.title == "Temps supplémentaire accordé à certaines copies (incidents)"
    shown = [
        [format_value(v, c) for v, c in zip(row, table.columns, strict=True)] for row in table.rows
    ]
    assert shown == [
        ["02/03/2026 à 09 h 09", code, "12", "Poste figé"],
        ["02/03/2026 à 09 h 12", code, "5", "Second gel"],
    ]
    assert "incidents" not in [t.name for t in report.tables]  # no grant to the whole session

    # the CPNE's page: the caption, the code, never the candidate's name or e-mail
    login(client, make_user(Role.JURY, email="jury@example.org").email)
    html = client.get(f"/rapports/sessions/{session.id}").get_data(as_text=True)
    assert "Temps supplémentaire accordé à certaines copies (incidents)" in html
    assert f"<td>{code}</td>" in html or f">{code}<" in html
    assert "Poste figé" in html and "Second gel" in html
    assert name not in html and email not in html and "Ada" not in html

    workbook = openpyxl.load_workbook(io.BytesIO(EXPORTS["xlsx"].render(report)))
    sheet = workbook["Temps ajouté à des copies"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Date", "Code candidat", "Minutes", "Motif"],
        [datetime(2026, 3, 2, 9, 9), code, 12, "Poste figé"],
        [datetime(2026, 3, 2, 9, 12), code, 5, "Second gel"],
    ]
    archive = zipfile.ZipFile(io.BytesIO(EXPORTS["csv"].render(report)))
    rows = csv_rows(archive, "incidents_copies.csv")
    assert [(r["Code candidat"], r["Minutes"], r["Motif"]) for r in rows] == [
        (code, "12", "Poste figé"),
        (code, "5", "Second gel"),
    ]
    pdf = EXPORTS["pdf"].render(report)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "certaines copies" in text and code in text and name not in text


def test_both_kinds_of_grant_are_listed_each_with_its_sentence(sit_session, make_user, db, clock):
    session, _, attempts = sit_session(PATTERNS[:-1], leave_open=1)
    admin = make_user(Role.ADMIN)
    grant_extra_time(session, 10, "Coupure du réseau", admin, clock())
    grant_copies_extra_time(session, [attempts[-1].id], 4, "Malaise", admin, clock(), 30)
    db.session.commit()
    report = build_session_report(session, clock())
    first, second = report.section("amenagements").paragraphs
    assert first.startswith("Après incident, 10 minutes de temps supplémentaire")
    assert second.startswith("Après incident, 1 copie a reçu du temps supplémentaire")
    assert [t.name for t in report.section("amenagements").tables] == [
        "amenagements",
        "incidents",
        "incidents_copies",
    ]
