"""The latest automated accessibility audit: what the declaration and the footer state.

The end-to-end audit (``tests/e2e``) writes ``docs/accessibility-audit.json``: date, tool,
rules checked and violations per page. The declaration page and the footer read it here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

AUDIT_PATH = Path(__file__).resolve().parents[2] / "docs" / "accessibility-audit.json"

NOT_CONFORMANT = "non conforme"
PARTIALLY_CONFORMANT = "partiellement conforme"


@dataclass(frozen=True)
class PageResult:
    name: str
    path: str
    violations: tuple[dict, ...]


@dataclass(frozen=True)
class AuditSummary:
    """What the declaration states about the latest audit."""

    audited_on: date
    tool: str
    standard: str
    rules_checked: tuple[str, ...]
    pages: tuple[PageResult, ...]

    @property
    def violation_count(self) -> int:
        return sum(len(page.violations) for page in self.pages)

    @property
    def conformity(self) -> str:
        """Never "totally conformant": an automated audit cannot check every RGAA criterion."""
        return NOT_CONFORMANT if self.violation_count else PARTIALLY_CONFORMANT


def read_audit(path: Path | None = None) -> AuditSummary | None:
    """The audit's results, or None when no audit was recorded or the file is unreadable."""
    path = path or AUDIT_PATH
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return None
    return _parse(path, mtime)


@lru_cache(maxsize=4)
def _parse(path: Path, mtime: int) -> AuditSummary | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return AuditSummary(
            audited_on=date.fromisoformat(data["date"]),
            tool=str(data["tool"]),
            standard=str(data["standard"]),
            rules_checked=tuple(data["rules_checked"]),
            pages=tuple(
                PageResult(str(p["name"]), str(p["path"]), tuple(p["violations"]))
                for p in data["pages"]
            ),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def conformity(audit: AuditSummary | None) -> str:
    """The RGAA state of conformity: without an audit, "non conforme"."""
    return audit.conformity if audit is not None else NOT_CONFORMANT
