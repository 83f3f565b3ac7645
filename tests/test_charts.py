"""The charts: numbers drawn equal the data published beside them, words come from the data, every election counts,
any valid data folder works, and a new chart is one addition in one file."""

from __future__ import annotations

import importlib
import json
import re
import sys
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from folders import read_rows, write_rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from public_words import problems

import labor_analysis as la
from labor_analysis import charts, load, summary
from labor_analysis.charts import challenged, money, summaries, timeline, turnout, votes
from labor_analysis.export import source_line
from labor_analysis.gallery import build_gallery
from labor_analysis.style import COLORS


@pytest.fixture(scope="module")
def ds(project_data_dir):
    return load(project_data_dir)


@pytest.fixture(scope="module")
def plan(ds):
    return charts.chart_plan(ds)


@pytest.fixture(scope="module")
def specs(plan):
    return {s.slug: s for s in plan[0]}


def _texts(fig: Figure) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))


# ---------------------------------------------------------------- what is drawn is what is published


def test_vote_shares_draw_the_data_published_beside_them(ds):
    data = votes.vote_shares_data(ds, "jfk8-2022")
    ax = votes.vote_shares_figure(ds, "jfk8-2022").axes[0]
    np.testing.assert_allclose([p.get_height() for p in ax.patches], data["share_of_valid_votes_pct"])
    assert data["ballots"].tolist() == [2654, 2131] and ax.get_ylim() == (0, 100)
    assert any(list(line.get_ydata()) == [50, 50] for line in ax.lines)


def test_vote_shares_all_stacks_yes_and_no_to_100_percent(ds):
    data = votes.vote_shares_all_data(ds).iloc[::-1]
    widths = [p.get_width() for p in votes.vote_shares_all_figure(ds).axes[0].patches]
    n = len(data)
    np.testing.assert_allclose(widths[:n], data["yes_share_pct"])
    np.testing.assert_allclose(np.add(widths[:n], widths[n:]), 100)


def test_turnout_bars_start_at_zero_and_say_what_was_not_reported(ds):
    ax = turnout.turnout_figure(ds, "ldj5-2022").axes[0]
    row = summary(ds).set_index("election_id").loc["ldj5-2022"]
    assert [p.get_height() for p in ax.patches] == [row["eligible_voters"], row["ballots_cast"], row["valid_votes"]]
    assert ax.get_ylim()[0] == 0
    assert "not\nreported" in _texts(turnout.turnout_figure(ds, "rdu1-2025"))


def test_turnout_across_elections_draws_each_reported_turnout(ds, specs):
    data = turnout.turnout_all_data(ds)
    ax = turnout.turnout_all_figure(ds).axes[0]
    np.testing.assert_allclose(sorted(p.get_width() for p in ax.patches), sorted(data["turnout_pct"]))
    assert ax.get_xlim() == (0, 100)
    spec = specs["turnout-all"]
    # two elections left out (ballots not all reported): the title says so itself, for the social card
    assert spec.title == (
        "Where all ballots were reported, turnout ranged from 38% in Bessemer, Ala., in 2022 to about 68% in "
        "Schodack, N.Y."
    )
    assert "Garner, N.C." in spec.subtitle  # left out, and said so: its void ballots were never reported


def test_what_it_would_take_bessemer_needs_268_of_416(ds, specs):
    spec = specs["what-it-would-take-bhm1-2022"]
    assert spec.headline == "268 of 416" and "268 of 416" in spec.title and "268 of 416" in spec.alt_text
    assert "needed 268 of 416" in _texts(spec.build())
    totals = spec.data.set_index("side")["total"]
    assert totals["yes"] == 875 + 268 and totals["no"] == 993 + 416 - 268


def test_challenged_margin_compares_like_with_like_and_marks_only_the_determinative(ds, specs):
    data = challenged.challenged_margin_data(ds)
    assert data.loc[data["determinative"], "election_id"].tolist() == ["bhm1-2022"]
    ax = challenged.challenged_margin_figure(ds).axes[0]
    widths = sorted(p.get_width() for p in ax.patches)
    assert widths == sorted([*data["margin_size"].astype(float), *data["challenged"].astype(float)])
    assert ax.get_xscale() == "linear" and ax.get_xlim()[0] == 0
    spec = specs["challenged-margin"]
    assert spec.title == (
        "Challenged ballots could change the result in 1 of 6 elections at Amazon, 2021-2025: Bessemer, Ala., 2022"
    )
    assert "dashed line" not in spec.subtitle  # readable without a rule to learn


