"""The format interface: what every reader of an NLRB file declares, and the table it is read into.

A reader is one module of this package (`foia_xlsx`, `recent_csv`, `annual_report`) that declares:
- what it reads: `DESCRIPTION`, `REQUIRED_COLUMNS` (the header cells that recognise one of its tables:
  `tables.py` picks the format of every table by its header, never by the file's name) and `missing(header)`,
  the columns a table of the format lacks, and `canonical(column)`, the name it reads a column by (so the
  tables of one file are converted together), and `missing_tables(headers)`, the tables a whole file of the
  format must hold that the headers of the tables read lack (a report's sheet deleted);
- what it yields: `RECORD` (`tally`: a count as the NLRB tallied it, with void and challenged ballots;
  `result`: a closed case with its certified result and no void or challenged ballots), `WHERE` (how a row is
  named in a message: a spreadsheet `row` or a CSV `record`) and `to_tally_rows`, its table in the tally-row
  frame (`tally_rows.COLUMNS`);
- how it is cited: `cite(table, downloaded)`, the sources.csv row of one of its files.

Adding a format is one new module and one line in `tables.FORMATS`; nothing else branches on the format.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

import pandas as pd

PUBLISHER = "National Labor Relations Board"
#: What a reader's rows are (`RECORD`): a tally as counted, or a closed case's certified result.
TALLY, RESULT = "tally", "result"


class NlrbFileError(ValueError):
    """A file that cannot be imported: its message names the file and the reason, in one line."""


@dataclass(frozen=True)
class NlrbTable:
    """One NLRB file read: its format, title (if any), tally rows, sheets read and how it was laid out."""

    path: Path
    format: Reader
    title: str
    rows: pd.DataFrame  # the tally-row frame (tally_rows.COLUMNS)
    blank_rows: int  # fully blank rows between or after the tally rows (not counted as rows read)
    sha256: str
    sheets: tuple[str, ...] = ()  # the workbook sheets holding its tables (empty for a CSV)
    tables: int = 1  # header rows read: one per table, several where tables are stacked in one sheet
    title_rows: int = 0  # title and time-stamp rows above a stacked table (not counted as rows read)


class Reader(Protocol):
    """The module interface of one NLRB file format (see the module docstring)."""

    @property
    def NAME(self) -> str: ...

    @property
    def DESCRIPTION(self) -> str: ...

    @property
    def REQUIRED_COLUMNS(self) -> tuple[str, ...]: ...

    @property
    def RECORD(self) -> str: ...

    @property
    def WHERE(self) -> str: ...

    def missing(self, header: list[str]) -> list[str]: ...

    def canonical(self, column: str) -> str: ...

    def missing_tables(self, headers: list[list[str]]) -> list[str]: ...

    def to_tally_rows(self, frame: pd.DataFrame, rows: pd.Series) -> pd.DataFrame: ...

    def cite(self, table: NlrbTable, downloaded: date | None) -> dict[str, str]: ...


def checksum(table: NlrbTable) -> str:
    """The file's name and the start of its SHA-256, as a source's note gives them."""
    return f"file {table.path.name}, sha256 {table.sha256[:16]}"
