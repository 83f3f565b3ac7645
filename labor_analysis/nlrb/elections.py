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
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .companies import companies
from .reader import RESULT, TALLY
from .rows import IMPORTED_FIRST, IMPORTED_REVISION, SKIP_REVISION_UNIONS
from .tally_rows import slug, zero_if_missing

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


def assign(rows: pd.DataFrame, recs: list[dict]) -> list[_Election]:
    """Group the kept rows (empty fate) into elections, in stage order; see the module docstring."""
    live = rows[rows["fate"].eq("")].sort_values(["case_number", "unit_id", "tally_date", "file", "row"], kind="stable")
    elections: list[_Election] = []
    by_unit: dict[tuple[str, str], list[_Election]] = {}
    for i in live.index:
        r = recs[i]
        known = by_unit.setdefault((r["case_number"], r["unit_id"]), [])
        kind, date, scheduled = r["kind"], r["tally_date"], r["scheduled_date"]
        target = None
        if r["revised"]:
            earlier = [e for e in known if recs[e.rows[0]]["tally_date"] <= date]
            same_kind = [e for e in earlier if e.kind == kind]
            same_date = [
                e for e in earlier if not pd.isna(scheduled) and recs[e.rows[0]]["scheduled_date"] == scheduled
            ]
            candidates = same_kind or same_date
            target = candidates[-1] if candidates else None
        elif not pd.isna(scheduled):
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


def _check_revisions(recs: list[dict], elections: list[_Election], fates: dict[int, str]) -> tuple[int, list[int]]:
    """Set aside revisions the contract cannot hold (another number of unions than the election's ballot; a
    certified result they carry moves to the election's first row). Returns how many kept revisions spell a
    union differently (the first tally's names are used in every stage) and the elections whose revised tally
    has more challenged ballots than the first count: kept, as the NLRB's latest count (a correction)."""
    respelt, more_challenged = 0, []
    for number, e in enumerate(elections):
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


