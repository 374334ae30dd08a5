"""Ids and competency codes a file states: refused with their place, never replaced unseen.

An id the author typed (CSV ``id`` column, GIFT ``// @id:``) that cannot serve was silently
swapped for a generated ``IMP-…``; a competency code longer than its 20-character column was
accepted (PostgreSQL then refuses the write: a server error instead of a report).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from questionnaire.banks.models import Item
from questionnaire.banks.validation import parse_bank_text
from questionnaire.exchange.gift import parse_gift
from questionnaire.exchange.qti import parse_qti
from questionnaire.exchange.report import ImportRejected
from questionnaire.exchange.services import import_file
from questionnaire.exchange.tabular import parse_csv
from questionnaire.exchange.yaml_io import parse_yaml
from tests.conftest import bank_yaml
from tests.exchange.conftest import TODAY

LONG_ID = "FISC-" + "0" * 36  # 41 characters
LONG_CODE = "Compétence C9 (B2.3) : conseil fiscal"


def _errors(result) -> list[tuple[str, str]]:
    return [(entry.location, entry.message) for entry in result.report.errors]


def test_csv_id_that_cannot_serve_is_an_error_on_its_line():
    text = (
        "id,stem,option_a,option_b,option_c,correct\n"
        "FISC 0999,Q1 ?,a,b,c,A\n"
        f"{LONG_ID},Q2 ?,a,b,c,A\n"
        ",Q3 ?,a,b,c,A\n"
    )
    result = parse_csv(text.encode(), "bulk.csv", TODAY)
    assert _errors(result) == [
        (
            "ligne 2",
            "l'identifiant « FISC 0999 » ne peut servir : lettres sans accent, chiffres, « - », "
            "« _ » ou « . », en commençant par une lettre (par exemple FISC-0123).",
        ),
        ("ligne 3", f"l'identifiant « {LONG_ID} » dépasse 40 caractères."),
    ]
    # a row without id still gets a generated one
    assert [source.item.id[:4] for source in result.items] == ["IMP-"]


def test_gift_id_comment_that_cannot_serve_is_an_error():
    result = parse_gift("// @id: FISC_0997 é\nQ ?{=a ~b ~c}\n".encode(), "q.gift", TODAY)
    assert result.items == []
    assert [location for location, _ in _errors(result)] == ["ligne 2"]
    assert "« FISC_0997 é » ne peut servir" in result.report.errors[0].message
    # a free-text title is not an id: still imported under a generated one, as documented
    titled = parse_gift(b"::Question 1::Q ?{=a ~b ~c}\n", "q.gift", TODAY)
    assert titled.report.errors == [] and titled.items[0].item.id.startswith("IMP-")


def test_qti_identifier_too_long_is_replaced_with_a_warning():
    xml = f"""<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1"
        identifier="{LONG_ID}" title="t" adaptive="false" timeDependent="false">
      <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
        <correctResponse><value>A</value></correctResponse>
      </responseDeclaration>
      <itemBody><choiceInteraction responseIdentifier="RESPONSE" maxChoices="1">
        <prompt>Q ?</prompt>
        <simpleChoice identifier="A">a</simpleChoice>
        <simpleChoice identifier="B">b</simpleChoice>
        <simpleChoice identifier="C">c</simpleChoice>
      </choiceInteraction></itemBody>
    </assessmentItem>"""
    result = parse_qti(xml.encode(), "item.xml", TODAY)
    assert result.report.errors == []
    [source] = result.items
    assert source.item.id.startswith("IMP-")
    assert (
        f"item.xml ({LONG_ID})",
        f"l'identifiant « {LONG_ID} » dépasse 40 caractères : "
        f"l'item reçoit l'identifiant {source.item.id}.",
    ) in [(entry.location, entry.message) for entry in result.report.warnings]


def test_competency_longer_than_its_column_is_an_error():
    text = f"stem,option_a,option_b,option_c,correct,competency\nQ ?,a,b,c,A,{LONG_CODE}\n"
    result = parse_csv(text.encode(), "bulk.csv", TODAY)
    assert result.items == []
    assert _errors(result) == [
        (
            "ligne 2",
            f"« competency » vaut « {LONG_CODE} » : un code de compétence a au plus "
            "20 caractères (par exemple C9).",
        )
    ]


def test_yaml_long_id_and_long_competency_are_errors():
    text = bank_yaml(topics={"alpha": 3})
    text = text.replace("id: TST-0001", f"id: {LONG_ID}").replace(
        "competency: C9", f'competency: "{LONG_CODE}"', 2
    )
    result = parse_yaml(text.encode("utf-8"), "bank.yaml", TODAY)
    assert [source.item.id for source in result.items] == ["TST-0003"]
    assert _errors(result) == [
        ("item n° 1", f"[invalid-id] l'identifiant « {LONG_ID} » dépasse 40 caractères."),
        (
            "TST-0002",
            f"[invalid-value] « competency » vaut « {LONG_CODE} » : un code de compétence a au "
            "plus 20 caractères (par exemple C9).",
        ),
    ]
    _, findings = parse_bank_text(text, "bank.yaml")
    assert {f.rule for f in findings if f.severity.value == "erreur"} >= {
        "invalid-id",
        "invalid-value",
    }


def test_nothing_is_written(db, clock, loaded_bank):
    loaded_bank()
    text = "id,stem,option_a,option_b,option_c,correct\nNEW-1,Q1 ?,a,b,c,A\nNEW 2,Q2 ?,a,b,c,A\n"
    with pytest.raises(ImportRejected) as caught:
        import_file(text.encode(), "bulk.csv", "csv", "fiscalite", clock())
    db.session.rollback()
    assert [entry.location for entry in caught.value.report.errors] == ["ligne 3"]
    assert db.session.execute(select(Item).where(Item.external_id.like("NEW%"))).first() is None
