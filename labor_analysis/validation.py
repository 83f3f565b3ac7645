"""The content rules of the data contract, checked on every load and vectorised so a national table stays fast.

`validate` types each parsed table column by column following `schema.TABLES` (required cells, whole numbers
and minimums, `true`/`false`, ISO dates, allowed values, patterns), then checks keys, references and the
arithmetic of the tallies. Line numbers are worked out only for the rows that break a rule.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .errors import Problem
from .schema import (
    BOOLEAN_FALSE, BOOLEAN_TRUE, CHOICES, DATE_MAX, DATE_MIN, FINAL_RANK, PREFERRED_GROUPS, TABLES, TABLES_BY_NAME,
    Field, stage_rank,
)

if TYPE_CHECKING:
    from .loading import RawTable

ISO_DATE_PATTERN = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
WHOLE_NUMBER_PATTERN = "[+-]?[0-9]+"
DATE_FORMAT = "%Y-%m-%d"
_FILE_ORDER = {t.filename: i for i, t in enumerate(TABLES)}


@dataclass
class _Report:
    """The problems found so far, with helpers that locate the failing rows of a table."""

    problems: list[Problem] = field(default_factory=list)

    def rows(self, raw: RawTable, rows: np.ndarray, column: str | None, rule: str,
             values: list[str | None] | None = None) -> None:
        """One problem per row of `raw` selected by `rows` (a boolean mask or positions)."""
        positions = np.flatnonzero(rows) if rows.dtype == bool else np.asarray(rows, dtype=np.int64)
        if positions.size == 0:
            return
        if values is None:
            cells = raw.frame[column].iloc[positions]
            values = [_cell_text(v) for v in cells]
        filename = raw.filename
        self.problems += [Problem(filename, line, column, value, rule)
                          for line, value in zip(raw.editor_lines(positions), values)]

    def sorted(self) -> list[Problem]:
        """The problems in file order (as in TABLES), then by line."""
        return sorted(self.problems, key=lambda p: (_FILE_ORDER.get(p.file, -1), p.line or 0))


def _cell_text(value: object) -> str | None:
    """A cell as the file shows it; None for an empty cell."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)


