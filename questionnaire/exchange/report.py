"""What a parser hands to the import service: items with their location, and a report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from questionnaire.banks.validation import ParsedItem, ParsedTopic


@dataclass(frozen=True)
class Entry:
    """One line of an import report: where (line, row, file/identifier) and what."""

    location: str
    message: str

    def format(self) -> str:
        return f"{self.location} : {self.message}"


@dataclass
class ImportReport:
    """The outcome of importing one file; any error means nothing was written."""

    source: str
    imported: list[Entry] = field(default_factory=list)
    unchanged: list[Entry] = field(default_factory=list)
    skipped: list[Entry] = field(default_factory=list)
    errors: list[Entry] = field(default_factory=list)
    warnings: list[Entry] = field(default_factory=list)
    defaults: Counter[str] = field(default_factory=Counter)

    def error(self, location: str, message: str) -> None:
        self.errors.append(Entry(location, message))

    def skip(self, location: str, message: str) -> None:
        self.skipped.append(Entry(location, message))

    def warn(self, location: str, message: str) -> None:
        self.warnings.append(Entry(location, message))

    @property
    def is_rejected(self) -> bool:
        return bool(self.errors)

    def default_notes(self) -> list[str]:
        """One line per metadata field that received its documented default value."""
        return [
            f"« {name} » absent pour {count} item(s) : valeur par défaut appliquée."
            for name, count in sorted(self.defaults.items())
        ]


@dataclass
class SourceItem:
    """An item read from a file; ``topic`` and ``competency`` are empty when the file has none."""

    location: str
    item: ParsedItem
    category: str | None = None


@dataclass
class ParseResult:
    """A parser's answer: the items it could read and the report so far.

    ``form_items`` and ``topics``: the file's own blueprint (a YAML header), never applied.
    """

    items: list[SourceItem]
    report: ImportReport
    theme: str | None = None
    form_items: int | None = None
    topics: list[ParsedTopic] = field(default_factory=list)


class ImportRejected(Exception):
    """The file was not imported; the report says why and where."""

    def __init__(self, report: ImportReport):
        super().__init__(f"{len(report.errors)} erreur(s) dans {report.source}")
        self.report = report
