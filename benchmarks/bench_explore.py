"""Benchmark exploring the largest folder we ship (issue 18): `Dataset.select` against `la.national()`, and
`la.results` against a bare `pandas.read_csv` of the national folder's files, as ratios measured in one run.

On the national record (`data/national/`, 17,569 elections; with `--synthetic N`, the synthetic folder of
`bench_summary.py` with N elections spread over six companies, `la.load` standing for `la.national()`). In one
process, alternating, median of the repeats:
  (a) `la.national()`: reading and validating the record, the baseline of (b);
  (b) `record.select(company="Starbucks")` on the loaded record; target b/a <= 0.2;
  (c) a bare `pandas.read_csv` of its five files, the baseline of (d);
  (d) `la.results(record)` (a fresh Dataset each time, so summary's cache never serves it); target d/c <= 1.5.
Exits 1 when a target is missed. Usage: .venv/bin/python benchmarks/bench_explore.py [--synthetic N] [--repeats N]
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

SELECT_TARGET = 0.2  # select / la.national()
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
        plain = folder / table.filename
        pd.read_csv(plain if plain.exists() else plain.with_name(f"{table.filename}.gz"))


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--synthetic", type=int, default=None, metavar="N", help="a synthetic folder of N elections")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-explore-") as tmp:
        if args.synthetic:
            rng = np.random.default_rng(18)
            folder = Path(tmp) / "data"
            folder.mkdir()
            write_folder(folder, synthetic_tallies(args.synthetic, rng), rng)
            spread_companies(folder, rng)
            read_record: Callable[[], la.Dataset] = lambda: la.load(folder)  # noqa: E731
        else:
            read_record = la.national
        ds = read_record()  # warm-up: imports and first reads
        folder = ds.data_dir
        la.results(ds)
        times: dict[str, list[float]] = {"national": [], "select": [], "read_csv": [], "results": []}
        for _ in range(args.repeats):
            times["national"].append(timed(read_record))
            times["select"].append(timed(lambda: ds.select(company="Starbucks")))
            times["read_csv"].append(timed(lambda: bare_read(folder)))
            times["results"].append(timed(lambda: la.results(replace(ds))))
        chosen = len(ds.select(company="Starbucks").elections)
    median = {name: statistics.median(values) for name, values in times.items()}
    select_ratio = median["select"] / median["national"]
    results_ratio = median["results"] / median["read_csv"]
    print(f"{folder}: {len(ds.elections):,} elections; Starbucks: {chosen:,}; median of {args.repeats} runs")
    for name, value in median.items():
        print(f"  {name:<9} {value * 1000:8.1f} ms")
    print(f"select / national:   {select_ratio:.3f} (target <= {SELECT_TARGET})")
    print(f"results / read_csv:  {results_ratio:.3f} (target <= {RESULTS_TARGET})")
    whole = (median["national"] + median["results"]) / median["read_csv"]
    print(f"(national() + results) / read_csv: {whole:.3f} (no target: reading with validation, then results)")
    return 0 if select_ratio <= SELECT_TARGET and results_ratio <= RESULTS_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
