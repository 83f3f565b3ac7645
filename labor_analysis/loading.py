"""Load a data folder into typed DataFrames, validating it on every load.

Each CSV is read from disk once. File-level trouble (missing folder or file, a file too large, empty or
binary, bad UTF-8, CR line ends or a bare CR, a cell over the size limit, broken CSV, missing columns)
becomes one `Problem` here; the rules on the content live in `validation`. Either way `load` raises one
`DataValidationError` listing the problems. Nothing is ever written into the data folder.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import MAX_SHOWN, DataValidationError, Problem
from .kept_data import kept
from .paths import national_dir, not_a_regular_file, resolve_data_dir
from .schema import TABLES, Table
from .validation import Report, validate

UTF8_BOM = b"\xef\xbb\xbf"
#: Largest file read: far above a table of every NLRB election, far below what would exhaust memory.
MAX_FILE_BYTES = 256 * 2**20
#: A file of the folder may be stored compressed, as `<name>.csv.gz`, where `<name>.csv` is absent.
GZIP_SUFFIX = ".gz"
#: Longest cell, in bytes: Python's csv module refuses longer fields, and no figure or note needs one.
MAX_CELL_BYTES = csv.field_size_limit()
#: Text columns parsed as categories because they hold a handful of distinct values (checked once each).
FEW_VALUES = frozenset({"stage"})


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

    def select(self, **filters: Any) -> Dataset:
        """The elections matching every filter, as a smaller Dataset of the same contract (`selection.select`:
        company, employer, city, state, region, union, case_type, since, until, election_ids).

        >>> import labor_analysis as la
        >>> len(la.load().select(company="Amazon", state=["NY", "al"]).elections)
        5
        """
        from .selection import select

        return select(self, **filters)


@dataclass
class RawTable:
    """One CSV as parsed, before the content rules: its frame and what is needed to name editor lines."""

    table: Table
    frame: pd.DataFrame
    #: The file's bytes; None where each record is on its own line, one after another (no quoted cell, no blank
    #: line), so a record's line is its position plus two: a national file need not be kept twice in memory.
    data: bytes | None = field(repr=False)
    _record_lines: np.ndarray | None = field(default=None, repr=False)
    #: The contract's columns the file leaves out (optional ones), present in `frame` as empty cells.
    absent: frozenset[str] = frozenset()

    @property
    def filename(self) -> str:
        return self.table.filename

    def editor_lines(self, rows: np.ndarray | list[int]) -> list[int]:
        """The line (header = 1) on which each data row (0-based position) starts, counting quoted line breaks."""
        positions = np.asarray(rows, dtype=np.int64)
        if self.data is None:
            return [int(n) + 2 for n in positions]
        if self._record_lines is None:  # the file's text is decoded only when a line must be named
            self._record_lines = _record_start_lines(_text(self.data))
        return [int(n) for n in self._record_lines[positions]]


def _one_record_per_line(data: bytes, records: int) -> bool:
    """Whether the file's `records` data records are each on one line, one after another from line 2: no quote
    (so no quoted line break) and as many records as lines after the header (so no blank line was skipped)."""
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    return records == lines - 1 and b'"' not in data


_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")


def _record_start_lines(text: str) -> np.ndarray:
    """The editor line of every data record of a CSV text, skipping blank lines as pandas does."""
    if '"' not in text and not _BLANK_LINE.search(text):  # one record per line: no need to parse
        lines = text.count("\n") + (not text.endswith("\n"))
        return np.arange(2, lines + 1, dtype=np.int64)
    reader = csv.reader(io.StringIO(text))
    starts: list[int] = []
    previous_end = 0
    try:
        for row in reader:
            if len(row) > 1 or (row and row[0].strip()):  # pandas skips empty and whitespace-only lines
                starts.append(previous_end + 1)
            previous_end = reader.line_num
    except csv.Error:  # the dialect checks rule this out; should it happen, count physical lines from here
        starts += range(previous_end + 1, text.count("\n") + 2)
    return np.asarray(starts[1:], dtype=np.int64)


def _line_of_offset(data: bytes, offset: int) -> int:
    """The editor line holding byte `offset`."""
    return data.count(b"\n", 0, offset) + 1


def _text(data: bytes) -> str:
    """The text of file bytes that passed `_unreadable`, without a byte-order mark."""
    return data.decode("utf-8").removeprefix("\ufeff")


def _unreadable(data: bytes, filename: str) -> Problem | None:
    """The Problem that makes the file unreadable (empty, binary or not UTF-8), if any.

    ASCII, the usual case, is UTF-8 by construction: checked without decoding the whole file.
    """
    if not data or data.isspace():
        return Problem(filename, None, None, None, "the file is empty: a header row is expected")
    nul = data.find(b"\x00")
    if nul >= 0:
        return Problem(
            filename, _line_of_offset(data, nul), None, None, "not a text file (it contains NUL bytes; is it binary?)"
        )
    if data.isascii():
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = " ".join(f"0x{byte:02x}" for byte in data[exc.start : exc.end])
        return Problem(filename, _line_of_offset(data, exc.start), None, bad, "not UTF-8 text (save the file as UTF-8)")
    return None


_BARE_CR = re.compile("\r(?!\n)")


def _line_ends_problem(text: str, filename: str) -> Problem | None:
    """One problem for a carriage return that does not end a line: CR-only line ends, or a CR in a cell."""
    if "\r" not in text:
        return None
    bare = _BARE_CR.search(text)
    if bare is None:
        return None
    count = len(_BARE_CR.findall(text))
    if "\n" not in text:
        return Problem(
            filename,
            None,
            None,
            None,
            "lines end in a carriage return alone (CR, an old Mac format): save the file with LF or CR LF line ends",
        )
    return Problem(
        filename,
        text.count("\n", 0, bare.start()) + 1,
        None,
        None,
        f"a carriage return (CR) that does not end a line ({count:,} in the file): remove it, or save "
        "the file with LF or CR LF line ends",
    )


def _long_cell_problem(data: bytes, filename: str) -> Problem | None:
    """One problem for the first cell longer than MAX_CELL_BYTES (quoted separators are part of a cell)."""
    if len(data) <= MAX_CELL_BYTES:
        return None
    quoted = b'"' in data
    half = MAX_CELL_BYTES // 2  # a line longer than the limit holds a whole aligned stretch of this length
    if not quoted and all(data.find(b"\n", i, i + half) >= 0 for i in range(0, len(data) - half + 1, half)):
        return None  # every line is shorter than the limit: so is every cell (found in place: no stretch is copied)
    chars = np.frombuffer(data, dtype=np.uint8)
    separator = (chars == ord("\n")) | (chars == ord(","))
    if quoted:
        separator &= ~np.logical_xor.accumulate(chars == ord('"'))  # outside quotes: an even count so far
    edges = np.concatenate(([-1], np.flatnonzero(separator), [len(chars)]))
    lengths = np.diff(edges) - 1
    long = np.flatnonzero(lengths > MAX_CELL_BYTES)
    if long.size == 0:
        return None
    start = int(edges[long[0]]) + 1
    return Problem(
        filename,
        _line_of_offset(data, start),
        None,
        None,
        f"a cell of {int(lengths[long[0]]):,} bytes, over the limit of {MAX_CELL_BYTES:,}",
    )


def _header(data: bytes) -> list[str]:
    """The column names of the header row (the first line: column names hold no line breaks)."""
    end = data.find(b"\n")
    return next(csv.reader(io.StringIO(_text(data if end < 0 else data[: end + 1]))), [])


def _header_problems(table: Table, header: list[str]) -> list[Problem]:
    """Missing required columns and repeated columns: either makes the file unusable."""
    problems = [
        Problem(table.filename, 1, f.name, None, "missing required column")
        for f in table.fields
        if not f.optional_column and f.name not in header
    ]
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(Problem(table.filename, 1, name, None, "the column appears twice in the header"))
        seen.add(name)
    return problems


def _with_contract_columns(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every contract column: an optional column the file leaves out comes as empty cells, so it
    gets its default exactly as an empty cell would."""
    absent = [f.name for f in table.fields if f.name not in frame.columns]
    if absent:  # typed as object up front: pandas would scan every cell to infer it
        # One column of empty cells, shared by every absent column (copied on write): an elections file that leaves
        # out the optional columns would otherwise hold a dozen arrays of a row each, all empty.
        empty = pd.Series(np.full(len(frame), np.nan, dtype=object), index=frame.index, dtype=object)
        for name in absent:
            frame[name] = empty
    return frame


