"""The published figures (checked against reporting, see ../shared/facts.md) are in the data, each with a source.

The expectations are typed here on purpose: this test is the check that the data says what was reported.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from labor_analysis import Dataset, load

# election: (yes, no, void, challenged, eligible voters, eligible approximate); None = never reported
TALLIES = {
    "jfk8-2022": (2654, 2131, 17, 67, 8325, False),
    "bhm1-2022": (875, 993, 59, 416, 6153, False),
    "bhm1-2021": (738, 1798, 76, 505, 5867, False),
    "ldj5-2022": (380, 618, 2, 0, 1633, False),
    "alb1-2022": (206, 406, 4, 31, 950, True),
    "rdu1-2025": (829, 2447, None, 77, 4300, True),
    "wfm-phl-2025": (130, 100, None, None, 297, False),
}

ELECTION_DETAILS = {
    "bhm1-2021": ("RWDSU", "mail", "2021-02-08", "2021-03-29", "2021-04-09", "10-RC-269250"),
    "bhm1-2022": ("RWDSU", "mail", "2022-02-04", "2022-03-25", "2022-03-31", "10-RC-269250"),
    "jfk8-2022": ("ALU", "in_person", "2022-03-25", "2022-03-30", "2022-04-01", "29-RC-288020"),
    "ldj5-2022": ("ALU", "in_person", "2022-04-25", "2022-04-29", "2022-05-02", "29-RC-290053"),
    "alb1-2022": ("ALU", "in_person", "2022-10-12", "2022-10-17", "2022-10-18", "03-RC-301507"),
    "rdu1-2025": ("CAUSE", "in_person", "2025-02-10", "2025-02-15", "2025-02-15", None),
    "wfm-phl-2025": ("UFCW Local 1776", "in_person", None, None, "2025-01-27", None),
}

# (spender, period_start, period_end, measure): amount, approximate, preferred
SPENDING = [
    ("Amazon", "2021-01-01", "2021-12-31", "spent", 4_300_000, False, True),
    ("Amazon", "2021-01-01", "2021-12-31", "spent", 4_200_000, False, False),
    ("Amazon", "2022-01-01", "2022-12-31", "spent", 14_200_000, False, True),
    ("Amazon", "2023-01-01", "2023-12-31", "spent", 3_100_000, False, True),
    ("Amazon", "2024-01-01", "2024-12-31", "spent", 12_700_000, False, True),
    ("Amazon Labor Union", "2021-04-20", "2022-03-01", "spent", 100_000, True, True),
    ("Amazon Labor Union", "2022-01-01", "2022-12-31", "raised", 750_000, True, True),
    ("Amazon Labor Union", "2022-12-31", "2022-12-31", "cash_on_hand", 95_437, False, True),
    ("Amazon Labor Union", "2023-12-31", "2023-12-31", "cash_on_hand", 28_354, False, True),
]

# (election, measure, value, approximate, preferred)
WORKFORCE = [
    ("jfk8-2022", "organizers", 30, True, True),
    ("jfk8-2022", "organizers", 20, True, False),
    ("ldj5-2022", "organizers", 10, True, True),
    ("jfk8-2022", "showing_of_interest_pct", 30, False, True),
    ("bhm1-2021", "outside_organizers", 20, True, True),  # RWDSU organizers housed near Bessemer (Vice)
    ("bhm1-2021", "eligible_voters", 5_867, False, True),  # CBS News
    ("bhm1-2021", "eligible_voters", 5_805, False, False),  # The New York Times
    ("bhm1-2022", "ballots_returned", 2_375, False, True),  # AL.com
]


@pytest.fixture(scope="module")
def ds(project_data_dir: Path) -> Dataset:
    return load(project_data_dir)


@pytest.mark.parametrize("election_id", list(TALLIES))
def test_tally_and_eligible_voters(ds: Dataset, election_id: str) -> None:
    yes, no, void, challenged, eligible, approximate = TALLIES[election_id]
    rows = ds.tallies[(ds.tallies["election_id"] == election_id) & (ds.tallies["stage"] == "initial")]
    ballots = {c: (None if pd.isna(b) else int(b)) for c, b in zip(rows["choice"], rows["ballots"])}
    assert ballots == {"yes": yes, "no": no, "void": void, "challenged": challenged}
    election = ds.elections.set_index("election_id").loc[election_id]
    assert (election["eligible_voters"], bool(election["eligible_approximate"])) == (eligible, approximate)


@pytest.mark.parametrize("election_id", list(ELECTION_DETAILS))
def test_election_details(ds: Dataset, election_id: str) -> None:
    union, method, start, end, count, case = ELECTION_DETAILS[election_id]
    row = ds.elections.set_index("election_id").loc[election_id]
    as_text = lambda d: None if pd.isna(d) else d.strftime("%Y-%m-%d")  # noqa: E731
    assert (row["union"], row["voting_method"]) == (union, method)
    assert (as_text(row["vote_start"]), as_text(row["vote_end"]), as_text(row["count_date"])) == (start, end, count)
    assert (None if pd.isna(row["case_number"]) else row["case_number"]) == case


def test_no_final_tallies_yet(ds: Dataset) -> None:
    assert set(ds.tallies["stage"]) == {"initial"}


def test_bessemer_2021_nyt_eligible_count_is_noted(ds: Dataset) -> None:
    assert "5805" in ds.elections.set_index("election_id").loc["bhm1-2021", "note"]


@pytest.mark.parametrize("spender, start, end, measure, amount, approximate, preferred", SPENDING)
def test_spending(
    ds: Dataset, spender: str, start: str, end: str, measure: str, amount: int, approximate: bool, preferred: bool
) -> None:
    s = ds.spending
    rows = s[
        (s["spender"] == spender)
        & (s["period_start"] == start)
        & (s["period_end"] == end)
        & (s["measure"] == measure)
        & (s["amount_usd"] == amount)
    ]
    assert len(rows) == 1
    assert (bool(rows["approximate"].iloc[0]), bool(rows["preferred"].iloc[0])) == (approximate, preferred)


def test_both_2021_figures_have_different_sources(ds: Dataset) -> None:
    rows = ds.spending[ds.spending["period_start"] == "2021-01-01"].set_index("amount_usd")
    assert rows.loc[4_300_000, "source_id"] == "huffpost-2022-03-31"
    assert rows.loc[4_200_000, "source_id"] != rows.loc[4_300_000, "source_id"]
    assert bool(rows.loc[4_200_000, "unconfirmed"]) and not bool(rows.loc[4_300_000, "unconfirmed"])


@pytest.mark.parametrize("election_id, measure, value, approximate, preferred", WORKFORCE)
def test_workforce(ds: Dataset, election_id: str, measure: str, value: int, approximate: bool, preferred: bool) -> None:
    w = ds.workforce
    rows = w[(w["election_id"] == election_id) & (w["measure"] == measure) & (w["value"] == value)]
    assert len(rows) == 1
    assert (bool(rows["approximate"].iloc[0]), bool(rows["preferred"].iloc[0])) == (approximate, preferred)


def test_jfk8_organizer_counts_come_from_two_outlets(ds: Dataset) -> None:
    w = ds.workforce
    rows = w[(w["election_id"] == "jfk8-2022") & (w["measure"] == "organizers")].set_index("value")
    publishers = ds.sources.set_index("source_id")["publisher"]
    assert publishers[rows.loc[20, "source_id"]] == "The Indypendent"
    ldj5 = w[(w["election_id"] == "ldj5-2022") & (w["measure"] == "organizers")]
    assert rows.loc[30, "source_id"] == ldj5["source_id"].iloc[0]  # same report and definition as LDJ5's count


def test_every_row_cites_a_source_with_publisher_and_title(ds: Dataset) -> None:
    sources = ds.sources.set_index("source_id")
    assert sources.index.is_unique
    assert sources["publisher"].str.strip().ne("").all() and sources["title"].str.strip().ne("").all()
    for name, frame in ds.tables().items():
        if name != "sources":
            assert frame["source_id"].isin(sources.index).all(), name


def test_every_source_is_cited(ds: Dataset) -> None:
    cited = pd.concat([f["source_id"] for name, f in ds.tables().items() if name != "sources"])
    unused = set(ds.sources["source_id"]) - set(cited)
    nlrb_case_pages = {s for s in unused if s.startswith("nlrb-case-")}
    assert unused == nlrb_case_pages  # NLRB case pages are cited beside the news reports, in sources.csv itself
