"""CSV and XLSX for bulk authoring: one item per row, columns documented in docs/exchange-formats.md."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import openpyxl

from questionnaire.banks.fields import id_problem, without_controls
from questionnaire.banks.models import ItemType
from questionnaire.banks.validation import OPTION_KEYS, ParsedBank
from questionnaire.csvfiles import neutralise_formula, records_with_lines, restore_formula
from questionnaire.exchange.items import (
    OPTION_LETTERS,
    build_item,
    decode_text,
    read_metadata,
    usable_id,
)
from questionnaire.exchange.report import ImportReport, ParseResult, SourceItem
from questionnaire.exchange.safety import SafeZip, UnsafeArchive, check_size
from questionnaire.parse_errors import csv_error, technical_detail
from questionnaire.richtext import editable

# option_a … option_j are read (as many options as any import takes); an export writes the
# bank's option_a … option_e, and further columns only for a draft that has more options.
OPTION_COLUMNS = [f"option_{key.lower()}" for key in OPTION_LETTERS]
BANK_OPTION_COLUMNS = OPTION_COLUMNS[: len(OPTION_KEYS)]
_BEFORE_OPTIONS = ["id", "topic", "competency", "type", "stem"]
_AFTER_OPTIONS = [
    "correct",
    "rationale",
    "reference",
    "cognitive_level",
    "difficulty",
    "valid_as_of",
    "volatility",
]
COLUMNS = [*_BEFORE_OPTIONS, *OPTION_COLUMNS, *_AFTER_OPTIONS]
BANK_COLUMNS = [*_BEFORE_OPTIONS, *BANK_OPTION_COLUMNS, *_AFTER_OPTIONS]
REQUIRED_COLUMNS = ("stem", "option_a", "option_b", "correct")
SHEET_NAME = "items"
#: The start of an OLE2 compound file: Excel 97-2003 workbooks, and encrypted .xlsx ones.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: What an OpenDocument spreadsheet (LibreOffice's .ods, also a zip) says it is.
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
#: What an XLSX import reads of its sheet: 20 000 rows (header included) and columns A to BL.
MAX_SHEET_ROWS = 20_000
MAX_SHEET_COLUMNS = 64
#: Columns of free text, where a cell Excel turned into a number or a date must be checked.
TEXT_COLUMNS = frozenset({"stem", "rationale", "reference", *OPTION_COLUMNS})
_PERCENT_DECIMALS = re.compile(r"\.([0#]+)")
# between the letters of the ``correct`` cell: « A,C », « A;C », « A C », « A / C », « A+C »
_CORRECT_SEPARATORS = re.compile(r"[\s,;/+.]+")
_SEPARATOR_LINE = re.compile(r'^"?sep=([,;\t|])"?$', re.IGNORECASE)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):  # « vrai » typed in a French Excel, shown « VRAI »
        return "Vrai" if value else "Faux"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _percent(value: float, number_format: str) -> str:
    """A cell Excel shows as a percentage, written as the banks write it: 0.128 → « 12,8 % »."""
    section = number_format.split(";", 1)[0]
    match = _PERCENT_DECIMALS.search(section)
    digits = len(match.group(1)) if match else 0
    shown = (Decimal(repr(float(value))) * 100).quantize(
        Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP
    )
    return f"{shown:f}".replace(".", ",") + " %"


def _sheet_value(cell) -> object:
    """A cell's value as the author saw it: typing « 30 % » in Excel stores 0.3, shown « 30 % »."""
    value = cell.value
    number_format = getattr(cell, "number_format", None) or ""
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and "%" in number_format.split(";", 1)[0]
    ):
        return _percent(value, number_format)
    return value


def _typed_cells(names: list[str], values: list, location: str, report: ImportReport) -> None:
    """Warn where Excel made a date, a boolean or a decimal of a text: its reading may differ."""
    for name, value in zip(names, values, strict=False):
        if name not in TEXT_COLUMNS:
            continue
        if isinstance(value, bool | date) or (isinstance(value, float) and not value.is_integer()):
            kind = {bool: "un booléen", float: "un nombre"}.get(type(value), "une date")
            report.warn(
                location,
                f"« {name} » : Excel a enregistré {kind}, lu « {_cell(value)} » ; vérifiez le "
                "texte (une apostrophe en tête de cellule le garde tel quel).",
            )


