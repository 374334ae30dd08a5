"""Benchmark of the classical analyses on a large simulated file (run by hand, not a test).

    .venv/bin/python benchmarks/bench_classical.py            # 100,000 attempts × 60 items
    .venv/bin/python benchmarks/bench_classical.py --attempts 20000 --repeat 5
    .venv/bin/python benchmarks/bench_classical.py --form-length 20   # incomplete design

Simulates responses (options A–D, key, group, seconds), writes them as CSV, reads them back
with `read_responses` (timed separately), then times `item_stats` + `test_stats` on the
validated table: the pivot (`prepare`, validation + attempts × items matrix) is done once and
shared by both, as the CLI would if it ran both. Target: ≤ 2 s and ≤ 2 GB peak memory.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analytics.classical import item_stats
from analytics.io import prepare, read_responses
from analytics.reliability import test_stats
from analytics.simulate import simulate_responses

TARGET_SECONDS = 2.0
TARGET_BYTES = 2 * 1024**3


def _peak_rss() -> int:
    """Peak resident set size of this process, in bytes (Linux: ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _timed(fn, *args, **kwargs):
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - start


def _stats(table):
    data = prepare(table)
    items = item_stats(data)
    test = test_stats(data, cut=0.6)
    return data, items, test


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a report (Markdown table rows for BENCHMARKS.md)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=5, help="timed repetitions (min shown)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--csv", help="keep the simulated CSV at this path")
    parser.add_argument(
        "--form-length", type=int, help="incomplete design: items drawn per attempt"
    )
    args = parser.parse_args(argv)

    print(f"# bench_classical — {datetime.date.today().isoformat()}")
    print(f"python {platform.python_version()}, {platform.machine()}, nproc {os.cpu_count()}")
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")

    sim, t_sim = _timed(
        simulate_responses,
        args.items,
        args.attempts,
        seed=args.seed,
        miskey=["SIM-007"],
        form_length=args.form_length,
    )
    rows = len(sim.responses)
    design = f", {args.form_length} items drawn per attempt" if args.form_length else ""
    print(f"simulate {args.attempts:,} × {args.items}{design}: {t_sim:.2f} s ({rows:,} rows)")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.csv) if args.csv else Path(tmp) / "responses.csv"
        _, t_write = _timed(sim.responses.to_csv, path, index=False)
        del sim
        size = path.stat().st_size
        print(f"write CSV: {t_write:.2f} s ({size / 1e6:.0f} MB)")
        table, t_read = _timed(read_responses, path)
        print(f"read_responses (CSV parse + validation): {t_read:.2f} s")

    timings: dict[str, list[float]] = {"prepare": [], "item_stats": [], "test_stats": []}
    for _ in range(args.repeat):
        data, t = _timed(prepare, table)
        timings["prepare"].append(t)
        _, t = _timed(item_stats, data)
        timings["item_stats"].append(t)
        _, t = _timed(test_stats, data, cut=0.6)
        timings["test_stats"].append(t)
        del data
    totals = [sum(ts) for ts in zip(*timings.values(), strict=True)]
    for name, values in timings.items():
        print(f"{name}: min {min(values):.3f} s, median {statistics.median(values):.3f} s")
    best, median = min(totals), statistics.median(totals)
    print(f"item-stats + test-stats (incl. prepare): min {best:.3f} s, median {median:.3f} s")

    rss = _peak_rss()
    tracemalloc.start()
    _stats(table)
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak RSS of the whole run (incl. CSV parsing): {rss / 1e6:.0f} MB")
    print(f"tracemalloc peak of prepare + item_stats + test_stats: {traced / 1e6:.0f} MB")

    ok = median <= TARGET_SECONDS and rss <= TARGET_BYTES
    print(f"target ≤ {TARGET_SECONDS} s and ≤ 2 GB: {'OK' if ok else 'NOT MET'}")
    print()
    print("| step | time |")
    print("|---|---|")
    print(f"| simulate {args.attempts:,} × {args.items} | {t_sim:.2f} s |")
    print(f"| write CSV ({size / 1e6:.0f} MB) | {t_write:.2f} s |")
    print(f"| read_responses (parse + validate) | {t_read:.2f} s |")
    for name, values in timings.items():
        print(f"| {name} | {min(values):.3f} s (median {statistics.median(values):.3f}) |")
    print(f"| **item-stats + test-stats** | **{best:.3f} s** (median {median:.3f}) |")
    print(f"| peak RSS (whole run) | {rss / 1e6:.0f} MB |")
    print(f"| tracemalloc peak (stats) | {traced / 1e6:.0f} MB |")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
