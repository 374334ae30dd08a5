"""Held-out public datasets run through the command line, against their published results.

LSAT-6 and LSAT-7 are covered elsewhere (test_irt.py, test_analytics_cli.py). Here:

- verbal aggression (316 persons × 24 items scored 0/1/2; data/verbal_aggression.txt):
  classical statistics published by the R package dexter, Mantel–Haenszel DIF published by
  the R package difR on its dichotomised version;
- Stata's masc1 (800 persons × 9 binary items; data/masc1_patterns.txt): 2PL published by
  Stata and by ltm.

Expected values are copied from the sources named in each test, never computed here.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.cli import main
from analytics.irt import _mml, calibrate

DATA = Path(__file__).parent / "data"


def _verbal_aggression() -> tuple[list[str], pd.DataFrame]:
    """Item names (file order) and the persons: gender, then the 24 scores 0/1/2."""
    lines = (DATA / "verbal_aggression.txt").read_text(encoding="utf-8").splitlines()
    items = next(line for line in lines if line.startswith("# items:")).split()[2:]
    rows = [line.split() for line in lines if line and not line.startswith("#")]
    scores = np.array([[int(c) for c in row[1]] for row in rows])
    persons = pd.DataFrame(scores, columns=items)
    persons.insert(0, "gender", [row[0] for row in rows])
    return items, persons


def _long_csv(persons: pd.DataFrame, items: list[str], path: Path, max_score: int) -> Path:
    wide = persons.assign(attempt_id=[f"P{i + 1:03d}" for i in range(len(persons))])
    long = wide.melt(id_vars=["attempt_id", "gender"], value_vars=items, var_name="item_id")
    long = long.rename(columns={"value": "score"}).assign(max_score=max_score)
    long[["attempt_id", "item_id", "score", "max_score", "gender"]].to_csv(path, index=False)
    return path


def _run_csv(args: list[str], capsys: pytest.CaptureFixture) -> pd.DataFrame:
    assert main(args) == 0
    return pd.read_csv(io.StringIO(capsys.readouterr().out)).set_index("item_id")


def _to_decimals(value: float, published: float, decimals: int) -> bool:
    """``value`` rounds to ``published`` at the published number of decimals, give or take
    the rounding of the CLI's own output (6 significant digits)."""
    return abs(value - published) <= 0.5 * 10.0**-decimals + 5e-6 * abs(value) + 1e-12


def test_data_files_are_the_published_ones() -> None:
    """Sizes given by the sources: 316 persons (243 women, 73 men, difR ``?verbal``), 24 items;
    masc1: 800 persons."""
    items, persons = _verbal_aggression()
    assert len(items) == 24 and len(persons) == 316
    assert persons["gender"].value_counts().to_dict() == {"F": 243, "M": 73}
    assert set(np.unique(persons[items])) == {0, 1, 2}
    assert sum(_masc1_patterns().values()) == 800


# ------------------------------------------------------------ classical: R package dexter
# dexter-psychometrics/dexter, README.md (commit e83765c), ``tia_tables(db)`` on its
# verbAggrData (no = 0, perhaps = 1, yes = 2, max_score 2): item mean_score, sd_score, pvalue,
# rit, rir for the first six items (alphabetical order), and the booklet line.
DEXTER_ITEMS = {  # item: (mean_score, sd_score, pvalue, rit, rir)
    "S1DoCurse": (1.082, 0.807, 0.541, 0.582, 0.519),
    "S1DoScold": (0.832, 0.815, 0.416, 0.651, 0.596),
    "S1DoShout": (0.468, 0.709, 0.234, 0.520, 0.460),
    "S1WantCurse": (1.123, 0.827, 0.562, 0.537, 0.468),
    "S1WantScold": (0.930, 0.850, 0.465, 0.593, 0.528),
    "S1WantShout": (0.712, 0.777, 0.356, 0.529, 0.464),
}
DEXTER_BOOKLET = {"n_items": 24, "alpha": 0.888, "mean_pvalue": 0.339, "mean_rit": 0.527,
                  "mean_rir": 0.468, "max_booklet_score": 48, "n_persons": 316}  # fmt: skip


