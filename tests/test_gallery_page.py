"""The gallery page a graphics desk browses: a table of contents, groups (overview, each election, against the
nation), each title said once, each chart's name as `la.chart` takes it, and the charts left out with their reasons."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import labor_analysis as la
from labor_analysis import load
from labor_analysis.charts import LeftOut, chart_call, chart_plan
from labor_analysis.export import ChartRecord
from labor_analysis.gallery import build_gallery, gallery_html
from labor_analysis.safe_html import escape_html


@pytest.fixture(scope="module")
def plan():
    ds = load()
    return ds, *chart_plan(ds)


def test_every_slug_names_the_chart_call_that_makes_it(plan):
    ds, specs, _ = plan
    for spec in specs:
        name, election_id = chart_call(spec.slug, ds.elections["election_id"])
        assert la.chart(name, ds, election_id=election_id).slug == spec.slug


def _record(slug: str, title: str) -> ChartRecord:
    return ChartRecord(slug, title, f"Subtitle of {slug}", "h", f"Alt of {slug}", "Source: NLRB tally", ())


def test_the_page_has_contents_groups_one_title_each_and_what_was_left_out(plan):
    ds, specs, left_out = plan
    records = [_record(s.slug, s.title) for s in specs]
    calls = {s.slug: chart_call(s.slug, ds.elections["election_id"]) for s in specs}
    page = gallery_html(records, {}, " at Amazon", calls, [*left_out, LeftOut("organizers", "no <b>count</b>")])
    sections = re.findall(r'<section id="([a-z-]+)"', page)
    assert sections == ["overview", "election", "national", "left-out"]
    nav = page[page.index("<nav") : page.index("</nav>")]
    for spec in specs:
        title = f">{escape_html(spec.title)}<"
        assert page.count(title) == 1 and title in nav  # once: in the contents (the image carries it too)
    for call in ('la.chart("vote-shares", ds, election_id="jfk8-2022")', 'la.chart("timeline", ds)'):
        assert escape_html(call) in page
    assert "<code>organizers</code>: no &lt;b&gt;count&lt;/b&gt;" in page  # reasons escaped like all data text
    assert page.index('id="vote-shares-all"') < page.index('id="vote-shares-jfk8-2022"')


@pytest.mark.slow
def test_charts_says_each_chart_left_out_with_its_reason(tmp_path):
    ds = load()
    told: list[LeftOut] = []
    build_gallery(ds.data_dir, tmp_path, formats=("png",), sizes=("web",), progress=False, elections=["ldj5-2022"],
                  on_left_out=told.append)  # fmt: skip
    assert told and all(lo.reason for lo in told)
    assert {lo.slug for lo in told} == {lo.slug for lo in chart_plan(la.gallery.only_elections(ds, ["ldj5-2022"]))[1]}
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert all(f"<code>{lo.slug}</code>" in page for lo in told)


def test_a_listing_chart_shows_what_fits_and_says_which():
    from labor_analysis.charts._base import MAX_LISTED, largest_listed

    n = MAX_LISTED + 5
    table = pd.DataFrame(
        {
            "election_id": [f"e{i}" for i in range(n)],
            "eligible_voters": [10 * i for i in range(n)],
            "count_date": pd.date_range("2020-01-01", periods=n, freq="D"),
            "facility": [f"Workplace {i}" for i in range(n)],
            "city": ["Town"] * n,  # a `results` table always has the place columns
            "state": ["PA"] * n,
        }
    )
    data = table[["election_id"]].assign(label=[f"Workplace {i}, Town" for i in range(n)])
    shown, words, _ = largest_listed(data, table)
    assert list(shown["election_id"]) == [f"e{i}" for i in range(5, n)]  # the largest, in their order
    assert f"the {MAX_LISTED} largest units of the {n} elections" in words
    small = data.head(MAX_LISTED)
    assert largest_listed(small, table)[1] == "" and len(largest_listed(small, table)[0]) == MAX_LISTED


def test_per_election_charts_can_be_limited_while_overviews_cover_everything(plan):
    ds, specs, _ = plan
    limited, _ = chart_plan(ds, ["jfk8-2022"])
    per = [s.slug for s in limited if chart_call(s.slug, ds.elections["election_id"])[1] is not None]
    assert per and all(slug.endswith("jfk8-2022") for slug in per)
    overview = {s.slug: s.title for s in specs if chart_call(s.slug, ds.elections["election_id"])[1] is None}
    assert {s.slug: s.title for s in limited if s.slug in overview} == overview
    from labor_analysis.gallery import selection_left_out

    said = selection_left_out(ds, ["jfk8-2022"])
    assert "6 of the 7 elections get no charts of their own" in said.reason and "--max-elections" in said.reason


def test_listed_elections_that_share_a_workplace_name_are_named_by_their_city():
    """An NLRB import names only the employer: 'Starbucks Corporation, 2022' on every row would tell no row apart."""
    from labor_analysis.charts._base import MAX_LISTED, largest_listed
    from labor_analysis.text import short_employer

    n = MAX_LISTED + 2
    table = pd.DataFrame(
        {
            "election_id": [f"e{i}" for i in range(n)],
            "eligible_voters": [10 + i for i in range(n)],
            "count_date": pd.to_datetime(["2022-03-01"] * n),
            "facility": ["Starbucks Corporation"] * (n - 1) + ["JFK8"],
            "city": ["Buffalo", "Seattle", "", *["Mesa"] * (n - 4), "Staten Island"],
            "state": ["NY", "WA", "NY", *["AZ"] * (n - 4), "NY"],
        }
    )
    data = table[["election_id"]].assign(label=[f"label {i}" for i in range(n)])
    shown, words, _ = largest_listed(data, table)
    labels = dict(zip(shown["election_id"], shown["label"]))
    assert labels[f"e{n - 1}"] == f"label {n - 1}"  # a code keeps its label, which names its place
    assert labels["e3"] == "Mesa, Ariz., 2022" and "e0" not in labels  # the smallest two are not shown
    assert labels["e2"] == f"{short_employer('Starbucks Corporation')}, 2022"  # no city on record: the workplace
    assert "or its city, where several share one name" in words
