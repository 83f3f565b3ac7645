"""Print and social as first-class sizes, checked as laid out for each preset on every chart of our data, of an
import of the NLRB's Region 06 download (overview charts, and the charts of a few elections chosen for what they
hold) and of generated folders: no text under the preset's floor (6.5 pt in print), no text outside the image, no
two texts on top of each other, and no image beyond its preset's size."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

import matplotlib as mpl
import pytest
from hypothesis import HealthCheck, given, settings
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from strategies import data_folders

from labor_analysis import export, load, summary
from labor_analysis.charts import Chart, chart, chart_plan
from labor_analysis.charts._base import MAX_LISTED, MAX_LISTED_LINES, _rows_fit
from labor_analysis.charts.challenged import challenged_margin_data
from labor_analysis.charts.timeline import timeline_data
from labor_analysis.charts.turnout import over_eligible, turnout_all_data
from labor_analysis.charts.votes import vote_shares_all_data
from labor_analysis.gallery import chosen_elections
from labor_analysis.loading import Dataset
from labor_analysis.nlrb import import_files
from labor_analysis.paths import national_dir, nlrb_records_dir
from labor_analysis.presets import SIZE_PRESETS
from labor_analysis.style import house_rc

#: Pixels two texts may share (antialiasing) before they count as touching.
TOLERANCE_PX = 1.0


def laid_out(chart: Chart, size: str) -> tuple[Figure, list[tuple[str, float, Bbox]]]:
    """The chart laid out for one preset as the exporter lays it out (title, subtitle, source line), and every text
    a reader sees: its words, size in points and box in pixels (tick labels outside the axes' view are not drawn)."""
    preset = SIZE_PRESETS[size]
    fig = chart.figure()
    if not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)
    header = export._Header(fig, chart.spec.title, chart.spec.subtitle, chart.source_line, chart.spec.selection)
    with mpl.style.context(house_rc(), after_reset=True):
        export._TextSizes(fig).scale(preset.font_scale, preset.min_font_pt)
        header.place(preset, fig.get_size_inches()[1] * preset.plot_scale)
        fig.set_dpi(preset.dpi)
        export._lay_out(fig)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        hidden = set()
        for ax in fig.axes:
            for axis in (ax.xaxis, ax.yaxis):
                low, high = sorted(axis.get_view_interval())
                slack = 1e-9 * max(1.0, abs(high))
                for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                    if not low - slack <= tick.get_loc() <= high + slack:
                        hidden.update({id(tick.label1), id(tick.label2)})
        texts = [
            (t.get_text(), float(t.get_fontsize()), t.get_window_extent(renderer))
            for t in fig.findobj(Text)
            if t.get_visible() and t.get_text().strip() and id(t) not in hidden
        ]
    return fig, texts


def text_problems(fig: Figure, texts: list[tuple[str, float, Bbox]], floor: float, size: str = "") -> list[str]:
    found = []
    width, height = fig.bbox.width, fig.bbox.height
    preset = SIZE_PRESETS.get(size)
    cap = preset.max_height_in if preset is not None else None
    if cap is not None and height > cap * preset.dpi + TOLERANCE_PX:  # type: ignore[union-attr]
        found.append(f"image {height:.0f} px tall, over the preset's {cap:g} in")
    for words, points, box in texts:
        if points < floor - 1e-6:
            found.append(f"{words!r} at {points:.2f} pt")
        if box.x0 < -TOLERANCE_PX or box.y0 < -TOLERANCE_PX or box.x1 > width + TOLERANCE_PX or box.y1 > height + 1:
            found.append(f"{words!r} clipped")
    for legend in fig.findobj(Legend):  # a legend's keys too, not only its words
        box = legend.get_window_extent(fig.canvas.get_renderer())  # type: ignore[attr-defined]
        if box.x0 < -TOLERANCE_PX or box.y0 < -TOLERANCE_PX or box.x1 > width + TOLERANCE_PX or box.y1 > height + 1:
            found.append(f"legend {[t.get_text() for t in legend.get_texts()]} clipped")
    for i, (a_words, _, a) in enumerate(texts):
        for b_words, _, b in texts[i + 1 :]:
            across = min(a.x1, b.x1) - max(a.x0, b.x0)
            up = min(a.y1, b.y1) - max(a.y0, b.y0)
            if across > TOLERANCE_PX and up > TOLERANCE_PX:
                found.append(f"{a_words!r} touches {b_words!r}")
    return found


def layout_problems(ds: Dataset, sizes: list[str], per_election: list[str] | None = None) -> list[str]:
    """Every text problem of every chart `chart_plan` draws for `ds` (the charts of `per_election` only, when
    given), at each of `sizes`."""
    specs, _ = chart_plan(ds, per_election)
    found = []
    for size in sizes:
        floor = SIZE_PRESETS[size].min_font_pt
        for spec in specs:
            fig, texts = laid_out(Chart(spec, ds), size)
            found += [f"{spec.slug} ({size}): {p}" for p in text_problems(fig, texts, floor, size)]
    return found


@pytest.mark.slow
@pytest.mark.parametrize("size", list(SIZE_PRESETS))
def test_every_chart_of_our_data_sets_its_text_legibly_inside_and_apart(size):
    assert layout_problems(load(), [size]) == []


RECORDS = nlrb_records_dir()
RECENT = "recent_election_results_region06_2023-04-17.csv"


