"""The benchmark scripts run end to end and print their ratios (a smoke test on small inputs: no timing is
asserted here; the targets are judged by `make bench`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from labor_analysis.paths import PROJECT_ROOT, nlrb_records_dir

BENCHMARKS = PROJECT_ROOT / "benchmarks"
FOIA = (nlrb_records_dir() or Path("/nonexistent")) / "NLRB-2022-000194_election_results_2017-2021.xlsx"


def run_benchmark(*args: str) -> str:
    """The output of one benchmark script; exit status 1 (a target missed, likely on tiny inputs) is accepted."""
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=BENCHMARKS, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def test_summary_benchmark_runs() -> None:
    out = run_benchmark("bench_summary.py", "--elections", "300", "500", "--repeats", "1")
    assert out.count("ratio of CPU times:") == 2 and out.count("of wall times:") == 2  # one per size asked
    assert out.count("ratio of peak memory:") == 2 and out.count(" MiB peak") == 4
    assert "300 elections, 1,200 tally rows" in out and "500 elections, 2,000 tally rows" in out
    assert out.count("cores, load average") == 4  # the machine beside each size's figures, before and after


@pytest.mark.slow
@pytest.mark.skipif(not FOIA.is_file(), reason="the NLRB's FOIA table is not in ../shared/nlrb/")
def test_import_benchmark_runs() -> None:
    out = run_benchmark("bench_import.py", "--foia", str(FOIA), "--repeats", "1")
    assert out.count("ratio ") == 4 and "of wall times" in out  # the FOIA table, its summary, every file, national()
    assert "import-nlrb of all 14 NLRB files" in out and "labor_analysis.national()" in out


def test_scenario_benchmark_runs() -> None:
    out = run_benchmark("bench_scenario.py", "--repeats", "1")
    assert out.startswith("baseline (10 yes, 5 no, 3 challenged):") and out.count(" s CPU (") == 5
