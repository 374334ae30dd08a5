"""axe-core in the page: run the WCAG 2.1 A/AA rules and keep the results for the declaration."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
REPORT_PATH = Path(__file__).resolve().parents[3] / "docs" / "accessibility-audit.json"

_RUN = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']
  });
  return result.violations.map(v => ({
    rule: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(' '))
  }));
}"""


@dataclass
class Audit:
    """The pages audited in one run, with their violations."""

    axe_version: str = ""
    rules_checked: list[str] = field(default_factory=list)
    pages: list[dict] = field(default_factory=list)

    def check(self, page, axe_source: str, name: str, path: str) -> None:
        """Inject axe-core into ``page`` (already loaded) and record its violations."""
        page.evaluate(axe_source)  # through DevTools: the page's CSP is left untouched
        if not self.axe_version:
            self.axe_version = page.evaluate("axe.version")
            self.rules_checked = page.evaluate(
                "tags => axe.getRules(tags).map(r => r.ruleId).sort()", WCAG_TAGS
            )
        violations = page.evaluate(_RUN, WCAG_TAGS)
        self.pages.append({"name": name, "path": path, "violations": violations})

    @property
    def violations(self) -> list[str]:
        """One line per violation, for an assertion message."""
        return [
            f"{p['name']}: {v['rule']} ({v['impact']}) {v['help']} — {', '.join(v['targets'])}"
            for p in self.pages
            for v in p["violations"]
        ]

    def write(self, path: Path = REPORT_PATH) -> None:
        """Write the results the accessibility declaration is generated from."""
        report = {
            "date": datetime.now(UTC).date().isoformat(),
            "tool": f"axe-core {self.axe_version}",
            "standard": "WCAG 2.1 niveaux A et AA",
            "tags": WCAG_TAGS,
            "rules_checked": self.rules_checked,
            "pages": self.pages,
        }
        # a full RGAA audit's rate is recorded by people: a new automated run keeps it
        try:
            previous = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            previous = {}
        if isinstance(previous, dict) and "rgaa_compliance_rate" in previous:
            report["rgaa_compliance_rate"] = previous["rgaa_compliance_rate"]
        path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