def test_scenario_heatmap_plots_the_rules_grid_and_explains_its_line(ds):
    fig = challenged.scenario_heatmap_figure(ds, "bhm1-2022")
    grid = challenged.scenario_data(ds, "bhm1-2022")
    table = grid.pivot(index="overruled_share", columns="yes_share", values="win_probability").sort_index()
    np.testing.assert_allclose(np.asarray(fig.axes[0].get_images()[0].get_array()), table.to_numpy())
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "Even chance (50%)" in legend
    assert "overruled" in fig.axes[0].get_ylabel().lower()


def test_spending_by_year_has_no_axis_to_misread_and_names_the_other_report(ds, specs):
    data = money.spending_by_year_data(ds)
    assert data["year"].tolist() == sorted(data["year"]) and 4_200_000 not in set(data["amount_usd"])
    ax = money.spending_by_year_figure(ds).axes[0]
    np.testing.assert_allclose([p.get_height() for p in ax.patches], data["amount_usd"] / 1e6)
    assert ax.get_ylim()[0] == 0 and not [t for t in ax.get_yticklabels() if t.get_text()]  # no "$0M"
    spec = specs["spending-by-year"]
    assert "$4.2 million for 2021 (Associated Press)" in spec.subtitle and "HuffPost's $4.3 million" in spec.subtitle
    assert source_line(ds, spec.source_ids, spec.record).startswith("Source: The Labor Department's LM-10 filings")


def test_employer_vs_union_sets_figures_as_reported_and_says_they_are_not_like_with_like(ds, specs):
    data = money.employer_vs_union_data(ds)
    ax = money.employer_vs_union_figure(ds).axes[0]
    assert ax.get_xscale() == "linear" and ax.get_xlim()[0] == 0
    np.testing.assert_allclose(sorted(p.get_width() for p in ax.patches), sorted(data["amount_usd"]))
    assert list(data["side"]) == ["employer", "union"]
    spent = ds.spending[ds.spending["measure"].astype(str) == "spent"]
    assert set(data["amount_usd"]) <= set(spent["amount_usd"])  # as reported: nothing pro-rated
    spec = specs["employer-vs-union"]
    employer, union = data.loc[0, "amount_usd"], data.loc[1, "amount_usd"]
    times = round(employer / union, -1)  # about 100,000 is known to one digit: so is the ratio
    assert spec.headline == f"about {times:.0f} times" and "company-wide" in spec.title
    assert "says" in spec.title and "Not like with like" in spec.subtitle
    assert "no other report confirms it" in spec.subtitle and "unconfirmed" in spec.alt_text
    assert "like against like" not in spec.subtitle + spec.alt_text and "54" not in spec.title
    unconfirmed = [t.get_text() for t in ax.texts if "unconfirmed" in t.get_text()]
    assert unconfirmed and unconfirmed[0].startswith("about $100K")


def test_no_organizers_chart_draws_a_lesson_from_two_rough_counts():
    assert "organizers" not in charts.names()


def test_timeline_has_dots_not_stems_and_its_own_headline(ds, specs):
    fig = timeline.timeline_figure(ds)
    data = timeline.timeline_data(ds)
    assert not [c for c in fig.axes[0].collections if isinstance(c, LineCollection)]  # no stems to read as bars
    dots = sum(len(c.get_offsets()) for c in fig.axes[0].collections if isinstance(c, PathCollection))
    assert dots == len(data) and not fig.axes[0].patches
    assert specs["timeline"].headline != specs["vote-shares-all"].headline
    assert specs["timeline"].title.startswith(
        "Since the first union win at Amazon in the data (JFK8, Staten Island, N.Y., April 2022)"
    )


def test_one_colour_per_meaning_and_no_white_text_on_light_bars(ds):
    meanings = ["yes", "no", "won", "lost", "undetermined", "neutral"]
    assert len({COLORS[m] for m in meanings}) == len(meanings)
    assert COLORS["lost"] not in (COLORS["no"], COLORS["employer"])
    fig = votes.vote_shares_figure(ds, "jfk8-2022")
    on_orange = next(t for t in fig.axes[0].texts if "44.5%" in t.get_text())
    assert to_hex(on_orange.get_color()) != "#ffffff"


# ---------------------------------------------------------------- words from data


def test_every_chart_states_its_headline_in_title_and_alt_text(specs):
    for spec in specs.values():
        assert spec.headline and spec.headline in spec.title and spec.headline in spec.alt_text, spec.slug
        assert spec.source_ids and spec.record, spec.slug


