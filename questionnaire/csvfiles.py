"""CSV helpers: records with their line, and text kept from running as a spreadsheet formula."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator

#: Said when a file was read as Windows-1252 (what Excel's « CSV (séparateur : point-virgule) »
#: writes on a French Windows).
READ_AS_CP1252 = "fichier lu en Windows-1252 (il n'est pas en UTF-8) : vérifiez les accents."


class UndecodableFile(ValueError):
    """The bytes are neither UTF-8, nor UTF-16 with its byte-order mark, nor Windows-1252."""


def decode_spreadsheet_text(data: bytes) -> tuple[str, str | None]:
    """The text of an uploaded file and, when it was not UTF-8, a warning to show.

    UTF-8 (a byte-order mark is accepted), else Windows-1252 as spreadsheets save it; a UTF-16
    byte-order mark (Excel's « Texte Unicode ») is read as UTF-16.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError as exc:
            raise UndecodableFile(
                f"le fichier commence comme de l'UTF-16 mais n'en est pas (octet {exc.start})."
            ) from exc
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        position = exc.start
    try:
        return data.decode("cp1252"), READ_AS_CP1252
    except UnicodeDecodeError as exc:
        raise UndecodableFile(
            f"le fichier n'est ni en UTF-8 ni en Windows-1252 (octet {position})."
        ) from exc


def records_with_lines(reader: csv.reader) -> Iterator[tuple[int, list[str]]]:
    """``(line, cells)`` for each record still to read, lines numbered from 1 as in the file."""
    start = reader.line_num + 1
    for cells in reader:
        yield start, cells
        start = reader.line_num + 1


#: A cell starting with one of these runs as a formula in a spreadsheet (formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """« =SOMME(…) » → « '=SOMME(…) »: the spreadsheet shows the text instead of running it."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def restore_formula(text: str) -> str:
    """The inverse of :func:`neutralise_formula`, for a file this platform wrote and reads back."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES) else text
