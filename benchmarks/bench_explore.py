"""Benchmark exploring a large folder (issue 18): `Dataset.select` against loading the folder, and `la.results`
against a bare `pandas.read_csv` of the folder's files, as ratios measured in one run.

The national record (`la.national()`) had not landed when this was written, so the large folder is the synthetic
one of `bench_summary.py` (default 10,000 elections, more than the 6,581 of the NLRB's FOIA table), its elections
spread over six companies and five states. In one process, alternating, median of the repeats:
  (a) `la.load(folder)`, the baseline of (b), standing for `la.national()`: reading and validating the folder;
  (b) `ds.select(company="Starbucks", since=...)` on the loaded folder; target b/a <= 0.2;
  (c) a bare `pandas.read_csv` of the five files, the baseline of (d);
  (d) `la.results(ds)` on a loaded folder (a fresh Dataset each time, so summary's cache never serves it);
      target d/c <= 1.5.
Exits 1 when a target is missed. Usage: .venv/bin/python benchmarks/bench_explore.py [--elections N] [--repeats N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from bench_summary import synthetic_tallies, write_folder

import labor_analysis as la
from labor_analysis.schema import TABLES

SELECT_TARGET = 0.2  # select / load
RESULTS_TARGET = 1.5  # results / bare read_csv
COMPANIES = ("Starbucks", "Amazon", "Trader Joe's", "REI", "Apple", "Chipotle")
STATES = ("NY", "CA", "WA", "IL", "PA")


def spread_companies(folder: Path, rng: np.random.Generator) -> None:
    """Give the synthetic folder's elections companies, employers and states, as a national record has."""
    path = folder / "elections.csv"
    elections = pd.read_csv(path, dtype=str, keep_default_na=False)
    company = rng.choice(COMPANIES, len(elections))
    elections["company"] = company
    elections["employer"] = [f"{name} Corporation" for name in company]
    elections["state"] = rng.choice(STATES, len(elections))
    elections.to_csv(path, index=False)


def bare_read(folder: Path) -> None:
    for table in TABLES:
        pd.read_csv(folder / table.filename)


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--elections", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(18)
    with tempfile.TemporaryDirectory(prefix="bench-explore-") as tmp:
        folder = Path(tmp) / "data"
        folder.mkdir()
        write_folder(folder, synthetic_tallies(args.elections, rng), rng)
        spread_companies(folder, rng)
        ds = la.load(folder)  # warm-up: imports and first reads
        la.results(ds)
        times: dict[str, list[float]] = {"load": [], "select": [], "read_csv": [], "results": []}
        for _ in range(args.repeats):
            times["load"].append(timed(lambda: la.load(folder)))
            times["select"].append(timed(lambda: ds.select(company="Starbucks", since="2018-01-01")))
            times["read_csv"].append(timed(lambda: bare_read(folder)))
            times["results"].append(timed(lambda: la.results(replace(ds))))
        chosen = len(ds.select(company="Starbucks", since="2018-01-01").elections)
    median = {name: statistics.median(values) for name, values in times.items()}
    select_ratio = median["select"] / median["load"]
    results_ratio = median["results"] / median["read_csv"]
    print(f"folder: {args.elections:,} elections; the selection keeps {chosen:,}; median of {args.repeats} runs")
    for name, value in median.items():
        print(f"  {name:<9} {value * 1000:8.1f} ms")
    print(f"select / load:       {select_ratio:.3f} (target <= {SELECT_TARGET})")
    print(f"results / read_csv:  {results_ratio:.3f} (target <= {RESULTS_TARGET})")
    return 0 if select_ratio <= SELECT_TARGET and results_ratio <= RESULTS_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
