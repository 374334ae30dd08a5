"""A single-answer GIFT question whose « ~ » answer carries full credit (« ~%100% »).

Moodle gives 100 % to « = » and to any answer weighted « %100% », « ~ » or not: in
« {=a ~%100%b ~c} » both a and b are right. The import read only « = » answers as right:
b was imported wrong (a candidate choosing it marked wrong, without a word), and
« {=%50%a ~%100%b ~c} » was refused for want of a right answer.
"""

from __future__ import annotations

from questionnaire.exchange.gift import parse_gift
from tests.exchange.conftest import TODAY


def _read(text: str):
    return parse_gift(text.encode(), "q.gift", TODAY)


def test_a_full_credit_tilde_answer_is_the_key():
    result = _read("::PEL:: Durée du PEL ? {=%50%4 ans ~%100%10 ans ~15 ans}")
    assert result.report.errors == []
    [source] = result.items
    assert source.item.correct_keys == ["B"]
    assert any("crédit partiel ignoré" in entry.message for entry in result.report.warnings)


def test_two_full_credit_answers_in_a_single_answer_question_are_an_error():
    result = _read("::PEL:: Durée du PEL ? {=4 ans ~%100%10 ans ~15 ans}")
    assert result.items == []
    assert [(e.location, e.message) for e in result.report.errors] == [
        (
            "ligne 1",
            "réponse unique mais 2 réponses à 100 % (options A, B ; « = » ou « ~%100% ») : une "
            "seule est juste ; plusieurs bonnes réponses se marquent « ~%50% ».",
        )
    ]
