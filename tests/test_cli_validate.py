"""`labor-analysis validate`: OK with a row count per file (exit 0), or every problem and exit 2, never a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from labor_analysis.cli import main
from labor_analysis.paths import DATA_ENV
from labor_analysis.schema import TABLES


def console_script() -> str:
    """The installed `labor-analysis` command of this interpreter's environment."""
    script = Path(sys.executable).with_name("labor-analysis")
    return str(script) if script.exists() else shutil.which("labor-analysis") or "labor-analysis"


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != DATA_ENV}
    return subprocess.run([console_script(), *args], cwd=cwd, env=env, capture_output=True, text=True)


def row_counts(folder: Path) -> dict[str, int]:
    """Data rows per file, counted independently of the package (no quoted line breaks in the project's files)."""
    return {t.filename: len((folder / t.filename).read_text(encoding="utf-8").splitlines()) - 1 for t in TABLES}


def test_ok_with_row_counts(project_data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--data-dir", str(project_data_dir)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"OK: {project_data_dir.resolve()}"
    for filename, rows in row_counts(project_data_dir).items():
        assert any(line.split() == [filename, str(rows), "rows"] for line in out.splitlines()), filename


def test_console_script_defaults_to_the_project_data(tmp_path: Path, project_data_dir: Path) -> None:
    done = run_cli("validate", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"OK: {project_data_dir.resolve()}\n")
    assert "tallies.csv" in done.stdout and "28 rows" in done.stdout


def test_broken_copy_lists_every_problem_and_exits_2(data_copy: Path) -> None:
    tallies = data_copy / "tallies.csv"
    text = tallies.read_text(encoding="utf-8")
    tallies.write_text(text.replace("jfk8-2022,initial,yes,2654", "jfk8-2022,initial,yes,lots"), encoding="utf-8")
    elections = data_copy / "elections.csv"
    elections.write_text(
        elections.read_text(encoding="utf-8").replace(",in_person,2022-04-25", ",by_phone,2022-04-25"), encoding="utf-8"
    )
    done = run_cli("validate", "--data-dir", str(data_copy))
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    assert "2 problem(s)" in done.stderr
    assert "elections.csv, line 5, column 'voting_method'" in done.stderr
    assert "tallies.csv, line 10, column 'ballots': not a whole number in digits alone" in done.stderr
    assert "(value 'lots')" in done.stderr
    assert "OK" not in done.stdout


@pytest.mark.parametrize("breakage", ["missing folder", "empty file", "binary file", "missing column"])
def test_unreadable_input_exits_2_without_traceback(data_copy: Path, breakage: str) -> None:
    folder = data_copy
    if breakage == "missing folder":
        folder = data_copy / "nowhere"
    elif breakage == "empty file":
        (data_copy / "sources.csv").write_bytes(b"")
    elif breakage == "binary file":
        (data_copy / "sources.csv").write_bytes(bytes(range(256)))
    else:
        (data_copy / "workforce.csv").write_text("election_id,measure\njfk8-2022,organizers\n", encoding="utf-8")
    done = run_cli("validate", "--data-dir", str(folder))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "Error" not in done.stderr
    if breakage == "missing folder":  # one wording across commands
        assert done.stderr == f"labor-analysis validate: error: data folder not found: {folder}\n"
    else:
        assert "problem(s) in the data folder" in done.stderr


@pytest.mark.slow
def test_a_100_mb_file_broken_on_every_line(data_copy: Path) -> None:
    """Millions of problems: 200 listed and a count of the rest, in bounded memory, never a traceback."""
    import resource

    row = "jfk8-2022,initial,yes,lots,law360-2022-04-01,\n"
    with open(data_copy / "tallies.csv", "w", encoding="utf-8") as handle:
        handle.write("election_id,stage,choice,ballots,source_id,note\n")
        handle.write(row * (100_000_000 // len(row)))
    done = run_cli("validate", "--data-dir", str(data_copy))
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 202 and lines[-1].startswith("  ... and ") and lines[-1].endswith(" more problems")
    assert peak_mib < 1500, f"peak memory {peak_mib:.0f} MiB"
