"""The findings of notebook 06 (a company against the nation), computed at run time from the national record.

The focus is a data folder's elections (by default the project's Amazon elections, any `selection` of them), or a
company's elections in the national record (`company`). The national baseline is every election of the national
record (`labor_analysis.national()`) in the fiscal years of its annual reports, counted as the national tables
count them (`nlrb.national.record_results`), with the focus's own elections left out: those of its company and
those of its case numbers (`record`, column `focus`). Each finding is a `story.Passage`: the table its words are
written from, the words, its chart, and its sources: the NLRB files the figures come from (the FOIA release, the
Region 06 download, the annual election reports by fiscal year) and the focus's own sources.
"""

from __future__ import annotations

import functools
import math
import os
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from ..charts.national import (
    LARGE_UNIT,
    MODE_YEARS,
    SMALL_GROUP,
    TALLIES_COVER,
    Focus,
    decided,
    folder_record,
    mode_years,
    years_words,
)
from ..elections import election_source_ids
from ..loading import Dataset, national
from ..safe_html import escape_markdown
from ..story import Page, Passage
from ..text import capitalised, company, count_of, fmt_int, fmt_pct, long_date, place, possessive, year_span
from .national import RECORD_FISCAL_YEARS, focus_ids, national_tables, record_results, record_sources

#: Up to this many elections, the overview names each one.
NAMED_ELECTIONS = 12
#: How the voting methods read in a sentence.
METHOD_WORDS = {"mail": "by mail", "in_person": "in person", "mixed": "both by mail and in person"}
#: An election's outcome by its latest count, as a sentence names it.
OUTCOME_WORDS = {"undetermined": "undecided by the count", "runoff": "a run-off ordered"}
#: The share of the nation's units a row of `unit_sizes_table` describes, by its name.
UNIT_QUANTILES = {"national median unit": 0.5, "national 90th percentile": 0.9}


@functools.cache
def load_national_record() -> Dataset:
    """The national record (`labor_analysis.national()`), loaded once: every finding cites its NLRB files."""
    return national()


@functools.cache
def record_files() -> pd.DataFrame:
    """The sources.csv rows of the national record's NLRB files (the FOIA release, the Region 06 download, the annual
    reports by fiscal year; not its case pages), each with where the public can get it."""
    record = load_national_record()
    reports = record.sources[record.sources["source_id"].str.startswith("nlrb-election-report-")]
    cited = {"elections": record.elections[["source_id"]].drop_duplicates(), "reports": reports[["source_id"]]}
    files = record_sources(record, cited)
    files["published"] = pd.to_datetime(files["published"])
    return files


def with_record_files(ds: Dataset) -> Dataset:
    """`ds` with the national record's NLRB files among its sources (`record_files`, in place of its own rows of
    them), so a finding can cite them."""
    files = record_files()
    kept = ds.sources[~ds.sources["source_id"].isin(files["source_id"])]
    return replace(ds, sources=pd.concat([kept, files], ignore_index=True))


def page(
    notebook: str,
    data_dir: str | os.PathLike[str] | None = None,
    charts_dir: str | os.PathLike[str] | None = None,
    selection: dict[str, Any] | None = None,
    company_name: str | None = None,
) -> tuple[Page, Dataset]:
    """The notebook's Page and the national record. The Page's Dataset is the focus: the data folder's elections
    (`selection` applied), or the national record's elections of `company_name` when one is given; it also holds the
    NLRB files of the national record, where the public can get them, so the findings can cite them."""
    record = load_national_record()
    story_page = Page(notebook, data_dir, charts_dir, selection)
    if company_name:
        story_page.ds = record.select(**{**(selection or {}), "company": company_name})
    story_page.ds = with_record_files(story_page.ds)
    return story_page, record


def heading(ds: Dataset, words: str = "{company} against the nation", company_name: str | None = None) -> Passage:
    """The notebook's title written from its focus: `words` with `{company}` filled in: `company_name` when given,
    else the company of the focus's elections ('Amazon'), else 'The elections examined'."""
    name = company_name or company(ds.elections) or "The elections examined"
    return Passage(f"# {escape_markdown(words.format(company=name))}", ())


