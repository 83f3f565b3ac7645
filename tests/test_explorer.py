"""The offline scenario explorer: its embedded answers against the rules, its words, escaping, and its links.

What the page does in a browser is tested in tests/test_browser.py; here the page is read as text.
"""

from __future__ import annotations

import html
import json
import re

import nbformat
import pandas as pd
import pytest
from folders import LENZNER_RUNOFF, add_nlrb_ballots
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labor_analysis import load, rules
from labor_analysis.explorer import (
    STEPS,
    build_explorer,
    embedded_explorer,
    explorer_elections,
    explorer_file_name,
    explorer_iframe,
    probability_grid,
    unexplorable,
    what_it_takes,
    write_explorer,
    write_explorers,
)
from labor_analysis.export import ChartRecord
from labor_analysis.gallery import write_gallery
from labor_analysis.rerun import report_html, write_index
from labor_analysis.text import fmt_probability

percent = st.integers(0, 100)


@pytest.fixture(scope="module")
def ds():
    return load()


@pytest.fixture(scope="module")
def bessemer(ds):
    return build_explorer(ds, "bhm1-2022")


def embedded(page: str) -> dict:
    """The JSON the page's script reads."""
    found = re.search(r'<script type="application/json" id="explorer-data">(.*?)</script>', page, re.S)
    assert found
    return json.loads(found.group(1))


def shown(data: dict, overruled: int, yes_share: int) -> str:
    """The chance the page shows at these slider settings (the lookup its script does)."""
    return data["labels"][data["cells"][overruled * data["steps"] + yes_share]]


@settings(max_examples=80, deadline=None)
@given(overruled=percent, yes_share=percent)
def test_every_setting_shows_the_rules_probability(bessemer, overruled, yes_share):
    expected = rules.win_probability(875, 993, 416, yes_share / 100, overruled / 100)
    assert shown(embedded(bessemer.page), overruled, yes_share) == fmt_probability(expected)


@settings(max_examples=25, deadline=None)
@given(
    yes=st.integers(0, 400), no=st.integers(0, 400), challenged=st.integers(1, 60), overruled=percent, yes_share=percent
)
def test_the_grid_is_win_probability_at_every_whole_percent(yes, no, challenged, overruled, yes_share):
    grid = probability_grid(yes, no, challenged)
    assert grid.shape == (STEPS, STEPS)
    assert grid[overruled, yes_share] == pytest.approx(
        rules.win_probability(yes, no, challenged, yes_share / 100, overruled / 100), abs=1e-12
    )


@settings(max_examples=80, deadline=None)
@given(yes=st.integers(0, 3000), no=st.integers(0, 3000), challenged=st.integers(1, 600), overruled=percent)
def test_what_it_takes_is_the_rules_answer_for_the_counted_ballots(yes, no, challenged, overruled):
    counted = round(challenged * overruled / 100)
    needed = rules.yes_needed(yes, no, counted)
    words = what_it_takes(yes, no, challenged, overruled)
    if not rules.is_determinative(yes, no, challenged):  # whatever the share overruled, the count decided it
        ending = (
            "wins even if every one of them is a no vote"
            if yes > no
            else "loses even if every one of them is a yes vote"
        )
        assert "not determinative" in words and ending in words
    elif counted == 0:
        assert "the count stands" in words and ("wins" if yes > no else "loses") in words
    elif needed is None:
        assert "loses even if every one of them is a yes vote" in words
    elif needed == 0:
        assert "wins even if every one of them is a no vote" in words
    else:
        assert f"needs {needed:,} of them" in words and "(a tie loses)" in words
        assert f"{yes + needed:,} to {no + counted - needed:,}" in words


def test_bessemer_title_states_the_finding_in_nlrb_words(bessemer):
    assert bessemer.title.startswith("The union needs 268 of the 416 challenged ballots (64.4%) to win the 2022 vote")
    assert "Bessemer" in bessemer.title
    page = bessemer.page
    assert f"<h1>{html.escape(bessemer.title)}</h1>" in page
    assert "overruled" in page and "sustained" in page
    assert "upheld" not in page.lower()  # a sustained challenge keeps the ballot out; never "upheld"
    assert html.escape(bessemer.source_line) in page and bessemer.source_line.startswith("Source")
    assert f'<desc id="map-desc">{html.escape(bessemer.alt_text)}</desc>' in page
    assert "268" in bessemer.alt_text and "875 yes, 993 no" in bessemer.alt_text


