"""The finishing step: one call turns a chart into every file a newsroom publishes.

`finalise` adds the headline, the subtitle and a source line built from sources.csv, re-lays the figure
out for each size preset, and writes each image format, the plotted data as a formula-safe CSV and the
alt text, every file atomically. Dates, ids and hash salts are fixed, so rerunning on unchanged data
writes byte-identical SVG, PDF, CSV and text files and pixel-identical PNGs.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib as mpl
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text

from .loading import Dataset
from .safe_csv import to_safe_csv_text, write_atomic
from .style import COLORS, SAVE_METADATA, SOURCE_SIZE, SUBTITLE_SIZE, TITLE_SIZE, house_rc


@dataclass(frozen=True)
class SizePreset:
    """An output size: width in inches, resolution, text scale, and a fixed height or None (fit the content).

    Without a fixed height the plot band gets the figure's own height times `plot_scale`, and the title,
    subtitle and source line get what they need on top of it. Social cards leave the subtitle out (it goes
    into the post's text) so the chart keeps its room in a 16:9 frame.
    """

    name: str
    width_in: float
    dpi: int
    font_scale: float
    height_in: float | None
    plot_scale: float
    with_subtitle: bool
    description: str


#: The size presets. Vector files (SVG, PDF) carry the same physical size as the PNG.
SIZE_PRESETS: dict[str, SizePreset] = {
    p.name: p
    for p in (
        SizePreset("web", 6.4, 200, 1.0, None, 1.0, True, "640 CSS px wide at 2x: 1280 px PNG, height fits the chart"),
        SizePreset("social", 6.0, 200, 0.85, 3.375, 1.0, False, "1200 x 675 px (16:9) for social cards, no subtitle"),
        SizePreset("print", 3.5, 300, 0.72, None, 0.75, True, "one newspaper column: 3.5 in wide at 300 dpi (1050 px)"),
    )
}
FORMATS = ("png", "svg", "pdf")

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


def source_line(ds: Dataset, source_ids: Iterable[str]) -> str:
    """'Source: <publisher>' or 'Sources: A; B', publishers deduplicated in the order the ids are given."""
    publishers: list[str] = []
    for src in cited_sources(ds, source_ids):
        if src["publisher"] not in publishers:
            publishers.append(src["publisher"])
    if not publishers:
        raise ValueError("a chart needs at least one source")
    label = "Source" if len(publishers) == 1 else "Sources"
    return f"{label}: {'; '.join(publishers)}"


def ensure_outside_data(out_dir: str | os.PathLike[str], data_dir: str | os.PathLike[str]) -> Path:
    """`out_dir` resolved; ValueError when it is the data folder or inside it (nothing writes into data)."""
    out = Path(out_dir).expanduser().resolve()
    data = Path(data_dir).expanduser().resolve()
    if out == data or data in out.parents:
        raise ValueError(f"refusing to write charts into the data folder: {out}")
    return out


def _parse_choice(values: Sequence[str], allowed: Sequence[str], what: str) -> tuple[str, ...]:
    unknown = [v for v in values if v not in allowed]
    if unknown or not values:
        raise ValueError(f"unknown {what} {', '.join(unknown) or '(none)'}; choose from {', '.join(allowed)}")
    return tuple(dict.fromkeys(values))


def parse_formats(values: Sequence[str]) -> tuple[str, ...]:
    """Validated, deduplicated image formats; ValueError names any unknown one."""
    return _parse_choice(values, FORMATS, "format")


def parse_sizes(values: Sequence[str]) -> tuple[str, ...]:
    """Validated, deduplicated size preset names; ValueError names any unknown one."""
    return _parse_choice(values, tuple(SIZE_PRESETS), "size")


def _text_width_in(fig: Figure, text: str, size: float, weight: str) -> float:
    renderer = fig.canvas.get_renderer()
    prop = FontProperties(family=house_rc()["font.sans-serif"], size=size, weight=weight)
    width, _, _ = renderer.get_text_width_height_descent(text, prop, ismath=False)
    return width / fig.dpi


def _wrap(fig: Figure, text: str, size: float, weight: str, max_width_in: float) -> str:
    """`text` with line breaks so that no line is wider than `max_width_in` at `size` points."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and _text_width_in(fig, candidate, size, weight) > max_width_in:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return "\n".join(lines)


def _height_in(fig: Figure, artist: Text) -> float:
    return artist.get_window_extent(fig.canvas.get_renderer()).height / fig.dpi


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
                    major[0].label1.get_fontsize() if major else None,
                    minor[0].label1.get_fontsize() if minor else None,
                )
                self.axis_sizes.append((axis, sizes))
                for tick in major + minor:
                    tick_labels.update({id(tick.label1), id(tick.label2)})
        self.texts = [(t, t.get_fontsize()) for t in fig.findobj(Text) if id(t) not in tick_labels]

    def scale(self, factor: float) -> None:
        for axis, (major, minor) in self.axis_sizes:
            if major is not None:
                axis.set_tick_params(which="major", labelsize=major * factor)
            if minor is not None:
                axis.set_tick_params(which="minor", labelsize=minor * factor)
        for text, size in self.texts:
            text.set_fontsize(size * factor)


