"""Overviews of a large folder or selection: elections counted by year, state, unit size and company, each drawn
as a summary rather than a row per election (an import of an NLRB file holds hundreds or thousands).

A listing chart (vote shares, turnout, timeline, challenged margin) shows each election up to what fits; beyond
that it shows the largest units and says so. These charts cover every election of a folder too large to list
(more than `MAX_LISTED`), and are left out, with the reason, for a folder the listing charts show whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from ..loading import Dataset
from ..nlrb.national import fiscal_year, size_bin, size_labels
from ..style import COLORS
from ..text import at_company, company, count_of, fitting_title, fmt_int, fmt_pct, short_employer, state_name
from ._base import (
    MAX_LISTED,
    MAX_LISTED_LINES,
    SMALL_GROUP,
    ChartSpec,
    ChartUnavailable,
    at_scope,
    new_figure,
    register,
    results,
    style_context,
    wrap_label,
)

#: The outcomes of the latest count, as the summary charts group and colour them (a decertification vote the
#: union "won" is one where the workers kept it).
GROUPS = (
    ("won", "Union majority", COLORS["won"]),
    ("lost", "No union majority", COLORS["lost"]),
    ("open", "Undecided", COLORS["neutral_light"]),
)


#: The source id of an NLRB annual election report, as `import-nlrb` cites it, with its fiscal year.
REPORT_ID = re.compile(r"nlrb-election-report-fy(\d{4})")


def report_years(ds: Dataset) -> tuple[int, int] | None:
    """The first and last fiscal year of the NLRB annual election reports the folder cites (an import of them), or
    None: a folder with the reports covers those fiscal years, and only in part the years around them (a report
    lists the cases closed in its year, some voted years before; a tally file may run on past the last report)."""
    years = [int(m.group(1)) for m in map(REPORT_ID.fullmatch, ds.sources["source_id"].astype(str)) if m]
    return (min(years), max(years)) if years else None


@dataclass(frozen=True)
class Summary:
    """The elections a summary chart counts, and the period they cover."""

    frame: pd.DataFrame  # one row per election counted (see `summarised`)
    fiscal: bool  # `frame["year"]` is the fiscal year of the count (October to September), not the calendar year
    before: int = 0  # elections left out, counted before the fiscal years of the folder's annual reports
    after: int = 0  # and after them

    @property
    def years(self) -> str:
        """The period as a title says it: '2017-2021', '2021', or 'FY2011-FY2022' for fiscal years."""
        first, last = (
            f"{'FY' if self.fiscal else ''}{int(y)}" for y in (self.frame["year"].min(), self.frame["year"].max())
        )
        return first if first == last else f"{first}-{last}"

    @property
    def left_out(self) -> str:
        """A sentence on the elections counted outside the fiscal years of the reports, '' when none were."""
        return outside_reports(self.before, self.after, int(self.frame["year"].min()), int(self.frame["year"].max()))


def outside_reports(before: int, after: int, first: int, last: int) -> str:
    """' Not counted here: 367 elections counted before FY2011 and 15 elections counted after FY2022, years the
    NLRB's annual election reports in the data cover only in part.'; '' when `before` and `after` are 0."""
    parts = [
        f"{count_of(n, 'election')} counted {when}"
        for n, when in ((before, f"before FY{first}"), (after, f"after FY{last}"))
        if n
    ]
    return (
        f" Not counted here: {' and '.join(parts)}, years the NLRB's annual election reports in the data cover "
        "only in part."
        if parts
        else ""
    )


def in_report_years(ds: Dataset, count_dates: pd.Series) -> tuple[pd.Series, str]:
    """Which elections (by count date) a chart counting a whole folder counts, and the sentence saying which it
    does not: in a folder holding the NLRB's annual election reports, those of the reports' fiscal years
    (`report_years`), as the summary charts count them; in any other, all, and ''."""
    covered = report_years(ds)
    if covered is None:
        return pd.Series(True, index=count_dates.index), ""
    years = fiscal_year(pd.to_datetime(count_dates))
    before, after = years < covered[0], years > covered[1]
    return ~before & ~after, outside_reports(int(before.sum()), int(after.sum()), *covered)


def summarised(ds: Dataset) -> Summary:
    """Every election of a folder too large to list, with its year, state, unit-size band, company and outcome
    group (`won`, `lost` or `open`: a run-off, challenged ballots that could decide it, or no count on record);
    ChartUnavailable for a folder the listing charts show whole.

    The year is the count's; in a folder holding the NLRB's annual election reports, its fiscal year, and only
    the fiscal years of the reports are counted (`report_years`): the others are there only in part, and a bar
    of a few elections beside years of a thousand would read as a fall in elections."""
    table = results(ds)
    if len(table) <= MAX_LISTED:
        shown = "the one election" if len(table) == 1 else f"each of the {len(table)} elections"
        raise ChartUnavailable(f"the listing charts show {shown}; no summary is needed")
    outcome = table["outcome"].astype(str)
    names = table["election_id"].map(ds.elections.set_index("election_id")["employer"]).astype(object)
    if "company" in ds.elections:
        given = table["election_id"].map(ds.elections.set_index("election_id")["company"]).astype(object)
        names = given.where(given.notna() & (given != ""), names)
    days = pd.to_datetime(table["count_date"])
    covered = report_years(ds)
    years = fiscal_year(days) if covered else days.dt.year
    frame = pd.DataFrame(
        {
            "election_id": table["election_id"].to_numpy(),
            "year": years.to_numpy(),
            "state": table["state"].astype(object).fillna("").to_numpy() if "state" in table else "",
            "eligible_voters": table["eligible_voters"].to_numpy(),
            "company": [short_employer(n) for n in names],
            "group": np.where(outcome.isin(["won", "lost"]), outcome, "open"),
        }
    )
    if covered is None:
        return Summary(frame, fiscal=False)
    before, after = frame["year"] < covered[0], frame["year"] > covered[1]
    inside = frame[~before & ~after].reset_index(drop=True)
    return Summary(inside, True, int(before.sum()), int(after.sum()))


def _record(ds: Dataset) -> str:
    """The primary record: the NLRB's annual election reports where the folder holds them, and its tallies."""
    ids = ds.elections["source_id"].astype(str)
    return (
        "NLRB annual election reports and tallies"
        if ids.str.startswith("nlrb-election-report-").any()
        else ("NLRB tallies")
    )


