"""Amazon against the nation: the national charts of notebook 06, each one's data, figure and words together.

The national side is the committed tables of `data/derived/` (`load_tables`), computed from the national record
(every NLRB file of `../shared/nlrb/`, fiscal years FY2011-FY2022) without the focus company's elections
(`FOCUS_COMPANY`); the other side is any data folder (`summary` of its elections), named by its company when its
elections share one (`Focus`). Each spec cites the NLRB files the tables come from: their sources.csv rows travel
with the spec (`ChartSpec.extra_sources`), so the source line names them whatever the data folder. A data folder
without the tables, or without what a chart needs, gets the chart left out with the reason.
"""

from __future__ import annotations

import functools
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MultipleLocator, PercentFormatter

from ..elections import results
from ..loading import Dataset, national
from ..nlrb.national import FOCUS_COMPANY, fiscal_year, focus_ids, generate
from ..paths import derived_dir
from ..style import COLORS, light_grid
from ..text import capitalised, case_type, company, count_of, fitting_title, fmt_int, fmt_pct, possessive
from ._base import (
    SMALL_GROUP,
    ChartSpec,
    ChartUnavailable,
    election_source_ids,
    new_figure,
    register,
    style_context,
)

#: The data folder's marks in every national chart, the national figures grey: one colour, one meaning.
FOCUS = COLORS["focus"]
NATIONAL = COLORS["neutral"]
#: Extra room, in bar widths, between the national bars and the data folder's.
FOCUS_GAP = 0.5
#: Units of at least this many eligible voters are "large" in the words.
LARGE_UNIT = 1000
#: The fiscal years of the mail-against-in-person comparison (the pandemic: FY2020 from April, all of FY2021).
MODE_YEARS = (2020, 2021)
#: A fiscal year is drawn in the challenged-ballots chart when the tallies give the challenged ballots of at least
#: this share of its elections (the annual reports give none: FY2011-FY2016 have only one region's tallies).
TALLIES_COVER = 0.5
METHOD_NAMES = {"mail": "Mail", "in_person": "In person", "mixed": "Mixed"}
#: The committed tables every national chart reads (file names without `.csv`).
TABLE_NAMES = (
    "challenged_ballots_determinative",
    "elections_by_fiscal_year_and_case_type",
    "sources",
    "unit_size_counts",
    "unit_size_summary",
    "win_rate_by_unit_size",
    "win_rate_by_voting_method_and_fiscal_year",
)

Tables = dict[str, pd.DataFrame]


def load_tables(folder: str | Path | None = None) -> Tables:
    """The national tables of `folder` (default data/derived/) by file name without `.csv`.

    ChartUnavailable when the folder or one of the tables the charts read is missing (an installed copy of the
    package has no data/derived/).
    """
    try:
        folder = Path(folder) if folder is not None else derived_dir()
    except FileNotFoundError:
        raise ChartUnavailable("the national tables (data/derived/), which come with a clone, are not found") from None
    missing = [name for name in TABLE_NAMES if not (folder / f"{name}.csv").is_file()]
    if missing:
        raise ChartUnavailable(f"the national tables are not found in {folder} (missing {', '.join(missing)}.csv)")
    return {p.stem: pd.read_csv(p, keep_default_na=False, na_values=[""]) for p in sorted(folder.glob("*.csv"))}


def release_sources(tables: Tables) -> pd.DataFrame:
    """The sources.csv rows of the NLRB files the national tables come from, typed as a loaded sources.csv."""
    release = tables["sources"].astype(object)
    release["published"] = pd.to_datetime(release["published"])
    return release


def release_ids(tables: Tables) -> tuple[str, ...]:
    """The source ids of the NLRB files behind the national tables."""
    return tuple(tables["sources"]["source_id"])


@dataclass(frozen=True)
class Focus:
    """How the national charts name the data folder's elections: by their company when they share one, else as
    the elections examined, so that no chart names a company the data does not hold."""

    name: str  # a label: 'Amazon', or 'Elections examined'
    at: str  # in a sentence: 'at Amazon', or 'in the elections examined'
    unit: str  # 'Amazon unit', or 'unit examined'
    units: str  # "Amazon's units", or 'the units examined'
    elections: str  # "Amazon's elections", or 'the elections examined'

    @classmethod
    def of(cls, ds: Dataset) -> Focus:
        name = company(ds.elections)
        if name is None:
            return cls(
                "Elections examined",
                "in the elections examined",
                "unit examined",
                "the units examined",
                "the elections examined",
            )
        return cls(name, f"at {name}", f"{name} unit", f"{possessive(name)} units", f"{possessive(name)} elections")


def release_record(tables: Tables, focus: Focus | None) -> str:
    """The primary record for the source line: the NLRB's annual election reports and tallies (the files the
    national record reads, as its sources.csv names them), and the data folder's elections when drawn."""
    ids = tables["sources"]["source_id"].astype(str)
    kinds = [name for prefix, name in RECORD_KINDS if ids.str.startswith(prefix).any()]
    release = "NLRB " + " and ".join(kinds) if kinds else "NLRB records"
    return f"{release} nationally and {focus.at}" if focus else release


#: The kinds of NLRB file the national record reads, by source-id prefix, as the source line names them.
RECORD_KINDS = (("nlrb-election-report-", "annual election reports"), ("nlrb-", "tallies"))


def fiscal_years(table: pd.DataFrame) -> pd.Series:
    """The fiscal years of a national table's `fiscal_year` column, its `all` row left out."""
    return pd.to_numeric(table["fiscal_year"], errors="coerce").dropna().astype(int)


