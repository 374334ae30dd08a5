"""The XLSX read in a French spreadsheet: named sheets Excel accepts, numbers as the page rounds
them (a score of 20 never reads « 20,000 »), real date cells, readable columns, exact values."""

from __future__ import annotations

import io
import math
import re
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import openpyxl
import pytest

from questionnaire.auth.models import Role
from questionnaire.reports.render_xlsx import render_xlsx
from questionnaire.reports.services import export_bytes
from questionnaire.reports.session_report import build_session_report
from questionnaire.reports.tables import Column, Kind, Report, Section, Table, format_value
from questionnaire.xlsxfiles import SheetNames

EXCEL_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def excel_accepts(name: str) -> bool:
    """Excel's rules for a sheet name (its own dialog refuses anything else)."""
    units = len(name.encode("utf-16-le")) // 2
    return (
        1 <= units <= 31
        and not EXCEL_FORBIDDEN.search(name)
        and not name.startswith("'")
        and not name.endswith("'")
        and name.casefold() != "historique"
        and all(ord(c) >= 32 for c in name)
    )


def excel_shows(value: float, number_format: str) -> str:
    """What a French spreadsheet prints for a number under « 0 », « 0.00 » or « 0.0% »: the
    value rounded half away from zero, decimal comma."""
    percent = number_format.endswith("%")
    code = number_format.removesuffix("%")
    digits = len(code.split(".")[1]) if "." in code else 0
    number = Decimal(repr(float(value))) * (100 if percent else 1)
    rounded = number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return f"{rounded:f}".replace(".", ",") + ("\u00a0%" if percent else "")


