"""Write CSVs that are safe to open in a spreadsheet: formulas in text cells are neutralised."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .float_text import WIDTH as FLOAT_WIDTH
from .float_text import float_reprs

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


#: A text cell holding one of these is written quoted (as Python's CSV writer does; a CR has become a LF first).
_QUOTED_CHARACTERS = ',"\n\r'
_QUOTED = re.compile(f"[{_QUOTED_CHARACTERS}]")


def _needs_quoting(text: str) -> bool:
    """Whether some cell of `text` (cells joined) must be quoted: four substring scans, which run at memory speed
    where a regular expression's character class steps through a national column twenty times slower."""
    return any(character in text for character in _QUOTED_CHARACTERS)


#: The formula characters as bytes; each is one byte in UTF-8, and no other character's encoding starts with one.
_FORMULA_BYTES = np.frombuffer("".join(FORMULA_PREFIXES).encode("ascii"), dtype=np.uint8)
_TRUE, _FALSE = np.frombuffer(b"True\0", dtype=np.uint8), np.frombuffer(b"False", dtype=np.uint8)
#: Largest byte matrix the fast writer builds at once: a block of rows (rows times the widest row), or a column's
#: table of distinct values. A national table is written a block at a time, so its text is never all in memory.
MAX_MATRIX_BYTES = 2**25
#: Most rows in one block: a block's byte matrix, its parts and its compacted text are alive at once, so smaller
#: blocks keep the writer's peak low (at 100,000 summary rows 2**16 made the writer the run's memory peak, 70 MB
#: over this) for about 2% more of the writer's time than 2**16.
BLOCK_ROWS = 2**14
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
    NUL-padded (`float_text.float_reprs`, in bulk); missing cells empty. A repetitive column has each distinct
    value formatted once."""
    bits = values.view(np.int64)  # distinct by bit pattern, so -0.0 stays apart from 0.0
    if _repetitive(bits):
        codes, distinct = pd.factorize(bits)
        codes[missing] = -1
        return _with_empty_row(float_reprs(distinct.view(np.float64)))[codes]
    cells = float_reprs(values)
    cells[missing] = 0
    return cells


@dataclass(frozen=True)
class _Column:
    """How the fast writer formats one column: `cells(start, stop)` is the NUL-padded UTF-8 byte matrix of those
    rows, as pandas would write them after `neutralise_formulas`, at most about `width` bytes wide."""

    width: int
    cells: Callable[[int, int], np.ndarray]


def _table_column(table: np.ndarray, codes: np.ndarray) -> _Column:
    """A column written from a table of its distinct values (a matrix, one row per value) and each cell's row."""
    return _Column(table.shape[1], lambda start, stop: table[codes[start:stop]])


def _with_empty_row(table: np.ndarray) -> np.ndarray:
    """`table` with a last row of NUL, the row code -1 (a missing cell) picks."""
    return np.vstack([table, np.zeros((1, table.shape[1]), dtype=np.uint8)])


def _date_column(values: np.ndarray) -> _Column | None:
    """Naive datetimes at midnight as YYYY-MM-DD, NaT empty; None for times of day or years pandas would not write
    in four digits. Each distinct date is formatted once."""
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    days = distinct.astype("datetime64[D]")
    if (
        (distinct != days).any()
        or (days < np.datetime64("1000-01-01")).any()
        or (days > np.datetime64("9999-12-31")).any()
    ):
        return None
    return _table_column(_with_empty_row(_padded(np.datetime_as_string(days, unit="D").astype("S10"))), codes)


def _safe_text(value: str) -> str:
    """One text cell as the pandas path writes it: a formula neutralised, CR and CRLF made LF, then quoted where
    Python's CSV writer quotes (a separator, a quote or a line break in the cell), quotes doubled."""
    if value.startswith(FORMULA_PREFIXES):
        value = "'" + value
    if "\r" in value:
        value = re.sub("\r\n?", "\n", value)
    if _QUOTED.search(value):
        value = '"' + value.replace('"', '""') + '"'
    return value


def _quoted_where_needed(texts: np.ndarray, joined: str) -> np.ndarray:
    """`texts` (an object array of str, `joined` them joined by NUL) with each cell that needs quoting written by
    `_safe_text`; the others, the usual case, are left to the byte matrix."""
    ends = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1)  # one past each NUL
    texts = texts.copy()
    for i in np.unique(np.searchsorted(ends, [m.start() for m in _QUOTED.finditer(joined)], side="right")):
        texts[i] = _safe_text(texts[i])
    return texts


