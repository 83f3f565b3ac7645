"""How each vote split: one election's yes and no shares, and every election's side by side."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from ..loading import Dataset
from ..nlrb.national import fiscal_year
from ..style import COLORS
from ..text import (
    capitalised,
    case_type,
    count_of,
    fitting_title,
    fmt_int,
    fmt_pct,
    long_date,
    outcome_headline,
    outcome_label,
    outcome_phrase,
    place_only,
    standing,
    status_sentence,
    union_election,
    where_counted,
    year_span,
    yes_side,
)
from ._base import (
    ChartSpec,
    ChartUnavailable,
    Listing,
    at_scope,
    election_source_ids,
    largest_listed,
    left_out_sentence,
    majority_line,
    new_figure,
    register,
    results,
    slugify,
    stacked_label,
    style_context,
    tally_record,
    text_color_on,
    two_lines,
    yes_no_ballots,
)
from .summaries import in_report_years, report_years

#: How the union's result reads in words and on the chart.


def election(ds: Dataset, election_id: str) -> pd.Series:
    """One election's `results` row (summary, place and names); KeyError names the known elections."""
    table = results(ds).set_index("election_id", drop=False)
    if election_id not in table.index:
        raise KeyError(f"unknown election {election_id!r}; known: {', '.join(table.index)}")
    return table.loc[election_id]


def require_yes_no(row: pd.Series) -> None:
    """ChartUnavailable unless the election was a yes-or-no question with both counts reported."""
    if not bool(yes_no_ballots(row.to_frame().T).iloc[0]):
        raise ChartUnavailable("not a yes-or-no ballot (several unions on the ballot, or a run-off)")
    if pd.isna(row["yes"]) or pd.isna(row["no"]) or int(row["yes"]) + int(row["no"]) == 0:
        raise ChartUnavailable("no valid votes reported")


# ---------------------------------------------------------------- one election


def vote_shares_data(ds: Dataset, election_id: str) -> pd.DataFrame:
    """Yes and no ballots of one election and their shares of the valid votes (percent)."""
    row = election(ds, election_id)
    valid = int(row["yes"]) + int(row["no"])
    return pd.DataFrame(
        {
            "election_id": election_id,
            "choice": ["yes", "no"],
            "ballots": pd.array([row["yes"], row["no"]], dtype="Int64"),
            "share_of_valid_votes_pct": [100 * int(row["yes"]) / valid, 100 * int(row["no"]) / valid],
        }
    )


