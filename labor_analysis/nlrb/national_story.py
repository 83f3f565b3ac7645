"""The words of notebook 06 (Amazon against the nation), built at run time from the data folder and the
committed national tables, each passage citing the sources of its figures (see `story.Passage`). The data
folder's elections are named by their company when they share one (`charts.national.Focus`)."""

from __future__ import annotations

import os

import pandas as pd

from ..charts._base import with_sources
from ..charts.national import (
    BASELINE_LEAVES_OUT,
    LARGE_UNIT,
    Focus,
    Tables,
    decided,
    determinative_data,
    fiscal_year_data,
    folder_record,
    load_tables,
    median_unit,
    mode_years,
    national_rate,
    national_years,
    period,
    record_period,
    record_source_rows,
    release_ids,
    release_sources,
    unit_size_data,
    voting_method_data,
)
from ..elections import election_source_ids
from ..loading import Dataset
from ..safe_html import escape_markdown
from ..story import Page, Passage
from ..text import capitalised, fmt_int, fmt_pct, long_date, place
from .national import fiscal_year


def page(
    notebook: str, data_dir: str | os.PathLike[str] | None = None, charts_dir: str | os.PathLike[str] | None = None
) -> tuple[Page, Tables]:
    """The notebook's Page, whose Dataset also knows the NLRB release its words cite, and the national tables."""
    tables = load_tables()
    story_page = Page(notebook, data_dir, charts_dir)
    story_page.ds = with_sources(story_page.ds, release_sources(tables))
    if "record_sources" in tables:  # the national record's NLRB files, cited by the certified results
        story_page.ds = with_sources(story_page.ds, record_source_rows(tables))
    return story_page, tables


#: Up to this many elections, the overview names each one.
NAMED_ELECTIONS = 12


