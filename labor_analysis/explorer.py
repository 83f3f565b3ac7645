"""A self-contained HTML scenario explorer for one election's challenged ballots: a page that works from disk, offline.

Two native range sliders (the share of challenged ballots counted because their challenges are overruled, and
the yes share of those ballots), a heat map of the union's chance of winning with a marker that follows them,
the chance in words and what it would take. Everything is computed here, in Python, with the NLRB rules of
`labor_analysis.rules` at every whole percentage point (101 x 101 settings) and embedded in the page; a few
dozen lines of plain JavaScript only look the answers up. No script, style, font or image comes from the
network, and the same data gives the same bytes.
"""

from __future__ import annotations

import base64
import html
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from .analysis import election_row, summary
from .charts import election_source_ids, slugify
from .export import cited_sources, source_line
from .loading import Dataset
from .paths import ensure_outside_data
from .rules import win_probability, yes_needed
from .safe_csv import write_atomic
from .scenario import Scenario, extreme, probability_template
from .style import COLORS, FONT
from .text import fmt_int, fmt_pct, fmt_probability, place_name

if TYPE_CHECKING:  # the story layer is imported only when a notebook shows the sentence
    from .story import Passage

#: Slider positions: every whole percentage point from 0 to 100.
STEPS = 101

#: The heat map's plot area inside the SVG's 440 x 424 viewBox: left, top, width, height.
_PLOT = (74.0, 12.0, 340.0, 300.0)

_TICKS = (0, 25, 50, 75, 100)

_CSS = f"""
:root {{ color: {COLORS["text"]}; background: #fff; }}
body {{ font-family: "{FONT}", Verdana, sans-serif; margin: 0 auto; max-width: 680px; padding: 1rem;
  line-height: 1.4; }}
h1 {{ font-size: 1.35rem; margin: 0 0 0.4rem; }}
.subtitle, .source, .cited, .method, .legend {{ color: {COLORS["muted_text"]}; }}
.subtitle {{ margin: 0 0 1rem; }}
.controls label {{ display: block; font-weight: bold; margin-top: 0.8rem; }}
.controls input[type=range] {{ width: 100%; margin: 0.4rem 0; accent-color: {COLORS["yes"]}; min-height: 1.8rem; }}
.controls input[type=range]:focus-visible {{ outline: 3px solid {COLORS["reference"]}; outline-offset: 2px; }}
.result {{ border-left: 4px solid {COLORS["yes"]}; padding: 0.2rem 0 0.2rem 0.8rem; margin: 1rem 0; }}
.result p {{ margin: 0.3rem 0; }}
.chance {{ font-size: 1.6rem; font-weight: bold; }}
figure {{ margin: 1rem 0; max-width: 560px; }}
svg {{ width: 100%; height: auto; display: block; font-family: "{FONT}", Verdana, sans-serif; }}
.legend, .source, .cited, .method {{ font-size: 0.85rem; }}
a {{ color: {COLORS["yes"]}; }}
svg .tick {{ font-size: 12px; }}
svg .axis {{ font-size: 13px; }}
@media (max-width: 480px) {{ svg .tick, svg .axis {{ font-size: 17px; }} }}
""".strip()