@cache
def _compiled(pattern: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The pattern for one value, and for many values joined by line breaks (groups made non-capturing: faster)."""
    plain = re.sub(r"(?<!\\)\((?!\?)", "(?:", pattern)
    return re.compile(plain), re.compile(f"(?:{plain})(?:\n(?:{plain}))*")


def _mismatching(values: pd.Series, pattern: str) -> np.ndarray:
    """Mask of the values (non-empty strings) that do not fully match `pattern`.

    The values are joined into one string and checked in a single regular-expression pass; they are
    tested one by one only when that pass fails.
    """
    one, many = _compiled(pattern)
    cells = values.to_numpy(dtype=object)
    joined = "\n".join(cells)
    if joined.count("\n") == len(cells) - 1 and many.fullmatch(joined):
        return np.zeros(len(cells), dtype=bool)
    return np.fromiter((one.fullmatch(v) is None for v in cells), dtype=bool, count=len(cells))


def _is_empty(column: pd.Series) -> np.ndarray:
    """Mask of the empty cells of a parsed column (the parser reads an empty cell as missing)."""
    if column.dtype == object:  # text as parsed: an empty cell is NaN, the one value unequal to itself
        cells = column.to_numpy()
        return cells != cells
    return column.isna().to_numpy()


def _type_integer(raw: RawTable, f: Field, column: pd.Series, empty: np.ndarray, report: _Report) -> pd.Series:
    """An integer column as Int64, flagging cells that are not whole numbers or fall below the minimum."""
    if not isinstance(column.dtype, pd.Int64Dtype):  # the typed parse failed somewhere: check the text
        bad = np.zeros(len(column), dtype=bool)
        bad[~empty] = _mismatching(column[~empty], WHOLE_NUMBER_PATTERN)
        report.rows(raw, bad, f.name, "not a whole number")
        column = pd.to_numeric(column.where(~bad), errors="coerce").astype("Int64")
    if f.minimum is not None:
        below = (column < f.minimum).fillna(False).to_numpy(dtype=bool)
        report.rows(raw, below, f.name, f"less than the minimum, {f.minimum}")
    if f.maximum is not None:
        above = (column > f.maximum).fillna(False).to_numpy(dtype=bool)
        report.rows(raw, above, f.name, f"more than the maximum, {f.maximum:,}")
    return column


def _type_boolean(raw: RawTable, f: Field, column: pd.Series, empty: np.ndarray, report: _Report) -> pd.Series:
    """A `true`/`false` column as bool."""
    bad = ~column.isin([BOOLEAN_TRUE, BOOLEAN_FALSE]).to_numpy() & ~empty
    report.rows(raw, bad, f.name, f"not `{BOOLEAN_TRUE}` or `{BOOLEAN_FALSE}`")
    return (column == BOOLEAN_TRUE).astype(bool)


def _type_date(raw: RawTable, f: Field, column: pd.Series, empty: np.ndarray, report: _Report) -> pd.Series:
    """A YYYY-MM-DD column as datetime64, parsing each distinct value once (dates repeat a lot)."""
    codes, distinct = pd.factorize(column.to_numpy(dtype=object))
    parsed = pd.to_datetime(pd.Series(distinct, dtype=object), format=DATE_FORMAT, errors="coerce")
    bad = parsed.isna().to_numpy().copy()
    bad[~bad] = _mismatching(pd.Series(distinct[~bad], dtype=object), ISO_DATE_PATTERN)
    report.rows(raw, np.append(bad, False)[codes], f.name, "not a date in YYYY-MM-DD form")
    outside = ~bad & ((parsed < DATE_MIN) | (parsed > DATE_MAX)).to_numpy()
    report.rows(raw, np.append(outside, False)[codes], f.name,
                f"outside {DATE_MIN} (the National Labor Relations Act) to {DATE_MAX}")
    values = np.append(parsed.where(~bad & ~outside).to_numpy(), np.datetime64("NaT"))  # last slot: code -1 (empty)
    return pd.Series(values[codes], index=column.index, name=f.name)


def _type_enum(raw: RawTable, f: Field, column: pd.Series, empty: np.ndarray, report: _Report) -> pd.Series:
    """A column of allowed values as a categorical with the allowed values as categories, in schema order."""
    allowed = list(f.enum or ())
    if isinstance(column.dtype, pd.CategoricalDtype):
        unknown = [c for c in column.cat.categories if c not in allowed]
        bad = column.isin(unknown).to_numpy() if unknown else np.zeros(len(column), dtype=bool)
        typed = column.cat.set_categories(allowed)
    else:
        bad = ~column.isin(allowed).to_numpy() & ~empty
        typed = pd.Series(pd.Categorical(column.where(~bad), categories=allowed), index=column.index)
    report.rows(raw, bad, f.name, "not one of the allowed values: " + ", ".join(allowed))
    return typed


def _type_string(raw: RawTable, f: Field, column: pd.Series, empty: np.ndarray, report: _Report) -> pd.Series:
    """A text column as parsed (empty cells missing), flagging cells that break its pattern."""
    if f.pattern:
        bad = np.zeros(len(column), dtype=bool)
        bad[~empty] = _mismatching(column[~empty], f.pattern)
        report.rows(raw, bad, f.name, f"does not match the pattern {f.pattern}")
    return column


_TYPERS = {"integer": _type_integer, "boolean": _type_boolean, "date": _type_date}


def _typed_table(raw: RawTable, report: _Report) -> pd.DataFrame:
    """The table with every contract column typed, empty cells of a column with a default filled in; columns
    outside the contract are kept as text."""
    out = {}
    contract = {f.name: f for f in raw.table.fields}
    for name in raw.frame.columns:
        f = contract.get(name)
        column = raw.frame[name]
        if f is None:
            out[name] = column
            continue
        empty = _is_empty(column)
        if f.required:
            report.rows(raw, empty, name, "missing a required value")
        elif f.default is not None and empty.any():
            column = column.astype(object).where(~empty, f.default)
            empty = np.zeros(len(column), dtype=bool)
        typer = _type_enum if f.enum else _TYPERS.get(f.type, _type_string)
        out[name] = typer(raw, f, column, empty, report)
    return pd.DataFrame(out, index=raw.frame.index, copy=False)


def _shared_numbering() -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    """For each key column, the columns numbered together with it: a referenced column and its foreign keys."""
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for table in TABLES:
        for column, target, target_column in table.foreign_keys:
            groups.setdefault((target, target_column), [(target, target_column)]).append((table.name, column))
    return {member: tuple(group) for group in groups.values() for member in group}


_SHARED_NUMBERING = _shared_numbering()


@dataclass
class _Codes:
    """Key columns hashed once into integer codes (-1 for an empty cell).

    A referenced column and the foreign keys pointing to it are numbered together, so equal values get
    equal codes across files and a reference resolves by array lookup.
    """

    raw: Mapping[str, RawTable]
    cache: dict[tuple[str, str], tuple[np.ndarray, int]] = field(default_factory=dict)

    def of(self, table: str, column: str) -> tuple[np.ndarray, int]:
        """The codes of one column, and how many distinct values its numbering has."""
        if (table, column) not in self.cache:
            values = self.raw[table].frame[column]
            if (table, column) not in _SHARED_NUMBERING and isinstance(values.dtype, pd.CategoricalDtype):
                codes = values.cat.codes.to_numpy(dtype=np.int64)
                self.cache[(table, column)] = (codes, len(values.cat.categories))
                return self.cache[(table, column)]
            members = [m for m in _SHARED_NUMBERING.get((table, column), ((table, column),)) if m[0] in self.raw]
            parts = [self.raw[t].frame[c].to_numpy(dtype=object) for t, c in members]
            codes, uniques = pd.factorize(np.concatenate(parts) if len(parts) > 1 else parts[0])
            ends = np.cumsum([len(part) for part in parts])[:-1]
            for member, member_codes in zip(members, np.split(codes.astype(np.int64, copy=False), ends)):
                self.cache[member] = (member_codes, len(uniques))
        return self.cache[(table, column)]


def _check_primary_key(raw: RawTable, codes: _Codes, report: _Report) -> None:
    """Each primary key appears once; a repeat names the line of its first appearance."""
    columns = raw.table.primary_key
    key = np.zeros(len(raw.frame), dtype=np.int64)
    span = 1
    for name in columns:
        column_codes, size = codes.of(raw.table.name, name)
        span *= size + 1
        if span >= 2**62:  # too many combinations for one int64: let pandas number the combinations
            key = raw.frame.groupby(list(columns), sort=False, dropna=False).ngroup().to_numpy()
            break
        key = key * (size + 1) + (column_codes + 1)
    keys = pd.Series(key)
    repeated = keys.duplicated().to_numpy()
    if not repeated.any():
        return
    rows = np.flatnonzero(repeated)
    first = pd.Series(np.arange(len(key))).groupby(key).transform("min").to_numpy()[rows]
    values = [" / ".join(_cell_text(raw.frame[c].iloc[i]) or "" for c in columns) for i in rows]
    names = ", ".join(columns)
    unions = raw.frame["union"].iloc[rows].tolist() if "union" in columns else [None] * len(rows)
    for line, value, first_line, union in zip(raw.editor_lines(rows), values, raw.editor_lines(first), unions):
        rule = f"repeats the key ({names}) of line {first_line}"
        if _cell_text(union) is None:
            report.problems.append(Problem(raw.filename, line, columns[0], value, rule))
        else:  # a union named twice in one stage of a ballot
            report.problems.append(Problem(raw.filename, line, "union", union, f"the union is named twice in this stage: {rule}"))


def _check_foreign_keys(
    raw: Mapping[str, RawTable], codes: _Codes, report: _Report
) -> dict[tuple[str, str], np.ndarray]:
    """Every foreign key resolves in the table it names.

    Returns, for each (table, column), the position of each row's referenced row (its first occurrence;
    -1 when unresolved or empty).
    """
    resolved: dict[tuple[str, str], np.ndarray] = {}
    for table in TABLES:
        if table.name not in raw:
            continue
        for column, target, target_column in table.foreign_keys:
            if target not in raw:
                continue
            target_codes, size = codes.of(target, target_column)
            row_codes, _ = codes.of(table.name, column)
            filled = np.flatnonzero(target_codes >= 0)
            distinct, first = np.unique(target_codes[filled], return_index=True)
            position_of_code = np.full(size + 1, -1, dtype=np.int64)  # the last slot answers code -1 (empty)
            position_of_code[distinct] = filled[first]
            positions = position_of_code[row_codes]
            resolved[(table.name, column)] = positions
            report.rows(raw[table.name], (positions < 0) & (row_codes >= 0), column,
                        f"not found in {TABLES_BY_NAME[target].filename} (column {target_column})")
    return resolved


def _trailing_years(ids: np.ndarray) -> np.ndarray:
    """The number written by the last four characters of each id; -1 where those are not four digits."""
    try:
        text = ids.astype("S")
    except UnicodeEncodeError:  # non-ASCII ids break the pattern anyway: read them one by one
        return np.array([int(v[-4:]) if v[-4:].isdigit() and len(v) >= 4 else -1 for v in ids], dtype=np.int64)
    if len(text) == 0 or text.itemsize < 4:
        return np.full(len(text), -1, dtype=np.int64)
    chars = text.view(np.uint8).reshape(len(text), text.itemsize)
    length = np.char.str_len(text)
    last_four = np.clip(length[:, None] - 4 + np.arange(4), 0, text.itemsize - 1)
    digits = chars[np.arange(len(text))[:, None], last_four].astype(np.int64) - ord("0")
    valid = (length >= 4) & ((digits >= 0) & (digits <= 9)).all(axis=1)
    return np.where(valid, digits @ np.array([1000, 100, 10, 1]), -1)


def _check_elections(raw: RawTable, elections: pd.DataFrame, report: _Report) -> None:
    """Vote days in order, counted on or after the last vote day, and the id's year equal to the count's."""
    start, end, count = elections["vote_start"], elections["vote_end"], elections["count_date"]
    report.rows(raw, (end < start).to_numpy(), "vote_end", "the last vote day is before the first (vote_start)")
    report.rows(raw, (count < end).to_numpy(), "count_date", "the count date is before the last vote day (vote_end)")
    report.rows(raw, (end.isna() & (count < start)).to_numpy(), "count_date",
                "the count date is before the first vote day (vote_start)")
    id_year = _trailing_years(raw.frame["election_id"].fillna("").to_numpy(dtype=object))  # empty: no year
    count_year = count.dt.year.to_numpy(dtype=float, na_value=np.nan)
    wrong = (id_year >= 0) & ~np.isnan(count_year) & (id_year != count_year)
    report.rows(raw, wrong, "election_id", "the year in election_id is not the year of count_date")


YES, CHALLENGED = CHOICES.index("yes"), CHOICES.index("challenged")


@dataclass
class _Stages:
    """The tally rows that name a known election, stage and choice, grouped by (election, stage).

    Arrays ending in `_row` are per usable row; arrays starting with `group_` are per group. `group` numbers
    the groups in order of first appearance, so `first_row[g]` is the first row of group g.
    """

    rows: np.ndarray  # positions in tallies.csv
    group: np.ndarray
    choice: np.ndarray
    named: np.ndarray  # a yes row that names its union
    union: np.ndarray  # the union text ("" when empty)
    ballots: np.ndarray  # float, NaN where unreported
    first_row: np.ndarray
    group_election: np.ndarray
    group_stage: np.ndarray  # the stage text
    group_rank: np.ndarray

    @classmethod
    def of(cls, tallies: pd.DataFrame, election: np.ndarray) -> _Stages:
        rank = np.asarray(stage_rank(tallies["stage"]))
        choice = tallies["choice"].cat.codes.to_numpy(dtype=np.int64)
        rows = np.flatnonzero((election >= 0) & (rank >= 0) & (choice >= 0))
        stage_codes, stage_texts = pd.factorize(tallies["stage"].to_numpy(dtype=object)[rows])
        n_texts = max(len(stage_texts), 1)
        group, keys = pd.factorize(election[rows] * n_texts + stage_codes)
        first = rows[np.unique(group, return_index=True)[1]]
        union = tallies["union"].fillna("").to_numpy(dtype=object)[rows]
        return cls(
            rows=rows, group=group.astype(np.int64, copy=False), choice=choice[rows],
            named=(choice[rows] == YES) & (union != ""), union=union,
            ballots=tallies["ballots"].to_numpy(dtype=float, na_value=np.nan)[rows],
            first_row=first, group_election=keys // n_texts, group_stage=np.asarray(stage_texts)[keys % n_texts],
            group_rank=rank[first],
        )

    def where(self, g: int) -> str:
        """`stage S` for group g, as the problems name it."""
        return f"stage {self.group_stage[g]}"


def _check_tallies(raw: Mapping[str, RawTable], typed: Mapping[str, pd.DataFrame],
                   election: np.ndarray, report: _Report) -> None:
    """The shape of every stage (one no, void and challenged row, a yes row per union, the same unions in every
    stage), revisions numbered without gaps, yes + no + void within eligible voters, challenged ballots never
    more than at the initial count, and tallies for every election."""
    tallies, elections, file = typed["tallies"], typed["elections"], raw["tallies"]
    ids = elections["election_id"].to_numpy(dtype=object)
    s = _Stages.of(tallies, election)
    n_groups = len(s.first_row)

    per_choice = np.bincount(s.group * len(CHOICES) + s.choice, minlength=n_groups * len(CHOICES))
    per_choice = per_choice.reshape(n_groups, len(CHOICES))
    for g in np.flatnonzero((per_choice == 0).any(axis=1)):
        missing = ", ".join(c for c, n in zip(CHOICES, per_choice[g]) if n == 0)
        report.rows(file, np.array([s.first_row[g]]), "choice",
                    f"election {ids[s.group_election[g]]}, {s.where(g)}: missing the row(s) for {missing}",
                    values=[missing])

    union = tallies["union"].fillna("").to_numpy(dtype=object)
    choice = tallies["choice"].cat.codes.to_numpy(dtype=np.int64)
    report.rows(file, (choice >= 0) & (choice != YES) & (union != ""), "union",
                "only a yes row names a union: leave it empty on no, void and challenged rows")
    _check_unions(file, s, per_choice[:, YES], ids, report)
    _check_revisions(file, s, ids, report)

    cast = np.bincount(s.group, weights=np.where(s.choice == CHALLENGED, 0, np.nan_to_num(s.ballots)),
                       minlength=n_groups)
    eligible = elections["eligible_voters"].to_numpy(dtype=float, na_value=np.nan)[s.group_election]
    for g in np.flatnonzero(cast > eligible):
        report.rows(file, np.array([s.first_row[g]]), "ballots",
                    f"the yes, no and void ballots of {s.where(g)} exceed the {int(eligible[g])} eligible voters of "
                    f"{ids[s.group_election[g]]} (challenged ballots are left out: their voters may not be eligible)",
                    values=[str(int(cast[g]))])

    is_challenged = s.choice == CHALLENGED
    challenged = np.full(n_groups, np.nan)
    challenged[s.group[is_challenged]] = s.ballots[is_challenged]
    challenged_row = np.full(n_groups, -1, dtype=np.int64)
    challenged_row[s.group[is_challenged]] = s.rows[is_challenged]
    at_initial = np.full(len(elections), np.nan)
    initial = np.flatnonzero(s.group_rank == 0)
    at_initial[s.group_election[initial]] = challenged[initial]
    baseline = at_initial[s.group_election]
    for g in np.flatnonzero((s.group_rank > 0) & (challenged > baseline)):
        report.rows(file, np.array([challenged_row[g]]), "ballots",
                    f"more challenged ballots at the {s.group_stage[g]} stage than the {int(baseline[g])} "
                    "of the initial stage")

    untallied = np.bincount(s.group_election, minlength=len(elections)) == 0
    if untallied.any():  # a repeated election_id is reported as a repeated key, not here
        untallied &= ~elections["election_id"].duplicated().to_numpy()
    report.rows(raw["elections"], untallied, "election_id", "the election has no rows in tallies.csv")


def _check_unions(file: RawTable, s: _Stages, yes_rows: np.ndarray, ids: np.ndarray, report: _Report) -> None:
    """A single-union ballot leaves `union` empty on its one yes row; a ballot with several unions names each
    yes row's union, and every stage of the election names the same unions."""
    n_groups = len(s.first_row)
    named = np.bincount(s.group[s.named], minlength=n_groups)
    most_yes = np.zeros(len(ids), dtype=np.int64)
    np.maximum.at(most_yes, s.group_election, yes_rows)
    several = most_yes[s.group_election] >= 2  # per group: the election's ballot has several unions

    report.rows(file, s.rows[s.named & ~several[s.group]], "union",
                "a ballot with one union leaves `union` empty on its yes row (elections.csv names the union)")
    unnamed_yes = (s.choice == YES) & ~s.named
    mixed = (yes_rows >= 2) & (named > 0) & (yes_rows > named)
    first_unnamed = _first_per_group(s.group[unnamed_yes & mixed[s.group]], s.rows[unnamed_yes & mixed[s.group]])
    report.rows(file, np.array(sorted(first_unnamed.values()), dtype=np.int64), "union",
                "a yes row without a union on a ballot with several unions: name the union of every yes row")

    if not several.any():
        return
    stages_of = np.bincount(s.group_election, minlength=len(ids))
    names, name_codes = np.unique(s.union[s.named], return_inverse=True)
    pairs = np.unique(np.stack([s.group_election[s.group[s.named]], name_codes, s.group[s.named]]), axis=1)
    election_name, counts = np.unique(pairs[:2], axis=1, return_counts=True)
    uneven = np.unique(election_name[0][counts < stages_of[election_name[0]]])
    for e in uneven:
        groups = np.flatnonzero(s.group_election == e)
        by_group = {g: set(names[pairs[1][pairs[2] == g]]) for g in groups}
        everywhere = set().union(*by_group.values())
        for g in groups:
            lacking = sorted(everywhere - by_group[g])
            if lacking:
                report.rows(file, np.array([s.first_row[g]]), "union",
                            f"election {ids[e]}, {s.where(g)} has no yes row for {', '.join(lacking)}, named in "
                            "another stage: every stage lists the same unions", values=[", ".join(lacking)])


