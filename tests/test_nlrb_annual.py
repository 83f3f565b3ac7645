"""The NLRB's annual election reports as a third format: both layouts, every stacked table by its own header,
the certified result, deauthorization polls counted and skipped, bad input named by file, sheet, row and column;
and on the twelve real reports in ../shared/nlrb/fy-election-reports/ where they are present."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from nlrb_synthetic import (
    REPORT_ONE,
    REPORT_POLLS,
    REPORT_THREE,
    REPORT_TWO,
    report_row,
    report_sheets,
    table,
    write_workbook,
)

from labor_analysis import load, summary
from labor_analysis.nlrb import import_files
from labor_analysis.nlrb import rows as fates
from labor_analysis.nlrb.elections import MORE_CHALLENGED
from labor_analysis.nlrb.tables import FORMATS, NlrbFileError, read_nlrb_file
from labor_analysis.paths import nlrb_records_dir

ROWS = [
    report_row("29-RC-100001", "Starbucks Corporation", "2022-04-01", 20, 5, [12], ["Workers United"], "won"),
    report_row("29-RD-100002", "ACME, INC.", "2022-05-02", 30, 20, [8], ["Teamsters Local 1"], "lost"),  # decertified
    report_row("29-RC-100003", "Both Marked LLC", "2022-06-03", 10, 4, [5], ["UFCW"], "both"),
]
TWO = [report_row("29-RC-100004", "Two Unions Co.", "2022-07-04", 40, 3, [20, 10], ["SEIU", "UNITE HERE"], "won")]
POLL = [report_row("29-UD-100005", "Poll Co.", "2022-08-05", 9, 6, [2], ["IBEW"], "")]


def per_sheet(path: Path) -> Path:
    """The FY2011-FY2019 layout: a summary sheet, then one sheet per ballot, headers on row 1 and row 4."""
    summary = [["", "NLRB Elections - Summary"], [], ["Case Type", "No. of Elections"], ["RC", 4]]
    return write_workbook(path, {"FY2022-Summary": summary, **report_sheets(ROWS + TWO)})


def stacked(path: Path) -> Path:
    """The FY2020-FY2022 layout: one sheet, the tables stacked, each under its own title and header."""
    one = [*REPORT_ONE[:2], "Case ID", *REPORT_ONE[2:]]  # FY2020-FY2022 add an empty "Case ID"
    rows = [*table(one, ROWS), ["", "Rows 1 - 3 (All Rows)"]]
    rows += table(REPORT_TWO, TWO, "NLRB Elections with 2 Labor Organizations")
    rows += table(REPORT_THREE, [], "NLRB Elections with 3 Labor Organizations")  # printed even when empty
    rows += table(REPORT_POLLS, POLL, "NLRB UD Elections")
    return write_workbook(path, {"NLRB Elections": rows})


@pytest.mark.parametrize("layout", [per_sheet, stacked])
def test_both_layouts_give_the_same_elections_and_certified_results(tmp_path: Path, layout) -> None:
    source = layout(tmp_path / "report.xlsx")
    read = read_nlrb_file(source)
    assert read.format.NAME == "annual_report" and read.format in FORMATS
    assert len(read.rows) == len(ROWS) + len(TWO) + (layout is stacked) * len(POLL)
    result = import_files([source], tmp_path / "out")
    report = result.report
    assert sum(report["rows"].values()) == report["rows_read"] == len(read.rows)
    assert report["rows"][fates.IMPORTED_FIRST] == len(ROWS) + len(TWO)
    assert report["rows"][fates.SKIP_NOT_REPRESENTATION] == (layout is stacked) * len(POLL)
    elections = load(result.out_dir).elections.set_index("case_number")
    assert elections.loc["29-RC-100001", "certified"] == "won"
    assert elections.loc["29-RD-100002", "certified"] == "lost"  # RD: the union was decertified
    assert pd.isna(elections.loc["29-RC-100003", "certified"])  # marked both: left empty, with a note
    assert "both won and lost" in elections.loc["29-RC-100003", "note"]
    assert report["adjustments"]["certified results marked both won and lost, left empty"] == 1
    tallies = load(result.out_dir).tallies
    two = tallies[tallies["election_id"] == "29-rc-100004-2022"]
    assert sorted(two.loc[two["choice"] == "yes", "union"]) == ["SEIU", "UNITE HERE"]
    assert two.loc[two["choice"].isin(["void", "challenged"]), "ballots"].isna().all()  # never in a report
    table_ = summary(load(result.out_dir)).set_index("election_id")
    assert table_.loc["29-rd-100002-2022", ["outcome", "certified"]].tolist() == ["lost", "lost"]


def test_a_report_is_cited_by_its_fiscal_year(tmp_path: Path) -> None:
    result = import_files([stacked(tmp_path / "anything.xlsx")], tmp_path / "out")
    assert result.report["files"][0]["source_id"] == "nlrb-election-report-anything"  # no FY in sheet or name
    result = import_files([per_sheet(tmp_path / "r.xlsx")], tmp_path / "out2")
    assert result.report["files"][0]["source_id"] == "nlrb-election-report-fy2022"  # from the sheet names
    sources = load(result.out_dir).sources.set_index("source_id")
    cited = sources.loc["nlrb-election-report-fy2022"]
    assert cited["title"] == "NLRB Elections, FY2022"  # the report's own title and its sheets' name for the year
    assert "closed in fiscal 2022 (Oct. 1, 2021, to Sept. 30, 2022)" in cited["note"]  # AP dates
    assert load(tmp_path / "out").sources.set_index("source_id").loc["nlrb-election-report-anything", "title"] == (
        "NLRB Elections"  # never "FYNone"
    )


def test_a_bad_cell_names_file_sheet_row_and_column(tmp_path: Path) -> None:
    bad = [dict(ROWS[0]), dict(ROWS[1])]
    bad[1]["Election Held Date"] = "someday"
    path = write_workbook(tmp_path / "r.xlsx", report_sheets(bad))
    with pytest.raises(NlrbFileError, match=r"r.xlsx, sheet 'FY2022-1 Labor Org', row 3, column 'Election Held Date'"):
        read_nlrb_file(path)


def test_a_case_number_in_an_unknown_shape_is_named(tmp_path: Path) -> None:
    bad = [dict(ROWS[0]), dict(ROWS[1], **{"Case Number": "29 RC 100002"})]
    path = write_workbook(tmp_path / "r.xlsx", report_sheets(bad))
    with pytest.raises(
        NlrbFileError, match=r"sheet 'FY2022-1 Labor Org', row 3, column 'Case Number': not an NLRB case"
    ):
        read_nlrb_file(path)


def test_a_table_missing_a_column_is_named(tmp_path: Path) -> None:
    columns = [c for c in REPORT_ONE if c != "Cert of Rep (Win)"]
    path = write_workbook(tmp_path / "r.xlsx", {"Sheet": table(columns, ROWS, "NLRB Elections")})
    with pytest.raises(NlrbFileError, match=r"sheet 'Sheet', row 4: looks like an NLRB annual election report .*Cert"):
        read_nlrb_file(path)


@pytest.mark.parametrize("gone", [0, 1, 2])
def test_a_report_missing_a_sheet_is_refused_by_name(tmp_path: Path, gone: int) -> None:
    sheets = report_sheets(ROWS + TWO)
    del sheets[list(sheets)[gone]]
    path = write_workbook(tmp_path / "nlrb-election-report-fy2022.xlsx", sheets)
    lacking = ["'1 Labor Org'", "'2 Labor Orgs'", "'3 Labor Orgs'"][gone]
    with pytest.raises(
        NlrbFileError, match=rf"^nlrb-election-report-fy2022.xlsx: an NLRB annual .* {lacking} \(a sheet"
    ):
        read_nlrb_file(path)


def test_a_stacked_report_missing_a_table_is_refused(tmp_path: Path) -> None:
    rows = table([*REPORT_ONE[:2], "Case ID", *REPORT_ONE[2:]], ROWS)
    rows += table(REPORT_TWO, TWO, "NLRB Elections with 2 Labor Organizations") + table(REPORT_POLLS, POLL, "UD")
    path = write_workbook(tmp_path / "r.xlsx", {"NLRB Elections": rows})
    with pytest.raises(NlrbFileError, match=r"^r.xlsx: an NLRB annual election report without its table\(s\) '3 Labor"):
        read_nlrb_file(path)


@pytest.mark.parametrize("dropped", ["Votes for Labor Org 2", "Labor Org 2 Name", "Labor Org 1 Name"])
def test_a_union_without_its_votes_or_name_column_is_a_missing_column(tmp_path: Path, dropped: str) -> None:
    sheets = report_sheets(ROWS + TWO)
    sheet = "FY2022-2 Labor Orgs" if "2" in dropped else "FY2022-1 Labor Org"
    header_row = 3 if "2" in dropped else 0
    keep = [i for i, c in enumerate(sheets[sheet][header_row]) if c != dropped]
    sheets[sheet] = [[row[i] for i in keep if i < len(row)] for row in sheets[sheet]]
    path = write_workbook(tmp_path / "r.xlsx", sheets)
    with pytest.raises(
        NlrbFileError, match=rf"sheet '{sheet}', row {header_row + 1}: .*missing column\(s\) '{dropped}'"
    ):
        read_nlrb_file(path)


def test_a_broken_report_stops_the_command_with_one_line_and_exit_2(tmp_path: Path, capsys) -> None:
    from labor_analysis.cli import main

    sheets = report_sheets(ROWS + TWO)
    del sheets["FY2022-3 Labor Orgs"]
    path = write_workbook(tmp_path / "nlrb-election-report-fy2022.xlsx", sheets)
    out = tmp_path / "out"
    assert main(["import-nlrb", str(path), "--out", str(out)]) == 2
    assert not out.exists()
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "nlrb-election-report-fy2022.xlsx" in error and "'3 Labor Orgs'" in error


RECORDS = nlrb_records_dir()
REPORTS = sorted((RECORDS / "fy-election-reports").glob("*.xlsx")) if RECORDS else []


@pytest.mark.skipif(len(REPORTS) != 12, reason="the NLRB's annual reports are not in ../shared/nlrb/")
def test_the_twelve_real_reports(tmp_path: Path) -> None:
    tables = [read_nlrb_file(p) for p in REPORTS]
    assert sum(len(t.rows) for t in tables) == 16457  # the data rows the shared README counts
    assert sum(t.tables - 1 for t in tables if len(t.sheets) == 1) == 9  # header rows repeated inside the data
    certified = pd.concat([t.rows["certified"] for t in tables]).value_counts()
    assert certified["both"] == 31 and certified[""] == 38  # marked both; the UD polls marked neither
    result = import_files(REPORTS, tmp_path / "out")
    assert sum(result.report["rows"].values()) == 16457
    elections = load(result.out_dir).elections
    ldj5 = elections[elections["case_number"] == "29-RC-290053"]
    assert ldj5["certified"].tolist() == ["lost"]  # LDJ5, closed in FY2022


def test_a_report_and_a_tally_file_give_each_election_once(tmp_path: Path) -> None:
    """The tally's figures (void and challenged only there) and the report's certified result, in one election;
    where the two disagree, the disagreement is listed with the file used."""
    from nlrb_synthetic import foia_row, write_foia

    tallies = [
        foia_row("29-RC-100001", "2022-04-01", yes=12, no=5, void=1, challenged=3, name="STARBUCKS CORPORATION"),
        foia_row("29-RD-100002", "2022-05-02", yes=9, no=20, challenged=2, eligible=30),  # the report says 8 yes
    ]
    foia = write_foia(tmp_path / "NLRB-2022-000194.xlsx", tallies)
    report = per_sheet(tmp_path / "report.xlsx")
    for order in ([foia, report], [report, foia]):
        result = import_files(order, tmp_path / f"out-{order[0].stem}")
        rows = result.report["rows"]
        assert rows[fates.MERGED_RESULT] == 2 and sum(rows.values()) == result.report["rows_read"]
        elections = load(result.out_dir).elections.set_index("case_number")
        assert elections.index.is_unique and len(elections) == len(ROWS) + len(TWO)
        assert elections.loc["29-RC-100001", "certified"] == "won"
        assert elections.loc["29-RD-100002", "certified"] == "lost"
        if order[0] == foia:  # an election citing the tally file names the report its certified result is from
            assert "Certified result from nlrb-election-report-fy2022" in elections.loc["29-RC-100001", "note"]
        tallies_ = load(result.out_dir).tallies.set_index(["election_id", "choice"])["ballots"]
        assert (tallies_["29-rc-100001-2022", "void"], tallies_["29-rc-100001-2022", "challenged"]) == (1, 3)
        assert tallies_["29-rd-100002-2022", "yes"] == 9  # the tally's count, the report's 8 listed beside it
        [listed] = [d for d in result.report["disagreements_between_files"] if d["case_number"] == "29-RD-100002"]
        assert listed["differs_in"] == ["votes1"] and listed["used"] == foia.name
        assert (listed["used_values"], listed["other_values"]) == ({"votes1": 9}, {"votes1": 8})


def test_a_revised_tally_with_more_challenged_ballots_is_the_latest_count(tmp_path: Path) -> None:
    from nlrb_synthetic import foia_row, write_foia

    rows = [
        foia_row("29-RC-100009", "2021-03-01", yes=40, no=45, challenged=4, scheduled="2021-03-01"),
        foia_row(
            "29-RC-100009",
            "2021-03-20",
            yes=41,
            no=45,
            challenged=9,
            scheduled="2021-03-01",
            category="Revised Single Labor Org",
        ),
    ]
    result = import_files([write_foia(tmp_path / "NLRB-2022-000194.xlsx", rows)], tmp_path / "out")
    assert result.report["rows"][fates.IMPORTED_REVISION] == 1
    assert result.report["adjustments"][MORE_CHALLENGED] == 1
    table = summary(load(result.out_dir)).set_index("election_id").loc["29-rc-100009-2021"]
    assert (table["stage"], table["yes"], table["challenged"], table["outcome"]) == ("revised-1", 41, 9, "undetermined")
    assert (
        "latest count is used"
        in load(result.out_dir).elections.set_index("election_id").loc["29-rc-100009-2021", "note"]
    )


@pytest.mark.skipif(len(REPORTS) != 12, reason="the NLRB's annual reports are not in ../shared/nlrb/")
def test_every_shared_file_at_once(tmp_path: Path) -> None:
    files = [RECORDS / "NLRB-2022-000194_election_results_2017-2021.xlsx", *REPORTS]
    result = import_files(files, tmp_path / "out")
    report = result.report
    assert sum(report["rows"].values()) == report["rows_read"] == 6927 + 16457
    elections = load(result.out_dir).elections
    assert elections["election_id"].is_unique
    middletown = elections[elections["case_number"] == "04-RC-118495"]  # Amazon, Middletown, Del., FY2014
    assert middletown[["city", "state", "certified"]].values.tolist() == [["Middletown", "DE", "lost"]]
    counted = elections.set_index("case_number").loc["10-RC-269250"]  # Bessemer 2021 is in the FOIA table once
    assert counted["voting_method"] == "mail"
    # Starbucks and Amazon named whatever the spelling
    employer = elections["employer"].str.lower()
    assert (elections["company"] == "Starbucks").sum() == employer.str.contains("starbucks").sum() > 200
    assert set(elections.loc[elections["company"] == "Amazon", "case_number"]) >= {"04-RC-118495", "10-RC-269250"}
    assert set(elections.loc[employer.str.contains("amazon"), "company"]) == {"Amazon"}
    assert result.report["company_near_matches"]  # listed for review


def starbucks_reconciliation() -> str:
    """The README's account of the Starbucks rows of the twelve reports against the committed national record,
    computed from both: every report row naming Starbucks, in every spelling, and where each went."""
    import labor_analysis as la

    rows = pd.concat([read_nlrb_file(p).rows.assign(report=p.name) for p in REPORTS], ignore_index=True)
    named = rows[rows["case_name"].str.contains("starbucks", case=False)]
    spellings = named["case_name"].value_counts()
    undated = named[named["tally_date"].isna()].sort_values("case_number")
    elections = la.national().elections
    record = elections[elections["company"] == "Starbucks"]
    # each undated row is skipped, each dated one is an election of the record (its own, or joined to a tally)
    assert set(record["case_number"]) == set(named["case_number"]) - set(undated["case_number"])
    assert len(record) == len(named) - len(undated) and named["case_number"].is_unique
    joined = record[~record["source_id"].str.startswith("nlrb-election-report-")]
    listed = ", ".join(f"{n} {name!r}" for name, n in spellings.items())
    skipped = "; ".join(
        f"{r.case_number}, {r.city}, {r.state}, certified {r.certified}" for r in undated.itertuples(index=False)
    )
    return (
        f"The twelve reports name Starbucks on {len(named)} rows ({listed}), {named['case_number'].nunique()} cases, "
        f"all in {', '.join(sorted(set(named['report'])))}. "
        f"{len(undated)} have no `Election Held Date` ({skipped}): skipped as no tally recorded, as the contract "
        f"needs the day of the count. The record holds the other {len(record)}: {len(joined)} joined to the tally "
        f"of their case in the Region 06 download or the FOIA table, {len(record) - len(joined)} from the reports "
        "alone."
    )


@pytest.mark.skipif(len(REPORTS) != 12, reason="the NLRB's annual reports are not in ../shared/nlrb/")
def test_the_starbucks_elections_of_the_reports_reconcile_with_the_record_as_the_readme_says() -> None:
    readme = (Path(__file__).resolve().parent.parent / "labor_analysis" / "nlrb" / "README.md").read_text("utf-8")
    assert starbucks_reconciliation() in " ".join(readme.split())
