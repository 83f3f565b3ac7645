"""The words of notebook 06 (Amazon against the nation), built at run time from the data folder and the
committed national tables, each passage citing the sources of its figures (see `story.Passage`)."""

from __future__ import annotations

import os

import pandas as pd

from ..elections import election_source_ids
from ..loading import Dataset
from ..story import Page, Passage
from ..text import fmt_int, fmt_pct, long_date
from .national_charts import (
    LARGE_UNIT,
    MODE_YEARS,
    _decided,
    _median,
    _national_rate,
    amazon_record,
    determinative_data,
    load_tables,
    period,
    release_ids,
    unit_size_data,
    voting_method_data,
    with_release_sources,
)


def page(
    notebook: str, data_dir: str | os.PathLike[str] | None = None, charts_dir: str | os.PathLike[str] | None = None
) -> tuple[Page, dict[str, pd.DataFrame]]:
    """The notebook's Page, whose Dataset also knows the NLRB release, and the national tables."""
    tables = load_tables()
    story_page = Page(notebook, data_dir, charts_dir)
    story_page.ds = with_release_sources(story_page.ds, tables)
    return story_page, tables


def _names(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"


def _all_ids(ds: Dataset) -> tuple[str, ...]:
    return election_source_ids(ds, ds.elections["election_id"])


def overview(ds: Dataset, tables: dict[str, pd.DataFrame]) -> Passage:
    """What is compared: the data folder's elections and the national elections of the FOIA table."""
    record = amazon_record(ds)
    stats = tables["unit_size_summary"].set_index("statistic")["value"]
    text = (
        f"The data folder holds **{fmt_int(len(record))} union elections** at Amazon's workplaces, counted from "
        f"{long_date(record['count_date'].min())} to {long_date(record['count_date'].max())}. The NLRB's own "
        f"table of tallies for {period(tables)} holds **{fmt_int(stats['elections'])} elections** counted by "
        "the project's rules (self-determination votes and elections whose first count predates the table "
        "left out). The national figures describe the years just before and during Amazon's first campaigns."
    )
    return Passage(text, release_ids(tables) + _all_ids(ds))


def unit_sizes(ds: Dataset, tables: dict[str, pd.DataFrame]) -> Passage:
    """Where Amazon's units sit among the nation's."""
    data = unit_size_data(ds, tables).sort_values("eligible_voters")
    stats = tables["unit_size_summary"].set_index("statistic")["value"]
    counts = tables["unit_size_counts"].groupby("eligible_voters")["elections"].sum()
    smallest, largest = data.iloc[0], data.iloc[-1]
    as_large = int(counts[counts.index >= largest["eligible_voters"]].sum())
    text = (
        f"Half of the units that voted in {period(tables)} had **{fmt_int(_median(tables))} eligible voters** "
        f"or fewer, and nine in ten had at most {fmt_int(stats['quantile_0.9'])}. Amazon's units ran from "
        f"{fmt_int(smallest['eligible_voters'])} ({smallest['label']}) to "
        f"**{fmt_int(largest['eligible_voters'])}** ({largest['label']}): even the smallest was larger than "
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


def win_rates(ds: Dataset, tables: dict[str, pd.DataFrame]) -> Passage:
    """The union win rate nationally and in large units, against Amazon's record."""
    record = amazon_record(ds)
    won, decided = _decided(record)
    t = tables["win_rate_by_unit_size"]
    large = t[t["min_eligible"] >= LARGE_UNIT]
    winners = record[record["outcome"] == "won"]["label"].tolist()
    open_ = record[record["outcome"] == "undetermined"]["label"].tolist()
    text = (
        f"Nationally, unions won **{fmt_pct(_national_rate(tables), 0)}** of the elections the count decided "
        f"in {period(tables)} (a tie loses). In units of {fmt_int(LARGE_UNIT)} voters or more they won "
        f"{fmt_pct(_national_rate(tables, LARGE_UNIT), 0)}, {fmt_int(large['won'].sum())} of "
        f"{fmt_int(large['won'].sum() + large['lost'].sum())}. At Amazon the union won **{fmt_int(won)} of "
        f"{fmt_int(decided)}** decided elections"
        + (f" ({_names(winners)})" if winners else "")
        + (f"; {_names(open_)} remained open, its challenged ballots determinative" if open_ else "")
        + "."
    )
    return Passage(text, release_ids(tables) + _all_ids(ds))


def voting_methods(ds: Dataset, tables: dict[str, pd.DataFrame]) -> Passage:
    """Mail against in-person voting in MODE_YEARS, nationally and at Amazon."""
    data = voting_method_data(tables).set_index("voting_method")
    years = f"{MODE_YEARS[0]}-{MODE_YEARS[-1]}"
    where = {"mail": "by mail", "in_person": "in person", "mixed": "mixed"}
    parts = [
        f"{fmt_pct(r['union_win_rate'], 0)} of the {fmt_int(r['won'] + r['lost'])} decided {where[m]}"
        for m, r in data.iterrows()
    ]
    record = amazon_record(ds)
    mail = record[record["voting_method"] == "mail"]
    held = [f"{label} ({outcome})" for label, outcome in zip(mail["label"], mail["outcome"])]
    amazon = f" Amazon's mail elections were {_names(held)}." if held else " None of Amazon's elections was by mail."
    text = (
        f"In {years}, when the NLRB ran most elections by mail, unions won {_names(parts)}."
        + amazon
        + " A higher rate by mail does not show that mail ballots help "
        "unions: the NLRB chose the method case by case, and the units differ."
    )
    return Passage(text, release_ids(tables) + election_source_ids(ds, mail["election_id"]))


def challenged(ds: Dataset, tables: dict[str, pd.DataFrame]) -> Passage:
    """How rarely challenged ballots are determinative, nationally and at Amazon."""
    total = tables["challenged_ballots_determinative"].set_index("year").loc["all"]
    data = determinative_data(ds, tables)
    amazon = data[data["who"] == "Amazon"].iloc[0]
    record = amazon_record(ds)
    open_ = record[record["determinative"].fillna(False).astype(bool)]["label"].tolist()
    text = (
        f"Ballots were challenged in {fmt_int(total['with_challenged_ballots'])} of the "
        f"{fmt_int(total['elections'])} elections of {period(tables)}, but they could change the first "
        f"count's result in only **{fmt_int(total['determinative'])}**, "
        f"{fmt_pct(float(total['determinative_share']), 1)}. At Amazon they did in "
        f"{fmt_int(amazon['determinative'])} of the {fmt_int(amazon['elections'])} elections whose challenged "
        "ballots were reported" + (f": {_names(open_)}" if open_ else "") + "."
    )
    return Passage(text, release_ids(tables) + _all_ids(ds))