def _source_ids(ds: Dataset) -> tuple[str, ...]:
    """The files every election and tally of the folder comes from (not each election's case page: thousands)."""
    return tuple(dict.fromkeys([*ds.elections["source_id"].astype(str), *ds.tallies["source_id"].astype(str)]))


def _counts(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Elections per `by` and outcome group (columns won, lost, open), with elections, decided and the union's
    share of the decided (`union_win_rate`)."""
    table = pd.crosstab(frame[by], frame["group"]).reindex(columns=[g for g, _, _ in GROUPS], fill_value=0)
    table.columns.name = None
    table = table.reset_index()
    table["elections"] = table[["won", "lost", "open"]].sum(axis=1)
    table["decided"] = table["won"] + table["lost"]
    table["union_win_rate"] = table["won"] / table["decided"].where(table["decided"] > 0)
    return table


def _stacked_bars(ax, positions, table: pd.DataFrame, horizontal: bool) -> None:  # type: ignore[no-untyped-def]
    """Bars of each row's elections stacked by outcome group, one colour per outcome."""
    start = np.zeros(len(table))
    for group, label, color in GROUPS:
        values = table[group].to_numpy(dtype=float)
        if horizontal:
            ax.barh(positions, values, left=start, color=color, height=0.7, label=label)
        else:
            ax.bar(positions, values, bottom=start, color=color, width=0.8, label=label)
        start += values


# ---------------------------------------------------------------- by year


def by_year_data(ds: Dataset) -> tuple[pd.DataFrame, Summary]:
    """Elections per year of their count (`year`, or `fiscal_year` in a folder of annual reports), by outcome
    group, every year between the first and the last; and the summary they come from."""
    summary = summarised(ds)
    frame = summary.frame
    table = _counts(frame, "year").set_index("year")
    table = table.reindex(range(int(frame["year"].min()), int(frame["year"].max()) + 1), fill_value=0)
    table["union_win_rate"] = table["won"] / table["decided"].where(table["decided"] > 0)
    return table.rename_axis("fiscal_year" if summary.fiscal else "year").reset_index(), summary


def _year_name(year: int, fiscal: bool) -> str:
    """A year as the words give it: '2017', or 'FY2017'."""
    return f"FY{year}" if fiscal else str(year)


#: Fewer years than this get a tick each and the width of this many years: one year's bar is not the plot's width.
FEW_YEARS = 3


def by_year_figure(ds: Dataset) -> Figure:
    data, summary = by_year_data(ds)
    years = data.iloc[:, 0].to_numpy()
    with style_context():
        fig = new_figure(3.4)
        ax = fig.add_subplot()
        _stacked_bars(ax, years, data, horizontal=False)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
        if len(years) < FEW_YEARS:  # one bar as wide as the plot, under 'FY21 FY21 FY22 FY22': a tick per year, room
            ax.set_xticks(years)
            pad = 0.6 + (FEW_YEARS - len(years)) / 2
            ax.set_xlim(years.min() - pad, years.max() + pad)
        if summary.fiscal:  # 'FY15': four digits and a prefix do not fit six ticks in a print column
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"FY{int(v) % 100:02d}"))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_int(v)))
        ax.set_ylabel("Elections")
        ax.grid(True, axis="y", color=COLORS["grid"], linewidth=0.8)
        # three entries side by side reach past a print column's edge: two a row
        ax.legend(
            loc="lower right", bbox_to_anchor=(1, 1.0), ncols=2, borderaxespad=0.2, handlelength=1.0, columnspacing=1.0
        )
    return fig


