"""Spreadsheet and YAML exports show an item's text as its author typed it.

Item text is stored sanitised: « & » typed by an author is kept as « &amp; », « < » as « &lt; ».
The CSV, XLSX and YAML exports wrote those entities into the cells an author edits in a
spreadsheet or a text editor (« Frais &amp; commissions »); they now write « & » and « < »,
which the import sanitises back to the same stored text. A text whose entities show a tag
(« &lt;em&gt; ») keeps them: written « <em> », it would come back as emphasis.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
import yaml

from questionnaire.banks.models import VersionStatus
from questionnaire.exchange.services import export_theme, import_file

CSV = (
    "id,stem,option_a,option_b,option_c,correct,reference,rationale\n"
    'ENT-1,"Frais & commissions : a < b ?",x & y,b,c,A,Art. 1,"Parce que R&D."\n'
    'ENT-2,"La balise &lt;em&gt; s\'affiche ?",a,b,c,B,Art. 2,Oui.\n'
)


def _exported(fmt: str) -> bytes:
    data, count = export_theme("fiscalite", fmt, frozenset({VersionStatus.DRAFT}))
    assert count == 2
    return data


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _xlsx_rows(data: bytes) -> list[dict[str, str]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    header, *rows = [[cell.value or "" for cell in row] for row in sheet.iter_rows()]
    return [dict(zip(header, row, strict=True)) for row in rows]


def _yaml_rows(data: bytes) -> list[dict[str, str]]:
    rows = []
    for item in yaml.safe_load(data)["items"]:
        row = {"stem": item["stem"], "rationale": item["rationale"]}
        row |= {f"option_{o['key'].lower()}": o["text"] for o in item["options"]}
        rows.append(row)
    return rows


READERS = {"csv": _csv_rows, "xlsx": _xlsx_rows, "yaml": _yaml_rows}


@pytest.fixture
def imported(db, clock, loaded_bank):
    loaded_bank()
    import_file(CSV.encode(), "ent.csv", "csv", "fiscalite", clock())
    db.session.commit()


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_cells_hold_the_characters_the_author_typed(imported, fmt):
    first, second = READERS[fmt](_exported(fmt))
    assert first["stem"] == "Frais & commissions : a < b ?"
    assert first["option_a"] == "x & y"
    assert first["rationale"] == "Parce que R&D."
    # typed as « <em> », the tag would be emphasis on the way back in: it stays as stored
    assert second["stem"] == "La balise &lt;em&gt; s'affiche ?"


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_the_export_comes_back_unchanged(db, clock, imported, fmt):
    report = import_file(_exported(fmt), f"export.{fmt}", fmt, "fiscalite", clock())
    assert report.errors == [] and report.imported == []
    assert [entry.message for entry in report.unchanged] == [
        "ENT-1 : identique à la version 1.",
        "ENT-2 : identique à la version 1.",
    ]
