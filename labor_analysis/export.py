"""The finishing step: one call turns a chart into every file a newsroom publishes.

`finalise` adds the headline, the subtitle and a source line built from sources.csv, lays the figure out
once for each size preset, and draws each image format once from that layout, then writes the images, the
plotted data as a formula-safe CSV and the alt text, every file atomically. Dates, ids and hash salts are
fixed, every size is laid out from the same start and each PDF's fonts depend only on its own text, so
rerunning on unchanged data writes byte-identical SVG, PDF, CSV and text files and pixel-identical PNGs,
whichever other formats and sizes the run asks for.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

import matplotlib as mpl
import matplotlib.style
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text

from .loading import Dataset
from .paths import ensure_outside_data
from .presets import FORMATS, SIZE_PRESETS, SizePreset, parse_formats, parse_sizes
from .safe_csv import write_atomic, write_safe_csv
from .style import COLORS, SAVE_METADATA, SOURCE_SIZE, SUBTITLE_SIZE, TITLE_SIZE, house_rc
from .text import join_words

_PAD_X_IN = 0.16
_PAD_TOP_IN = 0.14
_PAD_BOTTOM_IN = 0.10
_GAP_IN = 0.08


@dataclass(frozen=True)
class ChartRecord:
    """What `finalise` wrote for one chart; paths are relative to the output folder."""

    slug: str
    title: str
    subtitle: str
    headline: str
    alt_text: str
    source_line: str
    sources: tuple[dict[str, str], ...]
    files: dict[str, str] = field(default_factory=dict)  # "<size>.<format>" -> file name
    data_file: str = ""
    alt_text_file: str = ""

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict for index.json."""
        return {
            "slug": self.slug,
            "title": self.title,
            "subtitle": self.subtitle,
            "headline": self.headline,
            "alt_text": self.alt_text,
            "source_line": self.source_line,
            "sources": [dict(s) for s in self.sources],
            "files": dict(self.files),
            "data": self.data_file,
            "alt_text_file": self.alt_text_file,
        }


def cited_sources(ds: Dataset, source_ids: Iterable[str]) -> list[dict[str, str]]:
    """The sources.csv rows of `source_ids`, in the order given, each once; unknown ids raise KeyError."""
    table = ds.sources.set_index("source_id")
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for sid in source_ids:
        if sid in seen:
            continue
        seen.add(sid)
        if sid not in table.index:
            raise KeyError(f"source_id {sid!r} is not in sources.csv")
        row = table.loc[sid]
        out.append(
            {
                "source_id": sid,
                "publisher": str(row["publisher"]),
                "title": str(row["title"]),
                "url": "" if pd.isna(row["url"]) else str(row["url"]),
            }
        )
    return out


#: A publisher counts as the NLRB when its name matches this (the full name or the initials).
_NLRB_NAME = re.compile(r"\bNLRB\b|National Labor Relations Board", re.IGNORECASE)


def _outlet(publisher: str) -> str:
    """A publisher as readers know it, without the data's bracketed details: 'HuffPost (reprinted)' -> 'HuffPost'."""
    return publisher.split(" (")[0].strip()


def source_line(ds: Dataset, source_ids: Iterable[str], record: str = "") -> str:
    """The chart's credit line, one style everywhere: the primary record first, then the outlets that reported it.

    `record` names the primary record the figures come from ("NLRB tally", "the Labor Department's LM-10
    filings"): "Source: NLRB tally, as reported by AL.com", "Source: NLRB tallies, as reported by CBS News,
    AL.com and Law360", or "Source: NLRB tally" when only NLRB records are cited. Without `record`: "Source:
    HuffPost" or "Sources: HuffPost and The Hill". Publishers are named once each, in the order the ids give.
    """
    publishers = list(dict.fromkeys(_outlet(src["publisher"]) for src in cited_sources(ds, source_ids)))
    if not publishers:
        raise ValueError("a chart needs at least one source")
    outlets = [p for p in publishers if not _NLRB_NAME.search(p)]
    if record:
        record = record[0].upper() + record[1:]
        return f"Source: {record}, as reported by {join_words(outlets)}" if outlets else f"Source: {record}"
    if not outlets:
        return "Source: NLRB"
    return f"{'Source' if len(outlets) == 1 else 'Sources'}: {join_words(outlets)}"