#: The page's behaviour: read the sliders, look the answer up in the embedded data, move the marker.
_SCRIPT = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("explorer-data").textContent);
  var overruled = document.getElementById("overruled"), yesShare = document.getElementById("yes-share");
  var plot = data.plot, steps = data.steps;
  function pct(v) { return v + "%"; }
  function fill(template, values) {
    return template.replace(/\\{(\\w+)\\}/g, function (m, key) { return values[key]; });
  }
  function fit() {
    try {
      if (window.frameElement) { window.frameElement.style.height = document.documentElement.scrollHeight + "px"; }
    }
    catch (e) { /* a frame of another origin keeps its own height */ }
  }
  function update() {
    var u = Number(overruled.value), q = Number(yesShare.value);
    var chance = data.labels[data.cells[u * steps + q]];
    overruled.setAttribute("aria-valuetext", pct(u));
    yesShare.setAttribute("aria-valuetext", pct(q));
    document.getElementById("overruled-value").textContent = pct(u);
    document.getElementById("yes-share-value").textContent = pct(q);
    document.getElementById("chance").textContent = chance;
    document.getElementById("scenario").textContent =
      fill(u === 100 ? data.scenario_all : u === 0 ? data.scenario_none : data.scenario,
           {overruled: pct(u), yes_share: pct(q), chance: chance});
    document.getElementById("what-it-takes").textContent = data.what_it_takes[u];
    var x = plot.x + (q + 0.5) * plot.w / steps, y = plot.y + (steps - 1 - u + 0.5) * plot.h / steps;
    var marker = document.getElementById("marker");
    marker.setAttribute("transform", "translate(" + x.toFixed(2) + " " + y.toFixed(2) + ")");
    marker.setAttribute("data-overruled", u);
    marker.setAttribute("data-yes-share", q);
    fit();  // a sentence that wraps onto another line makes the page taller: the frame follows
  }
  overruled.addEventListener("input", update);
  yesShare.addEventListener("input", update);
  window.addEventListener("resize", fit);
  update();
})();
""".strip()


@dataclass(frozen=True)
class Explorer:
    """One election's explorer: its words, the embedded grid and the page."""

    election_id: str
    title: str
    alt_text: str
    source_line: str
    page: str

    @property
    def file_name(self) -> str:
        return explorer_file_name(self.election_id)


def explorer_file_name(election_id: str) -> str:
    """The explorer's file name beside the charts: `explorer-<election>.html`."""
    return f"explorer-{slugify(election_id)}.html"


def explorer_elections(ds: Dataset) -> list[str]:
    """The elections that get an explorer by default: single-union tallies with determinative challenged ballots."""
    table = summary(ds)
    needed = table["yes_needed"].notna() & table["challenged"].fillna(0).gt(0)
    determinative = table["determinative"].fillna(False).astype(bool)
    return [e for e in table.loc[needed & determinative, "election_id"] if len(_unions_on_ballot(ds, e)) <= 1]


def _unions_on_ballot(ds: Dataset, election_id: str) -> set[str]:
    """The unions its `yes` tally rows name (none for a single-union ballot, whose rows leave `union` empty)."""
    tallies = ds.tallies
    rows = tallies[(tallies["election_id"] == election_id) & (tallies["choice"].astype(str) == "yes")]
    named = rows["union"] if "union" in rows.columns else pd.Series(dtype=str)
    return {str(u) for u in named.dropna() if str(u)}


def unexplorable(ds: Dataset, election_id: str) -> str | None:
    """Why the election has no scenario to explore, in words for readers (its yes, no and challenged ballots not
    all reported, no ballot challenged, several unions on the ballot); None when it has one."""
    row = election_row(ds, election_id)
    if row[["yes", "no", "challenged"]].isna().any():
        return "its yes, no and challenged ballots are not all on record"
    if int(row["challenged"]) == 0:
        return "no ballot was challenged, so the count decided it"
    if len(_unions_on_ballot(ds, election_id)) > 1:
        return "several unions were on the ballot, and the explorer covers a ballot of one union against no union"
    return None


def _counts(ds: Dataset, election_id: str) -> tuple[pd.Series, int, int, int]:
    """The election's summary row and its yes, no and challenged counts; ValueError when there is nothing to explore."""
    if reason := unexplorable(ds, election_id):
        raise ValueError(f"{election_id} has no scenario to explore: {reason}")
    row = election_row(ds, election_id)
    return row, int(row["yes"]), int(row["no"]), int(row["challenged"])


