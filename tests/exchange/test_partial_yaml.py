"""A YAML import may be partial: the theme's blueprint counts, the file's is never applied."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from questionnaire.banks.findings import Severity
from questionnaire.banks.models import ItemVersion, Theme
from questionnaire.banks.services import BankLoadError, load_banks
from questionnaire.banks.validation import parse_bank_text
from questionnaire.exchange.report import ImportRejected
from questionnaire.exchange.services import import_file
from tests.conftest import bank_yaml

ROOT = Path(__file__).resolve().parents[2]


def _import(clock, text: str, name: str = "partiel.yaml"):
    return import_file(text.encode("utf-8"), name, "yaml", "fiscalite", clock())


def _versions(db) -> int:
    return db.session.execute(select(func.count()).select_from(ItemVersion)).scalar_one()


def _partial(form_items: int, **topics: int) -> str:
    """Items of some topics only, with a header whose draws may not sum to ``form_items``."""
    text = bank_yaml(topics=dict.fromkeys(topics, 1), prefix="NEW")
    for slug, draw in topics.items():
        text = text.replace(f'"Sujet {slug}", draw: 1}}', f'"Sujet {slug}", draw: {draw}}}')
    return text.replace(f"form_items: {len(topics)}\n", f"form_items: {form_items}\n")


def test_partial_file_whose_draws_do_not_sum_to_form_items_is_imported(db, clock, loaded_bank):
    loaded_bank()  # alpha and beta, one item of each drawn: a form of 2
    report = _import(clock, _partial(2, alpha=1))  # one draw of 1 for a form of 2
    db.session.commit()
    assert report.errors == []
    assert [entry.message for entry in report.imported] == ["NEW-0001 : nouvel item (brouillon)."]
    assert report.skipped == []  # the header agrees with the theme where it says anything


def test_a_header_that_differs_from_the_theme_is_ignored_with_a_notice(db, clock, loaded_bank):
    loaded_bank()
    report = _import(clock, _partial(20, alpha=3, gamma=0).replace("topic: gamma", "topic: alpha"))
    db.session.commit()
    assert report.errors == []
    assert len(report.imported) == 2
    [notice] = report.skipped
    assert notice.location == "partiel.yaml"
    assert "ignoré" in notice.message
    assert "form_items 20 (thème : 2)" in notice.message
    assert "« alpha » draw 3 (thème : 1)" in notice.message
    assert "sujet « gamma » absent du thème" in notice.message
    theme = db.session.execute(select(Theme).where(Theme.slug == "fiscalite")).scalar_one()
    assert [(topic.slug, topic.default_draw) for topic in theme.topics] == [
        ("alpha", 1),
        ("beta", 1),
    ]


def test_a_partial_file_wrong_in_another_way_is_still_refused(db, clock, loaded_bank):
    loaded_bank()
    before = _versions(db)
    text = _partial(20, alpha=3).replace("type: single", "type: unique", 1)
    with pytest.raises(ImportRejected) as caught:
        _import(clock, text)
    errors = [(entry.location, entry.message) for entry in caught.value.report.errors]
    assert len(errors) == 1 and errors[0][0] == "NEW-0001" and "« type »" in errors[0][1]
    assert not any("somme des tirages" in message for _, message in errors)
    db.session.rollback()
    assert _versions(db) == before


def test_a_malformed_header_is_refused_naming_the_field(db, clock, loaded_bank):
    loaded_bank()
    with pytest.raises(ImportRejected) as caught:
        _import(clock, _partial(2, alpha=1).replace("form_items: 2", "form_items: vingt"))
    [error] = caught.value.report.errors
    assert "« blueprint.form_items » doit être un entier entre 1 et 200" in error.message


def test_an_item_of_a_topic_the_header_does_not_declare_is_refused(db, clock, loaded_bank):
    loaded_bank()
    with pytest.raises(ImportRejected) as caught:
        _import(clock, _partial(1, alpha=1).replace("topic: alpha", "topic: beta"))
    [error] = caught.value.report.errors
    assert error.location == "NEW-0001" and "absent du plan de tirage" in error.message


def test_shipped_banks_stay_strict_about_the_blueprint(write_bank, clock):
    text = _partial(20, alpha=1)
    _bank, findings = parse_bank_text(text, "fiscalite.yaml")
    assert [
        f.message for f in findings if f.severity is Severity.ERROR and f.rule == "blueprint"
    ] == ["la somme des tirages par sujet (1) diffère de form_items (20)."]
    with pytest.raises(BankLoadError):
        load_banks(write_bank({"fiscalite.yaml": text}), clock())


def test_the_bank_format_example_imports_into_the_shipped_bank(db, clock, loaded_bank):
    loaded_bank((ROOT / "question_banks" / "fiscalite.yaml").read_text(encoding="utf-8"))
    doc = (ROOT / "docs" / "bank-format.md").read_text(encoding="utf-8")
    [example] = re.findall(r"```yaml\n(.*?)```", doc, re.S)
    report = _import(clock, example, "exemple.yaml")
    assert report.errors == [] and report.skipped == []
    assert [entry.message for entry in report.imported] == [
        "FISC-0001 : nouvelle version 2 (brouillon)."
    ]
