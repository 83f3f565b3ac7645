"""Findings (issue 18): each story step carries the numbers it was written from, and its words are written from
those numbers, on any valid folder; shown in Jupyter as the table, then the words, every data value escaped."""

from __future__ import annotations

import dataclasses
import html
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import Folder, data_folders

import labor_analysis as la
from labor_analysis import story
from labor_analysis.safe_html import escape_markdown
from labor_analysis.text import fmt_int, fmt_pct, fmt_pct_or, fmt_usd, long_date


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(folder=data_folders(max_elections=3))
def test_the_words_are_written_from_the_findings_numbers(folder: Folder) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ds = la.load(folder.write(Path(tmp) / "data"))
    for election_id in ds.elections["election_id"]:
        finding = story.result(ds, election_id)
        row = finding.table.loc[election_id]
        assert list(finding.table.columns) == story.COUNT_COLUMNS
        if row["outcome"] in ("won", "lost", "undetermined") and story.election_row(ds, election_id)["unions"] == 1:
            assert f"{fmt_int(row['yes'])} yes to {fmt_int(row['no'])} no" in finding.text
        turnout = story.turnout(ds, election_id)
        numbers = turnout.table.loc[election_id]
        if pd.notna(numbers["eligible_voters"]) and pd.notna(numbers["ballots_cast"]):
            assert f"{fmt_int(numbers['ballots_cast'])} of the" in turnout.text
        challenged = story.challenged(ds, election_id).table.loc[election_id]
        assert pd.isna(challenged["challenged"]) or challenged["challenged"] == row["challenged"]


def test_a_finding_shows_its_table_then_its_words_escaped(data_copy: Path) -> None:
    elections = pd.read_csv(data_copy / "elections.csv", dtype=str, keep_default_na=False)
    elections.loc[elections["election_id"] == "jfk8-2022", "city"] = "<b>Staten | Island</b>"
    elections.to_csv(data_copy / "elections.csv", index=False)
    ds = la.load(data_copy)
    table = story.numbers(ds, ["jfk8-2022"], ["city", "yes", "no"])
    shown = story.Passage("words", (), table)._repr_markdown_()
    assert shown.index("| city |") < shown.index("words")
    assert "<b>" not in shown and "\\|" in shown  # data text escaped, its pipe kept inside its cell
    assert "| 2,654 | 2,131 |" in shown


def test_a_finding_shows_as_html_its_table_words_and_sources_all_escaped(project_data_dir: Path) -> None:
    from test_html_safety import PAYLOADS, assert_safe_page

    clean = la.load(project_data_dir)
    hostile_union, hostile_employer, hostile_outlet = PAYLOADS[0], PAYLOADS[2], PAYLOADS[1]
    elections, sources = clean.elections.copy(), clean.sources.copy()
    jfk8 = elections["election_id"] == "jfk8-2022"
    elections.loc[jfk8, "union"], elections.loc[jfk8, "employer"] = hostile_union, hostile_employer
    tally = str(elections.loc[jfk8, "source_id"].iloc[0])
    sources["publisher"] = sources["publisher"].astype(object)
    sources.loc[sources["source_id"] == tally, ["publisher", "url"]] = [hostile_outlet, "javascript:alert(1)"]
    ds = dataclasses.replace(clean, elections=elections, sources=sources)

    table = story.numbers(ds, ["jfk8-2022"], ["employer", "union", "yes", "no"])
    finding = story.Passage(f"The {story.election_row(ds, 'jfk8-2022')['union']} won.", (tally,), table).citing(ds)
    shown = finding._repr_html_()
    assert shown is not None
    assert_safe_page(shown)
    for payload in (hostile_union, hostile_employer, hostile_outlet):
        assert payload not in shown and html.escape(payload, quote=True) in shown.replace("&#x27;", "'")
    assert shown.index("<table") < shown.index("won.") < shown.index("Sources:")  # table, words, sources
    assert "<td>2,654</td><td>2,131</td>" in shown
    assert "javascript" not in shown.replace(html.escape(hostile_union), "")  # the bad url shown nowhere as a link

    # A story function's finding names every source of its words by outlet and title, linked when http(s).
    result = story.result(clean, "jfk8-2022")
    listed = result._repr_html_()
    assert listed is not None and listed.count("<li>") == len(result.source_ids) > 0
    for row in clean.sources[clean.sources["source_id"].isin(result.source_ids)].itertuples():
        assert f"{html.escape(row.publisher)}: " in listed and f'href="{html.escape(row.url)}"' in listed
    assert result._repr_markdown_().startswith("| election\\_id |")  # the Markdown view is unchanged


