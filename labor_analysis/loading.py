"""Load a data folder into typed DataFrames, validating it on every load.

Each CSV is read from disk once. File-level trouble (missing folder or file, empty or binary file, bad
UTF-8, broken CSV, missing columns) becomes a `Problem` here; the rules on the content live in
`validation`. Either way `load` raises one `DataValidationError` listing every problem. Nothing is ever
written into the data folder.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DataValidationError, Problem
from .paths import resolve_data_dir
from .schema import TABLES, Table
from .validation import validate

UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Dataset:
    """The five tables of one data folder, typed: dates datetime64, integers Int64, booleans bool, enums categorical."""

    data_dir: Path
    elections: pd.DataFrame
    tallies: pd.DataFrame
    spending: pd.DataFrame
    workforce: pd.DataFrame
    sources: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name, in the order of `schema.TABLES`."""
        return {t.name: getattr(self, t.name) for t in TABLES}


@dataclass
class RawTable:
    """One CSV as parsed, before the content rules: its frame and the text needed to name editor lines."""

    table: Table
    frame: pd.DataFrame
    text: str
    _record_lines: np.ndarray | None = field(default=None, repr=False)

    @property
    def filename(self) -> str:
        return self.table.filename

    def editor_lines(self, rows: np.ndarray | list[int]) -> list[int]:
        """The line (header = 1) on which each data row (0-based position) starts, counting quoted line breaks."""
        if self._record_lines is None:
            self._record_lines = _record_start_lines(self.text)
        return [int(n) for n in self._record_lines[np.asarray(rows, dtype=np.int64)]]


_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")


def _record_start_lines(text: str) -> np.ndarray:
    """The editor line of every data record of a CSV text, skipping blank lines as pandas does."""
    if '"' not in text and not _BLANK_LINE.search(text):  # one record per line: no need to parse
        lines = text.count("\n") + (not text.endswith("\n"))
        return np.arange(2, lines + 1, dtype=np.int64)
    reader = csv.reader(io.StringIO(text))
    starts: list[int] = []
    previous_end = 0
    for row in reader:
        if len(row) > 1 or (row and row[0].strip()):  # pandas skips empty and whitespace-only lines
            starts.append(previous_end + 1)
        previous_end = reader.line_num
    return np.asarray(starts[1:], dtype=np.int64)


def _line_of_offset(data: bytes, offset: int) -> int:
    """The editor line holding byte `offset`."""
    return data.count(b"\n", 0, offset) + 1


def _decode(data: bytes, filename: str) -> tuple[str | None, Problem | None]:
    """The file's text, or the Problem that makes it unreadable (empty, binary or not UTF-8)."""
    if not data or data.isspace():
        return None, Problem(filename, None, None, None, "the file is empty: a header row is expected")
    nul = data.find(b"\x00")
    if nul >= 0:
        return None, Problem(filename, _line_of_offset(data, nul), None, None,
                             "not a text file (it contains NUL bytes; is it binary?)")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        bad = " ".join(f"0x{byte:02x}" for byte in data[exc.start:exc.end])
        return None, Problem(filename, _line_of_offset(data, exc.start), None, bad,
                             "not UTF-8 text (save the file as UTF-8)")


def _header(text: str) -> list[str]:
    """The column names of the header row (the first line: column names hold no line breaks)."""
    end = text.find("\n")
    return next(csv.reader(io.StringIO(text if end < 0 else text[: end + 1])), [])


def _header_problems(table: Table, header: list[str]) -> list[Problem]:
    """Missing required columns and repeated columns: either makes the file unusable."""
    problems = [
        Problem(table.filename, 1, f.name, None, "missing required column")
        for f in table.fields if not f.optional_column and f.name not in header
    ]
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(Problem(table.filename, 1, name, None, "the column appears twice in the header"))
        seen.add(name)
    return problems