def _change_every_figure(folder: Path) -> None:
    """A corrected copy of the data: every yes count, the employer's spending and every organizer count changed."""
    tallies = pd.read_csv(folder / "tallies.csv", dtype=str, keep_default_na=False)
    yes = tallies["choice"] == "yes"
    tallies.loc[yes, "ballots"] = [str(int(b) - 3) for b in tallies.loc[yes, "ballots"]]
    tallies.to_csv(folder / "tallies.csv", index=False)
    spending = pd.read_csv(folder / "spending.csv", dtype=str, keep_default_na=False)
    employer = spending["side"] == "employer"
    spending.loc[employer, "amount_usd"] = [str(int(a) * 2) for a in spending.loc[employer, "amount_usd"]]
    spending.to_csv(folder / "spending.csv", index=False)
    workforce = pd.read_csv(folder / "workforce.csv", dtype=str, keep_default_na=False)
    organizers = workforce["measure"] == "organizers"
    workforce.loc[organizers, "value"] = [str(int(v) + 5) for v in workforce.loc[organizers, "value"]]
    workforce.to_csv(folder / "workforce.csv", index=False)


def test_a_changed_figure_changes_each_charts_title_and_alt_text(specs, data_copy):
    _change_every_figure(data_copy)
    changed = {s.slug: s for s in charts.chart_specs(load(data_copy))}
    assert set(changed) == set(specs)
    for slug, spec in specs.items():
        if slug.startswith("national-"):
            continue  # outcomes, unit sizes and data/derived/ only: tests/test_nlrb_national.py changes those
        assert changed[slug].alt_text != spec.alt_text, slug
    # every title whose figure moved says the new one
    retitled = [s for s in specs if specs[s].title != changed[s].title]
    for slug in (
        "vote-shares-jfk8-2022",
        "what-it-would-take-bhm1-2022",
        "spending-by-year",
        "scenario-heatmap-bhm1-2022",
        "employer-vs-union",
    ):
        assert slug in retitled, slug
    assert "Union won at JFK8 on Staten Island, N.Y., with 55.5%" in specs["vote-shares-jfk8-2022"].title
    assert "55.4%" in changed["vote-shares-jfk8-2022"].title  # 2,651 of 4,782


def test_no_public_text_says_a_code_without_its_place_upheld_or_internal_words(ds, specs):
    for spec in specs.values():
        for text in (spec.title, spec.subtitle, spec.alt_text, charts.Chart(spec, ds).source_line):
            assert not problems(text, ds), (spec.slug, text, problems(text, ds))
    for left in charts.chart_plan(ds)[1]:
        assert not problems(left.reason, ds)


def test_charts_name_places_in_ap_style(specs):
    assert specs["vote-shares-bhm1-2021"].title == "Union lost in Bessemer, Ala., in 2021 with 29.1% of valid votes"
    assert specs["vote-shares-rdu1-2025"].title == "Union lost in Garner, N.C., with 25.3% of valid votes"
    assert (
        specs["vote-shares-wfm-phl-2025"].title == "Union won at Whole Foods in Philadelphia with 56.5% of valid votes"
    )
    assert "JFK8, Staten Island, N.Y." in specs["vote-shares-all"].alt_text


def test_election_charts_credit_the_nlrb_tally(ds, specs):
    line = source_line(ds, specs["vote-shares-bhm1-2022"].source_ids, specs["vote-shares-bhm1-2022"].record)
    assert line == "Source: NLRB tally, as reported by AL.com"
    assert charts.election_source_ids(ds, ["bhm1-2022"]) == ("nlrb-case-10-RC-269250", "alcom-2022-03-31")


# ---------------------------------------------------------------- the registry


def test_registry_has_each_elections_charts_and_says_why_others_are_left_out(ds, plan):
    made, left_out = plan
    slugs = {s.slug for s in made}
    assert len(slugs) == len(made)
    reasons = {out.slug: out.reason for out in left_out}
    for _, row in summary(ds).iterrows():
        eid = row["election_id"]
        assert {f"vote-shares-{eid}", f"turnout-{eid}"} <= slugs
        has_challenged = pd.notna(row["challenged"]) and row["challenged"] > 0
        assert (f"what-it-would-take-{eid}" in slugs) == has_challenged
        assert (f"scenario-heatmap-{eid}" in slugs) == bool(has_challenged and row["determinative"])
        for name in ("what-it-would-take", "scenario-heatmap"):
            assert (f"{name}-{eid}" in slugs) != (f"{name}-{eid}" in reasons)
    assert reasons["what-it-would-take-ldj5-2022"] == "no ballots were challenged, so the count decided it"


