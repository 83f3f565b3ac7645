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


#: Characters a cell may not hold on the fast path: the CSV writer would quote it (`,`, `"`, line breaks), or the
#: byte matrix could not carry it (NUL is its padding).
_UNSAFE_IN_CELL = (",", '"', "\n", "\r", "\x00")
#: The formula characters as bytes; each is one byte in UTF-8, and no other character's encoding starts with one.
_FORMULA_BYTES = np.frombuffer("".join(FORMULA_PREFIXES).encode("ascii"), dtype=np.uint8)
_TRUE, _FALSE = np.frombuffer(b"True\0", dtype=np.uint8), np.frombuffer(b"False", dtype=np.uint8)
#: Largest byte matrix the fast writer builds (rows times the widest row); a larger frame is left to pandas.
MAX_MATRIX_BYTES = 2**28
#: Rows looked at to judge whether a column repeats its values enough to format each distinct one once.
_SAMPLE_ROWS = 1024


def _repetitive(values: np.ndarray) -> bool:
    """Whether the column's first rows repeat their values (at most half distinct): then formatting each distinct
    value once pays; in a column of mostly different values, hashing them would cost more than it spares."""
    sample = values[:_SAMPLE_ROWS]
    return 2 * len(pd.unique(sample)) <= len(sample)


def _padded(cells: np.ndarray) -> np.ndarray:
    """The (rows, width) byte matrix of a bytes array ('S' dtype): each cell's bytes, then NUL padding."""
    return cells.view(np.uint8).reshape(len(cells), cells.dtype.itemsize)


def _integer_cells(values: np.ndarray, missing: np.ndarray | None = None) -> np.ndarray:
    """Integers as decimal digits after a sign column, NUL-padded (as `str(int)` writes them); missing cells empty.

    Vectorised digit by digit: an order of magnitude faster than formatting each number in Python or numpy.
    """
    negative = values < 0
    magnitude = values.astype(np.uint64)
    magnitude[negative] = ~magnitude[negative] + np.uint64(1)  # two's complement: exact down to int64's minimum
    if missing is not None:
        magnitude[missing] = 0
    digits = len(str(int(magnitude.max())))
    sign = int(negative.any())
    cells = np.zeros((len(values), sign + digits), dtype=np.uint8)
    rest = magnitude
    for position in range(sign + digits - 1, sign - 1, -1):
        quotient = rest // np.uint64(10)
        digit = (rest - quotient * np.uint64(10)).astype(np.uint8) + ord("0")
        cells[:, position] = digit if position == sign + digits - 1 else np.where(rest > 0, digit, 0)
        rest = quotient
    if sign:
        cells[:, 0] = np.where(negative, ord("-"), 0)
    if missing is not None:
        cells[missing] = 0
    return cells


def _boolean_cells(values: np.ndarray, missing: np.ndarray | None = None) -> np.ndarray:
    """Booleans as `True` and `False`, NUL-padded; missing cells empty."""
    cells = np.where(values[:, None], _TRUE, _FALSE)
    if missing is not None:
        cells[missing] = 0
    return cells