def _check_revisions(file: RawTable, s: _Stages, ids: np.ndarray, report: _Report) -> None:
    """The revised tallies of an election are numbered revised-1, revised-2, ... without gaps."""
    revision = np.flatnonzero((s.group_rank > 0) & (s.group_rank < FINAL_RANK))
    elections = s.group_election[revision]
    count = np.bincount(elections, minlength=len(ids))
    highest = np.zeros(len(ids), dtype=np.int64)
    np.maximum.at(highest, elections, s.group_rank[revision])
    for e in np.flatnonzero(highest > count):
        groups = revision[elections == e]
        numbers = set(s.group_rank[groups].tolist())
        gap = next(n for n in range(1, len(numbers) + 2) if n not in numbers)
        after = groups[np.argmin(np.where(s.group_rank[groups] > gap, s.group_rank[groups], FINAL_RANK))]
        report.rows(file, np.array([s.first_row[after]]), "stage",
                    f"election {ids[e]} has {s.group_stage[after]} but no revised-{gap}: revisions are numbered "
                    "revised-1, revised-2, ... without gaps")


def _first_per_group(groups: np.ndarray, rows: np.ndarray) -> dict[int, int]:
    """For each group id, the first of `rows` (positions) that belongs to it."""
    unique, first = np.unique(groups, return_index=True)
    return dict(zip(unique.tolist(), rows[first].tolist()))


