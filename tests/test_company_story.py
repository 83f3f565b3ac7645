"""Notebook 07's findings (issue 18): a company against every other employer in the same years, counted from
`la.results` of the national record, with a clear sentence for a company the record does not hold."""

from __future__ import annotations

import pytest

import labor_analysis as la
from labor_analysis import company_story
from labor_analysis.text import count_of, fmt_int, fmt_pct, state_name


@pytest.fixture(scope="module")
def record() -> la.Dataset:
    return la.national()


def test_the_comparison_counts_the_records_rows(record: la.Dataset) -> None:
    table = la.results(record)
    mine = table[table["company"] == "Starbucks"]
    years = set(mine["count_date"].dt.year)
    rest = table[(table["company"] != "Starbucks") & table["count_date"].dt.year.isin(years)]
    found = company_story.comparison_table(record, "starbucks")  # matched without regard to case
    assert found.loc["company", "elections"] == len(mine)
    assert found.loc["company", "won"] == (mine["outcome"] == "won").sum()
    assert found.loc["company", "certified_won"] == (mine["certified"] == "won").sum()
    assert found.loc["every other employer", "elections"] == len(rest)
    assert found.loc["every other employer", "lost"] == (rest["outcome"] == "lost").sum()
    words = company_story.against_the_rest(record, "Starbucks").text
    assert f"The national record holds {fmt_int(len(mine))} NLRB elections at Starbucks" in words


def test_a_company_without_elections_gets_a_sentence(record: la.Dataset) -> None:
    finding = company_story.against_the_rest(record, "No Such Company <b>")
    assert "holds no election of No Such Company &lt;b&gt;" in finding.text
    assert finding.table.loc["company", "elections"] == 0


def test_the_finding_cites_the_nlrb_files_and_carries_its_chart(record: la.Dataset) -> None:
    """The words cite the NLRB files both groups' rows come from (the FOIA release, the Region 06 download) and the
    annual reports the certified results come from, each resolved to a source readers can see."""
    finding = company_story.against_the_rest(record, "Starbucks")
    cited = {c.source_id for c in finding.sources}
    assert cited == set(finding.source_ids)
    assert {"nlrb-foia-2022-000194", "nlrb-recent-results-2023-04-17"} <= cited
    assert {f"nlrb-election-report-fy{year}" for year in range(2011, 2023)} <= cited
    assert all(c.publisher == "National Labor Relations Board" for c in finding.sources)
    assert finding.chart is not None and finding.chart.name == "timeline"
    assert set(finding.chart.ds.elections["company"]) == {"Starbucks"}


def test_the_words_read_as_a_copy_desk_prints_them(record: la.Dataset) -> None:
    """No '0 of 3 (0.0%)', no rate of a handful, no 'in 1 state': counts are computed from the comparison table."""
    for name in ("Amazon", "Whole Foods Market", "Starbucks"):
        words = company_story.against_the_rest(record, name).text
        assert ".0%" not in words and "(0%)" not in words and " 0 of " not in words and "1 state" not in words
    table = company_story.comparison_table(record, "Amazon")
    amazon = company_story.against_the_rest(record, "Amazon").text
    if table.loc["company", "won"] == 0:
        decided = table.loc["company", "won"] + table.loc["company", "lost"]
        assert f"Of the {count_of(decided, 'election')} the count decided, unions won none" in amazon
    starbucks = company_story.comparison_table(record, "Starbucks").loc["company"]
    decided = starbucks["won"] + starbucks["lost"]
    rate = f"{fmt_int(starbucks['won'])} ({fmt_pct(starbucks['won'] / decided, 0)})"
    assert f"unions won {rate}" in company_story.against_the_rest(record, "Starbucks").text


def test_one_election_is_named_once(record: la.Dataset) -> None:
    chosen = la.results(record.select(company="Whole Foods Market"))
    if len(chosen) == 1:  # the record holds one: its state is named, and its unit is not called a median
        words = company_story.against_the_rest(record, "Whole Foods Market").text
        assert f"in {state_name(chosen['state'].iloc[0])}." in words and "The unit at" in words
        assert "the one election the count decided" in words


def test_the_challenged_ballots_are_counted_where_they_are_on_record(record: la.Dataset) -> None:
    """Elections whose challenged ballots the record lacks are not counted as ones they could not decide."""
    table = la.results(record.select(company="Starbucks"))
    on_record = int(table["determinative"].notna().sum())
    found = company_story.comparison_table(record, "Starbucks").loc["company"]
    assert found["challenged_on_record"] == on_record < len(table)
    words = company_story.against_the_rest(record, "Starbucks").text
    assert (
        f"The challenged ballots of {fmt_int(on_record)} elections at Starbucks are on record at their latest count"
        in words
    )


def test_notebooks_06_and_07_say_why_their_counts_of_challenged_elections_differ(record: la.Dataset) -> None:
    """07 counts every election at the company whose challenged ballots are on record (at its latest count); 06
    compares first counts with the nation's and leaves out an election whose count was revised, saying how many:
    the two numbers add up, and each sentence names its base."""
    from labor_analysis.nlrb import national_story

    mine = record.select(company="Starbucks")
    latest = int(company_story.comparison_table(record, "Starbucks").loc["company", "challenged_on_record"])
    first = national_story.challenged_table(mine, national_story.record(mine, record)).loc["Starbucks", "elections"]
    revised = latest - int(first)
    assert revised > 0  # the national record holds a revised count at Starbucks: the case this wording is for
    words = national_story.challenged(mine, national_story.record(mine, record)).text
    assert f"none of the {fmt_int(first)} elections whose challenged ballots were reported" in words
    whose = "election whose count was revised is" if revised == 1 else "elections whose count was revised are"
    assert f"({fmt_int(revised)} {whose} left out: the first count is what the national figures compare)" in words
    assert "at their latest count" in company_story.against_the_rest(record, "Starbucks").text