def years_words(years: pd.Series) -> str:
    """Fiscal years as a title says them: `FY2011-FY2022`, `FY2021`, or `FY2017-FY2019 and FY2021` with a gap."""
    runs: list[list[int]] = []
    for year in sorted(set(int(y) for y in years)):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    parts = [f"FY{r[0]}" if len(r) == 1 else f"FY{r[0]}-FY{r[-1]}" for r in runs]
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def period(tables: Tables) -> str:
    """The national tables' fiscal years, e.g. `FY2011-FY2022`."""
    return years_words(fiscal_years(tables["challenged_ballots_determinative"]))


def national_years(tables: Tables) -> tuple[int, int]:
    """The first and last fiscal year of the national tables."""
    years = fiscal_years(tables["challenged_ballots_determinative"])
    return int(years.min()), int(years.max())


def focus_in_national(ds: Dataset, tables: Tables) -> pd.DataFrame:
    """The data folder's elections the national record also holds: counted in its fiscal years (`year`; self-
    determination votes left out, as the national tables leave them out)."""
    record = folder_record(ds)
    first, last = national_years(tables)
    years = fiscal_year(pd.to_datetime(record["count_date"]))
    inside = years.between(first, last)
    if "self_determination" in ds.elections:
        flags = record["election_id"].map(ds.elections.set_index("election_id")["self_determination"])
        inside &= ~flags.fillna(False).astype(bool)
    return record[inside].assign(year=years[inside])


def _take_one(table: pd.DataFrame, where: pd.Series, columns: list[str]) -> bool:
    """Take one election off the first row `where` holds, in `columns`; False when no row has one to take."""
    rows = table.index[where & (table[columns[0]] > 0)]
    if not len(rows):
        return False
    for column in columns:
        if table.at[rows[0], column] > 0:
            table.at[rows[0], column] -= 1
    return True


def without_focus(ds: Dataset, tables: Tables) -> tuple[Tables, pd.DataFrame]:
    """The national tables with the data folder's own elections taken out, so the baseline it is set against does
    not contain it, and the elections taken out.

    The tables are counts, so each of the folder's elections counted in the national fiscal years comes off the
    cell it falls in (unit size and outcome, size bin, fiscal year and voting method, fiscal year), and the rates
    are computed again. An election no cell holds (the national record may lack it) is left alone.
    """
    focus = focus_in_national(ds, tables)
    out = {name: table.copy() for name, table in tables.items()}
    sizes, bins = out["unit_size_counts"], out["win_rate_by_unit_size"]
    methods, challenged = out["win_rate_by_voting_method_and_fiscal_year"], out["challenged_ballots_determinative"]
    years = out["elections_by_fiscal_year_and_case_type"]
    taken = []
    for _, r in focus.iterrows():
        outcome, n = str(r["outcome"]), r["eligible_voters"]
        took = False
        if outcome in ("won", "lost", "runoff", "undetermined"):
            certified = {"won": "certified_won", "lost": "certified_lost"}.get(str(r["certified"]), "certified_unknown")
            for kind in (case_type(r["case_number"]), "all"):
                where = (years["fiscal_year"] == r["year"]) & (years["case_type"] == kind)
                took |= _take_one(years, where, ["elections", outcome, certified])
        if pd.notna(n) and outcome in ("won", "lost"):
            took = _take_one(sizes, (sizes["eligible_voters"] == int(n)) & (sizes["outcome"] == outcome), ["elections"])
            start = bins["min_eligible"][bins["min_eligible"] <= int(n)].max()
            _take_one(bins, bins["min_eligible"] == start, ["elections", outcome])
        if outcome in ("won", "lost", "runoff", "undetermined") and pd.notna(r["voting_method"]):
            where = (methods["fiscal_year"] == r["year"]) & (methods["voting_method"] == r["voting_method"])
            took |= _take_one(methods, where, ["elections", outcome])
        if pd.notna(r["determinative"]) and str(r["stage"]) == "initial":
            columns = ["elections", "challenged_on_record"] + (
                ["with_challenged_ballots"] if r["challenged"] > 0 else []
            )
            columns += ["determinative"] if bool(r["determinative"]) else []
            for year in (str(r["year"]), "all"):
                took |= _take_one(challenged, challenged["fiscal_year"].astype(str) == year, columns)
        if took:
            taken.append(r)
    for table in (bins, methods, years):
        table["union_win_rate"] = table["won"] / (table["won"] + table["lost"])
    years["certified_win_rate"] = years["certified_won"] / (years["certified_won"] + years["certified_lost"])
    challenged["determinative_share"] = challenged["determinative"] / challenged["challenged_on_record"]
    return out, pd.DataFrame(taken, columns=focus.columns)


#: A folder of several companies holding at least this share as many elections as the national record in its
#: fiscal years is the national record itself (an import of every NLRB file), or most of it: set against the
#: national figures it would be compared with itself.
MOSTLY_NATIONAL = 0.5


