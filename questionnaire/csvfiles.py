"""CSV helpers: records with their line, and text kept from running as a spreadsheet formula."""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator

#: Said when a file was read as Windows-1252 (what Excel's « CSV (séparateur : point-virgule) »
#: writes on a French Windows).
READ_AS_CP1252 = "fichier lu en Windows-1252 (il n'est pas en UTF-8) : vérifiez les accents."


class UndecodableFile(ValueError):
    """The bytes are neither UTF-8, nor UTF-16 with its byte-order mark, nor Windows-1252."""


def decode_spreadsheet_text(data: bytes) -> tuple[str, str | None]:
    """The text of an uploaded file and, when it was not UTF-8, a warning to show.

    UTF-8 (a byte-order mark is accepted), else Windows-1252 as spreadsheets save it; a UTF-16
    byte-order mark (Excel's « Texte Unicode ») is read as UTF-16. A UTF-8 file with one stray
    byte (a Windows apostrophe pasted in) is refused: read as Windows-1252, each of its accents
    would become two letters (« rÃ©ponse », « HÃ©lÃ¨ne »).
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
    if _UTF8_SEQUENCE.search(data):
        raise UndecodableFile(_stray_byte(data, position))
    try:
        return data.decode("cp1252"), READ_AS_CP1252
    except UnicodeDecodeError as exc:
        raise UndecodableFile(
            f"le fichier n'est ni en UTF-8 ni en Windows-1252 (octet {position})."
        ) from exc


# a UTF-8 sequence of two to four bytes (« é » is C3 A9), which Windows-1252 text hardly has
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _stray_byte(data: bytes, position: int) -> str:
    line = data.count(b"\n", 0, position) + 1
    start = data.rfind(b"\n", 0, position) + 1
    column = len(data[start:position].decode("utf-8", "replace")) + 1  # in characters
    return (
        "fichier en UTF-8 (ses accents le montrent) contenant un octet qui n'est pas de "
        f"l'UTF-8 : ligne {line}, colonne {column} (octet 0x{data[position]:02X}, souvent une "
        "apostrophe ou un guillemet collé depuis Windows). Lu en Windows-1252, chaque accent "
        "du fichier deviendrait deux caractères (« Ã© ») : corrigez ce caractère, puis "
        "enregistrez le fichier en UTF-8."
    )


def records_with_lines(reader: csv.reader) -> Iterator[tuple[int, list[str]]]:
    """``(line, cells)`` for each record still to read, lines numbered from 1 as in the file."""
    start = reader.line_num + 1
    for cells in reader:
        yield start, cells
        start = reader.line_num + 1


#: A cell starting with one of these runs as a formula in a spreadsheet (formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _marked(text: str) -> bool:
    """Whether the text, its leading apostrophes aside, starts as a formula."""
    return text.lstrip("'").startswith(FORMULA_PREFIXES)


def neutralise_formula(text: str) -> str:
    """« =SOMME(…) » → « '=SOMME(…) »: the spreadsheet shows the text instead of running it.

    A text already starting with apostrophes before such a sign (« '=A1 » typed by an author)
    gets one more, so that :func:`restore_formula` gives it back whole."""
    return "'" + text if _marked(text) else text


def restore_formula(text: str) -> str:
    """The inverse of :func:`neutralise_formula`, for a file this platform wrote and reads back."""
    return text[1:] if text.startswith("'") and _marked(text[1:]) else text
