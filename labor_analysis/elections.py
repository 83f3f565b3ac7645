"""Elections as readers meet them: named in AP style, and the sources behind their figures.

Kept apart from the charts (no matplotlib), so the story text and a notebook's first cell load quickly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from .analysis import TableCache, once_per_dataset, summary
from .loading import Dataset
from .text import election_names, union_name


def election_source_ids(ds: Dataset, election_ids: Iterable[str]) -> tuple[str, ...]:
    """Sources behind these elections: the NLRB case page when sources.csv has one, the election row, its tallies."""
    known = set(ds.sources["source_id"])
    ids = list(election_ids)
    out: list[str] = []
    elections = ds.elections.set_index("election_id")
    stages = summary(ds).set_index("election_id")["stage"].astype(str)
    # the latest stage's tally rows of every election at once, in file order (not a scan of the tallies for each
    # election: quadratic, an hour on a national import)
    tallies = ds.tallies[ds.tallies["election_id"].isin(ids)]
    latest = tallies[tallies["stage"].astype(str).to_numpy() == tallies["election_id"].map(stages).to_numpy()]
    cited = latest["source_id"].astype(str).groupby(latest["election_id"].to_numpy(), sort=False).agg(list)
    for eid in ids:
        case = elections.at[eid, "case_number"]
        case_page = f"nlrb-case-{case}"
        if pd.notna(case) and case_page in known:
            out.append(case_page)
        out.append(elections.at[eid, "source_id"])
        out.extend(cited.get(eid, []))
    return tuple(dict.fromkeys(out))


def unverified_publishers(ds: Dataset, source_ids: Iterable[str]) -> list[str]:
    """The outlets of the cited sources that have no address on record (their figures could not be checked),
    each once, as readers know them ('HuffPost (reprinted)' -> 'HuffPost'). The NLRB's own records (a FOIA
    release, a case file) are the primary record, not a report to check, and are not listed."""
    sources = ds.sources.set_index("source_id")
    names = []
    for sid in dict.fromkeys(source_ids):
        if sid not in sources.index or re.search(
            r"National Labor Relations Board|\bNLRB\b", str(sources.at[sid, "publisher"])
        ):
            continue
        if pd.isna(sources.at[sid, "url"]) or not str(sources.at[sid, "url"]).strip():
            names.append(str(sources.at[sid, "publisher"]).split(" (")[0].strip())
    return list(dict.fromkeys(names))


def tally_record(election_ids: Iterable[str]) -> str:
    """The primary record of election charts: 'NLRB tally' for one election, 'NLRB tallies' for several."""
    return "NLRB tally" if len(list(election_ids)) == 1 else "NLRB tallies"


def results(ds: Dataset) -> pd.DataFrame:
    """`summary` with each election's city, state, note and `eligible_approximate`, and its names.

    The names are `text.election_names`: as labels, in sentences, and whether a code or year tells sites apart.
    Computed once per Dataset, as `summary` is (every chart of every election asks for it: on a national import,
    seconds each time), and returned as a fresh copy.
    """
    return once_per_dataset(_RESULTS_CACHE, ds, _results)


_RESULTS_CACHE: TableCache = {}


def _results(ds: Dataset) -> pd.DataFrame:
    """The `results` table, computed."""
    table = summary(ds)
    wanted = ("city", "state", "note", "eligible_approximate", "case_number", *STATUS_COLUMNS)
    details = [c for c in wanted if c in ds.elections and c not in table]
    table = table.join(ds.elections.set_index("election_id")[details], on="election_id")
    # a union's name as readers see it: capitals in title case, a name cut by the NLRB's file made whole
    table["union"] = table["union"].map(union_name)
    return pd.concat([table, election_names(table), _in_case(table)], axis=1)


#: The structured columns that say what the NLRB decided after a count (`text.status_sentence`).
STATUS_COLUMNS = ("status", "status_date", "status_by", "status_appealed")


def _in_case(table: pd.DataFrame) -> pd.DataFrame:
    """`elections_in_case`: how many elections of the same NLRB case were counted up to each one (0: no case)."""
    case = table["case_number"].astype("string") if "case_number" in table else pd.Series(pd.NA, index=table.index)
    known = case.notna() & (case != "")
    order = table.assign(_case=case).sort_values("count_date", kind="stable")
    counts = order[known.loc[order.index]].groupby("_case").cumcount() + 1
    return pd.DataFrame({"elections_in_case": counts.reindex(table.index).fillna(0).astype(int)})
