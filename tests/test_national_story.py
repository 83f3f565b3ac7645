"""Notebook 06's findings (issue 18): the elections examined against the national record, computed at run time from
`la.national()` with the examined company's own elections left out of the baseline, each finding written from its
table and citing the NLRB files its figures come from."""

from __future__ import annotations

import html
import re
from dataclasses import replace

import pandas as pd
import pytest

import labor_analysis as la
from labor_analysis.nlrb import national_story
from labor_analysis.nlrb.national import RECORD_FISCAL_YEARS, fiscal_year
from labor_analysis.text import fmt_int, fmt_pct

#: The NLRB files of the national record: the FOIA release, the Region 06 download, the annual reports.
FOIA, REGION_06 = "nlrb-foia-2022-000194", "nlrb-recent-results-2023-04-17"
REPORTS = [f"nlrb-election-report-fy{year}" for year in range(RECORD_FISCAL_YEARS[0], RECORD_FISCAL_YEARS[1] + 1)]


@pytest.fixture(scope="module")
def record() -> la.Dataset:
    return national_story.load_national_record()


@pytest.fixture(scope="module")
def amazon(record: la.Dataset) -> tuple[la.Dataset, pd.DataFrame]:
    """The project's data folder (Amazon's elections) with the record's files among its sources, and the record."""
    ds = national_story.with_record_files(la.load())
    return ds, national_story.record(ds, record)


def test_the_baseline_leaves_out_the_companys_own_elections(record: la.Dataset, amazon) -> None:
    ds, nation = amazon
    elections = record.elections.set_index("election_id")
    own = elections.loc[nation.loc[nation["focus"], "election_id"]]
    assert set(own["company"]) == {"Amazon"}
    assert len(own) == int((record.elections["company"] == "Amazon").sum())  # every one of them
    # brute force: the fiscal years of the count, the record's years, every election of them once
    days = record.elections["count_date"]
    inside = fiscal_year(days).between(*RECORD_FISCAL_YEARS)
    assert set(nation["election_id"]) <= set(record.elections.loc[inside, "election_id"])
    table = national_story.overview_table(ds, nation)
    assert table.loc["national baseline", "elections"] == len(nation) - len(own)
    assert table.loc["of them Amazon's own", "elections"] == len(own)
    assert table.iloc[0]["elections"] == len(ds.elections)


def test_the_win_rates_are_counted_from_the_baseline_rows(amazon) -> None:
    ds, nation = amazon
    finding = national_story.win_rates(ds, nation)
    base = nation[~nation["focus"]]
    won, lost = int((base["outcome"] == "won").sum()), int((base["outcome"] == "lost").sum())
    row = finding.table.loc["national baseline"]
    assert (row["won"], row["lost"]) == (won, lost)
    assert f"{fmt_pct(won / (won + lost), 0)} ({fmt_int(won)} of {fmt_int(won + lost)})" in finding.text
    large = base[base["eligible_voters"].fillna(0) >= 1000]
    assert finding.table.iloc[1]["won"] == (large["outcome"] == "won").sum()
    results = la.results(ds)
    assert finding.table.loc["Amazon", "won"] == (results["outcome"] == "won").sum()
    assert "**2 of 6** decided elections" in finding.text


def test_the_unit_sizes_place_each_unit_among_the_baselines(amazon) -> None:
    ds, nation = amazon
    finding = national_story.unit_sizes(ds, nation)
    base = nation[~nation["focus"] & nation["outcome"].isin(["won", "lost"])]
    sizes = base["eligible_voters"].dropna().astype(int)
    for unit, row in finding.table[finding.table["election_id"].notna()].iterrows():
        n = row["eligible_voters"]
        assert row["national_share_smaller"] == pytest.approx((sizes < n).mean()), unit
        assert row["national_as_large"] == (sizes >= n).sum(), unit
    median = finding.table.loc["national median unit", "eligible_voters"]
    assert (sizes <= median).mean() >= 0.5 > (sizes < median).mean()  # half had that many or fewer
    assert f"**{fmt_int(median)} eligible voters** or fewer" in finding.text


