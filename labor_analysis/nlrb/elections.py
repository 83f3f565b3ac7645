"""Group the kept tally rows into elections and stages, and write them in the data contract's terms.

An election is one vote of one unit (the NLRB's Unit ID) of one case, of one kind (initial, rerun, run-off).
Its first tally is the `initial` stage; later tallies of the same vote become `revised-1`, `revised-2`, ...:
- a row whose category is "Revised ..." revises the latest earlier election of its case, unit and kind, or
  else the one with the same scheduled election date (the FOIA table marks revisions by category, and some
  carry another tally type than the tally they revise);
- a plain row of the same case, unit and kind with the same scheduled election date as an earlier tally (the
  FOIA table has that date; the nlrb.gov download does not) is also a revision, labelled as a plain tally.
A revised tally whose election has no earlier tally in the files (its first count predates them) becomes an
election of its own whose only stage is `revised-1`, with a note; it has no initial stage, so national tables
that count first tallies leave it out. Same-day tallies of one case, unit and kind with different counts are
separate voting groups (the FOIA table labels some all unit A).

`election_id` = case number in lower case, `-<unit>` unless the unit is A, `-rerun`/`-runoff` for those kinds,
`-2`, `-3`... for a second or third such election counted the same year, then the count's year: stable for the
same tallies whatever other files are imported with them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .companies import companies
from .reader import RESULT, TALLY
from .rows import IMPORTED_FIRST, IMPORTED_REVISION, SKIP_REVISION_UNIONS
from .tally_rows import NO_DATE, plain, slug, slugs

STATE_PATTERN = re.compile(r"[A-Z]{2}")
MORE_CHALLENGED = "revisions with more challenged ballots than the first count (kept: the NLRB's latest count)"


@dataclass
class _Election:
    """One election being assembled: its rows by stage (0 = initial)."""

    case: str
    unit: str
    kind: str
    rows: list[int] = field(default_factory=list)  # row positions, stage order
    revision_only: bool = False
    same_day_group: int = 1


@dataclass
class Built:
    """The elections and tallies frames, and the counts the import report needs."""

    elections: pd.DataFrame
    tallies: pd.DataFrame
    counts: dict[str, int]


def assign(rows: pd.DataFrame, recs: Mapping[int, dict]) -> list[_Election]:
    """Group the kept rows (empty fate) into elections, in stage order; see the module docstring."""
    order = ["case_number", "unit_id", "tally_date", "file", "row"]
    live = rows.loc[rows["fate"].eq(""), order].sort_values(order, kind="stable")
    # a row alone in its case and unit is an election of its own: the rules below only ever join rows of one unit
    alone = ~live.duplicated(["case_number", "unit_id"], keep=False).to_numpy()
    elections: list[_Election] = []
    by_unit: dict[tuple[str, str], list[_Election]] = {}
    for i, single in zip(live.index.tolist(), alone.tolist()):
        r = recs[i]
        if single:
            elections.append(_Election(r["case_number"], r["unit_id"], r["kind"], [i], bool(r["revised"])))
            continue
        known = by_unit.setdefault((r["case_number"], r["unit_id"]), [])
        kind, date, scheduled = r["kind"], r["tally_date"], r["scheduled_date"]
        target = None
        if r["revised"]:
            earlier = [e for e in known if recs[e.rows[0]]["tally_date"] <= date]
            same_kind = [e for e in earlier if e.kind == kind]
            same_date = [e for e in earlier if scheduled != NO_DATE and recs[e.rows[0]]["scheduled_date"] == scheduled]
            candidates = same_kind or same_date
            target = candidates[-1] if candidates else None
        elif scheduled != NO_DATE:
            target = next(
                (
                    e
                    for e in reversed(known)
                    if e.kind == kind and _same_vote(recs[e.rows[0]], r) and recs[e.rows[-1]]["tally_date"] < date
                ),
                None,
            )
        if target is not None:
            target.rows.append(i)
            continue
        election = _Election(r["case_number"], r["unit_id"], kind, [i], revision_only=bool(r["revised"]))
        election.same_day_group = 1 + sum(1 for e in known if e.kind == kind and recs[e.rows[0]]["tally_date"] == date)
        known.append(election)
        elections.append(election)
    return elections


def _same_vote(first: dict, later: dict) -> bool:
    """A later plain tally is a revision of `first` when it has the same scheduled election date, eligible voters
    and self-determination flag (another group voting under the same date has its own eligible count)."""
    return (
        first["scheduled_date"] == later["scheduled_date"]
        and first["self_det"] == later["self_det"]
        and (pd.isna(first["eligible"]) or pd.isna(later["eligible"]) or first["eligible"] == later["eligible"])
    )


def _names(ballot: list[tuple[str, int]]) -> list[str]:
    """The union names of a ballot, compared without regard to case and spacing (the files vary in both)."""
    return [" ".join(n.lower().split()) for n, _ in ballot]


def _check_revisions(
    recs: Mapping[int, dict], elections: list[_Election], fates: dict[int, str]
) -> tuple[int, list[int]]:
    """Set aside revisions the contract cannot hold (another number of unions than the election's ballot; a
    certified result they carry moves to the election's first row). Returns how many kept revisions spell a
    union differently (the first tally's names are used in every stage) and the elections whose revised tally
    has more challenged ballots than the first count: kept, as the NLRB's latest count (a correction)."""
    respelt, more_challenged = 0, []
    for number, e in enumerate(elections):
        if len(e.rows) == 1:  # most elections: no revision to check
            continue
        first = recs[e.rows[0]]
        names = _names(first["ballot"])
        kept = [e.rows[0]]
        for i in e.rows[1:]:
            r = recs[i]
            if len(r["ballot"]) != len(names):
                fates[i] = SKIP_REVISION_UNIONS
                if r["certified"] and not first["certified"]:
                    first["certified"], first["certified_file"] = r["certified"], r["certified_file"]
                continue
            kept.append(i)
            respelt += _names(r["ballot"]) != names
        if not e.revision_only and any(
            not pd.isna(recs[i]["challenged"])
            and not pd.isna(first["challenged"])
            and recs[i]["challenged"] > first["challenged"]
            for i in kept[1:]
        ):
            more_challenged.append(number)
        e.rows = kept
    return respelt, more_challenged


def _distinct_names(ballot: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The ballot with repeated union names told apart (`Name (2)`): the contract needs one yes row per union. The
    ballot itself where no name repeats (a ballot of one union, most of them, needs no look)."""
    if len(ballot) < 2 or len({name for name, _ in ballot}) == len(ballot):
        return ballot
    seen: dict[str, int] = {}
    out = []
    for name, votes in ballot:
        seen[name] = seen.get(name, 0) + 1
        out.append((name if seen[name] == 1 else f"{name} ({seen[name]})", votes))
    return out


ADJUSTMENTS = (
    "eligible zero, left empty",
    "eligible below the ballots cast, left empty",
    "state not a two-letter code, left empty",
    "union names missing",
    "repeated union names told apart",
    "elections with only a revised tally",
    "revisions found by scheduled date",
    "elections in same-day voting groups",
    "split ballots joined",
    "self-determination elections",
    "tallies whose reported vote total differs from the choices (recomputed)",
    "revisions spelling a union differently (first tally's names kept)",
    "elections with a certified result",
    MORE_CHALLENGED,
    "certified results marked both won and lost, left empty",
    "elections only in an annual report (no void or challenged ballots)",
)


#: The tally-row columns the election rules read, as plain records of the kept rows (`assign`, `_check_revisions`).
_RECORD_COLUMNS = (
    "file",
    "case_number",
    "unit_id",
    "kind",
    "tally_date",
    "scheduled_date",
    "revised",
    "self_det",
    "ballot",
    "eligible",
    "challenged",
    "certified",
    "certified_file",
)
NOTES = {
    "repeated names": "Two unions on the ballot share a name in the NLRB file; the second is marked (2)",
    "revision only": "Only a revised tally of this election is in the NLRB file (its first count is older); "
    "count_date is the revised tally's date",
    "eligible zero": "The NLRB file gives 0 eligible voters: left empty (unknown)",
    "corrected": "A revised tally has more challenged ballots than the first count (a correction): "
    "the NLRB's latest count is used",
    "both": "The NLRB's annual report marks this election both won and lost: certified left empty",
    "report only": "From the NLRB's annual election report only: no void or challenged ballots and no tally type "
    "(the last election of the case); count_date is the day of the vote",
}


def _int_or_none(values: pd.Series) -> np.ndarray:
    """A nullable count column as an object array of ints, None where missing."""
    return np.asarray(values.astype(object).where(values.notna(), None).to_numpy(dtype=object))


def build(rows: pd.DataFrame, source_ids: list[str]) -> Built:
    """The elections and tallies frames of the kept rows; fills in the fate of every kept row (in place).

    Elections are grouped row by row (`assign`: a revision's election depends on the ones before it); everything
    else is computed over whole columns of the stages (one entry per election and stage, in stage order)."""
    if "record" not in rows.columns:
        rows = rows.assign(record=TALLY)
    if "certified_file" not in rows.columns:
        rows = rows.assign(certified_file=-1)
    live = rows.index[rows["fate"].eq("")]
    part = rows.loc[live, list(_RECORD_COLUMNS)]
    columns = [plain(part[c]) for c in _RECORD_COLUMNS]  # dates as nanoseconds, NO_DATE where missing
    recs: dict[int, dict] = {i: dict(zip(_RECORD_COLUMNS, values)) for i, values in zip(live, zip(*columns))}
    elections = assign(rows, recs)
    fates: dict[int, str] = {}
    counts = dict.fromkeys(ADJUSTMENTS, 0)
    respelt, more_challenged = _check_revisions(recs, elections, fates)
    counts["revisions spelling a union differently (first tally's names kept)"] = respelt
    counts[MORE_CHALLENGED] = len(more_challenged)
    fate = rows["fate"].to_numpy(dtype=object)
    if fates:
        fate[list(fates)] = list(fates.values())
    if not elections:
        rows["fate"] = fate
        return Built(_empty_elections(), _empty_tallies(), counts)

    # the stages: election number, stage number within it, input row; elections in assign's order
    sizes = np.fromiter((len(e.rows) for e in elections), dtype=np.int64, count=len(elections))
    n = len(elections)
    stage_election = np.repeat(np.arange(n), sizes)
    starts = np.cumsum(sizes) - sizes
    stage_number = np.arange(len(stage_election)) - starts[stage_election]
    stage_row = np.fromiter((i for e in elections for i in e.rows), dtype=np.int64, count=len(stage_election))
    first_row = stage_row[starts]
    revision_only = np.fromiter((e.revision_only for e in elections), dtype=bool, count=n)
    later = stage_number > 0
    fate[first_row] = np.where(revision_only, IMPORTED_REVISION, IMPORTED_FIRST)
    fate[stage_row[later]] = IMPORTED_REVISION
    rows["fate"] = fate

    def column(name: str) -> np.ndarray:
        return rows[name].to_numpy(dtype=object)

    revised = rows["revised"].to_numpy(dtype=bool)
    counts["revisions found by scheduled date"] = int((~revised[stage_row[later]]).sum())
    counts["elections with only a revised tally"] = int(revision_only.sum())

    # ballots: every stage named as the election's first tally names it, repeated names told apart
    ballot = column("ballot")
    first_ballots = ballot[first_row]
    names = [_distinct_names(b) for b in first_ballots]
    repeated = np.fromiter((named != b for named, b in zip(names, first_ballots)), dtype=bool, count=n)
    counts["repeated union names told apart"] = int(repeated.sum())
    unnamed = [any("(not named in the NLRB file)" in u for u, _ in named) for named in names]
    counts["union names missing"] = sum(unnamed)
    unions = np.fromiter((len(named) for named in names), dtype=np.int64, count=n)
    counts["split ballots joined"] = int((unions > 3).sum())
    stage_votes = [[v for _, v in ballot[i]] for i in stage_row]
    yes_sum = np.fromiter((sum(v) for v in stage_votes), dtype=np.int64, count=len(stage_row))
    against = rows["against"].fillna(0).to_numpy(dtype=np.int64)[stage_row]
    void = rows["void"].fillna(0).to_numpy(dtype=np.int64)[stage_row]

    # eligible voters: left empty where 0 or fewer than a stage's yes, no and void ballots
    eligible = _int_or_none(rows["eligible"])[first_row]
    known = np.array([v is not None for v in eligible], dtype=bool)
    number = np.where(known, eligible, 0).astype(np.int64)
    cast = np.maximum.reduceat(yes_sum + against + void, starts)
    zero = known & (number == 0)
    below = known & ~zero & (cast > number)
    counts["eligible zero, left empty"] = int(zero.sum())
    counts["eligible below the ballots cast, left empty"] = int(below.sum())
    eligible = np.where(zero | below, None, eligible)

    given_state = column("state")[first_row]
    state = pd.Series(given_state, dtype=object).str.upper()
    odd_state = (state.ne("") & ~state.str.fullmatch(STATE_PATTERN.pattern)).to_numpy()
    counts["state not a two-letter code, left empty"] = int(odd_state.sum())
    state = np.where(odd_state, "", state.to_numpy(dtype=object))

    same_day_group = np.fromiter((e.same_day_group for e in elections), dtype=np.int64, count=n)
    count_date = rows["tally_date"].to_numpy()[first_row]
    key = pd.DataFrame(
        {
            "case": [e.case for e in elections],
            "unit": [e.unit for e in elections],
            "kind": [e.kind for e in elections],
            "day": count_date,
            "group": same_day_group,
        }
    )
    group = key.groupby(["case", "unit", "kind", "day"], sort=False, dropna=False)["group"].transform("max").to_numpy()
    counts["elections in same-day voting groups"] = int((group > 1).sum())
    corrected = np.zeros(n, dtype=bool)
    corrected[more_challenged] = True

    # the certified result: the latest stage's that has one (a revision's moved to its first row, in recs)
    stage_certified = np.array([recs[i]["certified"] for i in stage_row], dtype=object)
    stage_certified_file = np.array([recs[i]["certified_file"] for i in stage_row], dtype=np.int64)
    has = stage_certified != ""
    last_with = pd.Series(np.flatnonzero(has)).groupby(stage_election[has]).last()
    certifying = np.full(n, -1, dtype=np.int64)
    certifying[last_with.index.to_numpy()] = last_with.to_numpy()
    certified = np.where(certifying >= 0, stage_certified[certifying], "")
    file = rows["file"].to_numpy(dtype=np.int64)
    certified_from = np.where(certifying >= 0, stage_certified_file[certifying], -1)
    from_other = (certifying >= 0) & (certified_from != -1) & (certified_from != file[first_row])
    both = certified == "both"
    counts["certified results marked both won and lost, left empty"] = int(both.sum())
    certified = np.where(both, "", certified)
    counts["elections with a certified result"] = int((certified != "").sum())
    is_result = rows["record"].to_numpy(dtype=object)[stage_row] == RESULT
    report_only = np.logical_and.reduceat(is_result, starts)
    counts["elections only in an annual report (no void or challenged ballots)"] = int(report_only.sum())
    self_det = np.logical_or.reduceat(rows["self_det"].to_numpy(dtype=bool)[stage_row], starts)
    counts["self-determination elections"] = int(self_det.sum())
    reported = _int_or_none(rows["valid_reported"])[stage_row]
    valid = yes_sum + against
    differs = [r is None or r != v for r, v in zip(reported, valid)]
    counts["tallies whose reported vote total differs from the choices (recomputed)"] = int(
        (np.array(differs, dtype=bool) & ~is_result).sum()
    )

    notes = _notes(
        n,
        [
            (repeated, NOTES["repeated names"]),
            (revision_only, NOTES["revision only"]),
            (zero, NOTES["eligible zero"]),
            (below, lambda k: f"The NLRB file gives {number[k]} eligible voters, fewer than the {cast[k]} yes, no "
             "and void ballots of a tally: left empty (unknown)"),
            (odd_state, lambda k: f"The NLRB file gives the state as {given_state[k]!r}"),
            (group > 1, lambda k: f"One of {group[k]} tallies of this case, unit and kind counted the same day "
             "(separate voting groups under one unit letter in the NLRB file); number "
             f"{same_day_group[k]} in file order"),
            (unions > 3, lambda k: f"A ballot of {unions[k]} unions entered over two rows in the NLRB file; joined"),
            (corrected, NOTES["corrected"]),
            (from_other, lambda k: f"Certified result from {source_ids[certified_from[k]]}"),
            (both, NOTES["both"]),
            (report_only, NOTES["report only"]),
        ],
    )  # fmt: skip
    employer = column("case_name")[first_row]
    frame = pd.DataFrame(
        {
            "case": key["case"],
            "unit_id": key["unit"],
            "kind": key["kind"],
            "same_day_group": same_day_group,
            "count_date": count_date,
            "employer": np.where(employer == "", "(not named in the NLRB file)", employer),
            "city": column("city")[first_row],
            "state": state,
            "union": [named[0][0] for named in names],
            "voting_method": column("mode")[first_row],
            "eligible_voters": eligible,
            "self_determination": self_det,
            "certified": certified,
            "source_id": np.asarray(source_ids, dtype=object)[file[first_row]],
            "note": notes,
        }
    )
    frame["election_id"] = _election_ids(frame)
    order = frame.sort_values(["count_date", "case", "unit_id", "kind", "same_day_group"], kind="stable").index
    rank = np.empty(n, dtype=np.int64)
    rank[order.to_numpy()] = np.arange(n)
    tallies = _tallies(
        frame["election_id"].to_numpy(dtype=object),
        rank,
        stage_election,
        stage_number,
        revision_only,
        names,
        stage_votes,
        {
            "no": _int_or_none(rows["against"])[stage_row],
            "void": _int_or_none(rows["void"])[stage_row],
            "challenged": _int_or_none(rows["challenged"])[stage_row],
        },
        np.asarray(source_ids, dtype=object)[file[stage_row]],
    )
    frame = frame.loc[order].reset_index(drop=True)
    return Built(_contract_elections(frame), tallies, counts)


def _notes(n: int, rules: list[tuple[np.ndarray, object]]) -> list[str]:
    """Each election's notes, in the order of `rules` (where flagged: a text, or a function of the election's
    position giving one), joined by "; "."""
    notes = [""] * n
    for flagged, note in rules:
        for k in np.flatnonzero(flagged):
            text = note(k) if callable(note) else note
            notes[k] = f"{notes[k]}; {text}" if notes[k] else str(text)
    return notes


def _tallies(
    election_ids: np.ndarray,
    rank: np.ndarray,
    stage_election: np.ndarray,
    stage_number: np.ndarray,
    revision_only: np.ndarray,
    names: list[list[tuple[str, int]]],
    stage_votes: list[list[int]],
    other: dict[str, np.ndarray],
    stage_source: np.ndarray,
) -> pd.DataFrame:
    """tallies.csv's rows of every stage: one `yes` row per union (named where the ballot has several), then `no`,
    `void` and `challenged`; the elections in the order of `rank` (each one's place in elections.csv), each one's
    stages in stage order. Every row is put in its place in whole columns (no frame per choice to sort)."""
    revision = (stage_number + revision_only[stage_election]).tolist()  # numpy's char functions loop in Python
    stage_names = np.array([f"revised-{k}" if k else "initial" for k in revision], dtype=object)
    per_stage = np.fromiter((len(v) for v in stage_votes), dtype=np.int64, count=len(stage_votes))
    rows_per_stage = per_stage + len(other)
    start = np.cumsum(rows_per_stage) - rows_per_stage
    stage = np.repeat(np.arange(len(stage_votes)), rows_per_stage)  # each row's stage, stages in assign's order
    yes_order = np.arange(int(per_stage.sum())) - np.repeat(np.cumsum(per_stage) - per_stage, per_stage)
    yes_at = np.repeat(start, per_stage) + yes_order
    choice = np.empty(len(stage), dtype=object)
    ballots = np.empty(len(stage), dtype=object)
    union = np.full(len(stage), "", dtype=object)
    choice[yes_at] = "yes"
    ballots[yes_at] = [v for votes in stage_votes for v in votes]
    union[yes_at] = [
        name if len(names[e]) > 1 else ""
        for e, votes in zip(stage_election, stage_votes)
        for (name, _), _ in zip(names[e], votes)
    ]
    for k, (name, values) in enumerate(other.items()):
        choice[start + per_stage + k] = name
        ballots[start + per_stage + k] = values
    order = np.argsort(rank[stage_election[stage]], kind="stable")
    stage = stage[order]
    return pd.DataFrame(
        {
            "election_id": election_ids[stage_election[stage]],
            "stage": stage_names[stage],
            "choice": choice[order],
            "union": union[order],
            "ballots": pd.array(ballots[order], dtype="Int64"),
            "source_id": stage_source[stage],
            "note": "",
        },
        columns=TALLY_COLUMNS,
    )


def _election_ids(frame: pd.DataFrame) -> pd.Series:
    """`<case>[-<unit>][-rerun|-runoff][-N]-<yyyy>`, N numbering elections that would otherwise share an id (the
    texts joined in lists: a Series' `+` costs more than the concatenation itself)."""
    units = {u: "" if u.upper() in ("", "A") else "-" + slug(u) for u in frame["unit_id"].unique()}
    kinds = {k: "" if k == "initial" else "-" + k for k in frame["kind"].unique()}
    years = ["-" + y for y in frame["count_date"].dt.year.astype(str).tolist()]
    base = [
        case + units[unit] + kinds[kind]
        for case, unit, kind in zip(slugs(frame["case"].tolist()), frame["unit_id"].tolist(), frame["kind"].tolist())
    ]
    # elections sharing base and year, numbered in count order
    shared = pd.factorize(np.array([b + y for b, y in zip(base, years)], dtype=object))[0]
    ordered = frame.index.get_indexer(frame.sort_values(["count_date", "same_day_group"], kind="stable").index)
    n = pd.Series(shared[ordered]).groupby(shared[ordered]).cumcount().to_numpy()
    number = np.empty(len(frame), dtype=np.int64)
    number[ordered] = n + 1
    ids = [b + y if k == 1 else f"{b}-{k}{y}" for b, k, y in zip(base, number.tolist(), years)]
    return pd.Series(ids, index=frame.index, dtype=object)


ELECTION_COLUMNS = [
    "election_id",
    "employer",
    "company",
    "facility",
    "city",
    "state",
    "union",
    "voting_method",
    "vote_start",
    "vote_end",
    "count_date",
    "eligible_voters",
    "eligible_approximate",
    "case_number",
    "unit",
    "kind",
    "certified",
    "self_determination",
    "source_id",
    "note",
]
TALLY_COLUMNS = ["election_id", "stage", "choice", "union", "ballots", "source_id", "note"]


def _contract_elections(frame: pd.DataFrame) -> pd.DataFrame:
    """The elections frame in elections.csv's columns."""
    out = pd.DataFrame(
        {
            "election_id": frame["election_id"],
            "employer": frame["employer"],
            "company": companies(frame["employer"], frame["count_date"]),
            "facility": frame["employer"],
            "city": frame["city"],
            "state": frame["state"],
            "union": frame["union"],
            "voting_method": frame["voting_method"],
            "vote_start": "",
            "vote_end": "",
            "count_date": frame["count_date"],
            "eligible_voters": pd.array(frame["eligible_voters"], dtype="Int64"),
            "eligible_approximate": False,
            "case_number": frame["case"],
            "unit": frame["unit_id"],
            "kind": frame["kind"],
            "certified": frame["certified"],
            "self_determination": frame["self_determination"].astype(bool),
            "source_id": frame["source_id"],
            "note": frame["note"],
        }
    )
    return out[ELECTION_COLUMNS]


def _empty_elections() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in ELECTION_COLUMNS})


def _empty_tallies() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in TALLY_COLUMNS})
