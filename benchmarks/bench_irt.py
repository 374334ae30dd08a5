"""Benchmark of analytics.irt against the PyPI package girth (run by hand).

    .venv/bin/python benchmarks/bench_irt.py                      # 100,000 x 60
    .venv/bin/python benchmarks/bench_irt.py --attempts 5000 --items 20
    .venv/bin/python benchmarks/bench_irt.py --per-attempt 20     # incomplete design

Simulates 2PL data (a ~ lognormal(0, 0.3), b ~ N(0, 1), θ ~ N(0, 1), seeded),
times ``calibrate`` (2PL and Rasch) and ``person_abilities`` on the long
table, measures memory (tracemalloc peak of one 2PL calibration, and the
process peak RSS), then runs girth's ``twopl_mml`` and ``rasch_mml`` (items x
persons 0/1 array, its default options) on the same responses and prints the
time ratios and the agreement of the estimates.  girth is the optional
``bench`` extra (``pip install girth``); it is never imported by the library.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import expit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analytics.irt import calibrate, person_abilities
from analytics.irt._data import build_patterns


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # KiB on Linux


def simulate(n_attempts: int, n_items: int, per_attempt: int | None, seed: int):
    rng = np.random.default_rng(seed)
    a = rng.lognormal(0.0, 0.3, n_items)
    b = rng.normal(0.0, 1.0, n_items)
    theta = rng.normal(0.0, 1.0, n_attempts)
    x = (rng.random((n_attempts, n_items)) < expit(a * (theta[:, None] - b))).astype(np.int8)
    if per_attempt is None:
        shown = np.ones_like(x, dtype=bool)
    else:
        order = np.argsort(rng.random((n_attempts, n_items)), axis=1)[:, :per_attempt]
        shown = np.zeros_like(x, dtype=bool)
        shown[np.arange(n_attempts)[:, None], order] = True
    person, item = np.nonzero(shown)
    table = pd.DataFrame(
        {"attempt_id": person, "item_id": item, "score": x[person, item].astype(np.float64)}
    )
    return table, x, shown, a, b, theta


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def corr(u, v) -> float:
    return float(np.corrcoef(np.asarray(u, float), np.asarray(v, float))[0, 1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=60)
    parser.add_argument(
        "--per-attempt",
        type=int,
        default=None,
        help="items shown per attempt (default: all; girth then skipped)",
    )
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--no-girth", action="store_true", help="skip the girth peer")
    parser.add_argument(
        "--no-tracemalloc", action="store_true", help="skip the extra 2PL run under tracemalloc"
    )
    args = parser.parse_args(argv)

    print(
        f"# bench_irt  {args.attempts:,} attempts x {args.items} items"
        f"{'' if args.per_attempt is None else f' ({args.per_attempt} shown per attempt)'}"
        f"  seed {args.seed}"
    )
    print(
        f"python {platform.python_version()}  numpy {np.__version__}  "
        f"pandas {pd.__version__}  cores {os.cpu_count()}"
    )
    table, x, _shown, a_true, b_true, theta = simulate(
        args.attempts, args.items, args.per_attempt, args.seed
    )
    print(f"long table: {len(table):,} rows; peak RSS so far {peak_rss_gb():.2f} GB")
    order = np.arange(args.items)

    _, tb = timed(build_patterns, table)
    print(f"table -> response patterns (part of every call below): {tb:.2f} s")
    res2, t2 = timed(calibrate, table, "2pl")
    it2 = res2.items.set_index("item_id").loc[order]
    print(
        f"ours 2PL   : {t2:7.2f} s  converged={res2.converged} iterations={res2.iterations} "
        f"logLik={res2.log_likelihood:.3f}  r(a)={corr(it2.a, a_true):.4f} "
        f"r(b)={corr(it2.b, b_true):.4f}"
    )
    res1, t1 = timed(calibrate, table, "rasch")
    it1 = res1.items.set_index("item_id").loc[order]
    print(
        f"ours Rasch : {t1:7.2f} s  converged={res1.converged} iterations={res1.iterations} "
        f"logLik={res1.log_likelihood:.3f}  r(b)={corr(it1.b, b_true):.4f}"
    )
    persons, tp = timed(person_abilities, table, res2)
    print(
        f"ours EAP   : {tp:7.2f} s  r(theta_hat, theta)="
        f"{corr(persons.theta, theta[persons.attempt_id]):.4f}"
    )
    print(f"peak RSS after ours (data + fits): {peak_rss_gb():.2f} GB")
    if not args.no_tracemalloc:
        tracemalloc.start()
        calibrate(table, "2pl")
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"tracemalloc peak of one 2PL calibrate(): {peak / 1024**3:.2f} GB")

    if args.no_girth:
        return 0
    if args.per_attempt is not None:
        print("girth: skipped (incomplete design; compare on complete data)")
        return 0
    try:
        import girth
    except ImportError as exc:  # pragma: no cover - depends on the bench extra
        print(f"girth: not available ({exc}); install the 'bench' extra")
        return 0
    data = x.T.astype(np.int64)  # girth wants items x persons (and writes -99999 in it)
    try:
        g2, gt2 = timed(girth.twopl_mml, data)
        print(
            f"girth 2PL  : {gt2:7.2f} s  ratio girth/ours = {gt2 / t2:.1f}x  "
            f"r(a) ours-girth={corr(g2['Discrimination'], it2.a):.4f} "
            f"r(b) ours-girth={corr(g2['Difficulty'], it2.b):.4f}  "
            f"max|Δb|={np.max(np.abs(g2['Difficulty'] - it2.b)):.3f} "
            f"max|Δa|={np.max(np.abs(g2['Discrimination'] - it2.a)):.3f}  "
            f"girth r(a)={corr(g2['Discrimination'], a_true):.4f} "
            f"r(b)={corr(g2['Difficulty'], b_true):.4f}"
        )
    except Exception as exc:  # report, do not hide
        print(f"girth 2PL  : FAILED {type(exc).__name__}: {exc}")
    try:
        g1, gt1 = timed(girth.rasch_mml, data)
        print(
            f"girth Rasch: {gt1:7.2f} s  ratio girth/ours = {gt1 / t1:.1f}x  "
            f"r(b) ours-girth={corr(g1['Difficulty'], it1.b):.4f}  "
            f"max|Δb|={np.max(np.abs(g1['Difficulty'] - it1.b)):.3f}"
        )
    except Exception as exc:
        print(f"girth Rasch: FAILED {type(exc).__name__}: {exc}")
    print(f"peak RSS at end: {peak_rss_gb():.2f} GB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
