"""A figure reads the same in a sentence and in its table: one rounding (half up) for both."""

from __future__ import annotations

import pytest

from questionnaire.auth.models import Role
from questionnaire.reports.session_report import build_session_report
from questionnaire.reports.synthesis import alpha_reading
from questionnaire.reports.tables import Column, Kind, format_value
from tests.conftest import login

#: 4 candidates on 4 items: 4 + 3 + 1 + 1 = 9 right answers of 16, a mean of 56,25 %.
PATTERNS_9_OF_16 = [
    [True, True, True, True],
    [True, True, True, False],
    [True, False, False, False],
    [True, False, False, False],
]


def test_mean_score_reads_the_same_in_the_synthesis_sentence_and_table(
    sit_session, clock, client, make_user
):
    session, _, _ = sit_session(PATTERNS_9_OF_16)
    report = build_session_report(session, clock())
    synthesis = report.section("synthese")
    sentence = " ".join(synthesis.paragraphs)
    assert "score moyen : 56,3 % de bonnes réponses" in sentence  # 56,25 rounded half up
    table = report.table("synthese")
    column = next(c for c in table.columns if c.key == "mean_score")
    shown = format_value(table.rows[0][table.columns.index(column)], column)
    assert shown == "56,3\u00a0%"

    login(client, make_user(Role.JURY).email)
    page = client.get(f"/rapports/sessions/{session.id}").get_data(as_text=True)
    assert "56,3\u00a0%" in page and "56,2\u00a0%" not in page


@pytest.mark.parametrize(
    ("value", "kind", "digits", "shown"),
    [
        (0.5625, Kind.PERCENT, 1, "56,3\u00a0%"),  # 56,25 % exactly: half up, not half even
        (0.0125, Kind.PERCENT, 1, "1,3\u00a0%"),
        (0.6505, Kind.PERCENT, 1, "65,1\u00a0%"),  # 13,01 / 20; the float prints as 65.05
        (0.345, Kind.DECIMAL, 2, "0,35"),  # the float is 0.34499999…, it prints as 0.345
        (0.125, Kind.DECIMAL, 2, "0,13"),
        (-0.0004, Kind.DECIMAL, 3, "0,000"),  # never « -0,000 »
        (-0.4281787, Kind.DECIMAL, 3, "-0,428"),
    ],
)
def test_table_values_are_rounded_half_up_on_the_printed_value(value, kind, digits, shown):
    assert format_value(value, Column("x", "x", kind, digits)) == shown


def test_one_copy_is_singular_in_the_small_sample_alert(sit_session, clock):
    session, _, _ = sit_session([[True, True, True, False]])
    text = " ".join(build_session_report(session, clock()).section("synthese").paragraphs)
    assert "petit échantillon (1 copie, moins de 30)" in text


@pytest.mark.parametrize(
    ("alpha", "shown"),
    [
        (0.7996, "Alpha 0,7996 < 0,80"),
        (0.79951, "Alpha 0,7995 < 0,80"),
        (0.62, "Alpha 0,62 < 0,80"),
    ],
)
def test_an_alpha_just_below_the_target_does_not_read_as_the_target(alpha, shown):
    """0.7996 printed with two digits is « 0,80 »: « Alpha 0,80 < 0,80 … insuffisante » told
    the board a reliability at the target was not enough."""
    text = alpha_reading(alpha)
    assert text.startswith(shown), text
    assert text.endswith("fidélité insuffisante pour une décision individuelle.")


@pytest.mark.parametrize(
    ("alpha", "shown"), [(0.8, "Alpha 0,80 ≥ 0,80"), (0.80004, "Alpha 0,80 ≥ 0,80")]
)
def test_an_alpha_at_or_just_above_the_target_reads_with_two_decimals(alpha, shown):
    """At the target exactly, the digits sought to tell it from the target ran out: « Alpha
    0,800000 ≥ 0,80 »; just above, « 0,80004 » where « 0,80 ≥ 0,80 » says it right."""
    text = alpha_reading(alpha)
    assert text.startswith(shown), text
    assert text.endswith("fidélité suffisante.")