@register("elections-by-year", order=5)
def elections_by_year(ds: Dataset) -> ChartSpec:
    """Every election of a large folder by the year of its count and its outcome."""
    data, summary = by_year_data(ds)
    won, decided, total = int(data["won"].sum()), int(data["decided"].sum()), int(data["elections"].sum())
    busiest = _year_name(int(data.loc[data["elections"].idxmax()].iloc[0]), summary.fiscal)
    years = summary.years
    at = at_scope(ds.elections)
    headline = f"{fmt_int(won)} of {fmt_int(decided)}"
    busiest_words = f"; the most were counted in {busiest}" if (data["elections"] > 0).sum() > 1 else ""
    title = fitting_title(
        f"A union won a majority in {headline} elections the count decided{at}, {years}{busiest_words}",
        f"A union won a majority in {headline} elections the count decided{at}, {years}",
        f"A union won a majority in {headline} decided elections, {years}",
    )
    year = "fiscal year (October to September)" if summary.fiscal else "year"
    undecided = int(data["open"].sum())
    subtitle = (
        f"All {fmt_int(total)} elections by the {year} of their count and the outcome of their latest count; in a "
        "decertification vote a union majority keeps the union. "
        + (
            f"Undecided by the count: {fmt_int(undecided)} (a run-off, challenged ballots that could change the "
            "result, or no count on record)."
            if undecided
            else "The count decided every one."
        )
        + summary.left_out
    )
    alt = (
        f"Stacked bar chart of {fmt_int(total)} union elections{at} by {'fiscal ' if summary.fiscal else ''}year, "
        f"{years}, by outcome: "
        + "; ".join(
            f"{_year_name(int(r.iloc[0]), summary.fiscal)}: {fmt_int(r['elections'])} ({fmt_int(r['won'])} union "
            f"majority, {fmt_int(r['lost'])} no union majority)"
            for _, r in data[data["elections"] > 0].iterrows()
        )
        + f".{summary.left_out}"
    )
    return ChartSpec(
        "elections-by-year",
        title,
        subtitle,
        headline,
        alt,
        _source_ids(ds),
        data,
        lambda: by_year_figure(ds),
        record=_record(ds),
    )


# ---------------------------------------------------------------- by state