def test_an_added_election_gets_its_charts(data_copy):
    with open(data_copy / "sources.csv", "a", encoding="utf-8") as fh:
        fh.write("test-gazette-2026,Test Gazette,Warehouse votes on a union,https://example.org/vote,2026-03-11,\n")
    with open(data_copy / "elections.csv", "a", encoding="utf-8") as fh:
        fh.write(
            "xyz9-2026,Amazon.com Services LLC,Amazon,XYZ9,Testville,OH,TWU,in_person,2026-03-02,2026-03-06,"
            "2026-03-10,1000,false,,initial,,,,,false,,test-gazette-2026,\n"
        )
    with open(data_copy / "tallies.csv", "a", encoding="utf-8") as fh:
        for choice, n in (("yes", 400), ("no", 380), ("void", 5), ("challenged", 30)):
            fh.write(f"xyz9-2026,initial,{choice},{n},test-gazette-2026,\n")
    ds = load(data_copy)
    specs = {s.slug: s for s in charts.chart_specs(ds)}
    for name in ("vote-shares", "turnout", "what-it-would-take", "scenario-heatmap"):
        assert f"{name}-xyz9-2026" in specs
    vote = specs["vote-shares-xyz9-2026"]
    assert source_line(ds, vote.source_ids, vote.record) == "Source: NLRB tally, as reported by Test Gazette"
    assert "Testville, Ohio" in specs["timeline"].alt_text
    assert vote.title == "Union led with 51.3% in Testville, Ohio; 30 challenged ballots could change the result"


