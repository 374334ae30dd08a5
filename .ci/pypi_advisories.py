"""Known vulnerabilities of pinned packages, from PyPI's project JSON, where pip-audit cannot ask.

pip-audit asks PyPI for each pinned version (``/pypi/NAME/VERSION/json``). Behind a registry
mirror that address answers 404 while the project's own (``/pypi/NAME/json``) answers: it lists
the advisories (PYSEC, GHSA) affecting the project's **latest** release only. So a package
pinned at its latest release is audited for real; one pinned at an older release is reported as
not audited, never as clean.

Usage: ``python .ci/pypi_advisories.py FROZEN_REQUIREMENTS`` (``pip freeze`` lines). Exit status:
1 when an audited package has a known vulnerability, or (with ``PIP_AUDIT_REQUIRED=1``) when some
package could not be audited; 0 otherwise.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

PROJECT_URL = "https://pypi.org/pypi/{name}/json"
PYTHON = ".".join(str(part) for part in sys.version_info[:3])


@dataclass(frozen=True)
class Finding:
    name: str
    version: str
    #: The project's latest release, None when PyPI could not be asked.
    latest: str | None
    #: Advisory ids affecting ``version`` (audited packages only).
    advisories: tuple[str, ...] = ()
    error: str | None = None
    #: The latest release's ``Requires-Python`` when the running Python is outside it: the pin is
    #: then the newest release this Python can install, still not audited.
    latest_needs: str | None = None

    @property
    def audited(self) -> bool:
        return self.error is None and self.latest == self.version


def pins(lines: Iterable[str]) -> list[tuple[str, str]]:
    """``name==version`` lines of a freeze; comments, editables and URLs are not pins."""
    found = []
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if "==" in line and not line.startswith("-"):
            name, version = line.split("==", 1)
            found.append((name.strip(), version.strip()))
    return found


def fetch_project(name: str) -> dict:
    with urllib.request.urlopen(PROJECT_URL.format(name=name), timeout=30) as response:
        return json.load(response)


def _outside(info: dict, python: str = PYTHON) -> str | None:
    """The release's Requires-Python when `python` does not satisfy it, else None."""
    needs = info.get("requires_python")
    if not needs:
        return None
    try:
        from packaging.specifiers import InvalidSpecifier, SpecifierSet
    except ImportError:  # without packaging the reason is only not given
        return None
    try:
        return None if python in SpecifierSet(needs) else needs
    except InvalidSpecifier:
        return None


def check(name: str, version: str, fetch: Callable[[str], dict] = fetch_project) -> Finding:
    try:
        project = fetch(name)
        latest = project["info"]["version"]
    except Exception as exc:  # any failure leaves the package unaudited
        return Finding(name, version, None, error=str(exc))
    if latest != version:
        return Finding(name, version, latest, latest_needs=_outside(project["info"]))
    return Finding(
        name,
        version,
        latest,
        tuple(v.get("id", "?") for v in project.get("vulnerabilities") or ()),
    )


def audit(
    pinned: list[tuple[str, str]], fetch: Callable[[str], dict] = fetch_project
) -> list[Finding]:
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda pin: check(*pin, fetch=fetch), pinned))


def report(findings: list[Finding], required: bool) -> tuple[list[str], int]:
    """The lines to print and the exit status."""
    audited = [f for f in findings if f.audited]
    vulnerable = [f for f in audited if f.advisories]
    unaudited = [f for f in findings if not f.audited]
    lines = [
        f"PyPI advisories: {len(audited)} of {len(findings)} pinned packages audited "
        f"(pinned at their latest release), {len(vulnerable)} with a known vulnerability"
    ]
    lines += [f"  VULNERABLE {f.name}=={f.version}: {', '.join(f.advisories)}" for f in vulnerable]
    for f in unaudited:
        why = f"PyPI not reachable ({f.error})" if f.error else f"older than the latest {f.latest}"
        if f.latest_needs:
            why += f", which needs Python {f.latest_needs} (this is {PYTHON})"
        lines.append(f"  NOT AUDITED {f.name}=={f.version}: {why}")
    status = 1 if vulnerable or (required and unaudited) else 0
    return lines, status


def main(argv: list[str]) -> int:
    with open(argv[1], encoding="utf-8") as frozen:
        findings = audit(pins(frozen))
    lines, status = report(findings, os.environ.get("PIP_AUDIT_REQUIRED") == "1")
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