def national_for(ds: Dataset, draws_folder: bool = True) -> tuple[Tables, str]:
    """The national tables without the data folder's own elections when they are one company's, and a sentence
    saying what was left out (" Amazon's own elections in the NLRB's files are left out of the national figures.").
    The committed tables are without FOCUS_COMPANY's elections; for another company they are computed from the
    national record without its elections (`tables_without`), so the baseline is the national record less the
    focus company's elections, as notebook 06's words count it, and holds FOCUS_COMPANY's. Without the national
    record (an installed copy), the folder's elections come off the committed tables (`without_focus`), and the
    words count them. A folder of several companies' elections is compared with the whole record, and says so where
    the chart draws it (`draws_folder`); ChartUnavailable for a chart that draws it when the folder is the national
    record itself, or most of it (MOSTLY_NATIONAL)."""
    name = company(ds.elections)
    if name is None:  # no one company: the folder may itself be a national record, which cannot be taken from itself
        tables = load_tables()
        if not draws_folder:
            return tables, ""
        inside = len(focus_in_national(ds, tables))
        counts = tables["elections_by_fiscal_year_and_case_type"]
        total = int(counts.loc[counts["case_type"] == "all", "elections"].sum())
        if total and inside >= MOSTLY_NATIONAL * total:
            raise ChartUnavailable(
                f"the data folder is the national record itself, or most of it ({fmt_int(inside)} elections of "
                f"{period(tables)}, against {fmt_int(total)} nationally), so it would be compared with itself"
            )
        return tables, " The elections examined may be among the national figures."
    # the tables are without every election of this company in the national record, which need not be the folder's
    # (the record may lack some, and hold others): the words give no count
    own = f" {possessive(name)} own elections in the NLRB's files are left out of the national figures."
    if name == FOCUS_COMPANY:
        return load_tables(), own
    cases = frozenset(str(c).upper() for c in ds.elections["case_number"].dropna())
    try:
        return tables_without(name, cases), own
    except FileNotFoundError:  # no national record to compute them from
        pass
    tables, taken = without_focus(ds, load_tables())
    if taken.empty:
        return tables, ""
    whose = f"{possessive(name)} {count_of(len(taken), 'election')} of {period(tables)}"
    return tables, f" {capitalised(whose)} {'is' if len(taken) == 1 else 'are'} left out of the national figures."


@functools.cache
def tables_without(company_name: str, case_numbers: frozenset[str] = frozenset()) -> Tables:
    """The national tables computed from the national record without a focus's elections (`nlrb.national.focus_ids`:
    those of `company_name` and of `case_numbers`, as notebook 06's words leave out), written and read back as the
    committed ones are (`generate`, `load_tables`), so every chart reads them alike; computed once per focus.
    FileNotFoundError when this copy of the package has no national record."""
    ids = focus_ids(national(), company_name, case_numbers)
    with tempfile.TemporaryDirectory() as folder:
        generate(Path(folder), leave_out=company_name, leave_out_ids=ids)
        return load_tables(folder)


def folder_record(ds: Dataset) -> pd.DataFrame:
    """The data folder's elections with outcome, unit size, voting method and name ('Bessemer, Ala., 2021')."""
    table = results(ds)
    methods = ds.elections.set_index("election_id")["voting_method"] if "voting_method" in ds.elections else None
    table["voting_method"] = table["election_id"].map(methods) if methods is not None else pd.NA
    years = pd.to_datetime(table["count_date"]).dt.year.astype(str)
    table["label"] = [n if y in n else f"{n}, {y}" for n, y in zip(table["name"].astype(str), years)]
    return table


def focus_counted(ds: Dataset) -> str:
    """When the data folder's elections were counted, for a chart setting them beside the national fiscal years
    (they need not fall in them): " Amazon's elections were counted from April 2021 to February 2025."."""
    days = pd.to_datetime(folder_record(ds)["count_date"]).dropna()
    if days.empty:
        return ""
    first, last = (f"{day:%B %Y}" for day in (days.min(), days.max()))
    return f" {capitalised(Focus.of(ds).elections)} were counted " + (
        f"in {first}." if first == last else f"from {first} to {last}."
    )


def decided(record: pd.DataFrame) -> tuple[int, int]:
    """(won, decided) of a record: elections the count decided, and those the union won."""
    won = int((record["outcome"] == "won").sum())
    return won, won + int((record["outcome"] == "lost").sum())


def _words_record(record: pd.DataFrame) -> str:
    won, total = decided(record)
    return f"{fmt_int(won)} of {fmt_int(total)}"


def national_small_bins(national: pd.DataFrame) -> pd.Series:
    """Which rows of a national table (won and lost columns) hold fewer than SMALL_GROUP decided elections."""
    return (national["won"] + national["lost"]) < SMALL_GROUP


def median_unit(tables: Tables) -> float:
    """The median unit's eligible voters, nationally (decided elections), from the counts by unit size."""
    counts = tables["unit_size_counts"].groupby("eligible_voters")["elections"].sum().sort_index()
    cumulative = counts.cumsum()
    return float(cumulative.index[cumulative >= counts.sum() / 2][0])


def national_rate(tables: Tables, min_eligible: int = 0) -> float:
    """The union win rate of the elections the count decided, in units of at least `min_eligible` voters."""
    t = tables["win_rate_by_unit_size"]
    t = t[t["min_eligible"] >= min_eligible]
    return float(t["won"].sum() / (t["won"].sum() + t["lost"].sum()))


# ---------------------------------------------------------------- unit sizes


def unit_size_data(ds: Dataset, tables: Tables) -> pd.DataFrame:
    """Each of the data folder's units: its size and the share of the nation's decided elections held in smaller
    units."""
    counts = tables["unit_size_counts"].groupby("eligible_voters")["elections"].sum().sort_index()
    cumulative = counts.cumsum()
    total = counts.sum()
    record = folder_record(ds).dropna(subset=["eligible_voters"])
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


