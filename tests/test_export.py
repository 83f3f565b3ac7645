"""The finishing step: source lines, every format and size, atomic and reproducible files, safe CSVs."""

from __future__ import annotations

import dataclasses

import matplotlib as mpl
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from labor_analysis import load
from labor_analysis.charts import chart_specs
from labor_analysis.export import (
    SIZE_PRESETS,
    _text_width_in,
    _wrap,
    cited_sources,
    finalise,
    parse_formats,
    parse_sizes,
    source_line,
)
from labor_analysis.paths import ensure_outside_data
from labor_analysis.style import COLORS, house_rc


@pytest.fixture(scope="module")
def ds(project_data_dir):
    return load(project_data_dir)


def small_figure() -> Figure:
    with mpl.rc_context(house_rc()):
        fig = Figure(figsize=(6.4, 2.5), layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ax.bar(["yes", "no"], [875, 993], color=[COLORS["yes"], COLORS["no"]])
        ax.set_ylabel("Ballots")
    return fig


def export(fig, ds, out_dir, **kwargs):
    options = dict(
        slug="test-chart",
        title="Union trailed by 118 votes",
        subtitle="Valid votes at BHM1 in 2022",
        source_ids=["nlrb-case-10-RC-269250", "alcom-2022-03-31"],
        alt_text="Bar chart: 875 yes, 993 no.",
        data=pd.DataFrame({"choice": ["yes", "no"], "ballots": [875, 993]}),
        ds=ds,
        out_dir=out_dir,
        record="NLRB tally",
    )
    options.update(kwargs)
    return finalise(fig, **options)


def with_sources(ds, *publishers: str):
    """`ds` with a hand-made sources table: one source per publisher, ids s0, s1, ... in order."""
    table = pd.DataFrame(
        {"source_id": [f"s{i}" for i in range(len(publishers))], "publisher": list(publishers), "title": "t", "url": ""}
    )
    return dataclasses.replace(ds, sources=table)


NLRB = "National Labor Relations Board"


@pytest.mark.parametrize(
    "publishers, record, line",
    [
        ((NLRB, "AL.com"), "NLRB tally", "Source: NLRB tally, as reported by AL.com"),
        (("AL.com", NLRB), "NLRB tally", "Source: NLRB tally, as reported by AL.com"),
        (
            (NLRB, "CBS News", NLRB, "AL.com", "Law360"),
            "NLRB tallies",
            "Source: NLRB tallies, as reported by CBS News, AL.com and Law360",
        ),
        (("Law360", "The Verge"), "NLRB tally", "Source: NLRB tally, as reported by Law360 and The Verge"),
        ((NLRB,), "NLRB tally", "Source: NLRB tally"),
        (
            ("HuffPost (reprinted)", "The Hill"),
            "the Labor Department's LM-10 filings",
            "Source: The Labor Department's LM-10 filings, as reported by HuffPost and The Hill",
        ),
        (("HuffPost",), "", "Source: HuffPost"),
        (("HuffPost", "The Hill", "HuffPost"), "", "Sources: HuffPost and The Hill"),
        ((NLRB, NLRB), "", "Source: NLRB"),
        (
            ("NLRB Region 10", "AL.com"),
            "NLRB tally",
            "Source: NLRB tally, as reported by AL.com",
        ),  # named like the NLRB
        (("national labor relations board",), "", "Source: NLRB"),
        (("NLRBWatch",), "", "Source: NLRBWatch"),  # a word that merely starts with the initials is an outlet
    ],
)
def test_source_line_names_the_primary_record_then_the_outlets(ds, publishers, record, line):
    ids = [f"s{i}" for i in range(len(publishers))]
    assert source_line(with_sources(ds, *publishers), ids, record) == line


def test_source_line_comes_from_sources_csv(ds):
    assert source_line(ds, ["retailwire-2025-01-28"], "NLRB tally") == "Source: NLRB tally, as reported by RetailWire"
    assert (
        source_line(ds, ["nlrb-case-10-RC-269250", "alcom-2022-03-31"], "NLRB tally")
        == "Source: NLRB tally, as reported by AL.com"
    )
    assert (
        source_line(
            ds, ["nlrb-case-29-RC-288020", "law360-2022-04-01", "nlrb-recent-results", "verge-2022-04-01"], "NLRB tally"
        )
        == "Source: NLRB tally, as reported by Law360 and The Verge"
    )
    with pytest.raises(ValueError, match="at least one source"):
        source_line(ds, [])


def test_unknown_source_id_is_refused(ds):
    with pytest.raises(KeyError, match="nope"):
        cited_sources(ds, ["nope"])


def test_out_dir_inside_the_data_folder_is_refused(ds, tmp_path):
    with pytest.raises(ValueError, match="data folder"):
        ensure_outside_data(ds.data_dir / "charts", ds.data_dir)
    with pytest.raises(ValueError, match="data folder"):
        export(small_figure(), ds, ds.data_dir, formats=("png",), sizes=("web",))
    assert ensure_outside_data(tmp_path, ds.data_dir) == tmp_path.resolve()


def test_unknown_format_or_size_is_named():
    with pytest.raises(ValueError, match="gif"):
        parse_formats(["png", "gif"])
    with pytest.raises(ValueError, match="poster"):
        parse_sizes(["poster"])
    assert parse_formats(["svg", "svg", "png"]) == ("png", "svg")
    assert parse_sizes(["print", "web"]) == ("web", "print")


@pytest.fixture(scope="module")
def full_export(ds, tmp_path_factory):
    """The small figure exported once in every format and size, shared by the tests that read it."""
    out = tmp_path_factory.mktemp("full")
    return export(small_figure(), ds, out), out


def test_every_format_and_size_is_written_with_the_preset_pixels(full_export):
    record, out = full_export
    assert set(record.files) == {f"{s}.{f}" for s in SIZE_PRESETS for f in ("png", "svg", "pdf")}
    for name in record.files.values():
        assert (out / name).stat().st_size > 0
    web = Image.open(out / record.files["web.png"])
    social = Image.open(out / record.files["social.png"])
    print_ = Image.open(out / record.files["print.png"])
    assert web.width == 1280
    assert social.size == (1200, 675)
    assert print_.width == 1050 and round(print_.info["dpi"][0]) == 300
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]  # atomic writes leave no temporary file


