"""Cues that give away the key across a shipped bank: the key should not be the longest option.

Item writers tend to make the right answer the most complete, hence the longest, option; a
candidate who learns that picks the longest option and scores without knowing the subject. The
lint's ``key-too-long`` sees one item at a time (and only a key 1.5 times the distractors); this
looks at the whole bank, as a committee does. With four options, a key that is the longest in a
quarter of the items is chance; the tolerance is 30 %.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

BANKS = Path(__file__).resolve().parents[2] / "question_banks"
LONGEST_KEY_TOLERANCE = 0.30


def key_is_strictly_longest(item: dict) -> bool:
    """Whether the single key is longer than every distractor (a tie is no cue)."""
    key = next(o for o in item["options"] if o.get("correct"))
    return all(len(key["text"]) > len(o["text"]) for o in item["options"] if o is not key)


def test_key_is_strictly_longest_counts_only_a_strict_lead():
    item = {"options": [{"text": "abcd", "correct": True}, {"text": "abc"}, {"text": "ab"}]}
    assert key_is_strictly_longest(item)
    item["options"][1]["text"] = "wxyz"
    assert not key_is_strictly_longest(item)


@pytest.mark.parametrize("theme", ["fiscalite", "risques", "reglementation", "rgpd"])
def test_the_key_is_not_the_longest_option_too_often(theme):
    items = yaml.safe_load((BANKS / f"{theme}.yaml").read_text(encoding="utf-8"))["items"]
    single = [item for item in items if item["type"] == "single"]
    longest = [item["id"] for item in single if key_is_strictly_longest(item)]
    assert len(longest) / len(single) <= LONGEST_KEY_TOLERANCE, (len(longest), len(single))


@pytest.mark.parametrize("theme", ["fiscalite", "risques", "reglementation", "rgpd"])
def test_multiple_answer_items_do_not_all_have_the_same_number_of_keys(theme):
    """« Three boxes to tick » in every multiple-answer item is a rule a candidate learns."""
    items = yaml.safe_load((BANKS / f"{theme}.yaml").read_text(encoding="utf-8"))["items"]
    counts = [
        sum(bool(option.get("correct")) for option in item["options"])
        for item in items
        if item["type"] == "multiple"
    ]
    assert len(counts) >= 5, counts
    assert len(set(counts)) > 1, counts
