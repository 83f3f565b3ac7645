"""Per-election results and the money and people around them, computed from a loaded Dataset.

`summary` answers the reporter's questions of every tally (who won, by how much, how many turned out, could
the challenged ballots change it); the money and people helpers put spending and organizers per worker.
Unreported figures stay missing (`<NA>`/NaN): nothing is guessed.
"""

from __future__ import annotations

import weakref

import numpy as np
import pandas as pd

from .loading import Dataset, load
from .rules import is_determinative, yes_needed
from .schema import CHOICES, stage_rank
from .text import election_label

#: Outcome labels of `summary`, from the union's side.
OUTCOMES = ("won", "lost", "undetermined")

#: Columns of `summary`, in order (`complete`: all four choices of the tally were reported).
SUMMARY_COLUMNS = [
    "election_id", "facility", "union", "count_date", "stage", "yes", "no", "void", "challenged",
    "eligible_voters", "ballots_cast", "valid_votes", "yes_share", "margin", "turnout", "determinative",
    "yes_needed", "outcome", "complete",
]


def latest_tallies(ds: Dataset) -> pd.DataFrame:
    """One row per election (in the elections file's order) with its latest stage and a column per choice.

    The latest stage is the one of highest `schema.stage_rank` (`final`, else the highest revision, else
    `initial`); `yes` adds up the yes rows of every union on the ballot. An election without tallies gets
    missing counts. Vectorised with positions rather than string joins, so a national table stays fast.
    """
    elections, tallies = ds.elections, ds.tallies
    n = len(elections)
    election = pd.Index(elections["election_id"]).get_indexer(tallies["election_id"])
    stage = np.asarray(stage_rank(tallies["stage"]))
    choice = pd.Categorical(tallies["choice"], categories=list(CHOICES)).codes.astype(np.int64)
    usable = (election >= 0) & (stage >= 0) & (choice >= 0)
    latest = np.full(n, -1, dtype=np.int64)
    np.maximum.at(latest, election[usable], stage[usable])
    chosen = np.flatnonzero(usable & (stage == latest[np.where(usable, election, 0)]))
    ballots = tallies["ballots"].to_numpy(dtype=float, na_value=np.nan)[chosen]
    cell = election[chosen] * len(CHOICES) + choice[chosen]
    size = n * len(CHOICES)
    totals = np.bincount(cell, weights=np.nan_to_num(ballots), minlength=size).reshape(n, len(CHOICES))
    missing = (np.bincount(cell, weights=np.isnan(ballots), minlength=size) > 0) | (np.bincount(cell, minlength=size) == 0)
    missing = missing.reshape(n, len(CHOICES))
    stages = np.full(n, None, dtype=object)
    stages[election[chosen]] = tallies["stage"].to_numpy(dtype=object)[chosen]
    columns = {"election_id": elections["election_id"].to_numpy(), "stage": stages}
    for i, name in enumerate(CHOICES):
        columns[name] = pd.arrays.IntegerArray(totals[:, i].astype(np.int64), missing[:, i])
    return pd.DataFrame(columns)


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator as float64, NaN where either is missing or the denominator is 0."""
    num = numerator.astype("Float64")
    den = denominator.astype("Float64")
    return (num / den.where(den != 0)).astype("float64")


def summary(ds: Dataset | None = None) -> pd.DataFrame:
    """One row per election from its latest stage: counts, shares, turnout, margin, challenged ballots, outcome.

    `yes_share` = yes / (yes + no); `margin` = yes - no; `ballots_cast` = yes + no + void + challenged;
    `turnout` = ballots_cast / eligible_voters; `outcome` is `won`/`lost` when the challenged ballots are not
    determinative and `undetermined` when they are. `complete` is False when a choice was never reported: then
    ballots_cast and turnout are missing, and if `challenged` is the one missing, `determinative` and
    `yes_needed` are too and `outcome` is read from yes against no alone (the challenged ballots could change
    it). Sorted by count date; elections counted the same day keep the elections file's order.

    Computed once per Dataset (a chart registry asks for it dozens of times) and returned as a fresh copy; the
    cache assumes a Dataset's tables are not changed in place after loading.
    """
    ds = load() if ds is None else ds
    key = id(ds)
    cached = _SUMMARY_CACHE.get(key)
    if cached is None or cached[0] is not ds.elections or cached[1] is not ds.tallies:
        if key not in _SUMMARY_CACHE:
            weakref.finalize(ds, _SUMMARY_CACHE.pop, key, None)
        cached = (ds.elections, ds.tallies, _summary(ds))
        _SUMMARY_CACHE[key] = cached
    return cached[2].copy()


#: summary tables by id of their Dataset: (its elections frame, its tallies frame, the table).
_SUMMARY_CACHE: dict[int, tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]] = {}


def _summary(ds: Dataset) -> pd.DataFrame:
    """The `summary` table, computed."""
    counts = latest_tallies(ds).drop(columns="election_id")
    elections = ds.elections[["election_id", "facility", "union", "count_date", "eligible_voters"]]
    frame = pd.concat([elections.reset_index(drop=True), counts], axis=1)
    yes, no, void, challenged = (frame[c] for c in CHOICES)
    frame["ballots_cast"] = yes + no + void + challenged
    frame["valid_votes"] = yes + no
    frame["yes_share"] = _ratio(yes, frame["valid_votes"])
    frame["margin"] = yes - no
    frame["turnout"] = _ratio(frame["ballots_cast"], frame["eligible_voters"])
    frame["determinative"] = is_determinative(yes, no, challenged)
    frame["yes_needed"] = yes_needed(yes, no, challenged)
    frame["outcome"] = _outcome(frame["margin"], frame["determinative"])
    frame["complete"] = frame[list(CHOICES)].notna().all(axis=1).to_numpy(dtype=bool)
    frame = frame.sort_values("count_date", kind="stable", ignore_index=True)
    return frame[SUMMARY_COLUMNS]


def _outcome(margin: pd.Series, determinative: pd.Series) -> pd.Categorical:
    """`undetermined` when determinative, else `won` for a positive margin and `lost` otherwise (a tie loses)."""
    won = margin.gt(0).to_numpy(dtype=bool, na_value=False)
    labels = np.where(determinative.to_numpy(dtype=bool, na_value=False), "undetermined", np.where(won, "won", "lost"))
    labels = np.where(margin.isna().to_numpy(), None, labels)
    return pd.Categorical(labels, categories=list(OUTCOMES))


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
    period_start, period_end, amount_usd, approximate, source_id, eligible_voters, valid_votes,
    usd_per_eligible_voter, usd_per_valid_vote. Cash-on-hand balances are left out: they are not money spent or
    raised.
    """
    results = summary(ds).set_index("election_id")
    unknown = sorted(set(election_ids) - set(results.index))
    if unknown:
        raise KeyError(f"unknown election(s): {', '.join(unknown)}")
    chosen = results.loc[list(election_ids)]
    eligible = chosen["eligible_voters"].sum(min_count=1)
    votes = chosen["valid_votes"].sum(min_count=1)
    cols = ["spender", "side", "purpose", "measure", "period_start", "period_end", "amount_usd", "approximate",
            "source_id"]
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
    """
    table = prorated_spending(ds, start, end)
    by_side = table.groupby("side")["prorated_usd"].sum()
    employer = float(by_side.get("employer", 0.0))
    union = float(by_side.get("union", 0.0))
    ratio = employer / union if union else float("nan")
    return pd.Series({"employer_usd": employer, "union_usd": union, "ratio": ratio,
                      "approximate": bool(table["approximate"].any())}, dtype=object)


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
    """
    rows = preferred(ds.workforce)
    rows = rows[rows["measure"] == "organizers"][["election_id", "value", "approximate", "source_id"]]
    table = rows.rename(columns={"value": "organizers"}).merge(
        ds.elections[["election_id", "eligible_voters"]], on="election_id", how="left", validate="one_to_one"
    )
    table["organizers_per_eligible_voter"] = _ratio(table["organizers"], table["eligible_voters"])
    table["eligible_voters_per_organizer"] = _ratio(table["eligible_voters"], table["organizers"])
    return table.reset_index(drop=True)
