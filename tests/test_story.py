"""The notebooks' sentences: figures come from the data, follow a corrected CSV, and cite their sources."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from labor_analysis import charts, load, rules, story, summary
from labor_analysis.elections import results
from labor_analysis.text import fmt_int, fmt_pct, long_date


@pytest.fixture(scope="module")
def ds():
    return load()


def set_tally(data_dir: Path, election_id: str, choice: str, ballots: int) -> None:
    """Change one initial-stage tally in a copy of the data."""
    path = data_dir / "tallies.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    mask = (table["election_id"] == election_id) & (table["stage"] == "initial") & (table["choice"] == choice)
    assert mask.sum() == 1
    table.loc[mask, "ballots"] = str(ballots)
    table.to_csv(path, index=False)


def test_result_states_the_count_and_the_outcome(ds):
    jfk8 = story.result(ds, "jfk8-2022").text
    assert "2,654 yes to 2,131 no" in jfk8 and "margin of 523" in jfk8 and "won" in jfk8
    bessemer = story.result(ds, "bhm1-2022").text
    assert "875 yes to 993 no" in bessemer and "did not settle it" in bessemer and "416" in bessemer
    # the structured status columns, in AP style: the judge's order is on record, the note is not read
    assert "set the election aside on Nov. 6, 2024, and ordered a third election" in bessemer
    assert "appealed" in bessemer and "Rerun ordered" not in bessemer and "open" not in bessemer
    ldj5 = story.result(ds, "ldj5-2022").text
    assert "lost by 238" in ldj5


def test_a_leading_union_with_determinative_challenges_is_said_to_lead(data_copy):
    for choice, ballots in (("yes", 400), ("no", 380), ("challenged", 30)):
        set_tally(data_copy, "bhm1-2022", choice, ballots)
    changed = load(data_copy)
    result = story.result(changed, "bhm1-2022").text
    assert "the union led, 400 yes to 380 no" in result and "did not settle it" in result and "trailed" not in result
    challenged = story.challenged(changed, "bhm1-2022").text
    assert "determinative: the union led by 20" in challenged and "needs 6 of them" in challenged


def test_challenged_ballots_follow_the_nlrb_rules(ds):
    bessemer = story.challenged(ds, "bhm1-2022").text
    assert "determinative" in bessemer and "needs 268 of them" in bessemer and "1,143 to 1,141" in bessemer
    jfk8 = story.challenged(ds, "jfk8-2022").text
    assert "not determinative" in jfk8 and "523" in jfk8 and "67" in jfk8
    assert "No ballots were challenged" in story.challenged(ds, "ldj5-2022").text
    assert "not reported" in story.challenged(ds, "wfm-phl-2025").text


def test_a_corrected_tally_changes_the_words(data_copy):
    set_tally(data_copy, "bhm1-2022", "yes", 900)
    changed = load(data_copy)
    expected = rules.yes_needed(900, 993, 416)
    text = story.challenged(changed, "bhm1-2022").text
    assert f"needs {fmt_int(expected)} of them" in text
    assert "268" not in text
    assert "900 yes to 993 no" in story.result(changed, "bhm1-2022").text


def test_chance_states_its_assumptions_and_uses_the_rules(ds):
    row = summary(ds).set_index("election_id").loc["bhm1-2022"]
    text = story.chance(ds, "bhm1-2022").text
    assert fmt_pct(row["yes_share"]) in text and "the yes share of the counted ballots" in text
    stated = story.chance(ds, "bhm1-2022", yes_share=0.7, overruled=0.8).text
    p = rules.win_probability(875, 993, 416, 0.7, 0.8)
    assert f"{100 * p:.1f}%" in stated and "80%" in stated and "70%" in stated and "overruled" in stated
    assert "nothing left to chance" in story.chance(ds, "ldj5-2022").text


def test_turnout_counts_void_and_challenged_and_says_when_a_figure_is_missing(ds):
    text = story.turnout(ds, "jfk8-2022").text
    assert "4,869 of the 8,325" in text and "58.5%" in text and "17 void" in text
    assert text.startswith("At JFK8 on Staten Island, N.Y., 4,869")  # the paragraph names the election
    assert "not reported" in story.turnout(ds, "rdu1-2025").text
    comparison = story.comparison(ds, "rdu1-2025", "jfk8-2022").text
    assert "nan" not in comparison and "not reported at Garner, N.C." in comparison
    assert "nan" not in story.results_table(ds).to_string()
    assert "about 950" in story.turnout(ds, "alb1-2022").text


def test_showing_of_interest_comes_from_the_workforce_rows(ds):
    passage = story.showing_of_interest(ds, "jfk8-2022")
    assert "at least 30%" in passage.text and "reported as 30%" in passage.text and "meets" in passage.text
    assert "On count day" not in passage.text and "32% of those eligible, voted yes" in passage.text
    assert fmt_int(0.30 * 8325) not in passage.text  # no head count derived from a share
    workforce = ds.workforce.set_index(["election_id", "measure"])
    assert workforce.loc[("jfk8-2022", "showing_of_interest_pct"), "source_id"] in passage.source_ids
    assert "no showing-of-interest figure" in story.showing_of_interest(ds, "ldj5-2022").text


def test_the_other_bessemer_vote_is_compared(ds):
    assert story.same_facility(ds, "bhm1-2022") == ["bhm1-2021"]
    text = story.earlier_and_later(ds, "bhm1-2022").text
    assert "738 yes to 1,798 no" in text and "505 challenged" in text
    assert "No other election at JFK8 on Staten Island, N.Y." in story.earlier_and_later(ds, "jfk8-2022").text


def test_ldj5_against_jfk8_organizers_and_size(ds):
    assert "1,633" in story.comparison(ds, "ldj5-2022", "jfk8-2022").text
    # the smaller unit second: a fraction or a percentage, never '0.3 times as large'
    smaller = story.comparison(ds, "jfk8-2022", "ldj5-2022").text
    assert "times as large" not in smaller and "a unit a fifth as large" in smaller
    text = story.organizers(ds, "ldj5-2022", "jfk8-2022").text
    assert "about 10 organizers" in text and "about 30 at JFK8:" in text
    assert text.count("Staten Island") == 1  # the place said once: the site next door is 'at JFK8' after it
    assert story.comparison(ds, "ldj5-2022", "jfk8-2022").text.count("Staten Island") == 1
    # a place with its year, then a count: a comma parts them ('in Bessemer, Ala., in 2021, 5,867 workers')
    bessemer = story.comparison(ds, "bhm1-2021", "jfk8-2022").text
    assert re.search(r"\d \d", bessemer) is None and "in 2021, 5,867 workers" in bessemer
    assert "8,325 at JFK8 on Staten Island, N.Y." in bessemer  # another place: said in full
    assert "No organizer count is on record for Schodack, N.Y." in story.organizers(ds, "ldj5-2022", "alb1-2022").text


def test_money_keeps_both_2021_figures_and_says_which_the_charts_use(ds):
    text = story.disputed_figures(ds).text
    assert "$4.3 million" in text and "$4.2 million" in text
    assert "The charts use HuffPost's $4.3 million" in text
    assert "preferred" not in text and "the data's note" not in text
    ratio = story.money_ratio(ds).text
    assert "about $100,000" in ratio
    # company-wide for a year against one campaign: said, and no ratio finer than about 100,000 allows
    assert "across all its workplaces in 2021" in ratio and "not like with like" in ratio
    assert "roughly 40 times" in ratio and "54" not in ratio and "no other report confirms" in ratio
    per_worker = story.money_per_worker(ds, ["jfk8-2022"]).text
    assert "8,325" in per_worker and f"${100_000 / 8325:,.0f} per eligible worker" in per_worker
    assert "$4.3 million" not in per_worker  # only the figures of the election's year


def test_overview_counts_outcomes_and_each_workplace_once(ds):
    table = summary(ds)
    text = story.overview(ds).text
    assert f"{len(table)} NLRB elections" in text and "run by" not in text
    assert f"won {(table['outcome'] == 'won').sum()}" in text
    # every election accounted for: won, lost, and those the count did not decide
    rows = results(ds)
    undecided = int(((rows["outcome"] == "undetermined") & (rows["status"] == "set_aside")).sum())
    said = [int(n) for n in re.findall(r"(?:won|lost|did not decide) (\d+)", text)]
    assert sum(said) == len(table) and (undecided == 0 or f"the count did not decide {undecided}" in text)
    # Bessemer voted twice: its workers count once, at the rerun (6,153), not 5,867 + 6,153
    latest = table.drop_duplicates("facility", keep="last")
    # a sum with about 4,300 in it is known to the hundred, no finer
    assert f"about {fmt_int(round(latest['eligible_voters'].sum(), -2))} workers were eligible" in text
    assert fmt_int(table["eligible_voters"].sum()) not in text
    assert story.results_table(ds).index[2] == "JFK8, Staten Island, N.Y."


def test_sources_list_links_every_cited_source_once(ds):
    ids = story.result(ds, "jfk8-2022").source_ids
    text = story.sources_list(ds, [*ids, *ids]).text
    assert text.count("\n") == len(set(ids)) - 1
    assert "Law360" in text and "https://www.law360.com/" in text


def test_passages_show_as_markdown():
    assert story.Passage("**x**")._repr_markdown_() == "**x**"


def test_a_page_exports_charts_outside_the_data_and_cites_what_it_used(tmp_path, monkeypatch, project_data_dir):
    monkeypatch.setenv("LABOR_ANALYSIS_BUILD", str(tmp_path / "build"))
    assert story.charts_folder(None, "01-x") == tmp_path / "build" / "notebook-charts" / "01-x"
    page = story.Page("01-x", project_data_dir, tmp_path / "charts")
    spec = charts.chart("vote-shares", page.ds, election_id="jfk8-2022").spec
    page.say(story.result(page.ds, "jfk8-2022"))
    page.chart("vote-shares", "jfk8-2022")
    assert (tmp_path / "charts" / f"{spec.slug}-web.png").is_file()
    assert (tmp_path / "charts" / f"{spec.slug}.csv").is_file()
    assert set(spec.source_ids) <= set(page.source_ids)
    before = sorted(p.name for p in project_data_dir.iterdir())
    with pytest.raises(ValueError):
        story.Page("01-x", project_data_dir, project_data_dir).chart("vote-shares", "jfk8-2022")
    assert sorted(p.name for p in project_data_dir.iterdir()) == before


def test_a_page_says_why_a_chart_is_left_out(tmp_path, project_data_dir, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objects: shown.extend(objects))
    page = story.Page("01-x", project_data_dir, tmp_path)
    page.chart("what-it-would-take", "ldj5-2022")  # no ballots were challenged
    assert "no ballots were challenged" in shown[0].data
    assert not list(tmp_path.iterdir())


def test_money_per_worker_is_no_more_precise_than_the_money():
    """'$14.2 million' over 8,325 workers is 'about $1,710', not '$1,706'; 'over $750,000' over 4,785 votes is 'over
    $150', rounded down so 'over' stays true, not '$157' (the word was dropped from the per-vote figure)."""
    import re

    from labor_analysis.analysis import spending_per_voter

    ds = load()
    finding = story.money_per_worker(ds, ["jfk8-2022"])
    rows = spending_per_voter(ds, ["jfk8-2022"])
    lines = finding.text.split("\n- ")[1:]
    assert len(lines) == len(finding.table)
    for line, (_, row) in zip(lines, finding.table.iterrows()):
        full = rows[(rows["spender"] == row["spender"]) & (rows["purpose"] == row["purpose"])].iloc[0]
        amount_digits = max(2, len(str(round(row["amount_usd"])).rstrip("0")))
        said = re.findall(r"(about |over |up to )?\$([\d,]+) per (eligible worker|valid vote)", line)
        assert len(said) == 2, line
        for word, figure, per in said:
            value = int(figure.replace(",", ""))
            true = full["usd_per_eligible_voter"] if per == "eligible worker" else full["usd_per_valid_vote"]
            assert len(str(value).rstrip("0")) <= amount_digits, line
            assert abs(value - true) < 10 ** (len(str(value)) - amount_digits + 1), line
            if "over $" in line.split(", or")[0]:
                assert word == "over " and value <= true, line
            elif value != round(true):
                assert word, line  # rounded: said so


