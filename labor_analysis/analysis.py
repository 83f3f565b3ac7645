"""Per-election results and the money and people around them, computed from a loaded Dataset.

`summary` answers the reporter's questions of every tally (who won, by how much, how many turned out, could
the challenged ballots change it); the money and people helpers put spending and organizers per worker.
Unreported figures stay missing (`<NA>`/NaN): nothing is guessed.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .loading import Dataset, load
from .rules import ELECTION_OUTCOMES, election_outcome, yes_needed
from .schema import CHOICES, stage_rank
from .text import election_label
from .validation import run_lengths, run_starts

#: Outcome labels of `summary`, from the unions' side (`runoff`: no choice had a majority of several).
OUTCOMES = ELECTION_OUTCOMES

#: Columns of `summary`, in order (`complete`: every choice of the tally, each union's yes included, was reported).
SUMMARY_COLUMNS = [
    "election_id",
    "facility",
    "union",
    "count_date",
    "stage",
    "yes",
    "no",
    "void",
    "challenged",
    "eligible_voters",
    "ballots_cast",
    "valid_votes",
    "yes_share",
    "margin",
    "turnout",
    "determinative",
    "yes_needed",
    "outcome",
    "certified",
    "complete",
    "unions",
    "winner",
    "kind",
    "unit",
]


@dataclass(frozen=True)
class _Latest:
    """Each election's latest stage: the `latest_tallies` frame, and its yes votes and union names by ballot slot."""

    frame: pd.DataFrame
    union_votes: np.ndarray  # (elections, slots) float64, NaN where a slot is empty or its count unreported
    union_names: np.ndarray  # (elections, slots) object: the tally's union name ("" on a single-union ballot)


def _positions(keys: pd.Series, values: pd.Series) -> np.ndarray:
    """The position in `keys` (unique) of each of `values`, -1 where absent.

    Looked up once per run of equal neighbours: the tally rows of an election come together, so most of them
    need no hashing; when the runs follow `keys` in order (tallies in the elections file's order), none do.
    """
    cells = values.to_numpy(dtype=object)
    starts = run_starts(cells)
    heads, key_cells = cells[starts], keys.to_numpy(dtype=object)
    if len(heads) == len(key_cells) and bool((heads == key_cells).all()):
        found = np.arange(len(heads))
    else:
        found = pd.Index(keys).get_indexer(heads)
    return np.repeat(found, run_lengths(starts, len(cells)))


def _latest(ds: Dataset) -> _Latest:
    """The latest stage of every election, vectorised with positions rather than string joins (fast nationally)."""
    elections, tallies = ds.elections, ds.tallies
    n = len(elections)
    election = _positions(elections["election_id"], tallies["election_id"])
    rank = np.asarray(stage_rank(tallies["stage"]), dtype=np.int64)
    choice = pd.Categorical(tallies["choice"], categories=list(CHOICES)).codes.astype(np.int64)
    usable = (election >= 0) & (rank >= 0) & (choice >= 0)
    latest = np.full(n, -1, dtype=np.int64)
    np.maximum.at(latest, election[usable], rank[usable])
    chosen = usable & (rank == latest[np.where(usable, election, 0)])
    ballots = tallies["ballots"].to_numpy(dtype=float, na_value=np.nan)
    grid = np.full((n, len(CHOICES)), np.nan)
    others = chosen & (choice != 0)
    grid[election[others], choice[others]] = ballots[others]
    # yes rows: one per union, in the file's order (the first is the union named first on the ballot)
    yes_rows = np.flatnonzero(chosen & (choice == 0))
    order = np.argsort(election[yes_rows], kind="stable")
    yes_rows, owner = yes_rows[order], election[yes_rows[order]]
    unions = np.bincount(owner, minlength=n)
    group_start = np.cumsum(unions) - unions
    slot = np.arange(len(yes_rows)) - group_start[owner]
    width = max(int(unions.max(initial=0)), 1)
    union_votes = np.full((n, width), np.nan)
    union_votes[owner, slot] = ballots[yes_rows]
    union_names = np.full((n, width), "", dtype=object)
    if "union" in tallies.columns:
        names = np.asarray(tallies["union"].array[yes_rows], dtype=object)
        union_names[owner, slot] = np.where(pd.isna(names), "", names)
    on_ballot = np.arange(width)[None, :] < unions[:, None]
    yes_missing = (np.isnan(union_votes) & on_ballot).any(axis=1) | (unions == 0)
    yes = np.where(on_ballot, np.nan_to_num(union_votes), 0).sum(axis=1)
    stages = np.full(n, None, dtype=object)
    stages[election[chosen]] = np.asarray(tallies["stage"].array[chosen], dtype=object)
    columns: dict[str, object] = {
        "election_id": elections["election_id"].to_numpy(),
        "stage": stages,
        "yes": _int_array(yes, yes_missing),
    }
    for i, name in enumerate(CHOICES[1:], start=1):
        columns[name] = _int_array(grid[:, i], np.isnan(grid[:, i]))
    columns["unions"] = _int_array(unions, unions == 0)
    return _Latest(pd.DataFrame(columns), union_votes, union_names)


