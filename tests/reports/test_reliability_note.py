"""The reliability section explains an incomplete design in French, not in the library's keys."""

from fractions import Fraction

import pandas as pd

from analytics import test_stats
from questionnaire.reports.psychometrics import design_note

# Two forms: attempts 1-3 see items a, b; attempts 4-5 see items a, c (scores by hand).
ROWS = [
    (1, "a", 1), (1, "b", 1), (2, "a", 0), (2, "b", 0), (3, "a", 1), (3, "b", 0),
    (4, "a", 1), (4, "c", 1), (5, "a", 0), (5, "c", 0),
]  # fmt: skip


def test_incomplete_design_is_explained_in_french():
    table = pd.DataFrame(ROWS, columns=["attempt_id", "item_id", "score"])
    stats = test_stats(table, cut=Fraction(3, 5))
    note = design_note(stats)
    assert note is not None and note.startswith("Plan incomplet (2 formes")
    assert "5 copies" in note and "covariances par paires" in note
    assert "alpha_ci" not in note and "alpha_pairwise" not in note


def test_complete_design_needs_no_note():
    complete = [row for row in ROWS if row[0] <= 3]
    table = pd.DataFrame(complete, columns=["attempt_id", "item_id", "score"])
    assert design_note(test_stats(table, cut=Fraction(3, 5))) is None
