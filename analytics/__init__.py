"""Psychometric analytics of exam responses: classical item and test statistics, distractors,
DIF, item drift, simulation, and (lazily imported) IRT calibration. Pure numpy / pandas / scipy.

Input: a long table, one row per presented item (see ``docs/analytics-cli.md``).
"""

from __future__ import annotations

import importlib
from typing import Any

from analytics.classical import FlagThresholds, item_stats
from analytics.dif import MantelHaenszel, ets_class, mantel_haenszel, mh_dif
from analytics.distractors import distractor_analysis
from analytics.drift import item_drift
from analytics.io import (
    AnalyticsInputError,
    ResponseData,
    prepare,
    read_responses,
    select_rows,
    validate_responses,
)
from analytics.reliability import TestStats, feldt_ci, test_stats
from analytics.simulate import Simulation, simulate_responses

_LAZY = {"calibrate", "person_abilities", "IrtResult"}

__all__ = [
    "AnalyticsInputError",
    "FlagThresholds",
    "IrtResult",
    "MantelHaenszel",
    "ResponseData",
    "Simulation",
    "TestStats",
    "calibrate",
    "distractor_analysis",
    "ets_class",
    "feldt_ci",
    "item_drift",
    "item_stats",
    "mantel_haenszel",
    "mh_dif",
    "person_abilities",
    "prepare",
    "read_responses",
    "select_rows",
    "simulate_responses",
    "test_stats",
    "validate_responses",
]


def __getattr__(name: str) -> Any:
    """Import the IRT module only when one of its names is used."""
    if name in _LAZY:
        return getattr(importlib.import_module("analytics.irt"), name)
    raise AttributeError(f"module 'analytics' has no attribute {name!r}")
