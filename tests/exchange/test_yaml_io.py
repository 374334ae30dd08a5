"""YAML: the bank format read by the bank validator, round trip."""

from __future__ import annotations

from questionnaire.banks.validation import parse_bank_text
from questionnaire.exchange.yaml_io import parse_yaml, write_yaml
from tests.conftest import bank_yaml
from tests.exchange.conftest import TODAY, as_stored


def test_write_is_a_valid_bank_and_reads_back(bank):
    data = write_yaml(bank)
    parsed, findings = parse_bank_text(data.decode("utf-8"), "export.yaml")
    assert [f for f in findings if f.severity.value == "erreur"] == []
    assert as_stored(parsed.items) == as_stored(bank.items)
    result = parse_yaml(data, "export.yaml", TODAY)
    assert result.theme == "fiscalite"
    assert as_stored([source.item for source in result.items]) == as_stored(bank.items)


def test_item_errors_are_reported_by_identifier():
    text = bank_yaml(topics={"alpha": 2}).replace("type: single", "type: unique", 1)
    result = parse_yaml(text.encode("utf-8"), "bank.yaml", TODAY)
    assert [(e.location, "type" in e.message) for e in result.report.errors] == [("TST-0001", True)]


def test_what_publication_needs_is_a_warning_for_an_imported_draft():
    text = bank_yaml(topics={"alpha": 2}).replace('    reference: "Art. 2 CGI"\n', "")
    result = parse_yaml(text.encode("utf-8"), "bank.yaml", TODAY)
    assert result.report.errors == []
    assert [(w.location, "référence absente" in w.message) for w in result.report.warnings] == [
        ("TST-0002", True)
    ]
    assert [source.item.reference for source in result.items] == ["Art. 1 CGI", ""]
    # the shipped banks stay strict: a bank without reference is refused by `banks validate`
    _, findings = parse_bank_text(text, "bank.yaml")
    assert [(f.item_id, f.rule) for f in findings if f.severity.value == "erreur"] == [
        ("TST-0002", "missing-reference")
    ]


def test_partial_bank_is_not_held_to_its_blueprint():
    text = bank_yaml(topics={"alpha": 1, "beta": 1}).replace("draw: 1", "draw: 2")
    text = text.replace("form_items: 2", "form_items: 4")
    result = parse_yaml(text.encode("utf-8"), "bank.yaml", TODAY)
    assert result.report.errors == []
    assert len(result.items) == 2


def test_unreadable_yaml_is_an_error():
    result = parse_yaml(b"theme: [unclosed", "bank.yaml", TODAY)
    assert result.items == []
    assert "YAML" in result.report.errors[0].message
