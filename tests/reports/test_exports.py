"""Every format shows the library's numbers; CPNE exports are pseudonymised; access is checked."""

from __future__ import annotations

import io
import zipfile
from fractions import Fraction

import openpyxl
import pytest
from pypdf import PdfReader

from analytics import item_stats, test_stats
from questionnaire.auth.models import Role
from questionnaire.reports.loader import load_session
from tests.conftest import login
from tests.reports.conftest import csv_rows, french_number

SHEETS = [
    "Rapport", "synthese", "participation", "resultats", "distribution", "sujets", "fidelite",
    "items_a_revoir", "items", "distracteurs", "rapidite", "non_atteints", "amenagements", "decisions", "candidats",
]  # fmt: skip
#: The same tables in the XLSX: sheets named after their French titles (31 characters at most).
SHEET_NAMES = [
    "Rapport", "Synthèse", "Participation", "Scores et taux de réussite", "Distribution des scores",
    "Score moyen par sujet", "Fidélité et précision", "Items à revoir (par gravité)",
    "Statistiques d'items", "Analyse des distracteurs", "Rapidité", "Items non atteints",
    "Aménagements accordés", "Décisions prises sur les items", "Résultats par candidat",
]  # fmt: skip


def _fr(value: float, digits: int = 3) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


@pytest.fixture
def sat(sit_session):
    session, users, _attempts = sit_session()
    table = load_session(session).table
    return session, users, item_stats(table), test_stats(table, cut=Fraction(3, 5))


@pytest.fixture
def jury_client(client, make_user):
    login(client, make_user(Role.JURY, email="jury@example.org").email)
    return client


def _export(client, session, fmt):
    response = client.get(f"/rapports/sessions/{session.id}/export/{fmt}")
    assert response.status_code == 200, response.status_code
    return response


def test_html_page_shows_the_library_numbers(jury_client, sat):
    session, _, items, stats = sat
    html = jury_client.get(f"/rapports/sessions/{session.id}").get_data(as_text=True)
    for value in items["facility"]:
        assert f"<td>{_fr(value)}</td>" in html
    assert f'<td data-key="alpha">{_fr(stats.alpha)}</td>' in html
    assert f'<td data-key="sem">{_fr(stats.sem)}</td>' in html
    assert "40,0\u00a0%" in html  # pass rate 4/10
    assert "Wilson" in html and "<svg" in html and '<th scope="col">Facilité</th>' in html
    assert "style=" not in html  # the CSP forbids inline styles


def test_pdf_renders_with_extractable_numbers(jury_client, sat):
    session, _, items, stats = sat
    response = _export(jury_client, session, "pdf")
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) >= 2
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Rapport psychométrique" in text and "Empreinte SHA-256" in text
    for value in items["facility"]:
        assert _fr(value) in text
    assert _fr(stats.alpha) in text and _fr(stats.decision_consistency.p) in text


def test_pdf_chart_is_vector_graphics(jury_client, sat):
    session = sat[0]
    reader = PdfReader(io.BytesIO(_export(jury_client, session, "pdf").data))
    # the small-sample warning on page 1 may push the results section to page 2
    chart = next(p for p in reader.pages[:2] if "Distribution des scores" in p.extract_text())
    assert not list(chart.images)  # the histogram is drawn, not a picture
    assert "seuil" in chart.extract_text()


def test_xlsx_has_one_sheet_per_table_with_exact_values(jury_client, sat):
    session, _, items, stats = sat
    workbook = openpyxl.load_workbook(io.BytesIO(_export(jury_client, session, "xlsx").data))
    assert workbook.sheetnames == SHEET_NAMES
    sheet = workbook["Statistiques d'items"]
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["Item", "Sujet", "Copies", "Facilité"]
    shown = {row[0]: row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert shown == dict(zip(items["item_id"], items["facility"], strict=True))
    reliability = [row for row in workbook["Fidélité et précision"].iter_rows(values_only=True)]
    assert reliability[1][1] == stats.alpha
    assert workbook["Scores et taux de réussite"]["H2"].value == stats.pass_rate


def test_csv_archive_holds_every_table_to_twelve_significant_digits(jury_client, sat):
    session, _, items, stats = sat
    response = _export(jury_client, session, "csv")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert sorted(archive.namelist()) == sorted(["rapport.csv"] + [f"{s}.csv" for s in SHEETS[1:]])
    rows = csv_rows(archive, "items.csv")
    twelve = {"rel": 1e-11, "abs": 1e-15}
    assert [french_number(r["Facilité"]) for r in rows] == pytest.approx(
        items["facility"].tolist(), **twelve
    )
    assert [french_number(r["Discrimination (r item-reste)"]) for r in rows] == pytest.approx(
        items["r_rest"].tolist(), **twelve
    )
    meta = {row["Rubrique"]: row["Valeur"] for row in csv_rows(archive, "rapport.csv")}
    assert len(meta["Empreinte SHA-256 des données"]) == 64
    fidelite = csv_rows(archive, "fidelite.csv")[0]
    assert french_number(fidelite["Alpha de Cronbach"]) == pytest.approx(stats.alpha, **twelve)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (0.6400000000000001, "0,64"),  # the noise of a float sum (exploratory test, 04/12/2026)
        (0.037123106012293815, "0,0371231060123"),
        (3e-20, "0,00000000000000000003"),  # a tiny p-value keeps its digits, no exponent
        (12.275, "12,275"),
        (2.0, "2"),
        (float("nan"), ""),
    ],
)
def test_a_csv_decimal_has_twelve_significant_digits_at_most(value, written):
    from questionnaire.reports.render_csv import _cell

    assert _cell(value) == written