def test_the_readers_table_dates_each_count_in_ap_style(ds):
    table = story.results_table(ds)
    days = results(ds)["count_date"]
    assert list(table["Counted"]) == [long_date(d) for d in days]
    assert not table["Counted"].str.contains(r"\d{4}-\d\d-\d\d").any()


def test_a_table_for_readers_shows_no_na_and_separates_thousands() -> None:
    """Notebooks 05 and 06 show their tables through `story.readable`: no '<NA>' or 'NaN', counts with
    separators, shares as percentages, dates in AP style, text from the data as it is."""
    frame = pd.DataFrame(
        {
            "election_id": ["a-2022", None],
            "eligible_voters": pd.array([16585, pd.NA], dtype="Int64"),
            "challenged": [float("nan"), 416.0],
            "union_win_rate": [0.66, float("nan")],
            "mean": [63.4296, 5.0],
            "count_date": pd.to_datetime(["2022-04-01", None]),
            "certified": ["won", ""],
        },
        index=["x", "y"],
    )
    shown = story.readable(frame, missing="not reported")
    assert shown.loc["x"].tolist() == ["a-2022", "16,585", "not reported", "66.0%", "63.4", "April 1, 2022", "won"]
    assert shown.loc["y"].tolist() == ["not reported", "not reported", "416", "not reported", "5", "not reported", ""]
    assert "<NA>" not in story.readable(frame).to_string() and "NaN" not in story.readable(frame).to_string()
    assert story.readable(frame).loc["y", "eligible_voters"] == ""  # a blank by default


def test_a_page_exports_a_findings_stand_in_chart_where_its_own_cannot_be_drawn(tmp_path, project_data_dir):
    """A finding's chart with a stand-in `instead` (notebook 07: a time line, else the count by year): where its own
    chart cannot be drawn (here a what-it-would-take of an election without challenged ballots) the page exports the
    stand-in, as the finding shows it in Jupyter, rather than only a sentence."""
    page = story.Page("01-x", project_data_dir, tmp_path)
    finding = story.Passage("words").charting(page.ds, "what-it-would-take", "ldj5-2022", instead="vote-shares")
    page.chart(finding)
    stand_in = charts.chart("vote-shares", page.ds, election_id="ldj5-2022").spec
    assert (tmp_path / f"{stand_in.slug}-web.png").is_file()
    assert not list(tmp_path.glob("what-it-would-take*"))
