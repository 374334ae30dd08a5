"""The dependency audit's fallback (.ci/pypi_advisories.py): only a package pinned at its latest
release counts as audited, a known advisory fails the step, the others are named, never clean."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / ".ci" / "pypi_advisories.py"


@pytest.fixture(scope="module")
def advisories():
    spec = importlib.util.spec_from_file_location("pypi_advisories", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


PROJECTS = {
    "flask": {"info": {"version": "3.1.3"}, "vulnerabilities": []},
    "ecdsa": {"info": {"version": "0.19.2"}, "vulnerabilities": [{"id": "GHSA-wj6h-64fc-37mp"}]},
    "numpy": {
        "info": {"version": "2.5.5", "requires_python": ">=3.99"},
        "vulnerabilities": [{"id": "PYSEC-1"}],
    },
    "scipy": {"info": {"version": "1.18.1", "requires_python": ">=3.0"}, "vulnerabilities": []},
}


def fetch(name: str) -> dict:
    if name not in PROJECTS:
        raise OSError("HTTP Error 404: Not Found")
    return PROJECTS[name]


def test_a_freeze_gives_its_pins(advisories):
    lines = ["flask==3.1.3", "# a comment", "-e file:///work/main", "numpy == 2.4.6  # pinned", ""]
    assert advisories.pins(lines) == [("flask", "3.1.3"), ("numpy", "2.4.6")]


def test_only_latest_releases_are_audited_and_an_advisory_fails(advisories):
    pinned = [("flask", "3.1.3"), ("ecdsa", "0.19.2"), ("numpy", "2.4.6"), ("gone", "1.0")]
    findings = advisories.audit(pinned, fetch=fetch)
    assert [(f.name, f.audited, f.advisories) for f in findings] == [
        ("flask", True, ()),
        ("ecdsa", True, ("GHSA-wj6h-64fc-37mp",)),
        # the latest release's advisory says nothing of the pinned older one
        ("numpy", False, ()),
        ("gone", False, ()),
    ]
    lines, status = advisories.report(findings, required=False)
    assert status == 1
    assert lines[0].startswith("PyPI advisories: 2 of 4 pinned packages audited")
    assert "  VULNERABLE ecdsa==0.19.2: GHSA-wj6h-64fc-37mp" in lines
    python = ".".join(str(part) for part in sys.version_info[:3])
    # the latest release cannot be installed on this Python: the reason is given, still unaudited
    assert (
        f"  NOT AUDITED numpy==2.4.6: older than the latest 2.5.5, which needs Python >=3.99 "
        f"(this is {python})" in lines
    )
    assert any(line.startswith("  NOT AUDITED gone==1.0: PyPI not reachable") for line in lines)


def test_unaudited_packages_fail_only_when_the_audit_is_required(advisories):
    findings = advisories.audit([("flask", "3.1.3"), ("numpy", "2.4.6")], fetch=fetch)
    assert advisories.report(findings, required=False)[1] == 0
    assert advisories.report(findings, required=True)[1] == 1


def test_a_latest_release_this_python_could_install_gives_no_python_reason(advisories):
    findings = advisories.audit([("scipy", "1.17.1")], fetch=fetch)
    lines, _status = advisories.report(findings, required=False)
    assert "  NOT AUDITED scipy==1.17.1: older than the latest 1.18.1" in lines