def _rows(
    header: list[str],
    rows: Iterable[tuple[str, list]],
    report: ImportReport,
    today: date,
    header_location: str = "ligne 1",
) -> list[SourceItem]:
    names = [name.strip().casefold() for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        report.error(
            header_location, f"colonne(s) obligatoire(s) absente(s) : {', '.join(missing)}."
        )
        return []
    # one of two columns of the same name would be read and the other dropped without a word
    # (two « correct » columns: the key of the last one)
    twice = sorted({name for name in names if name in COLUMNS and names.count(name) > 1})
    if twice:
        report.error(
            header_location,
            "colonne(s) présente(s) plusieurs fois dans l'en-tête : "
            + " ; ".join(
                f"« {name} » en colonnes {' et '.join(_column_letters(names, name))}"
                for name in twice
            )
            + ". Gardez-en une seule de chaque.",
        )
        return []
    unknown = [name for name in names if name and name not in COLUMNS]
    if unknown:
        report.warn(header_location, f"colonne(s) inconnue(s) ignorée(s) : {', '.join(unknown)}.")
    items: list[SourceItem] = []
    for location, values in rows:
        # a value past the header or under a blank name would be lost without a word
        stray = [
            text
            for index, text in enumerate(_cell(value).strip() for value in values)
            if text and (index >= len(names) or not names[index])
        ]
        if stray:
            report.error(
                location,
                f"valeur(s) hors des colonnes de l'en-tête : {', '.join(f'« {t} »' for t in stray)} "
                "(séparateur en trop ou colonne sans nom).",
            )
            continue
        # a row may stop before the last columns (a spreadsheet drops trailing empty cells)
        row = dict.fromkeys(names, "")
        row.update((name, _cell(value).strip()) for name, value in zip(names, values, strict=False))
        if not any(row.values()):
            continue
        item = _row_item(row, location, report, today)
        if item is not None:
            items.append(SourceItem(location, item))
    return items


def _column_letters(names: list[str], name: str) -> list[str]:
    """Where ``name`` stands in the header, as a spreadsheet names columns (A, B… AA)."""
    return [_letters(index) for index, n in enumerate(names, start=1) if n == name]


def _letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _row_item(row: dict[str, str], location: str, report: ImportReport, today: date):
    texts = [row.get(column, "") for column in OPTION_COLUMNS]
    while texts and not texts[-1]:
        texts.pop()
    if "" in texts:
        report.error(
            location,
            "options non contiguës : une colonne d'option est vide entre deux options remplies.",
        )
        return None
    letters = _correct_letters(row.get("correct", ""), len(texts), location, report)
    if letters is None:
        return None
    item_type = None
    if row.get("type"):
        try:
            item_type = ItemType(row["type"].casefold())
        except ValueError:
            report.error(
                location, f"« type » vaut « {row['type']} » ; valeurs admises : single, multiple."
            )
            return None
    # an id the author typed is never replaced unseen by a generated one
    problem = id_problem(row["id"]) if row.get("id") else None
    if problem is not None:
        report.error(location, problem)
        return None
    metadata = read_metadata(row, today, location, report)
    if metadata is None:
        return None
    return build_item(
        location=location,
        item_id=usable_id(row.get("id")),
        id_hint=row.get("id", ""),
        item_type=item_type,
        stem=row["stem"],
        options=[(text, OPTION_LETTERS[index] in letters) for index, text in enumerate(texts)],
        rationale=row.get("rationale", ""),
        metadata=metadata,
        report=report,
    )


def _correct_letters(
    value: str, n_options: int, location: str, report: ImportReport
) -> list[str] | None:
    """Letters of the ``correct`` cell (``B``, ``A,C``, ``A;C``, ``AC``); None, reported, if unclear.

    A cell like « 2 » or « Réponse B » is an error quoting it, not « no correct answer ».
    """
    tokens = [token for token in _CORRECT_SEPARATORS.split(value.strip().upper()) if token]
    letters = [char for token in tokens for char in token]
    if not all(char in OPTION_LETTERS for char in letters):
        hint = (
            " (une option se désigne par sa lettre, A pour option_a, pas par un numéro)"
            if any(char.isdigit() for char in value)
            else ""
        )
        report.error(
            location,
            f"« correct » vaut « {value.strip()} » : indiquez la lettre de chaque bonne réponse, "
            f"par exemple B, A,C ou AC{hint}.",
        )
        return None
    absent = [letter for letter in letters if letter not in OPTION_LETTERS[:n_options]]
    if absent:
        report.error(location, f"« correct » désigne une option absente : {', '.join(absent)}.")
        return None
    return letters


def parse_csv(data: bytes, source: str, today: date) -> ParseResult:
    """A CSV file (UTF-8, separator ``,``, ``;`` or tab) with a header row."""
    report = ImportReport(source)
    if not check_size(data, source, report):
        return ParseResult([], report)
    text = decode_text(data, source, report)
    if text is None:
        return ParseResult([], report)
    first_line, _, rest = text.partition("\n")
    # « sep=; »: the separator declared for Excel, which reads the line as such and hides it
    declared = _SEPARATOR_LINE.match(first_line.rstrip("\r"))
    if declared:
        first_line = rest.split("\n", 1)[0]
    # Excel writes « ; » in French settings, and a tab in its « Texte Unicode » (UTF-16)
    delimiter = declared.group(1) if declared else max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        if declared:
            next(reader)
        header = next(reader, None)
        if header is None:
            report.error(source, "fichier vide.")
            return ParseResult([], report)
        numbered = list(records_with_lines(reader))
    except csv.Error as exc:
        report.error(f"ligne {reader.line_num}", csv_error(exc))
        return ParseResult([], report)
    if numbered and _ends_in_open_quote(text, delimiter, numbered[-1][0]):
        start, end = numbered[-1][0], reader.line_num
        swallowed = (
            f" : les lignes {start} à {end} seraient lues comme une seule, une cellule prenant "
            "toute la fin du fichier (ses items perdus)"
            if end > start
            else ""
        )
        report.error(
            f"ligne {start}",
            f"guillemet ouvert et jamais fermé{swallowed} ; fermez le guillemet, et doublez un "
            'guillemet écrit dans un texte (« "" »).',
        )
        return ParseResult([], report)
    # a cell this platform's export kept from running as a formula reads as it was written
    records = [
        (f"ligne {line}", [restore_formula(value) for value in values]) for line, values in numbered
    ]
    header_location = f"ligne {2 if declared else 1}"
    return ParseResult(_rows(header, records, report, today, header_location), report)


def _ends_in_open_quote(text: str, delimiter: str, last_line: int) -> bool:
    """Whether the file ends inside a quoted cell, which the lenient reader closes unseen.

    Only the last record is read again, strictly: a quote opened there and never closed takes
    every following line into one cell (a stray quote earlier is not this reader's concern).
    """
    lines = io.StringIO(text, newline="").readlines()[last_line - 1 :]
    try:
        for _ in csv.reader(lines, delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def parse_xlsx(data: bytes, source: str, today: date) -> ParseResult:
    """An XLSX workbook: the sheet named ``items`` (or the first one), header on row 1."""
    report = ImportReport(source)
    if not check_size(data, source, report):
        return ParseResult([], report)
    if data.startswith(OLE2_MAGIC):  # an .xls, or an .xlsx Excel encrypted with a password
        report.error(
            source,
            "classeur au format Excel 97-2003 (.xls) ou protégé par un mot de passe : ouvrez-le "
            "dans Excel et enregistrez-le au format « Classeur Excel (*.xlsx) », sans mot de "
            "passe, puis importez ce fichier.",
        )
        return ParseResult([], report)
    try:
        archive = SafeZip(data)
        for name in archive.names:  # bounded reads: sizes declared in the archive may lie
            archive.read(name)
        if "mimetype" in archive.names and archive.read("mimetype").startswith(ODS_MIMETYPE):
            report.error(
                source,
                "classeur au format OpenDocument (.ods, LibreOffice) : enregistrez-le au format "
                "« Excel 2007-365 (.xlsx) » (Fichier > Enregistrer sous), ou en CSV, puis "
                "importez ce fichier.",
            )
            return ParseResult([], report)
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except UnsafeArchive as exc:
        report.error(source, str(exc))
        return ParseResult([], report)
    except Exception as exc:  # openpyxl raises many kinds of errors on a damaged workbook
        report.error(source, _damaged(exc))
        return ParseResult([], report)
    if not workbook.sheetnames:
        workbook.close()
        report.error(
            source, "classeur XLSX sans feuille : les items s'écrivent dans la feuille « items »."
        )
        return ParseResult([], report)
    try:
        # « Items », « ITEMS » as well: a sheet's name is typed by hand
        named = next(
            (name for name in workbook.sheetnames if name.strip().casefold() == SHEET_NAME), None
        )
        sheet = workbook[named] if named else workbook.worksheets[0]
        if named is None and len(workbook.sheetnames) > 1:
            others = ", ".join(f"« {name} »" for name in workbook.sheetnames[1:])
            report.warn(
                source,
                f"pas de feuille « {SHEET_NAME} » : la première feuille, « {sheet.title} », a été "
                f"lue (autres feuilles : {others}) ; nommez « {SHEET_NAME} » la feuille des "
                "questions.",
            )
        # the size a workbook declares (<dimension>) may be stale: read what the sheet holds,
        # within bounds (openpyxl pads every row up to the farthest cell it is told of)
        sheet.reset_dimensions()
        rows = sheet.iter_rows(max_col=MAX_SHEET_COLUMNS)
        header = [_cell(cell.value) for cell in next(rows, ())]
        if not any(name.strip() for name in header):
            report.error(source, "feuille vide.")
            return ParseResult([], report)
        names = [name.strip().casefold() for name in header]
        records = []
        padding = None
        for number, cells in enumerate(rows, start=2):
            if cells is padding:  # openpyxl fills a gap of rows with one same empty row
                continue
            padding = cells
            location = f"feuille « {sheet.title} », ligne {number}"
            if number > MAX_SHEET_ROWS:
                if _beyond_last_row(cells, location, report):
                    return ParseResult([], report)
                continue
            values = [_sheet_value(cell) for cell in cells]
            _typed_cells(names, values, location, report)
            records.append((location, values))
    except Exception as exc:  # read-only mode reads the sheet only now: damage shows here
        report.error(source, _damaged(exc))
        return ParseResult([], report)
    finally:
        workbook.close()
    header_location = f"feuille « {sheet.title} », ligne 1"
    return ParseResult(_rows(header, records, report, today, header_location), report)


def _damaged(exc: Exception) -> str:
    return (
        "classeur XLSX illisible : il est endommagé ou n'est pas un classeur Excel"
        + technical_detail(exc.__class__.__name__)
        + "."
    )


def _beyond_last_row(cells, location: str, report: ImportReport) -> bool:
    """Whether a row past the last one read holds a value (an error: it is never dropped)."""
    text = next((_cell(cell.value).strip() for cell in cells if _cell(cell.value).strip()), "")
    if text:
        report.error(
            location,
            f"valeur au-delà de la ligne {MAX_SHEET_ROWS}, la dernière lue : « {text[:60]} ». "
            f"Un import prend au plus {MAX_SHEET_ROWS - 1} items par feuille ; supprimez les "
            "lignes en trop, ou découpez le classeur.",
        )
    return bool(text)


def _table(bank: ParsedBank) -> list[list[str]]:
    width = max([len(BANK_OPTION_COLUMNS), *(len(item.options) for item in bank.items)])
    rows = [[*_BEFORE_OPTIONS, *OPTION_COLUMNS[:width], *_AFTER_OPTIONS]]
    for item in bank.items:
        texts = [editable(option.text) for option in item.options]
        rows.append(
            [
                item.id,
                item.topic,
                item.competency,
                item.type.value,
                editable(item.stem),
                *texts,
                *[""] * (width - len(texts)),
                ",".join(item.correct_keys),
                editable(item.rationale),
                item.reference,
                item.cognitive_level.value,
                item.difficulty.value,
                item.valid_as_of.isoformat(),
                item.volatility.value,
            ]
        )
    return rows


def write_csv(bank: ParsedBank) -> bytes:
    """UTF-8 with a byte-order mark (so that spreadsheet software reads the accents), ``,``-separated.

    A text that a spreadsheet would run as a formula (« =… », « @… », « -… ») is written with a
    leading apostrophe, which the CSV import removes: the file round-trips.
    """
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([neutralise_formula(c) for c in row] for row in _table(bank))
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(bank: ParsedBank) -> bytes:
    """One sheet ``items`` with the CSV columns; every cell is text, never a formula."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    for row_number, values in enumerate(_table(bank), start=1):
        for column, value in enumerate(values, start=1):
            # a control character (stored before imports removed them) would stop openpyxl
            cell = sheet.cell(row=row_number, column=column, value=without_controls(value))
            cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