def test_csv_archive_is_french_for_a_spreadsheet(jury_client, sat):
    """Headings as on the page, ``;``, decimal comma and a BOM, like the deliberation CSV."""
    session = sat[0]
    archive = zipfile.ZipFile(io.BytesIO(_export(jury_client, session, "csv").data))
    for name in archive.namelist():
        assert archive.read(name).startswith("\ufeff".encode()), name
    header = archive.read("participation.csv").decode("utf-8-sig").splitlines()[0]
    assert header == (
        "Inscrits;Copies commencées;Remises par le candidat;Remises à l'échéance;"
        "En cours;Non commencées"
    )
    results = csv_rows(archive, "resultats.csv")[0]
    assert "Taux de réussite" in results and "pass_rate" not in results
    assert "." not in results["Taux de réussite"]
    assert french_number(results["Taux de réussite"]) == pytest.approx(sat[3].pass_rate, rel=1e-11)
    distractors = csv_rows(archive, "distracteurs.csv")
    assert list(distractors[0])[:2] == ["Item", "Option"]
    assert {row["Clé"] for row in distractors} == {"oui", "non"}
    meta = {row["Rubrique"]: row["Valeur"] for row in csv_rows(archive, "rapport.csv")}
    assert meta["Généré le"].count("/") == 2  # Paris time, as on the page


def test_cpne_exports_hold_no_name_or_email(jury_client, sat):
    session, users, _, _ = sat
    secrets = [u.display_name for u in users[1:]] + [u.email for u in users]
    html = jury_client.get(f"/rapports/sessions/{session.id}").get_data(as_text=True)
    pdf = PdfReader(io.BytesIO(_export(jury_client, session, "pdf").data))
    pdf_text = "\n".join(page.extract_text() for page in pdf.pages)
    workbook = openpyxl.load_workbook(io.BytesIO(_export(jury_client, session, "xlsx").data))
    cells = " ".join(
        str(value) for sheet in workbook for row in sheet.iter_rows(values_only=True)
        for value in row if value is not None
    )  # fmt: skip
    archive = zipfile.ZipFile(io.BytesIO(_export(jury_client, session, "csv").data))
    csv_text = " ".join(archive.read(name).decode() for name in archive.namelist())
    for text in (html, pdf_text, cells, csv_text):
        assert "C-" in text
        for secret in secrets:
            assert secret not in text


def test_administrators_see_names(client, make_user, sat):
    session, _users, _, _ = sat
    login(client, make_user(Role.ADMIN, email="admin@example.org").email)
    html = client.get(f"/rapports/sessions/{session.id}").get_data(as_text=True)
    assert "Nom Candidat4" in html
    assert "Neutraliser un item" not in html  # a decision of the CPNE


def test_other_roles_get_403(client, make_user, sat):
    session = sat[0]
    for role in (Role.CANDIDATE, Role.AUTHOR, Role.REVIEWER):
        login(client, make_user(role, email=f"{role}@example.org").email)
        for url in (
            "/rapports/",
            f"/rapports/sessions/{session.id}",
            f"/rapports/sessions/{session.id}/export/pdf",
            f"/rapports/sessions/{session.id}/neutraliser",
        ):
            assert client.get(url).status_code == 403, (role, url)


def test_unknown_session_or_format_is_404(jury_client, sat):
    session = sat[0]
    assert jury_client.get("/rapports/sessions/999").status_code == 404
    assert jury_client.get(f"/rapports/sessions/{session.id}/export/docx").status_code == 404
    index = jury_client.get("/rapports/").get_data(as_text=True)
    assert f"/rapports/sessions/{session.id}" in index


