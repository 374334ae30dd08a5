"""Mantel–Haenszel DIF: a published example, independent formulas, ETS rules, simulation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analytics.dif import ets_class, mantel_haenszel, mh_dif
from analytics.io import AnalyticsInputError
from analytics.simulate import simulate_responses


def test_penicillin_rabbits_published_example() -> None:
    """Agresti (1990), Categorical Data Analysis, pp. 231–237 (example of R's
    `mantelhaen.test`, dataset `Rabbits`): 5 penicillin levels, immediate vs delayed
    injection, cured vs died. Published: MH chi-square with continuity correction 3.9286,
    p = 0.047. By hand: common odds ratio = (18/12 + 24/12) / (6/12) = 7."""
    a = [0, 3, 6, 5, 2]  # immediate, cured
    b = [6, 3, 0, 1, 0]  # immediate, died
    c = [0, 0, 2, 6, 5]  # delayed, cured
    d = [5, 6, 4, 0, 0]  # delayed, died
    mh = mantel_haenszel(a, b, c, d)
    assert mh.chi2 == pytest.approx(3.9286, abs=5e-5)
    assert mh.p == pytest.approx(0.0475, abs=5e-5)
    assert mh.alpha == pytest.approx(7.0)
    assert mh.d_dif == pytest.approx(-2.35 * math.log(7.0))
    assert mh.n_strata == 3  # levels 1/8 (nobody cured) and 4 (nobody died) carry no information


def test_rbg_variance_reduces_to_woolf_for_one_stratum() -> None:
    """Robins–Breslow–Greenland (1986): with a single 2 × 2 table, Var(ln OR) is Woolf's
    1/a + 1/b + 1/c + 1/d."""
    mh = mantel_haenszel([30], [20], [15], [35])
    assert mh.alpha == pytest.approx(30 * 35 / (20 * 15))
    assert mh.var_log_alpha == pytest.approx(1 / 30 + 1 / 20 + 1 / 15 + 1 / 35)
    assert mh.se_d_dif == pytest.approx(2.35 * math.sqrt(1 / 30 + 1 / 20 + 1 / 15 + 1 / 35))


def _textbook_mh(tables: pd.DataFrame) -> tuple[float, float]:
    """Holland & Thayer (1988) formulas, straight from per-stratum counts."""
    t = tables[
        (tables.n > 1) & (tables.nr > 0) & (tables.nf > 0) & (tables.m1 > 0) & (tables.m0 > 0)
    ]
    alpha = (t.a * t.d / t.n).sum() / (t.b * t.c / t.n).sum()
    expected = (t.nr * t.m1 / t.n).sum()
    var = (t.nr * t.nf * t.m1 * t.m0 / (t.n**2 * (t.n - 1))).sum()
    chi2 = (abs(t.a.sum() - expected) - 0.5) ** 2 / var
    return alpha, chi2


def test_item_level_matching_on_total_score() -> None:
    sim = simulate_responses(12, 600, seed=5, dif=["SIM-004"])
    result = mh_dif(sim.responses, "group", "ref", "focal").set_index("item_id")
    wide = sim.responses.pivot(index="attempt_id", columns="item_id", values="score")
    group = sim.responses.groupby("attempt_id", observed=True)["group"].first()
    total = wide.sum(axis=1)
    for item in ("SIM-004", "SIM-007"):
        df = pd.DataFrame({"y": wide[item], "total": total, "ref": group == "ref"})
        g = df.groupby("total")
        tables = pd.DataFrame(
            {
                "a": g.apply(lambda s: ((s.y == 1) & s.ref).sum()),
                "b": g.apply(lambda s: ((s.y == 0) & s.ref).sum()),
                "c": g.apply(lambda s: ((s.y == 1) & ~s.ref).sum()),
                "d": g.apply(lambda s: ((s.y == 0) & ~s.ref).sum()),
            }
        ).astype(float)
        tables["nr"], tables["nf"] = tables.a + tables.b, tables.c + tables.d
        tables["m1"], tables["m0"] = tables.a + tables.c, tables.b + tables.d
        tables["n"] = tables.nr + tables.nf
        alpha, chi2 = _textbook_mh(tables)
        assert result.loc[item, "mh_alpha"] == pytest.approx(alpha, rel=1e-10)
        assert result.loc[item, "mh_chi2"] == pytest.approx(chi2, rel=1e-10)
        assert result.loc[item, "mh_p"] == pytest.approx(stats.chi2.sf(chi2, 1), rel=1e-8)
        assert result.loc[item, "mh_d_dif"] == pytest.approx(-2.35 * math.log(alpha))
    assert result["n_reference"].iloc[0] + result["n_focal"].iloc[0] == 600


@pytest.mark.parametrize(
    ("d", "se", "p", "expected"),
    [
        (-0.8, 0.1, 1e-6, "A"),  # |D| < 1
        (-2.0, 0.3, 0.2, "A"),  # MH chi-square not significant
        (-1.2, 0.1, 1e-6, "B"),  # 1 ≤ |D| < 1.5
        (1.6, 0.5, 1e-4, "B"),  # |D| ≥ 1.5 but not significantly > 1 ((1.6 − 1)/0.5 = 1.2)
        (1.6, 0.2, 1e-4, "C"),  # (1.6 − 1)/0.2 = 3 → significantly > 1
        (-2.1, 0.4, 1e-6, "C"),
        (float("nan"), float("nan"), 0.5, "A"),
        (float("nan"), float("nan"), float("nan"), ""),
    ],
)
def test_ets_rules(d: float, se: float, p: float, expected: str) -> None:
    assert ets_class(d, se, p) == expected


def test_simulated_dif_item_is_flagged() -> None:
    """2,000 × 30 with SIM-012 harder by 0.8 logit for the focal group."""
    sim = simulate_responses(30, 2000, seed=3, dif=["SIM-012"])
    result = mh_dif(sim.responses, "group", "ref", "focal").set_index("item_id")
    assert result.loc["SIM-012", "ets_class"] in ("B", "C")
    assert result.loc["SIM-012", "mh_d_dif"] < -1  # disadvantages the focal group
    assert result.loc["SIM-012", "ets_class"] == "C"
    others = result.drop(index="SIM-012")
    assert (others["ets_class"] == "A").mean() >= 0.9
    rest = mh_dif(sim.responses, "group", "ref", "focal", exclude_item=True)
    assert rest.set_index("item_id").loc["SIM-012", "ets_class"] == "C"


def test_group_errors() -> None:
    df = pd.DataFrame(
        {
            "attempt_id": ["a", "a", "b", "b"],
            "item_id": ["q1", "q2"] * 2,
            "score": [1, 0, 1, 1],
            "sex": ["F", "F", "H", "F"],
        }
    )
    with pytest.raises(AnalyticsInputError, match="colonne de groupe absente : group"):
        mh_dif(df)
    with pytest.raises(AnalyticsInputError, match="ligne 5, colonne sex : groupe différent"):
        mh_dif(df, "sex", "F", "H")
    df["sex"] = ["F", "F", "H", "H"]
    with pytest.raises(AnalyticsInputError, match="focal « X » absent"):
        mh_dif(df, "sex", "F", "X")
    out = mh_dif(df, "sex", "F", "H")
    assert out["ets_class"].tolist() == ["", ""]  # no informative stratum
    assert np.isnan(out["mh_alpha"]).all()


def test_the_same_group_as_reference_and_focal_is_refused(tmp_path, capsys) -> None:
    """« --reference a --focal a » gave a table of empty statistics with n_focal = 0, exit 0."""
    from analytics.cli import main
    from analytics.drift import item_drift

    rows = [
        {"attempt_id": f"T{a}", "item_id": f"Q{i}", "score": (a + i) % 2, "group": "ab"[a % 2]}
        for a in range(8)
        for i in range(3)
    ]
    table = pd.DataFrame(rows)
    with pytest.raises(AnalyticsInputError, match="groupe de référence et groupe focal identiques"):
        mh_dif(table, "group", "a", "a")
    with pytest.raises(AnalyticsInputError, match="période « a » comparée à elle-même"):
        item_drift(table, "group", "a", "a")
    path = tmp_path / "r.csv"
    table.to_csv(path, index=False)
    code = main(["dif", str(path), "--group", "group", "--reference", "a", "--focal", "a"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err == (
        "python -m analytics dif : erreur : groupe de référence et groupe focal identiques "
        "(« a ») : indiquez deux groupes différents de la colonne group\n"
    )
