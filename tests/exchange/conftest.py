"""Fixtures of the exchange tests: sample files and a reference item."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from questionnaire.banks.models import CognitiveLevel, Difficulty, ItemType, Volatility
from questionnaire.banks.validation import ParsedBank, ParsedItem, ParsedOption, ParsedTopic
from questionnaire.richtext import sanitise

SAMPLES = Path(__file__).parent / "samples"
TODAY = date(2026, 3, 2)


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def reference_bank() -> ParsedBank:
    """Two items that exercise escapes, markup, new lines and every metadata field."""
    items = [
        ParsedItem(
            id="FISC-0001",
            topic="alpha",
            competency="C9",
            type=ItemType.SINGLE,
            stem="Pour l'imposition en 2026, quel taux {marginal} s'applique : 30 % = ~ # ?",
            options=[
                ParsedOption("A", "11 %", False),
                ParsedOption("B", "30 % \\ taux", True),
                ParsedOption("C", "41 %", False),
                ParsedOption("D", "45 %", False),
            ],
            rationale="Barème : art. 197.\nLes autres taux visent d'autres tranches.",
            reference="Art. 197 CGI",
            cognitive_level=CognitiveLevel.APPLICATION,
            difficulty=Difficulty.DIFFICILE,
            valid_as_of=date(2026, 2, 20),
            volatility=Volatility.ANNUELLE,
        ),
        ParsedItem(
            id="FISC-0002",
            topic="beta",
            competency="C9",
            type=ItemType.MULTIPLE,
            stem="Quels revenus sont <em>soumis</em> au PFU &amp; aux prélèvements sociaux ?",
            options=[
                ParsedOption("A", "Les dividendes", True),
                ParsedOption("B", "Les intérêts", True),
                ParsedOption("C", "Les salaires", False),
            ],
            rationale="<p>Le PFU vise les revenus de capitaux.</p><p>Pas les salaires.</p>",
            reference="Art. 200 A CGI",
            cognitive_level=CognitiveLevel.CONNAISSANCE,
            difficulty=Difficulty.MOYEN,
            valid_as_of=date(2025, 12, 1),
            volatility=Volatility.STABLE,
        ),
    ]
    return ParsedBank(
        path="fiscalite",
        theme="fiscalite",
        title="Fiscalité",
        competencies=["C9 (B2.3)"],
        form_items=2,
        duration_minutes=30,
        topics=[ParsedTopic("alpha", "Sujet alpha", 1), ParsedTopic("beta", "Sujet beta", 1)],
        items=items,
    )


@pytest.fixture
def bank() -> ParsedBank:
    return reference_bank()


def as_stored(items: list[ParsedItem]) -> list[ParsedItem]:
    """Items with their texts as an import stores them (sanitised: « & » is « &amp; »)."""
    return [
        replace(
            item,
            stem=sanitise(item.stem),
            rationale=sanitise(item.rationale),
            options=[replace(option, text=sanitise(option.text)) for option in item.options],
        )
        for item in items
    ]