def test_title_subtitle_and_source_line_are_drawn(ds, tmp_path):
    record = export(small_figure(), ds, tmp_path, formats=("svg",), sizes=("web",))
    assert record.source_line == "Source: NLRB tally, as reported by AL.com"
    assert [s["source_id"] for s in record.sources] == ["nlrb-case-10-RC-269250", "alcom-2022-03-31"]
    svg = (tmp_path / record.files["web.svg"]).read_text()
    # with svg.fonttype=path the glyphs are paths; matplotlib keeps each text as a comment
    for text in ("Union trailed by 118 votes", "Valid votes at BHM1 in 2022", record.source_line):
        assert f"<!-- {text} -->" in svg


def test_figure_is_left_as_it_came_in(ds, tmp_path):
    fig = small_figure()
    size, texts = tuple(fig.get_size_inches()), len(fig.texts)
    tick_size = fig.axes[0].yaxis.get_major_ticks()[0].label1.get_fontsize()
    export(fig, ds, tmp_path, formats=("png",), sizes=("print", "social"))
    assert tuple(fig.get_size_inches()) == size and len(fig.texts) == texts
    assert fig.axes[0].yaxis.get_major_ticks()[0].label1.get_fontsize() == tick_size


def test_second_export_elsewhere_is_byte_identical(full_export, ds, tmp_path):
    first, first_dir = full_export
    second = export(small_figure(), ds, tmp_path)
    assert first.files == second.files
    for name in [*first.files.values(), first.data_file, first.alt_text_file]:
        assert (first_dir / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_data_csv_is_the_data_and_formula_safe(ds, tmp_path):
    data = pd.DataFrame({"label": ['=HYPERLINK("http://evil")', "@SUM(A1)", "JFK8"], "value": [1, -2, 3]})
    record = export(small_figure(), ds, tmp_path, data=data, formats=("png",), sizes=("web",))
    back = pd.read_csv(tmp_path / record.data_file)
    assert back["label"].tolist() == ['\'=HYPERLINK("http://evil")', "'@SUM(A1)", "JFK8"]
    assert back["value"].tolist() == [1, -2, 3]  # numbers are data, never neutralised


def test_alt_text_file_holds_the_alt_text(ds, tmp_path):
    record = export(small_figure(), ds, tmp_path, formats=("png",), sizes=("web",))
    assert (tmp_path / record.alt_text_file).read_text() == "Bar chart: 875 yes, 993 no.\n"


def test_social_card_leaves_the_subtitle_out_and_dollars_stay_text(ds, tmp_path):
    record = export(
        small_figure(),
        ds,
        tmp_path,
        formats=("svg",),
        sizes=("social", "web"),
        title="Amazon spent $4.3 million; the union about $100,000",
    )
    social = (tmp_path / record.files["social.svg"]).read_text()
    web = (tmp_path / record.files["web.svg"]).read_text()
    assert "<!-- Valid votes at BHM1 in 2022 -->" not in social and "<!-- Valid votes at BHM1 in 2022 -->" in web
    # two dollar signs on one line would be typeset as mathematics unless math parsing is off
    assert "<!-- Amazon spent $4.3 million; the union about $100,000 -->" in social
    assert "Oblique" not in social  # mathtext would set the words between the dollars in italic glyphs


def test_each_file_is_the_same_whatever_else_the_run_exports(ds, tmp_path):
    """An SVG exported on its own equals the one exported after other formats and sizes (layout starts afresh)."""
    spec = {s.slug: s for s in chart_specs(ds)}["turnout-jfk8-2022"]

    def export_spec(out_dir, formats, sizes):
        return finalise(
            spec.build(),
            slug=spec.slug,
            title=spec.title,
            subtitle=spec.subtitle,
            source_ids=spec.source_ids,
            alt_text=spec.alt_text,
            data=spec.data,
            ds=ds,
            out_dir=out_dir,
            formats=formats,
            sizes=sizes,
        )

    everything = export_spec(tmp_path / "all", ("png", "svg"), ("web", "print"))
    alone = export_spec(tmp_path / "alone", ("svg",), ("print",))
    name = alone.files["print.svg"]
    assert everything.files["print.svg"] == name
    assert (tmp_path / "all" / name).read_bytes() == (tmp_path / "alone" / name).read_bytes()


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, OSError, MemoryError])
def test_an_interrupted_export_leaves_no_temporary_file(interruption, tmp_path, monkeypatch):
    """Ctrl-C (or SIGTERM, which the command line turns into it) or a failure in the middle of writing a chart."""
    import labor_analysis.safe_csv as safe_csv

    ds = load()
    spec = chart_specs(ds)[0]

    def interrupted_replace(src, dst):
        raise interruption()

    monkeypatch.setattr(safe_csv.os, "replace", interrupted_replace)
    with pytest.raises(interruption):
        finalise(
            spec.build(),
            slug=spec.slug,
            title=spec.title,
            subtitle=spec.subtitle,
            source_ids=spec.source_ids,
            alt_text=spec.alt_text,
            data=spec.data,
            ds=ds,
            out_dir=tmp_path,
            formats=["svg"],
            sizes=["web"],
        )
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def blank_figure() -> Figure:
    fig = Figure(figsize=(6, 4), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def test_a_count_out_of_a_total_is_never_split_across_lines(blank_figure):
    title = "Challenged ballots could decide 5% of elections nationally; at Amazon, 1 of 6"
    # every width from one word per line to the whole title on one line
    full = _text_width_in(blank_figure, title, 15, "bold")
    for tenth in range(5, int(full * 10) + 2):
        wrapped = _wrap(blank_figure, title, 15, "bold", tenth / 10)
        assert wrapped.replace("\n", " ") == title
        assert any("1 of 6" in line for line in wrapped.split("\n")), wrapped
        assert "\u00a0" not in wrapped


def test_no_word_is_left_alone_on_the_last_line_when_the_line_before_can_spare_one(blank_figure):
    text = "Unions won a majority of valid votes in 2 of 7 elections at Amazon, 2021-2025"
    width = _text_width_in(blank_figure, text.rsplit(" ", 1)[0], 15, "bold")  # the last word would be alone
    lines = _wrap(blank_figure, text, 15, "bold", width).split("\n")
    assert lines == ["Unions won a majority of valid votes in 2 of 7 elections at", "Amazon, 2021-2025"]


def test_a_pdf_is_the_same_whether_its_font_subsets_are_made_or_reused(ds, tmp_path, monkeypatch):
    """Font subsets are made once per process (`_subsets_made_once`): a PDF saved from the reused bytes equals the
    one that made them and the one matplotlib saves on its own, and matplotlib's subsetter is put back afterwards."""
    import contextlib

    from matplotlib.backends import _backend_pdf_ps

    import labor_analysis.export as export_module

    subsetter = _backend_pdf_ps.get_glyphs_subset
    export_module._SUBSETS.clear()
    made = export(small_figure(), ds, tmp_path / "made", formats=("pdf",))
    assert export_module._SUBSETS  # DejaVu Sans (and its bold) subset for the glyphs used
    reused = export(small_figure(), ds, tmp_path / "reused", formats=("pdf",))
    assert _backend_pdf_ps.get_glyphs_subset is subsetter
    monkeypatch.setattr(export_module, "_subsets_made_once", contextlib.nullcontext)
    plain = export(small_figure(), ds, tmp_path / "plain", formats=("pdf",))
    for key, name in made.files.items():
        pdf = (tmp_path / "made" / name).read_bytes()
        assert pdf == (tmp_path / "reused" / reused.files[key]).read_bytes(), key
        assert pdf == (tmp_path / "plain" / plain.files[key]).read_bytes(), key