class _Header:
    """Title, subtitle and source line laid out around the plot for one size preset."""

    def __init__(self, fig: Figure, title: str, subtitle: str, source: str) -> None:
        self.fig = fig
        self.strings = (title, subtitle, source)
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
            (title, TITLE_SIZE * s, "bold", COLORS["text"]),
            (subtitle if preset.with_subtitle else "", SUBTITLE_SIZE * s, "normal", COLORS["muted_text"]),
            (source, SOURCE_SIZE * s, "normal", COLORS["muted_text"]),
        )
        texts = [
            fig.text(0, 0, _wrap(fig, text, size, weight, usable), fontsize=size, fontweight=weight,
                     color=color, ha="left", va="top", linespacing=1.25, parse_math=False)
            for text, size, weight, color in specs if text
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
        texts[-1].set_va("bottom")
        plot_band = max(height - top_band - bottom_band, 0.5)
        margin = _PAD_X_IN * s / width
        rect = (margin / 2, bottom_band / height, 1 - 1.5 * margin, plot_band / height)
        fig.set_layout_engine("constrained", rect=rect,
                              w_pad=0.04 * s, h_pad=0.04 * s)

    def remove(self) -> None:
        for text in self.artists:
            text.remove()
        self.artists = []


def _render(fig: Figure, fmt: str, dpi: int) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=dpi, metadata=SAVE_METADATA[fmt])
    return buffer.getvalue()


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
) -> ChartRecord:
    """Add title, subtitle and source line to `fig`, then write every format x size, the data CSV and the alt text.

    The figure's own size is the plot area at web size; each preset re-lays it out so nothing clips. The
    figure is left as it came in. Files go to `out_dir` as `<slug>-<size>.<format>`, `<slug>.csv`, `<slug>.txt`.
    """
    formats, sizes = parse_formats(formats), parse_sizes(sizes)
    out = ensure_outside_data(out_dir, ds.data_dir)
    if not hasattr(fig.canvas, "get_renderer"):  # a bare Figure(): give it the Agg canvas used to measure text
        FigureCanvasAgg(fig)
    sources = tuple(cited_sources(ds, source_ids))
    line = source_line(ds, source_ids)
    files: dict[str, str] = {}
    original_size = fig.get_size_inches().copy()
    original_dpi = fig.dpi
    original_engine = fig.get_layout_engine()
    header = _Header(fig, title, subtitle, line)
    with mpl.rc_context(house_rc()):
        text_sizes = _TextSizes(fig)
        try:
            for size_name in sizes:
                preset = SIZE_PRESETS[size_name]
                text_sizes.scale(preset.font_scale)
                plot_height = original_size[1] * preset.plot_scale
                header.place(preset, plot_height)
                for fmt in formats:
                    name = f"{slug}-{size_name}.{fmt}"
                    write_atomic(out / name, _render(fig, fmt, preset.dpi))
                    files[f"{size_name}.{fmt}"] = name
        finally:
            header.remove()
            text_sizes.scale(1.0)
            fig.set_dpi(original_dpi)
            fig.set_size_inches(original_size)
            fig.set_layout_engine(original_engine)
    write_atomic(out / f"{slug}.csv", to_safe_csv_text(data))
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