def unit_size_figure(ds: Dataset, tables: Tables) -> Figure:
    """The cumulative distribution of the nation's unit sizes (log scale), the data folder's units marked on it."""
    counts = tables["unit_size_counts"].groupby("eligible_voters")["elections"].sum().reset_index()
    focus, units = Focus.of(ds), unit_size_data(ds, tables)
    import seaborn as sns  # only where it draws: a notebook's first cell does not pay for it

    with style_context():
        fig = new_figure(3.6)
        ax = fig.add_subplot()
        sns.ecdfplot(
            data=counts, x="eligible_voters", weights="elections", ax=ax, color=NATIONAL, linewidth=2, log_scale=True
        )
        ax.scatter(
            units["eligible_voters"],
            units["national_share_smaller"],
            color=FOCUS,
            s=46,
            zorder=4,
            edgecolor="white",
            linewidth=0.8,
            label=focus.units,
        )
        median = median_unit(tables)
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
            f"{capitalised(focus.units)}\n{fmt_int(units['eligible_voters'].min())} to "
            f"{fmt_int(units['eligible_voters'].max())} voters",
            (units["eligible_voters"].max(), 0.9),
            ha="right",
            va="top",
            fontsize=9,
            color=COLORS["text"],
            fontweight="bold",
        )
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_int(v)))
        ax.set_xlabel("Eligible voters in the unit (log scale)")
        ax.set_ylabel("Elections in smaller units")
        ax.set_ylim(0, 1.02)
        light_grid(ax, "y")
    return fig


@register("national-unit-sizes", order=200)
def unit_sizes(ds: Dataset) -> ChartSpec:
    """Where the data folder's units sit in the distribution of the nation's unit sizes."""
    tables, without = national_for(ds)
    data = unit_size_data(ds, tables)
    if data.empty:
        raise ChartUnavailable("no election in the data folder has its eligible voters on record")
    # 'larger than' a share rounded down: 99.96% is 'larger than 99%', never 'larger than 100% of the units'
    smallest = f"{math.floor(100 * float(data['national_share_smaller'].min()))}%"
    focus = Focus.of(ds)
    every, each = ("Every", "Every unit examined") if len(data) > 1 else ("The", "The unit examined")
    title = fitting_title(  # a long company name gives way to 'unit examined' rather than overflow the title
        f"{every} {focus.unit} was larger than {smallest} of the units in elections decided nationally in "
        f"{period(tables)}",
        f"{each} was larger than {smallest} of the units decided nationally, {period(tables)}",
    )
    if data["national_share_smaller"].min() < 0.5:  # not a finding about every unit: the medians instead
        smallest = fmt_int(data["eligible_voters"].median())
        national_median = fmt_int(median_unit(tables))
        title = fitting_title(
            f"The median {focus.unit} had {smallest} eligible voters; nationally, in elections decided in "
            f"{period(tables)}, the median unit had {national_median}",
            f"The median unit examined had {smallest} eligible voters; nationally, {period(tables)}: {national_median}",
        )
    subtitle = (
        f"Cumulative share of NLRB elections decided in {period(tables)}, by eligible voters; "
        f"the median unit had {fmt_int(median_unit(tables))}. Dots: {focus.units}.{focus_counted(ds)}{without}"
    )
    alt = (
        f"Curve of the share of NLRB elections in {period(tables)} held in units smaller than each size, on a "
        f"log scale. Half of the units had {fmt_int(median_unit(tables))} eligible voters or fewer. "
        f"{capitalised(focus.units)} ({fmt_int(len(data))}), from "
        f"{fmt_int(data['eligible_voters'].min())} to {fmt_int(data['eligible_voters'].max())} eligible voters, "
        + (
            f"sit at the top of the curve: each was larger than at least {smallest} of the units."
            if data["national_share_smaller"].min() >= 0.5
            else f"spread along the curve; their median unit had {smallest} eligible voters."
        )
    )
    sources = release_ids(tables) + election_source_ids(ds, data["election_id"])
    return ChartSpec(
        "national-unit-sizes",
        title,
        subtitle,
        smallest,
        alt,
        sources,
        data,
        lambda: unit_size_figure(ds, tables),
        record=release_record(tables, focus),
        extra_sources=release_sources(tables),
    )


# ---------------------------------------------------------------- win rate by unit size


def _merge_small_top_bins(bins: pd.DataFrame) -> pd.DataFrame:
    """The largest size bins merged into one ('1000+') while the last holds fewer than SMALL_GROUP decided
    elections, so the rarest sizes get one bar of enough elections rather than a bar of a handful (and a print
    column keeps room for its labels)."""
    bins = bins.reset_index(drop=True)
    decided_in = bins["won"] + bins["lost"]
    while len(bins) > 2 and decided_in.iloc[-1] < SMALL_GROUP:
        last, before = bins.iloc[-1], bins.iloc[-2]
        won, lost = int(before["won"] + last["won"]), int(before["lost"] + last["lost"])
        merged = {
            "size_bin": f"{int(before['min_eligible'])}+",
            "min_eligible": int(before["min_eligible"]),
            "won": won,
            "lost": lost,
            "union_win_rate": won / (won + lost) if won + lost else np.nan,
        }
        bins = pd.concat([bins.iloc[:-2], pd.DataFrame([merged])], ignore_index=True)
        decided_in = bins["won"] + bins["lost"]
    return bins