def by_state_data(ds: Dataset) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The states with the most elections (up to MAX_LISTED, most first, each by name) and the rest."""
    frame = summarised(ds).frame
    frame = frame[frame["state"].astype(str).str.strip() != ""]
    table = _counts(frame, "state").sort_values(["elections", "state"], ascending=[False, True], kind="stable")
    table.insert(1, "name", [state_name(s) for s in table["state"]])
    return table.head(MAX_LISTED).reset_index(drop=True), table.iloc[MAX_LISTED:].reset_index(drop=True)


def _ranked_figure(data: pd.DataFrame, labels: list[str], row_in: float) -> Figure:
    """Horizontal bars of each row's elections stacked by outcome group, most on top, each with its count."""
    data = data.iloc[::-1].reset_index(drop=True)
    with style_context():
        fig = new_figure(0.9 + row_in * len(data))
        ax = fig.add_subplot()
        y = np.arange(len(data))
        _stacked_bars(ax, y, data, horizontal=True)
        top = float(data["elections"].max())
        for yi, n in zip(y, data["elections"]):
            ax.text(n + top * 0.01, float(yi), fmt_int(n), va="center", ha="left")
        ax.set_yticks(y, labels[::-1], linespacing=1.0)
        ax.set_xlim(0, top * 1.15)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_int(v)))
        ax.set_xlabel("Elections")
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.grid(True, axis="x", color=COLORS["grid"], linewidth=0.8)
        ax.legend(
            loc="lower right",
            bbox_to_anchor=(1, 1.0),
            ncols=3,
            borderaxespad=0.2,
            handlelength=1.0,
            columnspacing=1.0,
        )
    return fig


def by_state_figure(ds: Dataset) -> Figure:
    data = by_state_data(ds)[0]
    return _ranked_figure(data, [str(n)[:1].upper() + str(n)[1:] for n in data["name"]], 0.36)


@register("elections-by-state", order=6)
def elections_by_state(ds: Dataset) -> ChartSpec:
    """Where a large folder's elections were held: the states with the most."""
    data, rest = by_state_data(ds)
    if len(data) + len(rest) < 2:
        raise ChartUnavailable("the elections with a state on record were all in one state")
    summary = summarised(ds)
    first = data.iloc[0]
    total = int(data["elections"].sum() + rest["elections"].sum())
    share = fmt_pct(first["elections"] / total, 0)
    years = summary.years
    title = fitting_title(
        f"{share} of the elections{at_company(ds.elections)} were held in {first['name']}, {years}",
        f"{share} of the elections were held in {first['name']}, {years}",
    )
    shown = (
        f"The {len(data)} states with the most elections" if len(rest) else f"Each of the {len(data)} states"
    ) + f", by the outcome of the latest count; {fmt_int(total)} elections with a state on record, {years}."
    subtitle = (
        shown
        + (
            f" Not shown: {count_of(int(rest['elections'].sum()), 'election')} in {count_of(len(rest), 'other state')}."
            if len(rest)
            else ""
        )
        + summary.left_out
    )
    alt = (
        f"Bar chart of union elections by state, {years}: "
        + "; ".join(
            f"{str(r['name'])[:1].upper() + str(r['name'])[1:]} {fmt_int(r['elections'])}" for _, r in data.iterrows()
        )
        + (f"; {fmt_int(int(rest['elections'].sum()))} in other states" if len(rest) else "")
        + "."
    )
    return ChartSpec(
        "elections-by-state",
        title,
        subtitle,
        share,
        alt,
        _source_ids(ds),
        pd.concat([data, rest], ignore_index=True),
        lambda: by_state_figure(ds),
        record=_record(ds),
    )


# ---------------------------------------------------------------- by unit size


def by_size_data(ds: Dataset) -> pd.DataFrame:
    """The union's share of the decided elections in each unit-size band (eligible voters) that holds any."""
    frame = summarised(ds).frame
    frame = frame[frame["eligible_voters"].notna()].copy()
    frame["size_band"] = size_bin(frame["eligible_voters"]).astype(str)
    table = _counts(frame, "size_band")
    order = {label: i for i, label in enumerate(size_labels())}
    table = table.sort_values("size_band", key=lambda s: s.map(order)).reset_index(drop=True)
    return _merge_small_top_bands(table[table["decided"] > 0].reset_index(drop=True))


