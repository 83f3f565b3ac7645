"""Open an NLRB file of any format and read it into the tally-row frame; each table's format comes from its header.

A workbook (xlsx, detected by its zip signature) is read with python-calamine directly (pandas' cell-by-cell
conversion on top of it doubles the time), every sheet of it; anything else is read as CSV (UTF-8, with or
without a byte-order mark, else Windows-1252). A table starts at a header row, a row holding "Case Number": the
first one among the first `HEADER_SEARCH_ROWS` rows of a sheet (title and blank rows above it are skipped), then
any further one inside the sheet (the annual reports of FY2020-FY2022 stack their tables in one sheet, each under
its own title and header). A sheet without one (a report's summary sheet) holds no table. The format of each
table is the reader (`FORMATS`, see `reader.py`) whose columns its header holds. A file that is not an NLRB
election table, lacks a column, is empty or cannot be opened raises one NlrbFileError naming the file (and the
sheet, row and column where there is one).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from . import annual_report, foia_xlsx, recent_csv
from . import tally_rows as tr
from .reader import NlrbFileError, NlrbTable, Reader

__all__ = ["FORMATS", "NlrbFileError", "NlrbTable", "read_nlrb_file"]

#: Every format the importer reads, each one module (see reader.py): adding one is a module and a line here.
FORMATS: tuple[Reader, ...] = (foia_xlsx, recent_csv, annual_report)
HEADER_SEARCH_ROWS = 20
HEADER_MARKER = "Case Number"
#: A row of at most this many filled cells after a stacked table's last election is the next table's title.
TITLE_CELLS = 2
ZIP_SIGNATURE = b"PK\x03\x04"
_NOT_NLRB = (
    f"{{name}}: not an NLRB election table (no header row with a {HEADER_MARKER!r} column in the first "
    f"{HEADER_SEARCH_ROWS} rows); expected the NLRB's FOIA xlsx, an nlrb.gov election results CSV or an NLRB "
    "annual election report"
)


def _sheets(data: bytes, name: str) -> list[tuple[str, np.ndarray]]:
    """Every sheet of a workbook as a grid of cells (no header; "" for an empty cell, dates as dates), in workbook
    order: python-calamine's rows (a rectangle) as one object array, with no frame built around them."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return [(sheet, _grid(book.get_sheet_by_name(sheet).to_python())) for sheet in book.sheet_names]
    except Exception as exc:  # calamine raises its own error types for every kind of broken workbook
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise NlrbFileError(f"{name}: not a readable xlsx workbook ({reason})") from None


def _grid(rows: Sequence[Sequence[object]]) -> np.ndarray:
    """Rows of cells as a two-dimensional object array (0 x 0 for no rows)."""
    return np.array(rows, dtype=object) if rows else np.empty((0, 0), dtype=object)


def _csv(data: bytes, name: str) -> np.ndarray:
    """A CSV file as a grid of text cells (no header); quoted cells may hold line breaks."""
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
        cells = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False, skip_blank_lines=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        if HEADER_MARKER not in "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS]):
            raise NlrbFileError(_NOT_NLRB.format(name=name)) from None
        raise NlrbFileError(f"{name}: not readable as CSV ({str(exc).strip()})") from None
    return cells.to_numpy(dtype=object)


def _header_rows(grid: np.ndarray) -> list[int]:
    """Positions of the header rows of a sheet (its cells): the first among its first rows holding a "Case Number"
    cell, then every later row holding one exactly (a stacked table's header)."""
    if grid.size == 0:
        return []
    top = grid[:HEADER_SEARCH_ROWS].tolist()
    first = next(
        (i for i, row in enumerate(top) if any(isinstance(v, str) and v.strip() == HEADER_MARKER for v in row)),
        None,
    )
    if first is None:
        return []
    later = (grid[first + 1 :] == HEADER_MARKER).any(axis=1).nonzero()[0] + first + 1
    return [first, *(int(i) for i in later)]


def _format_of(header: list[str], where: str) -> Reader:
    """The format whose columns the header holds; else the closest format's missing columns, or 'not NLRB'."""
    best: Reader | None = None
    best_missing: list[str] = []
    for fmt in FORMATS:
        missing = fmt.missing(header)
        if not missing:
            return fmt
        if best is None or len(missing) < len(best_missing):
            best, best_missing = fmt, missing
    if best is not None and len(best_missing) <= len(best.REQUIRED_COLUMNS) // 2:
        listed = ", ".join(repr(c) for c in best_missing)
        raise NlrbFileError(f"{where}: looks like an {best.DESCRIPTION} but is missing column(s) {listed}")
    raise NlrbFileError(
        f"{where}: not an NLRB election table (the header lacks the NLRB's columns, e.g. 'Tally Date' and 'Tally Type')"
    )