def _neutralised(padded: np.ndarray) -> np.ndarray:
    """A byte matrix of text cells with a `'` before each cell that starts with a formula character."""
    formula = np.isin(padded[:, 0], _FORMULA_BYTES) if padded.shape[1] else np.zeros(len(padded), dtype=bool)
    if not formula.any():
        return padded
    quoted = np.zeros((len(padded), padded.shape[1] + 1), dtype=np.uint8)
    quoted[:, 1:] = padded
    quoted[formula, 0] = ord("'")
    return quoted


@dataclass(frozen=True)
class _Texts:
    """Text cells encoded as UTF-8 in one piece, a NUL after each, then an empty cell (the one code -1 picks): each
    cell is a slice of one byte array, found without encoding or measuring the cells one by one."""

    data: np.ndarray  # uint8
    starts: np.ndarray
    lengths: np.ndarray

    @classmethod
    def of(cls, joined: str) -> _Texts:
        """The cells of `joined`, the texts joined by NUL."""
        data = np.frombuffer((joined + "\x00").encode("utf-8"), dtype=np.uint8)
        ends = np.flatnonzero(data == 0)
        starts = np.concatenate(([0], ends[:-1] + 1, [len(data)]))
        return cls(data, starts, np.append(ends, len(data)) - starts)

    def matrix(self, rows: slice | np.ndarray) -> np.ndarray:
        """The NUL-padded byte matrix of the cells `rows` (a slice or positions, -1 for the empty cell), a `'`
        before each formula."""
        starts, lengths = self.starts[rows], self.lengths[rows]
        offsets = np.arange(int(lengths.max(initial=0)), dtype=starts.dtype)
        inside = offsets[None, :] < lengths[:, None]
        cells = np.where(inside, self.data.take(starts[:, None] + offsets[None, :], mode="clip"), 0)
        return _neutralised(cells.astype(np.uint8, copy=False))


def _text_column(cells: np.ndarray) -> _Column | None:
    """Text cells (an object array; missing cells empty) formula-neutralised with a leading `'`, quoted where
    needed, as UTF-8; None if a cell is neither text nor missing, or holds a NUL (the matrix's padding). Each
    distinct text of a repetitive column is encoded once: a column of few values (stage, outcome) costs little
    more than its codes. A column of booleans with missing cells (object dtype) is written as booleans."""
    codes: np.ndarray | None  # per cell, the row of `distinct` it shows (None: the cells are `distinct`)
    if _repetitive(cells):
        codes, distinct = pd.factorize(cells)
    else:  # every cell its own value
        codes, distinct = None, cells
    try:
        joined = "\x00".join(distinct)  # the usual case, all text: no need to look for missing cells
    except TypeError:
        distinct = np.where(pd.isna(distinct), "", distinct)  # a missing cell is written empty, as an empty text is
        try:
            joined = "\x00".join(distinct)
        except TypeError:
            if pd.api.types.infer_dtype(cells, skipna=True) == "boolean":  # booleans with missing cells
                empty = pd.isna(cells)
                values = np.where(empty, False, cells).astype(bool)
                return _Column(5, lambda start, stop: _boolean_cells(values[start:stop], empty[start:stop]))
            return None  # a cell that is neither text nor boolean
    if joined.count("\x00") != max(len(distinct) - 1, 0):
        return None  # a cell holds a NUL
    if _needs_quoting(joined):
        joined = "\x00".join(_quoted_where_needed(distinct, joined))
    texts = _Texts.of(joined)
    width = int(texts.lengths.max(initial=0)) + 1  # a `'` may come first
    if codes is None:
        return _Column(width, lambda start, stop: texts.matrix(slice(start, stop)))
    if len(texts.lengths) * width <= MAX_MATRIX_BYTES:
        return _table_column(texts.matrix(slice(None)), codes)
    return _Column(width, lambda start, stop: texts.matrix(codes[start:stop]))  # too many values for one table


def _column(col: pd.Series) -> _Column | None:
    """How the fast writer formats the column; None for a column it leaves to pandas."""
    dtype = col.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        if dtype.categories.dtype.kind in "mM":
            return None  # pandas writes dates held as categories its own way
        categories = _column(pd.Series(dtype.categories))
        if categories is None:
            return None
        table = _with_empty_row(categories.cells(0, len(dtype.categories)))
        return _table_column(table, col.cat.codes.to_numpy())
    array = col.array
    if isinstance(array, pd.arrays.IntegerArray):
        return _integer_column(array.to_numpy(dtype=dtype.numpy_dtype, na_value=0), array.isna())
    if isinstance(array, pd.arrays.BooleanArray):
        values, missing = array.to_numpy(dtype=bool, na_value=False), array.isna()
        return _Column(5, lambda start, stop: _boolean_cells(values[start:stop], missing[start:stop]))
    if isinstance(array, pd.arrays.FloatingArray) and dtype.numpy_dtype == np.float64:
        return _float_column(array.to_numpy(dtype=np.float64, na_value=np.nan), array.isna())
    if isinstance(dtype, pd.StringDtype):
        return _text_column(col.to_numpy(dtype=object))
    if not isinstance(dtype, np.dtype):
        return None
    values = col.to_numpy()
    if dtype.kind in "iu":
        return _integer_column(values, None)
    if dtype.kind == "b":
        return _Column(5, lambda start, stop: _boolean_cells(values[start:stop]))
    if dtype == np.float64:
        return _float_column(values, np.isnan(values))
    if dtype.kind == "M":
        return _date_column(values)
    if dtype.kind == "O":
        return _text_column(values)
    return None


