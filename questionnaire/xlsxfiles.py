"""XLSX helpers: sheet names Excel accepts, text that stays text, readable headers and widths,
and reproducible bytes (the same data at the same moment gives the same file)."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

#: Excel refuses a sheet name longer than this (counted in UTF-16 units, as Excel counts them).
SHEET_NAME_LIMIT = 31
#: Characters Excel refuses in a sheet name, and what stands for them.
_SHEET_REPLACEMENTS = str.maketrans({"[": "(", "]": ")", ":": "-", "/": "-", "\\": "-"})
_SHEET_DROPPED = re.compile(r"[*?]")
#: Excel keeps « Historique » for its change-tracking sheet.
RESERVED_SHEET_NAMES = frozenset({"historique"})
#: Column widths (in characters) of a data sheet: wide enough to read, narrow enough to scan.
MIN_WIDTH, MAX_WIDTH = 8, 60


def _units(text: str) -> int:
    """Length as Excel counts it: a character outside the BMP (an emoji) counts twice."""
    return len(text.encode("utf-16-le")) // 2


def _trimmed(text: str) -> str:
    """Without spaces or apostrophes at either end (Excel refuses a name that starts or ends
    with an apostrophe)."""
    return text.strip(" '")


def _fitted(text: str, limit: int) -> str:
    """``text`` within ``limit`` units, shortened with « … » when it is longer."""
    if _units(text) <= limit:
        return text
    while text and _units(text) > limit - 1:
        text = text[:-1]
    return _trimmed(text) + "…"


def _cleaned(label: str) -> str:
    """A label as a sheet name may hold it: no control character, none of ``[]:*?/\\``."""
    text = "".join(" " if unicodedata.category(c).startswith("C") else c for c in label)
    text = _SHEET_DROPPED.sub(" ", text.translate(_SHEET_REPLACEMENTS))
    return _trimmed(" ".join(text.split()))


class SheetNames:
    """The names of one workbook's sheets: valid for Excel and LibreOffice, each used once.

    Excel compares names without regard to case (« Items » and « items » clash); a repeated
    name gets « (2) », « (3) »…, shortened so that the whole stays within 31 characters.
    """

    def __init__(self) -> None:
        self._taken: set[str] = set(RESERVED_SHEET_NAMES)

    def add(self, label: str) -> str:
        """A free, valid sheet name for ``label`` (now taken)."""
        base = _trimmed(_fitted(_cleaned(label), SHEET_NAME_LIMIT)) or "Feuille"
        name, number = base, 1
        while name.casefold() in self._taken:
            number += 1
            suffix = f" ({number})"
            name = _trimmed(_fitted(base, SHEET_NAME_LIMIT - len(suffix))) + suffix
        self._taken.add(name.casefold())
        return name


def _storable(value: object) -> object:
    """A string without the control characters a worksheet cannot hold (openpyxl refuses
    them): an analysis group or a note stored with one made the whole export fail."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def append_text_row(sheet: Worksheet, values: Iterable[object]) -> None:
    """Add a row whose strings stay text: openpyxl reads « =… » as a formula, « #N/A » as an error.

    A display name or a jury's reason is typed by a user; as a live formula it would run in
    the reader's spreadsheet (formula injection).
    """
    sheet.append([_storable(value) for value in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def style_header(sheet: Worksheet) -> None:
    """First row in bold, long headings wrapped, kept in view when scrolling."""
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def column_width(label: str, shown: Iterable[str]) -> float:
    """Width of a column from its heading (wrapped between words) and its values as shown."""
    longest_word = max((len(word) for word in label.split()), default=0)
    heading = max(longest_word, min(len(label), 20))
    content = max((len(text) for text in shown), default=0)
    return max(MIN_WIDTH, min(max(heading, content) + 2, MAX_WIDTH))


def set_column_width(sheet: Worksheet, index: int, label: str, shown: Iterable[str]) -> None:
    """Width of the ``index``-th column (from 1), see :func:`column_width`."""
    sheet.column_dimensions[get_column_letter(index)].width = column_width(label, shown)


#: Fixed time of every archive member (an XLSX is a ZIP archive; so is the reports' CSV export).
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
#: The author written in a workbook's properties (openpyxl would write its own name).
CREATOR = "Questionnaires thématiques"


def zip_member(name: str) -> zipfile.ZipInfo:
    """An archive member with a fixed time and deflate compression (reproducible bytes)."""
    info = zipfile.ZipInfo(name, ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def reproducible_bytes(workbook: Workbook, title: str, moment: datetime) -> bytes:
    """The workbook saved with ``moment`` (the injected clock's) as its creation and modification
    dates and fixed member times: the same data at the same moment gives the same bytes."""
    stamp = moment.astimezone(UTC).replace(tzinfo=None)
    workbook.properties.creator = CREATOR
    workbook.properties.title = title
    workbook.properties.created = workbook.properties.modified = stamp
    saved = io.BytesIO()
    # ExcelWriter rather than Workbook.save, which stamps `modified` with the current time
    ExcelWriter(workbook, zipfile.ZipFile(saved, "w", zipfile.ZIP_DEFLATED)).save()
    output = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(output, "w") as archive:
        for info in source.infolist():
            archive.writestr(zip_member(info.filename), source.read(info))
    return output.getvalue()
