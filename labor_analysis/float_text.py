"""float64 values written as Python's `repr` writes them (the shortest text that reads back as the same float), for a
whole column at once: the CSV writer's floats (shares and turnout), without formatting each value in Python.

Python's `repr` of a float is the shortest decimal that rounds back to it, the nearest such when several are as
short, written positionally between 1e-4 and 1e16 (`0.0001`, `0.5294`, `12.0`) and with an exponent outside.
`float_reprs` finds that decimal by working out, per value and in bulk, the fewest decimal places `s` whose nearest
decimal `n / 10**s` still rounds back to the value (more places never hurt, so a binary search over `s` finds the
fewest), then writes `n` with the point `s` places from its right. The product `value * 10**s` is kept exact as
the sum of two floats (Dekker's product), so whether `n` rounds back is decided from an exact remainder, not a
rounded one. A value outside the positional range, not finite, or whose remainder lies too near a rounding boundary
to be decided safely in floating point (none of 800,000 shares in the tests) is written by `repr`. Tested against
`repr` on millions of values, edge cases included (tests/test_float_text.py).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

#: Columns of the byte matrix: a sign, up to 21 digits (a point may come 20 places from the right) and the point;
#: `repr` of any float64 fits too (`-2.2250738585072014e-308` is 24 characters).
WIDTH = 24
#: 10**k as float64 for k = 0..22: exact (5**22 < 2**53), so `value * 10**s` is a product of two exact floats.
_POW10 = 10.0 ** np.arange(23)
_POW10_INT = 10 ** np.arange(19, dtype=np.int64)
#: The decimal exponent of a value v in [10**k, 10**(k+1)) is k; float('1e-4') and the like are read correctly rounded.
_DECADES = np.array([float(f"1e{k}") for k in range(-5, 18)])
_DECADE_OFFSET = 5
#: Dekker's splitting constant 2**27 + 1: splits a float64 into two halves of 26 bits whose products are exact.
_SPLITTER = 134217729.0
#: A remainder within this fraction of a rounding boundary is left to `repr` (the floating-point error of the
#: remainder is below 1e-15 of it).
_MARGIN = 1e-9
#: Positional range of `repr`: from 1e-4 (as a float) up to 2**52, above which every float64 is a whole number.
_SMALLEST = float("1e-4")
_WHOLE = 2.0**52
_LARGEST_WHOLE = 2.0**53


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two floats of 26 significant bits each summing to `a`, so that products of halves are exact (Dekker)."""
    c = _SPLITTER * a
    high = c - (c - a)
    return high, a - high


_POW10_HIGH, _POW10_LOW = _split(_POW10)