def _merge_small_top_bands(table: pd.DataFrame) -> pd.DataFrame:
    """The largest bands merged into one ('1000+') while the last holds fewer than SMALL_GROUP decided elections,
    as the national chart merges them: the rarest sizes get one bar of enough elections rather than a hollow bar of
    a handful, and nine bands' labels no longer touch in a print column."""
    counted = ["won", "lost", "open", "elections", "decided"]
    while len(table) > 2 and table["decided"].iloc[-1] < SMALL_GROUP:
        merged = table.iloc[-2:][counted].sum()
        row = {"size_band": f"{table['size_band'].iloc[-2].split('-')[0].rstrip('+')}+", **merged.to_dict()}
        row["union_win_rate"] = row["won"] / row["decided"] if row["decided"] else np.nan
        table = pd.concat([table.iloc[:-2], pd.DataFrame([row])], ignore_index=True)
    return table.astype({c: "int64" for c in counted})


def _band_label(band: str) -> str:
    """`1000-2499` as `1,000-\n2,499` (two lines in a print column), `2500+` as `2,500+`."""
    parts = [fmt_int(int(p)) for p in band.rstrip("+").split("-")]
    if len(parts) == 1:
        return f"{parts[0]}+"
    return f"{parts[0]}-{parts[1]}" if len(parts[0]) + len(parts[1]) <= 4 else f"{parts[0]}-\n{parts[1]}"


def by_size_figure(ds: Dataset) -> Figure:
    data = by_size_data(ds)
    with style_context():
        fig = new_figure(3.4)
        ax = fig.add_subplot()
        few = (data["decided"] < SMALL_GROUP).to_numpy()
        bars = ax.bar(
            [_band_label(b) for b in data["size_band"]],
            data["union_win_rate"],
            color=[("none" if f else COLORS["neutral"]) for f in few],
            edgecolor=COLORS["neutral"],
            linewidth=1.2,
            width=0.72,
        )
        for bar, n in zip(bars, data["decided"]):
            ax.text(
                bar.get_x() + bar.get_width() / 2,
                bar.get_height() + 0.015,
                fmt_int(n),
                ha="center",
                va="bottom",
                fontsize=8,
                color=COLORS["muted_text"],
            )
        ax.set_ylim(0, 1.1)
        ax.set_yticks(np.arange(0, 1.01, 0.25))
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_ylabel("Union majority,\nshare of decided")
        ax.set_xlabel("Eligible voters in the unit")
        ax.tick_params(axis="x", labelsize=8)
        ax.grid(True, axis="y", color=COLORS["grid"], linewidth=0.8)
    return fig


@register("win-rate-by-unit-size", order=7)
def win_rate_by_unit_size(ds: Dataset) -> ChartSpec:
    """How a large folder's decided elections went by the size of the unit."""
    data = by_size_data(ds)
    firm = data[data["decided"] >= SMALL_GROUP]
    if len(firm) < 2:
        raise ChartUnavailable(f"fewer than two unit sizes hold {SMALL_GROUP} decided elections or more")
    low, high = firm.loc[firm["union_win_rate"].idxmin()], firm.loc[firm["union_win_rate"].idxmax()]
    summary = summarised(ds)
    years = summary.years

    def band(b: str) -> str:
        return _band_label(b).replace("-\n", "-").replace("+", " or more")

    won, decided = int(data["won"].sum()), int(data["decided"].sum())
    headline = fmt_pct(won / decided, 0)
    title = fitting_title(
        f"A union won a majority in {headline} of decided elections{at_scope(ds.elections)}, {years}: "
        f"{fmt_pct(high['union_win_rate'], 0)} in units of {band(high['size_band'])} voters, "
        f"{fmt_pct(low['union_win_rate'], 0)} in units of {band(low['size_band'])}",
        f"A union won a majority in {headline} of decided elections, {years}: {fmt_pct(high['union_win_rate'], 0)} "
        f"in units of {band(high['size_band'])}, {fmt_pct(low['union_win_rate'], 0)} in {band(low['size_band'])}",
    )
    few = data["decided"] < SMALL_GROUP
    subtitle = (
        f"Share of the elections decided by their latest count ({fmt_int(decided)}, unit size on record) with a "
        "union majority, by eligible voters; above each bar, how many were decided"
        + (f"; hollow bars: fewer than {SMALL_GROUP}, too few for a firm rate" if few.any() else "")
        + f".{summary.left_out}"
    )
    alt = (
        f"Bar chart of the share of decided union elections with a union majority by unit size, {years}: "
        + "; ".join(
            f"{band(r['size_band'])} voters: {fmt_pct(r['union_win_rate'], 0)} of {fmt_int(r['decided'])}"
            for _, r in data.iterrows()
        )
        + f". Overall {headline}."
    )
    return ChartSpec(
        "win-rate-by-unit-size",
        title,
        subtitle,
        headline,
        alt,
        _source_ids(ds),
        data,
        lambda: by_size_figure(ds),
        record=_record(ds),
    )