def _renderer(fig: Figure) -> Any:
    """The Agg renderer of a figure drawn on an Agg canvas (every figure here is)."""
    return cast(FigureCanvasAgg, fig.canvas).get_renderer()


def _text_width_in(fig: Figure, text: str, size: float, weight: str) -> float:
    renderer = _renderer(fig)
    prop = FontProperties(family=house_rc()["font.sans-serif"], size=size, weight=weight)
    width, _, _ = renderer.get_text_width_height_descent(text, prop, ismath=False)
    return width / fig.dpi


#: A count out of a total ('1 of 6', '2,654 of 4,785') reads as one figure: a line break never splits it.
_COUNT_OF_TOTAL = re.compile(r"(\d[\d,.%]*) of (\d)")
_KEPT_TOGETHER = "\u00a0"  # joins the words of such a figure while lines are filled


def _wrap(fig: Figure, text: str, size: float, weight: str, max_width_in: float) -> str:
    """`text` with line breaks so that no line is wider than `max_width_in` at `size` points, a count out of a
    total kept on one line, and no word left alone on the last line when the line before can spare one."""
    kept = _COUNT_OF_TOTAL.sub(rf"\1{_KEPT_TOGETHER}of{_KEPT_TOGETHER}\2", text)
    words = [w for w in re.split(r"[ \t\r\n]+", kept) if w]  # ASCII space only: str.split() would split at NBSP
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if current and _text_width_in(fig, candidate, size, weight) > max_width_in:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    if len(lines) >= 2 and " " not in lines[-1] and " " in lines[-2]:
        rest, moved = lines[-2].rsplit(" ", 1)
        if _text_width_in(fig, f"{moved} {lines[-1]}", size, weight) <= max_width_in:
            lines[-2:] = [rest, f"{moved} {lines[-1]}"]
    return "\n".join(lines).replace(_KEPT_TOGETHER, " ")


def _height_in(fig: Figure, artist: Text) -> float:
    return artist.get_window_extent(_renderer(fig)).height / fig.dpi


class _TextSizes:
    """Remembers every text size of a figure so a preset can scale them and the figure can be restored."""

    def __init__(self, fig: Figure) -> None:
        self.fig = fig
        self.axis_sizes = []
        tick_labels: set[int] = set()
        for ax in fig.axes:
            for axis in (ax.xaxis, ax.yaxis):
                major, minor = axis.get_major_ticks(), axis.get_minor_ticks()
                sizes = (
                    float(major[0].label1.get_fontsize()) if major else None,
                    float(minor[0].label1.get_fontsize()) if minor else None,
                )
                self.axis_sizes.append((axis, sizes))
                for tick in major + minor:
                    tick_labels.update({id(tick.label1), id(tick.label2)})
        self.texts = [(t, float(t.get_fontsize())) for t in fig.findobj(Text) if id(t) not in tick_labels]

    def scale(self, factor: float, minimum: float = 0.0) -> None:
        """Every text at `factor` times its own size, and none below `minimum` points."""
        for axis, (major, minor) in self.axis_sizes:
            if major is not None:
                axis.set_tick_params(which="major", labelsize=max(major * factor, minimum))
            if minor is not None:
                axis.set_tick_params(which="minor", labelsize=max(minor * factor, minimum))
        for text, size in self.texts:
            text.set_fontsize(max(size * factor, minimum))


class _Positions:
    """Every Axes position of a figure, restored before each rendering so no file depends on the ones drawn before it.

    The constrained layout starts from the current positions, so without this an SVG drawn after a PNG (or a
    print size after a web one) would come out a fraction of a point different from one drawn on its own.
    """

    def __init__(self, fig: Figure) -> None:
        self.saved = [
            (ax, ax.get_position(original=True).frozen(), ax.get_position().frozen(), ax.get_in_layout())
            for ax in fig.axes
        ]

    def restore(self) -> None:
        for ax, original, active, in_layout in self.saved:
            ax.set_position(original, which="original")
            ax.set_position(active, which="active")
            ax.set_in_layout(in_layout)  # set_position takes an Axes out of the layout; put it back as it was