def vote_shares_figure(ds: Dataset, election_id: str) -> Figure:
    """Bars of the yes and no shares of one election's valid votes, with the 50% majority line."""
    data = vote_shares_data(ds, election_id)
    with style_context():
        fig = new_figure(3.2)
        ax = fig.add_subplot()
        colors = [COLORS[c] for c in data["choice"]]
        names = {"yes": "Yes (union)", "no": "No"}
        bars = ax.bar([names[c] for c in data["choice"]], data["share_of_valid_votes_pct"], color=colors, width=0.7)
        for bar, ballots, share, color in zip(bars, data["ballots"], data["share_of_valid_votes_pct"], colors):
            inside = share >= 15  # labels sit low inside the bar, clear of the 50% line
            ax.text(
                bar.get_x() + bar.get_width() / 2,
                2 if inside else share + 1,
                f"{fmt_pct(share / 100)}\n({fmt_int(ballots)})",
                ha="center",
                va="bottom",
                color=text_color_on(color) if inside else COLORS["text"],
                fontweight="bold",
                linespacing=1.3,
            )
        majority_line(ax)
        ax.annotate(
            "50%\nmajority",
            (1.0, 50),
            xycoords=("axes fraction", "data"),
            xytext=(4, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            color=COLORS["reference"],
            fontsize=9,
        )
        ax.set_ylim(0, 100)
        ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        ax.set_ylabel("Share of valid votes")
        ax.grid(True, axis="y", color=COLORS["grid"], linewidth=0.8)
    return fig


@register("vote-shares", per_election=True, order=10)
def vote_shares(ds: Dataset, election_id: str) -> ChartSpec:
    """One election's yes and no shares of the valid votes; the title says who won, where, with what share."""
    row = election(ds, election_id)
    require_yes_no(row)
    data = vote_shares_data(ds, election_id)
    yes_pct = fmt_pct(data.loc[0, "share_of_valid_votes_pct"] / 100)
    no_pct = fmt_pct(data.loc[1, "share_of_valid_votes_pct"] / 100)
    headline = yes_pct
    at = row["at"]
    after = status_sentence(row, row["elections_in_case"])
    side = yes_side(row["case_number"])
    if row["outcome"] == "undetermined":
        challenged = count_of(row["challenged"], "challenged ballot")
        led = f"{side} {standing(row['margin'])} with {yes_pct}"
        if str(row["status"]) == "set_aside":
            title = fitting_title(
                f"{led} {at}; the election was later set aside",
                f"{led} {place_only(row)}; the election was later set aside",
            )
        else:
            title = fitting_title(
                f"{led} {at}; {challenged} could change the result",
                capitalised(f"{challenged} could change the result {at}"),
                capitalised(f"{challenged} could change the result {place_only(row)}"),
            )
        outcome = f"the count did not decide it, as the {challenged} could change the result"
    else:
        outcome = outcome_phrase(row["outcome"], row["case_number"])
        result = outcome_headline(row["outcome"], row["case_number"])
        # the share of the side the headline names: in a decertification the workers who removed the union voted no
        removed = case_type(row["case_number"]) == "RD" and row["outcome"] == "lost"
        headline = no_pct if removed else yes_pct
        title = fitting_title(
            f"{result} {row['at_mid']} with {headline} of valid votes",
            f"{result} {place_only(row, continues=True)} with {headline} of valid votes",
        )
    outcome += f". {after.rstrip('.')}" if after else ""
    known = [f"{name} ({fmt_int(row[name])})" for name in ("void", "challenged") if pd.notna(row[name])]
    unknown = [name for name in ("void", "challenged") if pd.isna(row[name])]
    subtitle = (
        f"{row['union']} vote counted {long_date(row['count_date'])}: {fmt_int(row['yes'])} yes, "
        f"{fmt_int(row['no'])} no."
        + (f" Not valid votes: {' and '.join(known)} ballots." if known else "")
        + (f" {' and '.join(unknown).capitalize()} ballots were not reported." if unknown else "")
        + (f" {after}" if after else "")
    )
    alt = (
        f"Bar chart of {union_election(row['union'])} {where_counted(row['at_mid'], row['count_date'])}. "
        f"Yes: {fmt_int(row['yes'])} ballots, {yes_pct} of valid votes. No: {fmt_int(row['no'])} ballots, {no_pct}. "
        f"A dashed line marks the 50% the union must beat. Outcome: {outcome}."
    )
    return ChartSpec(
        f"vote-shares-{slugify(election_id)}",
        title,
        subtitle,
        headline,
        alt,
        election_source_ids(ds, [election_id]),
        data,
        lambda: vote_shares_figure(ds, election_id),
        record=tally_record([election_id]),
    )


# ---------------------------------------------------------------- every election


def vote_shares_all_data(ds: Dataset) -> pd.DataFrame:
    """Every yes-or-no election's yes and no shares of the valid votes (percent) and outcome, by count date; in a
    folder holding the NLRB's annual election reports, those of the reports' fiscal years (`in_report_years`)."""
    table = results(ds)
    table = table[yes_no_ballots(table) & table["yes_share"].notna() & in_report_years(ds, table["count_date"])[0]]
    return pd.DataFrame(
        {
            "election_id": table["election_id"],
            "label": table["name"],
            "yes": table["yes"],
            "no": table["no"],
            "yes_share_pct": 100 * table["yes_share"],
            "no_share_pct": 100 * (1 - table["yes_share"]),
            "outcome": table["outcome"].astype(str),
            "result": [
                outcome_label(o, c, st) for o, c, st in zip(table["outcome"], table["case_number"], table["status"])
            ],
        }
    ).reset_index(drop=True)


def result_words(result: str) -> str:
    """An election's result beside its bar, on two lines where long ('undecided on\nthe count'), so the bars keep
    their room in a print column."""
    return two_lines(result, 16)


def vote_shares_all_listing(ds: Dataset) -> Listing:
    """The elections vote-shares-all lists (`largest_listed`, the result beside each bar counted in its lines)."""
    data = vote_shares_all_data(ds)
    return largest_listed(data, results(ds), words_lines=data["result"].map(result_words).str.count("\n") + 1)


def vote_shares_all_figure(ds: Dataset) -> Figure:
    """Every election as a 100% bar split into yes and no shares, with the 50% line and the outcome in words."""
    data = vote_shares_all_listing(ds).rows.iloc[::-1].reset_index(drop=True)  # first on top
    with style_context():
        fig = new_figure(0.9 + 0.46 * len(data))
        ax = fig.add_subplot()
        y = np.arange(len(data))
        ax.barh(y, data["yes_share_pct"], color=COLORS["yes"], height=0.62, label="Yes (union)")
        ax.barh(y, data["no_share_pct"], left=data["yes_share_pct"], color=COLORS["no"], height=0.62, label="No")
        for yi, yes_pct, outcome in zip(y, data["yes_share_pct"], data["result"]):
            ax.text(
                2,
                float(yi),
                fmt_pct(yes_pct / 100, 0),
                va="center",
                ha="left",
                color=text_color_on(COLORS["yes"]),
                fontweight="bold",
            )
            words = result_words(outcome)
            text = ax.text(101.5, float(yi), words, va="center", ha="left", color=COLORS["text"])
            if "\n" in words:  # one line set as before
                text.set_linespacing(1.0)
        majority_line(ax, vertical=True)
        ax.set_yticks(y, [stacked_label(n) for n in data["label"]], linespacing=1.0)
        ax.set_xlim(0, 100)
        ax.xaxis.set_major_formatter(PercentFormatter(decimals=0))
        ax.set_xticks([0, 50, 100])
        ax.set_xlabel("Share of valid votes")
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, borderaxespad=0.2, handlelength=1.0)
    return fig


