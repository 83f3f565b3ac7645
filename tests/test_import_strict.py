"""`import-nlrb` reads counts and dates strictly (issue #21, reproducers 1-3): a cell the data contract would
reject stops the import with file, row, column and value, exit 2, and nothing written."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nlrb_synthetic import foia_row, recent_row, write_foia, write_recent

from labor_analysis.cli import main
from labor_analysis.nlrb import checked_folder, import_files
from labor_analysis.nlrb.tally_rows import count_value
from labor_analysis.paths import nlrb_records_dir
from labor_analysis.schema import MAX_COUNT
from labor_analysis.validation import Report

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
    assert f"foia.xlsx, sheet 'Sheet1', row 6, column '{column}'" in err and shown in err
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


# --- the folder is checked with `validate`'s contract before anything is written (issue #21, reproducers 3, 5) ---


def test_a_union_name_the_loader_would_refuse_stops_the_import(tmp_path, capsys):
    """Reproducer 3: a 200 KB union name; `validate` refuses cells over loading.MAX_CELL_BYTES."""
    from labor_analysis.loading import MAX_CELL_BYTES

    rows = [recent_row("06-RC-000001", "2021-01-05", unions=("U" * (MAX_CELL_BYTES + 1),))]
    path = write_recent(tmp_path / "recent_2023-01-01.csv", rows)
    code, err = _import(tmp_path, path, capsys)
    assert code == 2 and len(err.splitlines()) == 1
    assert "nothing was written" in err and "column 'union'" in err and "06-rc-000001-2021" in err
    assert "recent_2023-01-01.csv row(s) 1" in err
    assert not (tmp_path / "out").exists()


def test_check_names_the_file_line_column_and_input_rows(tmp_path):
    """The check reads the bytes about to be written exactly as `validate` would, and names the input rows."""
    from labor_analysis.nlrb import checked_folder, import_files

    path = write_recent(tmp_path / "recent_2023-01-01.csv", [recent_row("06-RC-000001", "2021-01-05")])
    import_files([path], tmp_path / "out")
    files = {p.name: p.read_bytes() for p in (tmp_path / "out").glob("*.csv")}
    checked_folder.check(files, str)  # what the import wrote passes
    lines = files["tallies.csv"].decode().splitlines()
    broken = lines[4].split(",")
    broken[4] = str(MAX_COUNT + 1)  # the challenged ballots, over the bound
    files["tallies.csv"] = "\n".join([*lines[:4], ",".join(broken), *lines[5:]]).encode() + b"\n"
    with pytest.raises(checked_folder.ImportContractError) as caught:
        checked_folder.check(files, lambda election: f"input rows of {election}")
    message = str(caught.value)
    assert "tallies.csv line 5, column 'ballots'" in message and "more than the maximum" in message
    assert "[election 06-rc-000001-2021, from input rows of 06-rc-000001-2021]" in message


def test_formula_like_names_are_written_as_the_nlrb_spelt_them_and_counted(tmp_path, capsys):
    """Reproducer 5: the data folder keeps the NLRB's text (it is data); the report counts what a spreadsheet
    would run, and every output CSV neutralises it."""
    from labor_analysis import load
    from labor_analysis.nlrb import checked_folder

    rows = [
        foia_row("01-RC-000001", "2021-01-05", unions=("+cmd",)),
        foia_row("01-RC-000002", "2021-01-06", unions=("@SUM(1)",)),
    ]
    path = write_foia(tmp_path / "foia.xlsx", rows)
    assert main(["import-nlrb", str(path), "--out", str(tmp_path / "out")]) == 0
    report = capsys.readouterr().out
    ds = load(tmp_path / "out")
    assert set(ds.elections["union"]) == {"+cmd", "@SUM(1)"}
    adjustments = __import__("json").loads((tmp_path / "out" / "import-report.json").read_text())["adjustments"]
    assert adjustments[checked_folder.TEXT_LIKE_A_FORMULA] == sum(
        (frame[c].astype(str).str.startswith(("=", "+", "-", "@", "\t", "\r"))).sum()
        for frame in (ds.elections, ds.tallies.astype(object), ds.sources)
        for c in frame.columns
        if frame[c].dtype == object
    )
    assert adjustments[checked_folder.TEXT_LIKE_A_FORMULA] == 2  # the two unions of elections.csv
    assert "text cells starting with" in report
    assert main(["summary", "--data-dir", str(tmp_path / "out"), "--format", "csv"]) == 0
    summary = capsys.readouterr().out
    assert "'+cmd" in summary and "'@SUM(1)" in summary


def test_a_carriage_return_in_text_is_a_counted_repair():
    import pandas as pd

    from labor_analysis.nlrb import checked_folder

    frame = pd.DataFrame({"union": ["a\rb", "c\r\nd", "e", None], "n": [1, 2, 3, 4]})
    repaired, counts = checked_folder.repair_and_count({"elections": frame})
    assert repaired["elections"]["union"].tolist()[:3] == ["a\nb", "c\nd", "e"]
    assert counts[checked_folder.CARRIAGE_RETURNS_REPLACED] == 2 and counts[checked_folder.TEXT_LIKE_A_FORMULA] == 0


@pytest.mark.parametrize("kind", ["devnull", "fifo"])
def test_a_device_or_fifo_is_named_as_such(tmp_path, capsys, kind):
    """Reproducer 11, for import-nlrb (the FIFO is never opened: reading it would block)."""
    import os

    path = Path("/dev/null") if kind == "devnull" else tmp_path / "pipe.csv"
    if kind == "fifo":
        os.mkfifo(path)
    code, err = _import(tmp_path, path, capsys)
    assert code == 2 and "found a folder" not in err
    assert ("character device" if kind == "devnull" else "named pipe (FIFO)") in err
    assert not (tmp_path / "out").exists()


def test_the_folder_is_checked_as_the_loader_reads_it_back(tmp_path: Path) -> None:
    """The contract check reads each file back from the cells it was written from (`checked_folder.parsed`): the
    same frame, column for column, as the loader's parser gives from the file's bytes, odd text included."""
    from labor_analysis.loading import raw_table
    from labor_analysis.schema import TABLES_BY_NAME

    odd = ['Quote "A", Inc.', "two\nlines", "  spaced  ", "=SUM(1)", "-5", "NA", "null", "ünïcode, ✓", ""]
    frame = pd.DataFrame(
        {
            "source_id": [f"s{i}" for i in range(len(odd))],
            "publisher": odd,
            "title": odd[::-1],
            "url": "",
            "published": ["2021-04-09", *[""] * (len(odd) - 1)],
            "note": odd,
        }
    )
    rendered = checked_folder.render(frame)
    read = checked_folder.parsed("sources", rendered)
    assert read is not None
    report = Report()
    pd.testing.assert_frame_equal(read.frame, raw_table(TABLES_BY_NAME["sources"], rendered.data, report).frame)
    assert not report.total


RECORDS = nlrb_records_dir()
FOIA_PATH = RECORDS / "NLRB-2022-000194_election_results_2017-2021.xlsx" if RECORDS else Path("missing")


@pytest.mark.skipif(not FOIA_PATH.is_file(), reason="the NLRB's FOIA table is not in ../shared/nlrb/")
def test_an_import_is_checked_as_the_loader_reads_it_back(tmp_path: Path) -> None:
    from labor_analysis.loading import raw_table
    from labor_analysis.schema import TABLES_BY_NAME

    written = import_files([FOIA_PATH], tmp_path / "out")
    for name, frame in (("elections", written.elections), ("tallies", written.tallies)):
        rendered = checked_folder.render(frame)
        assert rendered.data == (tmp_path / "out" / f"{name}.csv").read_bytes()
        read = checked_folder.parsed(name, rendered)
        assert read is not None
        pd.testing.assert_frame_equal(read.frame, raw_table(TABLES_BY_NAME[name], rendered.data, Report()).frame)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.integers(-5, 5), st.text(st.sampled_from(list('ab=+-@,"\t\r\n ')), max_size=6)),
        min_size=1,
        max_size=8,
    )
)
def test_render_checked_is_the_repair_the_size_check_and_render(cells):
    """The import renders, counts and size-checks in one go (`render_checked`, issue #20): the same frames, files
    and counts as `repair_and_count`, `check_cell_sizes` and `render` one after the other."""
    frame = pd.DataFrame({"election_id": [f"e{k}" for k in range(len(cells))], "union": pd.Series(cells, dtype=object)})
    frame["n"] = pd.array(range(len(cells)), dtype="Int64")
    written, rendered, counts = checked_folder.render_checked({"elections": frame}, str)
    expected, expected_counts = checked_folder.repair_and_count({"elections": frame})
    pd.testing.assert_frame_equal(written["elections"], expected["elections"])
    assert rendered["elections"] == checked_folder.render(expected["elections"])
    assert counts == expected_counts


def test_render_checked_names_a_cell_too_long():
    from labor_analysis.loading import MAX_CELL_BYTES

    frame = pd.DataFrame({"election_id": ["e1", "e2"], "union": ["a", "é" * (MAX_CELL_BYTES // 2 + 1)]})
    with pytest.raises(checked_folder.ImportContractError, match="column 'union': a cell of"):
        checked_folder.render_checked({"elections": frame}, str)
