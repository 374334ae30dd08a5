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
TOTALLY_CONFORMANT = "totalement conforme"


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
    #: Share (0–100) of the RGAA criteria met according to a full audit against the RGAA grid,
    #: carried out by people and recorded in the file; None while only the automated audit exists.
    rgaa_rate: float | None = None

    @property
    def violation_count(self) -> int:
        return sum(len(page.violations) for page in self.pages)

    @property
    def conformity(self) -> str:
        """The state the RGAA allows: without a full audit's rate, « non conforme ».

        An automated audit covers only the criteria a tool can check; the RGAA bases the state
        on the rate of a full audit (100 %: totally, at least 50 %: partially conformant).
        """
        if self.violation_count or self.rgaa_rate is None:
            return NOT_CONFORMANT
        if self.rgaa_rate >= 100:
            return TOTALLY_CONFORMANT
        return PARTIALLY_CONFORMANT if self.rgaa_rate >= 50 else NOT_CONFORMANT


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
            rgaa_rate=_rate(data.get("rgaa_compliance_rate")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _rate(value: object) -> float | None:
    if value is None:
        return None
    rate = float(value)  # a malformed rate makes the whole file unreadable: no audit
    if not 0 <= rate <= 100:
        raise ValueError(f"rgaa_compliance_rate {rate} hors de 0–100")
    return rate


def conformity(audit: AuditSummary | None) -> str:
    """The RGAA state of conformity: without an audit, "non conforme"."""
    return audit.conformity if audit is not None else NOT_CONFORMANT
