"""CSV for bulk authoring, and the columns and rows CSV and XLSX share (docs/exchange-formats.md)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date, datetime

from questionnaire.banks.fields import id_problem
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
from questionnaire.exchange.safety import check_size
from questionnaire.parse_errors import csv_error
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
# between the letters of the ``correct`` cell: « A,C », « A;C », « A C », « A / C », « A+C »
_CORRECT_SEPARATORS = re.compile(r"[\s,;/+.]+")
_SEPARATOR_LINE = re.compile(r'^"?sep=([,;\t|])"?$', re.IGNORECASE)


def cell_text(value: object) -> str:
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


def rows_to_items(
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
            for index, text in enumerate(cell_text(value).strip() for value in values)
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
        row.update(
            (name, cell_text(value).strip()) for name, value in zip(names, values, strict=False)
        )
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
    return ParseResult(rows_to_items(header, records, report, today, header_location), report)


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


def table_rows(bank: ParsedBank) -> list[list[str]]:
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
    csv.writer(buffer).writerows([neutralise_formula(c) for c in row] for row in table_rows(bank))
    return buffer.getvalue().encode("utf-8-sig")
