"""A text the sanitiser empties (a lone script, an image) is refused with its item and field.

The editor refuses such a text beside its field; an import stored it as an empty stem or option,
which then broke every later round trip of the theme (« énoncé vide » on re-import).
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from questionnaire.banks.models import Item
from questionnaire.banks.validation import parse_bank_text
from questionnaire.exchange.gift import parse_gift
from questionnaire.exchange.report import ImportRejected
from questionnaire.exchange.services import import_file
from questionnaire.exchange.tabular import parse_csv
from questionnaire.exchange.yaml_io import parse_yaml
from tests.conftest import bank_yaml
from tests.exchange.conftest import TODAY

HEADER = "id,stem,option_a,option_b,option_c,correct,rationale\n"


def _errors(result) -> list[tuple[str, str]]:
    return [(entry.location, entry.message) for entry in result.report.errors]


def test_csv_stem_that_is_only_a_script_is_an_error_on_its_line():
    text = HEADER + "T-1,Q ?,a,b,c,A,\nT-2,<script>alert(1)</script>,a,b,c,A,\n"
    result = parse_csv(text.encode(), "bulk.csv", TODAY)
    assert [source.item.id for source in result.items] == ["T-1"]
    assert _errors(result) == [
        (
            "ligne 3",
            "énoncé vide une fois retirée la mise en forme non permise (scripts, images…).",
        )
    ]


def test_emptied_and_blank_options_are_named():
    text = HEADER + 'T-1,Q ?,a,"<img src=x onerror=alert(1)>",c,A,\n'
    result = parse_csv(text.encode(), "bulk.csv", TODAY)
    assert result.items == []
    assert _errors(result) == [
        (
            "ligne 2",
            "option B : texte vide une fois retirée la mise en forme non permise "
            "(scripts, images…).",
        )
    ]
    blank = parse_gift(b"Q ?{=a ~  ~c}\n", "q.gift", TODAY)
    assert _errors(blank) == [("ligne 1", "option B : texte vide.")]


def test_a_rationale_that_is_only_a_script_counts_as_absent():
    text = HEADER + "T-1,Q ?,a,b,c,A,<script>x()</script>\n"
    result = parse_csv(text.encode(), "bulk.csv", TODAY)
    assert result.report.errors == []
    assert ("ligne 2", "justification absente : à rédiger avant publication.") in [
        (entry.location, entry.message) for entry in result.report.warnings
    ]


def test_gift_html_stem_emptied_by_the_sanitiser():
    result = parse_gift(b"[html]<script>alert(1)</script> {=a ~b ~c}\n", "q.gift", TODAY)
    assert result.items == []
    assert [location for location, _ in _errors(result)] == ["ligne 1"]
    assert "énoncé vide une fois retirée" in result.report.errors[0].message


def test_yaml_item_with_an_emptied_stem_or_option_is_an_error_by_identifier():
    text = re.sub(
        r'stem: ".*"', 'stem: "<script>alert(1)</script>"', bank_yaml(topics={"alpha": 3}), count=1
    )
    text = text.replace('text: "Réponse B de la question 2"', 'text: "<img src=x>"')
    result = parse_yaml(text.encode("utf-8"), "bank.yaml", TODAY)
    assert [source.item.id for source in result.items] == ["TST-0003"]
    assert _errors(result) == [
        (
            "TST-0001",
            "[empty-text] « stem » : énoncé vide une fois retirée la mise en forme non permise "
            "(scripts, images…).",
        ),
        (
            "TST-0002",
            "[option-text] option B : texte vide une fois retirée la mise en forme non permise "
            "(scripts, images…).",
        ),
    ]
    # `banks validate` and `banks load` are as strict with a shipped bank
    _, findings = parse_bank_text(text, "bank.yaml")
    errors = [(f.item_id, f.rule) for f in findings if f.severity.value == "erreur"]
    assert ("TST-0001", "empty-text") in errors and ("TST-0002", "option-text") in errors


def test_yaml_rationale_that_is_only_a_script():
    text = bank_yaml(topics={"alpha": 1}).replace(
        '"Justification de la question 1."', '"<script>x()</script>"'
    )
    draft = parse_yaml(text.encode("utf-8"), "bank.yaml", TODAY)
    assert draft.report.errors == []
    assert any("justification absente" in w.message for w in draft.report.warnings)
    _, findings = parse_bank_text(text, "bank.yaml")
    assert [(f.item_id, f.rule) for f in findings if f.severity.value == "erreur"] == [
        ("TST-0001", "missing-rationale")
    ]


def test_nothing_is_written_and_the_theme_still_round_trips(db, clock, loaded_bank):
    loaded_bank()
    text = HEADER + "T-1,Q ?,a,b,c,A,\nT-2,<script>alert(1)</script>,a,b,c,A,\n"
    with pytest.raises(ImportRejected) as caught:
        import_file(text.encode(), "bulk.csv", "csv", "fiscalite", clock())
    db.session.rollback()
    assert [entry.location for entry in caught.value.report.errors] == ["ligne 3"]
    assert db.session.execute(select(Item).where(Item.external_id.like("T-%"))).first() is None