def win_rate_data(ds: Dataset, tables: Tables) -> pd.DataFrame:
    """The nation's union win rate by unit size, and the data folder's record as one more row (its `size_bin`:
    the smallest to the largest unit of its decided elections on record, or `all` where none is)."""
    national = _merge_small_top_bins(
        tables["win_rate_by_unit_size"][["size_bin", "min_eligible", "won", "lost", "union_win_rate"]].copy()
    )
    national.insert(0, "who", "National")
    record = folder_record(ds)
    won, total = decided(record)
    sizes = record.loc[record["outcome"].isin(["won", "lost"]), "eligible_voters"].dropna()
    folder = pd.DataFrame(
        {
            "who": [Focus.of(ds).name],
            "size_bin": [f"{int(sizes.min())}-{int(sizes.max())}" if len(sizes) else "all"],
            "min_eligible": [int(sizes.min()) if len(sizes) else 1],
            "won": [won],
            "lost": [total - won],
            "union_win_rate": [won / total if total else np.nan],
        }
    )
    return pd.concat([national, folder], ignore_index=True)


def _bins_spanned(bin_starts: np.ndarray, size_bin: str) -> tuple[int, int]:
    """The first and last of the size bins (given by their smallest size, ascending) that a `min-max` range of
    unit sizes falls into; all of them for `all`."""
    if size_bin == "all":
        return 0, len(bin_starts) - 1
    smallest, largest = (int(part) for part in size_bin.split("-"))
    first, last = (int(np.searchsorted(bin_starts, n, side="right")) - 1 for n in (smallest, largest))
    return max(first, 0), max(last, 0)


def _bin_label(size_bin: str) -> str:
    """`1-9` as `1-9`, `1000-2499` as `1,000-\n2,499`, `2500+` as `2,500+`: a long label on two lines,
    so print-size labels do not collide."""
    parts = [fmt_int(int(p)) for p in size_bin.rstrip("+").split("-")]
    if len(parts) == 1:
        return f"{parts[0]}+"  # narrow: 'or more' beside '2,499' touched it at print size
    return f"{parts[0]}-{parts[1]}" if len(parts[0]) + len(parts[1]) <= 4 else f"{parts[0]}-\n{parts[1]}"


#: The most characters the win-rate chart's two legend entries take together to stand side by side in a print column.
LEGEND_SIDE_BY_SIDE_CHARS = 36


def win_rate_figure(ds: Dataset, tables: Tables) -> Figure:
    """Bars of the union win rate per unit-size bin, a dashed line at the rate over all sizes, and the data
    folder's record as a line over the sizes of its units (no wider: a record of large units is not a small
    unit's)."""
    data = win_rate_data(ds, tables)
    national, folder = data.iloc[:-1], data.iloc[-1]  # the data folder's row comes last
    with style_context():
        fig = new_figure(3.6)
        ax = fig.add_subplot()
        small = national_small_bins(national).to_numpy()
        bars = ax.bar(
            [_bin_label(b) for b in national["size_bin"]],
            national["union_win_rate"],
            color=[("none" if few else NATIONAL) for few in small],
            edgecolor=NATIONAL,
            linewidth=1.2,
            width=0.72,
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
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6},  # over the dashed line, not crossed
                zorder=3,
            )
        overall = national_rate(tables)
        ax.axhline(
            overall,
            color=COLORS["reference"],
            linewidth=1,
            linestyle=(0, (4, 3)),
            zorder=1.5,
            label=f"All sizes: {fmt_pct(overall, 0)}",
        )
        if not np.isnan(folder["union_win_rate"]):
            first, last = _bins_spanned(national["min_eligible"].to_numpy(), folder["size_bin"])
            ax.hlines(
                folder["union_win_rate"],
                first - 0.45,
                last + 0.45,
                color=FOCUS,
                linewidth=2.4,
                zorder=2.5,
                label=f"{folder['who']}: won {fmt_int(folder['won'])} of {fmt_int(folder['won'] + folder['lost'])}",
            )
        # the lines named in a legend over the bars' empty top band, so no words sit on a bar, a count or a line;
        # side by side where both names are short, else one above the other, so a long name ('UPMC Presbyterian
        # Shadyside: won 1 of 1') keeps inside a print column without squeezing the bars
        names = ax.get_legend_handles_labels()[1]
        side_by_side = sum(len(name) for name in names) <= LEGEND_SIDE_BY_SIDE_CHARS
        ax.legend(
            loc="upper right",
            frameon=False,
            fontsize=9,
            handlelength=1.6,
            borderaxespad=0.2,
            ncols=2 if side_by_side else 1,
        )
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_ylabel("Union win rate")
        ax.set_xlabel("Eligible voters in the unit")
        ax.tick_params(axis="x", labelsize=8)
        light_grid(ax, "y")
    return fig


