"""Simulation of realistic long-format response files from known IRT parameters."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.io import AnalyticsInputError

OPTIONS = ("A", "B", "C", "D")
#: Share of the wrong answers drawn by each distractor (shuffled per item): one is rarely chosen.
DISTRACTOR_WEIGHTS = (0.55, 0.37, 0.08)


@dataclass(frozen=True)
class Simulation:
    """Simulated responses with the true item and person parameters."""

    responses: pd.DataFrame
    items: pd.DataFrame
    persons: pd.DataFrame


def item_ids(n_items: int, prefix: str = "SIM-") -> list[str]:
    """Default item ids SIM-001, SIM-002, ..."""
    width = max(3, len(str(n_items)))
    return [f"{prefix}{i:0{width}d}" for i in range(1, n_items + 1)]


def _selected(ids: Iterable[str], names: list[str], what: str) -> np.ndarray:
    mask = np.zeros(len(names), dtype=bool)
    index = {name: i for i, name in enumerate(names)}
    for item in ids:
        if item not in index:
            raise AnalyticsInputError(f"--{what} : item inconnu « {item} »")
        mask[index[item]] = True
    return mask


def _presented(
    rng: np.random.Generator, n_attempts: int, n_items: int, form_length: int | None, n_forms: int
) -> np.ndarray:
    """Presentation mask: complete, fixed random forms, or a random draw per attempt."""
    if form_length is None and n_forms <= 0:
        return np.ones((n_attempts, n_items), dtype=bool)
    length = form_length if form_length is not None else max(2, round(0.75 * n_items))
    if not 1 <= length <= n_items:
        raise AnalyticsInputError(f"longueur de forme {length} hors de [1, {n_items}]")
    n_rows = n_forms if n_forms > 0 else n_attempts
    ranks = np.argsort(rng.random((n_rows, n_items)), axis=1).argsort(axis=1)
    masks = ranks < length
    if n_forms > 0:
        return masks[rng.integers(0, n_forms, size=n_attempts)]
    return masks


# Every item is drawn for every attempt before the forms keep some: memory grows with
# items × attempts, whatever --form-length: at the limit, 100 items × 100,000 attempts peaked
# at 1.1 GB and took 26 s with the CSV written (350 MB); far beyond, the machine would run out
# of memory before anything is written.
MAX_SIMULATED_CELLS = 10_000_000


def simulate_responses(
    n_items: int,
    n_attempts: int,
    model: str = "2pl",
    *,
    seed: int | None = None,
    miskey: Iterable[str] = (),
    dif: Iterable[str] = (),
    dif_shift: float = 0.8,
    form_length: int | None = None,
    n_forms: int = 0,
    omit_rate: float = 0.01,
) -> Simulation:
    """Simulate a long table (options A–D, key, group, seconds) from 2PL/Rasch parameters."""
    model = model.lower()
    if model not in ("2pl", "rasch", "1pl"):
        raise AnalyticsInputError(f"modèle inconnu « {model} » (rasch ou 2pl)")
    if n_items < 1 or n_attempts < 1:
        raise AnalyticsInputError("il faut au moins un item et une tentative")
    if n_items * n_attempts > MAX_SIMULATED_CELLS:
        cells, limit = (
            f"{n:,}".replace(",", "\u202f") for n in (n_items * n_attempts, MAX_SIMULATED_CELLS)
        )
        raise AnalyticsInputError(
            f"{n_items} items × {n_attempts} tentatives = {cells} réponses, au-delà de la "
            f"limite de {limit} : réduisez --items ou --attempts"
        )
    if n_forms * n_items > MAX_SIMULATED_CELLS:  # each form draws its items: n_forms × n_items
        limit = f"{MAX_SIMULATED_CELLS:,}".replace(",", "\u202f")
        raise AnalyticsInputError(
            f"--forms : {n_forms} formes × {n_items} items, au-delà de la limite de {limit} "
            "(chaque tentative reçoit une forme : --forms ≤ --attempts suffit)"
        )
    if not 0 <= omit_rate <= 1:  # a probability: 2 or -1 would be silently clipped
        raise AnalyticsInputError(f"--omit-rate : {omit_rate:g} hors de [0, 1]")
    if not np.isfinite(dif_shift):
        raise AnalyticsInputError(f"--dif-shift : {dif_shift:g} n'est pas un nombre fini")
    rng = np.random.default_rng(seed)
    names = item_ids(n_items)
    miskeyed = _selected(miskey, names, "miskey")
    dif_items = _selected(dif, names, "dif")

    a = np.ones(n_items)
    if model == "2pl":
        a = np.clip(rng.lognormal(0.0, 0.3, n_items), 0.4, 2.5)
    b = rng.normal(0.0, 1.0, n_items)
    theta = rng.normal(0.0, 1.0, n_attempts)
    focal = rng.random(n_attempts) < 0.5

    # P(correct): logit a(θ − b), lowered by `dif_shift` logits for the focal group on DIF items.
    logit = a * (theta[:, None] - b)
    logit -= dif_shift * (focal[:, None] & dif_items)
    correct = rng.random(logit.shape) < 1.0 / (1.0 + np.exp(-logit))

    true_key = rng.integers(0, len(OPTIONS), n_items)
    weights = np.array([rng.permutation(DISTRACTOR_WEIGHTS) for _ in range(n_items)])
    cum = np.cumsum(weights, axis=1)[:, :-1]
    draw = (rng.random(logit.shape)[:, :, None] > cum[None, :, :]).sum(axis=2)
    distractor = draw + (draw >= true_key)  # the 3 non-key options in letter order
    choice = np.where(correct, true_key, distractor).astype(np.int8)
    omitted = ~correct & (rng.random(logit.shape) < omit_rate)
    choice[omitted] = -1

    # Miskey: the recorded key is the most attractive distractor, not the true answer.
    best = np.argmax(weights, axis=1)
    recorded_key = np.where(miskeyed, best + (best >= true_key), true_key)
    score = (choice == recorded_key).astype(np.int8)
    seconds = np.round(
        np.exp(np.log(45.0) + 0.25 * b - 0.15 * theta[:, None] + rng.normal(0, 0.35, logit.shape)),
        1,
    )

    presented = _presented(rng, n_attempts, n_items, form_length, n_forms)
    rows, cols = np.nonzero(presented)
    width = max(6, len(str(n_attempts)))
    attempt_names = pd.Index([f"ATT-{i:0{width}d}" for i in range(1, n_attempts + 1)])
    option_cats = pd.Index(["", *OPTIONS])
    responses = pd.DataFrame(
        {
            "attempt_id": pd.Categorical.from_codes(rows, categories=attempt_names),
            "item_id": pd.Categorical.from_codes(cols, categories=pd.Index(names)),
            "score": score[rows, cols],
            "option": pd.Categorical.from_codes(choice[rows, cols] + 1, categories=option_cats),
            "key": pd.Categorical.from_codes(recorded_key[cols], categories=pd.Index(OPTIONS)),
            "group": pd.Categorical.from_codes(
                focal[rows].astype(np.int8), categories=pd.Index(["ref", "focal"])
            ),
            "seconds": seconds[rows, cols],
        }
    )
    items = pd.DataFrame(
        {
            "item_id": names,
            "a": a,
            "b": b,
            "key": [OPTIONS[k] for k in recorded_key],
            "true_key": [OPTIONS[k] for k in true_key],
            "miskeyed": miskeyed,
            "dif": dif_items,
        }
    )
    persons = pd.DataFrame(
        {
            "attempt_id": attempt_names,
            "theta": theta,
            "group": np.where(focal, "focal", "ref"),
        }
    )
    return Simulation(responses=responses, items=items, persons=persons)