def test_the_page_starts_at_every_ballot_counted_and_the_counted_yes_share(bessemer):
    share = round(100 * 875 / (875 + 993))  # the yes share of the ballots already counted
    page = bessemer.page
    assert 'id="overruled" name="overruled" min="0" max="100" step="1" value="100"' in page
    assert f'id="yes-share" name="yes-share" min="0" max="100" step="1" value="{share}"' in page
    chance = fmt_probability(rules.win_probability(875, 993, 416, share / 100, 1.0))
    assert f'<span class="chance" id="chance">{html.escape(chance)}</span>' in page  # shown before any script runs


def test_the_page_is_keyboard_and_screen_reader_ready(bessemer):
    page = bessemer.page
    for slider in ("overruled", "yes-share"):
        assert f'<label for="{slider}">' in page and f'<input type="range" id="{slider}"' in page
    assert 'aria-live="polite"' in page and 'role="img"' in page and 'name="viewport"' in page


def test_the_page_loads_nothing_from_anywhere(bessemer):
    page = bessemer.page
    assert "<link" not in page and "@import" not in page and "url(http" not in page
    sources = re.findall(r'\bsrc="([^"]*)"', page)
    assert sources == []  # scripts and styles are inline
    for address in re.findall(r'\bhref="([^"]*)"', page):
        assert address.startswith(("data:image/png;base64,", "https://", "http://")), address
    # links to the cited sources are the only http(s) addresses, and only in <a> elements
    assert {m for m in re.findall(r'<(\w+)[^>]*href="https?://', page)} <= {"a"}


def test_reruns_are_byte_identical(ds, tmp_path):
    first = write_explorer(ds, "bhm1-2022", tmp_path / "a").read_bytes()
    second = write_explorer(load(), "bhm1-2022", tmp_path / "b").read_bytes()
    assert first == second
    assert (tmp_path / "a" / explorer_file_name("bhm1-2022")).is_file()


def test_only_determinative_elections_get_one_by_default_and_any_with_challenged_ballots_on_demand(ds):
    assert explorer_elections(ds) == ["bhm1-2022"]
    jfk8 = build_explorer(ds, "jfk8-2022")
    assert jfk8.title.startswith("The 67 challenged ballots cannot change the 2022 vote")
    assert jfk8.title.endswith("the union wins")
    assert set(embedded(jfk8.page)["labels"]) == {"100%"}
    for election_id, reason in (("ldj5-2022", "no ballot was challenged"), ("wfm-phl-2025", "not all on record")):
        with pytest.raises(ValueError, match=reason):
            build_explorer(ds, election_id)
        assert reason in (unexplorable(ds, election_id) or "")
        shown = embedded_explorer(ds, election_id)  # in a notebook: the sentence saying why
        assert reason in shown._repr_markdown_() and not hasattr(shown, "frame")
    assert unexplorable(ds, "bhm1-2022") is None and "<iframe" in embedded_explorer(ds, "bhm1-2022")._repr_html_()


def test_a_ballot_with_several_unions_is_refused_in_words(data_copy):
    add_nlrb_ballots(data_copy)
    with pytest.raises(ValueError, match="several unions"):
        build_explorer(load(data_copy), LENZNER_RUNOFF)
    assert "several unions were on the ballot" in (unexplorable(load(data_copy), LENZNER_RUNOFF) or "")


def test_writing_into_the_data_folder_is_refused(ds):
    with pytest.raises(ValueError, match="data folder"):
        write_explorer(ds, "bhm1-2022", ds.data_dir)


HOSTILE = '<script>alert("x")</script> & Co\'s </title>'


def _hostile_copy(data_copy, yes, no, challenged):
    """The data copy with script-like text in every text field an explorer shows, and Bessemer 2022 re-counted."""
    elections = pd.read_csv(data_copy / "elections.csv", dtype=str, keep_default_na=False)
    row = elections["election_id"] == "bhm1-2022"
    for column in ("facility", "city", "union"):
        elections.loc[row, column] = HOSTILE
    elections.to_csv(data_copy / "elections.csv", index=False)
    sources = pd.read_csv(data_copy / "sources.csv", dtype=str, keep_default_na=False)
    sources["title"] = HOSTILE
    sources["publisher"] = HOSTILE + " Press"
    sources.to_csv(data_copy / "sources.csv", index=False)
    tallies = pd.read_csv(data_copy / "tallies.csv", dtype=str, keep_default_na=False)
    for choice, ballots in (("yes", yes), ("no", no), ("challenged", challenged)):
        tallies.loc[(tallies["election_id"] == "bhm1-2022") & (tallies["choice"] == choice), "ballots"] = str(ballots)
    tallies.to_csv(data_copy / "tallies.csv", index=False)
    return load(data_copy)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    yes=st.integers(0, 2000),
    no=st.integers(0, 2000),
    challenged=st.integers(1, 80),
    overruled=percent,
    yes_share=percent,
)
def test_any_valid_data_gives_an_escaped_page_with_the_rules_answers(
    data_copy, yes, no, challenged, overruled, yes_share
):
    ds = _hostile_copy(data_copy, yes, no, challenged)
    explorer = build_explorer(ds, "bhm1-2022")
    page = explorer.page
    assert page.count("<script") == 2 and "alert(" not in page.replace("alert(&quot;", "")
    assert html.escape(HOSTILE) in page
    data = embedded(page)
    assert shown(data, overruled, yes_share) == fmt_probability(
        rules.win_probability(yes, no, challenged, yes_share / 100, overruled / 100)
    )
    assert data["what_it_takes"][overruled] == what_it_takes(yes, no, challenged, overruled)
    assert explorer_elections(ds) == (["bhm1-2022"] if rules.is_determinative(yes, no, challenged) else [])


