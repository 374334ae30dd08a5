"""Flags explained in plain French with a suggested action, and ranked by severity."""

import doctest
from types import SimpleNamespace

from questionnaire.itemstats import flags as flags_module
from questionnaire.itemstats.flags import decimal_fr, explain, explain_all, percent_fr, severity


def _stats(flags, **values):
    base = {"facility": 0.5, "r_rest": 0.3, "options": []}
    return SimpleNamespace(flags=flags, **{**base, **values})


def test_unused_distractor_never_chosen():
    stats = _stats(
        ["unused_distractor:C"],
        options=[{"option": "C", "is_key": False, "proportion": 0.0, "p_upper": 0, "p_lower": 0}],
    )
    [flag] = explain_all(stats)
    assert flag.title == "Distracteur C jamais choisi"
    assert flag.action == "Réécrire le distracteur C, jamais choisi."
    assert flag.severity == 4


def test_rarely_chosen_distractor_gives_its_share():
    stats = _stats(
        ["unused_distractor:B"],
        options=[{"option": "B", "is_key": False, "proportion": 0.03}],
    )
    flag = explain("unused_distractor:B", stats)
    assert "3\u00a0%" in flag.explanation and "5\u00a0%" in flag.explanation
    assert flag.action == "Réécrire le distracteur B, trop rarement choisi."


def test_key_problems_say_check_the_key():
    stats = _stats(
        ["possible_second_key:D", "negative_discrimination"],
        r_rest=-0.21,
        options=[{"option": "D", "is_key": False, "p_upper": 0.4, "p_lower": 0.1}],
    )
    second, negative = (
        explain("possible_second_key:D", stats),
        explain("negative_discrimination", stats),
    )
    assert second.action == "Vérifier la clé : l'option D est-elle aussi une bonne réponse ?"
    assert "40\u00a0%" in second.explanation and "10\u00a0%" in second.explanation
    assert negative.action.startswith("Vérifier la clé")
    assert "−0,21" in negative.explanation
    assert {second.severity, negative.severity} == {1}


def test_difficulty_and_discrimination_flags():
    hard = explain("too_hard", _stats(["too_hard"], facility=0.12))
    assert hard.title == "Item très difficile" and "12\u00a0%" in hard.explanation
    easy = explain("too_easy", _stats(["too_easy"], facility=0.98))
    assert easy.title == "Item très facile" and "98\u00a0%" in easy.explanation
    low = explain("low_discrimination", _stats(["low_discrimination"], r_rest=0.08))
    assert "0,08" in low.explanation and low.severity == 3
    assert explain("something_new", _stats([])) is None


def test_severity_ranks_and_order():
    assert severity(["unused_distractor:A", "too_easy"]) == 2
    assert severity(["low_discrimination", "possible_second_key:B"]) == 1
    assert severity([]) is None
    stats = _stats(
        ["unused_distractor:A", "low_discrimination", "too_hard", "negative_discrimination"],
        options=[{"option": "A", "is_key": False, "proportion": 0.0}],
    )
    assert [f.code for f in explain_all(stats)] == [
        "negative_discrimination",
        "too_hard",
        "low_discrimination",
        "unused_distractor",
    ]


def test_french_number_formats():
    assert decimal_fr(0.3456) == "0,35"
    assert decimal_fr(-0.5, 1) == "−0,5"
    assert decimal_fr(None) == "—"
    assert percent_fr(0.426) == "43\u00a0%"
    assert percent_fr(None) == "—"


def test_half_up_on_the_printed_value_and_no_negative_zero():
    # 0.345 is 0.34499999999999997… in binary: the printed value rounds half up
    assert decimal_fr(0.345) == "0,35"
    assert percent_fr(0.345) == "35\u00a0%"
    assert percent_fr(0.125) == "13\u00a0%"  # round() would give 12 (banker's rounding)
    assert decimal_fr(2.675) == "2,68"
    assert decimal_fr(-0.0004) == "0,00" and decimal_fr(-2.8e-16, 3) == "0,000"
    assert decimal_fr(float("nan")) == "—"


def test_docstring_examples_hold():
    result = doctest.testmod(flags_module)
    assert result.attempted >= 8 and result.failed == 0


def test_flag_texts_never_show_the_value_equal_to_its_threshold():
    easy = explain("too_easy", _stats(["too_easy"], facility=0.9549))
    assert "95,5\u00a0% des candidats" in easy.explanation
    assert "(seuil : 95\u00a0%)" in easy.explanation
    hard = explain("too_hard", _stats(["too_hard"], facility=0.1996))
    assert "19,96\u00a0% des candidats" in hard.explanation and "20\u00a0%)" in hard.explanation
    low = explain("low_discrimination", _stats(["low_discrimination"], r_rest=0.1996))
    assert "item-reste 0,1996, seuil 0,20" in low.explanation
    negative = explain("negative_discrimination", _stats([], r_rest=-0.001))
    assert "item-reste −0,001" in negative.explanation
    rare = _stats([], options=[{"option": "B", "is_key": False, "proportion": 0.0496}])
    assert "5,0\u00a0% des candidats" not in explain("unused_distractor:B", rare).explanation
    assert (
        "4,96\u00a0% des candidats (seuil : 5\u00a0%)"
        in explain("unused_distractor:B", rare).explanation
    )


def test_app_thresholds_keep_priority_one_plausible_on_small_samples():
    """60 items seen ~60 times (as in the app), one wrong key: few false alarms, key caught.

    With the bare rule (p_upper > p_lower) about one sound item in six lands in priority 1;
    the app's second-key test keeps that near 3 % while still catching the planted wrong key.
    """
    from analytics import FlagThresholds, item_stats
    from analytics.simulate import simulate_responses
    from questionnaire.itemstats.flags import THRESHOLDS

    def urgent(table, thresholds):
        stats = item_stats(table, thresholds, options=["A", "B", "C", "D"])
        flags = [[f for f in cell.split(";") if f] for cell in stats["flags"]]
        return {item for item, f in zip(stats["item_id"], flags, strict=True) if severity(f) == 1}

    bare_false, app_false, caught = 0, 0, 0
    for seed in range(10):
        table = simulate_responses(60, 240, seed=seed, form_length=15, miskey=["SIM-007"]).responses
        bare, app = urgent(table, FlagThresholds()), urgent(table, THRESHOLDS)
        bare_false += len(bare - {"SIM-007"})
        app_false += len(app - {"SIM-007"})
        caught += "SIM-007" in app
    assert bare_false / 10 > 6  # the problem: > 10 % of sound items "to check first"
    assert app_false / 10 <= 3.5  # ≤ ~6 % of 60 items
    assert caught >= 9
