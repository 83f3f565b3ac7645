"""The scenario explorer: sliders for what the challenged ballots might hold, and what that means for the result.

`explain_scenario` is the pure update logic (testable without a browser); `scenario_explorer` wires it to
ipywidgets sliders, the heat map's marker and a sentence. The figure is re-rendered to a PNG `Image` widget,
so it works in JupyterLab and in Voila with no interactive matplotlib backend.
"""

from __future__ import annotations

import html
import io
from typing import Any

from .analysis import election_row
from .loading import Dataset
from .scenario import Scenario
from .text import fmt_pct


def explain_scenario(yes: int, no: int, challenged: int, yes_share: float, overruled: float) -> Scenario:
    """What the sliders mean for one tally: the `Scenario` (the union's chance, what it would take, in its words).

    `yes_share` is the share of the counted challenged ballots that are yes votes, `overruled` the share of
    challenges overruled, so those ballots are opened and counted (the rest are sustained and not counted);
    both in 0..1.
    """
    return Scenario(yes=yes, no=no, challenged=challenged, overruled=overruled, yes_share=yes_share)


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


def scenario_explorer(ds: Dataset, election_id: str) -> Any:
    """An ipywidgets box for one election with challenged ballots: two sliders, the heat map with a marker, words.

    The yes-share slider starts at the yes share of the counted ballots and the overruled slider at 100%. For an
    election with no scenario to explore (`explorer.unexplorable`), the sentence saying why.
    """
    import ipywidgets as widgets

    from .charts.challenged import scenario_heatmap_figure
    from .explorer import no_explorer, unexplorable

    if reason := unexplorable(ds, election_id):
        return no_explorer(reason)
    row = election_row(ds, election_id)
    yes, no, challenged = int(row["yes"]), int(row["no"]), int(row["challenged"])

    fig = scenario_heatmap_figure(ds, election_id)
    (marker,) = fig.axes[0].plot(
        [],
        [],
        marker="o",
        markersize=11,
        markerfacecolor="none",
        markeredgecolor="black",
        markeredgewidth=2.2,
        linestyle="none",
        zorder=6,
        clip_on=False,
    )
    slider_style = {"description_width": "14em"}
    layout = widgets.Layout(width="30em")
    # No editable readout: ipywidgets reads a typed "70" as the share 70 (clamped to 100%), not 70%. The value
    # is shown in the slider's description instead, as a percentage.
    yes_slider = widgets.FloatSlider(
        value=round(float(row["yes_share"]), 2),
        min=0,
        max=1,
        step=0.01,
        readout=False,
        continuous_update=False,
        style=slider_style,
        layout=layout,
    )
    overruled_slider = widgets.FloatSlider(
        value=1.0, min=0, max=1, step=0.01, readout=False, continuous_update=False, style=slider_style, layout=layout
    )
    image = widgets.Image(format="png", layout=widgets.Layout(max_width="640px"))
    words = widgets.HTML()

    def update(_change: Any = None) -> None:
        scenario = explain_scenario(yes, no, challenged, yes_slider.value, overruled_slider.value)
        marker.set_data([100 * scenario.yes_share], [100 * scenario.overruled])
        image.value = _png(fig)
        yes_slider.description = f"Yes share of counted ballots: {fmt_pct(yes_slider.value, 0)}"
        overruled_slider.description = f"Challenges overruled: {fmt_pct(overruled_slider.value, 0)}"
        chance, takes = html.escape(scenario.probability_text), html.escape(scenario.what_it_takes)
        words.value = f"<p><b>{chance}</b></p><p>{takes}</p>"

    yes_slider.observe(update, names="value")
    overruled_slider.observe(update, names="value")
    update()
    return widgets.VBox([yes_slider, overruled_slider, image, words])
