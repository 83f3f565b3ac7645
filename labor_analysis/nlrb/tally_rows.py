"""The tally-row frame every reader produces: one row per input row, in the NLRB's own terms, before any rule.

Counts are nullable integers (`<NA>` where the cell was blank and blank does not mean zero), dates
datetime64 (NaT where blank), text columns plain strings ("" where blank).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

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
    """Cells as stripped strings, "" where blank."""
    out = values.astype(object).where(values.notna(), "")
    return pd.Series(out.astype(str).str.strip().to_numpy(dtype=object), index=values.index)


def counts(values: pd.Series, rows: pd.Series, column: str, blank: int | None) -> pd.Series:
    """Cells as whole non-negative numbers (Int64); a blank cell becomes `blank` (None: missing).

    Numbers may come as floats (a spreadsheet) or as text with thousands separators (a download).
    """
    cells = values.astype(object)
    numbers = pd.to_numeric(cells, errors="coerce").astype(float)
    unread = numbers.isna() & cells.notna()
    blank_mask = cells.isna()
    if unread.any():  # text cells: blank, or numbers with separators or spaces
        stripped = cells[unread].astype(str).str.replace(",", "", regex=False).str.strip()
        blank_mask |= stripped.eq("").reindex(cells.index, fill_value=False)
        numbers[unread] = pd.to_numeric(stripped, errors="coerce").astype(float)
    bad = ~blank_mask & (numbers.isna() | (numbers < 0) | (numbers != np.floor(numbers)) | ~np.isfinite(numbers))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise CellError(int(rows.iloc[i]), column, values.iloc[i], "not a whole number of ballots or voters")
    out = pd.array(numbers.where(~blank_mask, np.nan).to_numpy(), dtype="Float64").astype("Int64")
    if blank is not None:
        out = out.fillna(blank)
    return pd.Series(out, index=values.index)


def dates(values: pd.Series, rows: pd.Series, column: str, text_format: str) -> pd.Series:
    """Cells as dates: datetimes as they are, spreadsheet serial numbers from SPREADSHEET_EPOCH, text in
    `text_format` (or ISO); NaT where blank. Anything else is a CellError."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return pd.to_datetime(values).dt.normalize().astype("datetime64[ns]")
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    kinds = values.map(type)
    stamps = kinds.map(lambda k: issubclass(k, (pd.Timestamp, np.datetime64)) or k.__name__ in ("datetime", "date"))
    if stamps.any():
        out[stamps] = pd.to_datetime(values[stamps].astype(object)).dt.normalize()
    serials = kinds.map(lambda k: issubclass(k, (int, float, np.integer, np.floating))) & values.notna()
    serials &= ~stamps
    if serials.any():
        out[serials] = SPREADSHEET_EPOCH + pd.to_timedelta(values[serials].astype(float).round(), unit="D")
    strings = kinds.map(lambda k: issubclass(k, str))
    if strings.any():
        cells = values[strings].str.strip()
        blank = cells.eq("")
        parsed = pd.to_datetime(cells[~blank], format=text_format, errors="coerce")
        iso = pd.to_datetime(cells[~blank], format="%Y-%m-%d", errors="coerce")
        parsed = parsed.fillna(iso)
        if parsed.isna().any():
            i = parsed.index[parsed.isna()][0]
            raise CellError(int(rows[i]), column, values[i], "not a date")
        out[parsed.index] = parsed
    return out


def zero_if_missing(value: Any) -> int:
    """A count as int, 0 where missing (for sums only)."""
    return 0 if pd.isna(value) else int(value)


def case_type(case_numbers: pd.Series) -> pd.Series:
    """The case type of each case number (`RC`, `RD`, `RM`, `UD`, ...); "" where it is not an NLRB case number."""
    return case_numbers.str.extract(CASE_NUMBER.pattern, expand=True)[1].fillna("").astype(object)


def slug(text: str) -> str:
    """Lower-case letters and digits joined by dashes (ids built from names)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
