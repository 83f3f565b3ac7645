"""The charts: numbers drawn equal the data published beside them, words come from the data, every election counts."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from labor_analysis import load, summary
from labor_analysis import charts
from labor_analysis.chart_specs import chart_specs, election_source_ids, what_it_would_take_spec
from labor_analysis.export import finalise, source_line
from labor_analysis.style import COLORS


@pytest.fixture(scope="module")
def ds(project_data_dir):
    return load(project_data_dir)


@pytest.fixture(scope="module")
def specs(ds):
    return chart_specs(ds)


def _bar_heights(ax) -> list[float]:
    return [p.get_height() for p in ax.patches]


def _texts(fig: Figure) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))


def test_vote_shares_csv_equals_the_bar_heights_drawn(ds, tmp_path):
    fig = charts.vote_shares(ds, "jfk8-2022")
    data = charts.vote_shares_data(ds, "jfk8-2022")
    record = finalise(fig, slug="vs", title="t", subtitle="s", source_ids=["law360-2022-04-01"], alt_text="a",
                      data=data, ds=ds, out_dir=tmp_path, formats=("png",), sizes=("web",))
    back = pd.read_csv(tmp_path / record.data_file)
    np.testing.assert_allclose(_bar_heights(fig.axes[0]), back["share_of_valid_votes_pct"])
    assert back["ballots"].tolist() == [2654, 2131]
    np.testing.assert_allclose(back["share_of_valid_votes_pct"].sum(), 100)


def test_vote_shares_draws_the_majority_line_and_zero_baseline(ds):
    ax = charts.vote_shares(ds, "bhm1-2022").axes[0]
    assert any(isinstance(line, Line2D) and list(line.get_ydata()) == [50, 50] for line in ax.lines)
    assert ax.get_ylim() == (0, 100)


def test_vote_shares_all_stacks_yes_and_no_to_100_percent(ds):
    fig = charts.vote_shares_all(ds)
    data = charts.vote_shares_all_data(ds).iloc[::-1]
    widths = [p.get_width() for p in fig.axes[0].patches]
    n = len(data)
    np.testing.assert_allclose(widths[:n], data["yes_share_pct"])
    np.testing.assert_allclose(np.add(widths[:n], widths[n:]), 100)
    assert any(list(line.get_xdata()) == [50, 50] for line in fig.axes[0].lines)


def test_turnout_bars_start_at_zero_and_match_summary(ds):
    fig = charts.turnout(ds, "ldj5-2022")
    row = summary(ds).set_index("election_id").loc["ldj5-2022"]
    assert _bar_heights(fig.axes[0]) == [row["eligible_voters"], row["ballots_cast"], row["valid_votes"]]
    assert fig.axes[0].get_ylim()[0] == 0


def test_turnout_says_unreported_ballots_instead_of_drawing_them(ds):
    fig = charts.turnout(ds, "rdu1-2025")
    assert _bar_heights(fig.axes[0])[1] == 0
    assert "not\nreported" in _texts(fig)


def test_what_it_would_take_bessemer_needs_268_of_416(ds):
    spec = what_it_would_take_spec(ds, "bhm1-2022")
    assert spec.headline == "268 of 416"
    assert "268 of 416" in spec.title and "268 of 416" in spec.alt_text
    fig = spec.build()
    assert "needed 268 of 416" in _texts(fig)
    totals = spec.data.set_index("side")["total"]
    assert totals["yes"] == 875 + 268 and totals["no"] == 993 + 416 - 268 and totals["yes"] > totals["no"]


def test_what_it_would_take_when_no_split_wins(ds):
    data = charts.what_it_would_take_data(ds, "bhm1-2021")
    assert not data["union_wins"].any()
    assert data.loc[0, "from_challenged"] == 505 and data.loc[0, "total"] < data.loc[1, "total"]


def test_challenged_margin_marks_only_determinative_elections(ds):
    data = charts.challenged_margin_data(ds)
    assert data.loc[data["determinative"], "election_id"].tolist() == ["bhm1-2022"]
    assert "wfm-phl-2025" not in set(data["election_id"])  # challenged ballots never reported
    fig = charts.challenged_margin(ds)
    offsets = np.vstack([c.get_offsets() for c in fig.axes[0].collections if isinstance(c, PathCollection)])
    assert sorted(map(tuple, offsets.tolist())) == sorted(zip(data["margin_size"].astype(float),
                                                              data["challenged"].astype(float)))


def test_scenario_heatmap_plots_the_rules_grid(ds):
    fig = charts.scenario_heatmap(ds, "bhm1-2022")
    image = fig.axes[0].get_images()[0].get_array()
    grid = charts.scenario_data(ds, "bhm1-2022")
    table = grid.pivot(index="overruled_share", columns="yes_share", values="win_probability").sort_index()
    np.testing.assert_allclose(np.asarray(image), table.to_numpy())


def test_spending_by_year_uses_preferred_rows_only(ds):
    data = charts.spending_by_year_data(ds)
    assert data["year"].tolist() == sorted(data["year"])
    assert 4_200_000 not in set(data["amount_usd"])  # the unconfirmed 2021 figure is not the preferred row
    fig = charts.spending_by_year(ds)
    np.testing.assert_allclose(_bar_heights(fig.axes[0]), data["amount_usd"] / 1e6)
    assert fig.axes[0].get_ylim()[0] == 0


def test_employer_vs_union_is_on_a_labelled_log_scale(ds):
    ax = charts.employer_vs_union(ds).axes[0]
    assert ax.get_xscale() == "log" and "log scale" in ax.get_xlabel()
    assert set(charts.employer_vs_union_data(ds)["side"]) == {"employer", "union"}


def test_organizers_picks_elections_with_organizer_counts(ds):
    data = charts.organizers_data(ds)
    assert {"jfk8-2022", "ldj5-2022"} <= set(data["election_id"])
    counts = data.set_index("election_id")["organizers"]
    assert counts["jfk8-2022"] == 30 and counts["ldj5-2022"] == 10  # the preferred rows


def test_timeline_colours_each_election_by_outcome(ds):
    fig = charts.timeline(ds)
    data = charts.timeline_data(ds)
    colours = {to_hex(c.get_facecolor()[0]).upper(): len(c.get_offsets()) for c in fig.axes[0].collections
               if isinstance(c, PathCollection)}
    expected = data["outcome"].value_counts()
    assert colours == {COLORS[o].upper(): n for o, n in expected.items()}


def test_every_spec_states_its_headline_in_title_and_alt_text(specs):
    for spec in specs:
        assert spec.headline, spec.slug
        assert spec.headline in spec.title, spec.slug
        assert spec.headline in spec.alt_text, spec.slug
        assert spec.source_ids, spec.slug


def test_registry_has_each_elections_charts(ds, specs):
    slugs = {s.slug for s in specs}
    table = summary(ds)
    for _, row in table.iterrows():
        eid = row["election_id"]
        assert {f"vote-shares-{eid}", f"turnout-{eid}"} <= slugs
        has_challenged = pd.notna(row["challenged"]) and row["challenged"] > 0
        assert (f"what-it-would-take-{eid}" in slugs) == has_challenged
        assert (f"scenario-heatmap-{eid}" in slugs) == bool(has_challenged and row["determinative"])
    assert len(slugs) == len(specs)


def test_every_spec_builds_a_figure_of_its_data(specs):
    for spec in specs:
        assert isinstance(spec.data, pd.DataFrame) and len(spec.data), spec.slug
        fig = spec.build()
        assert isinstance(fig, Figure) and fig.axes, spec.slug


def test_election_sources_cite_the_nlrb_case_page_first(ds):
    assert election_source_ids(ds, ["bhm1-2022"]) == ("nlrb-case-10-RC-269250", "alcom-2022-03-31")


def _add_election(folder):
    """Append a made-up election (challenged ballots determinative) with its tallies and source to a data copy."""
    with open(folder / "sources.csv", "a", encoding="utf-8") as fh:
        fh.write("test-gazette-2026,Test Gazette,Warehouse votes on a union,https://example.org/vote,2026-03-11,\n")
    with open(folder / "elections.csv", "a", encoding="utf-8") as fh:
        fh.write("xyz9-2026,Amazon.com Services LLC,XYZ9,Testville,OH,TWU,in_person,2026-03-02,2026-03-06,"
                 "2026-03-10,1000,false,,test-gazette-2026,\n")
    with open(folder / "tallies.csv", "a", encoding="utf-8") as fh:
        for choice, n in (("yes", 400), ("no", 380), ("void", 5), ("challenged", 30)):
            fh.write(f"xyz9-2026,initial,{choice},{n},test-gazette-2026,\n")


def test_an_added_election_gets_its_charts(data_copy):
    _add_election(data_copy)
    ds = load(data_copy)
    specs = {s.slug: s for s in chart_specs(ds)}
    for slug in ("vote-shares-xyz9-2026", "turnout-xyz9-2026", "what-it-would-take-xyz9-2026",
                 "scenario-heatmap-xyz9-2026"):
        assert slug in specs
    assert source_line(ds, specs["vote-shares-xyz9-2026"].source_ids) == "Source: Test Gazette"
    assert "XYZ9 2026" in specs["timeline"].alt_text
    assert "2 of 7" not in specs["timeline"].title  # the overview counts the new election too
    # 400 yes, 380 no, 30 challenged: the union leads, yet 30 >= its lead of 20 leaves the result open.
    vote_shares = specs["vote-shares-xyz9-2026"]
    assert vote_shares.title == "Union led with 51.3% at XYZ9 2026; 30 challenged ballots keep it open"
    assert "led by 20" in specs["what-it-would-take-xyz9-2026"].subtitle


def test_words_of_money_charts_compare_like_with_like(specs):
    money = {s.slug: s for s in specs}["employer-vs-union"]
    assert money.headline == "54 times" and "about 54 times" in money.title
    for words in (money.subtitle, money.alt_text):
        assert "spread evenly" in words and "$5.4 million" in words and "Apr 2021–Mar 2022" in words
        assert "about $100,000" in words
    assert "185" not in money.title


def test_organizers_chart_compares_the_same_measure(ds, specs):
    spec = {s.slug: s for s in specs}["organizers"]
    assert spec.title == ("JFK8 2022 (won) had about 30 organizers for 8,325 eligible voters; "
                          "LDJ5 2022 had about 10 for 1,633")
    assert "BHM1" not in spec.alt_text  # outside organizers are another measure
    texts = _texts(charts.organizers(ds))
    assert "about 30" in texts and "(about)" not in texts


def test_challenged_margin_words_state_the_rule_for_both_sides(specs):
    subtitle = {s.slug: s for s in specs}["challenged-margin"].subtitle
    assert "on or above the dashed line for a leading union" in subtitle and "above it for a trailing one" in subtitle


def test_turnout_title_says_about_when_eligible_voters_are_approximate(ds) -> None:
    """ALB1's eligible voters are flagged approximate in the data, JFK8's are not: the titles follow the flag."""
    from labor_analysis.chart_specs import turnout_spec

    flags = ds.elections.set_index("election_id")["eligible_approximate"]
    for election_id in ("alb1-2022", "jfk8-2022"):
        title = turnout_spec(ds, election_id).title
        assert title.startswith("About ") == bool(flags[election_id]), title


def test_turnout_bar_labels_say_about_when_eligible_voters_are_approximate(ds) -> None:
    """ALB1's eligible count is approximate, so its bar and the shares of it carry 'about'; JFK8's do not."""
    def labels(election_id: str) -> list[str]:
        fig = charts.turnout(ds, election_id)
        return [t.get_text() for t in fig.axes[0].texts]

    alb1, jfk8 = labels("alb1-2022"), labels("jfk8-2022")
    assert alb1[0] == "about 950" and "(about 68%\nof eligible)" in alb1[1]
    assert not any("about" in text for text in jfk8)
