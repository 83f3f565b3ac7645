"""Benchmark `labor-analysis rerun` against executing the notebooks one after another with `jupyter nbconvert`.

In one run, on the same machine and data, each pair times:
  (a) `jupyter nbconvert --to notebook --execute` on each notebook in turn (the sequential baseline);
  (b) `labor-analysis rerun --force` on all notebooks (one job per core unless --jobs);
  (c) `labor-analysis rerun` again with nothing changed (every notebook skipped; the median of three runs).
Wall and CPU time (this process's children: every process of the command, kernels included) are printed for
each; the ratios b/a and c/b are taken pair by pair, and their medians judged against the targets, on wall time
(what a user waits for: the parallel rerun does more work per second, not less work): b/a <= 0.35, c/b <= 0.02.
The CPU ratios are printed beside them. The machine (CPU model, cores) and its load average, before and after,
are printed too: on a shared machine the same run gives other figures.
Exits 1 when a target is missed.
Usage: .venv/bin/python benchmarks/bench_rerun.py [--pairs N] [--jobs N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from labor_analysis import paths
from labor_analysis.rerun import find_notebooks

BIN = Path(sys.executable).parent
FORCED_TARGET = 0.35  # forced rerun / sequential nbconvert, wall time
UNCHANGED_TARGET = 0.02  # unchanged rerun / forced rerun, wall time
UNCHANGED_RUNS = 3  # unchanged reruns per pair (they take a fraction of a second): their median


class Timing(NamedTuple):
    wall: float
    cpu: float


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], env: dict[str, str]) -> tuple[Timing, str]:
    """Wall and CPU seconds `cmd` takes (with every process it started) and what it printed; stops when it fails."""
    cpu_before, started = _children_cpu(), time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    timing = Timing(time.perf_counter() - started, _children_cpu() - cpu_before)
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stdout}\n{done.stderr}")
    return timing, done.stdout


def nbconvert_cmd(notebook: Path, out_dir: Path) -> list[str]:
    return [
        str(BIN / "jupyter"),
        "nbconvert",
        "--to",
        "notebook",
        "--execute",
        str(notebook),
        "--output-dir",
        str(out_dir),
        "--output",
        notebook.stem,
    ]


def machine() -> str:
    """CPU model and cores, as the benchmark's figures depend on them."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.partition(":")[2].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, Python {sys.version.split()[0]} on {sys.platform}"


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5, help="pairs (a, b, c) to take the median of (default 5)")
    parser.add_argument("--jobs", type=int, default=None, help="passed to labor-analysis rerun (default: one per core)")
    args = parser.parse_args()
    pairs = max(args.pairs, 1)

    notebooks = find_notebooks()
    data_dir = paths.resolve_data_dir()
    print(f"machine: {machine()}")
    print(f"load average before (1, 5, 15 min): {load_average()}")
    print(f"notebooks: {len(notebooks)}, jobs: {args.jobs or os.cpu_count()}, pairs: {pairs}", flush=True)
    baseline: list[Timing] = []
    forced: list[Timing] = []
    unchanged: list[Timing] = []
    with tempfile.TemporaryDirectory(prefix="bench-rerun-") as tmp:
        work = Path(tmp)
        # Charts the notebooks export land in the temporary folder, not in the project's build/.
        env = dict(os.environ, **{paths.DATA_ENV: str(data_dir), paths.BUILD_ENV: str(work / "build")})
        timed(nbconvert_cmd(notebooks[0], work / "warm-up"), env)  # fill the OS and font caches, untimed

        rerun_cmd = [str(BIN / "labor-analysis"), "rerun", "--data-dir", str(data_dir), "--out", str(work / "rerun")]
        if args.jobs is not None:
            rerun_cmd += ["--jobs", str(args.jobs)]
        for pair in range(1, pairs + 1):
            one_by_one = [timed(nbconvert_cmd(nb, work / "baseline"), env)[0] for nb in notebooks]
            baseline.append(Timing(sum(t.wall for t in one_by_one), sum(t.cpu for t in one_by_one)))
            forced.append(timed([*rerun_cmd, "--force"], env)[0])
            runs = []
            for _ in range(UNCHANGED_RUNS):
                timing, printed = timed(rerun_cmd, env)
                if any(line.startswith("ran") for line in printed.splitlines()):
                    print("warning: the package or data changed during the benchmark, so (c) reran notebooks")
                runs.append(timing)
            unchanged.append(Timing(median([t.wall for t in runs]), median([t.cpu for t in runs])))
            print(
                f"pair {pair}: (a) {baseline[-1].wall:6.2f} s wall {baseline[-1].cpu:6.2f} s CPU | "
                f"(b) {forced[-1].wall:6.2f} s wall {forced[-1].cpu:6.2f} s CPU | "
                f"(c) {unchanged[-1].wall:5.2f} s wall {unchanged[-1].cpu:5.2f} s CPU | "
                f"load {load_average()}",
                flush=True,
            )

    def ratios(numerators: list[Timing], denominators: list[Timing], part: str) -> float:
        return median([getattr(n, part) / getattr(d, part) for n, d in zip(numerators, denominators)])

    forced_wall, forced_cpu = ratios(forced, baseline, "wall"), ratios(forced, baseline, "cpu")
    unchanged_wall, unchanged_cpu = ratios(unchanged, forced, "wall"), ratios(unchanged, forced, "cpu")
    forced_ok, unchanged_ok = forced_wall <= FORCED_TARGET, unchanged_wall <= UNCHANGED_TARGET
    print(f"load average after: {load_average()}")
    print(f"medians of {pairs} pair(s):")
    for label, timings in (
        ("(a) nbconvert --execute, one after another", baseline),
        ("(b) labor-analysis rerun --force          ", forced),
        ("(c) labor-analysis rerun, nothing changed ", unchanged),
    ):
        print(f"{label}: {median([t.wall for t in timings]):7.2f} s wall {median([t.cpu for t in timings]):7.2f} s CPU")
    print(
        f"b/a: wall {forced_wall:.3f} (target <= {FORCED_TARGET}) {'ok' if forced_ok else 'MISSED'}; "
        f"CPU {forced_cpu:.3f}"
    )
    print(
        f"c/b: wall {unchanged_wall:.3f} (target <= {UNCHANGED_TARGET}) {'ok' if unchanged_ok else 'MISSED'}; "
        f"CPU {unchanged_cpu:.3f}"
    )
    return 0 if forced_ok and unchanged_ok else 1


if __name__ == "__main__":
    sys.exit(main())
