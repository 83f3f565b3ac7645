"""Write CSVs that are safe to open in a spreadsheet: formulas in text cells are neutralised."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

#: A text cell starting with one of these would be run as a formula by a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


#: Matches where some cell of a column's cells joined by line feeds starts with a formula character.
_FORMULA_START = re.compile("(?:^|\n)[=+\\-@\t\r]")


def _may_hold_text(col: pd.Series) -> bool:
    """False for columns that cannot hold text: numbers, booleans and dates."""
    types = pd.api.types
    return not (types.is_numeric_dtype(col) or types.is_bool_dtype(col) or types.is_datetime64_any_dtype(col))


def _joined_text(col: pd.Series, separator: str = "\n") -> str | None:
    """The column's text cells (a categorical's categories) joined by `separator`; None if some cell is not text.

    One string lets a whole column be screened in a single regular-expression pass.
    """
    values = col.cat.categories if isinstance(col.dtype, pd.CategoricalDtype) else col
    cells = values.to_numpy(dtype=object)
    try:
        return separator.join(cells)  # the usual case, no missing cell: no need to look for them
    except TypeError:
        pass
    try:
        return separator.join(cells[~pd.isna(cells)])
    except TypeError:
        return None


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` in which every text cell beginning with a formula character gets a leading `'`."""
    out = frame.copy()
    for name in out.columns:
        col = out[name]
        if not _may_hold_text(col):
            continue
        joined = _joined_text(col)
        if joined is not None and not _FORMULA_START.search(joined):
            continue  # the usual case, screened in one pass: no cell needs checking one by one
        text = col.astype("object")
        is_str = text.map(lambda v: isinstance(v, str))
        risky = is_str & text.where(is_str, "").str.startswith(FORMULA_PREFIXES)
        if risky.any():
            text = text.where(~risky, "'" + text.where(risky, "").astype(str))
            out[name] = text
    if not out.columns.empty:
        out.columns = [("'" + c) if isinstance(c, str) and c.startswith(FORMULA_PREFIXES) else c for c in out.columns]
    return out


def _carriage_returns_as_newlines(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with CR and CRLF in text cells turned into LF, which the CSV writer quotes (a bare CR it would not)."""
    for name in frame.columns:
        col = frame[name]
        if not _may_hold_text(col):
            continue
        joined = _joined_text(col)
        if joined is not None and "\r" not in joined:
            continue
        text = col.astype("object")
        has_cr = text.map(lambda v: isinstance(v, str) and "\r" in v)
        if has_cr.any():
            frame[name] = text.where(~has_cr, text[has_cr].str.replace("\r\n?", "\n", regex=True))
    return frame


#: Characters that make the CSV writer quote a cell; the fast writer leaves such frames to pandas.
_NEEDS_QUOTING = re.compile('[,"\n\r]')


def _blanked(cells: list[str], missing: np.ndarray) -> list[str]:
    """`cells` with the missing positions written as empty cells."""
    for i in np.flatnonzero(missing).tolist():
        cells[i] = ""
    return cells


def _fast_cells(col: pd.Series) -> list[str] | None:
    """The column's cells as pandas' CSV writer would write them, formatted in bulk; None if not handled here.

    Python's str/repr of ints and floats are the same shortest forms numpy's `astype(str)` (pandas' way) gives.
    """
    array = col.array
    if isinstance(col.dtype, pd.CategoricalDtype):
        categories = _fast_cells(pd.Series(col.cat.categories))
        if categories is None:
            return None
        return np.array([*categories, ""], dtype=object)[col.cat.codes.to_numpy()].tolist()
    if isinstance(array, (pd.arrays.IntegerArray, pd.arrays.BooleanArray)):
        missing = np.asarray(array.isna(), dtype=bool)
        filler = False if isinstance(array, pd.arrays.BooleanArray) else 0
        return _blanked(list(map(str, array.to_numpy(dtype=object, na_value=filler).tolist())), missing)
    values = col.to_numpy()
    kind = values.dtype.kind
    if kind in "biu":
        return list(map(str, values.tolist()))
    if values.dtype == np.float64:
        return _blanked(list(map(repr, values.tolist())), np.isnan(values))
    if kind == "M" and getattr(col.dtype, "tz", None) is None:
        present = ~np.isnat(values)
        days = values.astype("datetime64[D]")
        if (values[present] != days[present]).any():
            return None  # times of day: left to pandas' own format
        return _blanked(np.datetime_as_string(days, unit="D").tolist(), ~present)
    if kind == "O" or isinstance(col.dtype, pd.StringDtype):
        cells = col.to_numpy(dtype=object)
        try:
            joined, missing = "".join(cells), None  # the usual case, no missing cell: no need to look for them
        except TypeError:
            missing = pd.isna(cells)
            try:
                joined = "".join(cells[~missing])
            except TypeError:
                return None  # a cell that is not text
        if _NEEDS_QUOTING.search(joined):
            return None
        return cells.tolist() if missing is None else _blanked(cells.tolist(), missing)
    return None


# Why a writer of our own: pandas' `to_csv` formats every cell in Python, which made writing a national summary
# (100,000 rows) the slowest step of `labor-analysis summary` (benchmarks/bench_summary.py). The fast path
# covers plain frames only, is tested byte for byte against `to_csv`, and hands everything else to pandas.
def _fast_csv_text(frame: pd.DataFrame) -> str | None:
    """CSV text identical to pandas' `to_csv(index=False, lineterminator="\\n")` for the frames it handles.

    Handles frames of at least two columns and one row whose names and text need no quoting and whose columns
    are numbers, booleans, dates at midnight, text or categories of those; None otherwise (pandas then writes).
    pandas' own writer formats each cell in Python, which dominates writing a national table.
    """
    names = list(frame.columns)
    if len(names) < 2 or len(frame) == 0 or not all(isinstance(n, str) and not _NEEDS_QUOTING.search(n) for n in names):
        return None
    columns = []
    for i in range(len(names)):
        cells = _fast_cells(frame.iloc[:, i])
        if cells is None:
            return None
        columns.append(cells)
    return ",".join(names) + "\n" + "\n".join(map(",".join, zip(*columns))) + "\n"


def to_safe_csv_text(frame: pd.DataFrame) -> str:
    """The CSV text of `frame`, formula-neutralised, with `\n` line ends and no index (a CR in a cell becomes LF)."""
    safe = _carriage_returns_as_newlines(neutralise_formulas(frame))
    text = _fast_csv_text(safe)
    if text is None:
        buffer = io.StringIO()
        safe.to_csv(buffer, index=False, lineterminator="\n")
        text = buffer.getvalue()
    return text


def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write `data` to `path` through a temporary file and a rename, so a crash never leaves half a file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        with open(tmp, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return target


def write_safe_csv(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write `frame` to `path` as a formula-neutralised CSV, atomically."""
    return write_atomic(path, to_safe_csv_text(frame))
