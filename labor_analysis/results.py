"""`results`: the readable table of every election, one tidy row each, for a reporter to filter, sort and print.

It is `analysis.summary` (the counts and the NLRB's rules) joined to what a reader asks next: which company and
employer, where, which unions, which kind of case, when, and the result as certified where the folder records it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .analysis import count_date_order, summary
from .loading import Dataset
from .selection import case_parts, company_or_employer

#: Columns of `results`, in order.
RESULTS_COLUMNS = [
    "election_id",
    "case_number",
    "company",
    "employer",
    "facility",
    "city",
    "state",
    "union",
    "unions",
    "case_type",
    "region",
    "kind",
    "unit",
    "vote_start",
    "vote_end",
    "count_date",
    "stage",
    "eligible_voters",
    "yes",
    "no",
    "void",
    "challenged",
    "valid_votes",
    "ballots_cast",
    "yes_share",
    "no_share",
    "turnout",
    "margin",
    "yes_needed",
    "determinative",
    "outcome",
    "winner",
    "certified",
    "complete",
]

#: Separator of the unions of a ballot with several in the `union` column (union names may hold commas).
UNION_SEPARATOR = "; "


def _ballot_unions(ds: Dataset) -> pd.Series:
    """Every union on each ballot with several, by election id, in the tally's order and joined by `; `."""
    tallies = ds.tallies
    union = tallies["union"]
    named = union.notna().to_numpy(dtype=bool) & (union.to_numpy(dtype=object) != "")
    rows = tallies.loc[named, ["election_id", "union"]].drop_duplicates()
    return rows.groupby("election_id", sort=False)["union"].agg(UNION_SEPARATOR.join)


def _rows_of(elections: pd.DataFrame, ids: pd.Series) -> np.ndarray:
    """The row of `elections` holding each of `ids` (the summary's: the same ids, sorted by count date). Sorting
    the file's count dates as the summary does gives them without looking up a national file's ids; the rows are
    checked, and looked up by id only if they differ."""
    rows = count_date_order(elections)
    file_ids = elections["election_id"].to_numpy(dtype=object)
    if len(rows) == len(ids) and bool((file_ids[rows] == ids.to_numpy(dtype=object)).all()):
        return rows
    return pd.Index(elections["election_id"]).get_indexer(ids)


def results(ds: Dataset) -> pd.DataFrame:
    """One row per election (sorted by count date): who, where, which unions and case, when, the count, the
    shares, turnout, margin, the outcome of the count, the certified result and whether the challenged ballots
    are determinative.

    The counts, shares and outcome are `analysis.summary`'s (see it for each rule); `union` names every union
    on the ballot (joined by `; `) and `unions` counts them; `company` is the employer where the folder names no
    company; `region` and `case_type` come from the NLRB case number; `no_share` = no / valid votes;
    `certified` is the NLRB's certified result (`won`, `lost`) where the folder records it, else empty.

    >>> import labor_analysis as la
    >>> jfk8 = la.results(la.load()).set_index("election_id").loc["jfk8-2022"]
    >>> print(f"{jfk8['city']}, case type {jfk8['case_type']}: {jfk8['yes']} yes, {jfk8['no']} no, {jfk8['outcome']}")
    Staten Island, case type RC: 2654 yes, 2131 no, won
    """
    table = summary(ds)
    ids = table["election_id"]
    # each election's row of the elections file, in the summary's order (found once, by position), with only
    # the columns asked for here: a national file has two dozen
    named = ["employer", "case_number", "city", "state", "vote_start", "vote_end"]
    elections = ds.elections[[*named, *(["company"] if "company" in ds.elections.columns else [])]]
    elections = elections.take(_rows_of(ds.elections, ids)).reset_index(drop=True)
    table["company"] = company_or_employer(elections)
    for name in ("case_number", "employer", "city", "state", "vote_start", "vote_end"):
        table[name] = elections[name]
    table[["region", "case_type"]] = case_parts(table["case_number"])
    several = table["unions"].gt(1).fillna(False).to_numpy(dtype=bool)
    if several.any():  # only then are the unions of each ballot looked up (by id: costly in a national file)
        listed = pd.Series(_ballot_unions(ds).reindex(ids).to_numpy(), index=table.index)
        table["union"] = listed.where(several, table["union"])
    table["no_share"] = 1.0 - table["yes_share"]
    return table[RESULTS_COLUMNS]
