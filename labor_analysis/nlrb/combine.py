"""Several NLRB files in one import: the same tally read from more than one file is kept once.

Two rows are the same tally when they share case number, unit, election kind and tally date (and, for the
rare same-day voting groups all labelled with one unit, their order on that day). Overlapping downloads and
the FOIA table disagree on the unit letter of some elections; a row left unmatched is then matched on case,
kind and tally date alone when exactly one row of each file has them and their counts agree (other counts
under another letter are another unit). The row of the earliest file on the
command line is kept; every difference in the counts is listed with the file that was used.

An annual report's row (a closed case's certified result) is then joined to the election of its case that a tally
file counted (`attach_results`): the tally with the same votes for each union and against, else the case's latest
tally (the report certifies the last election of a case). The election keeps the tally's figures (void and
challenged ballots come only from tallies) and takes the report's certified result; where the report's figures
differ from the tally's, the disagreement is listed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .reader import RESULT, TALLY
from .rows import COUNTED, MERGED_OTHER_FILE, MERGED_RESULT, SKIP_NO_TALLY, counts_differ
from .tally_rows import plain


@dataclass(frozen=True)
class Disagreement:
    """Two files' figures for the same tally that differ."""

    case_number: str
    unit: str
    kind: str
    tally_date: str
    columns: tuple[str, ...]  # tally-row columns that differ (`unit_id` when only the letter differs)
    used: str  # file name of the row kept
    other: str  # file name of the row merged into it
    used_values: dict
    other_values: dict

    def as_dict(self) -> dict:
        return {
            "case_number": self.case_number,
            "unit": self.unit,
            "kind": self.kind,
            "tally_date": self.tally_date,
            "differs_in": list(self.columns),
            "used": self.used,
            "other": self.other,
            "used_values": self.used_values,
            "other_values": self.other_values,
        }


def _values(row: pd.Series | dict, columns: tuple[str, ...]) -> dict:
    return {c: (None if pd.isna(row[c]) else (row[c] if isinstance(row[c], str) else int(row[c]))) for c in columns}


def merge_files(rows: pd.DataFrame, file_names: list[str]) -> list[Disagreement]:
    """Mark rows of later files that repeat a tally of an earlier file as merged (in place); the disagreements."""
    if rows.loc[rows["fate"].eq(""), "file"].nunique() < 2:
        return []
    disagreements: list[Disagreement] = []
    matched: set[int] = set()  # kept rows that already absorbed a row of another file
    record = ["record"] if "record" in rows.columns else []  # a report's row joins a tally in attach_results
    file_of = dict(zip(rows.index.tolist(), rows["file"].tolist()))
    for columns in (
        ["case_number", "unit_id", "kind", "tally_date", "revised", *record],
        ["case_number", "kind", "tally_date", "revised", *record],
    ):
        live = rows.loc[rows["fate"].eq(""), ["file", *columns]]
        key = live[columns].copy()
        if "unit_id" in columns:  # same-day groups with one unit letter: matched in order
            key["n"] = live.groupby(["file", *columns]).cumcount()
        else:  # unit letters differ: only where the tally is unambiguous in both files
            key = key[~live.duplicated(["file", *columns], keep=False)]
            key = key[~key.index.isin(matched)]
        # the first row of each key is kept; a later row of the key from another file repeats its tally (a file
        # has each key once: `n` numbers a file's repeats, the second pass keeps the unambiguous ones)
        group = key.groupby(list(key.columns), sort=False, dropna=False).ngroup().to_numpy()
        index = key.index.to_numpy()
        first = pd.Series(index).groupby(group).transform("first").to_numpy()
        repeats = [(i, leader) for i, leader in zip(index.tolist(), first.tolist()) if file_of[leader] != file_of[i]]
        recs = _recs(rows, pd.Index(sorted({r for pair in repeats for r in pair})))
        merged: dict[int, int] = {}  # row -> the row it merges into
        for i, leader in repeats:
            used, other = recs[leader], recs[i]
            if "unit_id" not in columns and counts_differ(used, other):
                continue  # another letter and other counts: another unit, not the same tally
            merged[i] = leader
            matched.add(leader)
            disagreement = _disagreement(used, other, file_names)
            if disagreement is not None:
                disagreements.append(disagreement)
        if merged:
            rows.loc[list(merged), "fate"] = MERGED_OTHER_FILE
            rows.loc[list(merged), "merged_into"] = list(merged.values())
    return disagreements


def _disagreement(used: dict, other: dict, file_names: list[str]) -> Disagreement | None:
    """How two files' rows of the same tally differ; None when they agree."""
    differ = counts_differ(used, other)
    if used["unit_id"] != other["unit_id"]:
        differ = ["unit_id", *differ]
    return _listed(used, other, differ, file_names) if differ else None


