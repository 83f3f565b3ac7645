"""The NLRB's annual election reports ("NLRB Elections", FY2011-FY2022): one row per election of a case closed
in the fiscal year, with the employer and the result the NLRB certified.

Quirks handled here (each counted on the real files in `README.md`):
- two layouts: FY2011-FY2019 a summary sheet (no table: not read) and one sheet per ballot ("1 Labor Org",
  "2 Labor Orgs", "3 Labor Orgs"), the header on row 1 or row 4 under a title; FY2020-FY2022 one sheet with the
  ballots stacked as separate tables, each under its own title and header row. `tables.py` reads every sheet and
  every stacked table by its own header, so no column is read by position;
- column names vary between tables ("Votes for Labor Org 1" but "Votes For Labor Org3"; "Labor Org 1 Name" but
  "Labor Org3"): matched after folding case, spaces and punctuation;
- the last table of FY2020-FY2022 holds deauthorization polls ("For Proposition", "Against Proposition", no
  certification columns): read so that every row is counted, then skipped as not a representation election;
- "Cert of Rep (Win)" (`WON`) and "Cert of Results (Loss)" (`LOSS`) are the certified result, always from the
  union's side (in an RD case `WON` means the union kept its certification); a row marked both is kept with no
  certified result (`both`, counted), a row marked neither has none;
- no void or challenged ballots (left missing, never 0), no election mode, no tally type (the report lists the
  last election of a case: its kind is not given) and no unit letter;
- "Election Held Date" is the day of the vote, not of the count: it stands for the tally date, which the report
  does not give;
- "Region" ("01, 34": region and subregion), "Case ID" (always empty), "Stipulated / Consent / Directed",
  "Union To Certify", "Closed Date" and "Closed Reason" are not read.
"""

from __future__ import annotations

import re
from datetime import date
from typing import cast

import numpy as np
import pandas as pd

from ..text import long_date
from . import tally_rows as tr
from .reader import PUBLISHER, RESULT, NlrbTable, checksum

NAME = "annual_report"
DESCRIPTION = "NLRB annual election report"
RECORD = RESULT
WHERE = "row"  # spreadsheet rows, counted from 1
#: Header cells that recognise a table of an annual report (the election table and the polls table alike).
REQUIRED_COLUMNS = ("Case Number", "Case Name", "Case Type", "Election Held Date", "Num Eligible Voters")

#: Folded input column (lower case, letters and digits only) -> tally-row column.
COLUMN_MAP = {
    "casenumber": "case_number",
    "casename": "case_name",
    "disputeunitcity": "city",
    "disputeunitstate": "state",
    "electionhelddate": "tally_date",
    "numeligiblevoters": "eligible",
    "validvotesagainst": "against",
    "votesforlabororg1": "votes1",
    "votesforlabororg2": "votes2",
    "votesforlabororg3": "votes3",
    "labororg1name": "union1",
    "labororg2name": "union2",
    "labororg3name": "union3",
    "labororg3": "union3",
    "forproposition": "votes1",  # deauthorization polls: skipped later as UD cases, but every row is counted
    "againstproposition": "against",
    "certofrepwin": "won",
    "certofresultsloss": "lost",
}
#: Folded columns every election table must hold (a polls table has its own, `POLL_COLUMNS`).
ELECTION_COLUMNS = ("casenumber", "casename", "electionhelddate", "validvotesagainst", "votesforlabororg1")
POLL_COLUMNS = ("forproposition", "againstproposition")
CERTIFICATION_COLUMNS = ("certofrepwin", "certofresultsloss")
FISCAL_YEAR = re.compile(r"FY\s?(\d{4})", re.IGNORECASE)


