"""What every chart shares: the spec it returns, the registry that finds it, and the drawing helpers.

A chart is one decorated function in one module of this package: `@register("vote-shares", per_election=True)`
above a function that takes the Dataset (and an election_id) and returns a `ChartSpec` with its data, its
words and how to draw it, or raises `ChartUnavailable` saying why the data cannot support it. The package
imports each of its modules, so a new chart is one addition in one file.
"""

from __future__ import annotations

import itertools
import re
import textwrap
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from typing import NamedTuple

import matplotlib as mpl
import matplotlib.style
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from ..analysis import summary
from ..elections import (  # noqa: F401  (the charts' shared words)
    election_source_ids,
    results,
    tally_record,
    unverified_publishers,
)
from ..loading import Dataset
from ..style import COLORS, house_rc
from ..text import (
    AP_STATES,
    KIND_WORDS,
    RATE_FROM,
    at_company,
    place,
    short_employer,
    state_name,
    tidy,
    unverified_sentence,
)

WEB_WIDTH_IN = 6.4


@dataclass(frozen=True)
class ChartSpec:
    """One chart to publish: its file slug, words, sources, plotted data, and how to draw it."""

    slug: str
    title: str
    subtitle: str
    headline: str
    alt_text: str
    source_ids: tuple[str, ...]
    data: pd.DataFrame
    build: Callable[[], Figure]
    record: str = ""  # the primary record the reported figures come from, for the source line
    #: sources.csv rows the chart cites from outside the data folder (the NLRB release behind data/derived/)
    extra_sources: pd.DataFrame | None = None
    #: Which rows a listing chart shows when it shows a selection ('Shown: the 8 largest units of the 644
    #: elections, by eligible voters.'): set at every size, in the social card too, which leaves out the subtitle
    #: (the title counts every election; without these words it would read as if about the bars shown).
    selection: str = ""


def with_sources(ds: Dataset, sources: pd.DataFrame | None) -> Dataset:
    """`ds` with the `sources` rows whose source_id it lacks added to its sources table, so a chart citing a
    record from outside the data folder gets it on its source line and in the source lists."""
    if sources is None:
        return ds
    new = sources[~sources["source_id"].isin(ds.sources["source_id"])]
    if new.empty:
        return ds
    return replace(ds, sources=pd.concat([ds.sources, new], ignore_index=True))


class ChartUnavailable(Exception):
    """The data cannot support this chart; the message says why, in words for the gallery and the command line."""


@dataclass(frozen=True)
class RegisteredChart:
    """A chart of the registry: its name, whether it is drawn once per election, and its spec function."""

    name: str
    per_election: bool
    make: Callable[..., ChartSpec]
    order: int

    def spec(self, ds: Dataset, election_id: str | None = None) -> ChartSpec:
        """The chart's spec for `ds` (and `election_id` if drawn per election); ChartUnavailable if it can't be.

        Figures from a source with no address on record are said to be unverified in the subtitle and alt text, and
        an abbreviation ending a sentence gets one period ('N.Y.', never 'N.Y..').
        """
        if self.per_election:
            if election_id is None:
                raise TypeError(f"chart {self.name!r} is drawn per election: pass election_id")
            spec = self.make(ds, election_id)
        elif election_id is not None:
            raise TypeError(f"chart {self.name!r} covers every election: it takes no election_id")
        else:
            spec = self.make(ds)
        unverified = unverified_sentence(unverified_publishers(with_sources(ds, spec.extra_sources), spec.source_ids))
        return replace(
            spec,
            title=tidy(spec.title),
            subtitle=tidy(spec.subtitle + unverified),
            alt_text=tidy(spec.alt_text + unverified),
            selection=tidy(spec.selection),
        )


#: Every chart, by name, in the order they register.
REGISTRY: dict[str, RegisteredChart] = {}


def register(name: str, *, per_election: bool = False, order: int = 100) -> Callable:
    """Decorator adding a spec function to the registry under `name` (overview charts sort by `order`)."""

    def add(make: Callable[..., ChartSpec]) -> Callable[..., ChartSpec]:
        REGISTRY[name] = RegisteredChart(name, per_election, make, order)
        return make

    return add


@dataclass(frozen=True)
class LeftOut:
    """A chart the data cannot support, and why."""

    slug: str
    reason: str