def no_explorer(reason: str) -> Passage:
    """The sentence a notebook shows in place of an explorer: why the election has no scenario to explore."""
    from .safe_html import escape_markdown
    from .story import Passage

    return Passage(f"*No scenario to explore for this election: {escape_markdown(reason)}.*")


def probability_grid(yes: int, no: int, challenged: int) -> np.ndarray:
    """The union's chance of winning (`rules.win_probability`) at every whole percentage point.

    Rows: the share of challenged ballots counted (challenges overruled), 0..100%; columns: their yes share.
    """
    share = np.arange(STEPS) / (STEPS - 1)
    overruled, yes_share = (a.ravel() for a in np.meshgrid(share, share, indexing="ij"))
    n = overruled.size
    p = win_probability(
        np.full(n, yes), np.full(n, no), np.full(n, challenged), yes_share=yes_share, overruled=overruled
    )
    return np.asarray(p, dtype=float).reshape(STEPS, STEPS)


def what_it_takes(yes: int, no: int, challenged: int, overruled_pct: int) -> str:
    """What the union needs of the challenged ballots when the challenges to `overruled_pct`% of them are
    overruled: the `Scenario`'s words (`Scenario.what_it_takes`), as the command line and the widget say it."""
    return Scenario(yes, no, challenged, overruled=overruled_pct / 100).what_it_takes


def _title(row: pd.Series, yes: int, no: int, challenged: int) -> str:
    """The finding: what the union needs of the challenged ballots, or that they cannot change the result."""
    vote = f"the {pd.Timestamp(row['count_date']).year} vote at {place_name(row)}"
    needed = yes_needed(yes, no, challenged)
    if needed is None or needed == 0:
        return (
            f"The {fmt_int(challenged)} challenged ballots cannot change {vote}: the union "
            f"{'wins' if needed == 0 else 'loses'}"
        )
    return (
        f"The union needs {fmt_int(needed)} of the {fmt_int(challenged)} challenged ballots "
        f"({fmt_pct(needed / challenged)}) to win {vote}"
    )


def _alt_text(row: pd.Series, yes: int, no: int, challenged: int, grid: np.ndarray) -> str:
    """The heat map in words, every figure from the data."""
    half = what_it_takes(yes, no, challenged, 50)
    full = what_it_takes(yes, no, challenged, 100)
    return (
        f"Heat map of the union's chance of winning the {pd.Timestamp(row['count_date']).year} vote at "
        f"{place_name(row)}, by the share of its "
        f"{fmt_int(challenged)} challenged ballots counted (challenges overruled; 0% at the bottom to 100% at the "
        f"top) and the yes share of those ballots (0% at the left to 100% at the right). Counted before the "
        f"challenges: {fmt_int(yes)} yes, {fmt_int(no)} no. Green where the union is likely to win, purple where it "
        f"is likely to lose; a dashed line marks an even chance. {full} {half} The chance ranges from "
        f"{fmt_probability(grid.min())} to {fmt_probability(grid.max())} across the map; a ring marks the "
        f"sliders' setting."
    )


def _heatmap_png(grid: np.ndarray) -> bytes:
    """The grid as a PNG, one pixel per setting, top row 100% counted, coloured lost - even - won as the charts are."""
    from matplotlib.colors import LinearSegmentedColormap
    from matplotlib.image import imsave

    cmap = LinearSegmentedColormap.from_list("outcome", [COLORS["lost"], "#F7F7F7", COLORS["won"]])
    buffer = io.BytesIO()
    no_stamp = cast("dict[str, str]", {"Software": None})  # None: no matplotlib version in the file
    imsave(buffer, grid[::-1], cmap=cmap, vmin=0.0, vmax=1.0, format="png", metadata=no_stamp)
    return buffer.getvalue()