@register("vote-shares-all", order=10)
def vote_shares_all(ds: Dataset) -> ChartSpec:
    """Every yes-or-no election's split side by side; the title counts the union majorities."""
    data = vote_shares_all_data(ds)
    if data.empty:
        raise ChartUnavailable("no yes-or-no election with valid votes")
    table = results(ds)
    counted, outside = in_report_years(ds, table["count_date"])
    left_out = table.loc[counted & ~table["election_id"].isin(data["election_id"]), "name"]
    n = len(data)
    majority = int((data["yes_share_pct"] > 50).sum())
    headline = f"{majority:,} of {n:,}"
    # the years of the elections the title counts, not of every election the folder holds: fiscal years where the
    # folder's annual reports set them (as the summary charts count), else the calendar years of the counts
    days = pd.to_datetime(table.set_index("election_id").loc[data["election_id"], "count_date"])
    fiscal = report_years(ds) is not None
    years = fiscal_year(days) if fiscal else days.dt.year
    first, last = years.min(), years.max()
    span = year_span(first, last, fiscal=fiscal)  # fiscal years as the summary and national charts write them
    at = at_scope(ds.elections)
    if n == 1:  # never '0 of 1 elections'
        won = "won" if majority else "did not win"
        title = f"The union {won} a majority of valid votes{at}, {span}"
    elif majority == 0:
        title = f"Unions won a majority of valid votes in none of the {n:,} elections{at}, {span}"
    else:
        title = f"Unions won a majority of valid votes in {headline} elections{at}, {span}"
    shown, which, kept = vote_shares_all_listing(ds)
    subtitle = (
        "Yes (union) and no shares of the valid votes, by election; the dashed line marks 50%. "
        "Right: the union's result."
        + which
        + left_out_sentence(left_out, "not a yes-or-no ballot or no votes reported")
        + outside
    )
    parts = "; ".join(
        f"{lab}: {fmt_pct(s / 100)} yes, {o}"
        for lab, s, o in zip(shown["label"], shown["yes_share_pct"], shown["result"])
    )
    alt = (
        f"Stacked bar chart of the yes and no shares of the valid votes in {fmt_int(n)} union elections{at}; the union "
        f"side topped 50% in {headline}.{which} {parts}."
    )
    return ChartSpec(
        "vote-shares-all",
        title,
        subtitle,
        headline,
        alt,
        election_source_ids(ds, shown["election_id"]),
        shown,
        lambda: vote_shares_all_figure(ds),
        record=tally_record(data["election_id"]),
        selection=kept,
    )
