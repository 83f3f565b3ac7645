"""Amazon against the nation: each national chart's data, figure and words together, one function per chart.

The national side is the committed tables of `data/derived/` (`load_tables`); the Amazon side is any data folder
(`summary` of its elections). A chart spec cites the NLRB release the tables come from and the sources of the
data folder's elections, so `with_release_sources` adds the release to the Dataset the spec is exported with.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from ..analysis import summary
from ..charts._base import ChartSpec, election_source_ids, new_figure, style_context
from ..loading import Dataset
from ..paths import derived_dir
from ..style import COLORS, OKABE_ITO, light_grid
from ..text import fmt_int, fmt_pct
from .national import SOURCES_NAME

#: Amazon's marks in every national chart (national figures are grey): one colour, one meaning.
AMAZON = OKABE_ITO["sky_blue"]
NATIONAL = COLORS["neutral"]
#: Units of at least this many eligible voters are "large" in the words.
LARGE_UNIT = 1000
#: The years of the mail-against-in-person comparison (the pandemic years of the FOIA table).
MODE_YEARS = (2020, 2021)
METHOD_NAMES = {"mail": "Mail", "in_person": "In person", "mixed": "Mixed"}


def load_tables(folder: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """The national tables of `folder` (default data/derived/) by file name without `.csv`."""
    folder = Path(folder) if folder is not None else derived_dir()
    return {p.stem: pd.read_csv(p, keep_default_na=False, na_values=[""]) for p in sorted(folder.glob("*.csv"))}


def with_release_sources(ds: Dataset, tables: dict[str, pd.DataFrame]) -> Dataset:
    """`ds` with the release's sources.csv row(s) appended, so charts and source lists can cite it."""
    release = tables[Path(SOURCES_NAME).stem].astype(object)
    release["published"] = pd.to_datetime(release["published"])
    sources = pd.concat([ds.sources, release[~release["source_id"].isin(ds.sources["source_id"])]], ignore_index=True)
    return Dataset(
        data_dir=ds.data_dir,
        elections=ds.elections,
        tallies=ds.tallies,
        spending=ds.spending,
        workforce=ds.workforce,
        sources=sources,
    )


def release_ids(tables: dict[str, pd.DataFrame]) -> tuple[str, ...]:
    return tuple(tables[Path(SOURCES_NAME).stem]["source_id"])


def period(tables: dict[str, pd.DataFrame]) -> str:
    """The national tables' years, e.g. `2017-2021`."""
    years = pd.to_numeric(tables["challenged_ballots_determinative"]["year"], errors="coerce").dropna().astype(int)
    return f"{years.min()}-{years.max()}"


def amazon_record(ds: Dataset) -> pd.DataFrame:
    """The data folder's elections with outcome, unit size and voting method, by count date."""
    results = summary(ds)
    details = ds.elections.set_index("election_id")[["city", "state", "voting_method"]]
    out = results.join(details, on="election_id")
    out["label"] = [f"{c} {d.year}" for c, d in zip(out["city"], out["count_date"])]
    return out


def _decided(record: pd.DataFrame) -> tuple[int, int]:
    """(won, decided) of a record: elections the count decided, and those the union won."""
    won = int((record["outcome"] == "won").sum())
    return won, won + int((record["outcome"] == "lost").sum())


def _words_record(record: pd.DataFrame) -> str:
    won, decided = _decided(record)
    return f"{fmt_int(won)} of {fmt_int(decided)}"


# ---------------------------------------------------------------- unit sizes


