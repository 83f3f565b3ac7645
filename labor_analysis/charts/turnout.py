"""Who turned out: one election's eligible voters, ballots and valid votes, and turnout across elections."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from ..loading import Dataset
from ..style import COLORS
from ..text import about, capitalised, count_of, fitting_title, fmt_int, fmt_pct, place_only, where_counted
from ._base import (
    ChartSpec,
    ChartUnavailable,
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
)
from .votes import election

#: Neutral totals, lightest for the largest: eligible voters, ballots cast, valid votes.
TOTAL_COLORS = (COLORS["neutral_light"], COLORS["neutral"], COLORS["neutral_dark"])


# ---------------------------------------------------------------- one election


def turnout_data(ds: Dataset, election_id: str) -> pd.DataFrame:
    """Eligible voters, ballots cast and valid votes of one election, each also as a share of the eligible."""
    row = election(ds, election_id)
    counts = pd.array([row["eligible_voters"], row["ballots_cast"], row["valid_votes"]], dtype="Int64")
    eligible = int(row["eligible_voters"])
    return pd.DataFrame(
        {
            "election_id": election_id,
            "measure": ["eligible voters", "ballots cast", "valid votes"],
            "count": counts,
            "pct_of_eligible": [np.nan if pd.isna(c) else 100 * int(c) / eligible for c in counts],
        }
    )


def turnout_figure(ds: Dataset, election_id: str) -> Figure:
    """Bars from zero of eligible voters, ballots cast and valid votes; an unreported count is said, not drawn."""
    data = turnout_data(ds, election_id)
    approx = about(bool(election(ds, election_id)["eligible_approximate"]))  # shares of an approximate count
    with style_context():
        fig = new_figure(3.4)
        ax = fig.add_subplot()
        heights = [0 if pd.isna(c) else int(c) for c in data["count"]]
        bars = ax.bar(data["measure"].str.capitalize(), heights, color=TOTAL_COLORS, width=0.6)
        top = max(heights)
        for bar, count, pct in zip(bars, data["count"], data["pct_of_eligible"]):
            x = bar.get_x() + bar.get_width() / 2
            if pd.isna(count):
                ax.text(x, top * 0.03, "not\nreported", ha="center", va="bottom", color=COLORS["muted_text"])
                continue
            label = (
                approx + fmt_int(count)
                if pct >= 100  # more ballots than eligible voters is no share of them (see MORE_BALLOTS_THAN_ELIGIBLE)
                else f"{fmt_int(count)}\n({approx}{fmt_pct(pct / 100, 0)}\nof eligible)"
            )  # narrow for print
            ax.annotate(
                label,
                (x, int(count)),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                va="bottom",
                linespacing=1.1,
            )
        ax.set_ylim(0, top * 1.3)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_int(v)))
        ax.set_ylabel("Workers")
        ax.grid(True, axis="y", color=COLORS["grid"], linewidth=0.8)
    return fig


@register("turnout", per_election=True, order=20)
def turnout(ds: Dataset, election_id: str) -> ChartSpec:
    """One election's turnout; the title gives the share of eligible workers who voted, and where."""
    row = election(ds, election_id)
    if pd.isna(row["eligible_voters"]):
        raise ChartUnavailable("eligible voters not reported")
    if pd.isna(row["valid_votes"]):
        raise ChartUnavailable("no valid votes reported")
    data = turnout_data(ds, election_id)
    cast, valid = data.loc[1], data.loc[2]
    approx = bool(row["eligible_approximate"])
    at = row["at"]
    over = pd.notna(cast["count"]) and cast["count"] > row["eligible_voters"]
    if over:  # no turnout: say the counts (challenged ballots may come from workers missing from the list)
        headline = fmt_int(cast["count"])
        title = fitting_title(
            f"{headline} ballots were cast {at}, more than the {about(approx)}{fmt_int(row['eligible_voters'])} "
            "workers on the list of eligible voters",
            f"{headline} ballots were cast {at}, more than its {about(approx)}{fmt_int(row['eligible_voters'])} "
            "eligible voters",
            f"{headline} ballots were cast, more than the {about(approx)}{fmt_int(row['eligible_voters'])} workers "
            "on the list of eligible voters",
        )
    elif pd.notna(cast["count"]):
        headline = fmt_pct(cast["pct_of_eligible"] / 100, 0)
        title = fitting_title(
            f"{about(approx).capitalize()}{headline} of eligible workers voted {at}",
            f"{about(approx).capitalize()}{headline} of eligible workers voted {place_only(row)}",
        )
    else:
        headline = fmt_pct(valid["pct_of_eligible"] / 100, 0)
        title = fitting_title(
            f"{about(approx).capitalize()}{headline} of eligible workers cast a valid vote {at}",
            f"{about(approx).capitalize()}{headline} of eligible workers cast a valid vote {place_only(row)}",
        )
    subtitle = (
        f"{about(approx).capitalize()}{fmt_int(row['eligible_voters'])} workers eligible; ballots cast include "
        f"void and challenged ballots; valid votes are yes plus no."
        + ("" if pd.notna(cast["count"]) else " Total ballots cast were not reported.")
        + (
            f" {capitalised(count_of(int(row['challenged']), 'challenged ballot'))} may come from workers missing "
            "from the list: no turnout is given."
            if over and pd.notna(row["challenged"]) and row["challenged"] > 0
            else " No turnout is given."
            if over
            else ""
        )
    )
    alt = (
        f"Bar chart of turnout {where_counted(row['at_mid'], row['count_date'])}: "
        f"{about(approx)}{fmt_int(row['eligible_voters'])} eligible voters, "
        + (
            f"{fmt_int(cast['count'])} ballots cast (more than the eligible voters), "
            if over
            else f"{fmt_int(cast['count'])} ballots cast ({about(approx)}{fmt_pct(cast['pct_of_eligible'] / 100, 0)} "
            "of eligible), "
            if pd.notna(cast["count"])
            else "ballots cast not reported, "
        )
        + f"{fmt_int(valid['count'])} valid votes ({about(approx)}{fmt_pct(valid['pct_of_eligible'] / 100, 0)} of "
        "eligible)."
    )
    return ChartSpec(
        f"turnout-{slugify(election_id)}",
        title,
        subtitle,
        headline,
        alt,
        election_source_ids(ds, [election_id]),
        data,
        lambda: turnout_figure(ds, election_id),
        record=tally_record([election_id]),
    )


