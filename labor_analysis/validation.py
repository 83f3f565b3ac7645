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
from .schema import BOOLEAN_FALSE, BOOLEAN_TRUE, CHOICES, STAGES, TABLES, TABLES_BY_NAME, Field

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


def _type_integer(raw: RawTable, f: Field, empty: np.ndarray, report: _Report) -> pd.Series:
    """An integer column as Int64, flagging cells that are not whole numbers or fall below the minimum."""
    column = raw.frame[f.name]
    if not isinstance(column.dtype, pd.Int64Dtype):  # the typed parse failed somewhere: check the text
        bad = np.zeros(len(column), dtype=bool)
        bad[~empty] = _mismatching(column[~empty], WHOLE_NUMBER_PATTERN)
        report.rows(raw, bad, f.name, "not a whole number")
        column = pd.to_numeric(column.where(~bad), errors="coerce").astype("Int64")
    if f.minimum is not None:
        below = (column < f.minimum).fillna(False).to_numpy(dtype=bool)
        report.rows(raw, below, f.name, f"less than the minimum, {f.minimum}")
    return column


def _type_boolean(raw: RawTable, f: Field, empty: np.ndarray, report: _Report) -> pd.Series:
    """A `true`/`false` column as bool."""
    column = raw.frame[f.name]
    bad = ~column.isin([BOOLEAN_TRUE, BOOLEAN_FALSE]).to_numpy() & ~empty
    report.rows(raw, bad, f.name, f"not `{BOOLEAN_TRUE}` or `{BOOLEAN_FALSE}`")
    return (column == BOOLEAN_TRUE).astype(bool)


def _type_date(raw: RawTable, f: Field, empty: np.ndarray, report: _Report) -> pd.Series:
    """A YYYY-MM-DD column as datetime64, parsing each distinct value once (dates repeat a lot)."""
    codes, distinct = pd.factorize(raw.frame[f.name].to_numpy(dtype=object))
    parsed = pd.to_datetime(pd.Series(distinct, dtype=object), format=DATE_FORMAT, errors="coerce")
    bad = parsed.isna().to_numpy().copy()
    bad[~bad] = _mismatching(pd.Series(distinct[~bad], dtype=object), ISO_DATE_PATTERN)
    values = np.append(parsed.where(~bad).to_numpy(), np.datetime64("NaT"))  # the last slot answers code -1 (empty)
    report.rows(raw, np.append(bad, False)[codes], f.name, "not a date in YYYY-MM-DD form")
    return pd.Series(values[codes], index=raw.frame.index, name=f.name)


def _type_enum(raw: RawTable, f: Field, empty: np.ndarray, report: _Report) -> pd.Series:
    """A column of allowed values as a categorical with the allowed values as categories, in schema order."""
    column = raw.frame[f.name]
    allowed = list(f.enum or ())
    if isinstance(column.dtype, pd.CategoricalDtype):
        unknown = [c for c in column.cat.categories if c not in allowed]
        bad = column.isin(unknown).to_numpy() if unknown else np.zeros(len(column), dtype=bool)
        typed = column.cat.set_categories(allowed)
    else:
        bad = ~column.isin(allowed).to_numpy() & ~empty
        typed = pd.Series(pd.Categorical(column, categories=allowed), index=column.index)
    report.rows(raw, bad, f.name, "not one of the allowed values: " + ", ".join(allowed))
    return typed


def _type_string(raw: RawTable, f: Field, empty: np.ndarray, report: _Report) -> pd.Series:
    """A text column as parsed (empty cells missing), flagging cells that break its pattern."""
    column = raw.frame[f.name]
    if f.pattern:
        bad = np.zeros(len(column), dtype=bool)
        bad[~empty] = _mismatching(column[~empty], f.pattern)
        report.rows(raw, bad, f.name, f"does not match the pattern {f.pattern}")
    return column


_TYPERS = {"integer": _type_integer, "boolean": _type_boolean, "date": _type_date}


def _typed_table(raw: RawTable, report: _Report) -> pd.DataFrame:
    """The table with every contract column typed; columns outside the contract are kept as text."""
    out = {}
    contract = {f.name: f for f in raw.table.fields}
    for name in raw.frame.columns:
        f = contract.get(name)
        if f is None:
            out[name] = raw.frame[name]
            continue
        empty = _is_empty(raw.frame[name])
        if f.required:
            report.rows(raw, empty, name, "missing a required value")
        typer = _type_enum if f.enum else _TYPERS.get(f.type, _type_string)
        out[name] = typer(raw, f, empty, report)
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
    values = [" / ".join(str(raw.frame[c].iloc[i]) for c in columns) for i in rows]
    names = ", ".join(columns)
    for line, value, first_line in zip(raw.editor_lines(rows), values, raw.editor_lines(first)):
        report.problems.append(Problem(raw.filename, line, columns[0], value,
                                       f"repeats the key ({names}) of line {first_line}"))


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


