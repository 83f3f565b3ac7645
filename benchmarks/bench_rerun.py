"""Benchmark `labor-analysis rerun` against executing the notebooks one after another with `jupyter nbconvert`.

In one run, on the same machine and data, it times:
  (a) `jupyter nbconvert --to notebook --execute` on each notebook in turn (the sequential baseline);
  (b) `labor-analysis rerun --force` on all notebooks (parallel, one job per core);
  (c) `labor-analysis rerun` again with nothing changed (every notebook skipped).
Targets: b/a <= 0.75 (on 2 cores) and c/b <= 0.10. Prints the figures; exits 1 when a target is missed.
Usage: .venv/bin/python benchmarks/bench_rerun.py [--jobs N] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from labor_analysis import paths
from labor_analysis.rerun import find_notebooks

BIN = Path(sys.executable).parent
FORCED_TARGET = 0.75  # forced parallel rerun / sequential baseline
UNCHANGED_TARGET = 0.10  # unchanged rerun / forced rerun


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Seconds `cmd` takes and what it printed; stops the benchmark when it fails."""
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=None, help="passed to labor-analysis rerun (default: one per core)")
    parser.add_argument("--repeat", type=int, default=1, help="time each step this many times and keep the best")
    args = parser.parse_args()

    notebooks = find_notebooks()
    data_dir = paths.resolve_data_dir()
    with tempfile.TemporaryDirectory(prefix="bench-rerun-") as tmp:
        work = Path(tmp)
        # Charts the notebooks export land in the temporary folder, not in the project's build/.
        env = dict(os.environ, **{paths.DATA_ENV: str(data_dir), paths.BUILD_ENV: str(work / "build")})
        timed(nbconvert_cmd(notebooks[0], work / "warm-up"), env)  # fill the OS and font caches, untimed

        rerun_cmd = [str(BIN / "labor-analysis"), "rerun", "--data-dir", str(data_dir), "--out", str(work / "rerun")]
        if args.jobs is not None:
            rerun_cmd += ["--jobs", str(args.jobs)]
        baseline, forced, unchanged, printed = float("inf"), float("inf"), float("inf"), ""
        for _ in range(max(args.repeat, 1)):
            baseline = min(baseline, sum(timed(nbconvert_cmd(nb, work / "baseline"), env)[0] for nb in notebooks))
            forced = min(forced, timed([*rerun_cmd, "--force"], env)[0])
            seconds, output = timed(rerun_cmd, env)
            if seconds < unchanged:
                unchanged, printed = seconds, output
    if any(line.startswith("ran") for line in printed.splitlines()):
        print("warning: the package or data changed during the benchmark, so (c) reran notebooks:\n" + printed)

    forced_ratio, unchanged_ratio = forced / baseline, unchanged / forced
    forced_ok, unchanged_ok = forced_ratio <= FORCED_TARGET, unchanged_ratio <= UNCHANGED_TARGET
    print(
        f"notebooks: {len(notebooks)}, cores: {os.cpu_count()}, jobs: {args.jobs or os.cpu_count()}, "
        f"best of {max(args.repeat, 1)}"
    )
    print(f"(a) nbconvert --execute, one after another: {baseline:7.2f} s")
    print(f"(b) labor-analysis rerun --force:            {forced:7.2f} s")
    print(f"(c) labor-analysis rerun, nothing changed:   {unchanged:7.2f} s")
    print(f"b/a = {forced_ratio:.3f} (target <= {FORCED_TARGET})  {'ok' if forced_ok else 'MISSED'}")
    print(f"c/b = {unchanged_ratio:.3f} (target <= {UNCHANGED_TARGET})  {'ok' if unchanged_ok else 'MISSED'}")
    return 0 if forced_ok and unchanged_ok else 1


if __name__ == "__main__":
    sys.exit(main())
