"""Benchmark `labor-analysis scenario` on its worst inputs: time and peak memory against `scenario` on a small tally.

Each command runs in a fresh process; its CPU time and peak resident memory come from `resource.getrusage`
(RUSAGE_CHILDREN, measured around that one child). The worst inputs are the data contract's largest counts
(10,000,000 challenged ballots) in a tie, a near-tie and a small share overruled. Targets (issue #21): every
run at most 1 s of CPU beyond the small tally's, and at most 500 MB of peak memory. Exits 1 when one is missed.
Usage: .venv/bin/python benchmarks/bench_scenario.py [--repeats N]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
from pathlib import Path

CLI = str(Path(sys.executable).with_name("labor-analysis"))
BASELINE = ["--yes", "10", "--no", "5", "--challenged", "3"]
WORST = {
    "tie, 10,000,000 challenged": ["--yes", "1", "--no", "1", "--challenged", "10000000"],
    "near-tie, half overruled": ["--yes", "10", "--no", "5", "--challenged", "10000000", "--overruled", "0.5"],
    "10,000,000 each": ["--yes", "10000000", "--no", "10000000", "--challenged", "10000000", "--yes-share", "0.5"],
    "few overruled": ["--yes", "5", "--no", "5", "--challenged", "10000000", "--overruled", "0.01"],
    "refused: 3,000,000,000": ["--yes", "10", "--no", "5", "--challenged", "3000000000"],
}
CPU_TARGET_S = 1.0
MEMORY_TARGET_MB = 500


def measured(argv: list[str]) -> tuple[float, float]:
    """CPU seconds and peak memory (MB) of one `labor-analysis scenario` run in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([CLI, "scenario", *argv], capture_output=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return cpu, after.ru_maxrss / 1024  # the largest child so far: runs go from small to large


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    base = min(measured(BASELINE)[0] for _ in range(args.repeats))
    print(f"baseline (10 yes, 5 no, 3 challenged): {base:.2f} s CPU")
    failed = False
    for name, argv in WORST.items():
        cpu = min(measured(argv)[0] for _ in range(args.repeats))
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        extra = cpu - base
        ok = extra <= CPU_TARGET_S and peak <= MEMORY_TARGET_MB
        failed |= not ok
        verdict = "ok" if ok else "MISSED"
        print(f"{name}: {cpu:.2f} s CPU ({extra:+.2f} s over the baseline), peak so far {peak:.0f} MB {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