def _listed(used: pd.Series | dict, other: pd.Series | dict, differ: list[str], file_names: list[str]) -> Disagreement:
    """The disagreement of two rows (a frame's or plain records) on the columns `differ`."""
    return Disagreement(
        used["case_number"],
        used["unit_id"],
        used["kind"],
        pd.Timestamp(used["tally_date"]).strftime("%Y-%m-%d"),  # a Timestamp, or nanoseconds from `_recs`
        tuple(differ),
        file_names[used["file"]],
        file_names[other["file"]],
        _values(used, tuple(differ)),
        _values(other, tuple(differ)),
    )


#: The figures an annual report and a tally file both give, compared when a report's row joins a tally.
SHARED_FIGURES = ("eligible", "votes1", "votes2", "votes3", "against")


def _recs(rows: pd.DataFrame, index: pd.Index) -> dict[int, dict]:
    """Plain records of some rows, the columns merging and joining compare and a disagreement lists (looking a row
    up in a frame costs a thousand times more)."""
    columns = ["case_number", "unit_id", "kind", "tally_date", "file", "certified", *COUNTED]
    part = rows.loc[index, columns]
    values = zip(*(plain(part[c]) for c in columns))  # dates as nanoseconds: a Timestamp per row costs more
    return {i: dict(zip(columns, v)) for i, v in zip(index, values)}


def _missing(value: object) -> bool:
    """A count cell of a record that is missing (pd.NA from a nullable column; None or NaN otherwise)."""
    return value is pd.NA or value is None or value != value


def _votes(rec: dict) -> tuple[int, ...]:
    return tuple(0 if _missing(rec[c]) else int(rec[c]) for c in ("votes1", "votes2", "votes3", "against"))


def _differs(a: dict, b: dict) -> list[str]:
    """The shared figures on which a tally and a report disagree (missing equals missing)."""
    return [
        c
        for c in SHARED_FIGURES
        if not ((_missing(a[c]) and _missing(b[c])) or (not _missing(a[c]) and not _missing(b[c]) and a[c] == b[c]))
    ]


def attach_results(rows: pd.DataFrame, file_names: list[str]) -> list[Disagreement]:
    """Join each report row to the tally of its case counted in a tally file (in place: the report row is marked
    merged, its certified result moves to the tally row); the disagreements between their figures."""
    if "record" not in rows.columns:
        return []
    tally_index = rows.index[rows["record"].eq(TALLY) & rows["fate"].eq("")]
    result_index = rows.index[rows["record"].eq(RESULT) & rows["fate"].isin(["", SKIP_NO_TALLY])]
    if tally_index.empty or result_index.empty:
        return []
    tallies = _recs(rows, tally_index)
    results = _recs(
        rows, result_index[rows.loc[result_index, "case_number"].isin(rows.loc[tally_index, "case_number"])]
    )
    by_case: dict[str, list[int]] = {}
    for i in sorted(tallies, key=lambda t: (tallies[t]["tally_date"], t)):
        by_case.setdefault(tallies[i]["case_number"], []).append(i)
    tally_votes = {t: _votes(tallies[t]) for t in set().union(*(by_case[r["case_number"]] for r in results.values()))}
    joined: dict[int, int] = {}  # report row -> tally row
    taken: set[int] = set()
    # First the tallies with the same votes for each union and against; then the case's latest tally not yet
    # joined (another unit of the case may have joined its own), else its latest.
    for exact in (True, False):
        for i, report in results.items():
            if i in joined:
                continue
            latest = by_case[report["case_number"]]
            if exact:
                wanted = _votes(report)
                same = [t for t in latest if tally_votes[t] == wanted]
                if not same:
                    continue
                chosen = same[-1]
            else:
                chosen = ([t for t in latest if t not in taken] or latest)[-1]
            joined[i] = chosen
            taken.add(chosen)
    disagreements: list[Disagreement] = []
    fate, into = rows["fate"].to_numpy(dtype=object, copy=True), rows["merged_into"].to_numpy(copy=True)
    certified: dict[int, str] = {}
    certified_file: dict[int, int] = {}
    position = dict(zip(rows.index.tolist(), range(len(rows))))  # a dict: a Series lookup per row costs 10 us
    for i, chosen in sorted(joined.items()):
        report, tally = results[i], tallies[chosen]
        fate[position[i]], into[position[i]] = MERGED_RESULT, chosen
        differ = _differs(tally, report)
        if tally["certified"] and report["certified"] and tally["certified"] != report["certified"]:
            differ.append("certified")  # two reports certify one election differently: the first is kept
        elif report["certified"]:
            tally["certified"] = certified[chosen] = report["certified"]
            certified_file[chosen] = report["file"]
        if differ:
            disagreements.append(_listed(tally, report, differ, file_names))
    rows["fate"], rows["merged_into"] = fate, into
    if certified:
        rows.loc[list(certified), "certified"] = list(certified.values())
        if "certified_file" in rows.columns:
            rows.loc[list(certified_file), "certified_file"] = list(certified_file.values())
    return disagreements
