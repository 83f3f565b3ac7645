"""The money: the employer's consultant spending by year, and both sides' spending over the union's campaign."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..analysis import preferred, prorated_spending, union_campaign_ratio
from ..loading import Dataset
from ..style import COLORS
from ..text import about, fmt_usd, fmt_usd_short, period_label, purposes_phrase
from ._base import ChartSpec, ChartUnavailable, new_figure, register, style_context, wrap_label

#: The primary record behind employers' consultant spending: their LM-10 reports to the Labor Department.
LM10 = "the Labor Department's LM-10 filings"


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
    years = f"{data['year'].min()}–{data['year'].max()}" if len(data) > 1 else str(data["year"].min())
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


# ---------------------------------------------------------------- employer against union, like with like


def _campaign(ds: Dataset) -> tuple[pd.Series, pd.DataFrame]:
    """The union's campaign ratio record and the pro-rated spending rows behind it; ChartUnavailable if none."""
    spent = preferred(ds.spending)
    spent = spent[spent["measure"].astype(str) == "spent"]
    if not (spent["side"].astype(str) == "union").any():
        raise ChartUnavailable("no union spending on record")
    ratio = union_campaign_ratio(ds)
    parts = prorated_spending(ds, ratio["period_start"], ratio["period_end"])
    if not (parts["side"] == "employer").any():
        raise ChartUnavailable("no employer spending on record for the days of the union's campaign")
    if not ratio["union_usd"] > 0:
        raise ChartUnavailable("the union's spending on record is zero")
    return ratio, parts


def employer_vs_union_data(ds: Dataset) -> pd.DataFrame:
    """Each side's money spent over the union's campaign: the union's figure, the employer's pro-rated to its days."""
    ratio, parts = _campaign(ds)
    rows = []
    for side in ("employer", "union"):
        part = parts[parts["side"] == side]
        rows.append(
            {
                "side": side,
                "spender": str(part["spender"].iloc[0]),
                "purpose": purposes_phrase(part["purpose"]),
                "period": period_label(ratio["period_start"], ratio["period_end"]),
                "reported_usd": float(part["amount_usd"].sum()),
                "usd_in_campaign": float(part["prorated_usd"].sum()),
                "approximate": bool(part["approximate"].any()),
            }
        )
    return pd.DataFrame(rows)


def employer_vs_union_figure(ds: Dataset) -> Figure:
    """Two bars on one linear dollar scale, the caveat on the chart itself so it survives every size."""
    data = employer_vs_union_data(ds)
    _, parts = _campaign(ds)
    employer_rows = parts[parts["side"] == "employer"]
    with style_context():
        fig = new_figure(2.6)
        ax = fig.add_subplot()
        y = np.array([1, 0])
        ax.barh(y, data["usd_in_campaign"], color=[COLORS[s] for s in data["side"]], height=0.55)
        top = float(data["usd_in_campaign"].max())
        for yi, r in zip(y, data.itertuples()):
            ax.text(
                r.usd_in_campaign + top * 0.015,
                yi,
                about(r.approximate) + fmt_usd_short(r.usd_in_campaign),
                va="center",
                ha="left",
                fontweight="bold",
            )
        ax.set_yticks(y, [wrap_label(f"{r.spender}: {r.purpose}", 24) for r in data.itertuples()])
        ax.set_xlim(0, top * 1.2)
        ax.set_xticks([])
        ax.spines["bottom"].set_visible(False)
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
        employer = data.loc[0, "spender"]
        figures = " and ".join(
            f"{fmt_usd_short(v)} in {period_label(s, e)}"
            for v, s, e in zip(employer_rows["amount_usd"], employer_rows["period_start"], employer_rows["period_end"])
        )
        caveat = wrap_label(
            f"{employer}'s bar assumes its {figures} were spent evenly through each period; "
            "the bar is the part that falls in the union's campaign",
            46,
        )
        ax.set_xlabel(caveat, loc="left", fontsize=8.5, color=COLORS["muted_text"], linespacing=1.2)
        ax.set_ylim(-0.5, 1.5)
    return fig


@register("employer-vs-union", order=60)
def employer_vs_union(ds: Dataset) -> ChartSpec:
    """Both sides' spending over the union's campaign on one linear scale; the title gives the ratio."""
    data = employer_vs_union_data(ds)
    ratio, parts = _campaign(ds)
    employer_rows = parts[parts["side"] == "employer"]
    employer, union = data.loc[0, "spender"], data.loc[1, "spender"]
    period = period_label(ratio["period_start"], ratio["period_end"])
    headline = f"{ratio['ratio']:,.0f} times"
    times = f"{about(ratio['approximate'])}{headline}"
    title = f"Over the {union}'s campaign, {employer} spent {times} as much as the union"
    figures = ", ".join(
        f"{about(a)}{fmt_usd(v)} in {period_label(s, e)}"
        for v, a, s, e in zip(
            employer_rows["amount_usd"],
            employer_rows["approximate"],
            employer_rows["period_start"],
            employer_rows["period_end"],
        )
    )
    union_money = f"{about(data.loc[1, 'approximate'])}{fmt_usd(ratio['union_usd'])}"
    spread = (
        f"{employer}'s reported spending on {data.loc[0, 'purpose']} ({figures}), spread evenly over each "
        f"period, gives {fmt_usd(ratio['employer_usd'])} for the campaign's days ({period}), against "
        f"{union_money} the union spent"
    )
    subtitle = f"Money spent, both sides, over the same days. {spread}."
    alt = (
        f"Bar chart on a linear dollar scale of money spent over the {union}'s campaign ({period}). {employer} "
        f"spent {times} as much: {spread}."
    )
    record = f"{LM10} and the union's own account"
    return ChartSpec(
        "employer-vs-union",
        title,
        subtitle,
        headline,
        alt,
        tuple(dict.fromkeys(parts["source_id"].astype(str))),
        data,
        lambda: employer_vs_union_figure(ds),
        record=record,
    )