def _filled(grid: np.ndarray) -> np.ndarray:
    """Which cells of a sheet hold something (not "", not missing)."""
    return np.asarray(~(pd.isna(grid) | (grid == "")), dtype=bool)


def _tally_rows(fmt: Reader, blocks: list[tuple[str, pd.DataFrame, pd.Series]]) -> pd.DataFrame:
    """The tally-row frame of a file's tables: converted together, their columns named as the format names them
    (one conversion, not one per table: a report has up to four tables a sheet); a bad cell is then looked for
    table by table, to name its sheet."""
    if not blocks:
        return pd.DataFrame(columns=list(tr.COLUMNS))
    try:
        if len(blocks) == 1:
            return fmt.to_tally_rows(blocks[0][1], blocks[0][2])
        bodies = [body.set_axis([fmt.canonical(c) for c in body.columns], axis=1) for _, body, _ in blocks]
        together = pd.concat(bodies, ignore_index=True).fillna("")
        return fmt.to_tally_rows(together, pd.concat([n for _, _, n in blocks], ignore_index=True))
    except tr.CellError:
        for place, body, numbers in blocks:
            try:
                fmt.to_tally_rows(body, numbers)
            except tr.CellError as exc:
                raise NlrbFileError(
                    f"{place}, {fmt.WHERE} {exc.row}, column {exc.column!r}: {exc.rule} (value {exc.value!r})"
                ) from None
        raise


def read_nlrb_file(path: str | Path) -> NlrbTable:
    """Read one NLRB election file (FOIA xlsx, nlrb.gov CSV download or annual report) into an NlrbTable."""
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
    workbook = data.startswith(ZIP_SIGNATURE)
    sheets = _sheets(data, name) if workbook else [("", _csv(data, name))]
    fmt: Reader | None = None
    title, used = "", []
    blocks: list[tuple[str, pd.DataFrame, pd.Series]] = []  # each table's place, rows and row numbers
    blank_rows = title_rows = tables = 0
    headers_read: list[list[str]] = []
    for sheet, grid in sheets:
        headers = _header_rows(grid)
        if not headers:
            continue
        used.append(sheet)
        place = f"{name}, sheet {sheet!r}" if workbook else name
        for k, at in enumerate(headers):
            header = [str(v).strip() if isinstance(v, str) else "" for v in grid[at]]
            found = _format_of(header, f"{place}, row {at + 1}" if workbook else place)
            if fmt is not None and found is not fmt:
                raise NlrbFileError(f"{place}, row {at + 1}: a table of an {found.DESCRIPTION} in an {fmt.DESCRIPTION}")
            fmt = found
            headers_read.append(header)
            if tables == 0:  # the file's title: above its first table
                above = grid[:at].ravel()
                title = next((str(v).strip() for v in above if isinstance(v, str) and v.strip()), "")
            end = headers[k + 1] if k + 1 < len(headers) else len(grid)
            # the named columns, each once (the first of two cells with one name)
            names = [c for c in dict.fromkeys(header) if c]
            keep = [header.index(c) for c in names]
            positions = np.arange(at + 1, end)
            filled = _filled(grid[at + 1 : end][:, keep])
            blank = np.asarray(~filled.any(axis=1), dtype=bool)
            if len(headers) > 1:  # stacked tables: a footer, the next table's title and time stamp are not rows
                data_like = filled.sum(axis=1) > TITLE_CELLS
                last = int(data_like.nonzero()[0].max()) + 1 if data_like.any() else 0
                title_rows += int((~blank[last:]).sum())
                positions, blank = positions[:last], blank[:last]
            blank_rows += int(blank.sum())
            positions = positions[~blank]
            tables += 1
            if len(positions):
                body = pd.DataFrame(grid[positions][:, keep], columns=names, index=positions, dtype=object)
                # spreadsheet rows count from 1; a CSV's records from 1 after the header
                numbers = pd.Series(positions + 1 if fmt.WHERE == "row" else positions - at, index=positions)
                blocks.append((place, body, numbers))
    if fmt is None:
        raise NlrbFileError(_NOT_NLRB.format(name=name))
    lacking = fmt.missing_tables(headers_read)
    if lacking:
        raise NlrbFileError(
            f"{name}: an {fmt.DESCRIPTION} without its table(s) {', '.join(lacking)} (a sheet or stacked table is "
            f"missing: the {fmt.DESCRIPTION} has one table per ballot, under a header even when it is empty)"
        )
    rows = _tally_rows(fmt, blocks)
    if rows.empty:
        raise NlrbFileError(f"{name}: the {fmt.DESCRIPTION} has a header but no tally rows")
    return NlrbTable(
        path, fmt, title, rows, blank_rows, hashlib.sha256(data).hexdigest(), tuple(used), tables, title_rows
    )
