"""CSV records with the line of the file where each starts (a quoted cell may hold a newline)."""

from __future__ import annotations

import csv
from collections.abc import Iterator


def records_with_lines(reader: csv.reader) -> Iterator[tuple[int, list[str]]]:
    """``(line, cells)`` for each record still to read, lines numbered from 1 as in the file."""
    start = reader.line_num + 1
    for cells in reader:
        yield start, cells
        start = reader.line_num + 1