def _read(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


# ---------------------------------------------------------------- sheet names


def test_sheet_names_are_valid_unique_and_keep_the_words():
    names = SheetNames()
    given = [
        "Items",
        "ITEMS",
        "items",
        "Historique",
        "Seuil : panel [mars] 2026/03 *?",
        "'Entre apostrophes'",
        "Temps supplémentaire accordé à toute la session (incidents)",
        "Temps supplémentaire accordé à toute la session (incidents)",
        "\x07",
        "Résultats 📊📊📊📊📊📊📊📊📊📊📊📊",
        "a\\b",
    ]
    produced = [names.add(label) for label in given]
    assert all(excel_accepts(name) for name in produced), produced
    assert len({name.casefold() for name in produced}) == len(produced)
    assert produced[:6] == [
        "Items",
        "ITEMS (2)",
        "items (3)",
        "Historique (2)",
        "Seuil - panel (mars) 2026-03",
        "Entre apostrophes",
    ]
    # too long: shortened on a visible ellipsis, the repeat numbered within 31 characters
    assert produced[6] == "Temps supplémentaire accordé à…"
    assert produced[7].endswith("… (2)") and produced[7].startswith("Temps supplémentaire")
    assert produced[8] == "Feuille"  # nothing left to name it
    assert produced[9].startswith("Résultats 📊") and produced[9].endswith("…")
    assert produced[10] == "a-b"


def _adversarial_report() -> Report:
    column = (Column("n", "Nombre", Kind.INT),)
    titles = ["Rapport", "Historique", "Panel « Test : A/B »", "Panel « Test : A/B »", "x" * 40]
    tables = tuple(
        Table(f"t{n}", title, column, ((n,),)) for n, title in enumerate(titles, start=1)
    )
    short = Table("court", "Un titre bien trop long pour un onglet de classeur", column, ((9,),))
    short = Table(short.name, short.title, short.columns, short.rows, sheet="Titre court")
    return Report(
        kind="session",
        title="Rapport",
        scope="Essai",
        generated_at=datetime(2026, 3, 1, 8, 0, tzinfo=UTC),
        fingerprint="0" * 64,
        sections=(Section("s", "Section", tables=(*tables, short)),),
    )


def test_workbook_sheets_are_named_after_the_titles_and_listed_on_the_cover():
    report = _adversarial_report()
    workbook = _read(render_xlsx(report))
    names = workbook.sheetnames
    assert all(excel_accepts(name) for name in names), names
    assert len({name.casefold() for name in names}) == len(names) == 1 + len(report.tables)
    assert names[:5] == [
        "Rapport",
        "Rapport (2)",
        "Historique (2)",
        "Panel « Test - A-B »",
        "Panel « Test - A-B » (2)",
    ]
    assert names[-1] == "Titre court"  # the short label when the title is too long
    # the cover says which sheet holds which table, by its full title
    rows = [row[:2] for row in workbook["Rapport"].iter_rows(values_only=True)]
    listed = rows[rows.index(("Feuille", "Tableau")) + 1 :]
    assert listed == [
        (name, table.title) for name, table in zip(names[1:], report.tables, strict=True)
    ]
    # each table sheet holds its own table
    assert [workbook[name]["A2"].value for name in names[1:]] == [1, 2, 3, 4, 5, 9]


def test_session_workbook_names_its_sheets_in_french_without_cutting_them(sit_session, clock):
    session = sit_session()[0]
    report = build_session_report(session, clock())
    names = _read(export_bytes(report, "xlsx")).sheetnames
    assert all(excel_accepts(name) for name in names), names
    assert not any(name.endswith("…") for name in names)  # every fixed label fits whole
    assert not any("_" in name for name in names)  # no technical key left
    assert "Résultats par candidat" in names and "Statistiques d'items" in names


# ---------------------------------------------------------------- numbers, dates, layout


def _kinds_report() -> Report:
    columns = (
        Column("label", "Ligne"),
        Column("score", "Score", Kind.DECIMAL, 0),
        Column("mean", "Score moyen", Kind.DECIMAL, 2),
        Column("alpha", "Alpha", Kind.DECIMAL),
        Column("p", "p", Kind.DECIMAL, 4),
        Column("rate", "Taux de réussite", Kind.PERCENT),
        Column("count", "Copies", Kind.INT),
        Column("day", "Ouverture", Kind.DATE),
        Column("moment", "Date", Kind.DATETIME),
        Column("passed", "Réussi"),
    )
    # 23 h 30 UTC on 29 March 2026 is already 1 h 30 on the 30th in Paris (summer time)
    late = datetime(2026, 3, 29, 23, 30, tzinfo=UTC)
    rows = (
        ("entier", 20.0, 20.0, 1.0, 0.0, 1.0, 20, late, late, True),
        ("exact", 12.5, float(Fraction(2, 3)), 2 / 3, 3e-20, 0.123456, 0, late, late, False),
        ("vide", None, float("nan"), None, None, None, None, None, None, None),
    )
    return Report(
        kind="session",
        title="Rapport",
        scope="Essai",
        generated_at=datetime(2026, 3, 1, 8, 0, tzinfo=UTC),
        fingerprint="0" * 64,
        sections=(Section("s", "Section", tables=(Table("t", "Tableau", columns, rows),)),),
    )


def test_each_column_kind_has_its_format_and_cells_stay_exact():
    workbook = _read(render_xlsx(_kinds_report()))
    sheet = workbook["Tableau"]
    formats = [cell.number_format for cell in sheet[2]]
    assert formats == [
        "General",
        "0",
        "0.00",
        "0.000",
        "0.0000",
        "0.0%",
        "0",
        "dd/mm/yyyy",
        "dd/mm/yyyy hh:mm",
        "General",
    ]
    whole, exact, empty = ([cell.value for cell in row] for row in sheet.iter_rows(min_row=2))
    assert whole[1:7] == [20, 20, 1, 0, 1, 20]
    assert exact[1:7] == [12.5, 2 / 3, 2 / 3, 3e-20, 0.123456, 0]  # never rounded in the cell
    assert (whole[9], exact[9]) == ("oui", "non")
    assert empty[1:] == [None] * 9  # n.d. stays an empty cell, a number never « nan »
    # the day and the time in Paris, as date cells (sortable), not text
    assert whole[7] == datetime(2026, 3, 30) and whole[8] == datetime(2026, 3, 30, 1, 30)
    assert sheet["H2"].is_date and sheet["I2"].is_date
    # shown as the page shows it: « 20 », « 20,00 », « 100,0 % », never « 20,000 »
    assert excel_shows(20.0, formats[1]) == "20" and excel_shows(20.0, formats[2]) == "20,00"
    assert excel_shows(1.0, formats[5]) == "100,0\u00a0%"


def test_header_frozen_bold_wrapped_and_columns_sized_to_their_content():
    report = _kinds_report()
    sheet = _read(render_xlsx(report))["Tableau"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b and cell.alignment.wrap_text for cell in sheet[1])
    for cell in sheet[1]:
        width = sheet.column_dimensions[cell.column_letter].width
        longest_word = max(len(word) for word in cell.value.split())
        assert longest_word < width <= 60, (cell.value, width)
    # the date and time column fits « 30/03/2026 à 01 h 30 » as the page writes it
    assert sheet.column_dimensions["I"].width >= len("30/03/2026 à 01 h 30")


def test_cover_gives_the_generation_time_as_a_date_in_paris():
    workbook = _read(render_xlsx(_kinds_report()))
    cover = {row[0]: row[1] for row in workbook["Rapport"].iter_rows(values_only=True)}
    assert cover["Généré le"] == datetime(2026, 3, 1, 9, 0)  # 8 h UTC, 9 h in Paris in winter
    assert "heure de Paris" in cover["Fuseau horaire"]
    assert workbook["Rapport"]["B3"].number_format == "dd/mm/yyyy hh:mm"


def test_every_number_of_the_session_workbook_reads_as_on_the_page(sit_session, clock):
    """Each numeric cell, shown with its format, is the text of the HTML and PDF tables."""
    session = sit_session()[0]
    report = build_session_report(session, clock())
    workbook = _read(export_bytes(report, "xlsx"))
    checked = 0
    for sheet, table in zip(workbook.worksheets[1:], report.tables, strict=True):
        for cells, row in zip(sheet.iter_rows(min_row=2), table.rows, strict=True):
            for cell, value, column in zip(cells, row, table.columns, strict=True):
                if column.kind not in (Kind.INT, Kind.DECIMAL, Kind.PERCENT) or value is None:
                    continue
                if isinstance(value, float) and not math.isfinite(value):
                    continue
                # the file holds 16 significant digits (openpyxl's writing; Excel shows 15)
                assert cell.value == float(f"{value:.16g}"), (table.name, column.key)
                shown = excel_shows(cell.value, cell.number_format)
                assert shown == format_value(value, column), (table.name, column.key, value)
                checked += 1
    assert checked > 50


@pytest.mark.parametrize("digits", [0, 1, 2, 3, 4])
def test_decimal_format_follows_the_page_decimals(digits):
    column = Column("x", "Valeur", Kind.DECIMAL, digits)
    table = Table("t", "Tableau", (column,), ((20.0,), (1234.5678,)))
    section = Section("s", "S", tables=(table,))
    report = Report("session", "R", "S", datetime(2026, 3, 1, tzinfo=UTC), "0" * 64, (section,))
    sheet = _read(render_xlsx(report))["Tableau"]
    for cell, (value,) in zip(sheet["A"][1:], table.rows, strict=True):
        assert excel_shows(cell.value, cell.number_format) == format_value(value, column)


def test_panels_titled_alike_get_valid_distinct_sheets(sit_session, make_user, db, clock):
    """A panel's title is typed by a user: its sheets stay valid and distinct."""
    from decimal import Decimal

    from questionnaire.reports.angoff import create_panel, save_ratings, versions_of

    session = sit_session()[0]
    jury = make_user(Role.JURY, email="juge@example.org", name="Juge A")
    title = "Session de mars : seuil [provisoire] 2026/03 — révision complète"
    for _ in range(2):
        panel = create_panel(session, title, [jury], jury, clock())
        db.session.flush()
        save_ratings(panel, jury, {v.id: Decimal("0.6") for v in versions_of(panel)}, clock())
    db.session.commit()
    report = build_session_report(session, clock())
    names = _read(export_bytes(report, "xlsx")).sheetnames
    assert all(excel_accepts(name) for name in names), names
    assert len({name.casefold() for name in names}) == len(names)
    angoff = [name for name in names if name.startswith("Angoff — Session de mars -")]
    assert len(angoff) == 2 and angoff[1].endswith(" (2)")