def _check_one_preferred(raw: RawTable, frame: pd.DataFrame, by: tuple[str, ...], report: _Report) -> None:
    """Exactly one preferred row among the rows sharing the `by` columns; a row alone in its group whose
    `preferred` cell is empty (or whose file has no such column) is the preferred one. Sets `preferred`."""
    group = frame.groupby(list(by), sort=False, dropna=False, observed=True).ngroup().to_numpy()
    size = np.bincount(group)[group]
    frame["preferred"] = frame["preferred"].to_numpy(dtype=bool) | (_is_empty(raw.frame["preferred"]) & (size == 1))
    preferred = np.bincount(group, weights=frame["preferred"].to_numpy(dtype=float))
    first = np.unique(group, return_index=True)[1]
    rows = np.sort(first[preferred[group[first]] != 1])
    report.rows(raw, rows, "preferred",
                "exactly one row must be preferred=true among the rows with the same " + ", ".join(by),
                values=[f"{int(preferred[group[r]])} preferred" for r in rows])


def validate(raw: Mapping[str, RawTable]) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Type every parsed table and check every rule of the contract; returns the typed tables and all problems.

    Tables missing from `raw` (their file could not be read) are skipped, with the checks that need them.
    """
    report = _Report()
    typed = {name: _typed_table(table, report) for name, table in raw.items()}
    codes = _Codes(raw)
    for table in raw.values():
        _check_primary_key(table, codes, report)
    resolved = _check_foreign_keys(raw, codes, report)
    if "elections" in typed:
        _check_elections(raw["elections"], typed["elections"], report)
    if ("tallies", "election_id") in resolved:
        _check_tallies(raw, typed, resolved[("tallies", "election_id")], report)
    if "spending" in typed:
        spending = typed["spending"]
        report.rows(raw["spending"], (spending["period_end"] < spending["period_start"]).to_numpy(), "period_end",
                    "the period ends before it starts (period_start)")
        _check_one_preferred(raw["spending"], spending, PREFERRED_GROUPS["spending"], report)
    if "workforce" in typed:
        _check_one_preferred(raw["workforce"], typed["workforce"], PREFERRED_GROUPS["workforce"], report)
    return typed, report.sorted()