class _Header:
    """Title, subtitle and source line laid out around the plot for one size preset.

    A preset without the subtitle (the social card) sets `kept` in its place: the words the title needs to stay
    true (which elections a listing chart shows), or nothing.
    """

    def __init__(self, fig: Figure, title: str, subtitle: str, source: str, kept: str = "") -> None:
        self.fig = fig
        self.strings = (title, subtitle, source)
        self.kept = kept
        self.artists: list[Text] = []

    def place(self, preset: SizePreset, plot_height_in: float) -> None:
        """Size the figure for `preset`, draw the texts, and confine the layout engine to the plot band."""
        fig, s = self.fig, preset.font_scale
        self.remove()
        width = preset.width_in
        fig.set_dpi(preset.dpi)  # text widths depend on the resolution (hinting): measure at the output's
        fig.set_size_inches(width, preset.height_in or 10.0)
        usable = (width - 2 * _PAD_X_IN * s) * 0.97
        title, subtitle, source = self.strings
        specs = (
            (title, max(TITLE_SIZE * s, preset.min_font_pt), "bold", COLORS["text"]),
            (
                subtitle if preset.with_subtitle else self.kept,
                max(SUBTITLE_SIZE * s, preset.min_font_pt),
                "normal",
                COLORS["muted_text"],
            ),
            (source, max(SOURCE_SIZE * s, preset.min_font_pt), "normal", COLORS["muted_text"]),
        )
        texts = [
            fig.text(
                0,
                0,
                _wrap(fig, text, size, weight, usable),
                fontsize=size,
                fontweight=weight,
                color=color,
                ha="left",
                va="top",
                linespacing=1.25,
                parse_math=False,
            )
            for text, size, weight, color in specs
            if text
        ]
        self.artists = texts
        heights = [_height_in(fig, t) for t in texts]
        head = texts[:-1]
        top_band = _PAD_TOP_IN * s + sum(heights[:-1]) + _GAP_IN * s * len(head)
        bottom_band = _PAD_BOTTOM_IN * s + heights[-1] + _GAP_IN * s
        height = preset.height_in or (top_band + plot_height_in + bottom_band)
        fig.set_size_inches(width, height)
        y = height - _PAD_TOP_IN * s
        for text, h in zip(head, heights):
            text.set_position((_PAD_X_IN * s / width, y / height))
            y -= h + _GAP_IN * s
        texts[-1].set_position((_PAD_X_IN * s / width, _PAD_BOTTOM_IN * s / height))
        texts[-1].set_verticalalignment("bottom")
        plot_band = max(height - top_band - bottom_band, 0.5)
        margin = _PAD_X_IN * s / width
        rect = (margin / 2, bottom_band / height, 1 - 1.5 * margin, plot_band / height)
        fig.set_layout_engine("constrained", rect=rect, w_pad=0.04 * s, h_pad=0.04 * s)

    def remove(self) -> None:
        for text in self.artists:
            text.remove()
        self.artists = []


#: The most passes of the layout engine over one figure (`_lay_out`): words beside bars converge in three or four.
_LAYOUT_PASSES = 6


def _lay_out(fig: Figure) -> None:
    """Run the figure's layout engine, with the Agg renderer at the figure's dpi, then switch it off.

    `savefig` with a layout engine draws every image twice: a layout pass with the format's own renderer, then the
    drawing. Laid out once per size here, each format is drawn once, and every format of a size shares one layout
    (the PNG's: text measured at the output's resolution). One pass, or more while words set in data coordinates
    stick out of the layout's frame (`_sticking_out`).
    """
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)
        for _ in range(_LAYOUT_PASSES - 1):
            if not _sticking_out(fig, engine.get()["rect"]):
                break
            engine.execute(fig)
    fig.set_layout_engine(None)


