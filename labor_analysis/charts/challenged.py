"""Challenged ballots: could they change the result, what the union would need of them, and how likely that is.

In the NLRB's words, a challenge is *sustained* (the ballot is not counted) or *overruled* (the ballot is
opened and counted).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, PercentFormatter

from ..loading import Dataset
from ..rules import scenario_grid
from ..style import COLORS
from ..text import (
    all_of,
    capitalised,
    challenged_ballots_sentence,
    count_of,
    fitting_title,
    fmt_int,
    fmt_pct,
    place_only,
    union_goal,
    year_span,
)
from ._base import (
    ChartSpec,
    ChartUnavailable,
    Listing,
    at_scope,
    election_source_ids,
    largest_listed,
    left_out_sentence,
    new_figure,
    register,
    results,
    slugify,
    stacked_label,
    style_context,
    tally_record,
    yes_no_ballots,
)
from .votes import election, require_yes_no

HALO = [patheffects.withStroke(linewidth=3, foreground="white")]


def require_challenged(row: pd.Series) -> None:
    """ChartUnavailable unless the election is yes-or-no and reported some challenged ballots."""
    require_yes_no(row)
    if pd.isna(row["challenged"]):
        raise ChartUnavailable("challenged ballots not reported")
    if int(row["challenged"]) == 0:
        raise ChartUnavailable("no ballots were challenged, so the count decided it")


# ---------------------------------------------------------------- every election: margin against challenged


def challenged_margin_data(ds: Dataset) -> pd.DataFrame:
    """Per yes-or-no election with a reported challenged count: the margin, its size, the challenged, determinative."""
    table = results(ds)
    table = table[table["challenged"].notna() & table["margin"].notna() & yes_no_ballots(table)]
    return pd.DataFrame(
        {
            "election_id": table["election_id"],
            "label": table["name"],
            "margin": table["margin"],
            "margin_size": table["margin"].abs(),
            "challenged": table["challenged"],
            "determinative": table["determinative"].astype(bool),
            "outcome": table["outcome"].astype(str),
        }
    ).reset_index(drop=True)


#: What the elections a large folder's challenged-margin chart lists are, in its words.
CLOSE = "elections where challenged ballots could change the result"


def challenged_margin_listing(ds: Dataset) -> Listing:
    """The elections the challenged-margin chart lists, and the words saying which.

    Every election where they fit; in a larger folder, the elections where challenged ballots could change the
    result (the chart's finding), all of them where they fit, else their largest units, never the largest units of
    every election (an import's largest units are rarely close); the largest units of all only where none is close.
    """
    data, table = challenged_margin_data(ds), results(ds)
    every = largest_listed(data, table, lines_each=2)
    close = data[data["determinative"]].reset_index(drop=True)
    if not every.words or close.empty:
        return every
    listing = largest_listed(close, table, lines_each=2, among=CLOSE)
    if listing.words:
        return listing
    one = CLOSE.replace("elections", "election", 1)
    which = f"Shown: the one {one}" if len(close) == 1 else f"Shown: the {len(close):,} {CLOSE}"
    return Listing(close, f" {which}.", f"{which}.")


def challenged_margin_figure(ds: Dataset) -> Figure:
    """Per election, two bars on one scale: the votes between yes and no, and the ballots set aside as challenged."""
    # first on top; two bars an election, each with its number
    data = challenged_margin_listing(ds).rows.iloc[::-1].reset_index(drop=True)
    with style_context():
        fig = new_figure(0.9 + 0.7 * len(data))
        ax = fig.add_subplot()
        y = np.arange(len(data))
        h = 0.45  # the two bars' numbers keep apart in the social card, even two equal ones
        ax.barh(y + h / 2, data["margin_size"].astype(float), height=h, color=COLORS["neutral"], label="Margin")
        ax.barh(y - h / 2, data["challenged"].astype(float), height=h, color=COLORS["challenged"], label="Challenged")
        top = float(max(data["margin_size"].max(), data["challenged"].max(), 1))
        # where every election listed is one whose challenged ballots could change the result (a large folder's
        # listing says so in its words), the words would repeat on every bar and squeeze the scale: bold says it
        words_beside = not data["determinative"].all()
        for yi, margin, challenged, decisive in zip(y, data["margin_size"], data["challenged"], data["determinative"]):
            ax.text(float(margin) + top * 0.01, yi + h / 2, fmt_int(margin), va="center", ha="left", fontsize=9)
            words = fmt_int(challenged) + (": could change the result" if decisive and words_beside else "")
            ax.text(
                float(challenged) + top * 0.01,
                yi - h / 2,
                words,
                va="center",
                ha="left",
                fontsize=9,
                fontweight="bold" if decisive else "normal",
            )
        ax.set_yticks(y, [stacked_label(n) for n in data["label"]], linespacing=1.0)
        for label, decisive in zip(ax.get_yticklabels(), data["determinative"]):
            label.set_fontweight("bold" if decisive else "normal")
        decisive_right = (
            float(data.loc[data["determinative"], "challenged"].max())
            if data["determinative"].any() and words_beside
            else 0
        )
        ax.set_xlim(0, max(top * 1.2, decisive_right + top * 0.9))  # room for the words beside a decisive bar
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_int(v)))
        ax.set_xlabel("Votes between yes and no;\nchallenged ballots")  # two lines: it fits a print column
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.grid(True, axis="x", color=COLORS["grid"], linewidth=0.8)
        # over the bars, right-aligned: a narrow print column (long names beside) keeps both entries inside
        ax.legend(loc="lower right", bbox_to_anchor=(1, 1.0), ncols=2, borderaxespad=0.2, handlelength=1.0)
    return fig


@register("challenged-margin", order=30)
def challenged_margin(ds: Dataset) -> ChartSpec:
    """Margin against challenged ballots for every election that reported them; the title counts the close ones."""
    data = challenged_margin_data(ds)
    if data.empty:
        raise ChartUnavailable("no yes-or-no election reported its challenged ballots")
    if not (data["challenged"] > 0).any():  # a chart of empty bars labelled 0 shows nothing
        raise ChartUnavailable(
            f"no ballots were challenged in the {count_of(len(data), 'yes-or-no election')} that reported them, "
            "so every count decided its election"
        )
    decisive = data[data["determinative"]]
    n, k = len(data), len(decisive)
    headline = f"{k:,} of {n:,}"
    table = results(ds)
    counted = table.set_index("election_id").loc[data["election_id"], "count_date"]
    first, last = counted.min().year, counted.max().year
    years = year_span(first, last)
    at = at_scope(ds.elections)
    if n == 1:  # one election: its own words, not '0 of 1 elections'
        row = table.set_index("election_id").loc[data.at[0, "election_id"]]
        ballots = f"The {count_of(data.at[0, 'challenged'], 'challenged ballot')}"
        could = "could" if k else "could not"
        title = fitting_title(
            f"{ballots} {row['at_mid']} {could} change the result",
            f"{ballots} {place_only(row, continues=True)} {could} change the result",
        )
    elif k == 0:
        title = fitting_title(
            f"Challenged ballots could not change the result in any of the {n:,} elections{at}, {years}",
            f"Challenged ballots could not change the result in any of the {n:,} elections, {years}",
        )
    else:
        names = "; ".join(decisive["label"])
        title = fitting_title(
            f"Challenged ballots could change the result in {headline} elections{at}, {years}: {names}",
            f"Challenged ballots could change the result in {headline} elections{at}, {years}",
            f"Challenged ballots could change the result in {headline} elections, {years}",
            f"Challenged ballots could change the result in {headline} elections",
        )
    missing = table.loc[~table["election_id"].isin(data["election_id"]), "name"]
    shown, which, kept = challenged_margin_listing(ds)
    subtitle = (
        "For each election, the votes between yes and no and the ballots set aside as challenged."
        # where every election shown could be decided by its challenged ballots, its name in bold and the words
        # saying which elections are shown say it; the bars carry no words of their own (challenged_margin_figure)
        + (
            ""
            if shown["determinative"].all()
            else " Where enough challenged ballots could close or reverse the gap, the chart says so."
        )
        + which
        + left_out_sentence(missing, "challenged ballots not reported, or not a yes-or-no ballot")
    )
    points = "; ".join(
        f"{lab}: {fmt_int(m)} votes between yes and no, {fmt_int(ch)} challenged"
        f"{' (could change the result)' if d else ''}"
        for lab, m, ch, d in zip(shown["label"], shown["margin_size"], shown["challenged"], shown["determinative"])
    )
    alt = (
        f"Bar chart comparing, in {count_of(n, 'election')}{at} counted "
        f"{'in ' + years if first == last else f'from {first} to {last}'}, the votes between yes and no with the "
        f"number of challenged ballots; the challenged ballots could change the result in {headline}."
        f"{which} {points}."
    )
    return ChartSpec(
        "challenged-margin",
        title,
        subtitle,
        headline,
        alt,
        election_source_ids(ds, shown["election_id"]),
        shown,
        lambda: challenged_margin_figure(ds),
        record=tally_record(shown["election_id"]),
        selection=kept,
    )


# ---------------------------------------------------------------- one election: what it would take


def what_it_would_take_data(ds: Dataset, election_id: str) -> pd.DataFrame:
    """Yes and no ballots counted, plus the split of the challenged ballots the union needs to win.

    When no split wins (`yes_needed` missing), every challenged ballot goes to yes, to show the union still loses.
    """
    row = election(ds, election_id)
    challenged = int(row["challenged"])
    needed = row["yes_needed"]
    to_yes = challenged if pd.isna(needed) else int(needed)
    return pd.DataFrame(
        {
            "election_id": election_id,
            "side": ["yes", "no"],
            "counted": [int(row["yes"]), int(row["no"])],
            "from_challenged": [to_yes, challenged - to_yes],
            "total": [int(row["yes"]) + to_yes, int(row["no"]) + challenged - to_yes],
            "challenged": challenged,
            "union_wins": [pd.notna(needed)] * 2,
        }
    )


def what_it_would_take_figure(ds: Dataset, election_id: str) -> Figure:
    """Counted yes and no ballots, extended by the fewest challenged ballots the union needs (the rest to no)."""
    data = what_it_would_take_data(ds, election_id)
    with style_context():
        fig = new_figure(2.9)
        ax = fig.add_subplot()
        y = [1, 0]
        names = ["Yes (union)", "No"]
        for yi, (_, r) in zip(y, data.iterrows()):
            color = COLORS[r["side"]]
            ax.barh(yi, r["counted"], color=color, height=0.55)
            ax.barh(
                yi,
                r["from_challenged"],
                left=r["counted"],
                color="white",
                edgecolor=color,
                hatch="////",
                linewidth=1.2,
                height=0.55,
            )
            words = fmt_int(r["counted"])
            if r["from_challenged"]:
                words += f" + {fmt_int(r['from_challenged'])}\n= {fmt_int(r['total'])}"
            # set off by a fixed gap, not a leading space: a space indented only the first line, and the second
            # ('= 796') touched the bar's edge
            ax.annotate(
                words,
                (r["total"], yi),
                xytext=(4, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                color=COLORS["text"],
                linespacing=1.1,
            )
        yes_needed = int(data.loc[0, "from_challenged"])
        challenged = fmt_int(data.loc[0, "challenged"])
        note = (
            f"needed {fmt_int(yes_needed)} of {challenged} challenged"
            if data.loc[0, "union_wins"] and yes_needed
            else f"needed none of the {challenged} challenged"
            if data.loc[0, "union_wins"]
            else f"{all_of(data.loc[0, 'challenged'], 'challenged ballot')} "
            + ("falls short" if data.loc[0, "challenged"] == 1 else "fall short")
        )
        ax.annotate(
            note,
            (data.loc[0, "counted"] + yes_needed / 2, 1.3),
            ha="center",
            va="bottom",
            color=COLORS["text"],
            fontweight="bold",
            annotation_clip=False,
        )
        ax.set_yticks(y, names)
        ax.set_ylim(-0.5, 1.6)
        ax.set_xlim(0, float(data["total"].max()) * 1.4)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_int(v)))
        ax.set_xlabel("Ballots (solid: counted; hatched: challenged)")
        ax.tick_params(axis="y", length=0)
        ax.grid(True, axis="x", color=COLORS["grid"], linewidth=0.8)
    return fig


@register("what-it-would-take", per_election=True, order=30)
def what_it_would_take(ds: Dataset, election_id: str) -> ChartSpec:
    """What the challenged ballots could do to one election; the title gives how many the union needed."""
    row = election(ds, election_id)
    require_challenged(row)
    data = what_it_would_take_data(ds, election_id)
    c = fmt_int(row["challenged"])
    ballots = "challenged ballot" if row["challenged"] == 1 else "challenged ballots"
    goal = union_goal(row["case_number"])
    needed = int(data.loc[0, "from_challenged"])
    at = row["at"]
    if not data.loc[0, "union_wins"]:
        every = all_of(row["challenged"], "challenged ballot")
        headline = every
        if goal == "stay":
            title = fitting_title(
                f"Even {every} could not have kept the union {row['at']}",
                f"Even {every} could not have kept the union {place_only(row)}",
            )
        else:
            title = fitting_title(
                f"Even {every} could not have won the vote {row['at_mid']} for the union",
                f"Even {every} could not have changed the result {at}",
                f"Even {every} could not have changed the result {place_only(row)}",
            )
        last = f"Even {every} as yes votes would fall short."
    elif needed == 0:  # the lead alone decides: "needed 0 of 67" would read as a finding it is not
        margin = fmt_int(row["margin"])
        set_aside = count_of(row["challenged"], "challenged ballot")
        headline = f"by {margin}"
        title = fitting_title(
            f"Union led by {margin} {at}, more than the {set_aside}",
            f"Union led by {margin} {place_only(row, continues=True)}, more than the {set_aside}",
        )
        last = ""  # the rule sentence already says the lead and that no challenged ballot could change it
    else:
        headline = f"{fmt_int(needed)} of {c}"
        title = fitting_title(
            f"Union needed {headline} {ballots} to {goal} {at}",
            f"Union needed {headline} {ballots} to {goal} {place_only(row)}",
        )
        last = f"The union needed {headline} challenged ballots."
    # past tense, as the title: the vote was counted
    rule = challenged_ballots_sentence(int(row["yes"]), int(row["no"]), int(row["challenged"]), past=True)
    subtitle = f"Counted: {fmt_int(row['yes'])} yes, {fmt_int(row['no'])} no. {rule}"
    alt = (
        f"Bar chart of what the {c} challenged ballots could do {at}. Solid bars are the counted "
        f"yes and no votes; hatched segments add the challenged ballots. {rule} {last}"
    ).rstrip()
    return ChartSpec(
        f"what-it-would-take-{slugify(election_id)}",
        title,
        subtitle,
        headline,
        alt,
        election_source_ids(ds, [election_id]),
        data,
        lambda: what_it_would_take_figure(ds, election_id),
        record=tally_record([election_id]),
    )


# ---------------------------------------------------------------- one election: the scenario heat map


def scenario_data(ds: Dataset, election_id: str) -> pd.DataFrame:
    """`rules.scenario_grid` for one election: its chance of winning over the overruled share and yes share."""
    row = election(ds, election_id)
    grid = scenario_grid(int(row["yes"]), int(row["no"]), int(row["challenged"]))
    grid.insert(0, "election_id", election_id)
    return grid


def scenario_heatmap_figure(ds: Dataset, election_id: str) -> Figure:
    """Heat map of the union's chance of winning over the share of challenges overruled and the counted yes share."""
    data = scenario_data(ds, election_id)
    table = data.pivot(index="overruled_share", columns="yes_share", values="win_probability").sort_index()
    xs, ys = table.columns.to_numpy(), table.index.to_numpy()
    step_x, step_y = np.diff(xs).min(), np.diff(ys).min()
    cmap = LinearSegmentedColormap.from_list("outcome", [COLORS["lost"], "#F7F7F7", COLORS["won"]])
    with style_context():
        fig = new_figure(3.9)
        ax = fig.add_subplot()
        image = ax.imshow(
            table.to_numpy(),
            origin="lower",
            aspect="auto",
            cmap=cmap,
            vmin=0,
            vmax=1,
            interpolation="nearest",
            extent=(
                100 * (xs[0] - step_x / 2),
                100 * (xs[-1] + step_x / 2),
                100 * (ys[0] - step_y / 2),
                100 * (ys[-1] + step_y / 2),
            ),
        )
        handles = []
        if table.to_numpy().min() < 0.5 < table.to_numpy().max():
            ax.contour(
                100 * xs,
                100 * ys,
                table.to_numpy(),
                levels=[0.5],
                colors=[COLORS["reference"]],
                linewidths=1.2,
                linestyles="dashed",
            )
            handles.append(
                Line2D([], [], color=COLORS["reference"], linewidth=1.2, linestyle="dashed", label="Even chance (50%)")
            )
        row = election(ds, election_id)
        ax.plot(
            100 * float(row["yes_share"]),
            100,
            marker="D",
            markersize=7,
            color="white",
            markeredgecolor=COLORS["text"],
            clip_on=False,
            zorder=5,
            linestyle="none",
        )
        handles.append(
            Line2D(
                [],
                [],
                marker="D",
                markersize=7,
                color="white",
                markeredgecolor=COLORS["text"],
                linestyle="none",
                label="Yes share of the counted ballots",
            )
        )
        ax.legend(
            handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=1, borderaxespad=0.2, handlelength=1.6
        )
        ax.xaxis.set_major_formatter(PercentFormatter(decimals=0))
        ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        ax.set_xlabel("Yes share of the challenged ballots counted")
        ax.set_ylabel("Challenges overruled\n(ballots opened and counted)")
        for spine in ax.spines.values():
            spine.set_visible(False)
        bar = fig.colorbar(image, ax=ax, fraction=0.05, pad=0.02)
        bar.set_label("Chance the union wins")
        bar.ax.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
        bar.outline.set_visible(False)
    return fig


@register("scenario-heatmap", per_election=True, order=40)
def scenario_heatmap(ds: Dataset, election_id: str) -> ChartSpec:
    """The union's chance over how the challenges end; drawn only where the challenged ballots could decide."""
    row = election(ds, election_id)
    require_challenged(row)
    if not bool(row["determinative"]):
        raise ChartUnavailable("the challenged ballots cannot change the result, so every scenario ends the same")
    data = scenario_data(ds, election_id)
    c = int(row["challenged"])
    needed = row["yes_needed"]
    at = row["at"]
    # past tense for a vote already counted; an election the NLRB set aside never gave its result
    needs = "would have needed" if str(row["status"]) == "set_aside" else "needed"
    if pd.isna(needed) or int(needed) == 0:
        # past tense: the chart is of a vote already counted, whatever became of its challenged ballots since
        result = "lost" if pd.isna(needed) else "won"
        headline = f"{fmt_int(c)}"
        verb = "was" if c == 1 else "were"
        however = f"However the {count_of(c, 'challenged ballot')} {verb} resolved, the union {result}"
        title = fitting_title(f"{however} {at}", f"{however} {place_only(row)}")
    else:
        headline = fmt_pct(int(needed) / c)
        share = f"the union {needs} {headline} of {all_of(c, 'challenged ballot')} as yes votes"
        title = fitting_title(f"{capitalised(at)}, {share}", f"{capitalised(place_only(row))}, {share}")
    probs = data["win_probability"]
    subtitle = (
        "The union's chance of winning, by the share of challenges the NLRB overrules (those ballots are opened "
        "and counted; sustained ones are not) and by the yes share among the ballots counted. The dashed line "
        "marks an even chance."
    )
    alt = (
        f"Heat map of the union's chance of winning {row['at_mid']} over the share of its {fmt_int(c)} challenged "
        "ballots "
        f"whose challenge is overruled, so they are opened and counted (0 to 100%), and their yes share (0 to "
        f"100%). Counted: {fmt_int(row['yes'])} yes, {fmt_int(row['no'])} no. "
        + (
            f"With every challenge overruled the union {needs} {headline} of the ballots as yes; with fewer counted "
            f"it {needs} a higher share. "
            if headline.endswith("%")
            else f"{capitalised(all_of(c, 'challenged ballot'))} could not change the result. "
        )
        + f"The chance ranges from {fmt_pct(probs.min(), 0)} to {fmt_pct(probs.max(), 0)} across the grid."
    )
    return ChartSpec(
        f"scenario-heatmap-{slugify(election_id)}",
        title,
        subtitle,
        headline,
        alt,
        election_source_ids(ds, [election_id]),
        data,
        lambda: scenario_heatmap_figure(ds, election_id),
        record=tally_record([election_id]),
    )
