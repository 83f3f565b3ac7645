"""`la.results` (issue 18): summary's counts and rules joined to who, where, which unions and case, on any valid
folder; `labor-analysis summary` prints the same rows and columns, `--columns` fewer."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from strategies import Folder, data_folders

import labor_analysis as la
from labor_analysis.cli import main
from labor_analysis.results import RESULTS_COLUMNS


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(folder=data_folders(max_elections=5))
def test_results_are_summary_with_the_elections_details(folder: Folder) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ds = la.load(folder.write(Path(tmp) / "data"))
    table = la.results(ds)
    base = la.summary(ds)
    assert list(table.columns) == RESULTS_COLUMNS
    assert list(table["election_id"]) == list(base["election_id"])
    for name in ("yes", "no", "void", "challenged", "turnout", "margin", "outcome", "determinative", "winner"):
        pd.testing.assert_series_equal(table[name], base[name], check_dtype=False)
    rows = {row["election_id"]: row for row in folder.tables["elections"]}
    left_out = folder.left_out["elections"]
    for _, result in table.iterrows():
        row = rows[result["election_id"]]
        company = "" if "company" in left_out else row["company"]
        assert result["company"] == (company or row["employer"])
        assert (result["city"] if pd.notna(result["city"]) else "") == row["city"]
        case = "" if "case_number" in left_out else row["case_number"]
        assert (result["case_type"] if pd.notna(result["case_type"]) else "") == (case.split("-")[1] if case else "")
        unions = [t["union"] for t in folder.tables["tallies"] if t["election_id"] == row["election_id"] and t["union"]]
        assert result["union"].split("; ") == (list(dict.fromkeys(unions)) or [row["union"]])
        if pd.notna(result["yes_share"]):
            assert result["no_share"] == pytest.approx(1 - result["yes_share"])


def test_results_of_a_selection_are_its_rows() -> None:
    ds = la.load()
    whole = la.results(ds)
    part = la.results(ds.select(state="NY"))
    assert list(part["election_id"]) == list(whole.loc[whole["state"] == "NY", "election_id"])
    assert set(part["certified"]) <= {"won", "lost", ""}


def test_summary_command_prints_results_and_fewer_columns(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", "--format", "csv", "--company", "AMAZON", "--columns", "election_id,city,yes,outcome"]) == 0
    printed = pd.read_csv(io.StringIO(capsys.readouterr().out))
    expected = la.results(la.load())[["election_id", "city", "yes", "outcome"]]
    assert list(printed.columns) == list(expected.columns)
    assert printed.astype(str).values.tolist() == expected.astype(str).values.tolist()
    assert main(["summary", "--columns", "election_id,colour"]) == 2
    assert "unknown column colour" in capsys.readouterr().err