def test_a_finding_shows_its_chart_between_its_words_and_its_sources_all_escaped(project_data_dir: Path) -> None:
    """A finding with a chart embeds it (the web PNG inline, its alt text as text) in both views; data text in the
    alt text is escaped; a chart the data cannot support shows as the sentence saying why."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune
    from test_html_safety import PAYLOADS, assert_safe_page

    clean = la.load(project_data_dir)
    elections = clean.elections.copy()
    elections.loc[elections["election_id"] == "jfk8-2022", "union"] = PAYLOADS[1]
    ds = dataclasses.replace(clean, elections=elections)
    finding = story.result(ds, "jfk8-2022")
    assert finding.chart is not None and finding.chart.name == "vote-shares"

    shown = finding._repr_html_()
    assert shown is not None
    assert_safe_page(shown)
    assert shown.count('<img src="data:image/png;base64,') == 1
    assert shown.index("</table>") < shown.index("The union won.") < shown.index("<img") < shown.index("Sources:")
    assert PAYLOADS[1] not in shown and html.escape(PAYLOADS[1]) in shown  # in the alt text, as text

    markdown = finding._repr_markdown_()
    assert markdown.index("The union won.") < markdown.index("](data:image/png;base64,") < markdown.index("Sources:")
    rendered = markdown2html_mistune(markdown)
    assert_safe_page(rendered)
    assert PAYLOADS[1] not in rendered

    decided = story.challenged(ds, "ldj5-2022")  # no ballot challenged: no chart of what it would take
    assert "<img" not in (decided._repr_html_() or "") and "<img" not in decided._repr_markdown_()
    assert "No what it would take chart: no ballots were challenged" in (decided._repr_html_() or "")
    assert "*No what it would take chart: no ballots were challenged" in decided._repr_markdown_()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(folder=data_folders(max_elections=3), showing=st.none() | st.integers(0, 100))
def test_the_other_findings_words_follow_their_tables(folder: Folder, showing: int | None) -> None:
    first = folder.elections()[0]
    if showing is not None:  # the first election's showing of interest, as a percent of the unit
        row = {"election_id": first, "measure": "showing_of_interest_pct", "value": str(showing)}
        folder.tables["workforce"].append({**row, "approximate": "", "preferred": "true", "source_id": "outlet"})
    with tempfile.TemporaryDirectory() as tmp:
        ds = la.load(folder.write(Path(tmp) / "data"))
    ids = list(ds.elections["election_id"])

    for election_id in ids:
        finding = story.showing_of_interest(ds, election_id)
        numbers = finding.table.loc[election_id]
        expected = showing / 100 if showing is not None and election_id == first else None
        assert (pd.isna(numbers["showing_share"]) and expected is None) or numbers["showing_share"] == expected
        if expected is None:
            assert "no showing-of-interest figure" in finding.text
        else:
            assert f"{fmt_pct(expected, 0)} when it filed" in finding.text
            assert (
                ("falls short of" in finding.text) == (expected < numbers["minimum"]) == (not numbers["meets_minimum"])
            )
        if pd.notna(numbers["yes_of_eligible"]) and expected is not None:
            assert numbers["yes_of_eligible"] == numbers["yes"] / numbers["eligible_voters"]
            assert f"{fmt_pct(numbers['yes_of_eligible'], 0)} of those eligible" in finding.text

        after = story.aftermath(ds, election_id)
        decided = after.table.loc[election_id]
        status = ds.elections.set_index("election_id").at[election_id, "status"]
        assert (pd.isna(status) and pd.isna(decided["status"])) or decided["status"] == status
        assert ("set the election aside" in after.text) == (decided["status"] == "set_aside")
        assert ("certified the union" in after.text) == (decided["status"] == "certified")
        assert ("No decision" in after.text) == pd.isna(decided["status"])

        others = story.earlier_and_later(ds, election_id)
        assert list(others.table.index) == [*story.same_facility(ds, election_id), election_id]
        if len(others.table) > 1:
            for _, vote in others.table.iterrows():
                assert long_date(vote["count_date"]) in others.text
                assert f"turnout {fmt_pct_or(vote['turnout'])}" in others.text

    side_by_side = story.comparison(ds, ids[0], ids[-1])
    assert list(side_by_side.table.index) == [ids[0], ids[-1]]
    for share in side_by_side.table["yes_share"]:
        assert fmt_pct_or(share) in side_by_side.text

    # Disputed spending, brute force: the rows whose spender, measure and period another row shares.
    keys = [tuple(str(v) for v in r) for r in ds.spending[story.SAME_FIGURE].itertuples(index=False)]
    disputed = [i for i, key in enumerate(keys) if keys.count(key) > 1]
    figures = story.disputed_figures(ds)
    assert len(figures.table) == len(disputed)
    assert sorted(figures.table["amount_usd"]) == sorted(ds.spending["amount_usd"].iloc[disputed])
    for _, figure in figures.table.iterrows():
        assert f"{fmt_usd(figure['amount_usd'])} for {figure['purpose']}" in figures.text
    for _, used in figures.table[figures.table["charts_use"]].iterrows():
        assert f"The charts use {escape_markdown(used['publisher'])}'s {fmt_usd(used['amount_usd'])}." in figures.text
    if not disputed:
        assert "none is disputed" in figures.text