@register("national-win-rate-by-unit-size", order=210)
def win_rate_by_unit_size(ds: Dataset) -> ChartSpec:
    """The nation's union win rate by unit size against the data folder's record."""
    tables, without = national_for(ds)
    folder = folder_record(ds)
    if decided(folder)[1] == 0:
        raise ChartUnavailable("no election in the data folder was decided by its count")
    data = win_rate_data(ds, tables)
    overall = fmt_pct(national_rate(tables), 0)
    large = fmt_pct(national_rate(tables, LARGE_UNIT), 0)
    record = _words_record(folder)
    focus = Focus.of(ds)
    title = fitting_title(
        f"Unions won {overall} of decided elections nationally in {period(tables)}, {large} in units of "
        f"{fmt_int(LARGE_UNIT)} or more; {focus.at}, {record}",
        f"Unions won {overall} of decided elections nationally in {period(tables)}; {focus.at}, {record}",
        f"Unions won {overall} of decided elections nationally in {period(tables)}; in the elections examined, "
        f"{record}",
    )
    small = national_small_bins(data.iloc[:-1])
    subtitle = (
        f"Share of NLRB elections decided in {period(tables)} that the union won, by unit size; "
        "above each bar, how many were decided"
        + (f"; hollow bars: fewer than {SMALL_GROUP} elections, too few for a firm rate" if small.any() else "")
        + f".{focus_counted(ds)}{without}"
    )
    alt = (
        f"Bar chart of the union win rate by unit size in NLRB elections decided in {period(tables)}: "
        + "; ".join(
            f"{_bin_label(b).replace(chr(10), ' ').replace('- ', '-')}: {fmt_pct(r, 0)}"
            for b, r in zip(data["size_bin"][:-1], data["union_win_rate"][:-1])
        )
        + f". Overall {overall} (a dashed line); in units of {fmt_int(LARGE_UNIT)} or more, {large}. A line over "
        f"the sizes of its units marks the record {focus.at}: the union won {record} decided elections."
    )
    return ChartSpec(
        "national-win-rate-by-unit-size",
        title,
        subtitle,
        overall,
        alt,
        release_ids(tables) + election_source_ids(ds, folder["election_id"]),
        data,
        lambda: win_rate_figure(ds, tables),
        record=release_record(tables, focus),
        extra_sources=release_sources(tables),
    )


# ---------------------------------------------------------------- mail against in person


def mode_years() -> str:
    """MODE_YEARS as the words give them: `FY2020-FY2021`."""
    return years_words(pd.Series(range(MODE_YEARS[0], MODE_YEARS[-1] + 1)))


def voting_method_known(tables: Tables) -> tuple[int, int]:
    """(known, decided): of the elections decided in MODE_YEARS nationally, those whose voting method is on record
    (the tally files give it; the annual reports do not)."""
    t = tables["win_rate_by_voting_method_and_fiscal_year"]
    t = t[t["fiscal_year"].between(MODE_YEARS[0], MODE_YEARS[-1])]
    decided_in = t["won"] + t["lost"]
    return int(decided_in[t["voting_method"] != "unknown"].sum()), int(decided_in.sum())


def voting_method_data(tables: Tables) -> pd.DataFrame:
    """The nation's union win rate by voting method over the fiscal years MODE_YEARS, where the method is known."""
    t = tables["win_rate_by_voting_method_and_fiscal_year"]
    t = t[t["fiscal_year"].between(MODE_YEARS[0], MODE_YEARS[-1]) & t["voting_method"].isin(list(METHOD_NAMES))]
    out = t.groupby("voting_method", sort=False)[["elections", "won", "lost"]].sum()
    out = out.reindex([m for m in METHOD_NAMES if m in out.index]).reset_index()
    out["union_win_rate"] = out["won"] / (out["won"] + out["lost"])
    return out


def _rate_of(won: int, lost: int) -> str:
    """'72% of 1,333'; a group too small for a firm rate (a hollow bar) as a count, '12 of 16'."""
    total = int(won + lost)
    share = fmt_int(won) if total < SMALL_GROUP else fmt_pct(won / total, 0)
    return f"{share} of {fmt_int(total)}"


def voting_method_figure(tables: Tables) -> Figure:
    """Horizontal bars of the nation's union win rate by voting method, each labelled with its count."""
    data = voting_method_data(tables)
    with style_context():
        fig = new_figure(3.0)
        ax = fig.add_subplot()
        names = [METHOD_NAMES[m] for m in data["voting_method"]]
        few = national_small_bins(data).to_numpy()  # a handful is not drawn like a thousand
        bars = ax.barh(
            names,
            data["union_win_rate"],
            color=[("none" if f else NATIONAL) for f in few],
            edgecolor=NATIONAL,
            linewidth=1.2,
            height=0.6,
        )
        for bar, won, lost in zip(bars, data["won"], data["lost"]):
            ax.text(
                bar.get_width() + 0.01,
                bar.get_y() + bar.get_height() / 2,
                _rate_of(won, lost),
                va="center",
                fontsize=9,
            )
        ax.invert_yaxis()
        ax.set_xlim(0, 1.15)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_xlabel("Union win rate, elections decided")
        light_grid(ax, "x")
    return fig


@register("national-mail-and-in-person", order=220)
def mail_and_in_person(ds: Dataset) -> ChartSpec:
    """The nation's union win rate by voting method in the pandemic years."""
    tables, without = national_for(ds, draws_folder=False)
    data = voting_method_data(tables).set_index("voting_method")
    if not {"mail", "in_person"} <= set(data.index):
        raise ChartUnavailable("the national tables hold no mail or no in-person election decided in those years")
    years = mode_years()
    known, total = voting_method_known(tables)
    mail, in_person = (fmt_pct(data.at[m, "union_win_rate"], 0) for m in ("mail", "in_person"))
    title = f"In {years}, unions won {mail} of decided mail elections and {in_person} of those held in person"
    subtitle = (
        f"NLRB elections decided in {years} (fiscal years, October to September), by how the ballots were cast: "
        f"voting method where known, {fmt_int(known)} of {fmt_int(total)} decided elections (the NLRB's tallies "
        f"give it, its annual reports do not)"
        + (
            f"; hollow bars: fewer than {SMALL_GROUP} elections, too few for a firm rate"
            if national_small_bins(data).any()
            else ""
        )
        + f".{without}"
    )
    alt = (
        f"Horizontal bars of the union win rate by voting method in NLRB elections decided in {years}, "
        f"as a share of the elections the count decided, where the voting method is known ({fmt_int(known)} of "
        f"{fmt_int(total)}): "
        + "; ".join(f"{METHOD_NAMES[m]} {_rate_of(r['won'], r['lost'])}" for m, r in data.iterrows())
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
        lambda: voting_method_figure(tables),
        record=release_record(tables, None),
        extra_sources=release_sources(tables),
    )


