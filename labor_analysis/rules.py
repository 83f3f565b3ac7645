"""The NLRB's counting rules for one tally: who wins, whether the challenged ballots matter, what they could do.

Single-union ballots (one union against "no union"): every counting function takes the union's `yes` votes,
the `no` votes and the `challenged` ballots (set aside unopened), as scalars or as equal-length arrays, and is
vectorised: a whole national table in one call. Ballots with any number of unions: `count_outcome`,
`multi_union_determinative` and `election_outcome` take a table of union votes (one column per union) and
give `won`, `lost` or `runoff` (and `undetermined`), also for a whole table at once.

`meets_showing_of_interest` checks the one rule before the vote: the petition's backing.

Rules (NLRB): a choice wins only with a majority, strictly more than half of the valid votes (a tie loses).
Void ballots count toward turnout, not valid votes. A challenged ballot is opened and counted when its
challenge is overruled and not counted when it is sustained. Challenged ballots are determinative when they
could change the result; until they are resolved the outcome is open.

Types in and out of the single-union functions:
- all scalars in: a Python `bool`, `int` (or `None`) or `float` out; a missing scalar is a `ValueError`;
- any pandas Series in: a Series on the first Series' index, with nullable dtypes (`boolean`, `Int64`) or
  `float64`; a missing input (`<NA>`/NaN) gives a missing result in that row;
- other arrays (numpy, lists, pandas arrays) in: numpy arrays out, except `yes_needed`, which returns a
  pandas `Int64` array because "no k works" is a missing value; missing inputs are a `ValueError`.
Negative or fractional counts, and shares outside 0..1, are a `ValueError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .schema import MAX_COUNT

#: Probability computations are done in chunks of at most this many (election, yes-count) terms.
_CHUNK_TERMS = 2_000_000

#: The share of the unit that must back a petition before the NLRB holds an election (NLRB Casehandling Manual).
SHOWING_OF_INTEREST_MINIMUM = 0.30


def meets_showing_of_interest(share: float) -> bool:
    """True when `share` of the unit (0..1) backing a petition reaches the NLRB's 30% minimum (exactly 30% meets it)."""
    share = float(share)
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"share must be between 0 and 1 (got {share:g})")
    return share >= SHOWING_OF_INTEREST_MINIMUM


@dataclass(frozen=True)
class _Inputs:
    """Inputs broadcast to one shape, with where any of them is missing and how to shape the answer."""

    values: dict[str, np.ndarray]  # float64 arrays; missing entries replaced by 0
    missing: np.ndarray  # bool, True where any input is missing
    scalar: bool
    index: pd.Index | None  # the first Series' index, when a Series came in


