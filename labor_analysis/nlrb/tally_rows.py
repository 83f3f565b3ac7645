"""The tally-row frame every reader produces: one row per input row, in the NLRB's own terms, before any rule.

Counts are nullable integers (`<NA>` where the cell was blank and blank does not mean zero), dates
datetime64 (NaT where blank), text columns plain strings ("" where blank).
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd

from ..schema import DATE_MAX, DATE_MIN, MAX_COUNT

#: Columns of the tally-row frame, in order.
TEXT_COLUMNS = (
    "case_number",
    "case_name",
    "city",
    "state",
    "unit_id",
    "category",
    "tally_type",
    "mode",
    "union1",
    "union2",
    "union3",
    "certified",  # the certified result of a closed case: `won`, `lost`, `both` (marked both), "" (none)
)
DATE_COLUMNS = ("tally_date", "scheduled_date")
COUNT_COLUMNS = ("eligible", "void", "votes1", "votes2", "votes3", "against", "challenged", "valid_reported")
COLUMNS = ("row", *TEXT_COLUMNS, *DATE_COLUMNS, *COUNT_COLUMNS)

#: Serial day 0 of spreadsheet dates (Excel's 1900 system, with its 1900 leap-year bug folded in).
SPREADSHEET_EPOCH = pd.Timestamp("1899-12-30")

#: NLRB case numbers: region, case type, serial (`10-RC-269250`).
CASE_NUMBER = re.compile(r"^(\d{2})-([A-Z]{2})-(\d+)$")


class CellError(ValueError):
    """A cell that no rule can read (a count that is not a whole number, a date that is not a date)."""

    def __init__(self, row: int, column: str, value: object, rule: str) -> None:
        self.row, self.column, self.value, self.rule = row, column, value, rule
        super().__init__(f"row {row}, column {column!r}: {rule} (value {value!r})")


def text(values: pd.Series) -> pd.Series:
    """Cells as stripped strings, "" where blank (missing), others written as `str` writes them."""
    cells = values.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(cells, skipna=False) == "string":  # text alone, the usual case: no test per cell
        return pd.Series(list(map(str.strip, cells.tolist())), index=values.index, dtype=object)
    out = [
        v.strip()
        if type(v) is str
        else ""
        if v is None or v is pd.NA or v != v  # v != v: NaN and NaT
        else str(v).strip()
        for v in cells
    ]
    return pd.Series(out, index=values.index, dtype=object)


#: A count written as text: decimal digits, optionally grouped in thousands by commas (`1,234`), nothing else (no
#: sign, point, exponent, underscore or non-ASCII digit). Surrounding spaces are stripped first.
COUNT_NUMERAL = re.compile(r"[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+")


def count_value(cell: object) -> int | None:
    """One count cell as an int (None where blank), or ValueError naming the rule it breaks.

    A workbook gives numbers as floats or ints (a whole, finite value), a CSV gives text (a `COUNT_NUMERAL`);
    a true/false cell, a date, `5e3`, `1_000`, `+5` or `5.5` is no count, and nothing above the contract's
    MAX_COUNT is one either (the bound every count of a data folder obeys, far below int64's overflow).
    """
    if cell is None or cell is pd.NA or (isinstance(cell, float) and math.isnan(cell)):
        return None
    if isinstance(cell, (bool, np.bool_)):
        raise ValueError("a true/false cell, not a whole number of ballots or voters")
    if isinstance(cell, (int, np.integer)):
        number = int(cell)
    elif isinstance(cell, (float, np.floating)):
        if not math.isfinite(cell) or cell != math.floor(cell):
            raise ValueError("not a whole number of ballots or voters")
        number = int(cell)
    elif isinstance(cell, str):
        numeral = cell.strip(" \t")
        if not numeral:
            return None
        if not COUNT_NUMERAL.fullmatch(numeral):
            raise ValueError(
                "not a whole number of ballots or voters in decimal digits (no sign, decimal point, exponent or "
                "underscore)"
            )
        number = int(numeral.replace(",", ""))
    else:
        raise ValueError("not a whole number of ballots or voters")
    if number < 0:
        raise ValueError("not a whole number of ballots or voters (negative)")
    if number > MAX_COUNT:
        raise ValueError(f"more than the data contract's maximum count, {MAX_COUNT:,}")
    return number


def counts(values: pd.Series, rows: pd.Series, column: str, blank: int | None) -> pd.Series:
    """Cells as whole non-negative numbers (Int64) within the contract's bound; a blank cell becomes `blank`
    (None: missing). The first cell that is no count (`count_value`) raises a CellError naming its row.

    Each distinct cell is read once (counts repeat); cells are told apart by type as well as value, since
    `True == 1 == 1.0` in Python and a true/false cell is no count.
    """
    cells = values.to_numpy(dtype=object)
    read = _spreadsheet_counts(cells)
    if read is not None:
        numbers, missing = read
        out = pd.arrays.IntegerArray(numbers, missing.copy())
        return pd.Series(out if blank is None else out.fillna(blank), index=values.index)
    seen: dict[tuple[type, object], int | None] = {}
    numbers = np.zeros(len(cells), dtype=np.int64)
    missing = np.zeros(len(cells), dtype=bool)
    for i, cell in enumerate(cells):
        key = (type(cell), cell)
        try:
            number = seen[key]
        except KeyError:
            try:
                number = count_value(cell)
            except ValueError as exc:
                raise CellError(int(rows.iloc[i]), column, cell, str(exc)) from None
            seen[key] = number
        if number is None:
            missing[i] = True
        else:
            numbers[i] = number
    out = pd.arrays.IntegerArray(numbers, missing.copy())
    if blank is not None:
        out = out.fillna(blank)
    return pd.Series(out, index=values.index)


def _spreadsheet_counts(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """A workbook's count column read at once, (numbers, missing), when every cell is empty or a number that
    `count_value` takes (whole, finite, from 0 to MAX_COUNT: exact as a float); None otherwise, and the cells are
    then read one by one, so the first bad cell is named."""
    empty = cells == ""
    if not isinstance(empty, np.ndarray) or empty.shape != cells.shape:
        return None
    rest = cells[~empty]
    if pd.api.types.infer_dtype(rest, skipna=False) not in ("floating", "integer", "mixed-integer-float", "empty"):
        return None
    try:
        floats = rest.astype(np.float64)
    except (OverflowError, TypeError, ValueError):
        return None
    nan = np.isnan(floats)
    whole = np.isfinite(floats) & (floats >= 0) & (floats <= MAX_COUNT) & (floats == np.floor(floats))
    if not (nan | whole).all():
        return None
    numbers = np.zeros(len(cells), dtype=np.int64)
    numbers[~empty] = np.where(nan, 0, floats).astype(np.int64)
    missing = empty.copy()
    missing[~empty] = nan
    return numbers, missing


def dates(values: pd.Series, rows: pd.Series, column: str, text_format: str) -> pd.Series:
    """Cells as dates: datetimes as they are, spreadsheet serial numbers from SPREADSHEET_EPOCH, text in
    `text_format` (or ISO); NaT where blank. Anything else, or a date outside the contract's range (from the
    National Labor Relations Act, 1935-07-05, to 2100-12-31), is a CellError."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return _in_range(pd.to_datetime(values).dt.normalize().astype("datetime64[ns]"), values, rows, column)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    types = [type(v) for v in values.to_numpy(dtype=object)]
    kind_of = {t: _cell_kind(t) for t in set(types)}  # each type looked at once
    kinds = np.array([kind_of[t] for t in types], dtype=object)  # masks below are plain arrays: cheaper than Series
    stamps = kinds == "date"
    if stamps.any():
        out.loc[stamps] = pd.to_datetime(values[stamps].astype(object), errors="coerce").dt.normalize()
        unread = stamps & out.isna().to_numpy()
        if unread.any():
            i = values.index[unread][0]
            raise CellError(int(rows[i]), column, values[i], "not a date the contract allows")
    flags = kinds == "true/false"
    if flags.any():
        i = values.index[flags][0]
        raise CellError(int(rows[i]), column, values[i], "a true/false cell, not a date")
    serials = (kinds == "number") & values.notna().to_numpy() & ~flags & ~stamps
    if serials.any():
        days = values[serials].astype(float)
        wild = ~np.isfinite(days) | (days < _SERIAL_MIN) | (days > _SERIAL_MAX)
        if wild.any():
            i = wild.index[wild][0]
            raise CellError(int(rows[i]), column, values[i], _DATE_RANGE_RULE)
        out.loc[serials] = SPREADSHEET_EPOCH + pd.to_timedelta(days.round(), unit="D")
    strings = kinds == "text"
    if strings.any():
        cells = values[strings].str.strip()
        blank = cells.eq("")
        parsed = pd.to_datetime(cells[~blank], format=text_format, errors="coerce")
        unread = parsed.isna()
        if unread.any():  # ISO dates for the cells not in `text_format`
            parsed = parsed.fillna(pd.to_datetime(cells[~blank][unread], format="%Y-%m-%d", errors="coerce"))
        if parsed.isna().any():
            i = parsed.index[parsed.isna()][0]
            raise CellError(int(rows[i]), column, values[i], "not a date")
        out.loc[parsed.index] = parsed
    return _in_range(out, values, rows, column)


