"""Control characters in a bank file: cleaned as every import cleans them.

PyYAML refuses most control characters written as such, but lets through a double-quoted escape
(``"\\v"``, ``"\\x01"``, ``"\\0"``, ``"\\N"``) and the Unicode line and paragraph separators
(U+2028, U+2029, written as such or as ``"\\L"``, ``"\\P"``): the loader stored them as they
were, where a CSV, GIFT or QTI import, the editor and migration 0022 clean them (a NUL in a
reference even stopped PostgreSQL), and a YAML import stored what the other formats cleaned.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from questionnaire.banks.findings import Severity
from questionnaire.banks.models import Item
from questionnaire.banks.services import load_banks
from questionnaire.banks.validation import parse_bank_text
from questionnaire.exchange.tabular import parse_csv
from questionnaire.exchange.yaml_io import parse_yaml
from tests.conftest import bank_yaml
from tests.exchange.conftest import TODAY


def first_item_with(**lines: str) -> str:
    """``bank_yaml()`` with the first item's ``stem``, ``option`` (A), ``rationale`` or
    ``reference`` line replaced by the given YAML text (escapes and all)."""
    starts = {
        "stem": "    stem: ",
        "option": "      - {key: A, ",
        "rationale": "    rationale: ",
        "reference": "    reference: ",
    }
    text = bank_yaml()
    for name, yaml_text in lines.items():
        start = text.index("\n" + starts[name]) + 1
        end = text.index("\n", start)
        text = text[:start] + starts[name] + yaml_text + text[end:]
    return text


def first_item(text: str):
    bank, findings = parse_bank_text(text, "fiscalite.yaml")
    assert [f for f in findings if f.severity is Severity.ERROR] == []
    return bank.items[0]


@pytest.mark.parametrize(
    ("escape", "becomes"),
    [
        ("\\v", "\n"),  # vertical tab: Word's manual line break
        ("\\f", "\n"),
        ("\\x1c", "\n"),
        ("\\N", "\n"),  # U+0085 (NEL)
        ("\\L", "\n"),  # U+2028
        ("\\P", "\n"),  # U+2029
        ("\\x01", ""),
        ("\\0", ""),
        ("\\e", ""),
        ("\\b", ""),
        ("\\x7f", ""),
    ],
)
def test_an_escaped_control_character_is_cleaned_as_in_an_import(escape, becomes):
    item = first_item(
        first_item_with(
            stem=f'"{escape}Ligne 1{escape}Ligne 2 ?{escape}"',
            option=f'text: "11{escape} %"}}',
            rationale=f'"Parce{escape}que."',
            reference=f'"Art.{escape}1 CGI"',
        )
    )
    assert item.stem == f"Ligne 1{becomes}Ligne 2 ?"
    assert item.options[0].text == f"11{becomes} %"
    assert item.rationale == f"Parce{becomes}que."
    # a one-line field, as the imports and the editor keep it
    assert item.reference == ("Art. 1 CGI" if becomes else "Art.1 CGI")


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_a_line_separator_written_as_such_is_a_new_line(separator):
    # PyYAML reads each as a line break, but keeps U+2028 and U+2029 in the text (a NEL becomes
    # a new line): at the end of a line, it was an invisible character before the new line
    text = first_item_with(stem=f"|\n      Ligne 1{separator}      Ligne 2 ?{separator}")
    assert first_item(text).stem == "Ligne 1\nLigne 2 ?"
    # between quotes, YAML folds a line break into a space
    quoted = first_item_with(stem=f'"Ligne 1{separator}Ligne 2 ?"')
    expected = "Ligne 1 Ligne 2 ?" if separator == "\x85" else "Ligne 1\nLigne 2 ?"
    assert first_item(quoted).stem == expected


def test_a_text_of_control_characters_only_is_missing_with_its_item_and_field():
    _, findings = parse_bank_text(first_item_with(rationale='"\\x01\\v"'), "fiscalite.yaml")
    assert [f.format() for f in findings] == [
        "fiscalite.yaml: TST-0001: [erreur] missing-rationale: « rationale » est obligatoire."
    ]
    _, findings = parse_bank_text(first_item_with(option='text: "\\x02\\L"}'), "fiscalite.yaml")
    assert [f.format() for f in findings] == [
        "fiscalite.yaml: TST-0001: [erreur] option-text: option A : texte vide ou invalide."
    ]


def test_a_control_character_written_as_such_is_refused_with_its_line_and_column():
    text = first_item_with(stem='"Ca\x01s ?"')
    bank, findings = parse_bank_text(text, "fiscalite.yaml")
    line = text[: text.index("\x01")].count("\n") + 1
    assert bank is None
    assert [f.format() for f in findings] == [
        f"fiscalite.yaml: [erreur] yaml: YAML illisible (ligne {line}, colonne 14) : caractère "
        "non permis (U+0001 : caractère de contrôle invisible, à retirer)."
    ]


def test_loading_stores_the_cleaned_text_and_the_clean_file_is_the_same_version(
    db, clock, write_bank
):
    dirty = first_item_with(stem='"A\\vB ?"', reference='"Art. 1\\0 CGI"')
    load_banks(write_bank({"fiscalite.yaml": dirty}), clock())
    db.session.commit()
    item = db.session.execute(select(Item).where(Item.external_id == "TST-0001")).scalar_one()
    assert (item.latest_version.stem, item.latest_version.reference) == ("A\nB ?", "Art. 1 CGI")
    clean = first_item_with(stem='"A\\nB ?"', reference='"Art. 1 CGI"')
    report = load_banks(write_bank({"fiscalite.yaml": clean}), clock())
    assert sum(report.new_versions.values()) == 0 and report.unchanged["fiscalite"] == 8


def test_a_yaml_import_cleans_as_a_csv_import():
    csv = (
        "id,stem,option_a,option_b,option_c,correct,reference,rationale\n"
        'CTRL-1,"Ligne 1\x0bLigne 2 ?",a\u2028b,b\x01,c\x7f,B,"Art.\x0c1","Parce\x00 que."\n'
    )
    [from_csv] = parse_csv(csv.encode(), "ctrl.csv", TODAY).items
    yaml_text = first_item_with(
        stem='"Ligne 1\\vLigne 2 ?"',
        option='text: "a\\Lb"}',
        rationale='"Parce\\0 que."',
        reference='"Art.\\f1"',
    )
    from_yaml = parse_yaml(yaml_text.encode(), "fiscalite.yaml", TODAY).items[0].item
    fields = ("stem", "rationale", "reference")
    assert [getattr(from_yaml, name) for name in fields] == [
        getattr(from_csv.item, name) for name in fields
    ]
    assert from_yaml.options[0].text == from_csv.item.options[0].text == "a\nb"


def test_an_escaped_c1_control_is_its_windows_1252_character_or_goes():
    item = first_item(
        first_item_with(stem='"L\\x92article\\x81 ?"', reference='"Art.\\x96 1\\x9d CGI"')
    )
    assert item.stem == "L’article ?"
    assert item.reference == "Art.– 1 CGI"
