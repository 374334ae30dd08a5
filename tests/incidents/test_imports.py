"""The incidents modules import on their own, whatever was imported before (a command, a test)."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module", ["questionnaire.incidents.services", "questionnaire.incidents.models"]
)
def test_the_module_imports_first(module):
    finished = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, timeout=60
    )
    assert finished.returncode == 0, finished.stderr
