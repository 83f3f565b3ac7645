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
    assert list(table.columns[-4:]) == ["unions", "winner", "kind", "unit"]
    assert table.loc["jfk8-2022", "winner"] == "ALU" and table.loc["jfk8-2022", "unions"] == 1
    assert pd.isna(table.loc["bhm1-2022", "winner"])  # empty: nobody has won


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
    assert "2,654" in jfk8 and "8,325" in jfk8 and "2654" not in jfk8  # counts as the prose writes them
    rdu1 = next(line for line in lines if "rdu1-2025" in line)
    assert "-1,618" in rdu1 and "n/a" in rdu1


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

    status, out, _ = run_cli(
        capsys, "scenario", "--yes", "5", "--no", "5", "--challenged", "3", "--yes-share", "0.5", "--overruled", "0.5"
    )
    assert status == 0
    expected = win_probability(5, 5, 3, 0.5, 0.5)
    assert f"wins with probability {expected:.1%}" in out
    assert "tied" in out and "are determinative" in out


def test_scenario_for_jfk8_is_not_determinative_and_gives_no_probability(capsys):
    status, out, _ = run_cli(capsys, "scenario", "--election", "jfk8-2022", "--yes-share", "0")
    assert status == 0
    assert out.startswith(
        "JFK8, Staten Island, N.Y. (ALU, initial tally of April 1, 2022): 2,654 yes, 2,131 no, 67 challenged."
    )
    assert "are not determinative" in out and "the union led by 523" in out
    assert "wins even if every one of them is a no vote" in out
    assert "The count decided it: the union won." in out
    assert "probability" not in out


def test_scenario_without_challenged_ballots_says_the_count_decided_it(capsys):
    status, out, _ = run_cli(capsys, "scenario", "--election", "ldj5-2022")
    assert status == 0
    assert "No ballots were challenged, so the count decided it: the union lost." in out
    assert "probability" not in out


def test_scenario_counts_have_thousands_separators(capsys):
    status, out, _ = run_cli(capsys, "scenario", "--yes", "12345", "--no", "12000", "--challenged", "1000")
    assert status == 0
    assert "12,345 yes, 12,000 no, 1,000 challenged" in out and "12345" not in out


def several(unions: dict[str, int], no: int, challenged: int) -> str:
    from labor_analysis.cli.scenario import Tally, describe

    return describe(Tally("a ballot", tuple(unions.items()), no, challenged), None, 1.0)


def test_scenario_on_a_ballot_with_several_unions_explains_instead_of_a_probability():
    out = several({"Teamsters": 2000, "SEIU": 1800}, 1500, 0)
    assert "a ballot with 2 unions: 2,000 for Teamsters, 1,800 for SEIU, 1,500 for no union, 0 challenged" in out
    assert "so the count decided it: no choice has a majority of the 5,300 valid votes" in out
    assert "run-off between Teamsters and SEIU" in out
    assert "none is given for a ballot with several unions" in out and "probability " not in out


@pytest.mark.parametrize(
    "unions, no, challenged, words",
    [
        ({"A": 300, "B": 100}, 150, 10, "not determinative, so the count decided it: A has a majority"),
        ({"A": 260, "B": 100}, 140, 20, "the 20 challenged ballots are determinative"),
        ({"A": 50, "B": 40}, 300, 0, "no union has a majority of the 390 valid votes and none wins"),
        ({"A": 90, "B": 200}, 180, 0, "run-off between B and no union"),
        ({"A": 100, "B": 50}, 50, 0, "a tie for second place leaves no clear two"),
    ],
)
def test_scenario_words_for_several_unions_follow_the_rules(unions, no, challenged, words):
    assert words in several(unions, no, challenged)


def test_scenario_on_a_tied_run_off_says_no_second_run_off_follows():
    from labor_analysis.cli.scenario import Tally, describe

    out = describe(Tally("a run-off", (("A", 20), ("B", 20)), 0, 0, runoff_allowed=False), None, 1.0)
    assert "no union has a majority of the 40 valid votes and none wins (this was the run-off" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--yes", "-1", "--no", "2", "--challenged", "3"], "argument --yes: not a whole number in digits alone"),
        (
            ["--yes", "1", "--no", "2", "--challenged", "3", "--yes-share", "1.2"],
            "argument --yes-share: must be a share between 0 and 1",
        ),
        (
            ["--yes", "1", "--no", "2", "--challenged", "3", "--overruled", "-0.5"],
            "argument --overruled: not a share written as a plain decimal",
        ),
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
        capture_output=True,
        text=True,
        check=False,
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


FIXTURE = Path(__file__).parent / "fixtures" / "nlrb-two-unions"


def test_summary_of_a_real_two_union_ballot_and_its_run_off(capsys):
    status, out, _ = run_cli(capsys, "summary", "--format", "csv", "--data-dir", str(FIXTURE))
    assert status == 0
    table = pd.read_csv(io.StringIO(out), keep_default_na=False).set_index("election_id")
    assert table.loc["backus-2018", ["yes", "no", "unions", "outcome", "winner", "margin"]].tolist() == [
        36,
        8,
        2,
        "runoff",
        "",
        "",
    ]
    assert table.loc["backus-runoff-2018", ["outcome", "kind", "unit"]].tolist() == ["won", "runoff", "A"]
    assert table.loc["backus-runoff-2018", "winner"] == "Eastern Connecticut Public Safety Independent Union"
    status, out, _ = run_cli(capsys, "summary", "--data-dir", str(FIXTURE))
    assert status == 0 and "runoff" in out and "Traceback" not in out


def test_scenario_on_a_real_two_union_ballot_explains_the_run_off(capsys):
    status, out, err = run_cli(capsys, "scenario", "--election", "backus-2018", "--data-dir", str(FIXTURE))
    assert status == 0, err
    assert "20 for Eastern Connecticut Public Safety Independent Union, 16 for International Union" in out
    assert "8 for no union, 0 challenged" in out
    assert "no choice has a majority of the 44 valid votes, and the NLRB holds a run-off between Eastern" in out
    assert "none is given for a ballot with several unions" in out
    status, out, _ = run_cli(capsys, "scenario", "--election", "backus-runoff-2018", "--data-dir", str(FIXTURE))
    assert status == 0
    assert "Eastern Connecticut Public Safety Independent Union has a majority of the 43 valid votes and wins" in out
