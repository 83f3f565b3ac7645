"""The scenario explorer: sliders for what the challenged ballots might hold, and what that means for the result.

`explain_scenario` is the pure update logic (testable without a browser); `scenario_explorer` wires it to
ipywidgets sliders, the heat map's marker and a sentence. The figure is re-rendered to a PNG `Image` widget,
so it works in JupyterLab and in Voila with no interactive matplotlib backend.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from typing import Any

from .charts import election_row, fmt_int, fmt_pct, scenario_heatmap
from .loading import Dataset
from .rules import is_determinative, win_probability, yes_needed

#: Below this (or above 1 minus this) a probability is written as "less than" (or "more than").
_PROBABILITY_FLOOR = 0.001


def fmt_share(share: float) -> str:
    """A share as a whole percentage: 0.64 -> '64%'."""
    return fmt_pct(share, 0)


def fmt_probability(p: float) -> str:
    """A probability as a percentage, never rounded to a false certainty: 'less than 0.1%', '12.3%'."""
    if p <= 0.0:
        return "0%"
    if p >= 1.0:
        return "100%"
    if p < _PROBABILITY_FLOOR:
        return f"less than {100 * _PROBABILITY_FLOOR:.1f}%"
    if p > 1 - _PROBABILITY_FLOOR:
        return f"more than {100 * (1 - _PROBABILITY_FLOOR):.1f}%"
    return f"{100 * p:.1f}%"


@dataclass(frozen=True)
class Scenario:
    """One position of the sliders and what follows from it."""

    yes_share: float  # share of the upheld challenged ballots that are yes votes
    upheld: float  # share of the challenged ballots upheld (opened and counted)
    probability: float  # chance the union wins (rules.win_probability)
    determinative: bool  # whether the challenged ballots could change the result at all
    upheld_ballots: int  # challenged ballots upheld at this share, rounded
    yes_needed: int | None  # of the upheld ballots, the fewest that must be yes; None when none suffice
    sentence: str  # what it would take, in words

    @property
    def probability_text(self) -> str:
        """The assumptions and the resulting chance of a union win, in one sentence."""
        return (
            f"If {fmt_share(self.upheld)} of the challenged ballots are upheld and each of those is a yes vote "
            f"with probability {fmt_share(self.yes_share)}, the union wins with probability "
            f"{fmt_probability(self.probability)}."
        )


def _what_it_takes(yes: int, no: int, challenged: int, upheld: float) -> tuple[int, int | None, str]:
    """The upheld ballots at share `upheld`, how many of them must be yes, and a sentence saying so."""
    upheld_ballots = round(challenged * upheld)
    needed = yes_needed(yes, no, upheld_ballots)
    upheld_words = f"If {fmt_share(upheld)} of the {fmt_int(challenged)} challenged ballots are upheld"
    if upheld_ballots != round(challenged * upheld, 6):
        upheld_words += f" (about {fmt_int(upheld_ballots)})"
    elif upheld < 1:
        upheld_words += f" ({fmt_int(upheld_ballots)})"
    if not is_determinative(yes, no, challenged):
        result = "wins" if yes > no else "loses"
        return upheld_ballots, needed, f"The challenged ballots cannot change the result: the union {result} whatever they hold."
    if needed is None:
        return upheld_ballots, None, f"{upheld_words}, the union loses even if every one of them is a yes vote."
    if needed == 0:
        return upheld_ballots, 0, f"{upheld_words}, the union wins even if every one of them is a no vote."
    share = needed / upheld_ballots
    return (
        upheld_ballots,
        needed,
        f"{upheld_words}, the union needs {fmt_int(needed)} of them to be yes votes ({fmt_share(share)}).",
    )


def explain_scenario(yes: int, no: int, challenged: int, yes_share: float, upheld: float) -> Scenario:
    """What the sliders mean for one tally: the union's chance of winning and the yes votes it would need.

    `yes_share` is the share of upheld challenged ballots that are yes votes, `upheld` the share of challenged
    ballots upheld; both in 0..1. Uses the NLRB rules in `labor_analysis.rules`.
    """
    if not (0.0 <= yes_share <= 1.0 and 0.0 <= upheld <= 1.0):
        raise ValueError("yes_share and upheld must be between 0 and 1")
    upheld_ballots, needed, sentence = _what_it_takes(yes, no, challenged, upheld)
    return Scenario(
        yes_share=yes_share,
        upheld=upheld,
        probability=win_probability(yes, no, challenged, yes_share, upheld),
        determinative=bool(is_determinative(yes, no, challenged)),
        upheld_ballots=upheld_ballots,
        yes_needed=needed,
        sentence=sentence,
    )


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


def scenario_explorer(ds: Dataset, election_id: str) -> Any:
    """An ipywidgets box for one election with challenged ballots: two sliders, the heat map with a marker, words.

    The yes-share slider starts at the yes share of the counted ballots and the upheld slider at 100%.
    """
    import ipywidgets as widgets

    row = election_row(ds, election_id)
    if row[["yes", "no", "challenged"]].isna().any() or int(row["challenged"]) == 0:
        raise ValueError(f"{election_id} has no challenged ballots to explore")
    yes, no, challenged = int(row["yes"]), int(row["no"]), int(row["challenged"])

    fig = scenario_heatmap(ds, election_id)
    (marker,) = fig.axes[0].plot([], [], marker="o", markersize=11, markerfacecolor="none", markeredgecolor="black",
                                 markeredgewidth=2.2, linestyle="none", zorder=6, clip_on=False)
    slider_style = {"description_width": "14em"}
    layout = widgets.Layout(width="30em")
    yes_slider = widgets.FloatSlider(value=round(float(row["yes_share"]), 2), min=0, max=1, step=0.01,
                                     description="Yes share of upheld ballots", readout_format=".0%",
                                     continuous_update=False, style=slider_style, layout=layout)
    upheld_slider = widgets.FloatSlider(value=1.0, min=0, max=1, step=0.01, description="Challenged ballots upheld",
                                        readout_format=".0%", continuous_update=False, style=slider_style,
                                        layout=layout)
    image = widgets.Image(format="png", layout=widgets.Layout(max_width="640px"))
    words = widgets.HTML()

    def update(_change: Any = None) -> None:
        scenario = explain_scenario(yes, no, challenged, yes_slider.value, upheld_slider.value)
        marker.set_data([100 * scenario.yes_share], [100 * scenario.upheld])
        image.value = _png(fig)
        words.value = f"<p><b>{html.escape(scenario.probability_text)}</b></p><p>{html.escape(scenario.sentence)}</p>"

    yes_slider.observe(update, names="value")
    upheld_slider.observe(update, names="value")
    update()
    return widgets.VBox([yes_slider, upheld_slider, image, words])
