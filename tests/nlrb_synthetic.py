"""Small synthetic NLRB files in both public formats, written by the tests (no spreadsheet library needed)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

FOIA_COLUMNS = [
    "Case Number",
    "Case Name",
    "Unit City",
    "Unit State",
    "Case Status",
    "Case Filed Date",
    "Case Closed Date",
    "Closed Reason",
    "Election Mode",
    "Ballot Mail Date",
    "Ballot Count Date",
    "Schedule Election Date",
    "Scheduled Tally Date",
    "Tally Date",
    "Tally Type",
    "Tally Category",
    "Unit ID",
    "Ballots Impounded",
    "Num Eligible Voters",
    "Num Void Ballots",
    "Labor Organization 1 Name",
    "Votes For Labor Org1",
    "Labor Organization 2 Name",
    "Votes For Labor Org2",
    "Labor Organization 3 Name",
    "Votes For Labor Org3",
    "Votes Cast Against Labor Org",
    "Num Valid Votes Counted",
    "Num Challenged Ballots",
    "Challenges R Determinitive",
    "Runoff Required",
    "Union To Certify",
    "Unit Involved on Petition",
    "Bargaining Unit Determined",
]
RECENT_COLUMNS = [
    "Region",
    "Case Number",
    "Case Name",
    "Status",
    "Date Filed",
    "Date Closed",
    "Reason Closed",
    "City",
    "States & Territories",
    "Unit ID",
    "Ballot Type",
    "Tally Type",
    "Tally Date",
    "No of Eligible Voters",
    "Void Ballots",
    "Labor Union1",
    "Votes for Labor Union1",
    "Labor Union2",
    "Votes for Labor Union2",
    "Labor Union3",
    "Votes for Labor Union3",
    "Votes Against",
    "Total Ballots Counted",
    "Runoff Required",
    "Challenged Ballots",
    "Challenges are Determinative",
    "Union to Certify",
    "Voting Unit (Unit A)",
    "Voting Unit (Unit B)",
    "Voting Unit (Unit C)",
    "Voting Unit (Unit D)",
]
EPOCH = date(1899, 12, 30)


def serial(day: str) -> int:
    """A spreadsheet serial day number (the FOIA table stores dates so)."""
    return (date.fromisoformat(day) - EPOCH).days


def foia_row(
    case: str,
    tally: str,
    *,
    yes: int | tuple = 10,
    no: int = 5,
    void: int = 0,
    challenged: int = 0,
    eligible: int | None = 20,
    unions: tuple[str, ...] = ("Workers United",),
    kind: str = "Initial",
    category: str | None = None,
    unit: str = "A",
    scheduled: str | None = None,
    mode: str = "Manual",
    name: str = "Acme Corp.",
    state: str = "NY",
    valid: int | None = None,
    certify: str = "",
) -> dict:
    """One FOIA tally row; dates given as ISO text are written as serial numbers."""
    votes = yes if isinstance(yes, tuple) else (yes,)
    category = (
        category
        or {1: "Single Labor Organization", 2: "Two Labor Organizations", 3: "Three Labor Organizations"}[len(unions)]
    )
    row = dict.fromkeys(FOIA_COLUMNS, "")
    row.update(
        {
            "Case Number": case,
            "Case Name": name,
            "Unit City": "Albany",
            "Unit State": state,
            "Case Status": "Closed",
            "Case Filed Date": serial(scheduled or tally or "2020-01-01") - 40,
            "Election Mode": mode,
            "Schedule Election Date": serial(scheduled or tally or "2020-01-01"),
            "Tally Date": serial(tally) if tally else "",
            "Tally Type": kind,
            "Tally Category": category,
            "Unit ID": unit,
            "Num Eligible Voters": eligible,
            "Num Void Ballots": void,
            "Votes Cast Against Labor Org": no,
            "Num Challenged Ballots": challenged,
            "Num Valid Votes Counted": sum(votes) + no if valid is None else valid,
            "Union To Certify": certify,
            "Bargaining Unit Determined": "Included: all employees.\nExcluded: guards and supervisors.",
        }
    )
    for k in range(3):
        row[f"Labor Organization {k + 1} Name"] = unions[k] if k < len(unions) else ""
        row[f"Votes For Labor Org{k + 1}"] = votes[k] if k < len(votes) else 0
    return row


def _cell(ref: str, value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):  # a true/false cell, as a spreadsheet stores one
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def _column_letter(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _sheet_xml(rows: list[list[object]]) -> str:
    body = []
    for i, row in enumerate(rows, start=1):
        cells = "".join(_cell(f"{_column_letter(j)}{i}", v) for j, v in enumerate(row, start=1))
        body.append(f'<row r="{i}">{cells}</row>')
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(body)}</sheetData></worksheet>"
    )


def write_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """A minimal workbook of the named sheets, in order (inline strings, numbers; None or "" = empty cell)."""
    names = list(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{k}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for k in range(1, len(names) + 1)
    )
    listed = "".join(f'<sheet name="{escape(n)}" sheetId="{k}" r:id="rId{k}"/>' for k, n in enumerate(names, start=1))
    links = "".join(
        f'<Relationship Id="rId{k}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'worksheet" Target="worksheets/sheet{k}.xml"/>'
        for k in range(1, len(names) + 1)
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{overrides}'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f"<sheets>{listed}</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{links}'
            "</Relationships>"
        ),
    }
    for k, rows in enumerate(sheets.values(), start=1):
        parts[f"xl/worksheets/sheet{k}.xml"] = _sheet_xml(rows)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    """A minimal one-sheet workbook holding `rows` (inline strings, numbers; None or "" = empty cell)."""
    return write_workbook(path, {"Sheet1": rows})


#: The annual election report's columns: a one-union table, and what the two- and three-union tables add.
REPORT_ONE = [
    "Region", "Case Number", "Case Name", "Case Type", "Dispute Unit City", "Dispute Unit State",
    "Election Held Date", "Num Eligible Voters", "Valid Votes Against", "Votes for Labor Org 1", "Labor Org 1 Name",
    "Stipulated / Consent / Directed", "Cert of Rep (Win)", "Cert of Results (Loss)", "Closed Date", "Closed Reason",
]  # fmt: skip
REPORT_TWO = [*REPORT_ONE[:11], "Votes for Labor Org 2", "Labor Org 2 Name", *REPORT_ONE[11:14], "Union To Certify",
              *REPORT_ONE[14:]]  # fmt: skip
REPORT_THREE = [*REPORT_TWO[:13], "Votes For Labor Org3", "Labor Org3", *REPORT_TWO[13:]]
REPORT_POLLS = [
    "Region", "Case Number", "Case ID", "Case Name", "Case Type", "Dispute Unit City", "Dispute Unit State",
    "Election Held Date", "Num Eligible Voters", "For Proposition", "Against Proposition", "Labor Org 1 Name",
    "Stipulated / Consent / Directed", "Closed Date", "Closed Reason",
]  # fmt: skip


def report_row(case: str, employer: str, held: str, eligible: int, against: int, votes: list[int],
               unions: list[str], certified: str, state: str = "NY") -> dict:  # fmt: skip
    """One row of an annual report (`certified`: won, lost, both or "")."""
    row: dict[str, object] = {
        "Region": "29", "Case Number": case, "Case ID": "", "Case Name": employer, "Case Type": case[3:5],
        "Dispute Unit City": "Brooklyn", "Dispute Unit State": state, "Election Held Date": serial(held),
        "Num Eligible Voters": eligible, "Valid Votes Against": against,
        "Stipulated / Consent / Directed": "Stipulated",
        "Cert of Rep (Win)": "WON" if certified in ("won", "both") else "",
        "Cert of Results (Loss)": "LOSS" if certified in ("lost", "both") else "",
        "Union To Certify": "", "Closed Date": serial(held), "Closed Reason": "Certification of Results",
        "For Proposition": votes[0], "Against Proposition": against,
    }  # fmt: skip
    for k, (name, count) in enumerate(zip(unions, votes), start=1):
        if k == 3:  # the report's own spelling of its third union's columns
            row["Votes For Labor Org3"], row["Labor Org3"] = count, name
        else:
            row[f"Votes for Labor Org {k}"], row[f"Labor Org {k} Name"] = count, name
    return row


def table(columns: list[str], rows: list[dict], title: str = "") -> list[list[object]]:
    """A report table: an optional title, time stamp and blank row, the header, the rows."""
    above: list[list[object]] = [["", title], ["", "Time run: 9/7/2021 10:37:09 AM"], []] if title else []
    return [*above, columns, *([r.get(c, "") for c in columns] for r in rows)]


def write_foia(
    path: Path, rows: list[dict], title: str = "Elections held between January 1, 2017 and November 30, 2021"
) -> Path:
    """A FOIA-format workbook: title row, two blank rows, the header, then `rows`."""
    return write_xlsx(path, [[title], [], [], FOIA_COLUMNS, *([r[c] for c in FOIA_COLUMNS] for r in rows)])


def recent_row(
    case: str,
    tally: str,
    *,
    yes: int | tuple = 10,
    no: int | str = 5,
    void: int | str = "",
    challenged: int | str = "",
    eligible: int | str = 20,
    unions: tuple[str, ...] = ("Workers United",),
    kind: str = "Initial",
    ballot_type: str | None = None,
    unit: str = "A",
) -> dict:
    """One nlrb.gov download row (dates mm/dd/yyyy; pass "" for a count the site leaves empty)."""
    votes = yes if isinstance(yes, tuple) else (yes,)
    y, m, d = tally.split("-")
    row = dict.fromkeys(RECENT_COLUMNS, "")
    row.update(
        {
            "Region": "Region 06, Pittsburgh, Pennsylvania",
            "Case Number": case,
            "Case Name": "Acme Corp.",
            "Status": "Closed",
            "City": "Pittsburgh",
            "States & Territories": "PA",
            "Unit ID": unit,
            "Ballot Type": ballot_type
            or {1: "Single Labor Organization", 2: "Two Labor Organizations", 3: "Three Labor Organizations"}[
                len(unions)
            ],
            "Tally Type": kind,
            "Tally Date": f"{m}/{d}/{y}",
            "No of Eligible Voters": eligible,
            "Void Ballots": void,
            "Votes Against": no,
            "Challenged Ballots": challenged,
            "Voting Unit (Unit A)": "Included: all drivers.\nExcluded: guards, and supervisors.",
        }
    )
    for k in range(3):
        row[f"Labor Union{k + 1}"] = unions[k] if k < len(unions) else ""
        row[f"Votes for Labor Union{k + 1}"] = votes[k] if k < len(votes) and votes[k] != 0 else ""
    return row


def write_recent(path: Path, rows: list[dict]) -> Path:
    """A download in nlrb.gov's CSV layout (every cell quoted as the site does for text)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=RECENT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def report_sheets(
    rows: list[dict], year: int = 2022, columns: list[str] | None = None
) -> dict[str, list[list[object]]]:
    """The FY2011-FY2019 layout of an annual report: one sheet per ballot (one, two, three unions), each under its
    header even when empty, as the NLRB prints them; `columns` replaces the one-union sheet's header."""
    by_size: dict[int, list[dict]] = {1: [], 2: [], 3: []}
    for row in rows:
        by_size[3 if "Votes For Labor Org3" in row else 2 if "Votes for Labor Org 2" in row else 1].append(row)
    return {
        f"FY{year}-1 Labor Org": table(columns or REPORT_ONE, by_size[1]),
        f"FY{year}-2 Labor Orgs": table(REPORT_TWO, by_size[2], "NLRB Elections with 2 Labor Organizations"),
        f"FY{year}-3 Labor Orgs": table(REPORT_THREE, by_size[3], "NLRB Elections with 3 Labor Organizations"),
    }
