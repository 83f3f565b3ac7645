"""Hypothesis strategies for valid data folders: any shape the contract allows, for tests of every command.

`data_folders()` draws a `Folder` (the rows of the five files, and which optional columns the files leave out);
`folder.write(path)` writes it. The folders cover one election or several; single-union and multi-union
ballots; RC, RD (decertification) and RM cases; decisions after the count (certified, set aside, appealed);
names in capitals and cut at the NLRB's 100 characters; the elections of one company or of several; tallies in
the elections file's order or not; initial, rerun and run-off elections and voting units; revised and final
stages; ties; no challenged ballots; unreported figures (empty cells); unknown place and eligible voters; no
spending, spending by one side only, periods that do or do not overlap; and files written with or without each
optional column.
Usage: `@given(folder=data_folders())` then `ds = load(folder.write(tmp_path / "data"))`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from pathlib import Path

from folders import Row, write_rows
from hypothesis import strategies as st

from labor_analysis.schema import PREFERRED_GROUPS, TABLES

#: (employer, company) of the elections of a folder, in turn: Amazon's, another company's, several companies'.
COMPANIES = (
    (("Amazon.com Services LLC", "Amazon"), ("Whole Foods Market", "Amazon")),
    (("Amazon.com Services LLC", ""),),
    (("Starbucks Corporation", "Starbucks"),),
    (("Starbucks Corporation", ""), ("Trader Joe's", "")),
    (("UPMC PRESBYTERIAN SHADYSIDE", ""), ("CARNEGIE LIBRARY OF PITTSBURGH", "")),
)
UNION_NAMES = (
    "ALU",
    "RWDSU",
    "Teamsters",
    "CAUSE",
    "Workers United, SEIU",
    'Local 298 "B"',
    "UNITED STEEL, PAPER AND FORESTRY, RUBBER, MANUFACTURING, ENERGY, ALLIED INDUSTRIAL AND SERVICE WORKE",
)
FACILITIES = ("JFK8", "LDJ5", "BHM1", "RDU1", "ALB1", "DCK6", "KCVG", "Store 10", "Carnegie Library of Pittsburgh")
PLACES = (
    ("Staten Island", "NY"),
    ("Bessemer", "AL"),
    ("Garner", "NC"),
    ("Schodack", "NY"),
    ("", ""),
    ("PITTSBURGH", "PA"),
    ("CRANBERRY TWP", "PA"),
    ("DUBOIS", "PA"),
)


@dataclass
class Folder:
    """The rows of a valid data folder, and the optional columns its files leave out."""

    tables: dict[str, list[Row]]
    left_out: dict[str, set[str]] = field(default_factory=dict)

    def write(self, folder: Path) -> Path:
        """Write the five files into `folder` (created) and return it."""
        folder.mkdir(parents=True, exist_ok=True)
        for table in TABLES:
            header = [f.name for f in table.fields if f.name not in self.left_out.get(table.name, set())]
            write_rows(folder, table.filename, header, self.tables[table.name])
        return folder

    def elections(self) -> list[str]:
        """The election ids, in file order."""
        return [row["election_id"] for row in self.tables["elections"]]


def _text(value: int | None) -> str:
    """A count as a cell: empty when unreported."""
    return "" if value is None else str(value)


@st.composite
def _counts(draw: st.DrawFn, unions: int) -> dict[str, list[int]]:
    """Ballots of one count: yes per union, no, void, challenged; ties and zero challenged are common."""
    small = st.integers(0, 3000)
    yes = [draw(small) for _ in range(unions)]
    no = draw(st.one_of(small, st.just(yes[0])))  # a tie, now and then
    void = draw(st.integers(0, 40))
    challenged = draw(st.one_of(st.just(0), st.integers(0, 500)))
    return {"yes": yes, "no": [no], "void": [void], "challenged": [challenged]}


@st.composite
def _election(draw: st.DrawFn, index: int, source: str) -> tuple[Row, list[Row]]:
    """One election row and its tally rows (every stage in order, challenged ballots never growing)."""
    day = draw(st.dates(dt.date(1936, 1, 1), dt.date(2099, 12, 31)))
    facility = draw(st.sampled_from(FACILITIES))
    election_id = f"{facility.lower().replace(' ', '')}-{index}-{day.year}"
    n_unions = draw(st.sampled_from((1, 1, 1, 2, 3)))
    unions = draw(st.lists(st.sampled_from(UNION_NAMES), min_size=n_unions, max_size=n_unions, unique=True))
    revisions = draw(st.integers(0, 2))
    stages = (
        ["initial"] + [f"revised-{n}" for n in range(1, revisions + 1)] + (["final"] if draw(st.booleans()) else [])
    )
    counts = [draw(_counts(n_unions)) for _ in stages]
    for earlier, later in itertools.pairwise(counts):  # a later count never has more challenged ballots
        later["challenged"] = [min(later["challenged"][0], earlier["challenged"][0])]
    unreported = draw(st.sets(st.sampled_from(("void", "challenged")), max_size=2)) if draw(st.booleans()) else set()
    tallies = []
    for stage, count in zip(stages, counts):
        for union, yes in zip(unions, count["yes"]):
            tallies.append(
                {
                    "election_id": election_id,
                    "stage": stage,
                    "choice": "yes",
                    "union": union if n_unions > 1 else "",
                    "ballots": str(yes),
                    "source_id": source,
                }
            )
        for choice in ("no", "void", "challenged"):
            tallies.append(
                {
                    "election_id": election_id,
                    "stage": stage,
                    "choice": choice,
                    "union": "",
                    "ballots": _text(None if choice in unreported else count[choice][0]),
                    "source_id": source,
                }
            )
    cast = max(sum(c["yes"]) + c["no"][0] + c["void"][0] for c in counts)
    eligible = draw(st.one_of(st.none(), st.integers(max(cast, 1), max(cast, 1) + 5000)))
    city, state = draw(st.sampled_from(PLACES))
    vote_end = day - dt.timedelta(days=draw(st.integers(0, 3)))
    vote_start = vote_end - dt.timedelta(days=draw(st.integers(0, 50)))
    known_days = draw(st.booleans()) and vote_start.year >= 1936
    election = {
        "election_id": election_id,
        "employer": "Amazon.com Services LLC",
        "facility": facility,
        "city": city,
        "state": state,
        "union": unions[0],
        "voting_method": draw(st.sampled_from(("in_person", "mail", "mixed", ""))),
        "vote_start": vote_start.isoformat() if known_days else "",
        "vote_end": vote_end.isoformat() if known_days else "",
        "count_date": day.isoformat(),
        "eligible_voters": _text(eligible),
        "eligible_approximate": draw(st.sampled_from(("true", "false", ""))),
        "case_number": draw(
            st.sampled_from(
                (
                    "",
                    f"29-RC-{280000 + index}",
                    f"03-RM-{300000 + index}",
                    f"10-RD-{260000 + index}",
                    f"06-RD-{100000 + index}",
                )
            )
        ),
        "unit": draw(st.sampled_from(("", "A", "B"))),
        "kind": draw(st.sampled_from(("", "initial", "rerun", "runoff"))),
        "self_determination": draw(st.sampled_from(("", "false", "true"))),
        "source_id": source,
        "note": draw(st.sampled_from(("", 'Counted by the NLRB; "quoted", with a comma', "=1+1"))),
    }
    status = draw(st.sampled_from(("", "certified", "results_certified", "set_aside")))
    status_day = day + dt.timedelta(days=draw(st.integers(0, 900)))
    # the certified result agrees with a certification in status (validation says so), or is not recorded
    certified = {"certified": ("", "won"), "results_certified": ("", "lost")}.get(status, ("", "won", "lost"))
    election |= {
        "certified": draw(st.sampled_from(certified)),
        "status": status,
        "status_date": status_day.isoformat() if status and status_day.year <= 2100 and draw(st.booleans()) else "",
        "status_by": draw(st.sampled_from(("", "regional_director", "administrative_law_judge", "board")))
        if status
        else "",
        "status_appealed": draw(st.sampled_from(("", "false", "true"))) if status else "",
        "status_source_id": source if status else "",
    }
    return election, tallies


@st.composite
def _spending(draw: st.DrawFn, source: str) -> list[Row]:
    """Money rows: none, one side only or both; periods that may or may not overlap; sometimes two outlets
    disagreeing about one figure (exactly one of them preferred)."""
    sides = draw(st.sampled_from(((), ("employer",), ("union",), ("employer", "union"))))
    rows = []
    for side in sides:
        start = draw(st.dates(dt.date(2015, 1, 1), dt.date(2030, 1, 1)))
        end = start + dt.timedelta(days=draw(st.integers(0, 800)))
        row = {
            "spender": "Amazon" if side == "employer" else "ALU",
            "side": side,
            "purpose": "campaign",
            "measure": draw(st.sampled_from(("spent", "spent", "raised", "cash_on_hand", ""))),
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
            "amount_usd": str(draw(st.integers(0, 10**9))),
            "approximate": draw(st.sampled_from(("true", "false", ""))),
            "unconfirmed": "false",
            "preferred": draw(st.sampled_from(("true", ""))),
            "source_id": source,
        }
        rows.append(row)
        if draw(st.integers(0, 4)) == 0:  # a second outlet's figure for the same spender, measure and period
            row["preferred"] = "true"
            rows.append(
                {
                    **row,
                    "purpose": "campaign (second report)",
                    "amount_usd": str(draw(st.integers(0, 10**9))),
                    "preferred": draw(st.sampled_from(("false", ""))),
                    "unconfirmed": "true",
                }
            )
    return rows


@st.composite
def data_folders(draw: st.DrawFn, max_elections: int = 4, min_elections: int = 1) -> Folder:
    """A valid data folder of `min_elections` (1) to `max_elections` elections (see the module docstring for what
    varies)."""
    sources = [
        {
            "source_id": "nlrb-tally",
            "publisher": "National Labor Relations Board",
            "title": "Tally of ballots",
            "url": draw(st.sampled_from(("", "https://www.nlrb.gov/case/29-RC-288020", "http://example.org/a?b=1"))),
            "published": draw(st.sampled_from(("", "2022-04-01"))),
        },
        {"source_id": "outlet", "publisher": "An outlet, Inc.", "title": 'A story with "quotes", and commas'},
    ]
    n = draw(st.integers(min_elections, max_elections))
    elections, blocks = [], []
    for index in range(n):
        election, rows = draw(_election(index, draw(st.sampled_from(("nlrb-tally", "outlet")))))
        elections.append(election)
        blocks.append(rows)
    # the tallies of each election together, the elections in the elections file's order or in another
    tallies = [row for rows in draw(st.one_of(st.just(blocks), st.permutations(blocks))) for row in rows]
    workforce = [
        {
            "election_id": e["election_id"],
            "measure": "organizers",
            "value": str(draw(st.integers(0, 500))),
            "approximate": draw(st.sampled_from(("true", ""))),
            "preferred": "",
            "source_id": "outlet",
        }
        for e in elections
        if draw(st.booleans())
    ]
    # whose elections: Amazon's (named by employer or company), another company's, or several companies'
    companies = draw(st.sampled_from(COMPANIES))
    for i, election in enumerate(elections):
        election["employer"], election["company"] = companies[i % len(companies)]
    spender = (companies[0][1] or companies[0][0]).split()[0]
    tables = {
        "sources": sources,
        "elections": elections,
        "tallies": tallies,
        "spending": [
            {**row, "spender": spender} if row["side"] == "employer" else row for row in draw(_spending("outlet"))
        ],
        "workforce": workforce,
    }
    left_out: dict[str, set[str]] = {}
    for table in TABLES:
        optional = [f.name for f in table.fields if f.optional_column]
        dropped = set(draw(st.lists(st.sampled_from(optional), unique=True))) if optional else set()
        if table.name in PREFERRED_GROUPS and _has_disagreeing_rows(tables[table.name], PREFERRED_GROUPS[table.name]):
            dropped.discard("preferred")  # several rows of one figure: the file must say which is preferred
        if table.name == "tallies" and any(row["union"] for row in tallies):
            dropped.discard("union")
        if "status" in dropped:  # a decision's details describe nothing without the decision
            dropped |= {"status_date", "status_by", "status_appealed", "status_source_id"}
        left_out[table.name] = dropped
    return Folder(tables, left_out)


def _has_disagreeing_rows(rows: list[Row], by: tuple[str, ...]) -> bool:
    """Whether two rows share the columns `by` (with `measure` empty meaning `spent`)."""
    keys = [tuple(row.get(c) or ("spent" if c == "measure" else "") for c in by) for row in rows]
    return len(set(keys)) < len(keys)