def record(ds: Dataset, national_record: Dataset | None = None) -> pd.DataFrame:
    """Every election of the national record in its fiscal years (`record_results`: outcome by the count, certified
    result, unit size, voting method, challenged ballots at the first count), with `focus` True for the focus's
    own elections (those of its company, or of its case numbers), which the national baseline leaves out."""
    national_record = load_national_record() if national_record is None else national_record
    table = record_results(national_record)
    focus = table["election_id"].isin(focus_ids(national_record, company(ds.elections), ds.elections["case_number"]))
    return table.assign(focus=focus.to_numpy())


def _baseline(nation: pd.DataFrame) -> pd.DataFrame:
    return nation[~nation["focus"].astype(bool)]


def _files(rows: pd.DataFrame) -> tuple[str, ...]:
    """The NLRB files the figures of these national rows come from, each once, as the rows cite them."""
    return tuple(sorted(set(rows["source_id"].astype(str))))


def _fiscal_years(nation: pd.DataFrame) -> str:
    years = nation["fiscal_year"]
    first, last = (years.min(), years.max()) if len(years) else RECORD_FISCAL_YEARS
    return year_span(first, last, fiscal=True)


def _names(labels: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'; semicolons between names that hold commas, as AP writes such a series, one
    before the 'and' too ('Bessemer, Ala., 2021; JFK8, Staten Island, N.Y., 2022; and Garner, N.C., 2025')."""
    separator = "; " if any("," in label for label in labels) else ", "
    last = "; and " if separator == "; " and len(labels) > 2 else " and "
    return labels[0] if len(labels) == 1 else f"{separator.join(labels[:-1])}{last}{labels[-1]}"


def _labels(focus: pd.DataFrame) -> list[str]:
    """The focus elections' names as the words print them: escaped, since they come from the data."""
    return [escape_markdown(str(label)) for label in focus["label"]]


def _finding(text: str, sources: tuple[str, ...], table: pd.DataFrame, ds: Dataset, chart: str | None) -> Passage:
    """A finding of this notebook: the words, its sources as `ds` names them, its table and its chart."""
    finding = Passage(text, tuple(dict.fromkeys(sources)), table).citing(with_record_files(ds))
    return finding.charting(ds, chart) if chart else finding


# ---------------------------------------------------------------- what is compared


def overview_table(ds: Dataset, nation: pd.DataFrame) -> pd.DataFrame:
    """The elections compared: the focus's and the national record's (all, the focus's own among them, and the
    baseline left), with their first and last count dates."""
    focus = folder_record(ds)
    groups = {
        capitalised(Focus.of(ds).elections): focus,
        "national record": nation,
        f"of them {_own(ds)}": nation[nation["focus"].astype(bool)],
        "national baseline": _baseline(nation),
    }
    return pd.DataFrame(
        {
            "elections": [len(t) for t in groups.values()],
            "first_count": [t["count_date"].min() for t in groups.values()],
            "last_count": [t["count_date"].max() for t in groups.values()],
        },
        index=pd.Index(list(groups), name="group"),
    )


def overview(ds: Dataset, nation: pd.DataFrame) -> Passage:
    """What is compared: the focus's elections and the national record's, the focus's own left out of it."""
    table = overview_table(ds, nation)
    focus_record, focus = folder_record(ds), Focus.of(ds)
    mine, total, own, baseline = (table.iloc[i] for i in range(4))
    named = f" ({_names(_labels(focus_record))})" if 0 < len(focus_record) <= NAMED_ELECTIONS else ""
    years = _fiscal_years(nation)
    first, last = RECORD_FISCAL_YEARS
    fiscal = pd.to_datetime(focus_record["count_date"]).pipe(lambda d: d.dt.year + (d.dt.month >= 10))
    outside = [
        f"{fmt_int(n)} {'was' if n == 1 else 'were'} counted {when}"
        for n, when in (((fiscal > last).sum(), f"after FY{last}"), ((fiscal < first).sum(), f"before FY{first}"))
        if n
    ]
    held = (
        f"This notebook examines **{count_of(int(mine['elections']), 'union election')}** "
        f"{escape_markdown(focus.at)}{named}, counted "
        + (
            f"on {long_date(mine['first_count'])}."
            if mine["first_count"] == mine["last_count"]
            else f"from {long_date(mine['first_count'])}, to {long_date(mine['last_count'])}."
        )
        if mine["elections"]
        else "This notebook has no union election to examine, so there is nothing to compare."
    )
    text = (
        f"{held} The NLRB's own files (the national record) hold **{fmt_int(total['elections'])} elections** "
        f"counted in {years}, the years of the NLRB's annual election reports, by the project's rules "
        "(self-determination votes and elections whose first count is not on record left out). "
        f"Of them, {fmt_int(own['elections'])} {'is' if own['elections'] == 1 else 'are'} {_own(ds)}, left out of "
        f"the national baseline, which keeps {fmt_int(baseline['elections'])}."
        + (
            f" Of {escape_markdown(focus.elections)}, {_names(outside)}, outside the national record's years."
            if outside
            else ""
        )
    )
    sources = (*election_source_ids(ds, focus_record["election_id"]), *_files(nation))
    return _finding(text, sources, table, ds, None)


def _own(ds: Dataset) -> str:
    """How the words name the focus's own elections in the national record: "Amazon's own", or "the focus's own"."""
    name = company(ds.elections)
    return f"{possessive(name)} own" if name else "the focus's own"


def history(ds: Dataset, national_record: Dataset | None = None) -> Passage:
    """The focus's company in the national record: every election of it in the NLRB's own files, with the certified
    result where the annual reports give one, each cited to its NLRB file."""
    national_record = load_national_record() if national_record is None else national_record
    focus, name = Focus.of(ds), company(ds.elections)
    mine = national_record.select(company=name) if name else national_record.select(election_ids=[])
    elections = mine.elections.sort_values("count_date", kind="stable")
    table = pd.DataFrame(
        {
            "place": [place(e["city"], e["state"]) for _, e in elections.iterrows()],
            "case_number": elections["case_number"].to_numpy(),
            "count_date": elections["count_date"].to_numpy(),
            "eligible_voters": elections["eligible_voters"].to_numpy(),
            "certified": elections["certified"].astype(object).fillna("").to_numpy(),
        },
        index=pd.Index(elections["election_id"], name="election_id"),
    )
    if table.empty:
        text = (
            f"The NLRB's own files in the national record hold no election {escape_markdown(focus.at)}."
            if name
            else "The elections examined are not one company's, so no company's history is told from the national "
            "record."
        )
        return _finding(text, (), table, ds, None)
    results = {"won": "the union certified", "lost": "no union certified"}
    unknown = "no certification in the annual reports"
    held = f"The NLRB's own files (the national record) hold {count_of(len(table), 'election')}"
    held += f" {escape_markdown(focus.at)}"
    if len(table) <= NAMED_ELECTIONS:
        # an election the focus also holds is named as the focus names it ('LDJ5, Staten Island, N.Y., 2022'), so
        # one of two sites of a place is never named by the place alone
        record_ = folder_record(ds)
        record_ = record_.assign(case=record_["case_number"].astype(str).str.upper())
        record_["count_date"] = pd.to_datetime(record_["count_date"])

        def named(row: pd.Series) -> str:  # of a case's elections (a rerun shares its number), the nearest count
            same = record_[record_["case"] == str(row["case_number"]).upper()]
            if same.empty:
                return f"{row['place']}, {pd.Timestamp(row['count_date']).year}"
            gap = (same["count_date"] - pd.Timestamp(row["count_date"])).abs()
            return str(same.loc[gap.idxmin(), "label"])

        items = [f"{named(row)} ({results.get(str(row['certified']), unknown)})" for _, row in table.iterrows()]
        text = f"{held}: {escape_markdown('; '.join(items))}."
    else:  # too many to name: how they ended, counted
        years = pd.to_datetime(table["count_date"]).dt.year
        tallied = {"won": "the union was certified in {}", "lost": "no union was certified in {}"}
        counts = table["certified"].astype(str).where(lambda c: c.isin(list(tallied)), "").value_counts()
        parts = [
            tallied.get(str(c), "the annual reports give no certification for {}").format(fmt_int(n))
            for c, n in counts.items()
        ]
        text = f"{held}, counted from {years.min()} to {years.max()}: {_names(parts)}."
    return _finding(text, tuple(elections["source_id"].astype(str)), table, ds, None)


# ---------------------------------------------------------------- unit sizes


def _sized(nation: pd.DataFrame) -> pd.DataFrame:
    """The baseline's elections the count decided whose unit size (eligible voters) is on record."""
    base = _baseline(nation)
    return base[base["outcome"].isin(["won", "lost"]) & base["eligible_voters"].notna()]


def _decided_sizes(nation: pd.DataFrame) -> np.ndarray:
    """The baseline's unit sizes (eligible voters) of the elections the count decided, sorted."""
    return np.sort(_sized(nation)["eligible_voters"].astype("int64").to_numpy())


def unit_sizes_table(ds: Dataset, nation: pd.DataFrame) -> pd.DataFrame:
    """The national median unit, the size nine in ten units do not pass, the largest, then each focus unit (with its
    `election_id`): eligible voters, the share of the baseline's decided units smaller than it and how many of them
    were as large."""
    sizes = _decided_sizes(nation)
    names: list[str] = []
    counted: list[int] = []
    if len(sizes):
        for name, share in UNIT_QUANTILES.items():  # the smallest size at least this share of units do not pass
            names.append(name)
            counted.append(int(sizes[math.ceil(share * len(sizes)) - 1]))
        names.append("national largest unit")
        counted.append(int(sizes[-1]))
    national_rows = len(names)
    focus = folder_record(ds).dropna(subset=["eligible_voters"]).sort_values("eligible_voters", kind="stable")
    names += list(focus["label"].astype(str))
    counted += [int(n) for n in focus["eligible_voters"]]
    smaller = np.searchsorted(sizes, np.array(counted, dtype="int64"), side="left")
    return pd.DataFrame(
        {
            "election_id": [pd.NA] * national_rows + list(focus["election_id"].astype(str)),
            "eligible_voters": counted,
            "national_share_smaller": smaller / len(sizes) if len(sizes) else np.nan,
            "national_as_large": len(sizes) - smaller,
        },
        index=pd.Index(names, name="unit"),
    )


def unit_sizes(ds: Dataset, nation: pd.DataFrame) -> Passage:
    """Where the focus's units sit among the nation's."""
    table = unit_sizes_table(ds, nation)
    years, sources = _fiscal_years(nation), _files(_sized(nation))
    national_units, focus_units = table[table["election_id"].isna()], table[table["election_id"].notna()]
    if national_units.empty:
        text = f"No decided election of the national baseline of {years} has its unit's size on record."
        return _finding(text, sources, table, ds, "national-unit-sizes")
    median, ninety, largest = national_units["eligible_voters"]
    nation_words = (
        f"Half of the units in the elections the count decided in {years} had **{fmt_int(median)} eligible "
        f"voters** or fewer, and nine in ten had at most {fmt_int(ninety)}."
    )
    focus = Focus.of(ds)
    if focus_units.empty:
        text = (
            f"{nation_words} Not one of {escape_markdown(focus.elections)} has its eligible voters on record, so the "
            "units cannot be placed among them."
        )
        return _finding(text, sources, table, ds, "national-unit-sizes")
    smallest, biggest = focus_units.iloc[0], focus_units.iloc[-1]
    small_name, large_name = (escape_markdown(str(name)) for name in (focus_units.index[0], focus_units.index[-1]))
    share = fmt_pct(smallest["national_share_smaller"], 0)
    if len(focus_units) == 1:
        where = (
            f"The unit {escape_markdown(focus.at)} ({large_name}) had **{fmt_int(biggest['eligible_voters'])}** "
            f"eligible voters, more than {share} of the nation's units"
        )
    else:
        where = (
            f"{escape_markdown(capitalised(focus.units))} ran from {fmt_int(smallest['eligible_voters'])} "
            f"({small_name}) to **{fmt_int(biggest['eligible_voters'])}** ({large_name})"
        )
        if smallest["national_share_smaller"] >= 0.5:  # a finding about every unit
            where += f": even the smallest was larger than {share} of the nation's units"
        else:  # the units spread along the nation's: their median instead
            median_unit = int(focus_units["eligible_voters"].iloc[(len(focus_units) - 1) // 2])
            where += f"; the median unit of them had {fmt_int(median_unit)} eligible voters"
    that = "the largest" if len(focus_units) > 1 else "that"
    as_large = int(biggest["national_as_large"])
    text = f"{nation_words} {where}, and " + (
        f"no unit of the baseline was as large as {that} (the nation's largest had {fmt_int(largest)})."
        if as_large == 0
        else f"{fmt_int(as_large)} of the baseline's {fmt_int(len(_decided_sizes(nation)))} decided elections had "
        f"a unit as large as {that}."
    )
    sources = (*election_source_ids(ds, focus_units["election_id"]), *sources)
    return _finding(text, sources, table, ds, "national-unit-sizes")


# ---------------------------------------------------------------- win rates


def _rates(frame: pd.DataFrame) -> dict[str, Any]:
    won, total = decided(frame)
    return {"won": won, "lost": total - won, "union_win_rate": won / total if total else np.nan}


def win_rates_table(ds: Dataset, nation: pd.DataFrame) -> pd.DataFrame:
    """The union win rate of the elections the count decided (a tie loses): the national baseline, its units of
    `LARGE_UNIT` voters or more, and the focus."""
    base = _baseline(nation)
    groups = {
        "national baseline": base,
        f"national, units of {fmt_int(LARGE_UNIT)} or more": base[base["eligible_voters"].fillna(0) >= LARGE_UNIT],
        Focus.of(ds).name: folder_record(ds),
    }
    return pd.DataFrame([_rates(t) for t in groups.values()], index=pd.Index(list(groups), name="group"))


def win_rates(ds: Dataset, nation: pd.DataFrame) -> Passage:
    """The union win rate nationally and in large units, against the focus's record."""
    table = win_rates_table(ds, nation)
    base, large, mine = (table.iloc[i] for i in range(3))
    record_ = folder_record(ds)
    winners = _labels(record_[record_["outcome"] == "won"])
    undetermined = record_["outcome"] == "undetermined"
    set_aside = record_["status"].astype(str).eq("set_aside") if "status" in record_ else False
    open_, aside = _labels(record_[undetermined & ~set_aside]), _labels(record_[undetermined & set_aside])

    def rate(row: pd.Series) -> str:
        total = int(row["won"] + row["lost"])
        return f"{fmt_pct(row['union_win_rate'], 0)} ({fmt_int(row['won'])} of {fmt_int(total)})" if total else "none"

    text = (
        f"In the national baseline, unions won **{rate(base)}** of the elections the count decided in "
        f"{_fiscal_years(nation)} (a tie loses). In units of {fmt_int(LARGE_UNIT)} voters or more they won "
        f"{rate(large)}. {escape_markdown(capitalised(Focus.of(ds).at))}"
        + (
            f" the union won **{fmt_int(mine['won'])} of {fmt_int(mine['won'] + mine['lost'])}** decided elections"
            if mine["won"] + mine["lost"]
            else ", the count decided no election"
        )
        + (f" ({_names(winners)})" if 0 < len(winners) <= NAMED_ELECTIONS else "")
        + (f"; {_names(open_)} remained open, the challenged ballots determinative" if open_ else "")
        + (
            f"; at {_names(aside)}, the challenged ballots were determinative and the NLRB later set the "
            + ("election aside" if len(aside) == 1 else "elections aside")
            if aside
            else ""
        )
        + "."
    )
    sources = (*election_source_ids(ds, record_["election_id"]), *_files(_baseline(nation)))
    return _finding(text, sources, table, ds, "national-win-rate-by-unit-size")


# ---------------------------------------------------------------- voting methods


def _pandemic(nation: pd.DataFrame) -> pd.DataFrame:
    """The baseline's elections of the pandemic's fiscal years (`MODE_YEARS`, as the mail chart counts them) whose
    voting method is on record."""
    base = _baseline(nation)
    return base[base["fiscal_year"].between(MODE_YEARS[0], MODE_YEARS[-1]) & base["voting_method"].isin(METHOD_WORDS)]


def voting_methods_table(ds: Dataset, nation: pd.DataFrame) -> pd.DataFrame:
    """Mail against in-person voting in the pandemic's fiscal years (`MODE_YEARS`): the baseline's decided elections
    and union win rate by method, and the focus's elections held each way and won."""
    base = _pandemic(nation)
    focus = folder_record(ds)
    rows = {}
    for method in METHOD_WORDS:
        held = focus[focus["voting_method"].astype(str).eq(method)]
        rows[method] = {
            **_rates(base[base["voting_method"] == method]),
            "focus_elections": len(held),
            "focus_won": int((held["outcome"] == "won").sum()),
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("voting_method")


def voting_methods(ds: Dataset, nation: pd.DataFrame) -> Passage:
    """Mail against in-person voting in `MODE_YEARS`, nationally and in the focus."""
    table = voting_methods_table(ds, nation)
    years = mode_years()

    def share(won: int, total: int) -> str:  # a handful of elections gets a count, not a rate
        return fmt_pct(won / total, 0) if total >= SMALL_GROUP else fmt_int(won)

    parts = [
        f"{share(int(r['won']), int(r['won'] + r['lost']))} of the {fmt_int(r['won'] + r['lost'])} held "
        f"{METHOD_WORDS[str(m)]}"
        for m, r in table.iterrows()
        if r["won"] + r["lost"]
    ]
    won_words = (
        parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    )  # no _names: its items hold thousands' commas, not places
    focus = folder_record(ds)
    mail = focus[focus["voting_method"].astype(str).eq("mail")]
    held = [
        f"{label} ({OUTCOME_WORDS.get(outcome, outcome)})"
        for label, outcome in zip(_labels(mail), mail["outcome"].astype(str))
    ]
    whose = escape_markdown(Focus.of(ds).elections)
    nation_words = (
        f"Of the elections the count decided in {years} (fiscal years, October to September), when the NLRB ran "
        f"most elections by mail, unions in the national baseline won {won_words}."
        if parts
        else f"The national baseline holds no decided election of {years} whose voting method is on record."
    )
    text = (
        nation_words
        + (f" Of {whose}, those by mail were {_names(held)}." if held else f" Not one of {whose} was held by mail.")
        + " A higher rate by mail does not show that mail ballots help unions: the NLRB chose the method case by "
        "case, and the units differ."
    )
    sources = (*election_source_ids(ds, mail["election_id"]), *_files(_pandemic(nation)))
    return _finding(text, sources, table, ds, "national-mail-and-in-person")


# ---------------------------------------------------------------- challenged ballots


def _tallied(nation: pd.DataFrame) -> pd.DataFrame:
    """The baseline's elections whose challenged ballots at the first count are on record, in the fiscal years whose
    tallies give them for at least TALLIES_COVER of the elections (FY2017-FY2021: the annual reports give none, and
    the other years' few tallies are one region's), as the challenged-ballots chart counts them."""
    base = _baseline(nation)
    on_record = base["challenged_at_first_count"].notna()
    cover = on_record.groupby(base["fiscal_year"]).mean()
    return base[on_record & base["fiscal_year"].isin(cover.index[cover >= TALLIES_COVER])]


def challenged_table(ds: Dataset, nation: pd.DataFrame) -> pd.DataFrame:
    """How often challenged ballots could change the first count's result: the baseline's elections whose
    challenged ballots are on record (the tally files give them; the annual reports do not) and the focus's
    elections counted once so far, those with challenged ballots, those where they were determinative, and the
    share determinative."""
    base = _tallied(nation)
    focus = folder_record(ds)
    focus = focus[(focus["stage"].astype(str) == "initial") & focus["determinative"].notna()]
    groups = {
        "national baseline": (base["challenged_at_first_count"], base["determinative_at_first_count"]),
        Focus.of(ds).name: (focus["challenged"], focus["determinative"]),
    }
    rows = {}
    for name, (challenged, determinative) in groups.items():
        n, hit = len(challenged), int(determinative.fillna(False).astype(bool).sum())
        rows[name] = {
            "elections": n,
            "with_challenged_ballots": int((challenged.fillna(0) > 0).sum()),
            "determinative": hit,
            "determinative_share": hit / n if n else np.nan,
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("group")


def challenged(ds: Dataset, nation: pd.DataFrame) -> Passage:
    """How rarely challenged ballots are determinative, nationally and in the focus."""
    table = challenged_table(ds, nation)
    base, mine = table.iloc[0], table.iloc[1]
    focus = folder_record(ds)
    open_ = _labels(focus[focus["determinative"].fillna(False).astype(bool)])
    reported = _tallied(nation)
    nation_words = (
        f"Ballots were challenged in {fmt_int(base['with_challenged_ballots'])} of the {fmt_int(base['elections'])} "
        f"elections of {years_words(reported['fiscal_year'])} whose tallies the NLRB's tally files give (the fiscal "
        "years they cover for most elections), but they could change the first count's result in only "
        f"**{fmt_int(base['determinative'])}**, {fmt_pct(base['determinative_share'], 1)}."
        if base["elections"]
        else "No election of the national baseline has its challenged ballots on record."
    )
    at = escape_markdown(capitalised(Focus.of(ds).at))
    # the first count, as the national figures: an election whose count was revised is left out, and said so
    revised = int(((focus["stage"].astype(str) != "initial") & focus["determinative"].notna()).sum())
    left_out = (
        f" ({count_of(revised, 'election')} whose count was revised "
        f"{'is' if revised == 1 else 'are'} left out: the first count is what the national figures compare)"
        if revised
        else ""
    )
    text = (
        f"{nation_words} {at} they could in {fmt_int(mine['determinative']) if mine['determinative'] else 'none'} of "
        f"the {fmt_int(mine['elections'])} "
        "elections whose challenged ballots were reported" + (f": {_names(open_)}" if open_ else "") + left_out + "."
        if mine["elections"]
        else f"{nation_words} {at}, no election counted once so far has its challenged ballots on record."
    )
    sources = (*election_source_ids(ds, focus["election_id"]), *_files(reported))
    return _finding(text, sources, table, ds, "national-determinative-challenged-ballots")


# ---------------------------------------------------------------- certified results


def certified_table(nation: pd.DataFrame, national_record: Dataset) -> pd.DataFrame:
    """By fiscal year (and `all`), the baseline's certified results (the annual reports'): won, lost, the certified
    union win rate; and its elections whose challenged ballots could change the first count with the union behind
    on it, and how many of those the NLRB certified the union in the end, or did not."""
    base = _baseline(nation)
    listed = national_tables(national_record)["challenged_ballots_determinative_elections.csv"]
    listed = listed[listed["election_id"].isin(base["election_id"])]
    trailed = listed[listed["union_trailed_at_first_count"].astype(str) == "True"]
    frames = {"certified": base["certified"].astype(str), "trailed": trailed["certified"].astype(str)}
    out = pd.DataFrame(
        {
            "certified_won": frames["certified"].eq("won").groupby(base["fiscal_year"]).sum(),
            "certified_lost": frames["certified"].eq("lost").groupby(base["fiscal_year"]).sum(),
            "trailed_determinative": trailed.groupby("fiscal_year").size(),
            "trailed_certified_won": frames["trailed"].eq("won").groupby(trailed["fiscal_year"]).sum(),
            "trailed_certified_lost": frames["trailed"].eq("lost").groupby(trailed["fiscal_year"]).sum(),
        }
    )
    out = out.fillna(0).astype("int64")
    out.index = out.index.astype(str)
    out.loc["all"] = out.sum()
    decided_ = out["certified_won"] + out["certified_lost"]
    out.insert(2, "certified_win_rate", out["certified_won"] / decided_.where(decided_ > 0))
    return out.rename_axis("fiscal_year")


def certified(ds: Dataset, nation: pd.DataFrame, national_record: Dataset | None = None) -> Passage:
    """The baseline's certified results over the record's fiscal years, and how often a union that trailed on a
    count whose challenged ballots could decide it was certified in the end."""
    national_record = load_national_record() if national_record is None else national_record
    table = certified_table(nation, national_record)
    total = table.loc["all"]
    won, lost = int(total["certified_won"]), int(total["certified_lost"])
    known = int(total["trailed_certified_won"] + total["trailed_certified_lost"])
    focus = folder_record(ds)
    focus_certified = focus["certified"].astype(str)
    f_won, f_lost = int(focus_certified.eq("won").sum()), int(focus_certified.eq("lost").sum())
    text = (
        (
            f"Over {_fiscal_years(nation)}, the NLRB certified a union in **{fmt_pct(won / (won + lost), 0)}** of the "
            f"{fmt_int(won + lost)} elections of the national baseline it closed with a certification. "
            if won + lost
            else f"No election of the national baseline of {_fiscal_years(nation)} has a certification on record. "
        )
        + (
            "Where the tallies show challenged ballots that could change the first count's result and the union "
            f"behind on it, the union was certified in the end in {fmt_int(total['trailed_certified_won'])} of the "
            f"{fmt_int(known)} such elections whose certification is on record "
            f"({fmt_int(total['trailed_determinative'] - known)} more have none in the annual reports). "
            if total["trailed_determinative"]
            else ""
        )
        + f"{escape_markdown(capitalised(Focus.of(ds).at))}, "
        + (
            f"the NLRB certified a union in {fmt_int(f_won)} of the {fmt_int(f_won + f_lost)} elections whose "
            "certification the data holds."
            if f_won + f_lost
            else "the data holds no certification."
        )
    )
    # the certified results come from the annual reports, whichever file gave an election's tally
    reports = tuple(sorted(s for s in national_record.sources["source_id"] if s.startswith("nlrb-election-report-")))
    sources = (*reports, *_files(_baseline(nation)), *election_source_ids(ds, focus["election_id"]))
    return _finding(text, sources, table, ds, "national-win-rate-by-fiscal-year")
