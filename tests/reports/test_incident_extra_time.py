"""The session dossier says when the whole session received extra time after an incident."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import openpyxl

from questionnaire.auth.models import Role
from questionnaire.incidents.services import grant_extra_time
from questionnaire.reports.formats import EXPORTS
from questionnaire.reports.session_report import build_session_report
from questionnaire.reports.tables import format_value
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