def _first_rows(groups: np.ndarray, rows: np.ndarray) -> dict[int, int]:
    """For each group id, the first of `rows` (positions) that belongs to it."""
    unique, first = np.unique(groups, return_index=True)
    return dict(zip(unique.tolist(), rows[first].tolist()))


def _check_tallies(raw: Mapping[str, RawTable], typed: Mapping[str, pd.DataFrame],
                   election: np.ndarray, report: _Report) -> None:
    """All four choices per election and stage; ballots cast within eligible voters; challenged ballots
    never grow from the initial to the final stage; every election has tallies."""
    tallies, elections = typed["tallies"], typed["elections"]
    n_stages, n_choices = len(STAGES), len(CHOICES)
    stage = tallies["stage"].cat.codes.to_numpy(dtype=np.int64)
    choice = tallies["choice"].cat.codes.to_numpy(dtype=np.int64)
    usable = np.flatnonzero((election >= 0) & (stage >= 0) & (choice >= 0))
    group = election[usable] * n_stages + stage[usable]
    n_groups = len(elections) * n_stages
    ballots = tallies["ballots"].to_numpy(dtype=float, na_value=np.nan)[usable]

    present = np.zeros((n_groups, n_choices), dtype=bool)
    present[group, choice[usable]] = True
    has_rows = present.any(axis=1)
    incomplete = np.flatnonzero(has_rows & ~present.all(axis=1))
    if incomplete.size:
        first = _first_rows(group, usable)
        for g in incomplete:
            missing = ", ".join(c for c, here in zip(CHOICES, present[g]) if not here)
            row = first[g]
            report.rows(raw["tallies"], np.array([row]), "choice",
                        f"election {tallies['election_id'].iloc[row]}, stage {STAGES[g % n_stages]}: "
                        f"missing the row(s) for {missing}", values=[missing])

    cast = np.bincount(group, weights=np.nan_to_num(ballots), minlength=n_groups)
    eligible = np.repeat(elections["eligible_voters"].to_numpy(dtype=float, na_value=np.nan), n_stages)
    over = np.flatnonzero(has_rows & (cast > eligible))
    if over.size:
        first = _first_rows(group, usable)
        for g in over:
            report.rows(raw["tallies"], np.array([first[g]]), "ballots",
                        f"ballots cast (yes + no + void + challenged) exceed the {int(eligible[g])} eligible voters "
                        f"of {elections['election_id'].iloc[g // n_stages]}", values=[str(int(cast[g]))])

    is_challenged = choice[usable] == CHOICES.index("challenged")
    challenged = np.full(n_groups, np.nan)
    challenged[group[is_challenged]] = ballots[is_challenged]
    by_stage = challenged.reshape(len(elections), n_stages)
    initial, final = STAGES.index("initial"), STAGES.index("final")
    grew = np.flatnonzero(by_stage[:, final] > by_stage[:, initial])
    if grew.size:
        rows = {g: r for g, r in zip(group[is_challenged].tolist(), usable[is_challenged].tolist())}
        for e in grew:
            report.rows(raw["tallies"], np.array([rows[e * n_stages + final]]), "ballots",
                        f"more challenged ballots at the final stage than the {int(by_stage[e, initial])} "
                        "of the initial stage")

    untallied = ~has_rows.reshape(len(elections), n_stages).any(axis=1)
    if untallied.any():  # a repeated election_id is reported as a repeated key, not here
        untallied &= ~elections["election_id"].duplicated().to_numpy()
    report.rows(raw["elections"], untallied, "election_id", "the election has no rows in tallies.csv")


def _check_one_preferred(raw: RawTable, frame: pd.DataFrame, by: list[str], report: _Report) -> None:
    """Exactly one row with preferred=true among the rows sharing the `by` columns."""
    keys = frame[by].astype("str").fillna("")
    preferred = frame.groupby([keys[c] for c in by], sort=False, dropna=False)["preferred"].transform("sum")
    first = ~keys.duplicated().to_numpy()
    wrong = first & (preferred.to_numpy() != 1)
    rows = np.flatnonzero(wrong)
    report.rows(raw, rows, "preferred",
                "exactly one row must be preferred=true among the rows with the same " + ", ".join(by),
                values=[f"{int(preferred.iloc[r])} preferred" for r in rows])


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
        _check_one_preferred(raw["spending"], spending, ["spender", "measure", "period_start", "period_end"], report)
    if "workforce" in typed:
        _check_one_preferred(raw["workforce"], typed["workforce"], ["election_id", "measure"], report)
    return typed, report.sorted()