def _int_array(values: np.ndarray, missing: np.ndarray) -> pd.arrays.IntegerArray:
    """A nullable Int64 array of `values`, <NA> where `missing`."""
    return pd.arrays.IntegerArray(np.where(missing, 0, values).astype(np.int64), np.asarray(missing, dtype=bool))


def latest_tallies(ds: Dataset) -> pd.DataFrame:
    """One row per election (in the elections file's order) with its latest stage and a column per choice.

    The latest stage is `final` when the election has one, else its highest revision (`revised-N`), else
    `initial`. `yes` is the votes for every union on the ballot together (missing if one union's count is),
    `unions` how many unions the stage lists. An election without tallies gets missing counts and stage.
    """
    return _latest(ds).frame


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator as float64, NaN where either is missing or the denominator is 0."""
    num = numerator.astype("Float64")
    den = denominator.astype("Float64")
    return (num / den.where(den != 0)).astype("float64")


def summary(ds: Dataset | None = None) -> pd.DataFrame:
    """One row per election from its latest stage: counts, shares, turnout, margin, challenged ballots, outcome.

    `yes` = the votes for every union on the ballot together, `no` = the votes for no union, `valid_votes` =
    yes + no, `yes_share` = yes / valid_votes; `ballots_cast` = yes + no + void + challenged; `turnout` =
    ballots_cast / eligible_voters. `outcome` follows the NLRB rules (see `rules.election_outcome`): `won`,
    `lost`, `runoff` (several unions, no choice with a majority; never for a run-off election, since the NLRB
    holds one run-off only) or `undetermined` when the challenged ballots are determinative; `winner` names the
    union that won (else empty) and `unions` counts the unions on the ballot. `certified` is the result the NLRB
    certified after the count (`won`, `lost`, or empty where none is on record), from the same union's side as
    `outcome` (in an RD decertification case `won` means the union kept its certification); it can differ from
    `outcome` where challenged ballots or objections were resolved after the count. `margin` (yes - no) and
    `yes_needed` keep their single-union meaning and are <NA> on ballots with several unions. `complete` is
    False when a choice was never reported: then ballots_cast and turnout are missing, and if `challenged` is
    the one missing, `determinative` and `yes_needed` are too and `outcome` is read from the count alone (the
    challenged ballots could change it). `kind` (initial, rerun, runoff) and `unit` come from the elections
    file. Sorted by count date; elections counted the same day keep the elections file's order.

    Computed once per Dataset (a chart registry asks for it dozens of times) and returned as a fresh copy (with
    pandas 3, a copy-on-write one: a national table is not held twice); the cache assumes a Dataset's tables are
    not changed in place after loading.

    >>> import labor_analysis as la
    >>> jfk8 = la.summary(la.load()).set_index("election_id").loc["jfk8-2022"]
    >>> print(f"{jfk8['yes']} yes, {jfk8['no']} no: {jfk8['outcome']}")
    2654 yes, 2131 no: won
    """
    ds = load() if ds is None else ds
    return once_per_dataset(_SUMMARY_CACHE, ds, _summary)


#: A table computed from a Dataset, by id of the Dataset: (its elections frame, its tallies frame, the table).
TableCache = dict[int, tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]]
_SUMMARY_CACHE: TableCache = {}


def once_per_dataset(cache: TableCache, ds: Dataset, compute: Callable[[Dataset], pd.DataFrame]) -> pd.DataFrame:
    """`compute(ds)`, computed once per Dataset and kept in `cache` while the Dataset lives, returned as a fresh
    copy; computed again if its elections or tallies frame was replaced (not if changed in place)."""
    key = id(ds)
    cached = cache.get(key)
    if cached is None or cached[0] is not ds.elections or cached[1] is not ds.tallies:
        if key not in cache:
            weakref.finalize(ds, cache.pop, key, None)
        cached = (ds.elections, ds.tallies, compute(ds))
        cache[key] = cached
    return cached[2].copy(deep=not _COPY_ON_WRITE)


#: Whether pandas copies a DataFrame's data only when one of its copies is changed (always from pandas 3): then a
#: shallow copy of the cached table is as safe to change as a deep one.
_COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3


def _text_column(elections: pd.DataFrame, name: str, default: str) -> np.ndarray:
    """An optional text column of the elections file as strings, `default` where it is absent or empty."""
    if name not in elections.columns:
        return np.full(len(elections), default, dtype=object)
    values = elections[name].astype(object).to_numpy(copy=True)
    values[pd.isna(values) | (values == "")] = default
    return values


def count_date_order(elections: pd.DataFrame) -> np.ndarray:
    """The rows of an elections table in the summary's order: by count date, those counted the same day in the
    file's order."""
    return np.argsort(elections["count_date"].to_numpy(), kind="stable")


