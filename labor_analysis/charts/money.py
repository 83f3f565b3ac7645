"""The money: the employer's consultant spending by year, and both sides' spending over the union's campaign."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..analysis import preferred, prorated_spending
from ..loading import Dataset
from ..style import COLORS
from ..text import (
    about,
    fmt_usd,
    fmt_usd_short,
    period_label,
    purposes_phrase,
    qualified,
    round_sig,
    significant_digits,
    year_span,
)
from ._base import ChartSpec, ChartUnavailable, new_figure, register, style_context, wrap_label

#: The primary record behind employers' consultant spending: their LM-10 reports to the Labor Department.
LM10 = "the Labor Department's LM-10 filings"


#: Outlets whose names take 'the' in a sentence.
OUTLETS_WITH_THE = {"Associated Press", "Wall Street Journal", "New York Times", "Hill", "Verge"}


def outlet(publisher: str) -> str:
    """A publisher as a reader knows it: 'Associated Press (as reprinted)' -> 'Associated Press'."""
    return publisher.split(" (")[0].strip()


# ---------------------------------------------------------------- spending by year


def _yearly_employer_rows(frame: pd.DataFrame) -> pd.DataFrame:
    rows = frame[(frame["side"].astype(str) == "employer") & (frame["measure"].astype(str) == "spent")]
    return rows[rows["period_start"].dt.year == rows["period_end"].dt.year]


def spending_by_year_data(ds: Dataset) -> pd.DataFrame:
    """The employer's yearly `spent` figures the charts use (one per year), by year."""
    yearly = _yearly_employer_rows(preferred(ds.spending))
    out = pd.DataFrame(
        {
            "year": yearly["period_start"].dt.year.astype("int64"),
            "spender": yearly["spender"],
            "purpose": yearly["purpose"],
            "amount_usd": yearly["amount_usd"],
            "approximate": yearly["approximate"],
            "source_id": yearly["source_id"],
        }
    )
    return out.sort_values("year", kind="stable").reset_index(drop=True)


def spending_by_year_figure(ds: Dataset) -> Figure:
    """Bars from zero of the employer's reported consultant spending per year, each labelled in dollars."""
    data = spending_by_year_data(ds)
    with style_context():
        fig = new_figure(3.0)
        ax = fig.add_subplot()
        bars = ax.bar(data["year"].astype(str), data["amount_usd"] / 1e6, color=COLORS["employer"], width=0.6)
        for bar, amount, approx in zip(bars, data["amount_usd"], data["approximate"]):
            ax.annotate(
                about(approx) + fmt_usd_short(amount),
                (bar.get_x() + bar.get_width() / 2, amount / 1e6),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontweight="bold",
            )
        ax.set_ylim(0, max(float(data["amount_usd"].max()), 1.0) / 1e6 * 1.18)
        ax.set_yticks([])  # every bar carries its amount: no axis to read, no "$0M"
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="x", length=0)
    return fig