def _with_contract_columns(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """The contract's columns in schema order (an optional column the file leaves out comes as empty cells,
    so it gets its default exactly as an empty cell would), then any extra columns in file order."""
    names = [f.name for f in table.fields]
    absent = {name: np.full(len(frame), np.nan, dtype=object) for name in names if name not in frame.columns}
    if absent:
        frame = frame.assign(**absent)
    order = names + [c for c in frame.columns if c not in set(names)]
    return frame if list(frame.columns) == order else frame[order]


def _fast_dtypes(table: Table, header: list[str]) -> dict[str, object]:
    """read_csv dtypes letting the C parser do the conversions it can do strictly; other columns stay text.

    Text columns are plain Python strings (object dtype), the quickest to parse and to check.
    """
    dtypes: dict[str, object] = {name: object for name in header}
    for f in table.fields:
        if f.type == "integer":
            dtypes[f.name] = "Int64"
        elif f.enum:
            dtypes[f.name] = "category"
    return dtypes


def _long_rows(table: Table, text: str) -> list[Problem]:
    """A problem for every row with more fields than the header (pandas stops at the first one)."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    problems = []
    previous_end = reader.line_num
    for row in reader:
        if len(row) > len(header):
            problems.append(Problem(table.filename, previous_end + 1, None, None,
                                    f"the row has {len(row)} fields but the header has {len(header)}"))
        previous_end = reader.line_num
    return problems


_UNCLOSED_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")


def _structure_problems(table: Table, text: str, error: pd.errors.ParserError) -> list[Problem]:
    """What makes the file unparseable as CSV, located as precisely as the parser allows."""
    unclosed = _UNCLOSED_QUOTE.search(str(error))
    if unclosed:  # pandas counts records from 0 at the header
        starts = _record_start_lines(text)
        record = int(unclosed.group(1))
        line = int(starts[record - 1]) if 0 < record <= len(starts) else None
        return [Problem(table.filename, line, None, None, "a quoted cell starts here and is never closed")]
    return _long_rows(table, text) or [Problem(table.filename, None, None, None, f"not readable as CSV: {error}")]


def _read_typed_or_text(body: io.BytesIO, dtypes: dict[str, object]) -> pd.DataFrame:
    """Parse with typed columns; when a cell defeats the typed parse, parse again (in memory) with every cell
    as text, so that `validation` can name each bad cell."""
    # Only an empty cell is missing: "NA", "null" or "n/a" stay text (and fail the rules that expect numbers).
    options = dict(keep_default_na=False, na_values=[""], encoding="utf-8", skip_blank_lines=True)
    try:
        return pd.read_csv(body, dtype=dtypes, **options)
    except pd.errors.ParserError:
        raise
    except (ValueError, TypeError, OverflowError):
        body.seek(0)
        return pd.read_csv(body, dtype=object, **options)


def _parse(table: Table, header: list[str], data: bytes, text: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """The parsed table, or the problems that make the file unparseable as CSV."""
    body = io.BytesIO(data[len(UTF8_BOM):] if data.startswith(UTF8_BOM) else data)
    try:
        return _read_typed_or_text(body, _fast_dtypes(table, header)), []
    except pd.errors.ParserError as exc:
        return None, _structure_problems(table, text, exc)


def read_table(folder: Path, table: Table) -> tuple[RawTable | None, list[Problem]]:
    """Read one file of the data folder, or the problems that stop it from being read."""
    path = folder / table.filename
    if not path.is_file():
        rule = "expected a file, found a folder" if path.exists() else "file not found"
        return None, [Problem(table.filename, None, None, None, rule)]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(table.filename, None, None, None, f"cannot be read: {exc.strerror}")]
    text, problem = _decode(data, table.filename)
    if problem is not None:
        return None, [problem]
    text = text.removeprefix("\ufeff")
    header = _header(text)
    problems = _header_problems(table, header)
    if problems:
        return None, problems
    frame, problems = _parse(table, header, data, text)
    if frame is None:
        return None, problems
    return RawTable(table, _with_contract_columns(table, frame), text), []


def read_folder(folder: Path) -> tuple[dict[str, RawTable], list[Problem]]:
    """Read every file of the data contract; a file that cannot be read is left out and its problems listed."""
    if not folder.exists():
        return {}, [Problem(str(folder), None, None, None, "data folder not found")]
    if not folder.is_dir():
        return {}, [Problem(str(folder), None, None, None, "expected a data folder, found a file")]
    raw: dict[str, RawTable] = {}
    problems: list[Problem] = []
    for table in TABLES:
        read, found = read_table(folder, table)
        problems += found
        if read is not None:
            raw[table.name] = read
    return raw, problems


def load(data_dir: str | os.PathLike[str] | None = None) -> Dataset:
    """Read, validate and type the five tables of `data_dir` (default: $LABOR_ANALYSIS_DATA, else data/).

    Raises DataValidationError listing every problem found in every file; never writes to the folder.
    """
    folder = resolve_data_dir(data_dir)
    raw, problems = read_folder(folder)
    typed, content_problems = validate(raw)
    problems += content_problems
    if problems:
        raise DataValidationError(problems, str(folder))
    return Dataset(data_dir=folder, **typed)