def test_every_national_finding_cites_the_nlrb_files_it_comes_from(record: la.Dataset, amazon) -> None:
    ds, nation = amazon
    findings = {
        "overview": national_story.overview(ds, nation),
        "history": national_story.history(ds, record),
        "unit_sizes": national_story.unit_sizes(ds, nation),
        "win_rates": national_story.win_rates(ds, nation),
        "voting_methods": national_story.voting_methods(ds, nation),
        "challenged": national_story.challenged(ds, nation),
        "certified": national_story.certified(ds, nation, record),
    }
    for name, finding in findings.items():
        cited = {c.source_id for c in finding.sources}
        assert cited == set(finding.source_ids), name  # every id resolved to a source readers can see
        assert cited & {FOIA, REGION_06, *REPORTS}, name
        assert finding.table is not None, name
    # only the tally files record voting methods and challenged ballots; the annual reports the certified results
    for name in ("voting_methods", "challenged"):
        assert not set(findings[name].source_ids) & set(REPORTS), name
        assert FOIA in findings[name].source_ids
    assert set(REPORTS) <= set(findings["certified"].source_ids)
    # cited by publisher and title, with where the public can get the file
    shown = findings["certified"]._repr_html_() or ""
    assert "National Labor Relations Board: " in shown
    assert 'href="https://github.com/taylor-watson/nlrb_elections"' in shown
    assert findings["win_rates"].chart is not None and findings["win_rates"].chart.name.startswith("national-")


def test_a_company_of_the_national_record_is_the_focus(tmp_path, record: la.Dataset) -> None:
    page, _ = national_story.page("06-amazon-against-the-nation", None, tmp_path, company_name="starbucks")
    ds = page.ds
    assert set(ds.elections["company"]) == {"Starbucks"}
    nation = national_story.record(ds, record)
    assert set(nation.loc[nation["focus"], "election_id"]) == set(ds.elections["election_id"]) & set(
        nation["election_id"]
    )
    assert national_story.heading(ds, "06 · {company} against the nation").text == "# 06 · Starbucks against the nation"
    history = national_story.history(ds, record)
    assert f"hold {fmt_int(len(ds.elections))} elections at Starbucks, counted from" in history.text  # too many to name


def test_a_company_without_elections_gets_sentences_not_a_traceback(tmp_path, record: la.Dataset) -> None:
    page, _ = national_story.page("06-amazon-against-the-nation", None, tmp_path, company_name="No Such <b>Co</b>")
    ds = page.ds
    nation = national_story.record(ds, record)
    assert not nation["focus"].any()
    overview = national_story.overview(ds, nation)
    assert "nothing to compare" in overview.text
    for finding in (
        overview,
        national_story.history(ds, record),
        national_story.unit_sizes(ds, nation),
        national_story.win_rates(ds, nation),
        national_story.voting_methods(ds, nation),
        national_story.challenged(ds, nation),
        national_story.certified(ds, nation, record),
    ):
        words = set(finding.text.replace(",", " ").replace(".", " ").split())
        assert not words & {"nan", "<NA>", "NaT", "None"}, finding.text
        assert "<b>" not in html.unescape(finding._repr_markdown_().split("Sources:")[0]).replace("\\<", "")


def test_the_mail_finding_counts_the_fiscal_years_its_chart_counts(amazon) -> None:
    """Notebook 06's words on mail voting and its chart agree: the same fiscal years (FY, not calendar years), the
    same elections, the same rates (the chart reads the committed national tables, the words the national record)."""
    from labor_analysis.charts.national import (
        MODE_YEARS,
        mail_and_in_person,
        mode_years,
        national_for,
        voting_method_data,
    )

    ds, nation = amazon
    finding = national_story.voting_methods(ds, nation)
    chart = voting_method_data(national_for(ds)[0]).set_index("voting_method")
    table = finding.table
    for method, row in chart.iterrows():
        assert (table.at[method, "won"], table.at[method, "lost"]) == (row["won"], row["lost"]), method
    # brute force from the record: the baseline's decided elections whose count fell in the fiscal years
    base = nation[~nation["focus"] & nation["outcome"].isin(["won", "lost"])]
    days = pd.to_datetime(base["count_date"])
    in_years = (days.dt.year + (days.dt.month >= 10)).between(MODE_YEARS[0], MODE_YEARS[-1])
    mail = base[in_years & (base["voting_method"] == "mail")]
    assert table.at["mail", "won"] + table.at["mail", "lost"] == len(mail)
    years = mode_years()
    assert years == f"FY{MODE_YEARS[0]}-FY{MODE_YEARS[-1]}"
    assert f"decided in {years} (fiscal years" in finding.text
    assert f"{years[2:6]}-{years[-4:]}" not in finding.text.replace(years, "")  # no calendar years beside them
    rate = fmt_pct(chart.at["mail", "union_win_rate"], 0)
    assert f"won {rate} of the {fmt_int(len(mail))} held by mail" in finding.text
    assert rate in mail_and_in_person(ds).title
    small = table[(table["won"] + table["lost"]) < 30]  # a handful gets a count, not a rate
    for _, row in small.iterrows():
        assert f"{fmt_int(row['won'])} of the {fmt_int(row['won'] + row['lost'])} held" in finding.text