@register("spending-by-year", order=50)
def spending_by_year(ds: Dataset) -> ChartSpec:
    """The employer's consultant spending by year; the title names the peak."""
    data = spending_by_year_data(ds)
    if data.empty:
        raise ChartUnavailable("no yearly employer spending on record")
    peak = data.loc[data["amount_usd"].idxmax()]
    spender = str(peak["spender"])
    what = purposes_phrase(data["purpose"])
    headline = about(peak["approximate"]) + fmt_usd(peak["amount_usd"])
    years = year_span(data["year"].min(), data["year"].max())
    total = fmt_usd(data["amount_usd"].sum())
    if len(data) > 1:
        title = f"{spender}'s reported spending on {what} peaked at {headline} in {peak['year']}"
    else:
        title = f"{spender} reported spending {headline} on {what} in {peak['year']}"
    others = _yearly_employer_rows(ds.spending)
    others = others[~others.index.isin(preferred(ds.spending).index) & (others["spender"] == spender)]
    publishers = ds.sources.set_index("source_id")["publisher"]
    other_words = "; ".join(
        f"{about(r['approximate'])}{fmt_usd(r['amount_usd'])} for {r['period_start'].year} "
        f"({outlet(str(publishers[r['source_id']]))})"
        for _, r in others.iterrows()
    )
    used = "; ".join(
        f"{outlet(str(publishers[r['source_id']]))}'s {about(r['approximate'])}{fmt_usd(r['amount_usd'])}"
        for _, r in data.iterrows()
        if r["year"] in set(others["period_start"].dt.year)
    )
    subtitle = f"Money {spender} reported paying consultants, by year: {total} in {years}." + (
        f" Also reported: {other_words}; the chart uses {used}." if other_words else ""
    )
    bars = "; ".join(
        f"{y}: {about(a)}{fmt_usd(v)}" for y, v, a in zip(data["year"], data["amount_usd"], data["approximate"])
    )
    alt = (
        f"Bar chart of {spender}'s reported spending on {what} by year, {years}, peaking at "
        f"{headline} in {peak['year']}. {bars}. Total {total}."
    )
    return ChartSpec(
        "spending-by-year",
        title,
        subtitle,
        headline,
        alt,
        tuple(dict.fromkeys(data["source_id"])),
        data,
        lambda: spending_by_year_figure(ds),
        record=LM10,
    )


# ---------------------------------------------------------------- employer against union, each figure as reported


def campaign_figures(ds: Dataset) -> pd.DataFrame:
    """The union's campaign spending and the employer's yearly figure that covers most of the campaign's days.

    No figure is pro-rated or adjusted: the employer's is what it reported for a whole year across all its
    workplaces, the union's what it said one campaign cost. One row per side (employer first), with `scope`
    saying what each covers and `unconfirmed` and `qualifier` as the data has them. ChartUnavailable if either
    side has no `spent` figure over the campaign.
    """
    spent = preferred(ds.spending)
    spent = spent[spent["measure"].astype(str) == "spent"]
    union_rows = spent[spent["side"].astype(str) == "union"]
    if union_rows.empty:
        raise ChartUnavailable("no union spending on record")
    union = union_rows.sort_values(["period_end", "amount_usd"], kind="stable").iloc[-1]
    if not union["amount_usd"] > 0:
        raise ChartUnavailable("the union's spending on record is zero")
    parts = prorated_spending(ds, union["period_start"], union["period_end"])
    employer_parts = parts[
        (parts["side"] == "employer") & (parts["period_start"].dt.year == parts["period_end"].dt.year)
    ]
    if employer_parts.empty:
        raise ChartUnavailable("no yearly employer spending on record over the union's campaign")
    best = employer_parts.sort_values("overlap_days", kind="stable").iloc[-1]
    employer = spent[
        (spent["side"].astype(str) == "employer")
        & (spent["spender"] == best["spender"])
        & (spent["period_start"] == best["period_start"])
        & (spent["period_end"] == best["period_end"])
    ].iloc[0]
    rows = []
    for side, r, scope in (
        ("employer", employer, f"company-wide, {period_label(employer['period_start'], employer['period_end'])}"),
        ("union", union, f"its campaign, {period_label(union['period_start'], union['period_end'])}"),
    ):
        rows.append(
            {
                "side": side,
                "spender": str(r["spender"]),
                "purpose": purposes_phrase([r["purpose"]]),
                "scope": scope,
                "amount_usd": int(r["amount_usd"]),
                "approximate": bool(r["approximate"]),
                "qualifier": "" if pd.isna(r.get("qualifier")) else str(r.get("qualifier")),
                "unconfirmed": bool(r["unconfirmed"]),
                "source_id": str(r["source_id"]),
            }
        )
    return pd.DataFrame(rows)