def _even_chance_path(grid: np.ndarray) -> str:
    """SVG path along the cell edges where the chance first reaches 50%, row by row (it grows with the yes share)."""
    x0, y0, w, h = _PLOT
    cell_w, cell_h = w / STEPS, h / STEPS
    parts: list[str] = []
    drawing = False
    for u in range(STEPS):
        reached = np.flatnonzero(grid[u] >= 0.5)
        first = int(reached[0]) if reached.size else 0
        if first == 0:  # all below or all above: no edge inside this row
            drawing = False
            continue
        x = x0 + first * cell_w
        bottom, top = y0 + (STEPS - u) * cell_h, y0 + (STEPS - 1 - u) * cell_h
        parts.append(f"{'H' if drawing else 'M'}{x:.2f}{'' if drawing else f' {bottom:.2f}'}V{top:.2f}")
        drawing = True
    return "".join(parts)


def _heatmap_svg(grid: np.ndarray, counted_yes_share: float | None, alt_text: str, start: tuple[int, int]) -> str:
    """The heat map as inline SVG: the embedded PNG, axes, the even-chance line, the counted share, the marker."""
    x0, y0, w, h = _PLOT
    png = base64.b64encode(_heatmap_png(grid)).decode("ascii")
    muted, text = COLORS["muted_text"], COLORS["text"]
    parts = [
        '<svg viewBox="0 0 440 424" role="img" aria-labelledby="map-title map-desc" xmlns="http://www.w3.org/2000/svg">',
        '<title id="map-title">Chance the union wins, by the share of challenged ballots counted and their yes share'
        "</title>",
        f'<desc id="map-desc">{html.escape(alt_text)}</desc>',
        f'<image x="{x0}" y="{y0}" width="{w}" height="{h}" preserveAspectRatio="none" '
        f'style="image-rendering: pixelated" href="data:image/png;base64,{png}"/>',
    ]
    for tick in _TICKS:
        x = x0 + (tick + 0.5) * w / STEPS
        y = y0 + (100 - tick + 0.5) * h / STEPS
        parts.append(f'<line x1="{x:.2f}" y1="{y0 + h}" x2="{x:.2f}" y2="{y0 + h + 4}" stroke="{muted}"/>')
        parts.append(
            f'<text x="{x:.2f}" y="{y0 + h + 20}" class="tick" text-anchor="middle" fill="{text}">{tick}%</text>'
        )
        parts.append(f'<line x1="{x0 - 4}" y1="{y:.2f}" x2="{x0}" y2="{y:.2f}" stroke="{muted}"/>')
        parts.append(f'<text x="{x0 - 7}" y="{y + 4:.2f}" class="tick" text-anchor="end" fill="{text}">{tick}%</text>')
    path = _even_chance_path(grid)
    if path:
        parts.append(
            f'<path d="{path}" fill="none" stroke="{COLORS["reference"]}" stroke-width="1.5" stroke-dasharray="5 3"/>'
        )
    if counted_yes_share is not None:
        dx = x0 + (counted_yes_share * 100 + 0.5) * w / STEPS
        parts.append(f'<path d="M{dx:.2f} {y0 - 6}l6 6l-6 6l-6 -6z" fill="#fff" stroke="{text}" stroke-width="1.5"/>')
    parts += [
        f'<text x="{x0 + w / 2}" y="{y0 + h + 42}" class="axis" text-anchor="middle" fill="{text}">'
        "Yes share of the counted challenged ballots</text>",
        f'<text transform="translate(17 {y0 + h / 2}) rotate(-90)" class="axis" text-anchor="middle" fill="{text}">'
        "Challenged ballots counted</text>",
        '<defs><linearGradient id="chance-scale">'
        f'<stop offset="0" stop-color="{COLORS["lost"]}"/><stop offset="0.5" stop-color="#F7F7F7"/>'
        f'<stop offset="1" stop-color="{COLORS["won"]}"/></linearGradient></defs>',
        f'<text x="{x0}" y="{y0 + h + 68}" class="axis" fill="{text}">Chance the union wins</text>',
        f'<rect x="{x0}" y="{y0 + h + 75}" width="{w}" height="12" fill="url(#chance-scale)"/>',
    ]
    for share, anchor in ((0, "start"), (50, "middle"), (100, "end")):
        x = x0 + w * share / 100
        parts.append(
            f'<text x="{x:.2f}" y="{y0 + h + 104}" class="tick" text-anchor="{anchor}" fill="{text}">{share}%</text>'
        )
    u, q = start
    mx, my = x0 + (q + 0.5) * w / STEPS, y0 + (100 - u + 0.5) * h / STEPS
    parts += [
        f'<g id="marker" transform="translate({mx:.2f} {my:.2f})" data-overruled="{u}" data-yes-share="{q}">',
        '<circle r="8" fill="none" stroke="#fff" stroke-width="5"/>',
        f'<circle r="8" fill="none" stroke="{COLORS["reference"]}" stroke-width="2.5"/>',
        "</g>",
        "</svg>",
    ]
    return "\n".join(parts)


