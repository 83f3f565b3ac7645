"""When the votes came: every election at the date of its count, with its result."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import dates as mdates
from matplotlib.figure import Figure

from ..loading import Dataset
from ..style import COLORS
from ..text import (
    at_company,
    fitting_title,
    fmt_pct,
    is_union_win,
    long_date,
    outcome_label,
    result_key,
    status_sentence,
)
from ._base import (
    ChartSpec,
    ChartUnavailable,
    Listing,
    election_source_ids,
    largest_listed,
    new_figure,
    register,
    results,
    stacked_label,
    style_context,
    tally_record,
    two_lines,
    yes_no_ballots,
)

#: Marker fill and edge per result; an undetermined result is a hollow ring, as unsettled as the result itself,
#: and an election the NLRB set aside a hollow grey ring: its count no longer stands.
MARKERS = {
    "won": (COLORS["won"], "white"),
    "lost": (COLORS["lost"], "white"),
    "undetermined": ("white", COLORS["undetermined"]),
    "set_aside": ("white", COLORS["neutral"]),
    "runoff": ("white", COLORS["neutral_dark"]),
}
#: Legend words per marker.
LEGEND_WORDS = {
    "won": "won",
    "lost": "lost",
    "undetermined": "undecided on the count",
    "set_aside": "set aside",
    "runoff": "run-off",
}


#: The time line lists at least one election in this many (a folder of more is left out, pointing to the chart that
#: counts by year): it shows when the votes came, which a few of many dots would not.
LISTED_AT_LEAST = 2


def timeline_data(ds: Dataset) -> pd.DataFrame:
    """Every election's count date, yes share (percent, yes-or-no ballots only), eligible voters and outcome."""
    table = results(ds)
    yes_no = yes_no_ballots(table)
    return pd.DataFrame(
        {
            "election_id": table["election_id"],
            "label": table["name"],
            "union": table["union"],
            "count_date": table["count_date"].dt.strftime("%Y-%m-%d"),
            "yes_share_pct": (100 * table["yes_share"]).where(yes_no),
            "eligible_voters": table["eligible_voters"],
            "case_number": table["case_number"],
            "outcome": table["outcome"].astype(str),
            "result": [result_key(o, st) for o, st in zip(table["outcome"], table["status"])],
            "result_words": [
                outcome_label(o, c, st) for o, c, st in zip(table["outcome"], table["case_number"], table["status"])
            ],
            "after_count": [status_sentence(r, r["elections_in_case"]) for _, r in table.iterrows()],
        }
    ).reset_index(drop=True)


def dot_words(data: pd.DataFrame) -> pd.Series:
    """The words beside each election's dot: its result and the yes share, on two lines where long ('undecided on
    the count,\n50% yes'), so the dot of a late count keeps its words inside a print column."""
    return pd.Series(
        [
            two_lines(label + ("" if pd.isna(share) else f", {fmt_pct(share / 100, 0)} yes"), 24)
            for share, label in zip(data["yes_share_pct"], data["result_words"])
        ],
        index=data.index,
        dtype=object,
    )


def timeline_listing(ds: Dataset) -> Listing:
    """The elections the time line lists (`largest_listed`, the words beside each dot counted in its lines)."""
    data = timeline_data(ds)
    return largest_listed(data, results(ds), words_lines=dot_words(data).str.count("\n") + 1)


