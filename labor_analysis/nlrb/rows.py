"""Decide the fate of every input row before elections are built: skipped, merged into another row, or kept.

Every rule is one named step, applied in this order, and every input row ends with exactly one `fate`
(see FATES) so the import report accounts for all of them:

1. no tally: the row has no tally date or no tally type the NLRB uses (`Initial`, `Rerun`, `Run-off`);
2. not a representation election: the case type is not RC, RD or RM (deauthorization polls, `UD`, follow other
   rules), or the tally category is `UD`;
3. no count: not one valid vote (for any union or against) and not one challenged ballot is recorded, so no
   outcome can be read (void-only and all-zero rows: the NLRB's records certify results for some of them, so
   the zeros are not the count);
4. part of a count: the cell of the first union's votes or of the votes against is blank (the FOIA table has
   such rows; the outcome cannot be read without them, and a blank is not a zero there);
5. repeated row: the same case, unit and tally date with exactly the same counts as an earlier row of the same
   file (the FOIA table enters some tallies twice, once as "Self Determination" and once as a plain tally, or
   under two scheduled dates): merged into the first, which is marked self-determination if either row was;
6. split ballot: a ballot with more unions than the format's three union columns, entered as two rows of the
   same case, unit, tally type and date with the same eligible, void and challenged counts, different unions
   and the "against" votes on at most one of them (04-RC-207888 in the FOIA table): the second row's unions
   join the first row's ballot.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import tally_rows as tr
from .reader import RESULT

#: Tally types -> the contract's election kind.
KINDS = {"initial": "initial", "rerun": "rerun", "run-off": "runoff", "runoff": "runoff"}
REPRESENTATION_CASE_TYPES = ("RC", "RD", "RM")
SELF_DETERMINATION = "self determination"

# Row fates: report labels (stable keys of import-report.json).
IMPORTED_FIRST = "imported: first tally of an election"
IMPORTED_REVISION = "imported: revised tally (a later stage of its election)"
SKIP_NO_TALLY = "skipped: no tally recorded (no tally date or tally type)"
SKIP_NOT_REPRESENTATION = "skipped: not a representation election (case type not RC, RD or RM, or a UD poll)"
SKIP_NO_COUNT = "skipped: no valid vote and no challenged ballot recorded"
SKIP_PART_COUNT = "skipped: the votes for the first union or against are not recorded"
MERGED_REPEAT = "merged: repeats the counts of another row of the same tally"
MERGED_SPLIT = "merged: second row of a ballot split over two rows"
MERGED_OTHER_FILE = "merged: the same tally was read from an earlier file"
SKIP_REVISION_UNIONS = "skipped: revised tally with another number of unions than its election"
MERGED_RESULT = "merged: the certified result of an election counted in a tally file"
FATES = (
    IMPORTED_FIRST,
    IMPORTED_REVISION,
    MERGED_REPEAT,
    MERGED_SPLIT,
    MERGED_OTHER_FILE,
    MERGED_RESULT,
    SKIP_NO_TALLY,
    SKIP_NOT_REPRESENTATION,
    SKIP_NO_COUNT,
    SKIP_PART_COUNT,
    SKIP_REVISION_UNIONS,
)

UNION_COLUMNS = (("union1", "votes1"), ("union2", "votes2"), ("union3", "votes3"))
_REPEAT_KEY = (
    "file",
    "case_number",
    "unit_id",
    "tally_date",
    "eligible",
    "void",
    "votes1",
    "votes2",
    "votes3",
    "against",
    "challenged",
)


def ballots(rows: pd.DataFrame) -> list[list[tuple[str, int]]]:
    """Each row's unions with their votes, in ballot order: every named union, and any unnamed column that still
    got votes (named `union N (not named in the NLRB file)`); the first union's column always counts."""
    names = [rows[name].tolist() for name, _ in UNION_COLUMNS]
    votes = [rows[count].fillna(0).to_numpy(dtype=np.int64).tolist() for _, count in UNION_COLUMNS]
    out = []
    for row in zip(*names, *votes):
        ballot = []
        for i in range(len(UNION_COLUMNS)):
            name, count = row[i], row[len(UNION_COLUMNS) + i]
            if name:
                ballot.append((name, count))
            elif count > 0 or i == 0:
                ballot.append((f"union {i + 1} (not named in the NLRB file)", count))
        out.append(ballot)
    return out


