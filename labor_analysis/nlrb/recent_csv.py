"""nlrb.gov's "Recent Election Results" download (Reports > Graphs & Data), for any region and date range.

Quirks handled here: dates as mm/dd/yyyy text; an empty ballot-count cell means zero (the site leaves zeros
out), while an empty "No of Eligible Voters" stays unknown; long unit descriptions in quoted cells with line
breaks (parsed by the CSV reader, not by lines); no election mode and no scheduled election date, so revisions
are recognised only by their "Revised ..." ballot type.
"""

from __future__ import annotations

import pandas as pd

from . import tally_rows as tr

NAME = "recent_csv"
DESCRIPTION = "nlrb.gov Recent Election Results download"

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
    return result[list(tr.COLUMNS)].reset_index(drop=True)