@pytest.fixture(scope="module")
def region06(tmp_path_factory) -> Dataset:
    if RECORDS is None or not (RECORDS / RECENT).is_file():
        pytest.skip("the NLRB's files are not here")
    return load(import_files([RECORDS / RECENT], tmp_path_factory.mktemp("region06") / "imported").out_dir)


def telling_elections(ds: Dataset) -> list[str]:
    """A few elections whose charts hold what an import brings: the largest units (`charts` at its defaults draws
    those), a decertification vote, challenged ballots that could decide, more ballots than eligible voters, and
    a ballot with several unions."""
    table = summary(ds)
    picks = chosen_elections(ds, None, 3) or []
    case = table["election_id"].map(ds.elections.set_index("election_id")["case_number"]).astype(str)
    for where in (
        case.str.contains("-RD-", regex=False),
        table["outcome"].astype(str) == "undetermined",
        over_eligible(table),
        table["unions"].fillna(1) > 1,
    ):
        picks += table.loc[where, "election_id"].head(1).tolist()
    return list(dict.fromkeys(picks))


@pytest.mark.slow
@pytest.mark.parametrize("size", list(SIZE_PRESETS))
def test_the_charts_of_an_nlrb_import_set_their_text_legibly_inside_and_apart(region06, size):
    """The overview charts of 673 elections (summarised or listing what fits) and a few elections' own charts."""
    chosen = telling_elections(region06)
    assert len(chosen) >= 6
    assert layout_problems(region06, [size], per_election=chosen) == []


@pytest.mark.slow
@given(folder=data_folders(max_elections=3))
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_charts_of_generated_folders_set_their_text_legibly_inside_and_apart(folder):
    with tempfile.TemporaryDirectory() as tmp:
        ds = load(folder.write(Path(tmp) / "data"))
    assert layout_problems(ds, list(SIZE_PRESETS)) == []


#: The listing charts (a row each election) and the table of the rows each could list.
LISTING = {
    "vote-shares-all": vote_shares_all_data,
    "turnout-all": turnout_all_data,
    "timeline": timeline_data,
    "challenged-margin": challenged_margin_data,
}


@pytest.mark.slow
@given(folder=data_folders(min_elections=MAX_LISTED + 1, max_elections=MAX_LISTED + 4))
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_listing_chart_of_a_selection_says_which_in_its_social_card_too(folder):
    """The social card leaves out the subtitle; a listing chart that shows some of the elections keeps the words
    saying which, or its title (which counts every election) would read as if about the rows shown."""
    with tempfile.TemporaryDirectory() as tmp:
        ds = load(folder.write(Path(tmp) / "data"))
    specs = {spec.slug: spec for spec in chart_plan(ds, [])[0]}
    selected = 0
    for slug, rows in LISTING.items():
        if slug not in specs:
            continue
        spec, listable = specs[slug], len(rows(ds))
        if not spec.selection:  # every row listed: no more than MAX_LISTED
            assert len(spec.data) == listable <= MAX_LISTED
            continue
        selected += 1
        assert len(spec.data) < listable
        close = slug == "challenged-margin" and spec.data["determinative"].all()  # the close ones, said so
        assert spec.selection == (
            f"Shown: the {len(spec.data)} largest units of the {listable} elections, by eligible voters."
        ) or (close and "where challenged ballots could change the result" in spec.selection)
        assert spec.selection.rstrip(".") in spec.subtitle
        _, texts = laid_out(Chart(spec, ds), "social")
        assert spec.selection in [" ".join(words.split()) for words, _, _ in texts]  # wrapped onto lines, maybe
    assert selected  # a folder of more than MAX_LISTED elections lists a selection on one chart at least
    # the time line lists a selection, or is left out where it cannot list half the elections (LISTED_AT_LEAST)
    assert "timeline" not in specs or specs["timeline"].selection
    assert layout_problems(ds, list(SIZE_PRESETS), per_election=[]) == []


def test_the_print_preset_sets_no_text_under_six_and_a_half_points():
    assert SIZE_PRESETS["print"].min_font_pt == 6.5


def name_gaps(chart: Chart, size: str) -> list[float]:
    """The space between each two neighbouring names on a chart's vertical axis, in lines of their text."""
    fig, _ = laid_out(chart, size)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    labels = [t for t in fig.axes[0].get_yticklabels() if t.get_text().strip()]
    boxes = sorted(
        ((t.get_window_extent(renderer), t.get_text().count("\n") + 1) for t in labels), key=lambda bl: -bl[0].y1
    )
    return [(a.y0 - b.y1) / (a.height / lines) for (a, lines), (b, _) in itertools.pairwise(boxes)]


@pytest.mark.slow
def test_names_of_three_lines_keep_half_a_line_from_their_neighbours_at_every_size():
    """The national import's vote-shares-all listed 'President and Fellows of / Harvard College, 2018 / (rerun)'
    under a name of three lines, its last line 5 px from 'Amazon.com Services, 2021' in the social card: two such
    neighbours keep a spare line (`_rows_fit`), so every two names stay half a line apart."""
    ds = load(national_dir())
    for name in ("vote-shares-all", "turnout-all", "challenged-margin"):
        finished = chart(name, ds)
        for size in SIZE_PRESETS:
            assert min(name_gaps(finished, size)) >= 0.5, (name, size)
    assert not _rows_fit([3, 3, 1, 2], MAX_LISTED_LINES - 1)  # the listing that set them tight
    assert _rows_fit([2, 2, 3, 1], MAX_LISTED_LINES - 1)