def fold(name: str) -> str:
    """A column name compared without case, spaces or punctuation."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


#: Folded column -> the report's own spelling, for messages.
SPELLED = {
    "casenumber": "Case Number",
    "casename": "Case Name",
    "electionhelddate": "Election Held Date",
    "validvotesagainst": "Valid Votes Against",
    "votesforlabororg1": "Votes for Labor Org 1",
    "votesforlabororg2": "Votes for Labor Org 2",
    "votesforlabororg3": "Votes For Labor Org3",
    "labororg1name": "Labor Org 1 Name",
    "labororg2name": "Labor Org 2 Name",
    "labororg3name": "Labor Org3",
    "certofrepwin": "Cert of Rep (Win)",
    "certofresultsloss": "Cert of Results (Loss)",
}


#: Each ballot's votes and name columns, folded: a union's votes without its name (or its name without its votes) is
#: a missing column, not a union with no votes.
UNION_COLUMNS = {
    1: ("votesforlabororg1", ("labororg1name",)),
    2: ("votesforlabororg2", ("labororg2name",)),
    3: ("votesforlabororg3", ("labororg3name", "labororg3")),
}
#: The ballots a report has one table each for (the NLRB prints every one, under a header even when empty): in
#: FY2011-FY2019 the sheets "1 Labor Org", "2 Labor Orgs" and "3 Labor Orgs", in FY2020-FY2022 stacked tables.
BALLOT_SIZES = (1, 2, 3)


def missing(header: list[str]) -> list[str]:
    """The columns one table of a report lacks: its recognising columns, and the counts and certification columns
    of an election table, with the name and votes columns of each union it has (a table of deauthorization polls
    has its own counts and no certification)."""
    present = {fold(c) for c in header}
    needed = [fold(c) for c in REQUIRED_COLUMNS]
    if not all(c in present for c in POLL_COLUMNS):
        needed += [c for c in (*ELECTION_COLUMNS, *CERTIFICATION_COLUMNS) if c not in needed]
        for votes, names in UNION_COLUMNS.values():
            has_name = any(n in present for n in names)
            if votes in present and not has_name:
                needed.append(names[0])
            elif has_name and votes not in present:
                needed.append(votes)
    return [SPELLED.get(c, next((h for h in REQUIRED_COLUMNS if fold(h) == c), c)) for c in needed if c not in present]


def ballot_size(header: list[str]) -> int | None:
    """The number of unions on the ballots of a report's election table (its highest union votes column); None for
    a table of deauthorization polls."""
    present = {fold(c) for c in header}
    if all(c in present for c in POLL_COLUMNS):
        return None
    return max((k for k, (votes, _) in UNION_COLUMNS.items() if votes in present), default=None)


def missing_tables(headers: list[list[str]]) -> list[str]:
    """The ballot tables (one, two and three unions) that none of the headers of a report's tables starts: a sheet
    (or a stacked table) is missing, so the report would be read in part without a word."""
    sizes = {ballot_size(h) for h in headers}
    return [f"'{k} Labor Org{'s' if k > 1 else ''}'" for k in BALLOT_SIZES if k not in sizes]


def canonical(column: str) -> str:
    """The tally-row name of a report's column (`Votes For Labor Org3` -> `votes3`), so that the tables of a report
    read together; a column the reader does not read keeps its name."""
    return COLUMN_MAP.get(fold(column), column)


def to_tally_rows(frame: pd.DataFrame, rows: pd.Series) -> pd.DataFrame:
    """The tally-row frame of one or more tables of a report (columns as in the report, or `canonical`); `rows`
    are the sheet's row numbers."""
    by_target: dict[str, str] = {}
    targets = set(COLUMN_MAP.values())
    for column in frame.columns:
        target = column if column in targets else COLUMN_MAP.get(fold(str(column)))
        if target is not None:
            by_target.setdefault(target, column)
    blank = pd.Series("", index=frame.index, dtype=object)
    out: dict[str, object] = {"row": rows.astype("int64")}
    for target in tr.TEXT_COLUMNS:
        out[target] = tr.text(frame[by_target[target]]) if target in by_target else blank
    cases = cast(pd.Series, out["case_number"])
    odd = cases.ne("") & ~cases.str.fullmatch(tr.CASE_NUMBER.pattern.strip("^$"))
    if odd.any():  # a report row is a closed case: its number must be one
        i = int(odd.to_numpy().nonzero()[0][0])
        raise tr.CellError(
            int(rows.iloc[i]), by_target["case_number"], cases.iloc[i], "not an NLRB case number (like 10-RC-269250)"
        )
    source = by_target["tally_date"]
    out["tally_date"] = tr.dates(frame[source], rows, source, "%m/%d/%Y")
    out["scheduled_date"] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    for target in tr.COUNT_COLUMNS:
        if target in by_target:
            out[target] = tr.counts(frame[by_target[target]], rows, by_target[target], blank=None)
        elif target in ("votes2", "votes3"):  # a ballot of fewer unions: no such column, no votes
            out[target] = pd.Series(0, index=frame.index, dtype="Int64")
        else:  # void, challenged, valid_reported: not in the reports
            out[target] = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    for k in (2, 3):  # a ballot of fewer unions has no votes for the absent ones (blank where tables were joined)
        votes, union = cast(pd.Series, out[f"votes{k}"]), cast(pd.Series, out[f"union{k}"])
        out[f"votes{k}"] = votes.mask(votes.isna() & union.eq(""), 0)
    won, lost = _marked(frame, by_target.get("won")), _marked(frame, by_target.get("lost"))
    marked = np.select([won & ~lost, lost & ~won, won & lost], ["won", "lost", "both"], "").astype(object)
    out["certified"] = pd.Series(marked, index=frame.index, dtype=object)
    result = pd.DataFrame(out, index=frame.index)
    result["category"] = ""
    result["tally_type"] = ""  # the report lists the last election of a case without saying which kind
    result["unit_id"] = ""
    result["mode"] = ""
    return result[list(tr.COLUMNS)].reset_index(drop=True)


def _marked(frame: pd.DataFrame, column: str | None) -> pd.Series:
    """Whether each row's certification cell is marked (`WON` or `LOSS`; any non-blank text counts)."""
    if column is None:
        return pd.Series(False, index=frame.index)
    return tr.text(frame[column]).ne("")


def fiscal_year(table: NlrbTable) -> int | None:
    """The report's fiscal year: from a sheet name (`FY2014-1 Labor Org`), else the file name, else None."""
    for name in (*table.sheets, table.path.name):
        found = FISCAL_YEAR.search(name)
        if found:
            return int(found.group(1))
    return None


def cite(table: NlrbTable, downloaded: date | None) -> dict[str, str]:
    """A report cited by its own title, "NLRB Elections" (its summary and table sheets' heading), and its fiscal
    year as its sheets name it ("FY2014"), from its sheet names or file name; the year's days in the note."""
    year = fiscal_year(table)
    closed = (
        f"closed in fiscal {year} ({long_date(date(year - 1, 10, 1))}, to {long_date(date(year, 9, 30))})"
        if year
        else "closed in a fiscal year the file does not name"
    )
    return {
        "source_id": f"nlrb-election-report-fy{year}" if year else f"nlrb-election-report-{tr.slug(table.path.stem)}",
        "publisher": PUBLISHER,
        "title": f"NLRB Elections, FY{year}" if year else "NLRB Elections",
        "url": "",
        "published": "",
        "note": f"The NLRB's annual election report: one row per election of a representation case {closed}, with "
        f"the certified result (certification of representative or of results); {checksum(table)}",
    }
