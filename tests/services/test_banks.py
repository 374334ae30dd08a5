"""Bank files: structural validation, all-or-nothing idempotent loading, versions."""

import pytest
import yaml
from sqlalchemy import func, select

from questionnaire.banks.findings import Severity
from questionnaire.banks.models import Item, ItemVersion, VersionStatus
from questionnaire.banks.services import BankLoadError, load_banks, validate_banks
from questionnaire.banks.validation import parse_bank_text
from tests.conftest import bank_yaml


def mutate(text: str, change) -> str:
    data = yaml.safe_load(text)
    change(data)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def errors_of(text: str, path="fiscalite.yaml"):
    _bank, findings = parse_bank_text(text, path)
    return [(f.item_id, f.rule) for f in findings if f.severity is Severity.ERROR]


def test_valid_bank_has_no_error():
    assert errors_of(bank_yaml(multiple_every=3)) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["items"][0].pop("stem"), ("TST-0001", "missing-field")),
        (lambda d: d["items"][0].pop("rationale"), ("TST-0001", "missing-rationale")),
        (lambda d: d["items"][0].update(reference=" "), ("TST-0001", "missing-reference")),
        (lambda d: d["items"][1].update(id="TST-0001"), ("TST-0001", "duplicate-id")),
        (lambda d: d["items"][0].update(topic="gamma"), ("TST-0001", "unknown-topic")),
        (lambda d: d["items"][0].update(type="essay"), ("TST-0001", "invalid-value")),
        (lambda d: d["items"][0].update(valid_as_of="hier"), ("TST-0001", "invalid-value")),
        (lambda d: d["items"][0]["options"][1].pop("correct"), ("TST-0001", "key-count")),
        (
            lambda d: d["items"][0].update(options=d["items"][0]["options"][:2]),
            ("TST-0001", "option-count"),
        ),
        (lambda d: d["items"][0]["options"][0].update(key="Z"), ("TST-0001", "option-key")),
        (
            lambda d: [o.update(correct=True) for o in d["items"][0]["options"]],
            ("TST-0001", "key-count"),
        ),
        (lambda d: d["items"][2]["options"][0].pop("correct"), ("TST-0003", "key-count")),
        (lambda d: d["blueprint"]["topics"]["alpha"].update(draw=5), (None, "blueprint")),
    ],
)
def test_each_structural_problem_is_reported_with_item_and_rule(change, expected):
    assert expected in errors_of(mutate(bank_yaml(multiple_every=3), change))


def test_yaml_syntax_error_gives_the_line():
    _bank, findings = parse_bank_text("theme: x\nitems: [\n  - a: b\n", "bad.yaml")
    assert findings[0].rule == "yaml" and "ligne" in findings[0].message
    assert findings[0].format().startswith("bad.yaml: [erreur] yaml:")


def test_yaml_syntax_error_is_in_french_as_in_an_import():
    _bank, findings = parse_bank_text("theme: x\nitems: [1, 2", "bad.yaml")
    message = findings[0].message
    assert message.startswith("YAML illisible (ligne 2, colonne 13) : liste entre crochets")
    assert "expected" not in message and "stream end" not in message


def test_theme_must_match_file_name(write_bank, clock):
    _banks, findings = validate_banks(
        write_bank({"rgpd.yaml": bank_yaml("fiscalite")}), clock().date()
    )
    assert any(f.rule == "theme-file" for f in findings)


def test_ids_must_be_unique_across_files(write_bank, clock):
    folder = write_bank({"fiscalite.yaml": bank_yaml("fiscalite"), "rgpd.yaml": bank_yaml("rgpd")})
    _banks, findings = validate_banks(folder, clock().date())
    assert any(f.rule == "duplicate-id" and "fiscalite.yaml" in f.message for f in findings)


def count(db, model):
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_load_is_idempotent_and_versions_changes(db, clock, write_bank):
    folder = write_bank()
    report = load_banks(folder, clock())
    db.session.commit()
    assert report.created["fiscalite"] == 8 and count(db, ItemVersion) == 8
    again = load_banks(folder, clock())
    db.session.commit()
    assert not again.changed and again.unchanged["fiscalite"] == 8 and count(db, ItemVersion) == 8
    edited = mutate(
        bank_yaml(), lambda d: d["items"][0].update(stem="Énoncé reformulé pour plus de clarté ?")
    )
    (folder / "fiscalite.yaml").write_text(edited, encoding="utf-8")
    third = load_banks(folder, clock())
    db.session.commit()
    assert third.new_versions["fiscalite"] == 1 and third.unchanged["fiscalite"] == 7
    item = db.session.execute(select(Item).where(Item.external_id == "TST-0001")).scalar_one()
    assert [(v.number, v.status) for v in item.versions] == [
        (1, VersionStatus.SUPERSEDED),
        (2, VersionStatus.PUBLISHED),
    ]
    assert item.published_version.stem == "Énoncé reformulé pour plus de clarté ?"