def chart_plan(ds: Dataset, per_election: Iterable[str] | None = None) -> tuple[list[ChartSpec], list[LeftOut]]:
    """Every chart this data folder supports (overview charts, then each election's by count date) and the rest.

    An election's per-election charts follow each other in registry order; a chart that raises
    ChartUnavailable is listed in the second list with its reason instead. `per_election` limits the charts of
    one election to those elections (the overview charts still cover the whole folder); None: every election.
    """
    charts = sorted(REGISTRY.values(), key=lambda c: c.order)
    specs: list[ChartSpec] = []
    left_out: list[LeftOut] = []

    def attempt(chart: RegisteredChart, election_id: str | None = None) -> None:
        slug = chart.name if election_id is None else f"{chart.name}-{slugify(election_id)}"
        try:
            specs.append(chart.spec(ds, election_id))
        except ChartUnavailable as why:
            left_out.append(LeftOut(slug, str(why)))

    for chart in charts:
        if not chart.per_election:
            attempt(chart)
    wanted = None if per_election is None else set(per_election)
    for election_id in summary(ds)["election_id"]:  # by count date
        if wanted is not None and election_id not in wanted:
            continue
        for chart in charts:
            if chart.per_election:
                attempt(chart, election_id)
    return specs, left_out


def chart_call(slug: str, election_ids: Iterable[str]) -> tuple[str, str | None]:
    """The name and election a chart file's slug was made from, as `chart(name, ds, election_id)` takes them:
    'vote-shares-jfk8-2022' -> ('vote-shares', 'jfk8-2022'), 'timeline' -> ('timeline', None)."""
    if slug in REGISTRY and not REGISTRY[slug].per_election:
        return slug, None
    by_slug = {slugify(e): e for e in election_ids}
    for name, registered in REGISTRY.items():
        rest = slug.removeprefix(f"{name}-")
        if registered.per_election and rest != slug and rest in by_slug:
            return name, by_slug[rest]
    return slug, None


def chart_specs(ds: Dataset) -> list[ChartSpec]:
    """Every chart this data folder supports, in gallery order (see `chart_plan`)."""
    return chart_plan(ds)[0]


# ---------------------------------------------------------------- words shared by charts


