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

import csv
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import Problem
from ..loading import FEW_VALUES, MAX_CELL_BYTES, RawTable, raw_table
from ..output_lock import LOCK_FILE, claim_output_dir
from ..publish import staged
from ..safe_csv import FORMULA_PREFIXES, write_atomic
from ..schema import BOOLEAN_FALSE, BOOLEAN_TRUE, TABLES_BY_NAME
from ..validation import Report, validate

CARRIAGE_RETURNS_REPLACED = "text cells with a carriage return, written as a line feed"
TEXT_LIKE_A_FORMULA = "text cells starting with =, +, -, @, tab or CR (written as they are: import the CSVs as text)"
#: Problems shown in the message that stops an import (the rest are counted).
SHOWN = 5


class ImportContractError(ValueError):
    """The import would write a data folder that `validate` rejects: nothing was written."""


def _cells(values: pd.Series) -> list[str]:
    """A column's cells as the CSV's text: ISO dates, `true`/`false`, whole numbers, "" for missing."""
    if pd.api.types.is_datetime64_any_dtype(values):
        days = values.to_numpy(dtype="datetime64[D]")
        return np.where(np.isnat(days), "", days.astype(str)).tolist()
    if pd.api.types.is_bool_dtype(values) and not values.hasnans:
        return np.where(values.to_numpy(dtype=bool), BOOLEAN_TRUE, BOOLEAN_FALSE).tolist()
    if pd.api.types.is_integer_dtype(values):
        missing = values.isna().to_numpy()
        numbers = values.to_numpy(dtype=np.int64, na_value=0).astype(str)
        return np.where(missing, "", numbers).tolist()
    cells = values.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(cells, skipna=False) == "string":  # text only, no missing cell
        return cells.tolist()
    return ["" if v is None or v is pd.NA or v != v else str(v) for v in cells]  # v != v: NaN and NaT


#: Characters that make the csv module (pandas' writer) quote a cell, with `\n` line ends: the rest go as they are.
_QUOTED_IF = (",", '"', "\n")


def _quoted(cells: list[str]) -> list[str]:
    """The cells as the csv module writes them: in quotes (quotes doubled) where one holds a comma, quote or LF."""
    joined = "\x00".join(cells)  # one scan in C for a column that needs no quotes, the usual case
    if not any(c in joined for c in _QUOTED_IF):
        return cells
    return ['"' + v.replace('"', '""') + '"' if ("," in v or '"' in v or "\n" in v) else v for v in cells]


@dataclass(frozen=True)
class Rendered:
    """One file about to be written: its header, each column's cells as text, the CSV's bytes and a bound on the
    length of its longest cell, in characters (its longest record's: a cell is never longer than its record)."""

    header: list[str]
    columns: list[list[str]]
    data: bytes
    longest: int


def render(frame: pd.DataFrame) -> Rendered:
    """One CSV in the contract's text forms: ISO dates, `true`/`false`, whole numbers, empty for missing, quoted
    where a cell holds a comma, quote or line break: byte for byte what pandas' `to_csv` writes (through the csv
    module), formatted a column at a time rather than cell by cell. A carriage return (the import writes none: see
    `repair_and_count`) or a one-column frame goes through the csv module itself, whose rules cover them."""
    columns = [_cells(frame[c]) for c in frame.columns]
    header = [str(c) for c in frame.columns]
    if len(columns) < 2 or any("\r" in "".join(cells) for cells in [header, *columns]):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(zip(*columns))
        return Rendered(header, columns, buffer.getvalue().encode("utf-8"), _longest(columns))
    lines = [",".join(_quoted(header)), *map(",".join, zip(*(_quoted(cells) for cells in columns))), ""]
    longest = max(map(len, lines))  # a record per line (a quoted line break stays inside): one len per record
    return Rendered(header, columns, "\n".join(lines).encode("utf-8"), longest)  # "": the last line end


