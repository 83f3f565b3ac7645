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
    out = run_benchmark("bench_summary.py", "--elections", "300", "--repeats", "1")
    assert "ratio of CPU times:" in out and "of wall times:" in out
    assert "300 elections, 1,200 tally rows" in out


@pytest.mark.slow
@pytest.mark.skipif(not FOIA.is_file(), reason="the NLRB's FOIA table is not in ../shared/nlrb/")
def test_import_benchmark_runs() -> None:
    out = run_benchmark("bench_import.py", "--foia", str(FOIA), "--repeats", "1")
    assert out.count("ratio ") == 4 and "of wall times" in out  # the FOIA table, its summary, every file, national()
    assert "import-nlrb of all 14 NLRB files" in out and "labor_analysis.national()" in out