def test_load_is_all_or_nothing(db, clock, write_bank):
    broken = mutate(bank_yaml("rgpd", prefix="RG"), lambda d: d["items"][3].pop("options"))
    folder = write_bank({"fiscalite.yaml": bank_yaml(), "rgpd.yaml": broken})
    with pytest.raises(BankLoadError) as raised:
        load_banks(folder, clock())
    assert any(f.item_id == "RG-0004" for f in raised.value.findings)
    assert count(db, Item) == 0


def test_loaded_text_is_sanitised(db, clock, write_bank):
    hostile = mutate(
        bank_yaml(),
        lambda d: d["items"][0].update(stem="Quel taux ?<script>alert(1)</script> <em>net</em>"),
    )
    load_banks(write_bank({"fiscalite.yaml": hostile}), clock())
    version = db.session.execute(
        select(ItemVersion).join(Item).where(Item.external_id == "TST-0001")
    ).scalar_one()
    assert "<script" not in version.stem and "<em>net</em>" in version.stem


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "form_items",
            201,
            "« blueprint.form_items » doit être un entier entre 1 et 200 (lu : 201)",
        ),
        ("form_items", 0, "« blueprint.form_items » doit être un entier entre 1 et 200 (lu : 0)"),
        ("form_items", True, "« blueprint.form_items » doit être un entier entre 1 et 200"),
        (
            "duration_minutes",
            601,
            "« blueprint.duration_minutes » doit être un entier entre 1 et 600 minutes (lu : 601)",
        ),
        (
            "duration_minutes",
            "30",
            "« blueprint.duration_minutes » doit être un entier entre 1 et 600 minutes (lu : '30')",
        ),
        (
            "duration_minutes",
            None,
            "« blueprint.duration_minutes » doit être un entier entre 1 et 600 minutes (absent)",
        ),
    ],
)
def test_an_absurd_form_length_or_duration_is_refused(field, value, message):
    text = mutate(bank_yaml(), lambda d: d["blueprint"].update({field: value}))
    _bank, findings = parse_bank_text(text, "fiscalite.yaml")
    assert any(f.rule == "blueprint" and message in f.message for f in findings), findings


def test_the_bounds_themselves_are_accepted():
    topics = {f"t{n}": 1 for n in range(200)}
    text = mutate(bank_yaml(topics=topics), lambda d: d["blueprint"].update(duration_minutes=600))
    assert errors_of(text) == []


def test_the_bank_duration_is_kept_by_the_theme_and_follows_the_file(db, clock, write_bank):
    from questionnaire.banks.models import Theme

    folder = write_bank(
        {
            "fiscalite.yaml": mutate(
                bank_yaml(), lambda d: d["blueprint"].update(duration_minutes=45)
            )
        }
    )
    load_banks(folder, clock())
    db.session.commit()
    theme = db.session.execute(select(Theme)).scalar_one()
    assert theme.default_duration_minutes == 45
    (folder / "fiscalite.yaml").write_text(
        mutate(bank_yaml(), lambda d: d["blueprint"].update(duration_minutes=90)), encoding="utf-8"
    )
    load_banks(folder, clock())
    db.session.commit()
    db.session.refresh(theme)
    assert theme.default_duration_minutes == 90


def test_a_timestamp_as_valid_as_of_keeps_its_day():
    """YAML reads « 2026-01-01 10:00:00 » as a datetime, which is a date to isinstance: the item
    kept a datetime where a day is stored; it gets the day, as the exchange imports do."""
    from datetime import date, datetime

    text = mutate(bank_yaml(), lambda d: d["items"][0].update(valid_as_of=datetime(2026, 1, 1, 10)))
    assert "valid_as_of: 2026-01-01 10:00:00" in text  # the case under test
    bank, findings = parse_bank_text(text, "fiscalite.yaml")
    assert [f for f in findings if f.severity is Severity.ERROR] == []
    first = bank.items[0].valid_as_of
    assert type(first) is date and first == date(2026, 1, 1)
