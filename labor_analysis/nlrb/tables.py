"""Open an NLRB file of either format and read it into the tally-row frame; the format comes from the header.

A workbook (xlsx, detected by its zip signature) is read with python-calamine directly (pandas' cell-by-cell
conversion on top of it doubles the time); anything else is read as CSV
(UTF-8, with or without a byte-order mark, else Windows-1252). The header is the first row, among the first
`HEADER_SEARCH_ROWS`, holding "Case Number": title and blank rows above it are skipped. A file that is not an
NLRB election table, lacks a column, is empty or cannot be opened raises one NlrbFileError naming the file.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pandas as pd

from . import foia_xlsx, recent_csv
from . import tally_rows as tr

FORMATS: tuple[ModuleType, ...] = (foia_xlsx, recent_csv)
HEADER_SEARCH_ROWS = 20
HEADER_MARKER = "Case Number"
ZIP_SIGNATURE = b"PK\x03\x04"
_NOT_NLRB = (
    f"{{name}}: not an NLRB election table (no header row with a {HEADER_MARKER!r} column in the first "
    f"{HEADER_SEARCH_ROWS} rows); expected the NLRB's FOIA xlsx or an nlrb.gov election results CSV"
)


class NlrbFileError(ValueError):
    """A file that cannot be imported: its message names the file and the reason, in one line."""


@dataclass(frozen=True)
class NlrbTable:
    """One NLRB file read: its format module, title row (if any), tally rows and how it was laid out."""

    path: Path
    format: ModuleType
    title: str
    rows: pd.DataFrame  # the tally-row frame (tally_rows.COLUMNS)
    blank_rows: int  # fully blank rows between or after the tally rows (not counted as rows read)
    sha256: str


def _sheet(data: bytes, name: str) -> pd.DataFrame:
    """The first sheet of a workbook as cells (no header; "" for an empty cell, dates as dates)."""
    from python_calamine import CalamineWorkbook

    try:
        cells = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
        return pd.DataFrame(cells, dtype=object)
    except Exception as exc:  # calamine raises its own error types for every kind of broken workbook
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise NlrbFileError(f"{name}: not a readable xlsx workbook ({reason})") from None


def _csv(data: bytes, name: str) -> pd.DataFrame:
    """A CSV file as text cells (no header); quoted cells may hold line breaks."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise NlrbFileError(f"{name}: not an NLRB election table (neither UTF-8 nor Windows-1252 text)")
    if "\x00" in text:
        raise NlrbFileError(f"{name}: not a text table (it contains NUL bytes); expected an NLRB xlsx or CSV file")
    try:
        return pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False, skip_blank_lines=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        if HEADER_MARKER not in "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS]):
            raise NlrbFileError(_NOT_NLRB.format(name=name)) from None
        raise NlrbFileError(f"{name}: not readable as CSV ({str(exc).strip()})") from None


def _header_row(cells: pd.DataFrame) -> int | None:
    """Position of the header row: the first of the first rows holding a "Case Number" cell."""
    top = cells.head(HEADER_SEARCH_ROWS)
    for i, row in enumerate(top.itertuples(index=False)):
        if any(isinstance(v, str) and v.strip() == HEADER_MARKER for v in row):
            return i
    return None


def _format_of(header: list[str], name: str) -> ModuleType:
    """The format whose columns the header holds; else the closest format's missing columns, or 'not NLRB'."""
    present = set(header)
    best: ModuleType | None = None
    best_missing: list[str] = []
    for fmt in FORMATS:
        missing = [c for c in fmt.REQUIRED_COLUMNS if c not in present]
        if not missing:
            return fmt
        if best is None or len(missing) < len(best_missing):
            best, best_missing = fmt, missing
    if best is not None and len(best_missing) <= len(best.REQUIRED_COLUMNS) // 2:
        listed = ", ".join(repr(c) for c in best_missing)
        raise NlrbFileError(f"{name}: looks like an {best.DESCRIPTION} but is missing column(s) {listed}")
    raise NlrbFileError(
        f"{name}: not an NLRB election table (the header lacks the NLRB's columns, e.g. 'Tally Date' and 'Tally Type')"
    )


def read_nlrb_file(path: str | Path) -> NlrbTable:
    """Read one NLRB election file (FOIA xlsx or nlrb.gov CSV download) into an NlrbTable."""
    path = Path(path)
    name = path.name
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise NlrbFileError(f"{path}: expected a file, found a folder") from None
    except OSError as exc:
        raise NlrbFileError(f"{path}: cannot be read ({exc.strerror})") from None
    if not data.strip():
        raise NlrbFileError(f"{name}: the file is empty; expected an NLRB election table")
    cells = _sheet(data, name) if data.startswith(ZIP_SIGNATURE) else _csv(data, name)
    at = _header_row(cells)
    if at is None:
        raise NlrbFileError(_NOT_NLRB.format(name=name))
    header = [str(v).strip() if isinstance(v, str) else "" for v in cells.iloc[at]]
    fmt = _format_of(header, name)
    title = next((str(v).strip() for v in cells.iloc[:at].to_numpy().ravel() if isinstance(v, str) and v.strip()), "")
    body = cells.iloc[at + 1 :].copy()
    body.columns = header
    body = body.loc[:, [c for c in dict.fromkeys(header) if c]]
    body = body.loc[:, ~body.columns.duplicated()]
    blank = ~(body.notna() & body.ne("")).any(axis=1)
    # spreadsheet rows count from 1; a CSV's records from 1 after the header
    numbers = pd.Series(body.index + 1 if fmt is foia_xlsx else body.index - at, index=body.index)
    body, numbers = body[~blank], numbers[~blank]
    if body.empty:
        raise NlrbFileError(f"{name}: the {fmt.DESCRIPTION} has a header but no tally rows")
    try:
        rows = fmt.to_tally_rows(body, numbers)
    except tr.CellError as exc:
        unit = "row" if fmt is foia_xlsx else "record"
        raise NlrbFileError(
            f"{name}, {unit} {exc.row}, column {exc.column!r}: {exc.rule} (value {exc.value!r})"
        ) from None
    return NlrbTable(path, fmt, title, rows, int(blank.sum()), hashlib.sha256(data).hexdigest())
