"""Texts longer than the editor takes: refused at import with the field and both lengths.

A 300 000-character stem came in through GIFT (or QTI, YAML) as a draft that its author could
then not save: the editor takes 5 000 characters of stem or rationale, 2 000 per option and 500
of reference.
"""

from __future__ import annotations

from questionnaire.banks.validation import parse_bank_text
from questionnaire.exchange.gift import parse_gift
from questionnaire.exchange.tabular import parse_csv
from questionnaire.exchange.yaml_io import parse_yaml
from tests.conftest import bank_yaml
from tests.exchange.conftest import TODAY

NBSP = "\u00a0"


def test_gift_stem_and_option_too_long_are_one_error_on_the_question_line():
    text = "// un commentaire\nQ " + "y" * 6000 + " {=a ~" + "b" * 2001 + " ~c}\n"
    result = parse_gift(text.encode(), "long.gift", TODAY)
    assert result.items == []
    assert [(e.location, e.message) for e in result.report.errors] == [
        (
            "ligne 2",
            f"énoncé trop long : 6{NBSP}002 caractères, 5{NBSP}000 au plus ; "
            f"option B trop longue : 2{NBSP}001 caractères, 2{NBSP}000 au plus.",
        )
    ]


def test_markup_that_the_sanitiser_removes_does_not_count():
    styled = '[html]Q <span style="' + "x" * 10_000 + '">?</span> {=a ~b ~c}\n'
    result = parse_gift(styled.encode(), "styled.gift", TODAY)
    assert result.report.errors == []
    assert len(result.items) == 1


def test_csv_reference_and_rationale_too_long():
    text = (
        "stem,option_a,option_b,option_c,correct,rationale,reference\n"
        f"Q ?,a,b,c,A,{'r' * 5001},{'R' * 501}\n"
    )
    result = parse_csv(text.encode(), "bulk.csv", TODAY)
    assert [(e.location, e.message) for e in result.report.errors] == [
        (
            "ligne 2",
            f"justification trop longue : 5{NBSP}001 caractères, 5{NBSP}000 au plus ; "
            "référence trop longue : 501 caractères, 500 au plus.",
        )
    ]


def test_yaml_item_too_long_is_an_error_by_identifier():
    text = bank_yaml(topics={"alpha": 3})
    text = text.replace('"Art. 1 CGI"', '"' + "R" * 501 + '"').replace(
        '"Réponse C de la question 2"', '"' + "c" * 2001 + '"'
    )
    result = parse_yaml(text.encode("utf-8"), "bank.yaml", TODAY)
    assert [source.item.id for source in result.items] == ["TST-0003"]
    assert [(e.location, e.message) for e in result.report.errors] == [
        (
            "TST-0001",
            "[text-length] « reference » : référence trop longue : 501 caractères, 500 au plus.",
        ),
        (
            "TST-0002",
            f"[text-length] option C trop longue : 2{NBSP}001 caractères, 2{NBSP}000 au plus.",
        ),
    ]
    _, findings = parse_bank_text(text, "bank.yaml")
    assert [(f.item_id, f.rule) for f in findings if f.rule == "text-length"] == [
        ("TST-0001", "text-length"),
        ("TST-0002", "text-length"),
    ]