def timeline_figure(ds: Dataset) -> Figure:
    """One row per election in count order: a dot at its count date, filled by its result, with words beside it."""
    data = timeline_listing(ds).rows
    dates = pd.to_datetime(data["count_date"])
    with style_context():
        fig = new_figure(0.9 + 0.5 * len(data))
        ax = fig.add_subplot()
        y = np.arange(len(data))[::-1]  # first election on top
        for outcome, (face, edge) in MARKERS.items():
            mask = (data["result"] == outcome).to_numpy()
            if mask.any():
                ax.scatter(
                    dates[mask],
                    y[mask],
                    s=70,
                    color=face,
                    edgecolor=edge,
                    linewidth=1.6 if face == "white" else 0.8,
                    label=LEGEND_WORDS[outcome],
                    zorder=4,
                    clip_on=False,  # a dot at either end of a span of decades in a print column stays whole
                )
        for yi, date, words in zip(y, dates, dot_words(data)):
            text = ax.annotate(
                words,
                (date, yi),
                xytext=(8, 0),
                textcoords="offset points",
                va="center",
                ha="left",
                fontsize=9,
                color=COLORS["text"],
            )
            if "\n" in words:  # one line set as before
                text.set_linespacing(1.0)
        ax.set_yticks(y, [stacked_label(n) for n in data["label"]], linespacing=1.0)
        ax.set_ylim(-0.6, len(data) - 0.4)
        # the whole dot of a count early in January, or at either end of a span of decades, inside the plot
        pad = max(pd.Timedelta(days=60), (dates.max() - dates.min()) * 0.03)
        start = min(pd.Timestamp(year=dates.min().year, month=1, day=1), dates.min() - pad)
        end = max(pd.Timestamp(year=dates.max().year + 1, month=1, day=1) + pd.Timedelta(days=200), dates.max() + pad)
        ax.set_xlim(start, end)
        years = end.year - start.year
        # a tick every 1, 2, 5, 10, ... years: at most about three over a long span, so years keep apart in a print
        # column beside long names
        base = 1 if years <= 3 else 2 if years <= 8 else next(b for b in (5, 10, 20, 25, 50, 100) if years / b <= 3)
        ax.xaxis.set_major_locator(mdates.YearLocator(base=base))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.set_xlabel("Date of the count")
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.grid(True, axis="x", color=COLORS["grid"], linewidth=0.8)
    return fig


@register("timeline", order=20)
def timeline(ds: Dataset) -> ChartSpec:
    """Every election by date; the title says what followed the first union win (or that none came)."""
    data = timeline_data(ds)
    if data.empty:
        raise ChartUnavailable("no elections")
    shown, which, kept = timeline_listing(ds)
    if len(shown) * LISTED_AT_LEAST < len(data):  # 3 dots for 17,569 elections would say nothing of when they came
        raise ChartUnavailable(
            f"a time line lists each election, and only {len(shown):,} of the {len(data):,} fit, too few to show when "
            "the votes came; elections-by-year counts every election by year"
        )
    won = data[[is_union_win(o, c) for o, c in zip(data["outcome"], data["case_number"])]]
    dates = pd.to_datetime(data["count_date"])
    at = at_company(ds.elections)
    if len(won):
        first = won.iloc[0]
        later = data[dates > pd.Timestamp(first["count_date"])]
        k = sum(is_union_win(o, c) for o, c in zip(later["outcome"], later["case_number"]))
        headline = f"{k:,} of {len(later):,}"
        when = pd.Timestamp(first["count_date"])
        if len(later):
            # 'in the data': the first win the data holds, which need not be the first ever (a file starts somewhere)
            title = fitting_title(
                f"Since the first union win{at} in the data ({first['label']}, {when.strftime('%B %Y')}), "
                f"unions have won {headline} votes",
                f"Since the first union win in the data, in {when.strftime('%B %Y')}, unions have won {headline} votes",
            )
        else:
            headline = when.strftime("%B %Y")
            title = fitting_title(
                f"The latest vote{at} ({first['label']}, {headline}) was the first union win in the data",
                f"The latest vote, in {headline}, was the first union win in the data",
            )
    else:
        headline = str(len(data))
        title = (
            f"Unions won none of the {headline} votes{at} from {dates.min().year} to {dates.max().year}"
            if len(data) > 1
            else f"The union did not win the one vote{at}, counted in {dates.min().year}"
        )
    subtitle = (
        "Each election at the date of its count: whether the union won or lost, whether the count left it "
        "undecided, and whether the NLRB later set it aside; and the union's share of the valid votes." + which
    )
    points = "; ".join(
        f"{lab}, counted {long_date(d)}: {o}"
        + ("" if pd.isna(s) else f", {fmt_pct(s / 100)} yes")
        + (f" ({after[:1].lower() + after[1:].rstrip('.')})" if after else "")
        for lab, d, s, o, after in zip(
            shown["label"], shown["count_date"], shown["yes_share_pct"], shown["result_words"], shown["after_count"]
        )
    )
    first_year, last_year = dates.min().year, dates.max().year
    span = f"from {first_year} to {last_year}" if first_year != last_year else f"in {first_year}"
    elections = "one union election" if len(data) == 1 else f"{len(data):,} union elections"
    alt = f"Time line of {elections}{at} {span}. {title}.{which} {points}."
    return ChartSpec(
        "timeline",
        title,
        subtitle,
        headline,
        alt,
        election_source_ids(ds, shown["election_id"]),
        shown,
        lambda: timeline_figure(ds),
        record=tally_record(shown["election_id"]),
        selection=kept,
    )
