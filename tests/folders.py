"""Data folders for tests: read and write a folder's CSVs by column name, reduce one to the minimal contract,
and add real NLRB ballots with several unions, a run-off and revised tallies.

Any test that needs a data folder other than the project's own (summary, charts, stories) can build one here.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

from labor_analysis.schema import PREFERRED_GROUPS, TABLES, TABLES_BY_NAME

Row = dict[str, str]


def read_rows(folder: Path, filename: str) -> tuple[list[str], list[Row]]:
    """The header and rows of one CSV of a data folder."""
    with open(folder / filename, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_rows(folder: Path, filename: str, header: list[str], rows: Iterable[Mapping[str, str]]) -> None:
    """Write one CSV of a data folder (cells a row leaves out are empty)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n", restval="", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    (folder / filename).write_text(buffer.getvalue(), encoding="utf-8")


def core_columns(table: str) -> list[str]:
    """The columns every file of `table` must have: the contract without its optional columns."""
    return [f.name for f in TABLES_BY_NAME[table].fields if not f.optional_column]


def all_columns(table: str) -> list[str]:
    """Every column of the contract for `table`, in schema order."""
    return [f.name for f in TABLES_BY_NAME[table].fields]


def write_folder(folder: Path, tables: Mapping[str, Iterable[Mapping[str, str]]], *, core_only: bool = False) -> Path:
    """A data folder holding `tables` (table name -> rows), with every contract column or the core ones only."""
    folder.mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        header = core_columns(table.name) if core_only else all_columns(table.name)
        write_rows(folder, table.filename, header, tables.get(table.name, ()))
    return folder


def minimal_contract_copy(source: Path, target: Path) -> Path:
    """`source` rewritten to the original minimal contract: no optional column in any file.

    Of the spending and workforce rows that disagree about one figure only the preferred one is kept, since
    without a `preferred` column a row alone in its group is the preferred one.
    """
    tables: dict[str, list[Row]] = {}
    for table in TABLES:
        _, rows = read_rows(source, table.filename)
        if table.name in PREFERRED_GROUPS:
            rows = [r for r in rows if r.get("preferred", "true") == "true"]
        tables[table.name] = rows
    if target.exists():
        shutil.rmtree(target)
    return write_folder(target, tables, core_only=True)


def append_rows(folder: Path, table: str, rows: Iterable[Mapping[str, str]]) -> list[int]:
    """Add rows to one file of a folder, adding any contract column they use; returns their editor lines."""
    header, existing = read_rows(folder, TABLES_BY_NAME[table].filename)
    rows = list(rows)
    for row in rows:
        header += [c for c in row if c not in header]
    write_rows(folder, TABLES_BY_NAME[table].filename, header, existing + rows)
    return list(range(len(existing) + 2, len(existing) + len(rows) + 2))


# ---- real NLRB ballots, from the Region 06 "Recent Election Results" download of 2023-04-17 ------------------

#: Case 06-RC-280312, Paragon Systems Inc, Pittsburgh, Pa.: a two-union ballot counted 2021-09-08.
PARAGON = "paragon-pit-2021"
#: Case 06-RC-228976, Lenzner Coach Lines, Sewickley, Pa.: a run-off between two unions, counted 2019-04-22.
LENZNER_RUNOFF = "lenzner-runoff-2019"
PSONU = "Paragon Protective Service Officers National Union PSONU, United Federation LEOS-PBA"
SPFPA = "International Union, Security, Police and Fire Professionals of America (SPFPA) and its Amalgamated Local 502"
TEAMSTERS_249 = (
    "General Teamsters, Chauffeurs and Helpers, Local Union No. 249 a/w International Brotherhood of Teamsters"
)
LOCAL_298 = "Amalgamated Local 298, ESJB, IUANPW, AFL-CIO"

NLRB_SOURCES: list[Row] = [
    {
        "source_id": "nlrb-case-06-RC-280312",
        "publisher": "National Labor Relations Board",
        "title": "Case 06-RC-280312 (Paragon Systems Inc)",
        "url": "https://www.nlrb.gov/case/06-RC-280312",
    },
    {
        "source_id": "nlrb-case-06-RC-228976",
        "publisher": "National Labor Relations Board",
        "title": "Case 06-RC-228976 (Transportation Management Services, Inc. d/b/a Lenzner Coach Lines)",
        "url": "https://www.nlrb.gov/case/06-RC-228976",
    },
]

NLRB_ELECTIONS: list[Row] = [
    {
        "election_id": PARAGON,
        "employer": "Paragon Systems Inc",
        "facility": "Paragon Systems",
        "city": "Pittsburgh",
        "state": "PA",
        "union": PSONU,
        "count_date": "2021-09-08",
        "eligible_voters": "65",
        "case_number": "06-RC-280312",
        "unit": "A",
        "kind": "initial",
        "source_id": "nlrb-case-06-RC-280312",
    },
    {
        "election_id": LENZNER_RUNOFF,
        "employer": "Transportation Management Services, Inc.",
        "facility": "Lenzner Coach Lines",
        "city": "Sewickley",
        "state": "PA",
        "union": TEAMSTERS_249,
        "count_date": "2019-04-22",
        "eligible_voters": "56",
        "case_number": "06-RC-228976",
        "unit": "A",
        "kind": "runoff",
        "source_id": "nlrb-case-06-RC-228976",
    },
]


def _tally(
    election_id: str, stage: str, source: str, yes: Mapping[str, int], no: int, void: int, challenged: int
) -> list[Row]:
    """The rows of one stage of a count: a yes row per union, then no, void and challenged."""
    rows = [
        {
            "election_id": election_id,
            "stage": stage,
            "choice": "yes",
            "union": union,
            "ballots": str(n),
            "source_id": source,
        }
        for union, n in yes.items()
    ]
    rows += [
        {
            "election_id": election_id,
            "stage": stage,
            "choice": choice,
            "union": "",
            "ballots": str(n),
            "source_id": source,
        }
        for choice, n in (("no", no), ("void", void), ("challenged", challenged))
    ]
    return rows


NLRB_TALLIES: list[Row] = _tally(
    PARAGON, "initial", "nlrb-case-06-RC-280312", {PSONU: 18, SPFPA: 15}, no=0, void=1, challenged=0
) + _tally(
    LENZNER_RUNOFF, "initial", "nlrb-case-06-RC-228976", {TEAMSTERS_249: 38, LOCAL_298: 8}, no=0, void=2, challenged=1
)


def add_nlrb_ballots(folder: Path) -> Path:
    """Add the two real multi-union NLRB ballots above (one a run-off) to a data folder."""
    append_rows(folder, "sources", NLRB_SOURCES)
    append_rows(folder, "elections", NLRB_ELECTIONS)
    append_rows(folder, "tallies", NLRB_TALLIES)
    return folder


def stage_rows(
    election_id: str, stage: str, yes: Mapping[str, int] | int, no: int, void: int, challenged: int, source: str
) -> list[Row]:
    """The rows of one stage: `yes` is a count (single-union ballot) or a count per union."""
    return _tally(election_id, stage, source, {"": yes} if isinstance(yes, int) else yes, no, void, challenged)