def _link(source: dict[str, str]) -> str:
    """A cited source as HTML: a link when its address is http(s), else its title alone; all text escaped."""
    label = f"{html.escape(source['title'])} ({html.escape(source['publisher'])})"
    if urlsplit(source["url"]).scheme.lower() in ("http", "https"):
        return f'<a href="{html.escape(source["url"])}">{label}</a>'
    return label


def _json_for_script(value: object) -> str:
    """JSON safe inside a <script> element: no '<', '>' or '&' that could close it or start a comment."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def build_explorer(ds: Dataset, election_id: str) -> Explorer:
    """The explorer of one election with challenged ballots (determinative or not); ValueError when it has none."""
    row, yes, no, challenged = _counts(ds, election_id)
    grid = probability_grid(yes, no, challenged)
    labels = sorted({fmt_probability(p) for p in grid.ravel()})
    index = {label: i for i, label in enumerate(labels)}
    cells = [index[fmt_probability(p)] for p in grid.ravel()]
    takes = [what_it_takes(yes, no, challenged, u) for u in range(STEPS)]
    scenario = probability_template(challenged)
    counted_share = None if pd.isna(row["yes_share"]) else float(row["yes_share"])  # None: no valid vote counted
    start = (100, 50 if counted_share is None else round(100 * counted_share))  # (overruled %, yes share %)
    diamond = (
        ""
        if counted_share is None
        else f" Diamond: the yes share of the ballots already counted ({fmt_pct(counted_share)})."
    )
    start_chance = labels[cells[start[0] * STEPS + start[1]]]
    starting = probability_template(challenged, overruled=extreme(start[0] / 100))
    title = _title(row, yes, no, challenged)
    alt = _alt_text(row, yes, no, challenged, grid)
    ids = election_source_ids(ds, [election_id])
    line = source_line(ds, ids)
    x0, y0, w, h = _PLOT
    data = {
        "steps": STEPS,
        "labels": labels,
        "cells": cells,
        "what_it_takes": takes,
        "scenario": scenario,
        "scenario_all": probability_template(challenged, overruled="all"),
        "scenario_none": probability_template(challenged, overruled="none"),
        "plot": {"x": x0, "y": y0, "w": w, "h": h},
    }
    esc = html.escape
    subtitle = (
        f"Counted: {fmt_int(yes)} yes, {fmt_int(no)} no; {fmt_int(challenged)} ballots were challenged and set "
        "aside unopened. A challenge the NLRB overrules gets its ballot opened and counted; a sustained one does "
        "not. Move the sliders to see the union's chance."
    )
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>
{_CSS}
</style>
</head>
<body>
<main>
<h1>{esc(title)}</h1>
<p class="subtitle">{esc(subtitle)}</p>
<form class="controls" onsubmit="return false">
<label for="overruled">Challenged ballots counted (challenges overruled):
<output id="overruled-value" for="overruled">{start[0]}%</output></label>
<input type="range" id="overruled" name="overruled" min="0" max="100" step="1" value="{start[0]}"
 aria-valuetext="{start[0]}%">
<label for="yes-share">Yes share of the counted challenged ballots:
<output id="yes-share-value" for="yes-share">{start[1]}%</output></label>
<input type="range" id="yes-share" name="yes-share" min="0" max="100" step="1" value="{start[1]}"
 aria-valuetext="{start[1]}%">
</form>
<div class="result" id="result" role="status" aria-live="polite">
<p>Chance the union wins: <span class="chance" id="chance">{esc(start_chance)}</span></p>
<p id="scenario">{esc(starting.format(overruled=f"{start[0]}%", yes_share=f"{start[1]}%", chance=start_chance))}</p>
<p id="what-it-takes">{esc(takes[start[0]])}</p>
</div>
<figure>
{_heatmap_svg(grid, counted_share, alt, start)}
<figcaption class="legend">Ring: the sliders' setting.{esc(diamond)} Dashed line: an even chance.</figcaption>
</figure>
<p class="method">The chance is exact, not simulated: each challenged ballot is taken to be counted with the
first slider's probability and, if counted, to be a yes vote with the second's, independently; the union wins
with more yes than no votes (a tie loses). Computed by labor-analysis at every whole percentage point.</p>
<p class="source">{esc(line)}</p>
<p class="cited">Cited: {"; ".join(_link(s) for s in cited_sources(ds, ids))}</p>
</main>
<script type="application/json" id="explorer-data">{_json_for_script(data)}</script>
<script>
{_SCRIPT}
</script>
</body>
</html>
"""
    return Explorer(election_id=election_id, title=title, alt_text=alt, source_line=line, page=page)


