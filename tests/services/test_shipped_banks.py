"""The shipped banks: they validate, load, and meet the counts and proportions of the item committee.

Every figure is recomputed here from the YAML files themselves.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml

from questionnaire.banks.findings import Severity
from questionnaire.banks.services import validate_banks

BANKS = Path(__file__).resolve().parents[2] / "question_banks"
THEMES = {"fiscalite": "C9", "risques": ("C19", "C20"), "reglementation": "C21", "rgpd": "C22"}
VALIDATION_DAY = date(2026, 11, 22)


def load(theme: str) -> dict:
    path = BANKS / f"{theme}.yaml"
    if not path.exists():
        pytest.fail(f"missing bank {path}")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_shipped_banks_validate_without_error():
    _banks, findings = validate_banks(BANKS, VALIDATION_DAY)
    errors = [f.format() for f in findings if f.severity is Severity.ERROR]
    assert errors == []


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_bank_meets_the_committee_rules(theme):
    bank = load(theme)
    items = bank["items"]
    assert bank["theme"] == theme
    assert len(items) >= 60
    blueprint = bank["blueprint"]
    assert blueprint["form_items"] == 20 and blueprint["duration_minutes"] == 30
    per_topic = Counter(item["topic"] for item in items)
    for slug, spec in blueprint["topics"].items():
        assert per_topic[slug] >= 3 * spec["draw"], (theme, slug, per_topic[slug], spec["draw"])
    single = sum(item["type"] == "single" for item in items)
    assert single / len(items) >= 0.80
    higher = sum(item["cognitive_level"] in ("application", "analyse") for item in items)
    assert higher / len(items) >= 0.30
    expected = THEMES[theme]
    assert all(
        item["competency"] in (expected if isinstance(expected, tuple) else (expected,))
        for item in items
    )
    for item in items:
        assert 3 <= len(item["options"]) <= 5, item["id"]
        n_correct = sum(bool(option.get("correct")) for option in item["options"])
        assert n_correct == 1 if item["type"] == "single" else n_correct >= 2, item["id"]
        for field in ("rationale", "reference", "valid_as_of", "volatility", "difficulty"):
            assert item.get(field), (item["id"], field)
    positions = Counter(o["key"] for item in items for o in item["options"] if o.get("correct"))
    assert max(positions.values()) / sum(positions.values()) <= 0.40


def test_ids_are_stable_and_unique_across_banks():
    ids = [item["id"] for theme in THEMES for item in load(theme)["items"]]
    assert len(ids) == len(set(ids))