# ---------------------------------------------------------------- every election


#: Why an election with more ballots than eligible voters gets no turnout: challenged ballots, counted among the
#: ballots cast, often come from workers missing from the list (the NLRB's files hold hundreds of such elections).
MORE_BALLOTS_THAN_ELIGIBLE = (
    "more ballots cast than workers on the list of eligible voters, challenged ballots included"
)


def over_eligible(table: pd.DataFrame) -> pd.Series:
    """Which elections of a `results` table had more ballots cast than eligible voters: their share of the
    eligible is no turnout, so it is neither drawn nor worded as one."""
    return (table["ballots_cast"] > table["eligible_voters"]).fillna(False).astype(bool)


def turnout_all_data(ds: Dataset) -> pd.DataFrame:
    """Turnout (ballots cast over eligible voters, percent) of every election that reported both, by count date;
    an election with more ballots than eligible voters (`over_eligible`) has no turnout and is left out."""
    table = results(ds)
    table = table[table["turnout"].notna() & ~over_eligible(table)]
    methods = ds.elections.set_index("election_id").get("voting_method")
    method = (
        table["election_id"].map(methods).astype("string").fillna("")
        if methods is not None
        else pd.Series("", index=table.index)
    )
    return pd.DataFrame(
        {
            "election_id": table["election_id"],
            "label": table["name"],
            "where": table["at"],
            "ballots_cast": table["ballots_cast"],
            "eligible_voters": table["eligible_voters"],
            "eligible_approximate": table["election_id"]
            .map(ds.elections.set_index("election_id")["eligible_approximate"])
            .astype(bool),
            "turnout_pct": 100 * table["turnout"],
            "voting_method": method.str.replace("_", " "),
        }
    ).reset_index(drop=True)