def _summary(ds: Dataset) -> pd.DataFrame:
    """The `summary` table, computed."""
    latest = _latest(ds)
    # Sorted by count date first (ties in file order), so the columns computed next need no reordering.
    order = count_date_order(ds.elections)
    counts = latest.frame.drop(columns="election_id").take(order).reset_index(drop=True)
    elections = ds.elections[["election_id", "facility", "union", "count_date", "eligible_voters"]].take(order)
    frame = pd.concat([elections.reset_index(drop=True), counts], axis=1)
    yes, no, void, challenged = (frame[c] for c in CHOICES)
    several = frame["unions"].gt(1).to_numpy(dtype=bool, na_value=False)
    frame["ballots_cast"] = yes + no + void + challenged
    frame["valid_votes"] = yes + no
    frame["yes_share"] = _ratio(yes, frame["valid_votes"])
    frame["margin"] = (yes - no).mask(several)
    frame["turnout"] = _ratio(frame["ballots_cast"], frame["eligible_voters"])
    kind = _text_column(ds.elections, "kind", "initial")[order]
    result = election_outcome(
        latest.union_votes[order], no, challenged, unions=frame["unions"], runoff_allowed=kind != "runoff"
    )
    frame["determinative"] = result["determinative"].array  # nullable boolean, whatever the rows
    frame["yes_needed"] = yes_needed(yes, no, challenged).mask(several)
    frame["outcome"] = result["outcome"].to_numpy()
    frame["certified"] = _text_column(ds.elections, "certified", "")[order]
    frame["complete"] = frame[list(CHOICES)].notna().all(axis=1).to_numpy(dtype=bool)
    won = result["winner"].to_numpy(dtype=np.int64, na_value=-1)
    names = latest.union_names[order, np.maximum(won, 0)]
    names = np.where(names == "", frame["union"].astype(object).to_numpy(), names)
    frame["winner"] = np.where(won >= 0, names, "").astype(object)
    frame["kind"] = kind
    frame["unit"] = _text_column(ds.elections, "unit", "")[order]
    return frame[SUMMARY_COLUMNS]


