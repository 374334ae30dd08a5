"""Exact grading: boundaries at the pass mark, multiple answers, unanswered items."""

from fractions import Fraction

import pytest

from questionnaire.attempts.grading import item_score, passes

SIXTY = Fraction(6000, 10000)


@pytest.mark.parametrize(
    ("score", "max_score", "expected"),
    [
        (12, 20, True),
        (11, 20, False),
        (3, 5, True),
        (17, 30, False),
        (18, 30, True),
        (0, 20, False),
        (20, 20, True),
    ],
)
def test_pass_mark_boundaries_are_exact(score, max_score, expected):
    assert passes(score, max_score, SIXTY) is expected


def test_pass_mark_that_is_not_a_binary_fraction():
    # 2/3 ≥ 0.6667 would be a float trap; 6667 bp means 0.6667 exactly
    assert passes(2, 3, Fraction(6667, 10000)) is False
    assert passes(2, 3, Fraction(6666, 10000)) is True


def test_zero_maximum_never_passes():
    assert passes(0, 0, SIXTY) is False


def test_single_answer_scores_one_only_for_the_key():
    assert item_score(["B"], frozenset("B")) == 1
    assert item_score(["A"], frozenset("B")) == 0


def test_multiple_answer_needs_exactly_the_right_set():
    key = frozenset("AC")
    assert item_score(["A", "C"], key) == 1
    assert item_score(["C", "A"], key) == 1
    assert item_score(["A"], key) == 0
    assert item_score(["A", "B", "C"], key) == 0


def test_unanswered_counts_as_wrong():
    assert item_score([], frozenset("A")) == 0
