"""`labor-analysis summary` and `labor-analysis scenario`, through main(argv) and one real subprocess."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from labor_analysis.cli import main

CONSOLE_SCRIPT = str(Path(sys.executable).parent / "labor-analysis")


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_summary_csv_has_one_row_per_election(capsys, project_data_dir):
    status, out, _ = run_cli(capsys, "summary", "--format", "csv", "--data-dir", str(project_data_dir))
    assert status == 0
    table = pd.read_csv(io.StringIO(out)).set_index("election_id")
    assert len(table) == 7
    assert table.loc["bhm1-2022", "outcome"] == "undetermined"
    assert table.loc["bhm1-2022", "yes_needed"] == 268
    assert table.loc["jfk8-2022", "margin"] == 523
    assert pd.isna(table.loc["rdu1-2025", "turnout"])


def test_summary_json_records_use_iso_dates_and_null_for_missing(capsys):
    status, out, _ = run_cli(capsys, "summary", "--format", "json")
    assert status == 0
    records = {r["election_id"]: r for r in json.loads(out)}
    assert records["jfk8-2022"]["count_date"] == "2022-04-01"
    assert records["jfk8-2022"]["determinative"] is False
    assert records["wfm-phl-2025"]["challenged"] is None
    assert records["wfm-phl-2025"]["complete"] is False


def test_summary_table_is_aligned_text(capsys):
    status, out, _ = run_cli(capsys, "summary")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["election_id", "facility", "union"]
    assert len(lines) == 8
    assert len({len(line) for line in lines}) == 1  # every row padded to the same width
    jfk8 = next(line for line in lines if "jfk8-2022" in line)
    assert "55.5%" in jfk8 and "won" in jfk8


def test_summary_csv_neutralises_hostile_names(capsys, data_copy):
    elections = pd.read_csv(data_copy / "elections.csv", dtype=str, keep_default_na=False)
    elections.loc[elections["election_id"] == "jfk8-2022", "facility"] = '=HYPERLINK("http://x.example")'
    elections.to_csv(data_copy / "elections.csv", index=False)
    status, out, _ = run_cli(capsys, "summary", "--format", "csv", "--data-dir", str(data_copy))
    assert status == 0
    table = pd.read_csv(io.StringIO(out)).set_index("election_id")
    assert table.loc["jfk8-2022", "facility"] == '\'=HYPERLINK("http://x.example")'


def test_summary_on_a_broken_folder_exits_2(capsys, data_copy):
    (data_copy / "tallies.csv").unlink()
    status, _, err = run_cli(capsys, "summary", "--data-dir", str(data_copy))
    assert status == 2
    assert "tallies.csv" in err


def test_scenario_for_bessemer_in_words(capsys):
    status, out, _ = run_cli(capsys, "scenario", "--election", "bhm1-2022")
    assert status == 0
    assert "are determinative" in out and "the union trailed by 118" in out
    assert "needs 268 of them (64.4%)" in out and "1,143 to 1,141" in out
    assert "46.8%, the yes share of the counted ballots" in out  # 875 / 1868, said to be the default


def test_scenario_for_a_leading_union_that_is_still_undetermined(capsys):
    # 30 challenged ballots against a lead of 20: determinative, yet the union leads on the count.
    status, out, _ = run_cli(capsys, "scenario", "--yes", "400", "--no", "380", "--challenged", "30")
    assert status == 0
    assert "are determinative" in out and "the union led by 20" in out and "trailed" not in out
    assert "needs 6 of them" in out and "406 to 404" in out  # 400 + 6 > 380 + 24


def test_scenario_probability_matches_the_library(capsys):
    from labor_analysis import win_probability

    status, out, _ = run_cli(capsys, "scenario", "--yes", "5", "--no", "5", "--challenged", "3",
                             "--yes-share", "0.5", "--overruled", "0.5")
    assert status == 0
    expected = win_probability(5, 5, 3, 0.5, 0.5)
    assert f"wins with probability {expected:.1%}" in out
    assert "tied" in out and "are determinative" in out


def test_scenario_for_jfk8_is_not_determinative(capsys):
    status, out, _ = run_cli(capsys, "scenario", "--election", "jfk8-2022", "--yes-share", "0")
    assert status == 0
    assert "are not determinative" in out and "the union led by 523" in out
    assert "wins even if every one of them is a no vote" in out
    assert "wins with probability 100%" in out
    assert "counted ballots" not in out  # the share was given


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--yes", "-1", "--no", "2", "--challenged", "3"], "--yes must not be negative"),
        (["--yes", "1", "--no", "2", "--challenged", "3", "--yes-share", "1.2"], "--yes-share must be a share"),
        (["--yes", "1", "--no", "2", "--challenged", "3", "--overruled", "-0.5"], "--overruled must be a share"),
        (["--election", "nope-2030"], "unknown election 'nope-2030'"),
        (["--election", "jfk8-2022", "--yes", "3"], "not both"),
        (["--yes", "1", "--no", "2"], "missing --challenged"),
        (["--election", "wfm-phl-2025"], "never reported"),
    ],
)
def test_scenario_bad_arguments_give_one_line_and_exit_2(capsys, argv, message):
    status, out, err = run_cli(capsys, "scenario", *argv)
    assert status == 2
    assert out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_console_script_runs_in_a_subprocess():
    result = subprocess.run(
        [CONSOLE_SCRIPT, "scenario", "--yes", "875", "--no", "993", "--challenged", "416"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "needs 268 of them" in result.stdout


def test_summary_cli_does_not_import_scipy():
    code = (
        "import sys; from labor_analysis.cli import main; "
        "main(['summary', '--format', 'csv']); print('scipy' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().endswith("False")
