"""Elections as readers meet them: named in AP style, and the sources behind their figures.

Kept apart from the charts (no matplotlib), so the story text and a notebook's first cell load quickly.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from .analysis import summary
from .loading import Dataset
from .text import election_names


def election_source_ids(ds: Dataset, election_ids: Iterable[str]) -> tuple[str, ...]:
    """Sources behind these elections: the NLRB case page when sources.csv has one, the election row, its tallies."""
    known = set(ds.sources["source_id"])
    out: list[str] = []
    elections = ds.elections.set_index("election_id")
    tallies = ds.tallies
    stages = summary(ds).set_index("election_id")["stage"].astype(str)
    for eid in election_ids:
        case = elections.at[eid, "case_number"]
        case_page = f"nlrb-case-{case}"
        if pd.notna(case) and case_page in known:
            out.append(case_page)
        out.append(elections.at[eid, "source_id"])
        latest = tallies[(tallies["election_id"] == eid) & (tallies["stage"].astype(str) == stages[eid])]
        out.extend(latest["source_id"].astype(str))
    return tuple(dict.fromkeys(out))


def tally_record(election_ids: Iterable[str]) -> str:
    """The primary record of election charts: 'NLRB tally' for one election, 'NLRB tallies' for several."""
    return "NLRB tally" if len(list(election_ids)) == 1 else "NLRB tallies"


def results(ds: Dataset) -> pd.DataFrame:
    """`summary` with each election's city, state, note, `eligible_approximate` and `kind`, and its names.

    Where `summary` does not count the unions on each ballot (`unions`), they are counted here from the yes
    rows of the tallies, so a ballot with several unions is never drawn as yes against no.
    """
    table = summary(ds)
    details = [c for c in ("city", "state", "note", "eligible_approximate", "kind")
               if c in ds.elections and c not in table]
    table = table.join(ds.elections.set_index("election_id")[details], on="election_id")
    if "unions" not in table:
        table["unions"] = table["election_id"].map(union_counts(ds)).fillna(1).astype(int)
    return pd.concat([table, election_names(table)], axis=1)


def union_counts(ds: Dataset) -> pd.Series:
    """How many unions each election's ballot names (1 for a single-union ballot), by election_id."""
    tallies = ds.tallies
    if "union" not in tallies:
        return pd.Series(1, index=ds.elections["election_id"])
    yes = tallies[tallies["choice"].astype(str) == "yes"]
    names = yes["union"].astype("string").fillna("").str.strip()
    return names[names != ""].groupby(yes.loc[names != "", "election_id"]).nunique().clip(lower=1)