def _as_float(name: str, value: Any) -> tuple[np.ndarray, np.ndarray]:
    """`value` as a float64 array and a mask of its missing entries."""
    if isinstance(value, pd.Series):
        value = value.array
    scalar_or_numpy = pd.api.types.is_scalar(value) or isinstance(value, np.ndarray)
    arr = value if scalar_or_numpy else pd.array(value)
    if isinstance(arr, pd.api.extensions.ExtensionArray):
        missing = np.asarray(arr.isna(), dtype=bool)
        numbers = np.asarray(arr.to_numpy(dtype="float64", na_value=np.nan), dtype=float)
    else:
        try:
            numbers = np.asarray(arr, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a number or an array of numbers, got {value!r}") from None
        missing = np.isnan(numbers)
    return np.where(missing, 0.0, numbers), missing


def _prepare(counts: dict[str, Any], shares: dict[str, Any] | None = None) -> _Inputs:
    """Validate and broadcast the inputs: counts whole and non-negative, shares within 0..1."""
    shares = shares or {}
    named = {**counts, **shares}
    for name, value in named.items():
        if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
            raise ValueError(f"{name} is missing")
    scalar = all(pd.api.types.is_scalar(v) or np.ndim(v) == 0 for v in named.values())
    index = next((v.index for v in named.values() if isinstance(v, pd.Series)), None)
    converted = {k: _as_float(k, v) for k, v in named.items()}
    try:
        broadcast = np.broadcast_arrays(*(c[0] for c in converted.values()), *(c[1] for c in converted.values()))
    except ValueError:
        shapes = ", ".join(f"{k} {np.shape(c[0])}" for k, c in converted.items())
        raise ValueError(f"inputs must have equal lengths (or be scalars): {shapes}") from None
    n = len(converted)
    values = dict(zip(converted, (np.array(b, dtype=float) for b in broadcast[:n])))
    missing = np.logical_or.reduce([np.array(b, dtype=bool) for b in broadcast[n:]])
    if missing.any() and index is None:
        raise ValueError("missing values: pass pandas Series to get a missing result for those rows instead")
    if index is not None and len(index) != missing.size:
        raise ValueError(f"inputs must have equal lengths: a Series has {len(index)} rows, the result {missing.size}")
    for name in counts:
        v = values[name]
        if (v < 0).any():
            raise ValueError(f"{name} must not be negative (got {v[v < 0].flat[0]:g})")
        fractional = ~np.isfinite(v) | (v != np.floor(v))
        if fractional.any():
            raise ValueError(f"{name} must be a whole number of ballots (got {v[fractional].flat[0]:g})")
    for name in shares:
        v = values[name]
        outside = ~((v >= 0) & (v <= 1))
        if outside.any():
            raise ValueError(f"{name} must be a share between 0 and 1 (got {v[outside].flat[0]:g})")
    return _Inputs(values=values, missing=missing, scalar=scalar, index=index)


def _bools(result: np.ndarray, inputs: _Inputs) -> Any:
    """`result` shaped as the inputs ask: bool, a nullable-boolean Series, or a numpy bool array."""
    if inputs.scalar:
        return bool(result)
    if inputs.index is not None:
        return pd.Series(pd.arrays.BooleanArray(np.asarray(result, dtype=bool), inputs.missing), index=inputs.index)
    return np.asarray(result, dtype=bool)


def yes_needed(yes: Any, no: Any, challenged: Any) -> Any:
    """The fewest challenged ballots that must be yes (the rest no) for the union to win; None if none suffice.

    That is the smallest k in 0..challenged with yes + k > no + (challenged - k); 0 when the union already
    wins whatever the challenged ballots say. Arrays give a pandas `Int64` array (a Series for Series input)
    with `<NA>` where no k works.
    """
    inputs = _prepare({"yes": yes, "no": no, "challenged": challenged})
    y, n, c = (inputs.values[k] for k in ("yes", "no", "challenged"))
    k = np.maximum(np.floor((c - (y - n)) / 2) + 1, 0)
    impossible = (k > c) | inputs.missing
    if inputs.scalar:
        return None if impossible else int(k)
    result = pd.arrays.IntegerArray(np.where(impossible, 0, k).astype(np.int64), np.asarray(impossible, dtype=bool))
    return pd.Series(result, index=inputs.index) if inputs.index is not None else result


def is_determinative(yes: Any, no: Any, challenged: Any) -> Any:
    """True when some way of opening the challenged ballots gives a different result than the count without them.

    Leading unions: challenged >= lead. Trailing or tied unions: challenged > deficit (so a tie with even one
    challenged ballot is determinative: that one ballot, if yes, wins).
    """
    inputs = _prepare({"yes": yes, "no": no, "challenged": challenged})
    y, n, c = (inputs.values[k] for k in ("yes", "no", "challenged"))
    lead = y - n
    result = np.where(lead > 0, c >= lead, c > -lead)
    return _bools(result, inputs)


def _binomial_pmf(k: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """P(K = k) for K ~ Binomial(n, p), computed through log-gamma (exact to rounding; p may be 0 or 1)."""
    from scipy.special import gammaln, xlog1py, xlogy

    log_pmf = gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1) + xlogy(k, p) + xlog1py(n - k, -p)
    return np.exp(log_pmf)


def _binomial_cdf(k: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """P(K <= k) for K ~ Binomial(n, p), for any integer k (0 below the support, 1 above it)."""
    from scipy.special import bdtr

    inside = (k >= 0) & (k < n)
    out = np.where(k >= n, 1.0, 0.0)
    out[inside] = bdtr(k[inside].astype(np.int64), n[inside].astype(np.int64), p[inside])
    return out


#: Up to this many challenged ballots, `win_probability` sums over every possible number of yes ballots (0.05 s
#: for one election of 100,000 challenged ballots); beyond, over the window `_yes_window` gives.
FULL_SUM_MAX = 100_000
#: Largest number of challenged ballots `win_probability` takes: the data contract's bound on any count.
CHALLENGED_MAX = MAX_COUNT
#: `scenario_grid` computes hundreds of probabilities at once: it sums over the window beyond this many challenged
#: ballots (its results agree with `win_probability`'s to within WINDOW_MASS_LEFT_OUT plus rounding).
GRID_FULL_SUM_MAX = 2_000
#: Beyond FULL_SUM_MAX, the probability mass the sum leaves out is at most this (Hoeffding's inequality).
WINDOW_MASS_LEFT_OUT = 1e-20


def _yes_window(c: np.ndarray, p_yes: np.ndarray, full_sum_max: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The yes counts to sum over, lo..hi, for each election: all of 0..c up to FULL_SUM_MAX challenged ballots;
    beyond, c*p_yes +- t with P(|Y - c*p_yes| >= t) <= 2*exp(-2t^2/c) = WINDOW_MASS_LEFT_OUT (Hoeffding), so the
    terms left out weigh at most 1e-20 in all: about 31,000 terms for 10,000,000 challenged ballots."""
    full = FULL_SUM_MAX if full_sum_max is None else full_sum_max
    half = np.ceil(np.sqrt(c * np.log(2 / WINDOW_MASS_LEFT_OUT) / 2))
    centre = c * p_yes
    lo = np.where(c > full, np.maximum(np.floor(centre - half), 0), 0)
    hi = np.where(c > full, np.minimum(np.ceil(centre + half), c), c)
    return lo, hi


def _open_win_probability(
    lead: np.ndarray, c: np.ndarray, p_yes: np.ndarray, p_no: np.ndarray, full_sum_max: int | None = None
) -> np.ndarray:
    """P(lead + Y - N > 0) with (Y, N, discarded) ~ Multinomial(c; p_yes, p_no, rest), elementwise.

    Sums over y in `_yes_window` (every y in 0..c up to FULL_SUM_MAX challenged ballots): P(Y = y) * P(N <= lead +
    y - 1 | Y = y), where given Y = y the remaining c - y ballots are no with probability p_no / (1 - p_yes).
    Chunked so memory stays bounded: at most _CHUNK_TERMS terms, or one election's window, at a time.
    """
    out = np.empty(c.size)
    lo, hi = _yes_window(c, p_yes, full_sum_max)
    terms = (hi - lo).astype(np.int64) + 1
    ends = np.cumsum(terms)
    start = 0
    while start < c.size:
        base = ends[start - 1] if start else 0
        stop = max(int(np.searchsorted(ends, base + _CHUNK_TERMS, side="right")), start + 1)
        sizes = terms[start:stop]
        row = np.repeat(np.arange(stop - start), sizes)
        offsets = np.cumsum(sizes) - sizes
        y = (np.arange(sizes.sum()) - np.repeat(offsets, sizes)).astype(float) + lo[start:stop][row]
        cc, ll, py, pn = (a[start:stop][row] for a in (c, lead, p_yes, p_no))
        rest = 1.0 - py
        p_cond = np.divide(pn, rest, out=np.zeros_like(pn), where=rest > 0)
        weight = _binomial_pmf(y, cc, py) * _binomial_cdf(ll + y - 1, cc - y, np.minimum(p_cond, 1.0))
        out[start:stop] = np.bincount(row, weights=weight, minlength=stop - start)
        start = stop
    return np.clip(out, 0.0, 1.0)


def win_probability(yes: Any, no: Any, challenged: Any, yes_share: Any, overruled: Any = 1.0) -> Any:
    """The exact probability the union wins once the challenged ballots are resolved (no simulation).

    Each challenged ballot's challenge is independently overruled (the ballot is opened and counted) with
    probability `overruled`, and a counted ballot is yes with probability `yes_share`; the other challenges are
    sustained and those ballots are not counted. So each ballot is yes with probability overruled*yes_share, no
    with overruled*(1-yes_share), not counted otherwise, and the union wins when yes + Y > no + N. Arrays give a
    float64 array (a Series for Series input, NaN where an input is missing).

    Cost is bounded for any count the data contract allows (up to CHALLENGED_MAX, 10,000,000, challenged ballots;
    more is a ValueError): up to FULL_SUM_MAX challenged ballots the sum runs over every possible number of yes
    ballots; beyond, over the numbers within Hoeffding's bound of the expected one, which leaves out at most
    WINDOW_MASS_LEFT_OUT (1e-20) of probability, so the result is exact to within 1e-20 plus rounding (measured
    against scipy.stats at 10,000,000 challenged ballots: a relative difference of about 1e-8, from the log-gamma
    terms). One election of 10,000,000 challenged ballots takes about 0.02 s and a few MB.
    """
    return _win_probability(yes, no, challenged, yes_share, overruled)


def _win_probability(
    yes: Any, no: Any, challenged: Any, yes_share: Any, overruled: Any = 1.0, full_sum_max: int | None = None
) -> Any:
    """`win_probability`, summing over every yes count up to `full_sum_max` challenged ballots (default
    FULL_SUM_MAX) and over `_yes_window` beyond."""
    inputs = _prepare(
        {"yes": yes, "no": no, "challenged": challenged}, {"yes_share": yes_share, "overruled": overruled}
    )
    v = inputs.values
    too_many = v["challenged"] > CHALLENGED_MAX
    if too_many.any():
        raise ValueError(
            f"challenged must be at most {CHALLENGED_MAX:,}, the data contract's largest count "
            f"(got {v['challenged'][too_many].flat[0]:,.0f})"
        )
    lead, c = v["yes"] - v["no"], v["challenged"]
    p_yes, p_no = v["overruled"] * v["yes_share"], v["overruled"] * (1.0 - v["yes_share"])
    lead, c, p_yes, p_no = (np.atleast_1d(a).ravel() for a in (lead, c, p_yes, p_no))
    result = (lead > 0).astype(float)  # no challenged ballot counted: the count stands
    sure_win, sure_loss = lead - c > 0, lead + c <= 0
    result[sure_win], result[sure_loss] = 1.0, 0.0
    open_ = ~(sure_win | sure_loss) & (p_yes + p_no > 0) & ~np.atleast_1d(inputs.missing).ravel()
    if open_.any():
        result[open_] = _open_win_probability(lead[open_], c[open_], p_yes[open_], p_no[open_], full_sum_max)
    if inputs.scalar:
        return float(result[0])
    result = result.reshape(np.shape(inputs.missing))
    if inputs.index is not None:
        return pd.Series(np.where(inputs.missing, np.nan, result), index=inputs.index, dtype="float64")
    return result


#: Outcome labels of `scenario_grid`, from the expected final margin.
GRID_OUTCOMES = ("won", "toss-up", "lost")


def scenario_grid(
    yes: int,
    no: int,
    challenged: int,
    yes_shares: Any = None,
    overruled_shares: Any = None,
) -> pd.DataFrame:
    """A tidy table of what the challenged ballots could do to one election, for each (yes share, overruled share).

    `overruled_share` is the share of challenged ballots whose challenge is overruled (opened and counted); the
    rest are sustained (not counted). Columns: `yes_share`, `overruled_share`, `expected_yes` and `expected_no`
    (expected final counts), `final_margin` (expected yes minus no), `win_probability` (exact, see
    `win_probability`) and `outcome`: `won` when the expected margin is at least one ballot, `lost` when it is
    at most minus one ballot, and `toss-up` in between, where a single ballot decides. Shares default to 0, 0.05,
    ..., 1. The heat map's input. Beyond GRID_FULL_SUM_MAX challenged ballots each probability sums over a window
    (see `win_probability`): the default 441 settings take about 3 s at the contract's 10,000,000 challenged
    ballots (they took 6 s at 100,000 and grew without bound before).
    """
    for name, value in (("yes", yes), ("no", no), ("challenged", challenged)):
        if np.ndim(value) != 0:
            raise ValueError(f"scenario_grid takes one election: {name} must be a single number")
    q_axis = np.linspace(0, 1, 21) if yes_shares is None else np.asarray(yes_shares, dtype=float).ravel()
    u_axis = np.linspace(0, 1, 21) if overruled_shares is None else np.asarray(overruled_shares, dtype=float).ravel()
    q, u = (a.ravel() for a in np.meshgrid(q_axis, u_axis, indexing="ij"))
    p = _win_probability(
        np.full(q.size, yes),
        np.full(q.size, no),
        np.full(q.size, challenged),
        yes_share=q,
        overruled=u,
        full_sum_max=GRID_FULL_SUM_MAX,
    )
    expected_yes = yes + challenged * u * q
    expected_no = no + challenged * u * (1 - q)
    margin = expected_yes - expected_no
    outcome = np.where(margin >= 1, "won", np.where(margin <= -1, "lost", "toss-up"))
    return pd.DataFrame(
        {
            "yes_share": q,
            "overruled_share": u,
            "expected_yes": expected_yes,
            "expected_no": expected_no,
            "final_margin": margin,
            "win_probability": p,
            "outcome": pd.Categorical(outcome, categories=list(GRID_OUTCOMES)),
        }
    )


# --- Ballots with any number of unions -------------------------------------------------------------------------
#
# A ballot lists one or more unions and "no union". The NLRB's rules (Rules and Regulations §102.69-102.70):
# - a choice wins with a majority of the valid votes: strictly more than half (a tie is not a majority);
# - a union with a majority is certified (`won`); "no union" with a majority, or a single-union ballot without
#   a union majority (so a tie loses), is `lost`;
# - on a ballot with two or more unions where no choice has a majority, a run-off is held between "the two
#   choices receiving the largest and second largest number of votes" (`runoff`);
# - "only one runoff shall be held" (§102.70(a)): a run-off election without a union majority (a tie between
#   two unions) is `lost`, no union certified. Callers say which counts are run-offs with `runoff_allowed`.
# Internally each row's choices are its union columns in ballot order, then "no union" in the last column.

#: Outcomes of a count (`count_outcome`), from the unions' side.
COUNT_OUTCOMES = ("won", "lost", "runoff")

#: Outcomes of an election once its challenged ballots are weighed (`election_outcome`).
ELECTION_OUTCOMES = ("won", "lost", "runoff", "undetermined")

#: The "no union" choice in `count_outcome`'s run-off columns (unions are numbered 0, 1, ... as their columns).
NO_UNION = -1


@dataclass(frozen=True)
class _Ballots:
    """Validated ballots, one row per election: the union columns, then "no union" in the last column."""

    votes: np.ndarray  # (rows, slots + 1) float64; columns not on the ballot and missing counts are 0
    present: np.ndarray  # (rows, slots + 1) bool: the choice is on the ballot
    unions: np.ndarray  # (rows,) int64: unions on the ballot (0 where a count is missing)
    challenged: np.ndarray  # (rows,) float64, 0 where missing
    counts_missing: np.ndarray  # (rows,) bool: a vote count on the ballot is missing
    challenged_missing: np.ndarray  # (rows,) bool
    runoff_allowed: np.ndarray  # (rows,) bool: False for a run-off election, which cannot lead to another
    index: pd.Index


def _per_election(name: str, value: Any, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """A per-election input as float64 values (0 where missing) and a missing mask; a scalar applies to all rows."""
    numbers, missing = (np.atleast_1d(a) for a in _as_float(name, value))
    if numbers.ndim != 1:
        raise ValueError(f"{name} must be one number per election")
    if numbers.size == 1 and rows != 1:
        numbers, missing = np.full(rows, numbers[0]), np.full(rows, missing[0])
    if numbers.size != rows:
        raise ValueError(f"{name} has {numbers.size} values for {rows} elections")
    _check_counts(name, numbers)
    return numbers, missing


def _flags(name: str, value: Any, rows: int) -> np.ndarray:
    """A per-election true/false input as a bool array; one bool applies to every row."""
    if np.ndim(value) == 0:
        return np.full(rows, bool(value))
    try:
        flags = pd.array(value.array if isinstance(value, pd.Series) else value, dtype="boolean")
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be true or false") from None
    if flags.isna().any() or len(flags) != rows:
        raise ValueError(f"{name} must be true or false for each of the {rows} elections")
    return flags.to_numpy(dtype=bool)


def _check_counts(name: str, values: np.ndarray) -> None:
    """Counts must be whole and non-negative (missing ones were replaced by 0 before)."""
    if (values < 0).any():
        raise ValueError(f"{name} must not be negative (got {values[values < 0].flat[0]:g})")
    fractional = ~np.isfinite(values) | (values != np.floor(values))
    if fractional.any():
        raise ValueError(f"{name} must be a whole number of ballots (got {values[fractional].flat[0]:g})")


def _union_table(union_votes: Any, one_election: bool) -> np.ndarray:
    """`union_votes` as a 2-D float64 array (rows = elections), NaN where empty."""
    if isinstance(union_votes, (pd.DataFrame, pd.Series)):
        frame = union_votes.to_frame() if isinstance(union_votes, pd.Series) else union_votes
        try:
            return frame.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
        except (TypeError, ValueError):
            raise ValueError("union_votes must hold numbers") from None
    try:
        table = np.array(union_votes, dtype=float)
    except (TypeError, ValueError):
        try:  # pd.NA and other pandas missing values
            rows = union_votes if not one_election else [union_votes]
            table = pd.DataFrame(list(rows)).astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
        except (TypeError, ValueError):
            raise ValueError(f"union_votes must be a table of numbers, got {union_votes!r}") from None
    if table.ndim == 1:
        table = table.reshape(1, -1) if one_election else table.reshape(-1, 1)
    if table.ndim != 2 or table.shape[1] == 0:
        raise ValueError("union_votes must have one row per election and at least one union column")
    return table


def _ballots(union_votes: Any, no: Any, challenged: Any, unions: Any, runoff_allowed: Any = True) -> _Ballots:
    """Validate and shape the inputs of the multi-union functions (see `count_outcome`)."""
    one_election = pd.api.types.is_scalar(no) or np.ndim(no) == 0
    table = _union_table(union_votes, one_election)
    rows, slots = table.shape
    empty = np.isnan(table)
    if unions is None:
        count = (~empty).sum(axis=1)
        on_ballot = ~empty
        unions_missing = count == 0
    else:
        count_f, unions_missing = _per_election("unions", unions, rows)
        given = count_f[~unions_missing]
        if ((given < 1) | (given > slots)).any():
            raise ValueError(f"unions must be between 1 and the number of union columns ({slots})")
        count = count_f.astype(np.int64)
        on_ballot = np.arange(slots)[None, :] < count[:, None]
    no_votes, no_missing = _per_election("no", no, rows)
    challenged_votes, challenged_missing = _per_election("challenged", challenged, rows)
    union_counts = np.where(on_ballot & ~empty, table, 0.0)
    allowed = _flags("runoff_allowed", runoff_allowed, rows)
    _check_counts("union_votes", union_counts)
    counts_missing = unions_missing | no_missing | (on_ballot & empty).any(axis=1)
    if isinstance(union_votes, (pd.DataFrame, pd.Series)):
        index = union_votes.index
    else:
        index = next((v.index for v in (no, challenged, unions) if isinstance(v, pd.Series)), pd.RangeIndex(rows))
    return _Ballots(
        votes=np.column_stack([union_counts, no_votes]),
        present=np.column_stack([on_ballot, np.ones(rows, dtype=bool)]),
        unions=np.where(counts_missing, 0, count),
        challenged=challenged_votes,
        counts_missing=counts_missing,
        challenged_missing=challenged_missing,
        runoff_allowed=allowed,
        index=index,
    )


@dataclass(frozen=True)
class _Count:
    """The outcome of each row's count; choices numbered by column (unions, then "no union" last)."""

    won: np.ndarray
    runoff: np.ndarray
    leader: np.ndarray  # the choice with the most votes (the first in ballot order on a tie)
    second: np.ndarray  # the next one in the same order
    top: np.ndarray  # (rows, 3): the three highest counts, -1 where there are fewer choices
    valid: np.ndarray  # valid votes: every union's plus "no union"


def _count(ballots: _Ballots) -> _Count:
    """Who has a majority and which two choices lead, for every row (see `count_outcome`)."""
    ranked = np.where(ballots.present, ballots.votes, -1.0)
    order = np.argsort(-ranked, axis=1, kind="stable")
    top = np.take_along_axis(ranked, order[:, :3], axis=1)
    top = np.pad(top, ((0, 0), (0, 3 - top.shape[1])), constant_values=-1.0)
    valid = ballots.votes.sum(axis=1)
    leader = order[:, 0]
    majority = 2 * top[:, 0] > valid  # strictly more than half; never when nobody voted
    no_column = ballots.votes.shape[1] - 1
    won = majority & (leader != no_column)
    runoff = (ballots.unions >= 2) & ~majority & (valid > 0) & ballots.runoff_allowed
    return _Count(won=won, runoff=runoff, leader=leader, second=order[:, 1], top=top, valid=valid)


def _determinative(ballots: _Ballots, count: _Count) -> np.ndarray:
    """Exact conditions under which the challenged ballots, each opened and counted for any choice or not counted
    at all, can give another outcome than the count without them (tests prove them against brute force):

    - a choice with a majority (a union that won, or "no union" on a ballot with several unions) keeps it
      unless the challenged ballots, all counted for other choices, reach its lead over all the others
      together: challenged >= 2 * its votes - valid votes;
    - a loss where no run-off can follow (a single-union ballot, a tie included, or a run-off election) turns
      only if all of them, counted for the union with the most votes, give it a majority:
      challenged > valid votes - 2 * that union's votes (on a single-union ballot: challenged > no - yes);
    - a ballot with several unions and no valid votes: one counted ballot decides, challenged >= 1;
    - a run-off between two clear choices changes when the challenged ballots could give the leader a majority
      (challenged > valid votes - 2 * the leader's votes), or bring the third choice level with the second
      (challenged >= second's votes - third's);
    - a run-off without a clear second choice (a tie for second place) becomes clear with one ballot more for
      one of the tied choices; when the three leading choices are all tied it takes two.
    """
    c, valid = ballots.challenged, count.valid
    first, second, third = count.top[:, 0], count.top[:, 1], count.top[:, 2]
    best_union = np.where(ballots.present[:, :-1], ballots.votes[:, :-1], 0.0).max(axis=1)
    lost_for_good = ~count.won & ~count.runoff & ((ballots.unions == 1) | ~ballots.runoff_allowed)
    no_union_majority = ~count.won & ~count.runoff & ~lost_for_good & (valid > 0)
    clear_runoff = (c > valid - 2 * first) | (c >= second - third)
    tied_runoff = np.where(first > second, c >= 1, c >= 2)
    return np.select(
        [count.runoff & (second > third), count.runoff, count.won | no_union_majority, lost_for_good],
        [clear_runoff, tied_runoff, c >= 2 * first - valid, c > valid - 2 * best_union],
        default=c >= 1,
    )


def _int_array(values: np.ndarray, missing: np.ndarray) -> pd.arrays.IntegerArray:
    """A nullable Int64 array: `values` where not `missing`."""
    missing = np.asarray(missing, dtype=bool)
    return pd.arrays.IntegerArray(np.where(missing, 0, values).astype(np.int64), missing)


def _outcomes(
    conditions: list[np.ndarray], labels: list[str], default: str, missing: np.ndarray, categories: tuple[str, ...]
) -> pd.Categorical:
    """The label of the first condition that holds (else `default`) per row, missing where `missing`, as a
    categorical of `categories`: built from codes, never from 100,000 strings."""
    code = {label: i for i, label in enumerate(categories)}
    codes = np.select(conditions, [code[label] for label in labels], code[default])
    codes[missing] = -1
    return pd.Categorical.from_codes(codes, categories=list(categories))


def count_outcome(union_votes: Any, no: Any, unions: Any = None, runoff_allowed: Any = True) -> pd.DataFrame:
    """The outcome of counting the valid votes of ballots with one or more unions, a whole table in one call.

    `union_votes`: one row per election and one column per union on the ballot, in ballot order (a DataFrame, a
    2-D array or list of rows); with a scalar `no`, a 1-D list is one election's unions, otherwise a 1-D input
    is one union per election. An empty cell (NaN) means the ballot has no such union, unless `unions` (how
    many unions each ballot lists: columns 0..unions-1) is given; then an empty cell within those columns is a
    count never reported. `no`: votes for "no union", one per election. Valid votes are the votes for every
    union plus "no union" (void and challenged ballots are not valid votes). `runoff_allowed` (one bool, or one
    per election) is False for a run-off election: the NLRB holds only one run-off (Rules and Regulations
    §102.70(a)), so a run-off without a union majority (a tie between two unions) is `lost`.

    Returns a DataFrame on the input's index (else 0, 1, ...) with columns
    - `outcome`: `won` when a union has a majority (strictly more than half of the valid votes); `lost` when
      "no union" has one, when a single-union ballot gives the union no majority (a tie loses), or when there
      are no valid votes at all (no union has a majority and no choice has votes to put on a run-off ballot);
      `runoff` when the ballot lists two or more unions and no choice, "no union" included, has a majority
      (and a run-off is allowed);
    - `winner` (Int64): the column of the union that won, else <NA>;
    - `runoff_first`, `runoff_second` (Int64): for a run-off, the choices receiving the highest and next-highest
      numbers of votes, as a union's column or NO_UNION (on a tie for first, in ballot order with "no union"
      last). <NA> when a tie for second place leaves no clear two: the NLRB then declares the election a nullity
      and holds another among all the original choices (Rules and Regulations §102.70(d)).
    A row with a missing count gives missing results.
    """
    ballots = _ballots(union_votes, no, 0, unions, runoff_allowed)
    count = _count(ballots)
    missing = ballots.counts_missing
    outcome = _outcomes([count.won, count.runoff], ["won", "runoff"], "lost", missing, COUNT_OUTCOMES)
    no_column = ballots.votes.shape[1] - 1
    pair = count.runoff & (count.top[:, 1] > count.top[:, 2]) & ~missing
    first, second = (np.where(a == no_column, NO_UNION, a) for a in (count.leader, count.second))
    return pd.DataFrame(
        {
            "outcome": outcome,
            "winner": _int_array(count.leader, ~count.won | missing),
            "runoff_first": _int_array(first, ~pair),
            "runoff_second": _int_array(second, ~pair),
        },
        index=ballots.index,
    )


def multi_union_determinative(
    union_votes: Any, no: Any, challenged: Any, unions: Any = None, runoff_allowed: Any = True
) -> pd.Series:
    """Whether the challenged ballots are determinative on ballots with one or more unions (vectorised).

    True when some way they could fall, each opened and counted for any choice (the challenge overruled) or not
    counted at all (sustained), gives another outcome than the count without them: another winner, a loss, a
    run-off, or a run-off between other choices. Inputs as `count_outcome`, plus `challenged`, one per election.
    Returns a nullable-boolean Series, <NA> where a count is missing. On a single-union ballot it is exactly
    `is_determinative`.
    """
    ballots = _ballots(union_votes, no, challenged, unions, runoff_allowed)
    result = _determinative(ballots, _count(ballots))
    return pd.Series(
        pd.arrays.BooleanArray(result, ballots.counts_missing | ballots.challenged_missing), index=ballots.index
    )


def election_outcome(
    union_votes: Any, no: Any, challenged: Any, unions: Any = None, runoff_allowed: Any = True
) -> pd.DataFrame:
    """Each election's outcome with its challenged ballots weighed: the count's, unless they are determinative.

    Inputs as `multi_union_determinative`. Columns: `outcome` (`won`, `lost`, `runoff`, or `undetermined` when
    the challenged ballots are determinative), `winner` (Int64: the column of the union that won, else <NA>)
    and `determinative` (nullable boolean). Where the challenged ballots were never reported (missing), the
    outcome is read from the count alone and `determinative` is <NA>; a missing vote count gives missing results.
    """
    ballots = _ballots(union_votes, no, challenged, unions, runoff_allowed)
    count = _count(ballots)
    determinative = _determinative(ballots, count) & ~ballots.challenged_missing
    missing = ballots.counts_missing
    outcome = _outcomes(
        [determinative, count.won, count.runoff], ["undetermined", "won", "runoff"], "lost", missing, ELECTION_OUTCOMES
    )
    return pd.DataFrame(
        {
            "outcome": outcome,
            "winner": _int_array(count.leader, ~count.won | determinative | missing),
            "determinative": pd.arrays.BooleanArray(determinative, missing | ballots.challenged_missing),
        },
        index=ballots.index,
    )