def test_a_source_address_that_is_not_http_is_not_linked():
    from labor_analysis import explorer

    assert explorer._link({"title": "T", "publisher": "P", "url": "javascript:alert(1)"}) == "T (P)"
    assert explorer._link({"title": "T", "publisher": "P", "url": "https://a.example/?a=1&b=2"}) == (
        '<a href="https://a.example/?a=1&amp;b=2">T (P)</a>'
    )


def test_the_notebook_iframe_holds_the_same_page(ds, bessemer):
    frame = explorer_iframe(ds, "bhm1-2022")
    assert frame.startswith("<iframe ") and f'srcdoc="{html.escape(bessemer.page)}"' in frame
    assert embedded_explorer(ds, "bhm1-2022")._repr_html_() == frame  # a notebook cell shows it without warnings


def test_the_gallery_links_each_explorer_beside_its_heat_map_and_forgets_stale_ones(ds, tmp_path):
    links = write_explorers(ds, tmp_path)
    assert [(link.election_id, link.file_name) for link in links] == [("bhm1-2022", "explorer-bhm1-2022.html")]
    slug = links[0].chart_slug
    record = ChartRecord(
        slug=slug,
        title="t",
        subtitle="s",
        headline="1",
        alt_text="a 1",
        source_line="Source: X",
        sources=(),
        files={"web.png": f"{slug}-web.png"},
        data_file=f"{slug}.csv",
        alt_text_file=f"{slug}.txt",
    )
    write_gallery([record], tmp_path, {slug: links[0].file_name})
    [entry] = json.loads((tmp_path / "index.json").read_text())
    assert entry["explorer"] == "explorer-bhm1-2022.html"
    assert 'href="explorer-bhm1-2022.html"' in (tmp_path / "index.html").read_text()
    write_gallery([record], tmp_path)  # no explorer this time: the old file goes
    assert not (tmp_path / "explorer-bhm1-2022.html").exists()


def test_reports_reference_no_script_style_or_font_on_the_network():
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# A report\n\nIt cost $5 and $6 million."),
            nbformat.v4.new_code_cell(
                "x",
                outputs=[
                    nbformat.v4.new_output(
                        "display_data",
                        data={"text/plain": "VBox()", "application/vnd.jupyter.widget-view+json": {"model_id": "m"}},
                    )
                ],
            ),
            nbformat.v4.new_code_cell(
                "y",
                outputs=[
                    nbformat.v4.new_output("display_data", data={"text/html": "<table><tr><td>7</td></tr></table>"})
                ],
            ),
        ]
    )
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2}}
    page = report_html(nb, "a-report")
    assert "<table><tr><td>7</td></tr></table>" in page and "It cost $5 and $6 million." in page
    assert not re.findall(r'\bsrc="(?!data:)', page)
    assert "<link" not in page and "mathjax" not in page.lower() and "require.js" not in page
    assert "unpkg" not in page and "cdnjs" not in page and "widget-state" not in page and "widget-view" not in page
    assert "VBox()" not in page  # a live widget is left out, not shown as its Python repr
    assert "widgets" in nb.metadata  # the executed notebook keeps its widget state; only the report drops it


def test_the_notebooks_index_has_the_house_style_and_links_the_gallery(tmp_path, monkeypatch):
    monkeypatch.setenv("LABOR_ANALYSIS_BUILD", str(tmp_path))
    out = tmp_path / "notebooks"
    out.mkdir()
    (out / "n.html").write_text("<p>report</p>")
    page = write_index(out, {"n": {"status": "ran"}}).read_text()
    assert 'href="n.html"' in page and 'href="../charts/index.html"' in page
    assert "DejaVu Sans" in page and 'name="viewport"' in page