def classify(rows: pd.DataFrame) -> pd.DataFrame:
    """`rows` (the tally-row frame of several files, with a `file` column) with `kind`, `ballot`, `self_det`,
    `revised` and `fate` columns: steps 1-6 above. Kept rows have an empty fate; merged rows name the
    position of the row they merged into in `merged_into`."""
    rows = rows.reset_index(drop=True)  # a new frame: the caller's is left as it was
    rows["fate"] = ""
    rows["merged_into"] = -1
    rows["kind"] = rows["tally_type"].str.lower().map(KINDS).fillna("").astype(object)
    # A report's row is the last election of a closed case, its kind not given: written as the contract's default
    results = rows["record"].eq(RESULT).to_numpy() if "record" in rows.columns else False
    rows.loc[results & rows["kind"].eq(""), "kind"] = "initial"
    category = rows["category"].str.lower()
    rows["self_det"] = category.eq(SELF_DETERMINATION).to_numpy()
    rows["revised"] = category.str.startswith("revised").to_numpy()

    no_tally = rows["tally_date"].isna() | rows["kind"].eq("")
    rows.loc[no_tally, "fate"] = SKIP_NO_TALLY
    not_rep = ~tr.case_type(rows["case_number"]).isin(REPRESENTATION_CASE_TYPES) | category.eq("ud")
    rows.loc[not_rep & rows["fate"].eq(""), "fate"] = SKIP_NOT_REPRESENTATION
    valid = sum(rows[c].fillna(0) for c in ("votes1", "votes2", "votes3", "against"))
    no_count = (valid + rows["challenged"].fillna(0)).eq(0).to_numpy()
    rows.loc[no_count & rows["fate"].eq(""), "fate"] = SKIP_NO_COUNT
    part_count = (rows["votes1"].isna() | rows["against"].isna()).to_numpy()
    rows.loc[part_count & rows["fate"].eq(""), "fate"] = SKIP_PART_COUNT

    _merge_repeats(rows)
    rows["ballot"] = ballots(rows)
    _join_split_ballots(rows)
    return rows


def _merge_repeats(rows: pd.DataFrame) -> None:
    """Step 5: a row repeating another row's counts for the same case, unit and tally date merges into the first."""
    live = rows["fate"].eq("")
    key = rows.loc[live, list(_REPEAT_KEY)]  # typed: a missing count equals a missing count (dropna=False)
    first = key.groupby(list(_REPEAT_KEY), dropna=False, sort=False).ngroup()
    leader = pd.Series(key.index, index=key.index).groupby(first.to_numpy()).transform("min")
    repeats = leader.index[leader.to_numpy() != leader.index.to_numpy()]
    rows.loc[repeats, "fate"] = MERGED_REPEAT
    rows.loc[repeats, "merged_into"] = leader[repeats].to_numpy()
    flagged = rows.loc[repeats, "self_det"].to_numpy()
    rows.loc[leader[repeats].to_numpy()[flagged], "self_det"] = True


def _join_split_ballots(rows: pd.DataFrame) -> None:
    """Step 6: the second row of a ballot entered over two rows joins the first row's ballot."""
    live = rows["fate"].eq("")
    if "record" in rows.columns:  # a report has no unit letters: two units of a case are not halves of a ballot
        live &= rows["record"].ne(RESULT)
    live = rows.index[live]
    key = ["file", "case_number", "unit_id", "kind", "tally_date", "eligible", "void", "challenged"]
    same = rows.loc[live, key]  # typed: a missing count equals a missing count (duplicated, dropna=False)
    same = same[same.duplicated(keep=False)]  # only rows sharing the key can be halves of one ballot
    for _, group in same.groupby(key, dropna=False, sort=False):
        if len(group) != 2:
            continue
        first, second = group.index
        names = [{n for n, _ in rows.at[i, "ballot"]} for i in (first, second)]
        against = [tr.zero_if_missing(rows.at[i, "against"]) for i in (first, second)]
        if names[0] & names[1] or min(against) > 0 or rows.at[first, "revised"] or rows.at[second, "revised"]:
            continue
        rows.at[first, "ballot"] = rows.at[first, "ballot"] + rows.at[second, "ballot"]
        rows.at[first, "against"] = sum(against)
        rows.at[second, "fate"] = MERGED_SPLIT
        rows.at[second, "merged_into"] = first


#: The count columns of a tally row that two files' rows of one tally are compared on.
COUNTED = ("eligible", "void", "votes1", "votes2", "votes3", "against", "challenged")


def counts_differ(a: pd.Series | dict, b: pd.Series | dict) -> list[str]:
    """The count columns on which two tally rows (frame rows or plain records) disagree (missing equals missing)."""
    out = []
    for c in COUNTED:
        x, y = a[c], b[c]
        if not ((pd.isna(x) and pd.isna(y)) or (not pd.isna(x) and not pd.isna(y) and int(x) == int(y))):
            out.append(c)
    return out