def unit_size_data(ds: Dataset, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Each Amazon unit's size and the share of the nation's decided elections held in smaller units."""
    counts = tables["unit_size_counts"].groupby("eligible_voters")["elections"].sum().sort_index()
    cumulative = counts.cumsum()
    total = counts.sum()
    record = amazon_record(ds).dropna(subset=["eligible_voters"])
    sizes = record["eligible_voters"].astype(int).to_numpy()
    smaller = np.array(
        [cumulative[cumulative.index < n].iloc[-1] if (cumulative.index < n).any() else 0 for n in sizes]
    )
    return pd.DataFrame(
        {
            "election_id": record["election_id"].to_numpy(),
            "label": record["label"].to_numpy(),
            "eligible_voters": sizes,
            "national_share_smaller": smaller / total,
        }
    )


def _median(tables: dict[str, pd.DataFrame]) -> float:
    stats = tables["unit_size_summary"].set_index("statistic")["value"]
    return float(stats["quantile_0.5"])


def unit_size_figure(ds: Dataset, tables: dict[str, pd.DataFrame]) -> Figure:
    """The cumulative distribution of the nation's unit sizes (log scale), Amazon's units marked on it."""
    counts = tables["unit_size_counts"].groupby("eligible_voters")["elections"].sum().reset_index()
    amazon = unit_size_data(ds, tables)
    with style_context():
        fig = new_figure(3.6)
        ax = fig.add_subplot()
        sns.ecdfplot(
            data=counts, x="eligible_voters", weights="elections", ax=ax, color=NATIONAL, linewidth=2, log_scale=True
        )
        ax.scatter(
            amazon["eligible_voters"],
            amazon["national_share_smaller"],
            color=AMAZON,
            s=46,
            zorder=4,
            edgecolor="white",
            linewidth=0.8,
            label="Amazon units",
        )
        median = _median(tables)
        ax.axvline(median, color=COLORS["reference"], linewidth=1, linestyle=(0, (4, 3)))
        ax.annotate(
            f"Median unit\n{fmt_int(median)} voters",
            (median, 0.1),
            xytext=(6, 0),
            textcoords="offset points",
            fontsize=9,
            color=COLORS["reference"],
        )
        ax.annotate(
            f"Amazon units\n{fmt_int(amazon['eligible_voters'].min())} to "
            f"{fmt_int(amazon['eligible_voters'].max())} voters",
            (amazon["eligible_voters"].max(), 0.9),
            ha="right",
            va="top",
            fontsize=9,
            color=COLORS["text"],
            fontweight="bold",
        )
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_int(v)))
        ax.set_xlabel("Eligible voters in the unit (log scale)")
        ax.set_ylabel("Share of elections in smaller units")
        ax.set_ylim(0, 1.02)
        light_grid(ax, "y")
    return fig


def unit_size_spec(ds: Dataset, tables: dict[str, pd.DataFrame]) -> ChartSpec:
    data = unit_size_data(ds, tables)
    smallest = fmt_pct(data["national_share_smaller"].min(), 0)
    title = f"Every Amazon unit was larger than {smallest} of the units that voted nationally"
    subtitle = (
        f"Cumulative share of NLRB elections decided in {period(tables)}, by eligible voters; "
        f"the median unit had {fmt_int(_median(tables))}. Dots: Amazon's units."
    )
    alt = (
        f"Curve of the share of NLRB elections in {period(tables)} held in units smaller than each size, on a "
        f"log scale. Half of the units had {fmt_int(_median(tables))} eligible voters or fewer. Amazon's "
        f"{fmt_int(len(data))} units, from {fmt_int(data['eligible_voters'].min())} to "
        f"{fmt_int(data['eligible_voters'].max())} eligible voters, sit at the top of the curve: each was "
        f"larger than at least {smallest} of the units."
    )
    sources = release_ids(tables) + election_source_ids(ds, data["election_id"])
    return ChartSpec(
        "national-unit-sizes", title, subtitle, smallest, alt, sources, data, lambda: unit_size_figure(ds, tables)
    )


# ---------------------------------------------------------------- win rate by unit size


def win_rate_data(ds: Dataset, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The nation's union win rate by unit size, and Amazon's record as one more row."""
    national = tables["win_rate_by_unit_size"][["size_bin", "won", "lost", "union_win_rate"]].copy()
    national.insert(0, "who", "National")
    won, decided = _decided(amazon_record(ds))
    amazon = pd.DataFrame(
        {
            "who": ["Amazon"],
            "size_bin": ["all"],
            "won": [won],
            "lost": [decided - won],
            "union_win_rate": [won / decided if decided else np.nan],
        }
    )
    return pd.concat([national, amazon], ignore_index=True)


def _national_rate(tables: dict[str, pd.DataFrame], min_eligible: int = 0) -> float:
    t = tables["win_rate_by_unit_size"]
    t = t[t["min_eligible"] >= min_eligible]
    return t["won"].sum() / (t["won"].sum() + t["lost"].sum())


def _bin_label(size_bin: str) -> str:
    """`1000-2499` as `1,000-\n2,499` (two lines, so print-size labels do not collide)."""
    parts = [fmt_int(int(p)) for p in size_bin.rstrip("+").split("-")]
    return f"{parts[0]}-\n{parts[1]}" if len(parts) == 2 else f"{parts[0]}+"


def win_rate_figure(ds: Dataset, tables: dict[str, pd.DataFrame]) -> Figure:
    """Bars of the union win rate per unit-size bin, with Amazon's record as a line across them."""
    data = win_rate_data(ds, tables)
    national = data[data["who"] == "National"]
    amazon = data[data["who"] == "Amazon"].iloc[0]
    with style_context():
        fig = new_figure(3.6)
        ax = fig.add_subplot()
        bars = ax.bar(
            [_bin_label(b) for b in national["size_bin"]], national["union_win_rate"], color=NATIONAL, width=0.72
        )
        for bar, won, lost in zip(bars, national["won"], national["lost"]):
            ax.text(
                bar.get_x() + bar.get_width() / 2,
                bar.get_height() + 0.015,
                fmt_int(won + lost),
                ha="center",
                va="bottom",
                fontsize=8,
                color=COLORS["muted_text"],
            )
        if not np.isnan(amazon["union_win_rate"]):
            ax.axhline(amazon["union_win_rate"], color=AMAZON, linewidth=2.2)
            ax.annotate(
                f"Amazon: won {fmt_int(amazon['won'])} of {fmt_int(amazon['won'] + amazon['lost'])}",
                (0, amazon["union_win_rate"]),
                xytext=(0, 5),
                textcoords="offset points",
                color=COLORS["text"],
                fontsize=9,
                fontweight="bold",
            )
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_ylabel("Union win rate")
        ax.set_xlabel("Eligible voters in the unit")
        ax.tick_params(axis="x", labelsize=8)
        light_grid(ax, "y")
    return fig


def win_rate_spec(ds: Dataset, tables: dict[str, pd.DataFrame]) -> ChartSpec:
    data = win_rate_data(ds, tables)
    overall = fmt_pct(_national_rate(tables), 0)
    large = fmt_pct(_national_rate(tables, LARGE_UNIT), 0)
    record = _words_record(amazon_record(ds))
    title = (
        f"Unions won {overall} of elections nationally, {large} in units of {fmt_int(LARGE_UNIT)} or more; "
        f"at Amazon, {record}"
    )
    subtitle = (
        f"Share of NLRB elections decided in {period(tables)} that the union won, by unit size; "
        "above each bar, how many were decided"
    )
    alt = (
        f"Bar chart of the union win rate by unit size in NLRB elections decided in {period(tables)}: "
        + "; ".join(
            f"{_bin_label(b).replace(chr(10), '')}: {fmt_pct(r, 0)}"
            for b, r in zip(data["size_bin"][:-1], data["union_win_rate"][:-1])
        )
        + f". Overall {overall}; in units of {fmt_int(LARGE_UNIT)} or more, {large}. A line marks Amazon's "
        f"record: the union won {record} decided elections."
    )
    record_ids = amazon_record(ds)["election_id"]
    return ChartSpec(
        "national-win-rate-by-unit-size",
        title,
        subtitle,
        overall,
        alt,
        release_ids(tables) + election_source_ids(ds, record_ids),
        data,
        lambda: win_rate_figure(ds, tables),
    )


# ---------------------------------------------------------------- mail against in person


def voting_method_data(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The nation's union win rate by voting method over MODE_YEARS."""
    t = tables["win_rate_by_voting_method_and_year"]
    t = t[t["year"].isin(MODE_YEARS) & t["voting_method"].isin(list(METHOD_NAMES))]
    out = t.groupby("voting_method", sort=False)[["elections", "won", "lost"]].sum()
    out = out.reindex([m for m in METHOD_NAMES if m in out.index]).reset_index()
    out["union_win_rate"] = out["won"] / (out["won"] + out["lost"])
    return out


def voting_method_figure(ds: Dataset, tables: dict[str, pd.DataFrame]) -> Figure:
    data = voting_method_data(tables)
    with style_context():
        fig = new_figure(3.0)
        ax = fig.add_subplot()
        names = [METHOD_NAMES[m] for m in data["voting_method"]]
        bars = ax.barh(names, data["union_win_rate"], color=NATIONAL, height=0.6)
        for bar, rate, won, lost in zip(bars, data["union_win_rate"], data["won"], data["lost"]):
            ax.text(
                bar.get_width() + 0.01,
                bar.get_y() + bar.get_height() / 2,
                f"{fmt_pct(rate, 0)} of {fmt_int(won + lost)}",
                va="center",
                fontsize=9,
            )
        ax.invert_yaxis()
        ax.set_xlim(0, 1.15)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_xlabel("Union win rate, elections decided")
        light_grid(ax, "x")
    return fig


def voting_method_spec(ds: Dataset, tables: dict[str, pd.DataFrame]) -> ChartSpec:
    data = voting_method_data(tables).set_index("voting_method")
    years = f"{MODE_YEARS[0]}-{MODE_YEARS[-1]}"
    mail, in_person = (fmt_pct(data.at[m, "union_win_rate"], 0) for m in ("mail", "in_person"))
    title = f"In {years}, unions won {mail} of mail elections and {in_person} of those held in person"
    subtitle = f"NLRB elections decided in {years}, by how the ballots were cast"
    alt = (
        f"Horizontal bars of the union win rate by voting method in NLRB elections decided in {years}: "
        + "; ".join(
            f"{METHOD_NAMES[m]} {fmt_pct(r['union_win_rate'], 0)} of {fmt_int(r['won'] + r['lost'])}"
            for m, r in data.iterrows()
        )
        + "."
    )
    return ChartSpec(
        "national-mail-and-in-person",
        title,
        subtitle,
        mail,
        alt,
        release_ids(tables),
        data.reset_index(),
        lambda: voting_method_figure(ds, tables),
    )


# ---------------------------------------------------------------- determinative challenged ballots


def determinative_data(ds: Dataset, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The share of elections whose challenged ballots were determinative at the first count, by year, and
    Amazon's share over its elections counted so far whose challenged ballots were reported."""
    t = tables["challenged_ballots_determinative"]
    national = t[t["year"] != "all"][["year", "elections", "determinative"]].copy()
    national.insert(0, "who", "National")
    record = amazon_record(ds)
    known = record[(record["stage"].astype(str) == "initial") & record["determinative"].notna()]
    amazon = pd.DataFrame(
        {
            "who": ["Amazon"],
            "year": ["Amazon"],
            "elections": [len(known)],
            "determinative": [int(known["determinative"].astype(bool).sum())],
        }
    )
    out = pd.concat([national.astype({"year": str}), amazon], ignore_index=True)
    out["share"] = out["determinative"] / out["elections"]
    return out


def determinative_figure(ds: Dataset, tables: dict[str, pd.DataFrame]) -> Figure:
    data = determinative_data(ds, tables)
    with style_context():
        fig = new_figure(3.2)
        ax = fig.add_subplot()
        colors = [AMAZON if w == "Amazon" else NATIONAL for w in data["who"]]
        bars = ax.bar(data["year"], data["share"], color=colors, width=0.66)
        for bar, det, n in zip(bars, data["determinative"], data["elections"]):
            ax.text(
                bar.get_x() + bar.get_width() / 2,
                bar.get_height() + 0.005,
                f"{fmt_int(det)} of\n{fmt_int(n)}",
                ha="center",
                va="bottom",
                fontsize=8,
            )
        ax.set_ylim(0, max(0.1, float(data["share"].max()) * 1.35))
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_ylabel("Elections with determinative\nchallenged ballots")
        light_grid(ax, "y")
    return fig


def determinative_spec(ds: Dataset, tables: dict[str, pd.DataFrame]) -> ChartSpec:
    data = determinative_data(ds, tables)
    total = tables["challenged_ballots_determinative"].set_index("year").loc["all"]
    share = fmt_pct(float(total["determinative_share"]), 0)
    amazon = data[data["who"] == "Amazon"].iloc[0]
    title = (
        f"Challenged ballots could decide {share} of elections nationally; at Amazon, "
        f"{fmt_int(amazon['determinative'])} of {fmt_int(amazon['elections'])}"
    )
    subtitle = (
        f"Elections whose challenged ballots could change the first count's result: NLRB, "
        f"{period(tables)}, by year, and Amazon's elections on record"
    )
    alt = (
        "Bar chart of the share of NLRB elections whose challenged ballots were determinative at the first "
        "count: "
        + "; ".join(f"{y}: {fmt_pct(s, 1)}" for y, s in zip(data["year"], data["share"]))
        + f". Over {period(tables)}, {share} of {fmt_int(total['elections'])} elections."
    )
    record_ids = amazon_record(ds)["election_id"]
    return ChartSpec(
        "national-determinative-challenged-ballots",
        title,
        subtitle,
        share,
        alt,
        release_ids(tables) + election_source_ids(ds, record_ids),
        data,
        lambda: determinative_figure(ds, tables),
    )


def national_specs(ds: Dataset, tables: dict[str, pd.DataFrame]) -> list[ChartSpec]:
    """Every national chart, in the notebook's order (export them with `with_release_sources(ds, tables)`)."""
    return [
        unit_size_spec(ds, tables),
        win_rate_spec(ds, tables),
        voting_method_spec(ds, tables),
        determinative_spec(ds, tables),
    ]
