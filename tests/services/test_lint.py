"""Item-writing rules: each with a failing and a passing example."""

from datetime import date

import pytest
import yaml

from questionnaire.banks.findings import Severity
from questionnaire.banks.lint import lint_bank
from questionnaire.banks.validation import parse_bank_text
from tests.conftest import bank_yaml

TODAY = date(2026, 3, 2)


def lint(change=None, today=TODAY):
    data = yaml.safe_load(bank_yaml(topics={"alpha": 6, "beta": 6}))
    if change:
        change(data)
    bank, findings = parse_bank_text(yaml.safe_dump(data, allow_unicode=True), "fiscalite.yaml")
    assert not [f for f in findings if f.severity is Severity.ERROR], findings
    return {(f.item_id, f.rule, f.severity) for f in lint_bank(bank, today)}


def set_stem(text):
    return lambda d: d["items"][0].update(stem=text)


def set_option(key_index, text):
    return lambda d: d["items"][0]["options"][key_index].update(text=text)


E, W = Severity.ERROR, Severity.WARNING


def test_the_fixture_bank_is_clean():
    assert lint() == set()


@pytest.mark.parametrize(
    ("change", "finding"),
    [
        (set_option(3, "Toutes ces réponses"), ("TST-0001", "all-none-of-the-above", E)),
        (
            set_option(3, "Aucune des réponses précédentes"),
            ("TST-0001", "all-none-of-the-above", E),
        ),
        (
            set_stem("Quel produit ne bénéficie pas de l'exonération ?"),
            ("TST-0001", "negative-stem", E),
        ),
        (set_stem("Toutes les affirmations sont exactes, SAUF une : laquelle ?"), None),
        (set_stem("Quelle affirmation est inexacte ?"), ("TST-0001", "negative-stem", W)),
        (
            set_stem(
                "Quel produit NE bénéficie PAS d'une exonération non plafonnée, SAUF exception ?"
            ),
            ("TST-0001", "double-negation", E),
        ),
        (
            lambda d: (
                set_stem("Quel produit NE bénéficie PAS de l'exonération ?")(d),
                set_option(3, "Celui qui n'est pas ouvert")(d),
            ),
            ("TST-0001", "double-negation", E),
        ),
        (
            set_option(
                1,
                "Réponse B de la question 1, qui est de loin la plus longue et la plus détaillée des quatre options",
            ),
            ("TST-0001", "key-too-long", W),
        ),
        (set_option(2, "réponse b de la question 1 !"), ("TST-0001", "repeated-option", E)),
        (
            lambda d: d["items"][1].update(stem=d["items"][0]["stem"]),
            ("TST-0002", "duplicate-stem", E),
        ),
        (
            lambda d: d["items"][1].update(stem=d["items"][0]["stem"][:-3] + "ici ?"),
            ("TST-0002", "near-duplicate-stem", W),
        ),
        (
            lambda d: d["items"][0].update(
                volatility="annuelle",
                valid_as_of=date(2025, 12, 31),
                stem="En 2026, quel est le plafond ?",
            ),
            ("TST-0001", "stale", W),
        ),
        (
            lambda d: d["items"][0].update(volatility="annuelle", valid_as_of=date(2026, 1, 1)),
            ("TST-0001", "undated-figure", W),
        ),
    ],
)
def test_rule_fires_on_its_failing_example(change, finding):
    findings = lint(change)
    if finding is None:
        assert not any(f[1] == "negative-stem" for f in findings)
    else:
        assert finding in findings


def test_stale_rule_passes_when_reviewed_this_year():
    change = lambda d: d["items"][0].update(  # noqa: E731
        volatility="annuelle", valid_as_of=date(2026, 1, 1), stem="En 2026, quel est le plafond ?"
    )
    assert not any(rule == "stale" for _i, rule, _s in lint(change))


def test_a_check_dated_after_today_is_reported_and_one_dated_today_is_not():
    tomorrow = lambda d: d["items"][0].update(valid_as_of=date(2026, 3, 3))  # noqa: E731
    assert ("TST-0001", "future-check", W) in lint(tomorrow)
    same_day = lambda d: d["items"][0].update(valid_as_of=TODAY)  # noqa: E731
    assert not any(rule == "future-check" for _i, rule, _s in lint(same_day))


def test_recent_facts_need_review_within_six_months():
    change = lambda d: d["items"][0].update(  # noqa: E731
        volatility="recente", valid_as_of=date(2025, 8, 1), stem="Depuis 2025, quelle règle ?"
    )
    assert ("TST-0001", "stale", W) in lint(change)


def test_capitalised_negation_passes():
    assert not any(
        r == "negative-stem"
        for _i, r, _s in lint(set_stem("Quel produit NE bénéficie PAS de l'exonération ?"))
    )


def test_key_position_imbalance_is_an_error():
    def all_keys_on_a(data):
        for item in data["items"]:
            for option in item["options"]:
                option["correct"] = option["key"] == "A"

    assert (None, "key-position", E) in lint(all_keys_on_a)


def test_blueprint_depth_warning():
    findings = lint(
        lambda d: (
            d["blueprint"]["topics"]["alpha"].update(draw=3) or d["blueprint"].update(form_items=4)
        )
    )
    assert (None, "blueprint-depth", W) in findings


def test_the_competency_is_one_of_the_theme():
    wrong = lambda d: d["items"][0].update(competency="n'importe quoi")  # noqa: E731
    assert ("TST-0001", "unknown-competency", E) in lint(wrong)
    full_code = lambda d: d["items"][0].update(competency="C9 (B2.3)")  # noqa: E731
    assert ("TST-0001", "unknown-competency", E) in lint(full_code)  # the short code, as shipped
    two = lambda d: d.update(competencies=["C19 (B3.3)", "C20 (B3.4)"])  # noqa: E731
    assert ("TST-0001", "unknown-competency", E) in lint(two)
    other = lambda d: (two(d), d["items"][0].update(competency="C20"))  # noqa: E731
    assert not any(f[0] == "TST-0001" and f[1] == "unknown-competency" for f in lint(other))


def test_a_check_dated_before_2000_is_an_error():
    old = lambda d: d["items"][0].update(valid_as_of=date(1900, 1, 1))  # noqa: E731
    findings = lint(old)
    assert ("TST-0001", "implausible-check", E) in findings
    assert ("TST-0001", "stale", W) not in findings  # one finding, the one that says why
    first_day = lambda d: d["items"][0].update(valid_as_of=date(2000, 1, 1))  # noqa: E731
    assert not any(rule == "implausible-check" for _i, rule, _s in lint(first_day))