def test_verbal_aggression_classical_statistics_match_dexter(tmp_path: Path, capsys) -> None:
    """``item-stats`` / ``test-stats`` agree with dexter to its three decimals. dexter's
    ``sd_score`` divides by n (all six published values need it), ours by n − 1: converted."""
    items, persons = _verbal_aggression()
    source = _long_csv(persons, items, tmp_path / "verbal.csv", max_score=2)
    stats = _run_csv(["item-stats", str(source)], capsys)
    n = len(persons)
    for item, (mean, sd, pvalue, rit, rir) in DEXTER_ITEMS.items():
        row = stats.loc[item]
        assert row["n"] == n
        assert _to_decimals(row["facility"] * 2, mean, 3), item
        assert _to_decimals(row["sd"] * math.sqrt((n - 1) / n), sd, 3), item
        assert _to_decimals(row["facility"], pvalue, 3), item
        assert _to_decimals(row["r_total"], rit, 3), item
        assert _to_decimals(row["r_rest"], rir, 3), item
    assert len(stats) == DEXTER_BOOKLET["n_items"]
    assert _to_decimals(stats["facility"].mean(), DEXTER_BOOKLET["mean_pvalue"], 3)
    assert _to_decimals(stats["r_total"].mean(), DEXTER_BOOKLET["mean_rit"], 3)
    assert _to_decimals(stats["r_rest"].mean(), DEXTER_BOOKLET["mean_rir"], 3)

    assert main(["test-stats", str(source)]) == 0
    test = json.loads(capsys.readouterr().out)
    assert test["n_attempts"] == DEXTER_BOOKLET["n_persons"]
    assert test["max_total"] == DEXTER_BOOKLET["max_booklet_score"]
    assert _to_decimals(test["alpha"], DEXTER_BOOKLET["alpha"], 3)


# ------------------------------------------------------------ Mantel–Haenszel: R package difR
# difMH(verbal, group = 25, focal.name = 1) (men focal, women reference; total-score matching,
# continuity correction), printed in difR's own test snapshot, adelahladka/difR,
# tests/testthat/_snaps/difMH.md (commit 28af094): chi-square, p-value, alphaMH, deltaMH, in
# the column order of `verbal` (= data/verbal_aggression.txt).
DIFR_CHI2 = [1.7076, 2.1486, 0.9926, 1.9302, 2.9540, 9.6032, 0.0013, 0.6752, 0.8185, 1.6292,
             0.0152, 4.1188, 0.1324, 2.7501, 0.0683, 6.3029, 6.8395, 0.2170, 5.7817, 3.8880,
             0.2989, 1.1220, 1.4491, 0.8390]  # fmt: skip
DIFR_P = [0.1913, 0.1427, 0.3191, 0.1647, 0.0857, 0.0019, 0.9711, 0.4112, 0.3656, 0.2018,
          0.9020, 0.0424, 0.7160, 0.0972, 0.7938, 0.0121, 0.0089, 0.6414, 0.0162, 0.0486,
          0.5846, 0.2895, 0.2287, 0.3597]  # fmt: skip
DIFR_ALPHA = [1.7005, 1.7702, 1.4481, 1.9395, 1.9799, 2.8804, 0.9439, 0.7194, 1.5281, 1.6849,
              1.0901, 2.3458, 0.7967, 0.4995, 1.1765, 0.3209, 0.3746, 0.7931, 0.4616, 0.4727,
              0.6373, 0.6444, 0.6385, 1.6053]  # fmt: skip
DIFR_DELTA = [-1.2476, -1.3420, -0.8701, -1.5567, -1.6052, -2.4861, 0.1358, 0.7741, -0.9965,
              -1.2260, -0.2028, -2.0036, 0.5340, 1.6313, -0.3821, 2.6709, 2.3072, 0.5447,
              1.8165, 1.7606, 1.0585, 1.0327, 1.0541, -1.1123]  # fmt: skip


def test_verbal_mantel_haenszel_matches_difr(tmp_path: Path, capsys) -> None:
    """``dif`` on the dichotomised data (perhaps/yes = 1) agrees with difMH to its four
    decimals for every item. (The A/B/C classes differ on purpose: difR prints |Δ| bands
    only, we apply the full ETS rule with its significance tests.)"""
    items, persons = _verbal_aggression()
    persons[items] = (persons[items] > 0).astype(int)
    source = _long_csv(persons, items, tmp_path / "verbal01.csv", max_score=1)
    args = ["dif", str(source), "--group", "gender", "--reference", "F", "--focal", "M"]
    result = _run_csv(args, capsys).loc[items]
    assert (result["n_reference"] == 243).all() and (result["n_focal"] == 73).all()
    for column, published in (
        ("mh_chi2", DIFR_CHI2),
        ("mh_p", DIFR_P),
        ("mh_alpha", DIFR_ALPHA),
        ("mh_d_dif", DIFR_DELTA),
    ):
        for item, value, expected in zip(items, result[column], published, strict=True):
            assert _to_decimals(value, expected, 4), (column, item, value, expected)