def _cell_kind(kind: type) -> str:
    """What a date cell of this type is: a `date` (a datetime, date or Timestamp), a `true/false` cell, a `number`
    (a spreadsheet serial), `text`, or `other`."""
    if issubclass(kind, (pd.Timestamp, np.datetime64)) or kind.__name__ in ("datetime", "date"):
        return "date"
    if issubclass(kind, (bool, np.bool_)):
        return "true/false"
    if issubclass(kind, (int, float, np.integer, np.floating)):
        return "number"
    return "text" if issubclass(kind, str) else "other"


_DATE_MIN, _DATE_MAX = pd.Timestamp(DATE_MIN), pd.Timestamp(DATE_MAX)
_SERIAL_MIN = (_DATE_MIN - SPREADSHEET_EPOCH).days
_SERIAL_MAX = (_DATE_MAX - SPREADSHEET_EPOCH).days
_DATE_RANGE_RULE = (
    f"a date outside the data contract's range, {DATE_MIN} (the National Labor Relations Act) to {DATE_MAX}"
)


def _in_range(out: pd.Series, values: pd.Series, rows: pd.Series, column: str) -> pd.Series:
    """`out` when every date lies in the contract's range; else a CellError for the first that does not."""
    outside = out.notna() & ((out < _DATE_MIN) | (out > _DATE_MAX))
    if outside.any():
        i = outside.index[outside][0]
        raise CellError(int(rows[i]), column, values[i], _DATE_RANGE_RULE)
    return out