def _sticking_out(fig: Figure, rect: tuple[float, float, float, float]) -> bool:
    """Whether words an Axes sets in data coordinates (a bar's number, a dot's result) reach past the layout's
    frame `rect` (left, bottom, width, height as figure fractions).

    The constrained layout makes room beside the Axes for such words, but their place moves as the Axes shrinks, so
    one pass can leave them past the image's edge at a narrow size (a print column); each further pass closes in.
    """
    renderer = _renderer(fig)
    left, bottom, width, height = rect
    frame = fig.transFigure.transform([(left, bottom), (left + width, bottom + height)])
    slack = 1.0  # a pixel of antialiasing
    for ax in fig.axes:
        for text in ax.texts:
            if not (text.get_visible() and text.get_text().strip()):
                continue
            box = text.get_window_extent(renderer)
            if (
                box.x0 < frame[0][0] - slack
                or box.y0 < frame[0][1] - slack
                or box.x1 > frame[1][0] + slack
                or box.y1 > frame[1][1] + slack
            ):
                return True
    return False


class _SubsetFontFile:
    """A font subset already made, standing in for fontTools' TTFont where the PDF backend only saves it to bytes."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __enter__(self) -> _SubsetFontFile:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def save(self, file: io.BytesIO, reorderTables: bool = False) -> None:  # fontTools' own name
        file.write(self.data)


#: Font subsets made for PDFs in this process: (font file, face, glyph indices) -> (subset bytes, glyph index map).
_SUBSETS: dict[tuple[str, int, frozenset[int]], tuple[bytes, dict[int, int]]] = {}
_SUBSETS_MAX = 256
#: Tables a PDF reader never uses, left out of the fonts embedded in PDFs: those matplotlib leaves out, and the
#: OpenType layout tables (a PDF places every glyph itself; matplotlib has applied the kerning already).
_DROPPED_TABLES = (
    *("FFTM", "PfEd", "BDF", "meta", "MERG", "TSIV", "Zapf", "bdat", "bloc", "cidg", "fdsc", "feat", "fmtx"),
    *("fond", "just", "kerx", "ltag", "morx", "trak", "xref"),
    *("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "kern"),
)


def _subset(fontfile: Any, glyphs: Iterable[int]) -> tuple[bytes, dict[int, int]]:
    """The font file's bytes restricted to `glyphs`, and the map from their indices to the subset's: what
    matplotlib's `get_glyphs_subset` makes, without the layout tables (`_DROPPED_TABLES`)."""
    from fontTools import subset

    options = subset.Options(glyph_names=True, recommended_glyphs=True)
    options.drop_tables += list(_DROPPED_TABLES)
    options.font_number = int(getattr(fontfile, "face_index", 0))
    with subset.load_font(fontfile, options) as font:
        subsetter = subset.Subsetter(options=options)
        subsetter.populate(gids=glyphs)
        subsetter.subset(font)
        data = io.BytesIO()
        font.save(data, reorderTables=False)
    return data.getvalue(), dict(subsetter.glyph_index_map)


@contextmanager
def _subsets_made_once() -> Iterator[None]:
    """Within the block, the PDF backend embeds fonts subset once per process for each set of glyphs.

    With `pdf.fonttype` 42 matplotlib has fontTools subset DejaVu again for every PDF (about 80 ms a font, most of
    it reading and subsetting the OpenType layout tables, which a PDF reader never uses), though the three sizes of a
    chart, and many charts, use the same glyphs. Here the subset leaves those tables out (`_subset`: about 30 ms,
    and smaller files) and is made once per font and set of glyphs; later PDFs get the same bytes. A PDF's fonts
    depend only on its own text, never on what else the run drew, so reruns are byte-identical.
    """
    from matplotlib.backends import _backend_pdf_ps  # fontTools: imported when a chart is rendered, not before

    make = _backend_pdf_ps.get_glyphs_subset

    def cached(fontfile: Any, glyphs: Iterable[int]) -> Any:
        key = (str(fontfile), int(getattr(fontfile, "face_index", 0)), frozenset(int(g) for g in glyphs))
        if key not in _SUBSETS:
            data, index_map = _subset(fontfile, key[2])
            if len(_SUBSETS) >= _SUBSETS_MAX:
                _SUBSETS.pop(next(iter(_SUBSETS)))
            _SUBSETS[key] = (data, index_map)
        data, index_map = _SUBSETS[key]
        return _backend_pdf_ps.SubsetResults(_SubsetFontFile(data), dict(index_map))._as_cm()

    _backend_pdf_ps.get_glyphs_subset = cached
    try:
        yield
    finally:
        _backend_pdf_ps.get_glyphs_subset = make