# ------------------------------------------------------------ 2PL: Stata and ltm on masc1
def _masc1_patterns() -> dict[str, int]:
    lines = (DATA / "masc1_patterns.txt").read_text(encoding="utf-8").splitlines()
    pairs = [line.split() for line in lines if line and not line.startswith("#")]
    return {pattern: int(count) for pattern, count in pairs}


def _masc1_table() -> pd.DataFrame:
    rows, person = [], 0
    for pattern, count in _masc1_patterns().items():
        for _ in range(count):
            person += 1
            rows += [(f"P{person:03d}", f"q{j + 1}", int(bit)) for j, bit in enumerate(pattern)]
    return pd.DataFrame(rows, columns=["attempt_id", "item_id", "score"])


# ``irt 2pl *, intmethod(ghermite)`` in Stata 15 on masc1, identical to ltm's
# ``ltm(x ~ z1, control = list(GHk = 7))`` to its 4 decimals; both printed in
# deepdatadive/psychometric, psychometric/test.py (commit 730ed5f). Log-likelihood -4118.7354.
MASC1_2PL = {  # item: (Discrim, Diff, se Discrim, se Diff), Stata's digits
    "q1": (1.591376, -0.4786277, 0.2340873, 0.0755632),
    "q2": (0.6568686, -0.1524701, 0.1161955, 0.1204896),
    "q3": (0.922717, -1.713807, 0.1568708, 0.2427667),
    "q4": (0.8161676, 0.3297224, 0.128136, 0.1079496),
    "q5": (0.8959221, 1.590873, 0.1543132, 0.2330593),
    "q6": (0.9757092, 0.6257779, 0.1465112, 0.1121996),
    "q7": (0.3575528, 2.82503, 0.1112875, 0.8622307),
    "q8": (1.394495, -1.721327, 0.2309686, 0.1914727),
    "q9": (0.6326524, -1.520289, 0.1217531, 0.2815504),
}
MASC1_LOGLIK_GH7 = -4118.7354


def _gauss_hermite_7(n_points: int, bound: float) -> tuple[np.ndarray, np.ndarray]:
    """The 7-point Gauss–Hermite rule for N(0, 1) that Stata's ghermite and ltm's GHk = 7 use."""
    x, w = np.polynomial.hermite.hermgauss(7)
    return np.sqrt(2.0) * x, w / np.sqrt(np.pi)


def test_masc1_2pl_with_the_same_quadrature_reproduces_stata_and_ltm(monkeypatch) -> None:
    """With the 7 Gauss–Hermite nodes of the published fit, our marginal likelihood, its
    maximum and its observed-information SEs are Stata's to 1e-3."""
    monkeypatch.setattr(_mml, "quadrature", _gauss_hermite_7)
    result = calibrate(_masc1_table(), "2pl", tol=1e-6)
    assert result.converged
    assert result.log_likelihood == pytest.approx(MASC1_LOGLIK_GH7, abs=1e-3)
    items = result.items.set_index("item_id")
    for item, (a, b, se_a, se_b) in MASC1_2PL.items():
        assert items.loc[item, ["a", "b", "se_a", "se_b"]].tolist() == pytest.approx(
            [a, b, se_a, se_b], abs=1e-3
        ), item


def test_masc1_2pl_through_the_cli(tmp_path: Path, capsys) -> None:
    """Through ``irt`` (61 nodes, the converged integral) within 0.03 of the published fit.
    The whole gap is the published fit's 7-node quadrature (the test above gives its exact
    values with those nodes); it reaches 0.024 on a(q1) and 0.015 on b(q7)."""
    source = tmp_path / "masc1.csv"
    _masc1_table().to_csv(source, index=False)
    items = _run_csv(["irt", str(source), "--model", "2pl"], capsys)
    for item, (a, b, _, _) in MASC1_2PL.items():
        assert items.loc[item, ["a", "b"]].tolist() == pytest.approx([a, b], abs=0.03), item
