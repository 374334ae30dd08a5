"""Import as drafts (all or nothing), export by status, round trips through the database."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from questionnaire.banks.models import Item, ItemVersion, VersionStatus
from questionnaire.exchange.formats import FORMATS
from questionnaire.exchange.report import ImportRejected
from questionnaire.exchange.services import ExportError, export_theme, import_file
from tests.exchange.conftest import sample


def _count(db, model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def _import(clock, data, name, fmt, theme="fiscalite", topic=None):
    return import_file(data, name, fmt, theme, clock(), topic)


def test_qti_item_arrives_as_draft_with_defaults(db, clock, loaded_bank):
    loaded_bank()
    report = _import(clock, sample("choice.xml"), "choice.xml", "qti")
    db.session.commit()
    item = db.session.execute(select(Item).where(Item.external_id == "choice")).scalar_one()
    [version] = item.versions
    assert version.status is VersionStatus.DRAFT
    assert version.topic.slug == "alpha"  # the theme's first topic, reported
    assert version.competency == "C9"
    assert version.cognitive_level.value == "connaissance"
    assert version.difficulty.value == "moyen"
    assert version.volatility.value == "stable"
    assert version.valid_as_of == clock().date()
    assert version.reference == ""
    assert [entry.message for entry in report.imported] == ["choice : nouvel item (brouillon)."]
    assert any("rattaché" in entry.message for entry in report.warnings)


def test_gift_category_matches_a_topic_by_slug_or_title(db, clock, loaded_bank):
    loaded_bank()
    text = "$CATEGORY: $course$/top/Sujet beta\n\nQ ?{=a ~b ~c}\n"
    _import(clock, text.encode(), "q.gift", "gift")
    version = db.session.execute(
        select(ItemVersion).where(ItemVersion.status == "draft")
    ).scalar_one()
    assert version.topic.slug == "beta"


def test_default_topic_option(db, clock, loaded_bank):
    loaded_bank()
    _import(clock, b"Q ?{=a ~b ~c}\n", "q.gift", "gift", topic="beta")
    version = db.session.execute(
        select(ItemVersion).where(ItemVersion.status == "draft")
    ).scalar_one()
    assert version.topic.slug == "beta"
    with pytest.raises(ImportRejected) as caught:
        _import(clock, b"Q ?{=a ~b ~c}\n", "q.gift", "gift", topic="gamma")
    assert "gamma" in caught.value.report.errors[0].message


def test_one_bad_item_means_nothing_is_written(db, clock, loaded_bank):
    loaded_bank()
    before = _count(db, ItemVersion)
    text = "// @topic: alpha\nQ1 ?{=a ~b ~c}\n\n// @topic: inconnu\nQ2 ?{=a ~b ~c}\n"
    with pytest.raises(ImportRejected) as caught:
        _import(clock, text.encode(), "q.gift", "gift")
    db.session.rollback()
    assert [e.location for e in caught.value.report.errors] == ["ligne 5"]
    assert "inconnu" in caught.value.report.errors[0].message
    assert _count(db, ItemVersion) == before


def test_existing_id_gets_a_new_draft_version_and_identical_content_is_unchanged(
    db, clock, loaded_bank
):
    loaded_bank()
    data, _ = export_theme("fiscalite", "yaml")
    report = _import(clock, data, "same.yaml", "yaml")
    assert len(report.unchanged) == 8 and report.imported == []
    changed = data.replace(b"Justification de la question 1.", b"Nouvelle justification.")
    report = _import(clock, changed, "changed.yaml", "yaml")
    db.session.commit()
    assert [entry.message for entry in report.imported] == [
        "TST-0001 : nouvelle version 2 (brouillon)."
    ]
    item = db.session.execute(select(Item).where(Item.external_id == "TST-0001")).scalar_one()
    assert [(v.number, v.status) for v in item.versions] == [
        (1, VersionStatus.PUBLISHED),
        (2, VersionStatus.DRAFT),
    ]


def test_id_of_another_theme_and_yaml_of_another_theme_are_errors(db, clock, loaded_bank):
    from tests.conftest import bank_yaml

    loaded_bank()
    loaded_bank(bank_yaml("rgpd", prefix="RGPD"), theme="rgpd")
    data, _ = export_theme("fiscalite", "gift")
    with pytest.raises(ImportRejected) as caught:
        _import(clock, data, "x.gift", "gift", theme="rgpd")
    assert "autre thème" in caught.value.report.errors[0].message
    yaml_data, _ = export_theme("fiscalite", "yaml")
    with pytest.raises(ImportRejected) as caught:
        _import(clock, yaml_data, "x.yaml", "yaml", theme="rgpd")
    assert "fiscalite" in caught.value.report.errors[0].message


def test_unknown_theme_and_empty_file(db, clock, loaded_bank):
    with pytest.raises(ImportRejected) as caught:
        _import(clock, b"", "x.gift", "gift", theme="nope")
    assert "nope" in caught.value.report.errors[0].message
    loaded_bank()
    with pytest.raises(ImportRejected) as caught:
        _import(clock, b"// nothing\n", "x.gift", "gift")
    assert "aucun item" in caught.value.report.errors[0].message


def test_exact_duplicates_in_a_file_are_skipped(db, clock, loaded_bank):
    loaded_bank()
    report = _import(clock, sample("moodle_examples.gift"), "moodle_examples.gift", "gift")
    assert len(report.imported) == 10
    assert len(report.skipped) == 5


def test_export_status_filter(db, clock, loaded_bank):
    loaded_bank()
    _import(clock, sample("choice.xml"), "choice.xml", "qti")
    data, count = export_theme("fiscalite", "csv", frozenset({VersionStatus.DRAFT}))
    assert count == 1 and b"choice" in data
    _, count = export_theme("fiscalite", "csv", frozenset({VersionStatus.PUBLISHED}))
    assert count == 8
    _, count = export_theme("fiscalite", "csv")
    assert count == 9
    with pytest.raises(ExportError):
        export_theme("nope", "csv")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_then_import_gives_back_the_same_items(db, clock, loaded_bank, fmt):
    from tests.conftest import bank_yaml

    loaded_bank(bank_yaml(multiple_every=3))
    data, count = export_theme("fiscalite", fmt)
    assert count == 8
    report = _import(clock, data, f"export.{FORMATS[fmt].extension}", fmt)
    assert report.errors == [] and report.imported == []
    assert len(report.unchanged) == 8


def test_with_an_author_the_draft_is_theirs_in_the_workspace(db, clock, loaded_bank, make_user):
    from questionnaire.auth.models import Role
    from questionnaire.authoring.models import VersionAuthorship
    from questionnaire.authoring.services import can_edit

    loaded_bank()
    author, other = make_user(Role.AUTHOR), make_user(Role.AUTHOR)
    import_file(sample("choice.xml"), "choice.xml", "qti", "fiscalite", clock(), author=author)
    db.session.commit()
    item = db.session.execute(select(Item).where(Item.external_id == "choice")).scalar_one()
    record = db.session.execute(select(VersionAuthorship)).scalar_one()
    assert record.version_id == item.latest_version.id and record.author_id == author.id
    assert can_edit(item, author) and not can_edit(item, other)


def test_an_item_with_an_open_version_refuses_a_new_draft(db, clock, loaded_bank):
    loaded_bank()
    _import(clock, sample("choice.xml"), "choice.xml", "qti")
    changed = sample("choice.xml").replace(b"at all times", b"all the time")
    with pytest.raises(ImportRejected) as caught:
        _import(clock, changed, "choice.xml", "qti")
    assert "brouillon" in caught.value.report.errors[0].message


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_incomplete_drafts_come_back_unchanged_in_every_format(db, clock, loaded_bank, fmt):
    """A draft without reference nor rationale, one with six options: both survive a round trip."""
    loaded_bank()
    _import(clock, sample("choice.xml"), "choice.xml", "qti")
    _import(clock, b"Six options ?{=un ~deux ~trois ~quatre ~cinq ~six}\n", "six.gift", "gift")
    db.session.commit()
    drafts = frozenset({VersionStatus.DRAFT})
    data, count = export_theme("fiscalite", fmt, drafts)
    assert count == 2
    report = _import(clock, data, f"export.{FORMATS[fmt].extension}", fmt)
    assert report.errors == [] and report.imported == []
    assert len(report.unchanged) == 2


def test_a_yaml_export_carries_the_theme_duration_and_passes_bank_validation(
    db, clock, loaded_bank, tmp_path
):
    import yaml

    from questionnaire.banks.findings import Severity
    from questionnaire.banks.services import validate_banks
    from tests.conftest import bank_yaml

    loaded_bank(bank_yaml().replace("duration_minutes: 30", "duration_minutes: 75"))
    data, _ = export_theme("fiscalite", "yaml")
    assert yaml.safe_load(data)["blueprint"]["duration_minutes"] == 75
    (tmp_path / "fiscalite.yaml").write_bytes(data)
    banks, findings = validate_banks(tmp_path, clock().date())
    assert [bank.duration_minutes for bank in banks] == [75]
    assert not [f for f in findings if f.severity is Severity.ERROR]


def test_a_refused_file_whose_extension_names_another_format_says_so(db, clock, loaded_bank):
    """A CSV read as QTI (the upload form's first choice) is refused as malformed XML: the report
    first names the format its extension suggests."""
    loaded_bank()
    data = b"stem,option_a,option_b,correct\nQ ?,a,b,A\n"
    with pytest.raises(ImportRejected) as caught:
        _import(clock, data, "items.csv", "qti")
    first, *others = caught.value.report.errors
    assert first.location == "items.csv"
    assert first.message == (
        "son extension est celle du format CSV, mais il a été lu comme IMS QTI 2.1 : "
        "vérifiez le format choisi."
    )
    assert any("XML mal formé" in entry.message for entry in others)


@pytest.mark.parametrize(
    ("name", "fmt"), [("items.xml", "qti"), ("items.xml", "qti3"), ("items.dat", "gift")]
)
def test_no_format_hint_when_the_extension_agrees_or_says_nothing(
    db, clock, loaded_bank, name, fmt
):
    loaded_bank()
    with pytest.raises(ImportRejected) as caught:
        _import(clock, b"Q ?{=a ~b\n", name, fmt)
    assert not any("vérifiez le format" in e.message for e in caught.value.report.errors)
