"""Write an imported data folder only once it passes the data contract, exactly as `labor-analysis validate` checks it.

Every file is rendered to bytes in memory, read back by the loader's own parser (`loading.raw_table`) and checked
by `validation.validate`; a problem stops the import before anything is written (`ImportContractError`, naming the
input rows the election came from). The one repair made is counted in the report: a carriage return inside a text
cell becomes a line feed (the contract allows a CR only at a line end).

Text is written as the NLRB spelt it. A data folder is data, not an output: a union called `+cmd` or `@SUM(1)` keeps
its name, as the hand-made `data/` does, and every output the package writes from it (summary, chart data) is
neutralised (`safe_csv`). The report counts the text cells that a spreadsheet would read as a formula
(`TEXT_LIKE_A_FORMULA`), so whoever opens the files in a spreadsheet knows to import them as text.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from ..errors import Problem
from ..loading import MAX_CELL_BYTES, RawTable, raw_table
from ..safe_csv import FORMULA_PREFIXES, write_atomic
from ..schema import BOOLEAN_FALSE, BOOLEAN_TRUE, TABLES_BY_NAME
from ..validation import Report, validate

CARRIAGE_RETURNS_REPLACED = "text cells with a carriage return, written as a line feed"
TEXT_LIKE_A_FORMULA = "text cells starting with =, +, -, @, tab or CR (written as they are: import the CSVs as text)"
#: Problems shown in the message that stops an import (the rest are counted).
SHOWN = 5


class ImportContractError(ValueError):
    """The import would write a data folder that `validate` rejects: nothing was written."""


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """One CSV in the contract's text forms: ISO dates, `true`/`false`, whole numbers, empty for missing."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            out[column] = values.dt.strftime("%Y-%m-%d").fillna("")
        elif pd.api.types.is_bool_dtype(values):
            out[column] = values.map({True: BOOLEAN_TRUE, False: BOOLEAN_FALSE})
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def header_only(name: str) -> bytes:
    """A file of the contract holding its header alone (spending and workforce: the NLRB reports neither)."""
    return (",".join(f.name for f in TABLES_BY_NAME[name].fields) + "\n").encode("utf-8")


def _text_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]


def repair_and_count(frames: Mapping[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
    """The frames with CR and CRLF in text cells as LF, and the counts of that repair and of formula-like cells."""
    repaired: dict[str, pd.DataFrame] = {}
    counts = {CARRIAGE_RETURNS_REPLACED: 0, TEXT_LIKE_A_FORMULA: 0}
    for name, frame in frames.items():
        frame = frame.copy()
        for column in _text_columns(frame):
            cells = frame[column]
            is_text = cells.map(lambda v: isinstance(v, str))
            text = cells.where(is_text, "").astype(str)
            with_cr = is_text & text.str.contains("\r", regex=False)
            if with_cr.any():
                counts[CARRIAGE_RETURNS_REPLACED] += int(with_cr.sum())
                frame[column] = cells.where(~with_cr, text.str.replace("\r\n?", "\n", regex=True))
                text = frame[column].where(is_text, "").astype(str)
            counts[TEXT_LIKE_A_FORMULA] += int((is_text & text.str.startswith(FORMULA_PREFIXES)).sum())
        repaired[name] = frame
    return repaired, counts


def check_cell_sizes(frames: Mapping[str, pd.DataFrame], origin: Callable[[str], str]) -> None:
    """ImportContractError for a text cell longer than the loader reads (`loading.MAX_CELL_BYTES`, in UTF-8), naming
    the column and the input rows: the loader would reject the whole file without saying which column."""
    for name, frame in frames.items():
        for column in _text_columns(frame):
            cells = frame[column]
            suspects = cells[cells.map(lambda v: isinstance(v, str) and len(v) > MAX_CELL_BYTES // 4)]
            for position, cell in suspects.items():
                size = len(cell.encode("utf-8"))
                if size > MAX_CELL_BYTES:
                    election = frame["election_id"].get(position) if "election_id" in frame.columns else None
                    found = f" [election {election}, from {origin(election)}]" if isinstance(election, str) else ""
                    raise ImportContractError(
                        f"the import would write a data folder that `validate` rejects, so nothing was written: "
                        f"{name}.csv, column {column!r}: a cell of {size:,} bytes, over the limit of "
                        f"{MAX_CELL_BYTES:,} (value {_short(cell)!r}){found}"
                    )


def check(files: Mapping[str, bytes], origin: Callable[[str], str]) -> None:
    """Raise ImportContractError when the files (file name -> bytes) break the data contract as `validate` reads it.

    `origin(election_id)` says where in the input an election came from (file and rows), for the message.
    """
    report = Report()
    raw: dict[str, RawTable] = {}
    for filename, data in files.items():
        contract = TABLES_BY_NAME.get(filename.removesuffix(".csv"))
        table = None if contract is None else raw_table(contract, data, report)
        if table is not None:
            raw[table.table.name] = table
    _, report = validate(raw, report)
    if not report.total:
        return
    shown = [_described(p, raw, origin) for p in report.sorted()[:SHOWN]]
    more = f"; and {report.total - len(shown)} more" if report.total > len(shown) else ""
    raise ImportContractError(
        "the import would write a data folder that `validate` rejects, so nothing was written: "
        + "; ".join(shown)
        + more
    )


def _described(problem: Problem, raw: Mapping[str, RawTable], origin: Callable[[str], str]) -> str:
    """A problem of a file about to be written, with the input rows its election came from where known."""
    where = f"{problem.file}" + (f" line {problem.line}" if problem.line else "")
    if problem.column:
        where += f", column {problem.column!r}"
    value = "" if problem.value is None else f" (value {_short(problem.value)!r})"
    text = f"{where}: {problem.rule}{value}"
    table = raw.get(problem.file.removesuffix(".csv"))
    if problem.line and table is not None and "election_id" in table.frame.columns:
        frame = table.frame
        lines = table.editor_lines(list(range(len(frame))))
        if problem.line in lines:
            election = frame["election_id"].iloc[lines.index(problem.line)]
            if isinstance(election, str):
                text += f" [election {election}, from {origin(election)}]"
    return text


def _short(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[:limit] + f"... ({len(value):,} characters)"


def write(out: Path, files: Mapping[str, bytes]) -> None:
    """Write each file into `out` (created if missing) through a temporary file and a rename."""
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        write_atomic(out / name, data)


def origin_finder(rows: pd.DataFrame, names: list[str]) -> Callable[[str], str]:
    """`origin(election_id)`: the input file and rows of an election's case, from the classified rows."""

    def origin(election_id: str) -> str:
        case = "-".join(election_id.split("-")[:3]).upper()
        mine = rows[rows["case_number"].str.upper() == case]
        if mine.empty:
            return "the input files"
        parts = []
        for file, group in mine.groupby("file", sort=True):
            listed = ", ".join(str(r) for r in group["row"].head(5))
            parts.append(f"{names[int(file)]} row(s) {listed}")
        return "; ".join(parts)

    return origin