def write_explorer(ds: Dataset, election_id: str, out_dir: str | os.PathLike[str]) -> Path:
    """Write one election's explorer to `out_dir/explorer-<election>.html` (atomically; never into the data folder)."""
    out = ensure_outside_data(out_dir, ds.data_dir, "explorers")
    explorer = build_explorer(ds, election_id)
    return write_atomic(out / explorer.file_name, explorer.page)


def explorer_iframe(ds: Dataset, election_id: str) -> str:
    """The explorer as an `<iframe srcdoc>` for a notebook's output: the same page, self-contained, sized to fit."""
    explorer = build_explorer(ds, election_id)
    return (
        f'<iframe title="{html.escape(explorer.title)}" srcdoc="{html.escape(explorer.page)}" '
        'style="width: 100%; max-width: 720px; height: 1150px; border: 0;"></iframe>'
    )


@dataclass(frozen=True)
class EmbeddedExplorer:
    """A notebook output showing one election's explorer in an iframe (in Jupyter and in the HTML report alike)."""

    frame: str

    def _repr_html_(self) -> str:
        return self.frame


def embedded_explorer(ds: Dataset, election_id: str) -> EmbeddedExplorer | Passage:
    """The explorer for a notebook cell: `embedded_explorer(ds, election_id)` as the cell's last line shows it; for
    an election with no scenario to explore (`unexplorable`), the sentence saying why."""
    if reason := unexplorable(ds, election_id):
        return no_explorer(reason)
    return EmbeddedExplorer(explorer_iframe(ds, election_id))


@dataclass(frozen=True)
class ExplorerLink:
    """An explorer `labor-analysis charts` wrote, and the chart (its static heat map) it belongs beside."""

    election_id: str
    chart_slug: str
    file_name: str


def write_explorers(ds: Dataset, out_dir: str | os.PathLike[str]) -> list[ExplorerLink]:
    """Write the explorer of every election whose challenged ballots are determinative (`explorer_elections`)."""
    from .charts.challenged import scenario_heatmap

    links = []
    for election_id in explorer_elections(ds):
        path = write_explorer(ds, election_id, out_dir)
        links.append(ExplorerLink(election_id, scenario_heatmap(ds, election_id).slug, path.name))
    return links