def _longest(columns: list[list[str]]) -> int:
    return max((max(map(len, cells), default=0) for cells in columns), default=0)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The CSV of `frame` as the import writes it (see `render`)."""
    return render(frame).data


def parsed(name: str, rendered: Rendered) -> RawTable | None:
    """The file as the loader's parser (`loading.raw_table`) reads it back, built from the cells the file was
    written from rather than by parsing its bytes again: every cell text, an empty cell missing, the contract's
    columns of allowed values (and of few values) as categories, an optional column the file leaves out as empty
    cells after the others. A CSV written by `render` reads back as its cells (the csv module quotes whatever would
    not; tests/test_import_strict.py compares the two). None for a file that `raw_table` might refuse before
    parsing (a header missing a required column or naming one twice, a NUL byte, a carriage return, a record that
    might hold a cell longer than the loader reads): those are parsed from their bytes, so the loader's own checks
    name the problem."""
    table = TABLES_BY_NAME.get(name)
    if table is None or not rendered.columns or not rendered.columns[0]:
        return None
    fields = {f.name: f for f in table.fields}
    header = rendered.header
    if len(set(header)) < len(header) or any(f.name not in header for f in table.fields if not f.optional_column):
        return None
    if b"\x00" in rendered.data or b"\r" in rendered.data:
        return None
    if rendered.longest > MAX_CELL_BYTES // 4:
        return None
    frame = {}
    for column, cells in zip(header, rendered.columns):
        values = np.array(cells, dtype=object)
        values[values == ""] = np.nan
        field = fields.get(column)
        few = field is not None and (bool(field.enum) or field.name in FEW_VALUES)
        frame[column] = pd.Series(pd.Categorical(values) if few else values, dtype="category" if few else object)
    rows = len(rendered.columns[0])
    for f in table.fields:  # as loading._with_contract_columns: an optional column left out is empty cells
        if f.name not in frame:
            frame[f.name] = pd.Series(np.full(rows, np.nan, dtype=object), dtype=object)
    return RawTable(table, pd.DataFrame(frame), rendered.data)


def header_only(name: str) -> bytes:
    """A file of the contract holding its header alone (spending and workforce: the NLRB reports neither)."""
    return (",".join(f.name for f in TABLES_BY_NAME[name].fields) + "\n").encode("utf-8")


def _text_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]


def _texts(cells: pd.Series) -> list[str]:
    """The text cells of a column (a missing cell is no text)."""
    values = cells.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        return values.tolist()
    return [v for v in values if isinstance(v, str)]


#: A NUL (joining the cells) followed by a character that makes a spreadsheet read a cell as a formula.
_FORMULA_START = re.compile("\x00[" + re.escape("".join(FORMULA_PREFIXES)) + "]")


def _formula_like(texts: list[str]) -> int:
    """How many cells start like a formula: counted in one scan of the cells joined by NUL, where no cell holds one
    (the joined text then has exactly one NUL per cell), else cell by cell."""
    joined = "\x00" + "\x00".join(texts)
    if joined.count("\x00") == len(texts) > 0:
        return len(_FORMULA_START.findall(joined))
    return sum(t.startswith(FORMULA_PREFIXES) for t in texts)


def repair_and_count(frames: Mapping[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
    """The frames with CR and CRLF in text cells as LF, and the counts of that repair and of formula-like cells."""
    repaired: dict[str, pd.DataFrame] = {}
    counts = {CARRIAGE_RETURNS_REPLACED: 0, TEXT_LIKE_A_FORMULA: 0}
    for name, frame in frames.items():
        frame = frame.copy()
        for column in _text_columns(frame):
            texts = _texts(frame[column])
            if "\r" in "".join(texts):  # rare: found cell by cell, then repaired
                cells = frame[column]
                with_cr = cells.map(lambda v: isinstance(v, str) and "\r" in v).to_numpy(dtype=bool)
                counts[CARRIAGE_RETURNS_REPLACED] += int(with_cr.sum())
                fixed = cells.where(with_cr, "").astype(str).str.replace("\r\n?", "\n", regex=True)
                frame[column] = cells.where(~with_cr, fixed)
                texts = _texts(frame[column])
            counts[TEXT_LIKE_A_FORMULA] += _formula_like(texts)
        repaired[name] = frame
    return repaired, counts


def check_cell_sizes(frames: Mapping[str, pd.DataFrame], origin: Callable[[str], str]) -> None:
    """ImportContractError for a text cell longer than the loader reads (`loading.MAX_CELL_BYTES`, in UTF-8), naming
    the column and the input rows: the loader would reject the whole file without saying which column."""
    for name, frame in frames.items():
        for column in _text_columns(frame):
            texts = _texts(frame[column])
            if not texts or max(map(len, texts)) <= MAX_CELL_BYTES // 4:  # 4 bytes at most per character
                continue
            cells = frame[column].to_numpy(dtype=object)
            for position, cell in enumerate(cells):
                size = len(cell.encode("utf-8")) if isinstance(cell, str) and len(cell) > MAX_CELL_BYTES // 4 else 0
                if size > MAX_CELL_BYTES:
                    election = frame["election_id"].iloc[position] if "election_id" in frame.columns else None
                    found = f" [election {election}, from {origin(election)}]" if isinstance(election, str) else ""
                    raise ImportContractError(
                        f"the import would write a data folder that `validate` rejects, so nothing was written: "
                        f"{name}.csv, column {column!r}: a cell of {size:,} bytes, over the limit of "
                        f"{MAX_CELL_BYTES:,} (value {_short(cell)!r}){found}"
                    )


def render_checked(
    frames: Mapping[str, pd.DataFrame], origin: Callable[[str], str]
) -> tuple[dict[str, pd.DataFrame], dict[str, Rendered], dict[str, int]]:
    """The frames as written (`repair_and_count`), each rendered (`render`), and the counts of the repair and of
    formula-like cells; ImportContractError for a cell too long (`check_cell_sizes`).

    Counted on the rendered cells of the text columns (a missing cell renders as "", which counts for nothing):
    the frames are copied, repaired and rendered again only where a text cell holds a carriage return (rare)."""
    rendered = {name: render(frame) for name, frame in frames.items()}
    if any(b"\r" in r.data for r in rendered.values()):  # only a text cell can hold one
        written, counts = repair_and_count(frames)
        check_cell_sizes(written, origin)
        return written, {name: render(frame) for name, frame in written.items()}, counts
    if any(r.longest > MAX_CELL_BYTES // 4 for r in rendered.values()):  # 4 bytes at most per character
        check_cell_sizes(frames, origin)
    texts = []
    for name, frame in frames.items():
        position = {column: k for k, column in enumerate(frame.columns)}
        for column in _text_columns(frame):
            kind = pd.api.types.infer_dtype(frame[column].to_numpy(dtype=object), skipna=True)
            texts.append(
                rendered[name].columns[position[column]] if kind in ("string", "empty") else _texts(frame[column])
            )
    counts = {CARRIAGE_RETURNS_REPLACED: 0, TEXT_LIKE_A_FORMULA: sum(_formula_like(cells) for cells in texts)}
    return dict(frames), rendered, counts


def check(
    files: Mapping[str, bytes], origin: Callable[[str], str], read: Mapping[str, RawTable | None] | None = None
) -> None:
    """Raise ImportContractError when the files (file name -> bytes) break the data contract as `validate` reads it.

    `origin(election_id)` says where in the input an election came from (file and rows), for the message; `read`
    (file name -> `parsed`) gives the files already read back from their cells, the others are parsed here.
    """
    report = Report()
    raw: dict[str, RawTable] = {}
    for filename, data in files.items():
        contract = TABLES_BY_NAME.get(filename.removesuffix(".csv"))
        known = (read or {}).get(filename)
        table = known if known is not None else None if contract is None else raw_table(contract, data, report)
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
    """Publish the files as `out` in one step (`publish.staged`): written into a staging folder beside it, then
    swapped in, so an interrupted import (or `--replace`) never leaves a folder mixing two imports. Other files in
    `out` (a README, say) are carried over; `out` is locked meanwhile against another run."""
    out.mkdir(parents=True, exist_ok=True)
    lock = out / LOCK_FILE
    ours = not lock.exists()
    try:
        with claim_output_dir(out), staged(out, lambda _: set(files)) as staging:
            for name, data in files.items():
                write_atomic(staging / name, data)
    finally:  # a data folder keeps no lock file of ours (after a swap it went with the previous folder)
        if ours:
            lock.unlink(missing_ok=True)


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
