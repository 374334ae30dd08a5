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
from questionnaire.banks.lint import competency_codes
from questionnaire.banks.services import validate_banks
from questionnaire.certification.loader import DATA_PATH
from questionnaire.certification.parsing import validate_referentials

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


def test_bank_competencies_are_those_the_referentials_test_by_its_questionnaire():
    """The editor and the lint accept a theme's ``competencies``: they are the referential's."""
    certifications, problems = validate_referentials(DATA_PATH)
    assert problems == []
    by_theme: dict[str, set[str]] = {}
    for certification in certifications:
        for block in certification.blocks:
            for competency in block.competencies:
                for modality in competency.modalities:
                    if modality.theme:
                        by_theme.setdefault(modality.theme, set()).add(competency.code)
    for theme in THEMES:
        header = load(theme)["competencies"]
        assert set(header) == by_theme[theme], theme
        expected = THEMES[theme] if isinstance(THEMES[theme], tuple) else (THEMES[theme],)
        assert tuple(competency_codes(header)) == expected