# ---------------------------------------------------------------- by company


#: The lines of a social card the legend above the company bars takes from the rows.
LEGEND_LINES = 2
#: How wide a company's name may run on one line of the axis before it wraps.
COMPANY_WIDTH = 24


def by_company_data(ds: Dataset) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The companies with the most elections, most first, as many as fit (MAX_LISTED at most, their names on
    MAX_LISTED_LINES lines at most less the legend's, as the listing charts fit the social card), and the rest."""
    frame = summarised(ds).frame
    table = _counts(frame, "company").sort_values(["elections", "company"], ascending=[False, True], kind="stable")
    lines = [wrap_label(n, COMPANY_WIDTH).count("\n") + 1 for n in table["company"].head(MAX_LISTED)]
    fits = int((np.cumsum(lines) <= MAX_LISTED_LINES - LEGEND_LINES).sum())
    return table.head(fits).reset_index(drop=True), table.iloc[fits:].reset_index(drop=True)


def by_company_figure(ds: Dataset) -> Figure:
    data = by_company_data(ds)[0]
    return _ranked_figure(data, [wrap_label(n, COMPANY_WIDTH) for n in data["company"]], 0.42)


@register("elections-by-company", order=8)
def elections_by_company(ds: Dataset) -> ChartSpec:
    """Whose workers voted: the companies of a large folder with the most elections."""
    data, rest = by_company_data(ds)
    if company(ds.elections) is not None:
        raise ChartUnavailable("every election is one company's")
    if data["elections"].iloc[0] < 2:
        raise ChartUnavailable("no company has more than one election")
    summary = summarised(ds)
    first, total, years = data.iloc[0], len(summary.frame), summary.years
    headline = f"{fmt_int(first['elections'])} of {fmt_int(total)}"
    title = fitting_title(
        f"{first['company']} had the most elections{at_scope(ds.elections)}, {headline}, {years}",
        f"{first['company']} had the most elections, {headline}, {years}",
        f"One company had the most elections, {headline}, {years}",
    )
    subtitle = (
        f"The {len(data)} companies with the most elections (employers named as their company where the data "
        f"names one), by the outcome of the latest count, {years}."
        + (
            f" Not shown: {count_of(int(rest['elections'].sum()), 'election')} of "
            f"{count_of(len(rest), 'other company', 'other companies')}."
            if len(rest)
            else ""
        )
        + summary.left_out
    )
    alt = (
        f"Bar chart of union elections by company, {years}: "
        + "; ".join(f"{r['company']} {fmt_int(r['elections'])}" for _, r in data.iterrows())
        + (f"; {fmt_int(int(rest['elections'].sum()))} at other companies" if len(rest) else "")
        + "."
    )
    return ChartSpec(
        "elections-by-company",
        title,
        subtitle,
        headline,
        alt,
        _source_ids(ds),
        pd.concat([data, rest], ignore_index=True),
        lambda: by_company_figure(ds),
        record=_record(ds),
    )