def slugify(text: str) -> str:
    """A file-name-safe slug: lower case, runs of anything but letters and digits become one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def yes_no_ballots(table: pd.DataFrame) -> pd.Series:
    """Which elections of a `results` table were a yes-or-no question: one union on the ballot, not a run-off.

    A ballot with several unions (summary's `unions` above 1) or a run-off cannot be drawn as yes against no.
    """
    single = table["unions"].fillna(1).astype(int) <= 1
    return single & (table["outcome"].astype(str) != "runoff") & (table["kind"].astype(str) != "runoff")


#: The most elections a chart lists one by one (a bar or a row each): what stays readable in the 16:9 social
#: card and a print column. A larger folder's listing charts show its largest units and say so.
MAX_LISTED = 8
#: The most label lines the listed rows of a larger folder's listing chart take together (a name on two lines
#: counts twice): eight rows of one line, or fewer of two, keep apart in the 16:9 social card.
MAX_LISTED_LINES = 10
#: The label lines the rows of a listing chart shown whole take together at most in the 16:9 social card, with no
#: line saying which (six elections of two bars each, as `challenged-margin` draws our data, keep apart); a listing
#: of up to MAX_LISTED elections that needs more shows the largest units that fit, and says so.
WHOLE_LISTED_LINES = 12
#: Neighbouring rows whose names average this many lines or more keep a spare line in the social card (`_rows_fit`).
TIGHT_LINES = 3
#: The lines the social card gives the words saying which elections a listing chart shows (ChartSpec.selection).
SELECTION_LINES = 1
#: A group of fewer elections than this is drawn hollow (or as a dot): too few for a rate to read like the rate of a
#: thousand; the words' own rule (`text.RATE_FROM`: a count, not a rate, below it).
SMALL_GROUP = RATE_FROM
#: The most names a 'Not shown' sentence lists; beyond it, a count.
MAX_NAMED = 6


class Listing(NamedTuple):
    """The rows a listing chart shows, and the words saying which when they are a selection ('' when all)."""

    rows: pd.DataFrame
    #: For the subtitle: ' Shown: the 8 largest units of the 644 elections, by eligible voters, each named ...'
    words: str
    #: For every size, the social card included (ChartSpec.selection): 'Shown: the 8 largest units of the 644
    #: elections, by eligible voters.'
    kept: str


def largest_listed(
    data: pd.DataFrame,
    table: pd.DataFrame,
    lines_each: int = 1,
    words_lines: pd.Series | None = None,
    among: str = "elections",
) -> Listing:
    """The rows of a listing chart's `data` (with election_id) that fit it, and the words saying which.

    Up to MAX_LISTED rows that fit the social card (WHOLE_LISTED_LINES): all of them, in their order, and no
    words; else the largest units (most eligible voters, then latest count) that fit the social card under the
    words saying which (MAX_LISTED at most), still in their order, and ' Shown: the 8 largest units of the 644
    elections, by eligible voters, ...' `table` is the `results` table the rows come from; `lines_each`, the
    fewest lines a listed election takes (2 where it gets two bars, each with its number); `words_lines`, the
    lines the words beside each row of `data` take; `among`, what the rows of `data` are, as the words name them
    ('elections where challenged ballots could change the result'). The rows fit the social card under the line
    saying which (`_rows_fit`), each as many lines as its name or words.
    """
    beside = words_lines if words_lines is not None else pd.Series(1, index=data.index)

    def lines_of(index: pd.Index, names: pd.Series) -> dict[int, int]:
        return {
            i: max(stacked_label(name).count("\n") + 1, lines_each, int(beside[i])) for i, name in zip(index, names)
        }

    if len(data) <= MAX_LISTED and (
        "label" not in data or _rows_fit(list(lines_of(data.index, data["label"]).values()), WHOLE_LISTED_LINES)
    ):
        return Listing(data, "", "")
    info = table.set_index("election_id")[["eligible_voters", "count_date"]].add_prefix("rank_")
    ranked = data.join(info, on="election_id").sort_values(
        ["rank_eligible_voters", "rank_count_date"], ascending=False, na_position="last", kind="stable"
    )
    shown = data.loc[sorted(ranked.index[:MAX_LISTED])].reset_index(drop=True)
    if "label" in shown:  # one line each where it can, so the rows fit the social card: the workplace and the year
        named = table.set_index("election_id").loc[ranked["election_id"].iloc[:MAX_LISTED]]
        # a workplace's name several listed elections share is told apart by their cities, where they differ
        places = pd.Series([place(c, s) for c, s in zip(named["city"], named["state"])], index=named.index)
        facilities = named["facility"].astype(str)
        shared = (places.groupby(facilities).transform("nunique") > 1).to_numpy()
        labels = _listed_apart(
            {
                eid: _listed_label(row, label, several)
                for (eid, row), label, several in zip(named.iterrows(), ranked["label"].iloc[:MAX_LISTED], shared)
            },
            named,
        )
        top = ranked.iloc[:MAX_LISTED]
        lines = lines_of(top.index, top["election_id"].map(labels))
        room = MAX_LISTED_LINES - SELECTION_LINES
        fits = 1
        while fits < len(lines) and _rows_fit([lines[i] for i in sorted(ranked.index[: fits + 1])], room):
            fits += 1
        shown = data.loc[sorted(ranked.index[:fits])].reset_index(drop=True)
        shown["label"] = shown["election_id"].map(labels)
        if len(shown) == len(data):  # every one fits on one line each: no selection to speak of
            return Listing(shown, "", "")
    which = f"Shown: the {len(shown)} largest units of the {len(data):,} {among}, by eligible voters"
    return Listing(
        shown,
        f" {which}, each named by its workplace (or its city, where several share one name) and year.",
        f"{which}.",
    )


def _rows_fit(lines: list[int], room: int) -> bool:
    """Whether rows taking `lines` lines each (in the order drawn) fit the social card in `room` lines.

    Together they take `room` lines at most; and rows are drawn evenly spaced, each spacing holding half of each
    of the two rows beside it (two names of three lines side by side need three), so as many spacings as rows
    of the widest take no more than the social card holds of rows drawn alike (WHOLE_LISTED_LINES).
    """
    widest = max((a + b) / 2 for a, b in itertools.pairwise(lines)) if len(lines) > 1 else lines[0]
    # two names of three lines side by side, at the social card's limit, set the last line of one against the first
    # of the next ('(rerun)' touching the name below): such rows keep a spare line between them
    spare = 1 if widest >= TIGHT_LINES else 0
    return sum(lines) <= room and len(lines) * widest + spare <= WHOLE_LISTED_LINES


def _listed_apart(labels: dict[str, str], named: pd.DataFrame) -> dict[str, str]:
    """Listed labels two elections would share told apart: a rerun or run-off says so ('Harvard, 2018 (rerun)'),
    else the month of the count stands for its year ('Cambridge, Mass., April 2018')."""
    for tell in ("kind", "month"):
        counts = Counter(labels.values())
        months: dict[str, set[str]] = {}
        for eid, label in labels.items():
            months.setdefault(label, set()).add(f"{pd.Timestamp(named.loc[eid, 'count_date']):%Y-%m}")
        for eid, label in list(labels.items()):
            if counts[label] < 2:
                continue
            row = named.loc[eid]
            if tell == "kind" and str(row.get("kind")) in KIND_WORDS:
                labels[eid] = f"{label} ({KIND_WORDS[str(row['kind'])]})"
            elif tell == "month" and len(months[label]) > 1:  # a month the twins share would tell nothing apart
                day = pd.Timestamp(row["count_date"])
                year = str(day.year)
                base = label.removesuffix(f", {year}") if label.endswith(f", {year}") else label
                labels[eid] = f"{base}, {day:%B} {year}"
    return labels


def _listed_label(row: pd.Series, label: str, several: bool) -> str:
    """One line naming a listed election: its label where the facility is a code ('JFK8, Staten Island, N.Y.');
    else the workplace and the year; and where several listed elections share the workplace's name (an NLRB
    import names only the employer), the city and the year, which tell them apart ('Buffalo, N.Y., 2021')."""
    facility = str(row["facility"])
    if re.fullmatch(r"[A-Z0-9-]+", facility):
        return label
    year = pd.Timestamp(row["count_date"]).year
    city = row.get("city")
    if several and isinstance(city, str) and city.strip():
        return f"{place(city, row.get('state'))}, {year}"
    return f"{short_employer(facility)}, {year}"


def left_out_sentence(names: Iterable[str], why: str) -> str:
    """' Not shown (why): A and B.', ' Not shown (why): 40 elections.' beyond MAX_NAMED, or '' when nothing was."""
    names = list(names)
    if not names:
        return ""
    if len(names) > MAX_NAMED:
        return f" Not shown ({why}): {len(names):,} elections."
    separator = "; " if any("," in n for n in names) else ", "
    listed = names[0] if len(names) == 1 else f"{separator.join(names[:-1])} and {names[-1]}"
    return f" Not shown ({why}): {listed}" + ("" if listed.endswith(".") else ".")


def at_scope(elections: pd.DataFrame) -> str:
    """What the elections of a chart of several have in common, for its title: ' at Amazon' where one company holds
    them all (`at_company`), else ' in Alabama' where every one was held in one state (a selection by state says
    so, rather than reading as the nation's); '' otherwise."""
    at = at_company(elections)
    if at or len(elections) < 2:
        return at
    states = elections["state"].astype(object).dropna().astype(str).str.strip()
    if len(states) == len(elections) and (states != "").all() and states.nunique() == 1:
        return f" in {state_name(states.iloc[0])}"
    return ""


# ---------------------------------------------------------------- drawing helpers


def wrap_label(label: str, width: int = 18) -> str:
    """A long axis label broken onto lines of at most `width` characters, so it fits a print column."""
    return textwrap.fill(str(label), width)


#: The longest line of an election's name on an axis (`stacked_label`): the name column leaves the plot room in a
#: print column.
LABEL_LINE_CHARS = 26


def stacked_label(name: str) -> str:
    """An election's name for an axis: on one line up to 26 characters ('JFK8, Staten Island, N.Y.'), else stacked.

    One line keeps rows apart in the short social frame; a longer name breaks with each city on one line with
    its state and the facility and the year on lines of their own; where a part is longer than 26 characters
    ('Carnegie Library of Pittsburgh'), the name fills lines of 26 characters at most.
    """
    if len(str(name)) <= LABEL_LINE_CHARS:
        return str(name)
    parts = str(name).split(", ")
    lines: list[str] = []
    for part in parts:
        if lines and part in AP_STATES.values():
            lines[-1] += f", {part}"
        else:
            lines.append(part)
    if max(len(line) for line in lines) <= LABEL_LINE_CHARS:
        return "\n".join(lines)
    return textwrap.fill(str(name), LABEL_LINE_CHARS)  # a part too long for a line: filled, as few lines as can be


def two_lines(words: str, width: int) -> str:
    """`words` as they are up to `width` characters, else on two lines as even as the spaces allow, breaking after
    a comma where both lines keep within `width` ('undecided on the count,\n50% yes'), so words set beside a bar
    or a dot keep the plot its room in a print column."""
    words = str(words)
    if len(words) <= width or " " not in words:
        return words
    splits = [(words[:i], words[i + 1 :]) for i, c in enumerate(words) if c == " "]
    after_comma = [(a, b) for a, b in splits if a.endswith(",") and max(len(a), len(b)) <= width]
    first, rest = min(after_comma or splits, key=lambda ab: (max(len(ab[0]), len(ab[1])), len(ab[1])))
    return f"{first}\n{rest}"


def style_context() -> AbstractContextManager[None]:
    """The house style over matplotlib's defaults for a `with` block, whatever the caller's own settings.

    Starting from the defaults keeps the files identical whether or not the process set a global style first.
    """
    return mpl.style.context(house_rc(), after_reset=True)


def new_figure(height_in: float) -> Figure:
    """A new figure in the house style at web width, not registered with pyplot (no global state)."""
    with style_context():
        fig = Figure(figsize=(WEB_WIDTH_IN, height_in), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def majority_line(ax: Axes, vertical: bool = False) -> None:
    """The 50% line: where a union wins a majority of the valid votes."""
    draw = ax.axvline if vertical else ax.axhline
    draw(50, color=COLORS["reference"], linewidth=1.1, linestyle=(0, (4, 3)), zorder=3)


def text_color_on(fill: str) -> str:
    """White on a dark fill, the house text colour on a light one (relative luminance, WCAG)."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in to_rgb(fill))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "white" if luminance < 0.18 else COLORS["text"]