def test_the_challenged_ballots_finding_counts_the_years_its_chart_counts(amazon) -> None:
    """The words and the chart give one national share: the fiscal years whose tallies cover most elections."""
    from labor_analysis.charts.national import determinative_challenged_ballots, determinative_data, national_for

    ds, nation = amazon
    finding = national_story.challenged(ds, nation)
    chart = determinative_data(ds, national_for(ds)[0]).iloc[:-1]  # the national bars, the folder's dot last
    row = finding.table.loc["national baseline"]
    assert (row["elections"], row["determinative"]) == (chart["elections"].sum(), chart["determinative"].sum())
    spec = determinative_challenged_ballots(ds)
    years = re.search(r"FY\d{4}-FY\d{4}", spec.title).group(0)
    assert f"elections of {years} whose tallies" in finding.text
    assert f"only **{fmt_int(row['determinative'])}**" in finding.text


def test_for_another_company_the_words_and_the_charts_share_one_baseline(record: la.Dataset) -> None:
    """Run for Starbucks, notebook 06's words and its charts count one baseline: the national record without
    Starbucks' elections (Amazon's kept), never the words with Amazon's elections and the charts without them."""
    from labor_analysis.charts.national import (
        LARGE_UNIT,
        determinative_data,
        fiscal_year_data,
        national_for,
        national_rate,
        voting_method_data,
    )

    ds = national_story.with_record_files(record.select(company="Starbucks"))
    nation = national_story.record(ds, record)
    tables, words = national_for(ds)
    assert words == " Starbucks' own elections in the NLRB's files are left out of the national figures."
    base = nation[~nation["focus"]]
    assert "Amazon" in set(base["company"]) and "Starbucks" not in set(base["company"])
    rates = national_story.win_rates_table(ds, nation)
    large = rates.loc[f"national, units of {fmt_int(LARGE_UNIT)} or more"]
    assert fmt_pct(large["union_win_rate"], 0) == fmt_pct(national_rate(tables, LARGE_UNIT), 0)
    bins = tables["win_rate_by_unit_size"]
    assert large["won"] + large["lost"] == bins.loc[bins["min_eligible"] >= LARGE_UNIT, ["won", "lost"]].sum().sum()
    methods = national_story.voting_methods_table(ds, nation)
    chart = voting_method_data(tables).set_index("voting_method")
    for method, row in chart.iterrows():
        assert (methods.at[method, "won"], methods.at[method, "lost"]) == (row["won"], row["lost"]), method
    challenged = national_story.challenged_table(ds, nation).loc["national baseline"]
    bars = determinative_data(ds, tables).iloc[:-1]
    assert challenged["elections"] == bars["elections"].sum()
    assert challenged["determinative"] == bars["determinative"].sum()
    certified = national_story.certified_table(nation, record).loc["all"]
    years = fiscal_year_data(tables)
    assert (certified["certified_won"], certified["certified_lost"]) == (
        years["certified_won"].sum(),
        years["certified_lost"].sum(),
    )


def test_the_history_names_an_election_the_folder_holds_as_the_folder_does(record: la.Dataset, amazon) -> None:
    """Two Amazon sites share Staten Island: the record's election there is named by its site ('LDJ5, ...'), never
    by the place alone, which would leave a reader to guess it was JFK8's."""
    from labor_analysis.charts.national import folder_record

    ds, _ = amazon
    finding = national_story.history(ds, record)
    folder = folder_record(ds)
    shared = folder[folder["case_number"].str.upper().isin(set(finding.table["case_number"].str.upper()))]
    assert len(shared) > 0
    for case, rows in shared.groupby(shared["case_number"].str.upper()):
        assert any(label in finding.text for label in rows["label"]), case
    assert "; Staten Island, N.Y." not in finding.text


def test_a_folder_that_names_its_company_otherwise_is_left_out_by_its_case_numbers(record: la.Dataset) -> None:
    """A folder need not name its company as the record does (an employer's name, no company): its elections come
    out of the charts' baseline by their case numbers, as out of the words'."""
    from labor_analysis.charts.national import tables_without

    starbucks = record.select(company="Starbucks").elections
    cases = frozenset(starbucks["case_number"].dropna().str.upper())
    by_case, by_company = tables_without("No Such Company", cases), tables_without("Starbucks")
    for name in ("win_rate_by_unit_size", "challenged_ballots_determinative", "elections_by_fiscal_year_and_case_type"):
        pd.testing.assert_frame_equal(by_case[name], by_company[name])
    renamed = starbucks.assign(company="", employer="Starbucks Coffee Company")
    ds = national_story.with_record_files(replace(record.select(company="Starbucks"), elections=renamed))
    nation = national_story.record(ds, record)
    assert set(nation.loc[nation["focus"], "company"]) == {"Starbucks"}
