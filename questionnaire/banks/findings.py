"""Findings reported by the bank validator and the item-writing linter."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.StrEnum):
    ERROR = "erreur"
    WARNING = "avertissement"


@dataclass(frozen=True)
class Finding:
    """One problem: where it is (file, item) and what is wrong (rule, message)."""

    file: str
    item_id: str | None
    rule: str
    severity: Severity
    message: str

    def format(self) -> str:
        where = f"{self.file}: {self.item_id}" if self.item_id else self.file
        return f"{where}: [{self.severity}] {self.rule}: {self.message}"


def has_errors(findings: list[Finding]) -> bool:
    return any(finding.severity is Severity.ERROR for finding in findings)
