"""The importer on the NLRB's real files in ../shared/nlrb/ (skipped where they are absent): each file and both
together write a folder whose report accounts for every row, with Bessemer's first tally as the NLRB gives it."""

from __future__ import annotations

import pandas as pd
import pytest

from labor_analysis.nlrb import import_files
from labor_analysis.paths import nlrb_records_dir

RECORDS = nlrb_records_dir()
FOIA = "NLRB-2022-000194_election_results_2017-2021.xlsx"
RECENT = "recent_election_results_region06_2023-04-17.csv"
pytestmark = pytest.mark.skipif(
    RECORDS is None or not (RECORDS / FOIA).is_file(), reason="the NLRB's files are not in ../shared/nlrb/"
)
CASES = {"foia": [FOIA], "recent": [RECENT], "both": [FOIA, RECENT]}


@pytest.fixture(scope="module", params=list(CASES))
def imported(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(request.param) / "imported"
    return request.param, import_files([RECORDS / name for name in CASES[request.param]], out)


def test_the_report_accounts_for_every_row(imported):
    name, result = imported
    report = result.report
    assert sum(report["rows"].values()) == report["rows_read"]
    assert report["rows_read"] == sum(f["rows_read"] for f in report["files"])
    expected = {FOIA: 6927, RECENT: 694}
    assert [f["rows_read"] for f in report["files"]] == [expected[n] for n in CASES[name]]
    for f in report["files"]:
        assert sum(f["rows"].values()) == f["rows_read"]
    assert report["elections_written"] == len(result.elections) == result.elections["election_id"].nunique()


def test_bessemer_comes_through_as_the_nlrb_counted_it(imported):
    name, result = imported
    if FOIA not in CASES[name]:
        pytest.skip("the Bessemer tally is in the FOIA table")
    election = result.elections.set_index("election_id").loc["10-rc-269250-2021"]
    assert election["eligible_voters"] == 5867 and election["voting_method"] == "mail"
    assert election["count_date"] == pd.Timestamp("2021-04-09")
    t = result.tallies[result.tallies["election_id"] == "10-rc-269250-2021"]
    assert dict(zip(t["choice"], t["ballots"])) == {"yes": 738, "no": 1798, "void": 76, "challenged": 505}


def test_no_deauthorization_poll_is_imported(imported):
    _, result = imported
    assert result.elections["case_number"].str.fullmatch(r"\d{2}-R[CDM]-\d+").all()


def test_the_imported_folder_validates_and_every_election_has_an_outcome(imported):
    from labor_analysis import load, summary

    _, result = imported
    results = summary(load(result.out_dir))
    assert len(results) == len(result.elections)
    assert results["outcome"].notna().all()