@dataclass(frozen=True)
class _Values:
    """Positive finite float64 values, with what deciding which decimals read back as them needs, worked out once."""

    values: np.ndarray
    high: np.ndarray  # Dekker's halves of each value
    low: np.ndarray
    half_gap: np.ndarray  # half the gap to the next float above
    power_of_two: np.ndarray  # the gap below is then half as wide
    even: np.ndarray  # a decimal exactly half-way between two floats reads back as the even one

    @classmethod
    def of(cls, values: np.ndarray) -> _Values:
        mantissa, exponent = np.frexp(values)
        high, low = _split(values)
        return cls(values, high, low, np.ldexp(1.0, exponent - 54), mantissa == 0.5, (values.view(np.int64) & 1) == 0)

    def take(self, rows: np.ndarray) -> _Values:
        return _Values(*(getattr(self, f.name)[rows] for f in fields(self)))

    def nearest_decimal(self, places: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """With `places` decimal places (0..22, values * 10**places below 1e18): the nearest integer `n` to
        values * 10**places, whether n / 10**places reads back as the value, and whether that could not be decided
        safely (a remainder too near a rounding boundary, or a tie between two nearest)."""
        scale, scale_high, scale_low = _POW10[places], _POW10_HIGH[places], _POW10_LOW[places]
        product = self.values * scale
        # Dekker: product + error is the exact product of the value and 10**places
        error = ((self.high * scale_high - product) + self.high * scale_low + self.low * scale_high) + (
            self.low * scale_low
        )
        whole = np.rint(product)
        remainder = (product - whole) + error  # the exact product minus `whole`, with one rounding (in the sum)
        step = np.rint(remainder)  # the error can carry the nearest integer past the rounded product
        nearest = whole.astype(np.int64) + step.astype(np.int64)
        remainder -= step  # exact: remainder and step are within a factor of two of each other
        half_gap = self.half_gap * scale
        half_gap[(remainder > 0) & self.power_of_two] /= 2  # the decimal is below the value: the gap below counts
        distance = np.abs(remainder)
        reads_back = (distance < half_gap) | (self.even & (distance == half_gap))
        # Too near the boundary to decide; or half-way between two integers when both might read back (a decimal
        # that ends in 5 there, common in shares, is a tie only if the gap is that wide).
        unsure = (np.abs(distance - half_gap) <= _MARGIN * half_gap) | (
            (np.abs(distance - 0.5) <= _MARGIN) & (half_gap >= 0.5 - 2 * _MARGIN)
        )
        return nearest, reads_back & ~unsure, unsure


def _shortest(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For positive non-whole values in [1e-4, 2**52): the digits `n` and decimal places `s` of their shortest
    decimal (the nearest of that length), and a mask of the values left to `repr`.

    Most floats need 16 or 17 significant digits: those are tried first, and only values that read back with 15
    are searched further (the fewest places by bisection: more places never hurt)."""
    decade = np.floor(np.log10(values)).astype(np.int64)
    decade += values >= _DECADES[np.clip(decade + 1 + _DECADE_OFFSET, 0, len(_DECADES) - 1)]
    decade -= values < _DECADES[np.clip(decade + _DECADE_OFFSET, 0, len(_DECADES) - 1)]
    every = _Values.of(values)
    places = 15 - decade  # 16 significant digits
    digits, enough, left_out = every.nearest_decimal(places)
    need_17 = np.flatnonzero(~enough & ~left_out)  # 17 significant digits always read back
    n, good, doubt = every.take(need_17).nearest_decimal(places[need_17] + 1)
    digits[need_17], places[need_17] = n, places[need_17] + 1
    left_out[need_17] = doubt | ~good
    fewer = np.flatnonzero(enough)
    n, good, doubt = every.take(fewer).nearest_decimal(places[fewer] - 1)  # 15
    left_out[fewer[doubt]] = True
    shorter = fewer[good]
    digits[shorter], places[shorter] = n[good], places[shorter] - 1
    # Bisection between places known too few (none: the value is not whole) and places known enough.
    too_few = np.zeros(len(values), dtype=np.int64)
    subset = every.take(shorter)
    open_ = np.flatnonzero(places[shorter] - too_few[shorter] > 1)
    while open_.size:
        rows = shorter[open_]
        middle = (places[rows] + too_few[rows]) // 2
        n, good, doubt = subset.take(open_).nearest_decimal(middle)
        left_out[rows[doubt]] = True
        places[rows[good]], digits[rows[good]] = middle[good], n[good]
        too_few[rows[~good]] = middle[~good]
        open_ = open_[(places[rows] - too_few[rows] > 1) & ~doubt]
    return digits, places, left_out


def _four_digits() -> np.ndarray:
    """The four ASCII digits of every number 0..9999, each as one uint32 (the bytes in text order)."""
    numbers = np.arange(10**4)
    table = np.empty((10**4, 4), dtype=np.uint8)
    for column in range(3, -1, -1):
        table[:, column] = numbers % 10 + ord("0")
        numbers //= 10
    return table.view(np.uint32).ravel()


_FOUR_DIGITS = _four_digits()


def _positional(digits: np.ndarray, places: np.ndarray, negative: np.ndarray) -> np.ndarray:
    """`digits` (0 <= n < 10**18) with a point `places` (1..20) from the right, a leading `0` when nothing comes
    before the point and a `-` for the negative values: the (rows, WIDTH) matrix, right-aligned, NUL before."""
    rows = len(digits)
    # n as 24 digits, zero-padded: four digits (one uint32) at a time, from a table small enough to stay in cache
    padded = np.empty((rows, WIDTH), dtype=np.uint8)
    words = padded.view(np.uint32)
    rest = digits.copy()
    for word in range(WIDTH // 4 - 1, -1, -1):
        words[:, word] = _FOUR_DIGITS[rest % 10**4]
        rest //= 10**4
    columns = np.arange(WIDTH)
    out = np.zeros((rows, WIDTH), dtype=np.uint8)
    out[:, :-1] = padded[:, 1:]  # the digits before the point move one column left, to make room for it
    np.copyto(out, padded, where=columns >= (WIDTH - places)[:, None])  # the last `places` digits stay
    out[np.arange(rows), WIDTH - 1 - places] = ord(".")
    # the digits before the point (none past 18 places: digits < 10**18); at least one (`0`) is written
    whole = np.where(places < len(_POW10_INT), digits // _POW10_INT[np.minimum(places, len(_POW10_INT) - 1)], 0)
    whole_digits = np.maximum(np.searchsorted(_POW10_INT, whole, side="right"), 1)
    first = WIDTH - 1 - places - whole_digits  # the column of the first character written
    out[columns < first[:, None]] = 0
    out[negative, first[negative] - 1] = ord("-")
    return out


def float_reprs(values: np.ndarray) -> np.ndarray:
    """The `repr` of each float64 as ASCII in a (rows, WIDTH) byte matrix, NUL where there is no character (NUL
    may come before and after a value's text: the CSV writer drops it)."""
    values = np.asarray(values, dtype=np.float64)
    magnitude = np.abs(values)
    negative = np.signbit(values)
    with np.errstate(invalid="ignore"):  # NaN and infinities are left to `repr`
        whole = (magnitude < _LARGEST_WHOLE) & (magnitude == np.floor(magnitude))  # 0.0 and -0.0 too
    fractional = np.flatnonzero((magnitude >= _SMALLEST) & (magnitude < _WHOLE) & ~whole)
    digits = np.zeros(len(values), dtype=np.int64)
    places = np.ones(len(values), dtype=np.int64)
    digits[whole] = magnitude[whole].astype(np.int64) * 10  # a whole number is written with `.0`
    found, fewest, left_out = _shortest(magnitude[fractional])
    digits[fractional], places[fractional] = found, fewest
    by_repr = ~whole
    by_repr[fractional[~left_out]] = False
    out = _positional(digits, places, negative)
    rows = np.flatnonzero(by_repr)
    if rows.size:
        written = np.array(repr(values[rows].tolist())[1:-1].encode("ascii").split(b", "), dtype=f"S{WIDTH}")
        out[rows] = written.view(np.uint8).reshape(len(rows), WIDTH)
    return out