def _render(fig: Figure, fmt: str, dpi: int) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=dpi, metadata=SAVE_METADATA[fmt])
    return buffer.getvalue()


def render_images(
    fig: Figure,
    *,
    title: str,
    subtitle: str,
    source: str,
    formats: Sequence[str] = FORMATS,
    sizes: Sequence[str] = tuple(SIZE_PRESETS),
    kept: str = "",
) -> dict[tuple[str, str], bytes]:
    """The finished chart as image bytes per (size, format): title, subtitle and source line laid out around `fig`.

    A size without the subtitle (social) sets `kept` in its place: what the title needs to stay true, or nothing.

    The figure's own size is the plot area at web size; each preset re-lays it out so nothing clips, once, and
    its formats are drawn from that one layout (`_lay_out`). Every size is laid out from the same start, so an
    image does not depend on the others asked for. The figure is left as it came in.
    """
    formats, sizes = parse_formats(formats), parse_sizes(sizes)
    if not hasattr(fig.canvas, "get_renderer"):  # a bare Figure(): give it the Agg canvas used to measure text
        FigureCanvasAgg(fig)
    images: dict[tuple[str, str], bytes] = {}
    original_size = fig.get_size_inches().copy()
    original_dpi = fig.dpi
    original_engine = fig.get_layout_engine()
    header = _Header(fig, title, subtitle, source, kept)
    with (
        mpl.style.context(house_rc(), after_reset=True),  # defaults first: a global style must not leak in
        _subsets_made_once(),
    ):
        text_sizes = _TextSizes(fig)
        positions = _Positions(fig)
        try:
            for size_name in sizes:
                preset = SIZE_PRESETS[size_name]
                text_sizes.scale(preset.font_scale, preset.min_font_pt)
                plot_height = original_size[1] * preset.plot_scale
                positions.restore()  # each size is laid out from the same start, whatever was drawn before
                header.place(preset, plot_height)
                _lay_out(fig)
                for fmt in formats:
                    images[(size_name, fmt)] = _render(fig, fmt, preset.dpi)
        finally:
            header.remove()
            positions.restore()
            text_sizes.scale(1.0)
            fig.set_dpi(original_dpi)
            fig.set_size_inches(float(original_size[0]), float(original_size[1]))
            fig.set_layout_engine(original_engine)
    return images


def finalise(
    fig: Figure,
    *,
    slug: str,
    title: str,
    subtitle: str,
    source_ids: Sequence[str],
    alt_text: str,
    data: pd.DataFrame,
    ds: Dataset,
    out_dir: str | os.PathLike[str],
    formats: Sequence[str] = FORMATS,
    sizes: Sequence[str] = tuple(SIZE_PRESETS),
    headline: str = "",
    record: str = "",
    kept: str = "",
) -> ChartRecord:
    """Add title, subtitle and source line to `fig`, then write every format x size, the data CSV and the alt text.

    Files go to `out_dir` as `<slug>-<size>.<format>`, `<slug>.csv`, `<slug>.txt`, each written atomically
    (see `render_images` for the layout). `record` names the primary record for the source line (`source_line`);
    `kept`, the words a size without the subtitle sets in its place (which rows a listing chart shows).
    """
    formats, sizes = parse_formats(formats), parse_sizes(sizes)
    out = ensure_outside_data(out_dir, ds.data_dir, "charts")
    sources = tuple(cited_sources(ds, source_ids))
    line = source_line(ds, source_ids, record)
    files: dict[str, str] = {}
    images = render_images(fig, title=title, subtitle=subtitle, source=line, formats=formats, sizes=sizes, kept=kept)
    for (size_name, fmt), image in images.items():
        name = f"{slug}-{size_name}.{fmt}"
        write_atomic(out / name, image)
        files[f"{size_name}.{fmt}"] = name
    write_safe_csv(data, out / f"{slug}.csv")
    write_atomic(out / f"{slug}.txt", alt_text.rstrip("\n") + "\n")
    return ChartRecord(
        slug=slug,
        title=title,
        subtitle=subtitle,
        headline=headline,
        alt_text=alt_text,
        source_line=line,
        sources=sources,
        files=files,
        data_file=f"{slug}.csv",
        alt_text_file=f"{slug}.txt",
    )