# ---------------------------------------------------------------- determinative challenged ballots


def tallied_years(tables: Tables) -> pd.DataFrame:
    """The national challenged-ballots rows of the fiscal years whose tallies give the challenged ballots of at
    least TALLIES_COVER of their elections (the other years' few tallies are one region's, not the nation's)."""
    t = tables["challenged_ballots_determinative"]
    t = t[t["fiscal_year"].astype(str) != "all"]
    return t[t["challenged_on_record"] >= TALLIES_COVER * t["elections"]]


def determinative_data(ds: Dataset, tables: Tables) -> pd.DataFrame:
    """The share of elections whose challenged ballots were determinative at the first count, of those whose
    first count's challenged ballots are on record, by fiscal year (`tallied_years`), and the data folder's share
    over its elections counted so far whose challenged ballots were reported (`elections`: the base)."""
    t = tallied_years(tables)
    national = pd.DataFrame(
        {
            "who": "National",
            "label": [f"FY{y}" for y in t["fiscal_year"]],
            "elections": t["challenged_on_record"].to_numpy(),
            "determinative": t["determinative"].to_numpy(),
        }
    )
    record = folder_record(ds)
    known = record[(record["stage"].astype(str) == "initial") & record["determinative"].notna()]
    name = Focus.of(ds).name
    folder = pd.DataFrame(
        {
            "who": [name],
            "label": [name],
            "elections": [len(known)],
            "determinative": [int(known["determinative"].astype(bool).sum())],
        }
    )
    out = pd.concat([national, folder], ignore_index=True)
    out["share"] = out["determinative"] / out["elections"]
    return out


def focus_as_dot(focus: pd.Series) -> bool:
    """Whether the data folder's share of determinative challenged ballots is drawn as a dot (`elections`: fewer
    than SMALL_GROUP, too few for a rate) rather than a bar like a national year's."""
    return bool(focus["elections"] < SMALL_GROUP)


def determinative_figure(ds: Dataset, tables: Tables) -> Figure:
    """Bars of the share of elections with determinative challenged ballots by year, the data folder's in its
    colour."""
    data = determinative_data(ds, tables)
    with style_context():
        fig = new_figure(3.2)
        ax = fig.add_subplot()
        # the national years as bars; the data folder's set apart by a gap and a rule, as a bar of its own colour
        # where it holds enough elections for a rate, else as a dot, so a handful is never drawn like a thousand
        x = np.append(np.arange(len(data) - 1), len(data) - 1 + FOCUS_GAP)
        national = data.iloc[:-1]
        few = (national["elections"] < SMALL_GROUP).to_numpy()
        ax.bar(
            x[:-1],
            national["share"],
            color=[("none" if f else NATIONAL) for f in few],
            edgecolor=NATIONAL,
            linewidth=1.2,
            width=0.66,
        )
        focus = data.iloc[-1]
        if focus_as_dot(focus):
            ax.scatter([x[-1]], [focus["share"]], s=60, color=FOCUS, edgecolor="white", linewidth=0.8, zorder=4)
        else:
            ax.bar([x[-1]], [focus["share"]], color=FOCUS, width=0.66)
        ax.set_xticks(x, [label.replace(" ", "\n") for label in data["label"]])
        ax.axvline(len(data) - 1.5 + FOCUS_GAP / 2, color=COLORS["neutral_light"], linewidth=1)
        for xi, share, det, n in zip(x, data["share"], data["determinative"], data["elections"]):
            ax.annotate(
                f"{fmt_int(det)} of\n{fmt_int(n)}",
                (xi, share),
                xytext=(0, 6),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8,
            )
        top = max(0.1, float(data["share"].max()) * 1.35)
        ax.set_ylim(0, top)
        ax.yaxis.set_major_locator(MultipleLocator(0.05 if top <= 0.4 else 0.2))  # whole percents only
        if top > 1:  # room for the label above a share of 100%, but no tick past it: a share never passes 100%
            ax.set_yticks(np.arange(0, 1 + 1e-9, 0.2))
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_ylabel("Elections with determinative\nchallenged ballots")
        light_grid(ax, "y")
    return fig


def _share_words(part: int, whole: int) -> str:
    """A share of elections as the alt text says it: '5.5% (69 of 1,249)'; a count alone under SMALL_GROUP ('0 of
    1'); 'none' or 'under 0.1%' where a rate would read '0.0%'."""
    counted = f"{fmt_int(part)} of {fmt_int(whole)}"
    if whole < SMALL_GROUP:
        return counted
    share = part / whole
    rate = "none" if part == 0 else "under 0.1%" if share < 0.0005 else fmt_pct(share, 1)
    return f"{rate} ({counted})"