def test_cli_writes_each_format(app, sat, tmp_path):
    session, users, items, _ = sat
    for fmt in ("html", "pdf", "xlsx", "csv"):
        output = tmp_path / f"rapport.{fmt}"
        result = app.test_cli_runner().invoke(
            args=["reports", "session", str(session.id), "--format", fmt, "-o", str(output)]
        )
        assert result.exit_code == 0, result.output
        assert output.stat().st_size > 0
    text = (tmp_path / "rapport.html").read_text(encoding="utf-8")
    assert _fr(items["facility"].iloc[0]) in text
    assert users[1].display_name not in text
    assert PdfReader(tmp_path / "rapport.pdf").pages
    assert "Statistiques d'items" in openpyxl.load_workbook(tmp_path / "rapport.xlsx").sheetnames
    assert "items.csv" in zipfile.ZipFile(tmp_path / "rapport.csv").namelist()


def test_cli_unknown_session_fails(app):
    result = app.test_cli_runner().invoke(args=["reports", "session", "999", "-o", "x.pdf"])
    assert result.exit_code == 1
    assert "introuvable" in result.output


def test_same_report_same_bytes_with_fixed_metadata(sat, clock):
    from datetime import UTC

    from questionnaire.reports.services import export_bytes
    from questionnaire.reports.session_report import build_session_report

    session = sat[0]
    first, second = (build_session_report(session, clock()) for _ in range(2))
    for fmt in ("pdf", "xlsx", "csv"):
        assert export_bytes(first, fmt) == export_bytes(second, fmt), fmt
        if fmt != "pdf":
            members = zipfile.ZipFile(io.BytesIO(export_bytes(first, fmt))).infolist()
            assert {m.date_time for m in members} == {(1980, 1, 1, 0, 0, 0)}, fmt
    workbook = openpyxl.load_workbook(io.BytesIO(export_bytes(first, "xlsx")))
    stamp = clock().astimezone(UTC).replace(tzinfo=None)
    assert workbook.properties.created == workbook.properties.modified == stamp
    clock.advance(hours=1)
    later = build_session_report(session, clock())
    assert export_bytes(later, "pdf") != export_bytes(first, "pdf")  # the time is printed


def test_index_page_title_is_plain_text(jury_client, sat):
    html = jury_client.get("/rapports/").get_data(as_text=True)
    title = html[html.index("<title>") : html.index("</title>")]
    assert "<" not in title[1:] and "Rapports psychométriques" in title
    assert html.count("<h1") == 1 and html.count('id="period-title"') == 1


def test_index_names_the_theme_once(jury_client, sat, db):
    session = sat[0]
    theme = session.questionnaire.theme.title
    link = f'href="/rapports/sessions/{session.id}">{session.title}</a>'
    html = jury_client.get("/rapports/").get_data(as_text=True)
    line = html[html.index(link) : html.index("</li>", html.index(link))]
    assert f"— {theme}, ouverte le " in line  # a title without the theme gets it
    session.title = f"Session de démonstration — {theme}"
    db.session.commit()
    html = jury_client.get("/rapports/").get_data(as_text=True)
    link = f'href="/rapports/sessions/{session.id}">{session.title}</a>'
    line = html[html.index(link) : html.index("</li>", html.index(link))]
    assert line.count(theme) == 1 and "ouverte le " in line


def test_small_sample_warning_in_every_format(jury_client, sat):
    """Ten copies (< 30): the figures stay, with a caution before them in each format."""
    session = sat[0]
    html = jury_client.get(f"/rapports/sessions/{session.id}").get_data(as_text=True)
    assert '<p class="notice" role="note">Attention : 10 copies seulement (moins de 30)' in html
    archive = zipfile.ZipFile(io.BytesIO(_export(jury_client, session, "csv").data))
    meta = {row["Rubrique"]: row["Valeur"] for row in csv_rows(archive, "rapport.csv")}
    assert meta["Avertissement"].startswith("Attention : 10 copies seulement")
    workbook = openpyxl.load_workbook(io.BytesIO(_export(jury_client, session, "xlsx").data))
    cover = {row[0]: row[1] for row in workbook["Rapport"].iter_rows(values_only=True)}
    assert cover["Avertissement"].startswith("Attention : 10 copies seulement")
    reader = PdfReader(io.BytesIO(_export(jury_client, session, "pdf").data))
    assert "10 copies seulement" in " ".join(reader.pages[0].extract_text().split())
