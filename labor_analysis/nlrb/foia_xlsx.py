"""The NLRB's FOIA election table (e.g. request NLRB-2022-000194): 34 columns, one tally per row.

Quirks handled here: a title row (and blank rows) above the header, found by looking for the header rather
than by position; dates stored as spreadsheet serial numbers (or as dates, depending on the cell format);
blank count cells, which here mean "not recorded" (unlike the nlrb.gov download, where blank means zero);
the misspelt column "Challenges R Determinitive", kept as the NLRB spells it.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from . import tally_rows as tr
from .reader import PUBLISHER, TALLY, NlrbTable, checksum

NAME = "foia_xlsx"
DESCRIPTION = "NLRB FOIA election table"
RECORD = TALLY
WHERE = "row"  # spreadsheet rows, counted from 1
FOIA_REQUEST = re.compile(r"NLRB-(\d{4})-(\d{6})", re.IGNORECASE)

#: Input column -> tally-row column. Every one must be in the header.
COLUMN_MAP = {
    "Case Number": "case_number",
    "Case Name": "case_name",
    "Unit City": "city",
    "Unit State": "state",
    "Unit ID": "unit_id",
    "Tally Category": "category",
    "Tally Type": "tally_type",
    "Election Mode": "mode",
    "Labor Organization 1 Name": "union1",
    "Labor Organization 2 Name": "union2",
    "Labor Organization 3 Name": "union3",
    "Tally Date": "tally_date",
    "Schedule Election Date": "scheduled_date",
    "Num Eligible Voters": "eligible",
    "Num Void Ballots": "void",
    "Votes For Labor Org1": "votes1",
    "Votes For Labor Org2": "votes2",
    "Votes For Labor Org3": "votes3",
    "Votes Cast Against Labor Org": "against",
    "Num Challenged Ballots": "challenged",
    "Num Valid Votes Counted": "valid_reported",
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


#: "Election Mode" -> the contract's voting_method.
MODES = {"manual": "in_person", "mail": "mail", "mixed: mail and manual": "mixed"}


def to_tally_rows(frame: pd.DataFrame, rows: pd.Series) -> pd.DataFrame:
    """The tally-row frame of a FOIA table whose header is `frame`'s columns; `rows` are spreadsheet row numbers."""
    out = {"row": rows.astype("int64")}
    for source, target in COLUMN_MAP.items():
        values = frame[source]
        if target in tr.DATE_COLUMNS:
            out[target] = tr.dates(values, rows, source, "%m/%d/%Y")
        elif target in tr.COUNT_COLUMNS:
            out[target] = tr.counts(values, rows, source, blank=None)
        else:
            out[target] = tr.text(values)
    result = pd.DataFrame(out, index=frame.index)
    result["mode"] = result["mode"].str.lower().map(MODES).fillna("").astype(object)
    result["certified"] = ""  # a tally table certifies nothing ("Union To Certify" is no winner flag)
    return result[list(tr.COLUMNS)].reset_index(drop=True)


def cite(table: NlrbTable, downloaded: date | None) -> dict[str, str]:
    """A FOIA table is cited by its request number, read from the file name (`NLRB-2022-000194`)."""
    request = FOIA_REQUEST.search(table.path.name)
    number = f"NLRB-{request.group(1)}-{request.group(2)}" if request else ""
    title = table.title or "Election results"
    return {
        "source_id": f"nlrb-foia-{number.lower()[5:]}" if number else f"nlrb-foia-{tr.slug(table.path.stem)}",
        "publisher": PUBLISHER,
        "title": f"{title} (FOIA request {number})" if number else f"{title} (FOIA release)",
        "url": "",
        "published": "",
        "note": f"Tally rows released under the Freedom of Information Act; {checksum(table)}"
        + ("" if number else "; the request number is not in the file name"),
    }