def _integer_column(values: np.ndarray, missing: np.ndarray | None) -> _Column:
    """An integer column (missing cells empty)."""
    width = 21  # a sign and the 20 digits of the largest uint64

    def cells(start: int, stop: int) -> np.ndarray:
        return _integer_cells(values[start:stop], None if missing is None else missing[start:stop])

    return _Column(width, cells)


def _float_column(values: np.ndarray, missing: np.ndarray) -> _Column:
    """A float64 column (missing cells empty)."""
    return _Column(FLOAT_WIDTH, lambda start, stop: _float_cells(values[start:stop], missing[start:stop]))


# Why a writer of our own: pandas' `to_csv` formats every cell in Python, which made writing a national summary
# (100,000 rows) the slowest step of `labor-analysis summary` (benchmarks/bench_summary.py). This one formats
# each column in bulk into a byte matrix padded with NUL, joins the columns with commas and drops the padding,
# a block of rows at a time. It covers plain frames only, is tested byte for byte against `to_csv`, and leaves
# everything else to pandas.
def _fast_safe_csv_blocks(frame: pd.DataFrame) -> Iterator[bytes] | None:
    """The CSV, as UTF-8 in blocks of rows (the header first), that pandas' `to_csv(index=False,
    lineterminator="\\n")` writes of `_carriage_returns_as_newlines(neutralise_formulas(frame))`, for the frames
    handled here; None otherwise (pandas then writes).

    Handles frames of at least two columns and one row whose names need no quoting and whose columns are numbers
    (int, float64, Int64, Float64), booleans, dates at midnight, text, or categories of those.
    """
    names = ["'" + n if isinstance(n, str) and n.startswith(FORMULA_PREFIXES) else n for n in frame.columns]
    if len(names) < 2 or len(frame) == 0:
        return None
    if not all(isinstance(n, str) and not _QUOTED.search(n) and "\x00" not in n for n in names):
        return None
    columns = []
    for i in range(len(names)):
        column = _column(frame.iloc[:, i])
        if column is None:
            return None
        columns.append(column)
    rows = max(1, min(BLOCK_ROWS, MAX_MATRIX_BYTES // sum(c.width + 1 for c in columns)))
    return _blocks((",".join(names) + "\n").encode("utf-8"), columns, len(frame), rows)


def _blocks(header: bytes, columns: list[_Column], length: int, rows: int) -> Iterator[bytes]:
    """The header, then the CSV of each block of `rows` rows."""
    yield header
    for start in range(0, length, rows):
        stop = min(start + rows, length)
        separator = np.full((stop - start, 1), ord(","), dtype=np.uint8)
        parts: list[np.ndarray] = []
        for column in columns:
            parts += [column.cells(start, stop), separator]
        parts[-1] = np.full((stop - start, 1), ord("\n"), dtype=np.uint8)
        matrix = np.concatenate(parts, axis=1)
        del parts
        yield matrix[matrix != 0].tobytes()


def _pandas_safe_csv_bytes(frame: pd.DataFrame) -> bytes:
    """What pandas writes of `frame` once neutralised, as UTF-8: the reference the fast writer equals."""
    buffer = io.StringIO()
    _carriage_returns_as_newlines(neutralise_formulas(frame)).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def safe_csv_blocks(frame: pd.DataFrame) -> Iterator[bytes]:
    """The CSV of `frame` as `to_safe_csv_bytes` writes it, in pieces (a block of rows each, where the fast writer
    takes the frame), so a national table goes to a pipe without its whole text in memory."""
    blocks = _fast_safe_csv_blocks(frame)
    if blocks is None:
        yield _pandas_safe_csv_bytes(frame)
    else:
        yield from blocks


def to_safe_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The CSV of `frame` as UTF-8, formula-neutralised, with `\\n` line ends and no index (a CR in a cell becomes
    LF). Bytes, so that a national table goes to a file or a pipe without being decoded and encoded again."""
    return b"".join(safe_csv_blocks(frame))


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
