"""An XLSX workbook damaged inside its sheet is refused with a report, never a server error.

openpyxl's read-only mode opens the workbook but reads a sheet only when its rows are asked
for: a sheet that is not well-formed XML or a cell with an impossible address raised out of
the import, as did a workbook listing no sheet (a 500 on the web page, a trace from the
command).
"""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest

from questionnaire.exchange.xlsx import parse_xlsx
from tests.conftest import login
from tests.exchange.conftest import TODAY

SHEET = "xl/worksheets/sheet1.xml"
BOOK = "xl/workbook.xml"
DAMAGED = (
    "classeur XLSX illisible : il est endommagé ou n'est pas un classeur Excel "
    "(détail technique : {})."
)


def _workbook(entry: str, edit) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "items"
    sheet.append(["stem", "option_a", "option_b", "correct"])
    sheet.append(["Taux du PFU ?", "12,8 %", "30 %", "B"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == entry:
                data = edit(data.decode("utf-8")).encode("utf-8")
            target.writestr(info, data)
    return out.getvalue()


def _unclosed_row(xml: str) -> str:
    head, _, tail = xml.rpartition("</row>")
    return head + tail


def _bad_address(xml: str) -> str:
    return xml.replace('r="A2"', 'r="Ar"', 1)


def _no_sheet(xml: str) -> str:
    return re.sub(r"<sheets>.*</sheets>", "<sheets />", xml, flags=re.DOTALL)


@pytest.mark.parametrize(
    ("entry", "edit", "detail"),
    [
        (SHEET, _unclosed_row, "ParseError"),
        (SHEET, _bad_address, "ValueError"),
    ],
)
def test_a_damaged_sheet_is_refused_with_a_report(entry, edit, detail):
    result = parse_xlsx(_workbook(entry, edit), "items.xlsx", TODAY)
    assert result.items == []
    assert [(e.location, e.message) for e in result.report.errors] == [
        ("items.xlsx", DAMAGED.format(detail))
    ]


def test_a_workbook_without_a_sheet_is_refused_with_a_report():
    result = parse_xlsx(_workbook(BOOK, _no_sheet), "items.xlsx", TODAY)
    assert result.items == []
    assert [(e.location, e.message) for e in result.report.errors] == [
        (
            "items.xlsx",
            "classeur XLSX sans feuille : les items s'écrivent dans la feuille « items ».",
        )
    ]


def test_the_import_page_reports_a_damaged_sheet(client, make_user, loaded_bank):
    from questionnaire.auth.models import Role
    from tests.conftest import form_token

    loaded_bank()
    make_user(Role.AUTHOR, email="auteur@example.org")
    login(client, "auteur@example.org")
    response = client.post(
        "/echanges/import",
        data={
            "csrf_token": form_token(client, "/echanges/"),
            "theme": "fiscalite",
            "format": "xlsx",
            "topic": "",
            "file": (io.BytesIO(_workbook(SHEET, _unclosed_row)), "items.xlsx"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "classeur XLSX illisible" in response.get_data(as_text=True)


def test_an_excel_97_or_password_protected_workbook_is_named_as_such():
    """Both are OLE2 compound files, not zip archives: « archive zip illisible : ce n'est pas
    une archive zip » left the author, who had sent no zip, without a way forward."""
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024)
    result = parse_xlsx(data, "items.xls", TODAY)
    assert [(e.location, e.message) for e in result.report.errors] == [
        (
            "items.xls",
            "classeur au format Excel 97-2003 (.xls) ou protégé par un mot de passe : ouvrez-le "
            "dans Excel et enregistrez-le au format « Classeur Excel (*.xlsx) », sans mot de "
            "passe, puis importez ce fichier.",
        )
    ]


def test_an_opendocument_spreadsheet_is_named_as_such():
    """LibreOffice's own format (.ods) read « classeur XLSX illisible : il est endommagé … »."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<document-content/>")
    result = parse_xlsx(buffer.getvalue(), "items.ods", TODAY)
    assert [(e.location, e.message) for e in result.report.errors] == [
        (
            "items.ods",
            "classeur au format OpenDocument (.ods, LibreOffice) : enregistrez-le au format "
            "« Excel 2007-365 (.xlsx) » (Fichier > Enregistrer sous), ou en CSV, puis importez "
            "ce fichier.",
        )
    ]
