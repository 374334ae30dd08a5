"""French typography of the shipped banks: no line may break before « ? » or inside « 11 600 € ».

A browser wraps at any ordinary space: with one before a question mark, a colon or a percent
sign, the candidate may read « ? » or « % » alone at the start of a line, and « 11 » at the end
of one with « 600 € » on the next. French typography puts a no-break space there; the banks use
the narrow one (U+202F), which the sanitiser keeps as a character (U+00A0 would be stored as
``&nbsp;`` and show so in the plain-text exports).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

BANKS = Path(__file__).resolve().parents[2] / "question_banks"
NARROW_NO_BREAK = "\u202f"
#: An ordinary space where French typography wants one that does not break.
BREAKABLE = {
    "before a high punctuation mark, % or »": re.compile(r" [?!;:%»]"),
    "after «": re.compile(r"« "),
    "between groups of thousands": re.compile(r"\d \d{3}(?!\d)"),
    "before a currency sign": re.compile(r"\d M?€"),
}


def shown_texts(item: dict) -> list[tuple[str, str]]:
    """What the candidate and the author read of an item: stem, options, rationale."""
    texts = [("stem", item["stem"]), ("rationale", item["rationale"])]
    texts += [(f"option {o['key']}", o["text"]) for o in item["options"]]
    return texts


@pytest.mark.parametrize("theme", ["fiscalite", "risques", "reglementation", "rgpd"])
def test_shipped_texts_break_no_line_before_punctuation_or_inside_an_amount(theme):
    bank = yaml.safe_load((BANKS / f"{theme}.yaml").read_text(encoding="utf-8"))
    faults = [
        (item["id"], where, rule, match.group())
        for item in bank["items"]
        for where, text in shown_texts(item)
        for rule, pattern in BREAKABLE.items()
        for match in pattern.finditer(text)
    ]
    assert faults == []


def test_the_rule_knows_french_typography():
    """The patterns accept the narrow no-break space and refuse the ordinary one."""
    right = f"Quel montant{NARROW_NO_BREAK}? 11{NARROW_NO_BREAK}600{NARROW_NO_BREAK}€"
    wrong = "Quel montant ? 11 600 €"
    assert not any(p.search(right) for p in BREAKABLE.values())
    assert [rule for rule, p in BREAKABLE.items() if p.search(wrong)] == [
        "before a high punctuation mark, % or »",
        "between groups of thousands",
        "before a currency sign",
    ]
