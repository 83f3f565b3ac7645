"""Property-based: any mix of NLRB rows (all three formats, every quirk at random) imports into a folder that
validates, holds each election once and accounts for every input row; and a broken annual report (a cell, a
column or the workbook itself mangled at random) gets one line naming the file, never a traceback."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nlrb_synthetic import (
    REPORT_ONE,
    foia_row,
    recent_row,
    report_row,
    report_sheets,
    write_foia,
    write_recent,
    write_workbook,
)

from labor_analysis import load, summary
from labor_analysis.nlrb import import_files

CASES = [f"0{r}-{t}-00000{n}" for r in (1, 6) for t in ("RC", "RD", "RM", "UD") for n in (1, 2)]
DAYS = ["2020-01-15", "2020-02-01", "2020-03-20", "2021-06-30"]
counts = st.integers(0, 40)


@st.composite
def foia_rows(draw):
    unions = draw(st.sampled_from([("U1",), ("U1", "U2"), ("U1", "U2", "U3")]))
    yes = tuple(draw(counts) for _ in unions)
    category = draw(
        st.sampled_from(
            [None, None, None, "Self Determination", "Revised Single Labor Org", "Revised Two Labor Orgs", "UD"]
        )
    )
    day = draw(st.sampled_from(DAYS))
    return foia_row(
        draw(st.sampled_from(CASES)),
        day,
        yes=yes,
        no=draw(counts),
        void=draw(st.integers(0, 3)),
        challenged=draw(st.integers(0, 9)),
        eligible=draw(st.sampled_from([0, 5, 30, 80, 200])),
        unions=unions,
        kind=draw(st.sampled_from(["Initial", "Initial", "Rerun", "Run-off"])),
        category=category,
        unit=draw(st.sampled_from(["A", "A", "B"])),
        scheduled=draw(st.sampled_from([day, "2020-01-15"])),
        mode=draw(st.sampled_from(["Manual", "Mail", "Mixed: Mail and Manual", ""])),
    )


@st.composite
def recent_rows(draw):
    unions = draw(st.sampled_from([("U1",), ("U1", "U2")]))
    return recent_row(
        draw(st.sampled_from(CASES)),
        draw(st.sampled_from(DAYS)),
        yes=tuple(draw(counts) for _ in unions),
        no=draw(st.sampled_from(["", 0, 3, 25])),
        void=draw(st.sampled_from(["", 1])),
        challenged=draw(st.sampled_from(["", 2, 30])),
        eligible=draw(st.sampled_from(["", 10, 60])),
        unions=unions,
        kind=draw(st.sampled_from(["Initial", "Rerun"])),
        ballot_type=draw(st.sampled_from([None, None, "Revised Single Labor Org"])),
        unit=draw(st.sampled_from(["A", "C"])),
    )


@st.composite
def report_rows(draw):
    unions = draw(st.sampled_from([["U1"], ["U1", "U2"]]))
    return report_row(
        draw(st.sampled_from(CASES)),
        draw(st.sampled_from(["Acme", "ACME, INC.", "Starbucks Corporation"])),
        draw(st.sampled_from(DAYS)),
        draw(st.sampled_from([0, 30, 80])),
        draw(counts),
        [draw(counts) for _ in unions],
        unions,
        draw(st.sampled_from(["won", "lost", "both", ""])),
    )


def write_report(path: Path, rows: list[dict], stacked: bool) -> Path:
    """An annual report in either layout: one sheet per ballot, or the tables stacked in one sheet."""
    sheets = report_sheets(rows, 2021)
    if stacked:
        return write_workbook(path, {"NLRB Elections": [row for rows_ in sheets.values() for row in rows_]})
    return write_workbook(path, sheets)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(foia_rows(), min_size=1, max_size=14),
    st.lists(recent_rows(), max_size=8),
    st.lists(report_rows(), max_size=8),
    st.booleans(),
)
def test_any_rows_import_into_a_valid_folder_and_every_row_is_counted(foia, recent, reports, stacked):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = [write_foia(folder / "NLRB-2022-000194.xlsx", foia)]
        if recent:
            files.append(write_recent(folder / "recent_2023-04-17.csv", recent))
        if reports:
            files.append(write_report(folder / "report-fy2021.xlsx", reports, stacked))
        result = import_files(files, folder / "out")
        report = result.report
        assert sum(report["rows"].values()) == report["rows_read"] == len(foia) + len(recent) + len(reports)
        assert result.elections["election_id"].is_unique
        ds = load(result.out_dir)
        assert len(summary(ds)) == report["elections_written"]
        assert all(
            eid.endswith(f"-{day.year}") for eid, day in zip(ds.elections["election_id"], ds.elections["count_date"])
        )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(report_rows(), min_size=1, max_size=5),
    st.sampled_from(["cell", "column", "truncate", "header", "sheet"]),
    st.integers(0, 10_000),
    st.sampled_from(["someday", "-3", "1.5", "many", "", "2021-13-45"]),
)
def test_a_broken_report_gets_one_line_naming_the_file(rows, damage, where, value):
    """The fuzzer over the annual report: whatever is broken, the import either succeeds with every row counted
    or stops with one NlrbFileError line naming the file (and sheet, row and column for a bad cell); nothing is
    written then."""
    from labor_analysis.nlrb.tables import NlrbFileError

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        columns = list(REPORT_ONE)
        rows = [dict(r) for r in rows if not r.get("Labor Org 2 Name")] or [dict(rows[0], **{"Labor Org 2 Name": ""})]
        if damage == "cell":
            target = ["Election Held Date", "Num Eligible Voters", "Valid Votes Against", "Votes for Labor Org 1"]
            rows[where % len(rows)][target[where % len(target)]] = value
        elif damage == "column":
            columns.remove(["Case Number", "Valid Votes Against", "Cert of Rep (Win)", "Election Held Date"][where % 4])
        elif damage == "header":
            columns = [c.upper() if i == where % len(columns) else c for i, c in enumerate(columns)]
        sheets = report_sheets(rows, 2021, columns)
        if damage == "sheet":  # a ballot's sheet deleted: the report would be read in part
            del sheets[list(sheets)[where % len(sheets)]]
        path = write_workbook(folder / "report-fy2021.xlsx", sheets)
        if damage == "truncate":
            data = path.read_bytes()
            path.write_bytes(data[: max(1, where % len(data))])
        out = folder / "out"
        try:
            result = import_files([path], out)
        except NlrbFileError as error:
            message = str(error)
            assert "\n" not in message and message.startswith("report-fy2021.xlsx")
            if "column '" in message and damage == "cell":
                assert re.search(r"sheet 'FY2021-[12] Labor Orgs?', row \d+, column '", message)
            assert not out.exists()
            if damage == "sheet":
                assert "a sheet or stacked table is missing" in message
        else:
            assert damage != "sheet", "a report missing a sheet was imported"
            assert sum(result.report["rows"].values()) == result.report["rows_read"] == len(rows)


# --- the one-pass text helpers give what their one-cell-at-a-time definitions give (issue #20) ---

#: Text as the NLRB's files hold it, and worse: spaces of every kind (str.strip's and regex \s's), NUL, capitals
#: whose lower case is longer (dotted I) or depends on the next letter (capital sigma), punctuation, legal suffixes.
NASTY = [*"aZ9 -.,&'/\t\n\r\x00\x1c\xa0\u2003\u0130\u03a3\u03c3", "Inc", "L.L.C.", "the", "d/b/a"]
nasty_text = st.lists(st.sampled_from(NASTY), max_size=10).map("".join)


@given(st.lists(nasty_text, max_size=12))
def test_company_keys_at_once_are_each_names_key(names):
    from labor_analysis.nlrb.companies import key, keys

    assert keys(names) == [key(n) for n in names]


@given(st.lists(nasty_text, max_size=12))
def test_slugs_at_once_are_each_texts_slug(texts):
    from labor_analysis.nlrb.tally_rows import slug, slugs

    assert slugs(texts) == [slug(t) for t in texts]


@given(st.lists(st.one_of(nasty_text, nasty_text, st.none(), st.integers(), st.floats()), max_size=12))
def test_text_cells_stripped_at_once_as_one_by_one(cells):
    import pandas as pd

    from labor_analysis.nlrb.tally_rows import text

    def one(v: object) -> str:
        if type(v) is str:
            return v.strip()
        return "" if v is None or v != v else str(v).strip()

    assert text(pd.Series(cells, dtype=object)).tolist() == [one(v) for v in cells]
