"""Each area imports on its own, whatever is imported first (a CLI, a worker, a script).

The application factory imports every area in one order, which hides an import cycle that only
shows when another module comes first. One interpreter imports each entry point in turn, after
forgetting every `questionnaire` module, so each import starts from nothing.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import questionnaire

ENTRY_POINTS = ("models", "services")

SCRIPT = """
import importlib, json, sys
failures = {}
for name in json.loads(sys.argv[1]):
    for loaded in [m for m in sys.modules if m.split(".")[0] == "questionnaire"]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:
        failures[name] = f"{type(exc).__name__}: {exc}"
print(json.dumps(failures))
"""


def entry_points() -> list[str]:
    names = []
    for module in pkgutil.iter_modules(questionnaire.__path__, "questionnaire."):
        if module.ispkg:
            names.append(module.name)
            inner = pkgutil.iter_modules([f"{questionnaire.__path__[0]}/{module.name[14:]}"])
            names += [f"{module.name}.{m.name}" for m in inner if m.name in ENTRY_POINTS]
    return sorted(names)


def test_every_area_imports_alone():
    names = entry_points()
    assert "questionnaire.incidents.services" in names and len(names) > 30
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(names)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {}
