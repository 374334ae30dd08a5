"""CSV helpers: records with their line, and text kept from running as a spreadsheet formula."""

from __future__ import annotations

import csv
from collections.abc import Iterator


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