#: A missing date among `plain` values (NaT's nanoseconds).
NO_DATE = np.iinfo(np.int64).min


def plain(values: pd.Series) -> list:
    """A column as plain Python values for rules that go row by row: dates as their nanoseconds (NO_DATE where
    missing; the same day is the same number, and boxing every cell as a Timestamp costs more than the rule)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.to_numpy(dtype="datetime64[ns]").view("int64").tolist()
    return values.tolist()


def zero_if_missing(value: Any) -> int:
    """A count as int, 0 where missing (for sums only)."""
    return 0 if pd.isna(value) else int(value)


def case_type(case_numbers: pd.Series) -> pd.Series:
    """The case type of each case number (`RC`, `RD`, `RM`, `UD`, ...); "" where it is not an NLRB case number."""
    match = CASE_NUMBER.match
    types = [m.group(2) if isinstance(c, str) and (m := match(c)) else "" for c in case_numbers.to_numpy(dtype=object)]
    return pd.Series(types, index=case_numbers.index, dtype=object)


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """Lower-case letters and digits joined by dashes (ids built from names)."""
    return _NOT_SLUG.sub("-", text.lower()).strip("-")


_NOT_SLUG_OR_NUL = re.compile(r"[^a-z0-9\x00]+")


def slugs(texts: list[str]) -> list[str]:
    """`slug` of each text, worked out on all of them joined by NUL (one regex pass, not one call per text); one by
    one where a text holds a NUL."""
    joined = "\x00".join(texts)
    if joined.count("\x00") != max(len(texts) - 1, 0):
        return [slug(t) for t in texts]
    return [part.strip("-") for part in _NOT_SLUG_OR_NUL.sub("-", joined.lower()).split("\x00")] if texts else []
