"""The NLRB's counting rules for one tally: who wins, whether the challenged ballots matter, what they could do.

Every counting function takes the union's `yes` votes, the `no` votes and the `challenged` ballots (set aside
unopened), as scalars or as equal-length arrays, and is vectorised: a whole national table in one call.

`meets_showing_of_interest` checks the one rule before the vote: the petition's backing.

Rules (NLRB): the union wins only with more yes than no among valid votes (a tie loses). Challenged ballots
are determinative when opening them could change the result; until they are resolved the outcome is open.

Types in and out:
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


def _open_win_probability(lead: np.ndarray, c: np.ndarray, p_yes: np.ndarray, p_no: np.ndarray) -> np.ndarray:
    """P(lead + Y - N > 0) with (Y, N, discarded) ~ Multinomial(c; p_yes, p_no, rest), elementwise.

    Sums over every y in 0..c: P(Y = y) * P(N <= lead + y - 1 | Y = y), where given Y = y the remaining c - y
    ballots are no with probability p_no / (1 - p_yes). Chunked so memory stays bounded.
    """
    out = np.empty(c.size)
    terms = c.astype(np.int64) + 1
    ends = np.cumsum(terms)
    start = 0
    while start < c.size:
        base = ends[start - 1] if start else 0
        stop = max(int(np.searchsorted(ends, base + _CHUNK_TERMS, side="right")), start + 1)
        sizes = terms[start:stop]
        row = np.repeat(np.arange(stop - start), sizes)
        offsets = np.cumsum(sizes) - sizes
        y = (np.arange(sizes.sum()) - np.repeat(offsets, sizes)).astype(float)
        cc, ll, py, pn = (a[start:stop][row] for a in (c, lead, p_yes, p_no))
        rest = 1.0 - py
        p_cond = np.divide(pn, rest, out=np.zeros_like(pn), where=rest > 0)
        weight = _binomial_pmf(y, cc, py) * _binomial_cdf(ll + y - 1, cc - y, np.minimum(p_cond, 1.0))
        out[start:stop] = np.bincount(row, weights=weight, minlength=stop - start)
        start = stop
    return np.clip(out, 0.0, 1.0)


def win_probability(yes: Any, no: Any, challenged: Any, yes_share: Any, upheld: Any = 1.0) -> Any:
    """The exact probability the union wins once the challenged ballots are resolved (no simulation).

    Each challenged ballot independently is upheld (opened and counted) with probability `upheld` and, if
    counted, is yes with probability `yes_share`; ballots not upheld are discarded. So each ballot is yes with
    probability upheld*yes_share, no with upheld*(1-yes_share), discarded otherwise, and the union wins when
    yes + Y > no + N. Arrays give a float64 array (a Series for Series input, NaN where an input is missing).
    """
    inputs = _prepare({"yes": yes, "no": no, "challenged": challenged}, {"yes_share": yes_share, "upheld": upheld})
    v = inputs.values
    lead, c = v["yes"] - v["no"], v["challenged"]
    p_yes, p_no = v["upheld"] * v["yes_share"], v["upheld"] * (1.0 - v["yes_share"])
    lead, c, p_yes, p_no = (np.atleast_1d(a).ravel() for a in (lead, c, p_yes, p_no))
    result = (lead > 0).astype(float)  # no challenged ballot counted: the count stands
    sure_win, sure_loss = lead - c > 0, lead + c <= 0
    result[sure_win], result[sure_loss] = 1.0, 0.0
    open_ = ~(sure_win | sure_loss) & (p_yes + p_no > 0) & ~np.atleast_1d(inputs.missing).ravel()
    if open_.any():
        result[open_] = _open_win_probability(lead[open_], c[open_], p_yes[open_], p_no[open_])
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
    upheld_shares: Any = None,
) -> pd.DataFrame:
    """A tidy table of what the challenged ballots could do to one election, for each (yes share, upheld share).

    Columns: `yes_share`, `upheld_share`, `expected_yes` and `expected_no` (expected final counts),
    `final_margin` (expected yes minus no), `win_probability` (exact, see `win_probability`) and `outcome`:
    `won` when the expected margin is at least one ballot, `lost` when it is at most minus one ballot, and
    `toss-up` in between, where a single ballot decides. Shares default to 0, 0.05, ..., 1. The heat map's input.
    """
    for name, value in (("yes", yes), ("no", no), ("challenged", challenged)):
        if np.ndim(value) != 0:
            raise ValueError(f"scenario_grid takes one election: {name} must be a single number")
    q_axis = np.linspace(0, 1, 21) if yes_shares is None else np.asarray(yes_shares, dtype=float).ravel()
    u_axis = np.linspace(0, 1, 21) if upheld_shares is None else np.asarray(upheld_shares, dtype=float).ravel()
    q, u = (a.ravel() for a in np.meshgrid(q_axis, u_axis, indexing="ij"))
    p = win_probability(
        np.full(q.size, yes), np.full(q.size, no), np.full(q.size, challenged), yes_share=q, upheld=u
    )
    expected_yes = yes + challenged * u * q
    expected_no = no + challenged * u * (1 - q)
    margin = expected_yes - expected_no
    outcome = np.where(margin >= 1, "won", np.where(margin <= -1, "lost", "toss-up"))
    return pd.DataFrame(
        {
            "yes_share": q,
            "upheld_share": u,
            "expected_yes": expected_yes,
            "expected_no": expected_no,
            "final_margin": margin,
            "win_probability": p,
            "outcome": pd.Categorical(outcome, categories=list(GRID_OUTCOMES)),
        }
    )