def preferred(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of a spending or workforce table marked preferred: the one figure to use where outlets disagree."""
    return frame[frame["preferred"].to_numpy(dtype=bool)]


def overlapping(rows: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """The rows of a spending table whose period (`period_start`..`period_end`) shares a day with `start`..`end`."""
    return rows[(rows["period_start"] <= end) & (rows["period_end"] >= start)]


def election_row(ds: Dataset, election_id: str) -> pd.Series:
    """One election's `summary` row with its details (city, state, note, eligible_approximate) and chart `label`.

    A KeyError names the known elections when `election_id` is not one of them.
    """
    table = summary(ds).set_index("election_id")
    if election_id not in table.index:
        raise KeyError(f"unknown election {election_id!r}; known: {', '.join(table.index)}")
    details = ds.elections.set_index("election_id").loc[election_id, ["city", "state", "note", "eligible_approximate"]]
    row = pd.concat([table.loc[election_id], details])
    row["election_id"] = election_id
    row["label"] = election_label(row["facility"], row["count_date"])
    return row


def spending_per_voter(ds: Dataset, election_ids: list[str]) -> pd.DataFrame:
    """Each preferred figure of money spent or raised, per eligible voter and per valid vote of the given elections.

    The caller says which elections the money is set against (e.g. `["jfk8-2022"]`); their eligible voters
    and valid votes (yes + no, latest stage) are summed. Columns: spender, side, purpose, measure,
    period_start, period_end, amount_usd, approximate, qualifier, source_id, eligible_voters, valid_votes,
    usd_per_eligible_voter, usd_per_valid_vote. Cash-on-hand balances are left out: they are not money spent or
    raised.

    >>> import labor_analysis as la
    >>> table = la.spending_per_voter(la.load(), ["jfk8-2022"])
    >>> bool((table["usd_per_eligible_voter"] == table["amount_usd"] / table["eligible_voters"]).all())
    True
    """
    results = summary(ds).set_index("election_id")
    unknown = sorted(set(election_ids) - set(results.index))
    if unknown:
        raise KeyError(f"unknown election(s): {', '.join(unknown)}")
    chosen = results.loc[list(election_ids)]
    eligible = chosen["eligible_voters"].sum(min_count=1)
    votes = chosen["valid_votes"].sum(min_count=1)
    cols = [
        "spender",
        "side",
        "purpose",
        "measure",
        "period_start",
        "period_end",
        "amount_usd",
        "approximate",
        "qualifier",
        "source_id",
    ]
    money = preferred(ds.spending)
    table = money[money["measure"].isin(["spent", "raised"])][cols].reset_index(drop=True)
    table["eligible_voters"] = pd.array([eligible] * len(table), dtype="Int64")
    table["valid_votes"] = pd.array([votes] * len(table), dtype="Int64")
    table["usd_per_eligible_voter"] = _ratio(table["amount_usd"], table["eligible_voters"])
    table["usd_per_valid_vote"] = _ratio(table["amount_usd"], table["valid_votes"])
    return table


def prorated_spending(ds: Dataset, start: str | pd.Timestamp, end: str | pd.Timestamp) -> pd.DataFrame:
    """Each preferred `spent` figure whose period overlaps `start`..`end`, with the part that falls inside it.

    Assumes the money was spent evenly over each figure's period: the part inside is amount_usd times the
    days of overlap over the days of the period, both counting first and last days (inclusive). Columns:
    spender, side, purpose, period_start, period_end, amount_usd, approximate, source_id, period_days,
    overlap_days, prorated_usd (float).
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    rows = preferred(ds.spending)
    rows = overlapping(rows[rows["measure"] == "spent"], start, end)
    cols = ["spender", "side", "purpose", "period_start", "period_end", "amount_usd", "approximate", "source_id"]
    table = rows[cols].reset_index(drop=True)
    table["side"] = table["side"].astype(str)
    table["period_days"] = (table["period_end"] - table["period_start"]).dt.days + 1
    overlap_start = table["period_start"].where(table["period_start"] > start, start)
    overlap_end = table["period_end"].where(table["period_end"] < end, end)
    table["overlap_days"] = (overlap_end - overlap_start).dt.days + 1
    table["prorated_usd"] = table["amount_usd"].astype(float) * table["overlap_days"] / table["period_days"]
    return table


def employer_union_ratio(ds: Dataset, start: str | pd.Timestamp, end: str | pd.Timestamp) -> pd.Series:
    """How many dollars the employer spent for each dollar the union spent within `start`..`end`.

    Like is compared with like: each side's preferred `spent` figures are pro-rated to the days they share
    with `start`..`end`, assuming even spending over each figure's period (see `prorated_spending`). Returns
    a record (object Series) of employer_usd and union_usd (floats), ratio (NaN when the union spent nothing
    on record) and approximate (True when any figure used is flagged approximate).

    >>> import labor_analysis as la
    >>> money = la.employer_union_ratio(la.load(), "2022-01-01", "2022-12-31")
    >>> money["ratio"] == money["employer_usd"] / money["union_usd"]
    True
    """
    table = prorated_spending(ds, start, end)
    by_side = table.groupby("side")["prorated_usd"].sum()
    employer = float(by_side.get("employer", 0.0))
    union = float(by_side.get("union", 0.0))
    ratio = employer / union if union else float("nan")
    return pd.Series(
        {"employer_usd": employer, "union_usd": union, "ratio": ratio, "approximate": bool(table["approximate"].any())},
        dtype=object,
    )


def union_campaign_ratio(ds: Dataset) -> pd.Series:
    """`employer_union_ratio` over the union's campaign: from the first to the last day of its preferred `spent` rows.

    Adds `period_start` and `period_end` (the campaign) to the record.
    """
    spent = preferred(ds.spending)
    union = spent[(spent["measure"] == "spent") & (spent["side"] == "union")]
    start, end = union["period_start"].min(), union["period_end"].max()
    ratio = employer_union_ratio(ds, start, end)
    ratio["period_start"], ratio["period_end"] = start, end
    return ratio


def organizers_per_voter(ds: Dataset) -> pd.DataFrame:
    """Union organizers against the workers eligible to vote, per election with a preferred organizers count.

    Columns: election_id, organizers, approximate, source_id, eligible_voters, organizers_per_eligible_voter and
    eligible_voters_per_organizer (how many workers each organizer had to reach).

    >>> import labor_analysis as la
    >>> table = la.organizers_per_voter(la.load())
    >>> bool((table["eligible_voters_per_organizer"] == table["eligible_voters"] / table["organizers"]).all())
    True
    """
    rows = preferred(ds.workforce)
    rows = rows[rows["measure"] == "organizers"][["election_id", "value", "approximate", "source_id"]]
    table = rows.rename(columns={"value": "organizers"}).merge(
        ds.elections[["election_id", "eligible_voters"]], on="election_id", how="left", validate="one_to_one"
    )
    table["organizers_per_eligible_voter"] = _ratio(table["organizers"], table["eligible_voters"])
    table["eligible_voters_per_organizer"] = _ratio(table["eligible_voters"], table["organizers"])
    return table.reset_index(drop=True)
