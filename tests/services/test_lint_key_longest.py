"""Bank rule ``key-longest``: the key is the longest option in too many single-answer items.

``key-too-long`` sees one item at a time, and only a key half as long again as the distractors;
a bank whose key is merely the longest option in item after item teaches a test-wise candidate
to pick the longest one. The shipped banks had the cue (rgpd: 32 of 89 items) unnoticed.
"""

from __future__ import annotations

from datetime import date

import yaml

from questionnaire.banks.findings import RULE_LABELS, Severity
from questionnaire.banks.lint import lint_bank
from questionnaire.banks.validation import parse_bank_text
from tests.conftest import bank_yaml

TODAY = date(2026, 3, 2)


def findings_with_longest_keys(count: int) -> list:
    """Lint a bank of 12 single-answer items whose key is strictly the longest in ``count``."""
    data = yaml.safe_load(bank_yaml(topics={"alpha": 6, "beta": 6}))
    for item in data["items"][:count]:
        key = next(option for option in item["options"] if option.get("correct"))
        key["text"] += " (développée)"
    bank, problems = parse_bank_text(yaml.safe_dump(data, allow_unicode=True), "fiscalite.yaml")
    assert bank is not None and not problems
    return [f for f in lint_bank(bank, TODAY) if f.rule == "key-longest"]


def test_a_bank_whose_key_is_the_longest_option_too_often_is_warned():
    (finding,) = findings_with_longest_keys(4)  # 4 of 12: a third, over 30 %
    assert finding.severity is Severity.WARNING and finding.item_id is None
    assert (
        "4 des 12 items" in finding.message and "(33\u00a0%, maximum 30\u00a0%)" in finding.message
    )
    assert "TST-0001" in finding.message and "TST-0004" in finding.message
    assert "key-longest" in RULE_LABELS


def test_a_key_longest_at_chance_level_is_not_warned():
    assert findings_with_longest_keys(3) == []  # 3 of 12: a quarter, chance with four options
