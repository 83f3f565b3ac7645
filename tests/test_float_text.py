"""`float_text.float_reprs` writes every float64 exactly as Python's `repr` does, in bulk."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from labor_analysis import float_text
from labor_analysis.float_text import WIDTH, float_reprs


def _texts(values: np.ndarray) -> list[bytes]:
    """The text of each row of `float_reprs`, its NUL padding dropped (as the CSV writer drops it)."""
    return [bytes(row[row != 0]) for row in float_reprs(np.asarray(values, dtype=np.float64))]


def _reprs(values: np.ndarray) -> list[bytes]:
    return [repr(v).encode() for v in np.asarray(values, dtype=np.float64).tolist()]


EDGES = [
    0.0,
    -0.0,
    float("nan"),
    float("inf"),
    -float("inf"),
    1e-4,  # the smallest written without an exponent
    np.nextafter(1e-4, 0),
    np.nextafter(1e-4, 1),
    2.0**52 - 0.5,  # the largest float with a fraction
    2.0**52,
    2.0**53 - 1,  # the largest whole number written in full
    2.0**53,
    1e15,
    1e16,
    5e-324,
    2.2250738585072014e-308,
    1.7976931348623157e308,
    0.1,
    0.2,
    0.3,
    1 / 3,
    2 / 3,
    0.5,
    1.0,
    1.5,
    -123.456,
    0.1 + 0.2,
    9007199254740993 / 10**16,
]


def test_edge_values_are_written_as_repr_writes_them():
    assert _texts(EDGES) == _reprs(EDGES)
    powers = [float(f"1e{k}") for k in range(-6, 18)]
    near = np.concatenate([np.nextafter(powers, 0), powers, np.nextafter(powers, np.inf)])
    assert _texts(near) == _reprs(near)
    twos = np.ldexp(1.0, np.arange(-20, 60))
    assert _texts(np.concatenate([twos, -twos, twos * 3, np.nextafter(twos, 0)])) == _reprs(
        np.concatenate([twos, -twos, twos * 3, np.nextafter(twos, 0)])
    )


def test_shares_of_whole_counts_take_the_fast_path_and_equal_repr():
    """The summary's floats (a count over a count, and one minus that): all as repr writes them, and nearly all
    written without it (a remainder too close to a rounding boundary is rare: none here)."""
    rng = np.random.default_rng(20)
    yes = rng.integers(0, 6000, 200_000)
    shares = yes / (yes + rng.integers(0, 6000, 200_000)).clip(1)
    values = np.concatenate([shares, 1.0 - shares, rng.integers(0, 12_000, 50_000) / rng.integers(1, 10_000, 50_000)])
    assert _texts(values) == _reprs(values)
    fractional = values[(values != np.floor(values)) & (values >= 1e-4)]
    _, _, left_to_repr = float_text._shortest(fractional)
    assert left_to_repr.mean() < 0.001


def test_random_bit_patterns_are_written_as_repr_writes_them():
    rng = np.random.default_rng(7)
    values = np.concatenate(
        [
            rng.integers(0, 2**63, 100_000).view(np.float64),
            np.exp(rng.uniform(np.log(1e-6), np.log(1e17), 100_000)) * rng.choice([-1, 1], 100_000),
            np.round(rng.uniform(0, 1000, 50_000), 3),
        ]
    )
    assert _texts(values) == _reprs(values)


@settings(max_examples=300, deadline=None)
@given(hnp.arrays(np.float64, st.integers(0, 40), elements=st.floats(allow_nan=True, allow_infinity=True)))
def test_any_floats_are_written_as_repr_writes_them(values: np.ndarray) -> None:
    rows = float_reprs(values)
    assert rows.shape == (len(values), WIDTH)
    assert _texts(values) == _reprs(values)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**9), st.integers(1, 10**9)), max_size=40))
def test_ratios_of_counts_are_written_as_repr_writes_them(pairs: list[tuple[int, int]]) -> None:
    values = np.array([a / b for a, b in pairs] + [1 - a / b for a, b in pairs], dtype=np.float64)
    assert _texts(values) == _reprs(values)
