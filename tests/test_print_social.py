"""Print and social as first-class sizes, checked on every chart of our data as laid out for each preset: no text
under the preset's floor (6.5 pt in print), no text outside the image, and no two texts on top of each other."""

from __future__ import annotations

import matplotlib as mpl
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from labor_analysis import export, load
from labor_analysis.charts import Chart, chart_plan
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
    header = export._Header(fig, chart.spec.title, chart.spec.subtitle, chart.source_line)
    with mpl.style.context(house_rc(), after_reset=True):
        export._TextSizes(fig).scale(preset.font_scale, preset.min_font_pt)
        header.place(preset, fig.get_size_inches()[1] * preset.plot_scale)
        fig.set_dpi(preset.dpi)
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


def text_problems(fig: Figure, texts: list[tuple[str, float, Bbox]], floor: float) -> list[str]:
    found = []
    width, height = fig.bbox.width, fig.bbox.height
    for words, points, box in texts:
        if points < floor - 1e-6:
            found.append(f"{words!r} at {points:.2f} pt")
        if box.x0 < -TOLERANCE_PX or box.y0 < -TOLERANCE_PX or box.x1 > width + TOLERANCE_PX or box.y1 > height + 1:
            found.append(f"{words!r} clipped")
    for i, (a_words, _, a) in enumerate(texts):
        for b_words, _, b in texts[i + 1 :]:
            across = min(a.x1, b.x1) - max(a.x0, b.x0)
            up = min(a.y1, b.y1) - max(a.y0, b.y0)
            if across > TOLERANCE_PX and up > TOLERANCE_PX:
                found.append(f"{a_words!r} touches {b_words!r}")
    return found


@pytest.mark.slow
@pytest.mark.parametrize("size", list(SIZE_PRESETS))
def test_every_chart_of_our_data_sets_its_text_legibly_inside_and_apart(size):
    ds = load()
    specs, _ = chart_plan(ds)
    floor = SIZE_PRESETS[size].min_font_pt
    found = []
    for spec in specs:
        fig, texts = laid_out(Chart(spec, ds), size)
        found += [f"{spec.slug} ({size}): {p}" for p in text_problems(fig, texts, floor)]
    assert found == []


def test_the_print_preset_sets_no_text_under_six_and_a_half_points():
    assert SIZE_PRESETS["print"].min_font_pt == 6.5
