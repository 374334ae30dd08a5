"""Simulated response files: structure, known parameters, and detection of planted defects."""

from __future__ import annotations

import numpy as np
import pytest

from analytics.classical import item_stats
from analytics.distractors import distractor_analysis
from analytics.io import AnalyticsInputError, prepare, validate_responses
from analytics.simulate import simulate_responses


def test_structure_and_reproducibility() -> None:
    sim = simulate_responses(8, 50, seed=1)
    again = simulate_responses(8, 50, seed=1)
    assert sim.responses.equals(again.responses)
    r = sim.responses
    assert list(r.columns) == ["attempt_id", "item_id", "score", "option", "key", "group",
                               "seconds"]  # fmt: skip
    assert len(r) == 400
    assert r["item_id"].iloc[0] == "SIM-001" and r["attempt_id"].iloc[0] == "ATT-000001"
    assert set(r["option"].astype(str)) <= {"A", "B", "C", "D", ""}
    assert set(r["group"].astype(str)) == {"ref", "focal"}
    scored = r["score"] == (r["option"].astype(str) == r["key"].astype(str))
    assert scored.all()
    validate_responses(r)  # a valid input table
    assert list(sim.items.columns[:3]) == ["item_id", "a", "b"]
    assert {"miskeyed", "dif"} <= set(sim.items.columns)
    assert list(sim.persons.columns) == ["attempt_id", "theta", "group"]
    assert (simulate_responses(8, 50, "rasch", seed=2).items["a"] == 1).all()


def test_recovers_facility_and_distractor_shape() -> None:
    sim = simulate_responses(10, 4000, seed=7)
    stats = item_stats(sim.responses)
    # facility ≈ E[P(θ)] with θ ~ N(0, 1): monotone decreasing in b
    order = np.argsort(sim.items["b"].to_numpy())
    assert np.all(np.diff(stats["facility"].to_numpy()[order]) < 0.05)
    assert (stats["r_rest"] > 0.1).all()
    d = distractor_analysis(sim.responses)
    d = d[~d["is_key"] & (d["option"] != "(omit)")]
    least = d.groupby("item_id")["proportion"].min()
    assert (least < 0.06).all()  # one rarely chosen distractor per item


def test_miskeyed_item_shows_negative_discrimination() -> None:
    """2,000 × 30 with --miskey SIM-007: flagged 'check the key', true key = second key."""
    sim = simulate_responses(30, 2000, seed=3, miskey=["SIM-007"])
    stats = item_stats(sim.responses).set_index("item_id")
    flags = stats.loc["SIM-007", "flags"].split(";")
    assert "negative_discrimination" in flags
    true_key = sim.items.set_index("item_id").loc["SIM-007", "true_key"]
    assert f"possible_second_key:{true_key}" in flags
    others = stats.drop(index="SIM-007")
    assert not others["flags"].str.contains("negative_discrimination").any()


def test_incomplete_designs() -> None:
    forms = simulate_responses(20, 300, seed=4, n_forms=3, form_length=12)
    data = prepare(forms.responses)
    assert (data.presented.sum(axis=1) == 12).all()
    assert len(data.forms.counts) == 3
    draws = simulate_responses(20, 300, seed=4, form_length=8)
    data = prepare(draws.responses)
    assert (data.presented.sum(axis=1) == 8).all()
    assert len(data.forms.counts) > 250  # a fresh random draw per attempt


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"miskey": ["SIM-099"]}, "item inconnu « SIM-099 »"),
        ({"dif": ["X"]}, "item inconnu"),
        ({"model": "3pl"}, "modèle inconnu"),
        ({"form_length": 11}, "longueur de forme"),
        ({"omit_rate": 2.0}, "--omit-rate : 2 hors de \\[0, 1\\]"),
        ({"omit_rate": -0.1}, "--omit-rate"),
        ({"omit_rate": float("nan")}, "--omit-rate"),
        ({"dif_shift": float("inf")}, "--dif-shift"),
    ],
)
def test_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(AnalyticsInputError, match=message):
        simulate_responses(10, 20, **kwargs)


def test_a_simulation_too_large_for_memory_is_refused_before_any_draw(monkeypatch) -> None:
    # the limit is checked on items × attempts, before the matrices are drawn: numpy's
    # generator is never built
    monkeypatch.setattr("analytics.simulate.np.random.default_rng", None)
    with pytest.raises(AnalyticsInputError) as caught:
        simulate_responses(1000, 10_001)
    assert str(caught.value) == (
        "1000 items × 10001 tentatives = 10\u202f001\u202f000 réponses, au-delà de la limite de "
        "10\u202f000\u202f000 : réduisez --items ou --attempts"
    )


def test_the_limit_itself_is_allowed(monkeypatch) -> None:
    monkeypatch.setattr("analytics.simulate.MAX_SIMULATED_CELLS", 200)
    assert len(simulate_responses(10, 20, seed=1).responses) == 200
    with pytest.raises(AnalyticsInputError, match="au-delà de la limite de 200"):
        simulate_responses(10, 21, seed=1)
