"""A key written twice in one YAML mapping is refused: PyYAML would keep the last one unseen."""

from __future__ import annotations

import pytest

from questionnaire.banks.validation import parse_bank_text
from questionnaire.certification.loader import DATA_PATH, referential_files
from questionnaire.certification.parsing import parse_referential
from questionnaire.exchange.report import ImportRejected
from questionnaire.exchange.services import import_file
from tests.conftest import T0, bank_yaml


def _messages(text: str) -> list[str]:
    _bank, findings = parse_bank_text(text, "fiscalite.yaml")
    return [finding.message for finding in findings]


def test_a_second_items_section_does_not_drop_the_first():
    """Two files pasted one after the other: the first eight items were lost without a word."""
    text = bank_yaml()
    doubled = text + "items:\n" + text.split("items:\n", 1)[1].replace("TST-", "TSU-")
    line = text.count("\n") + 1
    assert _messages(doubled) == [
        f"YAML illisible (ligne {line}, colonne 1) : clé « items » écrite deux fois dans le même "
        "dictionnaire : seule la dernière serait lue, gardez-en une."
    ]


def test_a_field_written_twice_in_an_item_names_its_line():
    text = bank_yaml().replace("    options:\n", '    stem: "Autre énoncé ?"\n    options:\n', 1)
    assert _messages(text) == [
        "YAML illisible (ligne 16, colonne 5) : clé « stem » écrite deux fois dans le même "
        "dictionnaire : seule la dernière serait lue, gardez-en une."
    ]


def test_an_option_marked_twice_is_refused_not_read_as_its_last_mark():
    text = bank_yaml().replace(
        '{key: A, text: "Réponse A de la question 1"}',
        '{key: A, text: "Réponse A de la question 1", correct: true, correct: false}',
    )
    assert "clé « correct » écrite deux fois" in _messages(text)[0]


def test_a_merge_key_overridden_is_no_duplicate():
    text = bank_yaml().replace(
        "    cognitive_level: connaissance\n    difficulty: moyen\n",
        "    <<: {cognitive_level: analyse}\n    cognitive_level: connaissance\n"
        "    difficulty: moyen\n",
        1,
    )
    bank, findings = parse_bank_text(text, "fiscalite.yaml")
    assert findings == []
    assert bank.items[0].cognitive_level.value == "connaissance"


def test_the_import_refuses_the_whole_file(loaded_bank, db):
    loaded_bank()
    text = bank_yaml().replace("    options:\n", '    stem: "Autre énoncé ?"\n    options:\n', 1)
    with pytest.raises(ImportRejected) as refused:
        import_file(text.encode(), "fiscalite.yaml", "yaml", "fiscalite", T0)
    assert [entry.format() for entry in refused.value.report.errors] == [
        "fiscalite.yaml : YAML illisible (ligne 16, colonne 5) : clé « stem » écrite deux fois "
        "dans le même dictionnaire : seule la dernière serait lue, gardez-en une."
    ]
    assert refused.value.report.imported == []


def test_a_referential_key_written_twice_is_refused():
    """The referentials go through the same loader: « grading » written twice, one was lost."""
    text = referential_files(DATA_PATH)[0].read_text(encoding="utf-8")
    assert "\ngrading: binary\n" in text
    doubled = text.replace("\ngrading: binary\n", "\ngrading: binary\ngrading: grid\n")
    line = text[: text.index("\ngrading: binary\n")].count("\n") + 3
    certification, problems = parse_referential(doubled, "000.yaml")
    assert certification is None
    assert [problem.message for problem in problems] == [
        f"YAML illisible (ligne {line}, colonne 1) : clé « grading » écrite deux fois dans le "
        "même dictionnaire : seule la dernière serait lue, gardez-en une."
    ]


@pytest.mark.parametrize(
    ("line", "named"),
    [("~: oubli", "(clé vide)"), ("1: oubli", "1"), ("2026-01-01: x", "2026-01-01")],
)
def test_a_key_that_is_not_text_is_named_not_a_crash(line, named):
    """« ~: … », « 1: … » in an item: sorting them with the text keys raised a TypeError (a
    server error on the import page, « Erreur interne » for banks validate)."""
    text = bank_yaml().replace("    competency: C9\n", f"    competency: C9\n    {line}\n", 1)
    assert _messages(text) == [f"champs inconnus ignorés : {named}."]
    option = bank_yaml().replace(
        '{key: A, text: "Réponse A de la question 1"}',
        '{key: A, text: "Réponse A de la question 1", ' + line + "}",
        1,
    )
    assert _messages(option) == [f"option A : champs ignorés {named}."]
