"""nlrb.gov's "Recent Election Results" download (Reports > Graphs & Data), for any region and date range.

Quirks handled here: dates as mm/dd/yyyy text; an empty ballot-count cell means zero (the site leaves zeros
out), while an empty "No of Eligible Voters" stays unknown; long unit descriptions in quoted cells with line
breaks (parsed by the CSV reader, not by lines); no election mode and no scheduled election date, so revisions
are recognised only by their "Revised ..." ballot type.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from ..text import long_date
from . import tally_rows as tr
from .reader import PUBLISHER, TALLY, NlrbFileError, NlrbTable, checksum

NAME = "recent_csv"
DESCRIPTION = "nlrb.gov Recent Election Results download"
RECORD = TALLY
WHERE = "record"  # CSV records, counted from 1 after the header (a record may span lines)
ISO_DAY = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
SITE_STAMP = re.compile(r"--(\d{4})(\d{2})(\d{2})\d{6}")
RECENT_RESULTS_URL = "https://www.nlrb.gov/reports/graphs-data/recent-election-results"

COLUMN_MAP = {
    "Case Number": "case_number",
    "Case Name": "case_name",
    "City": "city",
    "States & Territories": "state",
    "Unit ID": "unit_id",
    "Ballot Type": "category",
    "Tally Type": "tally_type",
    "Labor Union1": "union1",
    "Labor Union2": "union2",
    "Labor Union3": "union3",
    "Tally Date": "tally_date",
    "No of Eligible Voters": "eligible",
    "Void Ballots": "void",
    "Votes for Labor Union1": "votes1",
    "Votes for Labor Union2": "votes2",
    "Votes for Labor Union3": "votes3",
    "Votes Against": "against",
    "Challenged Ballots": "challenged",
    "Total Ballots Counted": "valid_reported",
}
REQUIRED_COLUMNS = tuple(COLUMN_MAP)


def canonical(column: str) -> str:
    """The name the format reads a column by: its header's, as it is."""
    return column


def missing(header: list[str]) -> list[str]:
    """The columns this format reads that the header lacks."""
    return [c for c in REQUIRED_COLUMNS if c not in header]


def missing_tables(headers: list[list[str]]) -> list[str]:
    """The tables a file of this format lacks: none (one table holds every tally)."""
    return []


#: Ballot counts whose empty cell means zero in this format (eligible voters is not one of them).
ZERO_WHEN_EMPTY = ("void", "votes1", "votes2", "votes3", "against", "challenged")


def to_tally_rows(frame: pd.DataFrame, rows: pd.Series) -> pd.DataFrame:
    """The tally-row frame of a download whose header is `frame`'s columns; `rows` are record numbers (1 = first)."""
    out = {"row": rows.astype("int64")}
    for source, target in COLUMN_MAP.items():
        values = frame[source]
        if target in tr.DATE_COLUMNS:
            out[target] = tr.dates(values, rows, source, "%m/%d/%Y")
        elif target in tr.COUNT_COLUMNS:
            out[target] = tr.counts(values, rows, source, blank=0 if target in ZERO_WHEN_EMPTY else None)
        else:
            out[target] = tr.text(values)
    result = pd.DataFrame(out, index=frame.index)
    result["scheduled_date"] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    result["mode"] = pd.Series("", index=frame.index, dtype=object)
    result["certified"] = ""  # "Union to Certify" names a union, not a certification
    return result[list(tr.COLUMNS)].reset_index(drop=True)


def _day_in_name(name: str) -> date | None:
    """A real calendar day named in a file name, or None."""
    for pattern in (ISO_DAY, SITE_STAMP):
        found = pattern.search(name)
        if found:
            try:
                return date(*(int(g) for g in found.groups()))
            except ValueError:
                return None
    return None


def cite(table: NlrbTable, downloaded: date | None) -> dict[str, str]:
    """A download is cited by the day it was downloaded: from the file name (`2023-04-17` or the site's
    `--20230417103337` stamp), else `--downloaded`; without either, one line asks for it."""
    name = table.path.name
    day = _day_in_name(name) or downloaded
    if day is None:
        raise NlrbFileError(
            f"{name}: an nlrb.gov download is cited by the day it was downloaded; the file name "
            "holds no date (YYYY-MM-DD): give it with --downloaded YYYY-MM-DD"
        )
    return {
        "source_id": f"nlrb-recent-results-{day.isoformat()}",
        "publisher": PUBLISHER,
        "title": f"Recent Election Results (nlrb.gov download of {long_date(day)})",
        "url": RECENT_RESULTS_URL,
        "published": day.isoformat(),
        "note": f"Downloaded from nlrb.gov on the published date; {checksum(table)}",
    }