def rough_ratio(data: pd.DataFrame) -> int:
    """The employer's figure over the union's, to no more significant digits than the less precise of the two."""
    digits = min(significant_digits(a, ap) for a, ap in zip(data["amount_usd"], data["approximate"]))
    return int(round_sig(float(data.loc[0, "amount_usd"]) / float(data.loc[1, "amount_usd"]), digits))


def employer_vs_union_data(ds: Dataset) -> pd.DataFrame:
    """Both figures as reported, with what each covers (the plotted data)."""
    return campaign_figures(ds)


def employer_vs_union_figure(ds: Dataset) -> Figure:
    """Two bars on one linear dollar scale, each labelled with what it covers; the union's marked unconfirmed."""
    data = campaign_figures(ds)
    with style_context():
        fig = new_figure(2.4)
        ax = fig.add_subplot()
        y = np.array([1, 0])
        ax.barh(y, data["amount_usd"], color=[COLORS[s] for s in data["side"]], height=0.55)
        top = float(data["amount_usd"].max())
        for yi, r in zip(y, data.itertuples()):
            words = qualified(r.approximate, r.qualifier) + fmt_usd_short(r.amount_usd)
            ax.text(
                r.amount_usd + top * 0.015,
                yi,
                words + (" (unconfirmed)" if r.unconfirmed else ""),
                va="center",
                ha="left",
                fontweight="bold",
            )
        ax.set_yticks(y, [wrap_label(f"{r.spender}, {r.scope}", 24) for r in data.itertuples()])
        ax.set_xlim(0, top * 1.45)
        ax.set_xticks([])
        ax.spines["bottom"].set_visible(False)
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(-0.5, 1.5)
    return fig


@register("employer-vs-union", order=60)
def employer_vs_union(ds: Dataset) -> ChartSpec:
    """The employer's company-wide yearly spending beside what the union says one campaign cost, as reported."""
    data = campaign_figures(ds)
    employer, union = data.loc[0], data.loc[1]
    publishers = ds.sources.set_index("source_id")["publisher"]
    times = rough_ratio(data)
    year = employer["scope"].split(", ", 1)[1]
    union_money = qualified(union["approximate"], union["qualifier"]) + fmt_usd(union["amount_usd"])
    employer_money = qualified(employer["approximate"], employer["qualifier"]) + fmt_usd(employer["amount_usd"])
    headline = f"about {times} times" if times >= 2 else employer_money
    title = (
        f"{employer['spender']}'s consultant spending company-wide in {year} was {headline} what the "
        f"{union['spender']} says its campaign cost"
        if times >= 2
        else f"{employer['spender']} reported {employer_money} company-wide in {year}; the {union['spender']} says "
        f"its campaign cost {union_money}"
    )
    said_by = outlet(str(publishers[union["source_id"]]))
    said_by = f"the {said_by}" if said_by in OUTLETS_WITH_THE else said_by
    unconfirmed = "; no other report confirms it" if union["unconfirmed"] else ""
    subtitle = (
        f"Not like with like: {employer_money} is what {employer['spender']} reported spending on "
        f"{employer['purpose']} across all its workplaces in {year}; {union_money} is the union's own account of "
        f"its campaign ({union['scope'].split(', ', 1)[1]}), as reported by {said_by}{unconfirmed}."
    )
    alt = (
        f"Bar chart on a linear dollar scale: {employer['spender']}, company-wide, {year}: {employer_money} on "
        f"{employer['purpose']}; {union['spender']}, its campaign, {union['scope'].split(', ', 1)[1]}: "
        f"{union_money} by its own account{' (unconfirmed)' if union['unconfirmed'] else ''}."
        + (f" The company-wide figure is {headline} the union's." if times >= 2 else "")
    )
    return ChartSpec(
        "employer-vs-union",
        title,
        subtitle,
        headline,
        alt,
        tuple(dict.fromkeys(data["source_id"])),
        data,
        lambda: employer_vs_union_figure(ds),
        record=f"{LM10} and the union's own account",
    )