def turnout_all_figure(ds: Dataset) -> Figure:
    """One bar per election of the share of eligible workers who cast a ballot, first election on top."""
    data = largest_listed(turnout_all_data(ds), results(ds))[0].iloc[::-1].reset_index(drop=True)
    show_method = data["voting_method"].nunique() > 1
    with style_context():
        fig = new_figure(0.8 + 0.46 * len(data))
        ax = fig.add_subplot()
        y = np.arange(len(data))
        ax.barh(y, data["turnout_pct"], color=COLORS["neutral"], height=0.62)
        for yi, pct, approx, method in zip(y, data["turnout_pct"], data["eligible_approximate"], data["voting_method"]):
            words = about(approx) + fmt_pct(pct / 100, 0) + (f" ({method})" if show_method and method else "")
            ax.text(pct + 1.2, float(yi), words, va="center", ha="left", color=COLORS["text"])
        ax.set_yticks(y, [stacked_label(n) for n in data["label"]], linespacing=1.0)
        ax.set_xlim(0, 100)
        ax.set_xticks([0, 50, 100])  # labelled at 0, 50 and 100 only: '75%' touched '100%' in a narrow print column
        ax.set_xticks([25, 75], minor=True)
        ax.xaxis.set_major_formatter(PercentFormatter(decimals=0))
        ax.set_xlabel("Ballots cast, share of eligible workers")
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.grid(True, axis="x", which="both", color=COLORS["grid"], linewidth=0.8)
        ax.tick_params(axis="x", which="minor", length=0)
    return fig


@register("turnout-all", order=15)
def turnout_all(ds: Dataset) -> ChartSpec:
    """Turnout across elections; the title names the highest and the lowest."""
    data = turnout_all_data(ds)
    if data.empty:
        raise ChartUnavailable("no election reported both its ballots and its eligible voters")
    table = results(ds)
    over = over_eligible(table)
    left_out = table.loc[~table["election_id"].isin(data["election_id"]) & ~over, "name"]
    too_many = table.loc[over, "name"]
    high, low = data.loc[data["turnout_pct"].idxmax()], data.loc[data["turnout_pct"].idxmin()]

    def share(r: pd.Series) -> str:
        return about(r["eligible_approximate"]) + fmt_pct(r["turnout_pct"] / 100, 0)

    headline = share(high)
    # a title that leaves elections out says so itself: the social card drops the subtitle that names them
    where_known = (
        "Where the figures give a turnout, "
        if len(too_many)
        else "Where all ballots were reported, "
        if len(left_out)
        else ""
    )
    if len(data) == 1:
        title = fitting_title(
            capitalised(f"{where_known}{headline} of eligible workers voted {high['where']}"),
            capitalised(f"{where_known}{headline} of eligible workers voted"),
        )
    else:
        ranged = f"turnout ranged from {share(low)} {low['where']} to {headline} {high['where']}"
        counted = (
            f"in the {len(data):,} elections with a turnout on record"
            if len(too_many)
            else f"in the {len(data):,} elections with all ballots reported"
            if len(left_out)
            else "across the elections"
        )
        # the short title, for places too long to name, keeps the company and the years counted
        days = table.set_index("election_id").loc[data["election_id"], "count_date"]
        first, last = days.min().year, days.max().year
        years = str(first) if first == last else f"{first}-{last}"
        short = f"Turnout ranged from {share(low)} to {headline} {counted}"
        title = fitting_title(
            capitalised(where_known + ranged),
            f"{short}{at_scope(ds.elections)}, {years}",
            f"{short}, {years}",
            short,
        )
    shown, which, kept = largest_listed(data, table)
    subtitle = (
        "Ballots cast (void and challenged included) as a share of the workers eligible to vote."
        + (" In brackets: how the vote was held." if data["voting_method"].nunique() > 1 else "")
        + which
        + left_out_sentence(left_out, "ballots or eligible voters not reported")
        + left_out_sentence(too_many, MORE_BALLOTS_THAN_ELIGIBLE)
    )
    parts = "; ".join(
        f"{r['label']}: {share(r)} ({fmt_int(r['ballots_cast'])} of {about(r['eligible_approximate'])}"
        f"{fmt_int(r['eligible_voters'])})"
        for _, r in shown.iterrows()
    )
    alt = (
        f"Bar chart of turnout in {count_of(len(data), 'union election')}{at_scope(ds.elections)}"
        + (f", highest {headline} {high['where']}" if len(data) > 1 else "")  # one election: no highest
        + f".{which} {parts}."
    )
    return ChartSpec(
        "turnout-all",
        title,
        subtitle,
        headline,
        alt,
        election_source_ids(ds, shown["election_id"]),
        shown,
        lambda: turnout_all_figure(ds),
        record=tally_record(shown["election_id"]),
        selection=kept,
    )