def _float_cells(values: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """float64 values as their shortest round-trip form (Python's repr, the same as numpy's `str`, pandas' way),
    NUL-padded; missing cells empty. A repetitive column has each distinct value formatted once."""
    bits = values.view(np.int64)  # distinct by bit pattern, so -0.0 stays apart from 0.0
    if _repetitive(bits):
        codes, distinct = pd.factorize(bits)
        written = np.append(_float_reprs(distinct.view(np.float64)), b"")
        codes[missing] = -1
        return _padded(written[codes])
    written = _float_reprs(values)
    written[missing] = b""
    return _padded(written)


def _float_reprs(values: np.ndarray) -> np.ndarray:
    """Each float64's `repr` as bytes ('S' dtype). A list's repr formats its floats with `repr` in C, twice as
    fast as calling `repr` on each; no float's repr holds the ", " that separates them."""
    if len(values) == 0:
        return np.array([], dtype="S1")
    return np.array(repr(values.tolist())[1:-1].encode("ascii").split(b", "), dtype="S")


def _date_cells(values: np.ndarray) -> np.ndarray | None:
    """Naive datetimes at midnight as YYYY-MM-DD, NUL-padded, NaT empty; None for times of day or years pandas
    would not write in four digits. Each distinct date is formatted once."""
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    days = distinct.astype("datetime64[D]")
    if (
        (distinct != days).any()
        or (days < np.datetime64("1000-01-01")).any()
        or (days > np.datetime64("9999-12-31")).any()
    ):
        return None
    written = np.append(np.datetime_as_string(days, unit="D").astype("S10"), b"")
    return _padded(written[codes])


def _text_cells(cells: np.ndarray) -> np.ndarray | None:
    """Text cells (an object array; missing cells empty) formula-neutralised with a leading `'`, as UTF-8,
    NUL-padded; None if a cell is not text or needs quoting, or the matrix would be too large. Each distinct
    text of a repetitive column is encoded once: a column of few values (stage, outcome) costs little more than
    its codes. A column of booleans with missing cells (object dtype) is written as booleans."""
    codes: np.ndarray | None  # per cell, the row of `distinct` it shows (None: the cells are `distinct`)
    if _repetitive(cells):
        codes, distinct = pd.factorize(cells)
        missing = codes < 0
    else:  # every cell its own value
        codes, distinct, missing = None, cells, np.zeros(len(cells), dtype=bool)
    try:
        joined = "".join(distinct)  # the usual case, all text: no need to look for missing cells
    except TypeError:
        if codes is None:
            missing = pd.isna(cells)
            codes, distinct = np.where(missing, -1, np.arange(len(cells))), np.where(missing, "", cells)
        try:
            joined = "".join(distinct)
        except TypeError:
            if pd.api.types.infer_dtype(cells, skipna=True) == "boolean":  # booleans with missing cells
                return _boolean_cells(np.where(missing, False, cells).astype(bool), missing)
            return None  # a cell that is neither text nor boolean
    if any(c in joined for c in _UNSAFE_IN_CELL):
        return None
    utf8 = distinct if joined.isascii() else np.array([c.encode("utf-8") for c in distinct], object)
    if len(cells) * max(map(len, utf8), default=0) > MAX_MATRIX_BYTES:
        return None
    padded = _padded(np.append(utf8.astype("S"), b""))  # the last row answers code -1 (a missing cell)
    formula = np.isin(padded[:, 0], _FORMULA_BYTES)
    if formula.any():
        quoted = np.zeros((len(padded), padded.shape[1] + 1), dtype=np.uint8)
        quoted[:, 1:] = padded
        quoted[formula, 0] = ord("'")
        padded = quoted
    return padded[:-1] if codes is None else padded[codes]


def _column_cells(col: pd.Series) -> np.ndarray | None:
    """The column's cells as pandas' CSV writer would write them after `neutralise_formulas`, as a (rows, width)
    NUL-padded UTF-8 byte matrix; None for a column the fast writer leaves to pandas."""
    dtype = col.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        if dtype.categories.dtype.kind in "mM":
            return None  # pandas writes dates held as categories its own way
        categories = _column_cells(pd.Series(dtype.categories))
        if categories is None:
            return None
        table = np.vstack([categories, np.zeros((1, categories.shape[1]), dtype=np.uint8)])  # code -1: empty
        return table[col.cat.codes.to_numpy()]
    array = col.array
    if isinstance(array, pd.arrays.IntegerArray):
        return _integer_cells(array.to_numpy(dtype=dtype.numpy_dtype, na_value=0), array.isna())
    if isinstance(array, pd.arrays.BooleanArray):
        return _boolean_cells(array.to_numpy(dtype=bool, na_value=False), array.isna())
    if isinstance(array, pd.arrays.FloatingArray) and dtype.numpy_dtype == np.float64:
        return _float_cells(array.to_numpy(dtype=np.float64, na_value=np.nan), array.isna())
    if isinstance(dtype, pd.StringDtype):
        return _text_cells(col.to_numpy(dtype=object))
    if not isinstance(dtype, np.dtype):
        return None
    values = col.to_numpy()
    if dtype.kind in "iu":
        return _integer_cells(values)
    if dtype.kind == "b":
        return _boolean_cells(values)
    if dtype == np.float64:
        return _float_cells(values, np.isnan(values))
    if dtype.kind == "M":
        return _date_cells(values)
    if dtype.kind == "O":
        return _text_cells(values)
    return None


# Why a writer of our own: pandas' `to_csv` formats every cell in Python, which made writing a national summary
# (100,000 rows) the slowest step of `labor-analysis summary` (benchmarks/bench_summary.py). This one formats
# each column in bulk into a byte matrix padded with NUL, joins the columns with commas and drops the padding.
# It covers plain frames only, is tested byte for byte against `to_csv`, and leaves everything else to pandas.
def _fast_safe_csv_bytes(frame: pd.DataFrame) -> bytes | None:
    """The CSV, as UTF-8, that pandas' `to_csv(index=False, lineterminator="\\n")` writes of
    `neutralise_formulas(frame)`, for the frames handled here; None otherwise (pandas then writes).

    Handles frames of at least two columns and one row whose names and text need no quoting and whose columns
    are numbers (int, float64, Int64), booleans, dates at midnight, text, or categories of those.
    """
    names = ["'" + n if isinstance(n, str) and n.startswith(FORMULA_PREFIXES) else n for n in frame.columns]
    if len(names) < 2 or len(frame) == 0:
        return None
    if not all(isinstance(n, str) and not any(c in n for c in _UNSAFE_IN_CELL) for n in names):
        return None
    separator = np.full((len(frame), 1), ord(","), dtype=np.uint8)
    parts: list[np.ndarray] = []
    width = 0
    for i in range(len(names)):
        cells = _column_cells(frame.iloc[:, i])
        width += 0 if cells is None else cells.shape[1] + 1
        if cells is None or len(frame) * width > MAX_MATRIX_BYTES:
            return None
        parts += [cells, separator]
    parts[-1] = np.full((len(frame), 1), ord("\n"), dtype=np.uint8)
    matrix = np.concatenate(parts, axis=1)
    del parts
    body = matrix[matrix != 0]
    del matrix
    return b"".join([(",".join(names) + "\n").encode("utf-8"), memoryview(body)])


def to_safe_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The CSV of `frame` as UTF-8, formula-neutralised, with `\\n` line ends and no index (a CR in a cell becomes
    LF). Bytes, so that a national table goes to a file or a pipe without being decoded and encoded again."""
    data = _fast_safe_csv_bytes(frame)
    if data is None:
        buffer = io.StringIO()
        _carriage_returns_as_newlines(neutralise_formulas(frame)).to_csv(buffer, index=False, lineterminator="\n")
        data = buffer.getvalue().encode("utf-8")
    return data


def to_safe_csv_text(frame: pd.DataFrame) -> str:
    """The CSV text of `frame`, formula-neutralised, with `\\n` line ends and no index (a CR in a cell becomes LF)."""
    return to_safe_csv_bytes(frame).decode("utf-8")


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
    return write_atomic(path, to_safe_csv_bytes(frame))
