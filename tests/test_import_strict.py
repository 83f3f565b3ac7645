"""`import-nlrb` reads counts and dates strictly (issue #21, reproducers 1-3): a cell the data contract would
reject stops the import with file, row, column and value, exit 2, and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from nlrb_synthetic import foia_row, recent_row, write_foia, write_recent

from labor_analysis.cli import main
from labor_analysis.nlrb.tally_rows import count_value
from labor_analysis.schema import MAX_COUNT

BAD_COUNT_TEXT = ["5e3", "1_000", "+5", "-5", "5.0", "5.5", "0x10", "\u0665", "1,00", "True", "inf", "nan", str(2**63)]


@pytest.mark.parametrize("cell", BAD_COUNT_TEXT)
def test_count_text_must_be_a_decimal_numeral(cell):
    with pytest.raises(ValueError):
        count_value(cell)


@pytest.mark.parametrize("cell", [True, False, 2.0**63, 2.0**64, 2**63, 2**64, 5.5, float("inf"), -1.0])
def test_workbook_cells_that_are_no_count(cell):
    with pytest.raises(ValueError):
        count_value(cell)


@pytest.mark.parametrize(
    ("cell", "value"), [("12", 12), (" 12 ", 12), ("1,234", 1234), (12.0, 12), (12, 12), ("", None), (None, None)]
)
def test_counts_that_are_read(cell, value):
    assert count_value(cell) == value


def test_the_contract_bound_is_the_limit():
    assert count_value(MAX_COUNT) == MAX_COUNT
    assert count_value(str(MAX_COUNT)) == MAX_COUNT
    with pytest.raises(ValueError, match="maximum"):
        count_value(MAX_COUNT + 1)


def _import(tmp_path: Path, path: Path, capsys) -> tuple[int, str]:
    code = main(["import-nlrb", str(path), "--out", str(tmp_path / "out")])
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("column", "value", "shown"),
    [
        ("Votes For Labor Org1", "5e3", "'5e3'"),  # reproducer 1, as a text cell of the workbook
        ("Votes For Labor Org1", True, "True"),  # reproducer 1: a true/false cell is not 1
        ("Num Challenged Ballots", 2**63, "9.223372036854776e+18"),  # reproducer 2
        ("Votes Cast Against Labor Org", 2**64, "1.8446744073709552e+19"),  # reproducer 2
        ("Num Eligible Voters", MAX_COUNT + 1, "10000001"),  # reproducer 3: over the contract's bound
    ],
)
def test_a_foia_cell_outside_the_contract_stops_the_import(tmp_path, capsys, column, value, shown):
    row = foia_row("01-RC-000001", "2020-01-15", eligible=6)
    row[column] = value
    path = write_foia(tmp_path / "foia.xlsx", [foia_row("01-RC-000002", "2020-01-16"), row])
    code, err = _import(tmp_path, path, capsys)
    assert code == 2 and len(err.splitlines()) == 1
    assert f"foia.xlsx, row 6, column '{column}'" in err and shown in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("value", ["5e3", "1_000", "+5", "9223372036854775808", "18446744073709551616", "10000001"])
def test_a_download_cell_outside_the_contract_stops_the_import(tmp_path, capsys, value):
    rows = [recent_row("06-RC-000001", "2021-01-05"), recent_row("06-RC-000002", "2021-01-06", no=value)]
    path = write_recent(tmp_path / "recent_2023-01-01.csv", rows)
    code, err = _import(tmp_path, path, capsys)
    assert code == 2 and len(err.splitlines()) == 1
    assert "record 2, column 'Votes Against'" in err and repr(value) in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("day", ["1935-07-04", "1900-01-01"])
def test_a_tally_date_before_the_act_stops_the_import(tmp_path, capsys, day):
    """Reproducer 3: a tally date before the National Labor Relations Act, which `validate` would reject."""
    rows = [recent_row("06-RC-000001", day)]
    path = write_recent(tmp_path / "recent_2023-01-01.csv", rows)
    code, err = _import(tmp_path, path, capsys)
    assert code == 2 and "record 1, column 'Tally Date'" in err and "1935-07-05" in err
    assert not (tmp_path / "out").exists()


def test_a_wild_serial_date_is_a_problem_not_a_traceback(tmp_path, capsys):
    row = foia_row("01-RC-000001", "2020-01-15")
    row["Tally Date"] = 1e20
    path = write_foia(tmp_path / "foia.xlsx", [row])
    code, err = _import(tmp_path, path, capsys)
    assert code == 2 and "row 5, column 'Tally Date'" in err and "Traceback" not in err
