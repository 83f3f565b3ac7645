"""Several NLRB files in one import: the same tally read from more than one file is kept once.

Two rows are the same tally when they share case number, unit, election kind and tally date (and, for the
rare same-day voting groups all labelled with one unit, their order on that day). Overlapping downloads and
the FOIA table disagree on the unit letter of some elections; a row left unmatched is then matched on case,
kind and tally date alone when exactly one row of each file has them and their counts agree (other counts
under another letter are another unit). The row of the earliest file on the
command line is kept; every difference in the counts is listed with the file that was used.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .rows import MERGED_OTHER_FILE, counts_differ


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


def _values(row: pd.Series, columns: tuple[str, ...]) -> dict:
    return {c: (None if pd.isna(row[c]) else (row[c] if isinstance(row[c], str) else int(row[c]))) for c in columns}


def merge_files(rows: pd.DataFrame, file_names: list[str]) -> list[Disagreement]:
    """Mark rows of later files that repeat a tally of an earlier file as merged (in place); the disagreements."""
    if rows.loc[rows["fate"].eq(""), "file"].nunique() < 2:
        return []
    disagreements: list[Disagreement] = []
    matched: set[int] = set()  # kept rows that already absorbed a row of another file
    for columns in (
        ["case_number", "unit_id", "kind", "tally_date", "revised"],
        ["case_number", "kind", "tally_date", "revised"],
    ):
        live = rows[rows["fate"].eq("")]
        key = live[columns].copy()
        if "unit_id" in columns:  # same-day groups with one unit letter: matched in order
            key["n"] = live.groupby(["file", *columns]).cumcount()
        else:  # unit letters differ: only where the tally is unambiguous in both files
            key = key[~key.assign(file=live["file"]).duplicated([*columns, "file"], keep=False)]
            key = key[~key.index.isin(matched)]
        kept: dict[tuple, int] = {}
        for i, k in zip(key.index, key.itertuples(index=False, name=None)):
            first = kept.get(k)
            if first is None or rows.at[first, "file"] == rows.at[i, "file"]:
                kept.setdefault(k, i)
                continue
            if "unit_id" not in columns and counts_differ(rows.loc[first], rows.loc[i]):
                continue  # another letter and other counts: another unit, not the same tally
            rows.at[i, "fate"] = MERGED_OTHER_FILE
            rows.at[i, "merged_into"] = first
            matched.add(first)
            disagreement = _disagreement(rows.loc[first], rows.loc[i], file_names)
            if disagreement is not None:
                disagreements.append(disagreement)
    return disagreements


def _disagreement(used: pd.Series, other: pd.Series, file_names: list[str]) -> Disagreement | None:
    """How two files' rows of the same tally differ; None when they agree."""
    differ = counts_differ(used, other)
    if used["unit_id"] != other["unit_id"]:
        differ = ["unit_id", *differ]
    if not differ:
        return None
    return Disagreement(
        used["case_number"],
        used["unit_id"],
        used["kind"],
        used["tally_date"].strftime("%Y-%m-%d"),
        tuple(differ),
        file_names[used["file"]],
        file_names[other["file"]],
        _values(used, tuple(differ)),
        _values(other, tuple(differ)),
    )