@register("national-determinative-challenged-ballots", order=230)
def determinative_challenged_ballots(ds: Dataset) -> ChartSpec:
    """How often challenged ballots could decide an election, nationally and in the data folder."""
    tables, without = national_for(ds)
    data = determinative_data(ds, tables)
    national, folder, focus = data.iloc[:-1], data.iloc[-1], Focus.of(ds)
    if national.empty:
        raise ChartUnavailable("the national tables hold no fiscal year whose tallies give most challenged ballots")
    if folder["elections"] == 0:
        raise ChartUnavailable("no election in the data folder has its challenged ballots at the first count on record")
    years = years_words(fiscal_years(tallied_years(tables)))
    on_record, determinative = int(national["elections"].sum()), int(national["determinative"].sum())
    share = fmt_pct(determinative / on_record, 0)
    title = (
        f"Challenged ballots could decide {share} of elections nationally in {years}; {focus.at}, "
        f"{fmt_int(folder['determinative'])} of {fmt_int(folder['elections'])}"
    )
    subtitle = (
        f"Elections whose challenged ballots could change the first count's result, of those whose tallies are on "
        f"record: NLRB, {years} (the fiscal years whose tallies cover most elections; the annual reports give no "
        f"challenged ballots), and {focus.elections} on record"
        + (" (a dot: too few for a bar)" if focus_as_dot(folder) else "")
        + f".{focus_counted(ds)}"
        f"{without}"
    )
    alt = (
        "Bar chart of the share of NLRB elections whose challenged ballots were determinative at the first "
        "count, of those whose tallies are on record: "
        + "; ".join(
            f"{y}: {_share_words(d, n)}" for y, d, n in zip(data["label"], data["determinative"], data["elections"])
        )
        + f". Over {years}, {share}: {fmt_int(determinative)} of {fmt_int(on_record)} elections."
    )
    record_ids = folder_record(ds)["election_id"]
    return ChartSpec(
        "national-determinative-challenged-ballots",
        title,
        subtitle,
        share,
        alt,
        release_ids(tables) + election_source_ids(ds, record_ids),
        data,
        lambda: determinative_figure(ds, tables),
        record=release_record(tables, focus),
        extra_sources=release_sources(tables),
    )


# ---------------------------------------------------------------- win rates by fiscal year, as counted and certified


def fiscal_year_data(tables: Tables) -> pd.DataFrame:
    """The nation's union win rate by fiscal year, as the count decided it and as the NLRB certified it."""
    t = tables["elections_by_fiscal_year_and_case_type"]
    columns = ["fiscal_year", "elections", "won", "lost", "union_win_rate", "certified_won", "certified_lost"]
    out = t[t["case_type"] == "all"][[*columns, "certified_win_rate"]].reset_index(drop=True)
    return out.astype({"fiscal_year": int})


def fiscal_year_figure(tables: Tables) -> Figure:
    """Lines of the union win rate by fiscal year: as certified (solid) and as counted (dashed)."""
    data = fiscal_year_data(tables)
    with style_context():
        fig = new_figure(3.2)
        ax = fig.add_subplot()
        ax.plot(data["fiscal_year"], data["certified_win_rate"], color=NATIONAL, linewidth=2, marker="o", markersize=4)
        ax.plot(
            data["fiscal_year"], data["union_win_rate"], color=COLORS["reference"], linewidth=1, linestyle=(0, (4, 3))
        )
        last = data.iloc[-1]
        # each label on its line's side at the last year, in its line's tone: the grey line's in grey text, the
        # dark dashed line's in dark text
        above = last["certified_win_rate"] >= last["union_win_rate"]
        ax.annotate("as certified", (last["fiscal_year"], last["certified_win_rate"]), xytext=(6, 4 if above else -10),
                    textcoords="offset points", fontsize=8, color=COLORS["muted_text"])  # fmt: skip
        ax.annotate("as counted", (last["fiscal_year"], last["union_win_rate"]), xytext=(6, -10 if above else 4),
                    textcoords="offset points", fontsize=8, color=COLORS["reference"])  # fmt: skip
        shown = data["fiscal_year"].iloc[::-2].iloc[::-1]  # every other year up to the last: twelve do not fit print
        ax.set_xticks(shown, [f"FY{str(y)[2:]}" for y in shown])
        ax.set_xlim(data["fiscal_year"].min() - 0.5, data["fiscal_year"].max() + 1.8)
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_locator(MultipleLocator(0.25))
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_ylabel("Union win rate,\nelections decided")
        light_grid(ax, "y")
    return fig


@register("national-win-rate-by-fiscal-year", order=240)
def win_rate_by_fiscal_year(ds: Dataset) -> ChartSpec:
    """The nation's union win rate by fiscal year over the national record's years, as counted and as certified,
    without the data folder's company's elections (`national_for`), as every national chart counts them."""
    tables, without = national_for(ds, draws_folder=False)
    data = fiscal_year_data(tables)
    years = period(tables)
    won, lost = int(data["certified_won"].sum()), int(data["certified_lost"].sum())
    rate = fmt_pct(won / (won + lost), 0)
    low, high = data.loc[data["certified_win_rate"].idxmin()], data.loc[data["certified_win_rate"].idxmax()]
    title = f"Unions were certified in {rate} of the NLRB elections decided in {years}"
    subtitle = (
        f"Union win rate by fiscal year (October to September), as the NLRB certified it and as the ballots were "
        f"counted, {years}.{without}"
    )
    alt = (
        f"Line chart of the union win rate in NLRB elections by fiscal year, {years}, as certified: "
        + "; ".join(f"FY{y} {fmt_pct(r, 0)}" for y, r in zip(data["fiscal_year"], data["certified_win_rate"]))
        + f". Lowest in FY{int(low['fiscal_year'])}, highest in FY{int(high['fiscal_year'])}; "
        f"{fmt_int(won)} won of {fmt_int(won + lost)} certified ({rate})."
    )
    sources = release_sources(tables)
    return ChartSpec(
        "national-win-rate-by-fiscal-year",
        title,
        subtitle,
        rate,
        alt,
        tuple(sources["source_id"]),
        data,
        lambda: fiscal_year_figure(tables),
        record=release_record(tables, None),
        extra_sources=sources,
    )