def _names(labels: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'; semicolons between names that hold commas ('Bessemer, Ala., 2021; ...')."""
    separator = "; " if any("," in label for label in labels) else ", "
    return labels[0] if len(labels) == 1 else f"{separator.join(labels[:-1])} and {labels[-1]}"


def _labels(record: pd.DataFrame) -> list[str]:
    """The elections' names as the words print them: escaped, since they come from the data."""
    return [escape_markdown(str(label)) for label in record["label"]]


def _all_ids(ds: Dataset) -> tuple[str, ...]:
    return election_source_ids(ds, ds.elections["election_id"])


def overview(ds: Dataset, tables: Tables) -> Passage:
    """What is compared: the data folder's elections and the national elections of the FOIA table."""
    record, focus = folder_record(ds), Focus.of(ds)
    stats = tables["unit_size_summary"].set_index("statistic")["value"]
    named = f" ({_names(_labels(record))})" if len(record) <= NAMED_ELECTIONS else ""
    first, last = national_years(tables)
    years = fiscal_year(record["count_date"])
    outside = [
        f"{fmt_int(n)} {'was' if n == 1 else 'were'} counted {when}"
        for n, when in (((years > last).sum(), f"after FY{last}"), ((years < first).sum(), f"before FY{first}"))
        if n
    ]
    text = (
        f"The data folder holds **{fmt_int(len(record))} union elections** {escape_markdown(focus.at)}{named}, "
        f"counted from {long_date(record['count_date'].min())} to {long_date(record['count_date'].max())}. The "
        f"NLRB's own files for {period(tables)} (its annual election reports and tallies) hold "
        f"**{fmt_int(stats['elections'])} elections** counted by the project's rules (self-determination votes and "
        "elections whose first count predates the files left out)."
        + (
            f" Of {escape_markdown(focus.elections)}, {_names(outside)}, outside the years of the national figures."
            if outside
            else ""
        )
    )
    return Passage(text, release_ids(tables) + _all_ids(ds))


def unit_sizes(ds: Dataset, tables: Tables) -> Passage:
    """Where the data folder's units sit among the nation's."""
    data = unit_size_data(ds, tables).sort_values("eligible_voters")
    stats = tables["unit_size_summary"].set_index("statistic")["value"]
    counts = tables["unit_size_counts"].groupby("eligible_voters")["elections"].sum()
    if data.empty:
        return Passage(
            f"Half of the units that voted in {period(tables)} had **{fmt_int(median_unit(tables))} eligible "
            f"voters** or fewer, and nine in ten had at most {fmt_int(stats['quantile_0.9'])}. The data folder "
            "holds no election whose eligible voters are on record, so its units cannot be placed among them.",
            release_ids(tables),
        )
    smallest, largest = data.iloc[0], data.iloc[-1]
    small_name, large_name = (escape_markdown(str(row["label"])) for row in (smallest, largest))
    as_large = int(counts[counts.index >= largest["eligible_voters"]].sum())
    text = (
        f"Half of the units that voted in {period(tables)} had **{fmt_int(median_unit(tables))} eligible voters** "
        f"or fewer, and nine in ten had at most {fmt_int(stats['quantile_0.9'])}. "
        f"{escape_markdown(capitalised(Focus.of(ds).units))} ran from "
        f"{fmt_int(smallest['eligible_voters'])} ({small_name}) to "
        f"**{fmt_int(largest['eligible_voters'])}** ({large_name}): even the smallest was larger than "
        f"{fmt_pct(smallest['national_share_smaller'], 0)} of the nation's units, and "
        + (
            f"no unit in the table was as large as the largest (the nation's largest had "
            f"{fmt_int(counts.index.max())})."
            if as_large == 0
            else f"only {fmt_int(as_large)} of the {fmt_int(counts.sum())} decided elections in the table had a unit "
            "as large as the largest."
        )
    )
    return Passage(text, release_ids(tables) + election_source_ids(ds, data["election_id"]))


def win_rates(ds: Dataset, tables: Tables) -> Passage:
    """The union win rate nationally and in large units, against the data folder's record."""
    record = folder_record(ds)
    won, total = decided(record)
    t = tables["win_rate_by_unit_size"]
    large = t[t["min_eligible"] >= LARGE_UNIT]
    winners = _labels(record[record["outcome"] == "won"])
    undetermined = record["outcome"] == "undetermined"
    set_aside = record["status"].astype(str).eq("set_aside") if "status" in record else False
    open_, aside = _labels(record[undetermined & ~set_aside]), _labels(record[undetermined & set_aside])
    text = (
        f"Nationally, unions won **{fmt_pct(national_rate(tables), 0)}** of the elections the count decided "
        f"in {period(tables)} (a tie loses). In units of {fmt_int(LARGE_UNIT)} voters or more they won "
        f"{fmt_pct(national_rate(tables, LARGE_UNIT), 0)}, {fmt_int(large['won'].sum())} of "
        f"{fmt_int(large['won'].sum() + large['lost'].sum())}. {escape_markdown(capitalised(Focus.of(ds).at))} "
        f"the union won **{fmt_int(won)} of {fmt_int(total)}** decided elections"
        + (f" ({_names(winners)})" if winners else "")
        + (f"; {_names(open_)} remained open, the challenged ballots determinative" if open_ else "")
        + (
            f"; at {_names(aside)} the challenged ballots were determinative and the NLRB later set the election aside"
            if aside
            else ""
        )
        + "."
    )
    return Passage(text, release_ids(tables) + _all_ids(ds))


def voting_methods(ds: Dataset, tables: Tables) -> Passage:
    """Mail against in-person voting in MODE_YEARS, nationally and in the data folder."""
    data = voting_method_data(tables).set_index("voting_method")
    years = mode_years()
    where = {"mail": "by mail", "in_person": "in person", "mixed": "mixed"}
    parts = [
        f"{fmt_pct(r['union_win_rate'], 0)} of the {fmt_int(r['won'] + r['lost'])} decided {where[m]}"
        for m, r in data.iterrows()
    ]
    record = folder_record(ds)
    mail = record[record["voting_method"] == "mail"]
    held = [f"{label} ({outcome})" for label, outcome in zip(_labels(mail), mail["outcome"])]
    whose = escape_markdown(Focus.of(ds).elections)
    folder = f" Of {whose}, those by mail were {_names(held)}." if held else f" None of {whose} was by mail."
    text = (
        f"In {years}, when the NLRB ran most elections by mail, unions won {_names(parts)}."
        + folder
        + " A higher rate by mail does not show that mail ballots help "
        "unions: the NLRB chose the method case by case, and the units differ."
    )
    return Passage(text, release_ids(tables) + election_source_ids(ds, mail["election_id"]))


def challenged(ds: Dataset, tables: Tables) -> Passage:
    """How rarely challenged ballots are determinative, nationally and in the data folder."""
    total = tables["challenged_ballots_determinative"].set_index("fiscal_year").loc["all"]
    folder = determinative_data(ds, tables).iloc[-1]  # the data folder's row comes last
    record = folder_record(ds)
    open_ = _labels(record[record["determinative"].fillna(False).astype(bool)])
    text = (
        f"Ballots were challenged in {fmt_int(total['with_challenged_ballots'])} of the "
        f"{fmt_int(total['challenged_on_record'])} elections of {period(tables)} whose tallies are on record, but "
        "they could change the first "
        f"count's result in only **{fmt_int(total['determinative'])}**, "
        f"{fmt_pct(float(total['determinative_share']), 1)}. {escape_markdown(capitalised(Focus.of(ds).at))} "
        f"they did in {fmt_int(folder['determinative'])} of the {fmt_int(folder['elections'])} elections whose "
        "challenged ballots were reported" + (f": {_names(open_)}" if open_ else "") + "."
    )
    return Passage(text, release_ids(tables) + _all_ids(ds))


def certified(ds: Dataset, tables: Tables) -> Passage:
    """The national record's certified results: the union win rate over its fiscal years, and how often a union
    that trailed on a count whose challenged ballots could decide it was certified in the end."""
    data, years = fiscal_year_data(tables), record_period(tables)
    won, lost = int(data["certified_won"].sum()), int(data["certified_lost"].sum())
    listed = tables["challenged_ballots_determinative_elections"]
    listed = listed[listed["company"].astype(str) != BASELINE_LEAVES_OUT]
    trailed = listed[listed["union_trailed_at_first_count"].astype(str) == "True"]
    known = trailed[trailed["certified"].isin(["won", "lost"])]
    text = (
        f"Over {years}, the NLRB certified a union in **{fmt_pct(won / (won + lost), 0)}** of the "
        f"{fmt_int(won + lost)} elections it closed with a certification, {escape_markdown(BASELINE_LEAVES_OUT)}'s "
        f"own left out. Where the tallies show challenged ballots that could change the first count's result and "
        f"the union behind on it, the union was certified in the end in {fmt_int((known['certified'] == 'won').sum())} "
        f"of the {fmt_int(len(known))} such elections whose certification is on record "
        f"({fmt_int(len(trailed) - len(known))} more have none in the annual reports)."
    )
    return Passage(text, tuple(record_source_rows(tables)["source_id"]))


def history(ds: Dataset, tables: Tables) -> Passage:
    """The data folder's company in the national record (`labor_analysis.national()`): every election of it in the
    NLRB's own files, with the certified result where the annual reports give one, each cited to its NLRB file."""
    from ..loading import national

    focus = Focus.of(ds)
    record = national()
    elections = record.elections
    mine = elections[elections["company"].astype(str) == focus.name].sort_values("count_date", kind="stable")
    if mine.empty:
        return Passage(f"The NLRB's own files in the national record hold no election {escape_markdown(focus.at)}.", ())
    results = {"won": "the union certified", "lost": "no union certified"}
    items = [
        f"{place(e['city'], e['state'])}, {e['count_date'].year} "
        f"({results.get(str(e['certified']), 'no certification in the annual reports')})"
        for _, e in mine.iterrows()
    ]
    text = (
        f"The NLRB's own files (the national record) hold {fmt_int(len(mine))} elections "
        f"{escape_markdown(focus.at)}: {escape_markdown('; '.join(items))}."
    )
    cited = record.sources[record.sources["source_id"].isin(mine["source_id"])]
    return Passage(text, tuple(cited["source_id"]))