def test_a_chart_shows_inline_in_one_call_without_writing_files(ds, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shown = la.chart("vote-shares", ds, election_id="jfk8-2022")
    png = shown._repr_png_()
    assert png.startswith(b"\x89PNG") and "alt=" in shown._repr_html_()
    assert shown.title.startswith("Union won at JFK8") and shown.source_line.startswith("Source: NLRB tally")
    assert not list(tmp_path.iterdir())
    record = shown.export(tmp_path / "out", formats=("png",), sizes=("web",))
    assert (tmp_path / "out" / record.files["web.png"]).is_file()
    with pytest.raises(KeyError, match=r"known: elections-by-year, .*vote-shares, "):
        la.chart("pie", ds)
    with pytest.raises(charts.ChartUnavailable, match="no ballots were challenged"):
        la.chart("what-it-would-take", ds, election_id="ldj5-2022")


def test_adding_a_chart_is_one_new_module(ds, tmp_path, monkeypatch):
    """A throwaway chart in a module of its own registers itself, and the gallery exports it."""
    module = tmp_path / "throwaway_chart.py"
    module.write_text(
        textwrap.dedent("""
        import pandas as pd
        from labor_analysis.charts import ChartSpec, register
        from labor_analysis.charts._base import new_figure

        def figure():
            fig = new_figure(2.0)
            fig.add_subplot().bar(["a"], [1])
            return fig

        @register("throwaway", order=999)
        def throwaway(ds):
            data = pd.DataFrame({"n": [len(ds.elections)]})
            return ChartSpec("throwaway", f"{len(ds.elections)} elections", "s", str(len(ds.elections)),
                             f"{len(ds.elections)} elections", ("law360-2022-04-01",), data, figure)
    """)
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        importlib.import_module("throwaway_chart")
        records = build_gallery(ds.data_dir, tmp_path / "out", formats=("png",), sizes=("web",), jobs=1, progress=False)
        assert "throwaway" in {r.slug for r in records}
        assert "throwaway" in {e["slug"] for e in json.loads((tmp_path / "out" / "index.json").read_text())}
    finally:
        charts.REGISTRY.pop("throwaway", None)
        sys.modules.pop("throwaway_chart", None)


# ---------------------------------------------------------------- any valid data folder

HEADERS = {
    "sources": "source_id,publisher,title,url,published,note",
    "elections": (
        "election_id,employer,facility,city,state,union,voting_method,vote_start,vote_end,count_date,"
        "eligible_voters,eligible_approximate,case_number,source_id,note"
    ),
    "tallies": "election_id,stage,choice,ballots,source_id,note",
    "spending": (
        "spender,side,purpose,measure,period_start,period_end,amount_usd,approximate,unconfirmed,preferred,"
        "source_id,note"
    ),
    "workforce": "election_id,measure,value,approximate,unconfirmed,preferred,source_id,note",
}

tallies = st.tuples(st.integers(0, 300), st.integers(0, 300), st.integers(0, 20), st.integers(0, 60))
folders = st.fixed_dictionaries(
    {
        "elections": st.lists(
            st.tuples(tallies, st.booleans(), st.sampled_from(["Austin", "Dallas"])), min_size=1, max_size=3
        ),
        "employer_money": st.lists(
            st.tuples(st.integers(2020, 2023), st.integers(1, 10_000_000)), max_size=2, unique_by=lambda t: t[0]
        ),
        "union_money": st.one_of(st.none(), st.tuples(st.integers(2018, 2024), st.integers(1, 200_000))),
        "organizers": st.one_of(st.none(), st.integers(1, 50)),
    }
)


def write_folder(folder: Path, spec: dict) -> None:
    """A valid data folder from a drawn spec: elections (some tied), money on either side or none, organizers."""
    folder.mkdir()
    rows = {name: [header] for name, header in HEADERS.items()}
    rows["sources"].append("src,Test Gazette,A report,https://example.org/a,2024-01-02,")
    for i, ((yes, no, void, set_aside), tie, city) in enumerate(spec["elections"]):
        no = yes if tie else no
        eid = f"f{i}-202{i + 1}"
        eligible = yes + no + void + set_aside + 10
        rows["elections"].append(
            f"{eid},Employer,F{i},{city},TX,U,in_person,,,202{i + 1}-06-0{i + 1},{eligible},false,,src,"
        )
        for choice, n in (("yes", yes), ("no", no), ("void", void), ("challenged", set_aside)):
            rows["tallies"].append(f"{eid},initial,{choice},{n},src,")
    for year, amount in spec["employer_money"]:
        rows["spending"].append(
            f"Employer,employer,consultants,spent,{year}-01-01,{year}-12-31,{amount},false,false,true,src,"
        )
    if spec["union_money"]:
        year, amount = spec["union_money"]
        rows["spending"].append(f"U,union,campaign,spent,{year}-03-01,{year}-09-30,{amount},false,false,true,src,")
    if spec["organizers"]:
        rows["workforce"].append(f"f0-2021,organizers,{spec['organizers']},true,false,true,src,")
    for name, lines in rows.items():
        (folder / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=folders)
def test_any_valid_folder_gets_every_chart_it_supports_and_a_reason_for_the_rest(tmp_path_factory, spec):
    folder = tmp_path_factory.mktemp("gen") / "data"
    write_folder(folder, spec)
    ds = load(folder)
    made, left_out = charts.chart_plan(ds)
    every = {c.name for c in charts.REGISTRY.values() if not c.per_election}
    per = {c.name for c in charts.REGISTRY.values() if c.per_election}
    expected = every | {f"{n}-{e}" for n in per for e in ds.elections["election_id"]}
    assert {s.slug for s in made} | {out.slug for out in left_out} == expected
    assert all(out.reason for out in left_out)
    for spec_ in made:
        fig = spec_.build()
        assert isinstance(fig, Figure) and fig.axes, spec_.slug
        assert "nan" not in spec_.title + spec_.alt_text, spec_.slug
        assert not problems(spec_.title + " " + spec_.alt_text, ds), spec_.slug


def test_ballots_with_several_unions_and_run_offs_are_not_drawn_as_yes_against_no(data_copy):
    """The NLRB's own multi-union ballot and run-off: left out of yes-or-no charts, and the subtitle says so."""
    from folders import LENZNER_RUNOFF, PARAGON, add_nlrb_ballots

    ds = load(add_nlrb_ballots(data_copy))
    made, left_out = charts.chart_plan(ds)
    specs = {s.slug: s for s in made}
    reasons = {out.slug: out.reason for out in left_out}
    for election_id in (PARAGON, LENZNER_RUNOFF):
        assert election_id not in set(specs["vote-shares-all"].data["election_id"])
        assert "not a yes-or-no ballot" in reasons[f"vote-shares-{election_id}"]
        assert f"what-it-would-take-{election_id}" in reasons
    assert "Not shown (not a yes-or-no ballot" in specs["vote-shares-all"].subtitle
    assert "Paragon Systems, Pittsburgh" in specs["vote-shares-all"].subtitle
    assert f"turnout-{PARAGON}" in specs  # turnout is no yes-or-no question


def test_the_command_line_says_nothing_a_reader_should_not_see(ds, capsys, tmp_path):
    """What `scenario` and `charts` print: places, not bare codes; 'overruled', never 'upheld'; no internal words."""
    from labor_analysis.cli import main

    outputs = []
    for election_id in ds.elections["election_id"]:
        args = ["scenario", "--election", election_id, "--data-dir", str(ds.data_dir), "--yes-share", "0.5"]
        if main(args) == 0:
            outputs.append(capsys.readouterr().out)
    assert main(["scenario", "--yes", "5", "--no", "5", "--challenged", "3", "--overruled", "0.5"]) == 0
    outputs.append(capsys.readouterr().out)
    assert main(["summary", "--data-dir", str(ds.data_dir)]) == 0
    summary_table = capsys.readouterr().out
    assert not [w for w in ("upheld", "seed", "preferred") if w in summary_table.lower()]
    assert "overruled" in outputs[-1]
    for out in outputs:
        assert out and not problems(out, ds), problems(out, ds)


def test_figures_from_a_source_without_an_address_are_called_unverified(ds, specs):
    no_address = set(ds.sources.loc[ds.sources["url"].isna(), "source_id"])
    for spec in specs.values():
        cites = no_address & set(spec.source_ids)
        assert bool(re.search(r"reports? (is|are) unverified\.", spec.subtitle)) == bool(cites), spec.slug
        assert bool(re.search(r"reports? (is|are) unverified\.", spec.alt_text)) == bool(cites), spec.slug
    assert "HuffPost's report is unverified." in specs["spending-by-year"].subtitle


def test_more_ballots_than_eligible_voters_is_no_turnout(data_copy):
    """Challenged ballots (counted among the ballots cast) may come from workers missing from the list of eligible
    voters: a share over 100% is neither drawn nor worded as a turnout (Region 06's file held eight such)."""
    header, rows = read_rows(data_copy, "elections.csv")
    for row in rows:
        if row["election_id"] == "jfk8-2022":  # 2,654 + 2,131 + 17 void + 67 challenged = 4,869 ballots
            row["eligible_voters"] = "4850"
    write_rows(data_copy, "elections.csv", header, rows)
    ds = load(data_copy)
    spec = charts.chart("turnout-all", ds).spec
    assert "jfk8-2022" not in set(spec.data["election_id"])
    assert spec.data["turnout_pct"].max() <= 100
    assert "more ballots cast than workers on the list of eligible voters" in spec.subtitle
    assert "Staten Island" in spec.subtitle.split("eligible voters, challenged ballots included")[1]
    assert spec.title.startswith("Where the figures give a turnout, turnout ranged from 38% in Bessemer")
    one = charts.chart("turnout", ds, election_id="jfk8-2022").spec
    assert one.title.startswith("4,869 ballots were cast") and "more than the 4,850 workers" in one.title
    assert "%" not in one.title and "67 challenged ballots may come from workers missing" in one.subtitle
    assert "(more than the eligible voters)" in one.alt_text
    assert "100%" not in _texts(one.build()) and "of eligible" in _texts(one.build())  # valid votes keep their share


def test_elections_by_year_of_one_year_draws_one_bar_of_one_year():
    """Starbucks' 274 elections of the national record fall in FY2022: one bar a third of the plot wide under one
    tick 'FY22' (not a bar the plot's width over 'FY21 FY21 FY21 FY22 FY22 FY22'), and no 'the most were counted
    in FY2022' of a single year."""
    from labor_analysis.paths import national_dir

    starbucks = load(national_dir()).select(company="Starbucks")
    spec = la.chart("elections-by-year", starbucks).spec
    assert spec.title == "A union won a majority in 230 of 274 elections the count decided at Starbucks, FY2022"
    assert "Undecided by the count: 0" not in spec.subtitle and "The count decided every one." in spec.subtitle
    ax = summaries.by_year_figure(starbucks).axes[0]
    assert list(ax.get_xticks()) == [2022]
    low, high = ax.get_xlim()
    assert high - low >= summaries.FEW_YEARS


def test_turnout_all_of_many_elections_states_its_company_and_years():
    """Where the places are too long to name, the short title keeps the company and the years counted."""
    from labor_analysis.paths import national_dir

    national = load(national_dir())
    assert la.chart("turnout-all", national).title == (
        "Turnout ranged from 2% to 100% in the 6,788 elections with a turnout on record, 2005-2023"
    )
    assert la.chart("turnout-all", national.select(company="Starbucks")).title == (
        "Turnout ranged from 34% to 91% in the 14 elections with all ballots reported at Starbucks, 2022"
    )