def _long_rows(table: Table, text: str, report: Report) -> bool:
    """A problem for every row with more fields than the header (pandas stops at the first one); False if none."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    problems = []
    found = 0
    previous_end = reader.line_num
    for row in reader:
        if len(row) > len(header):
            found += 1
            if found <= MAX_SHOWN:
                problems.append(
                    Problem(
                        table.filename,
                        previous_end + 1,
                        None,
                        None,
                        f"the row has {len(row)} fields but the header has {len(header)}",
                    )
                )
        previous_end = reader.line_num
    report.add(problems, more=found - len(problems))
    return found > 0


_UNCLOSED_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")


def _structure_problems(table: Table, text: str, error: Exception, report: Report) -> None:
    """What makes the file unparseable as CSV, located as precisely as the parser allows."""
    unclosed = _UNCLOSED_QUOTE.search(str(error))
    if unclosed:  # pandas counts records from 0 at the header
        starts = _record_start_lines(text)
        record = int(unclosed.group(1))
        line = int(starts[record - 1]) if 0 < record <= len(starts) else None
        report.add([Problem(table.filename, line, None, None, "a quoted cell starts here and is never closed")])
    elif not _long_rows(table, text, report):
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        report.add([Problem(table.filename, None, None, None, f"not readable as CSV: {reason}")])


def _parse(table: Table, header: list[str], data: bytes) -> pd.DataFrame:
    """Parse the file, every cell as text (integers are checked as text, strictly, by `validation`) except the
    columns of allowed values and few distinct values, which come as categories."""
    body = io.BytesIO(data[len(UTF8_BOM) :] if data.startswith(UTF8_BOM) else data)
    dtypes: dict[str, object] = {name: object for name in header}
    for f in table.fields:
        if f.enum or f.name in FEW_VALUES:
            dtypes[f.name] = "category"
    # Only an empty cell is missing: "NA", "null" or "n/a" stay text (and fail the rules that expect numbers).
    return pd.read_csv(
        body, dtype=dtypes, keep_default_na=False, na_values=[""], encoding="utf-8", skip_blank_lines=True
    )


def read_table(folder: Path, table: Table, report: Report) -> RawTable | None:
    """Read one file of the data folder; None, with its problems in `report`, when it cannot be read."""
    path = folder / table.filename
    packed = folder / (table.filename + GZIP_SUFFIX)
    if not path.exists() and packed.is_file():  # a compressed folder, such as the national record
        data = _gunzip(packed, table.filename, report)
        return None if data is None else raw_table(table, data, report)
    rule = not_a_regular_file(path)
    if rule is not None:
        report.add([Problem(table.filename, None, None, None, rule)])
        return None
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            report.add(
                [
                    Problem(
                        table.filename,
                        None,
                        None,
                        None,
                        f"the file is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,} bytes",
                    )
                ]
            )
            return None
        data = path.read_bytes()
    except OSError as exc:
        report.add([Problem(table.filename, None, None, None, f"cannot be read: {exc.strerror or exc}")])
        return None
    return raw_table(table, data, report)


def _gunzip(path: Path, filename: str, report: Report) -> bytes | None:
    """The text of a gzip-compressed file of the folder (`elections.csv.gz`); None, with a problem, when it cannot
    be read or holds more than MAX_FILE_BYTES."""
    try:
        with gzip.open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:
        report.add([Problem(path.name, None, None, None, f"not a readable gzip file ({exc})")])
        return None
    if len(data) > MAX_FILE_BYTES:
        report.add([Problem(path.name, None, None, None, f"holds over {MAX_FILE_BYTES:,} bytes of {filename}")])
        return None
    return data


def raw_table(table: Table, data: bytes, report: Report) -> RawTable | None:
    """One file's bytes parsed as `read_table` would read them from disk; None, with its problems in `report`,
    when they cannot be read (so a writer can check a file with the loader's rules before writing it)."""
    problem = _unreadable(data, table.filename)
    if problem is None and b"\r" in data:  # line ends can only be wrong where there is a carriage return
        problem = _line_ends_problem(_text(data), table.filename)
    if problem is None:
        problem = _long_cell_problem(data, table.filename)
    if problem is not None:
        report.add([problem])
        return None
    header = _header(data)
    problems = _header_problems(table, header)
    if problems:
        report.add(problems)
        return None
    try:
        frame = _parse(table, header, data)
    except (pd.errors.ParserError, ValueError, OverflowError, MemoryError, csv.Error) as exc:
        _structure_problems(table, _text(data), exc, report)
        return None
    kept = None if _one_record_per_line(data, len(frame)) else data
    absent = frozenset(f.name for f in table.fields if f.name not in frame.columns)
    return RawTable(table, _with_contract_columns(table, frame), kept, absent=absent)


def read_folder(folder: Path, report: Report) -> dict[str, RawTable]:
    """Read every file of the data contract; a file that cannot be read is left out and its problems reported."""
    if not folder.exists():
        report.add([Problem(str(folder), None, None, None, "data folder not found")])
        return {}
    if not folder.is_dir():
        report.add([Problem(str(folder), None, None, None, "expected a data folder, found a file")])
        return {}
    raw = {table.name: read_table(folder, table, report) for table in TABLES}
    return {name: table for name, table in raw.items() if table is not None}


def load(data_dir: str | os.PathLike[str] | None = None) -> Dataset:
    """Read, validate and type the five tables of `data_dir` (default: $LABOR_ANALYSIS_DATA, else data/).

    Raises DataValidationError listing the problems found in every file (the first of each check, and how
    many there are in all); never writes to the folder.

    >>> import labor_analysis as la
    >>> ds = la.load()  # the project's data/ folder
    >>> sorted(ds.tables())
    ['elections', 'sources', 'spending', 'tallies', 'workforce']
    """
    folder = resolve_data_dir(data_dir)
    already = kept(folder)  # loaded before this process was forked (a rerun's warm kernel), files unchanged
    if already is not None:
        return already
    report = Report()
    raw = read_folder(folder, report)
    typed, report = validate(raw, report)
    if report.total:
        raise DataValidationError(report.sorted(), str(folder), total=report.total)
    return Dataset(data_dir=folder, **typed)


def national() -> Dataset:
    """The national record, validated: every NLRB election in the project's NLRB files (the FOIA table of
    2017-2021, a Region 06 download and the annual election reports of FY2011-FY2022), each once, with its
    certified result and company (`data/national/`, regenerated by `make national`).

    >>> import labor_analysis as la
    >>> starbucks = la.national().select(company="Starbucks")
    >>> bool(len(starbucks.elections)) and bool((la.results(starbucks)["company"] == "Starbucks").all())
    True
    """
    folder = national_dir()
    if not folder.is_dir():
        raise FileNotFoundError(f"the national record is not in this copy of the package: {folder}")
    return load(folder)
