"""Notebook 07's findings (issue 18): a company against every other employer in the same years, counted from
`la.results` of the national record, with a clear sentence for a company the record does not hold."""

from __future__ import annotations

import pytest

import labor_analysis as la
from labor_analysis import company_story
from labor_analysis.text import fmt_int


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
    assert f"voted in {fmt_int(len(mine))} NLRB elections" in words


def test_a_company_without_elections_gets_a_sentence(record: la.Dataset) -> None:
    finding = company_story.against_the_rest(record, "No Such Company <b>")
    assert "holds no election of No Such Company &lt;b&gt;" in finding.text
    assert finding.table.loc["company", "elections"] == 0
