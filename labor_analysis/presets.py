"""The image formats and size presets of the chart exporter, kept free of matplotlib so the CLI can list them fast."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


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
    #: The longest title the preset sets (in characters): three lines at web width, four in a print column.
    max_title_chars: int = 120
    #: No text is set smaller than this (points at the preset's size): a newspaper's floor in print.
    min_font_pt: float = 0.0
    #: The tallest image a preset whose height fits the chart allows (inches): a listing chart shows what fits in
    #: it and says which rows, an overview of thousands summarises (tests/test_print_social.py checks every chart).
    max_height_in: float | None = None


#: The size presets. Vector files (SVG, PDF) carry the same physical size as the PNG.
SIZE_PRESETS: dict[str, SizePreset] = {
    p.name: p
    for p in (
        SizePreset(
            "web",
            6.4,
            200,
            1.0,
            None,
            1.0,
            True,
            "640 CSS px wide at 2x: 1280 px PNG, height fits the chart (at most 2,000 px)",
            max_height_in=10.0,
        ),
        SizePreset("social", 6.0, 200, 0.85, 3.375, 1.0, False, "1200 x 675 px (16:9) for social cards, no subtitle"),
        SizePreset(
            "print",
            3.5,
            300,
            0.72,
            None,
            0.75,
            True,
            "one newspaper column: 3.5 in wide at 300 dpi (1050 px), at most 9 in deep",
            min_font_pt=6.5,
            max_height_in=9.0,
        ),
    )
}
#: The image formats, in the order they are written.
FORMATS = ("png", "svg", "pdf")


def _parse_choice(values: Sequence[str], allowed: Sequence[str], what: str) -> tuple[str, ...]:
    unknown = [v for v in values if v not in allowed]
    if unknown or not values:
        raise ValueError(f"unknown {what} {', '.join(unknown) or '(none)'}; choose from {', '.join(allowed)}")
    return tuple(choice for choice in allowed if choice in values)  # one order, however they were asked for


def parse_formats(values: Sequence[str]) -> tuple[str, ...]:
    """Validated image formats, each once, in the order of FORMATS; ValueError names any unknown one."""
    return _parse_choice(values, FORMATS, "format")


def parse_sizes(values: Sequence[str]) -> tuple[str, ...]:
    """Validated size preset names, each once, in the order of SIZE_PRESETS; ValueError names any unknown one."""
    return _parse_choice(values, tuple(SIZE_PRESETS), "size")
