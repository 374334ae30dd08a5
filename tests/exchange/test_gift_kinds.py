"""GIFT question types are told apart in Moodle's order (qformat_gift::readquestion).

A multiple choice whose answers contain an arrow (« Collecte -> traitement ») was skipped as a
matching question, which Moodle imports as the multiple choice it is.
"""

from __future__ import annotations

from questionnaire.exchange.gift import parse_gift
from tests.exchange.conftest import TODAY


def _parse(text: str):
    return parse_gift(text.encode(), "q.gift", TODAY)


def test_arrow_in_a_multiple_choice_answer():
    result = _parse("Quel ordre ? {=Collecte -> traitement ~Traitement -> collecte ~Aucun}\n")
    assert result.report.skipped == [] and result.report.errors == []
    [source] = result.items
    assert [(o.text, o.correct) for o in source.item.options] == [
        ("Collecte -> traitement", True),
        ("Traitement -> collecte", False),
        ("Aucun", False),
    ]


def test_matching_and_true_false_are_still_recognised():
    result = _parse("Associez. {\n=Canada -> Ottawa\n=Italie -> Rome\n}\n\nVrai ? {T}\n")
    assert [(e.location, e.message) for e in result.report.skipped] == [
        ("ligne 1", "question d'appariement (matching) : type non pris en charge, ignorée.")
    ]
    assert [[o.text for o in s.item.options] for s in result.items] == [["Vrai", "Faux"]]