def _distinct_names(ballot: list[tuple[str, int]], first: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The ballot named as the election's first tally names it, with repeated names told apart (`Name (2)`):
    the contract needs one yes row per union, with the same names in every stage."""
    seen: dict[str, int] = {}
    out = []
    for (name, _), (_, votes) in zip(first, ballot):
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


def build(rows: pd.DataFrame, source_ids: list[str]) -> Built:
    """The elections and tallies frames of the kept rows; fills in the fate of every kept row (in place)."""
    used = [
        "file",
        "case_number",
        "case_name",
        "city",
        "state",
        "unit_id",
        "kind",
        "mode",
        "tally_date",
        "scheduled_date",
        "revised",
        "self_det",
        "ballot",
        "eligible",
        "against",
        "void",
        "challenged",
        "valid_reported",
        "certified",
        "certified_file",
        "record",
    ]
    if "record" not in rows.columns:
        rows = rows.assign(record=TALLY)
    if "certified_file" not in rows.columns:
        rows = rows.assign(certified_file=-1)
    recs = [dict(zip(used, values)) for values in zip(*(rows[c].tolist() for c in used))]
    elections = assign(rows, recs)
    fates: dict[int, str] = {}
    counts = dict.fromkeys(ADJUSTMENTS, 0)
    respelt, more_challenged = _check_revisions(recs, elections, fates)
    counts["revisions spelling a union differently (first tally's names kept)"] = respelt
    counts[MORE_CHALLENGED] = len(more_challenged)
    corrected = set(more_challenged)
    group_sizes: dict[tuple, int] = {}
    for e in elections:
        key = (e.case, e.unit, e.kind, recs[e.rows[0]]["tally_date"])
        group_sizes[key] = max(group_sizes.get(key, 0), e.same_day_group)
    election_rows: list[dict] = []
    tally_rows: list[tuple[int, str, str, int | None, str, str]] = []
    for number, e in enumerate(elections):
        first = recs[e.rows[0]]
        stages = [recs[i] for i in e.rows]
        notes = []
        ballots = [_distinct_names(r["ballot"], first["ballot"]) for r in stages]
        if len({n for n, _ in ballots[0]}) < len({n for n, _ in first["ballot"]}) or ballots[0] != first["ballot"]:
            counts["repeated union names told apart"] += 1
            notes.append("Two unions on the ballot share a name in the NLRB file; the second is marked (2)")
        if any("(not named in the NLRB file)" in n for n, _ in ballots[0]):
            counts["union names missing"] += 1
        names = ["revised-1"] if e.revision_only else ["initial"]
        names += [f"revised-{k}" for k in range(1 + e.revision_only, len(e.rows) + e.revision_only)]
        for i in e.rows[1:]:
            fates[i] = IMPORTED_REVISION
            counts["revisions found by scheduled date"] += not recs[i]["revised"]
        fates[e.rows[0]] = IMPORTED_REVISION if e.revision_only else IMPORTED_FIRST
        if e.revision_only:
            counts["elections with only a revised tally"] += 1
            notes.append(
                "Only a revised tally of this election is in the NLRB file (its first count is older); "
                "count_date is the revised tally's date"
            )
        eligible = first["eligible"]
        cast = max(
            sum(v for _, v in b) + zero_if_missing(r["against"]) + zero_if_missing(r["void"])
            for r, b in zip(stages, ballots)
        )
        if not pd.isna(eligible) and eligible == 0:
            counts["eligible zero, left empty"] += 1
            notes.append("The NLRB file gives 0 eligible voters: left empty (unknown)")
            eligible = None
        elif not pd.isna(eligible) and cast > eligible:
            counts["eligible below the ballots cast, left empty"] += 1
            notes.append(
                f"The NLRB file gives {int(eligible)} eligible voters, fewer than the {cast} yes, no and "
                "void ballots of a tally: left empty (unknown)"
            )
            eligible = None
        state = first["state"].upper()
        if state and not STATE_PATTERN.fullmatch(state):
            counts["state not a two-letter code, left empty"] += 1
            notes.append(f"The NLRB file gives the state as {first['state']!r}")
            state = ""
        group = group_sizes[(e.case, e.unit, e.kind, first["tally_date"])]
        if group > 1:
            counts["elections in same-day voting groups"] += 1
            notes.append(
                f"One of {group} tallies of this case, unit and kind counted the same day (separate voting "
                f"groups under one unit letter in the NLRB file); number {e.same_day_group} in file order"
            )
        if len(ballots[0]) > 3:
            counts["split ballots joined"] += 1
            notes.append(f"A ballot of {len(ballots[0])} unions entered over two rows in the NLRB file; joined")
        if number in corrected:
            notes.append(
                "A revised tally has more challenged ballots than the first count (a correction): "
                "the NLRB's latest count is used"
            )
        certifying = next((r for r in reversed(stages) if r["certified"]), None)
        certified = certifying["certified"] if certifying else ""
        if certifying and certifying["certified_file"] not in (-1, first["file"]):
            notes.append(f"Certified result from {source_ids[certifying['certified_file']]}")
        if certified == "both":
            counts["certified results marked both won and lost, left empty"] += 1
            notes.append("The NLRB's annual report marks this election both won and lost: certified left empty")
            certified = ""
        counts["elections with a certified result"] += certified != ""
        if all(r["record"] == RESULT for r in stages):
            counts["elections only in an annual report (no void or challenged ballots)"] += 1
            notes.append(
                "From the NLRB's annual election report only: no void or challenged ballots and no tally type "
                "(the last election of the case); count_date is the day of the vote"
            )
        self_det = any(r["self_det"] for r in stages)
        counts["self-determination elections"] += self_det
        for r, b in zip(stages, ballots):
            valid = sum(v for _, v in b) + zero_if_missing(r["against"])
            counts["tallies whose reported vote total differs from the choices (recomputed)"] += r[
                "record"
            ] == TALLY and (pd.isna(r["valid_reported"]) or r["valid_reported"] != valid)
        several = len(ballots[0]) > 1
        election_rows.append(
            {
                "case": e.case,
                "unit_id": e.unit,
                "kind": e.kind,
                "same_day_group": e.same_day_group,
                "count_date": first["tally_date"],
                "employer": first["case_name"] or "(not named in the NLRB file)",
                "city": first["city"],
                "state": state,
                "union": ballots[0][0][0],
                "voting_method": first["mode"],
                "eligible_voters": None if pd.isna(eligible) else int(eligible),
                "self_determination": self_det,
                "certified": certified,
                "source_id": source_ids[first["file"]],
                "note": "; ".join(notes),
            }
        )
        for stage, r, ballot in zip(names, stages, ballots):
            src = source_ids[r["file"]]
            tally_rows += [(number, stage, "yes", votes, name if several else "", src) for name, votes in ballot]
            tally_rows += [
                (number, stage, choice, None if pd.isna(r[col]) else int(r[col]), "", src)
                for choice, col in (("no", "against"), ("void", "void"), ("challenged", "challenged"))
            ]
    fate = rows["fate"].to_numpy(dtype=object)
    fate[list(fates)] = list(fates.values())
    rows["fate"] = fate
    if not election_rows:
        return Built(_empty_elections(), _empty_tallies(), counts)
    frame = pd.DataFrame(election_rows)
    frame["election_id"] = _election_ids(frame)
    tallies = pd.DataFrame(tally_rows, columns=["election", "stage", "choice", "ballots", "union", "source_id"])
    tallies.insert(0, "election_id", frame["election_id"].to_numpy()[tallies.pop("election").to_numpy()])
    tallies["ballots"] = pd.array(
        tallies["ballots"].astype(object).where(tallies["ballots"].notna(), None), dtype="Int64"
    )
    tallies["note"] = ""
    order = frame.sort_values(["count_date", "case", "unit_id", "kind", "same_day_group"], kind="stable").index
    rank = np.empty(len(frame), dtype=np.int64)
    rank[order.to_numpy()] = np.arange(len(frame))
    tallies = tallies.iloc[np.argsort(rank[np.asarray([t[0] for t in tally_rows])], kind="stable")]
    frame = frame.loc[order].reset_index(drop=True)
    return Built(_contract_elections(frame), tallies[TALLY_COLUMNS].reset_index(drop=True), counts)


def _election_ids(frame: pd.DataFrame) -> pd.Series:
    """`<case>[-<unit>][-rerun|-runoff][-N]-<yyyy>`, N numbering elections that would otherwise share an id."""
    unit = frame["unit_id"].map(lambda u: "" if u.upper() in ("", "A") else "-" + slug(u))
    kind = frame["kind"].map(lambda k: "" if k == "initial" else "-" + k)
    year = frame["count_date"].dt.year.astype(str)
    base = frame["case"].map(slug) + unit + kind
    ordered = frame.sort_values(["count_date", "same_day_group"], kind="stable")
    n = ordered.groupby([base[ordered.index], year[ordered.index]]).cumcount().reindex(frame.index) + 1
    return base + n.map(lambda k: "" if k == 1 else f"-{k}") + "-" + year


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
