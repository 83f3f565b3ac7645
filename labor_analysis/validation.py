"""The content rules of the data contract, checked on every load and vectorised so a national table stays fast.

`validate` types each parsed table column by column following `schema.TABLES` (required cells, defaults, whole
numbers within bounds, `true`/`false`, ISO dates within range, allowed values, patterns), then checks keys,
references and the shape and arithmetic of the tallies. Line numbers are worked out only for the rows that
break a rule, and each check keeps at most MAX_SHOWN problems (counting the rest), so a file broken on every
line costs no more memory than a valid one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .errors import MAX_SHOWN, Problem
from .schema import (
    BOOLEAN_FALSE,
    BOOLEAN_TRUE,
    CHOICES,
    DATE_MAX,
    DATE_MIN,
    ELECTION_ID_PATTERN,
    FINAL_RANK,
    PREFERRED_GROUPS,
    TABLES,
    TABLES_BY_NAME,
    Field,
    stage_rank,
)

if TYPE_CHECKING:
    from .loading import RawTable

ISO_DATE_PATTERN = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
#: Longest run of digits read as an int64 without overflow; longer numerals are checked one by one.
_INT64_DIGITS = 18
DATE_FORMAT = "%Y-%m-%d"
_FILE_ORDER = {t.filename: i for i, t in enumerate(TABLES)}


@dataclass
class Report:
    """The problems found so far, with helpers that locate the failing rows of a table.

    Each check keeps at most MAX_SHOWN problems, those on the lowest lines, and counts the rest in `total`.
    """

    problems: list[Problem] = field(default_factory=list)
    total: int = 0

    def add(self, problems: list[Problem], more: int = 0) -> None:
        """Keep the first MAX_SHOWN of one check's problems; count them all, plus `more` found but not built."""
        self.problems += problems[:MAX_SHOWN]
        self.total += len(problems) + more

    def rows(
        self, raw: RawTable, rows: np.ndarray, column: str | None, rule: str, values: list[str | None] | None = None
    ) -> None:
        """One problem per row of `raw` selected by `rows` (a boolean mask or ascending positions)."""
        positions = np.flatnonzero(rows) if rows.dtype == bool else np.asarray(rows, dtype=np.int64)
        if positions.size == 0:
            return
        kept = positions[:MAX_SHOWN]
        if values is None:
            values = [_cell_text(v) for v in raw.frame[column].iloc[kept]]
        self.add(
            [Problem(raw.filename, line, column, value, rule) for line, value in zip(raw.editor_lines(kept), values)],
            more=positions.size - kept.size,
        )

    def each(
        self, raw: RawTable, rows: np.ndarray, column: str | None, describe: Callable[[int], tuple[str, str | None]]
    ) -> None:
        """One problem per position in `rows`, its rule and value from `describe(i)` (i indexes `rows`); only the
        problems kept are described."""
        if len(rows) == 0:
            return
        order = np.argsort(rows, kind="stable")[:MAX_SHOWN]
        found = [describe(int(i)) for i in order]
        self.add(
            [
                Problem(raw.filename, line, column, value, rule)
                for line, (rule, value) in zip(raw.editor_lines(rows[order]), found)
            ],
            more=len(rows) - len(order),
        )

    def sorted(self) -> list[Problem]:
        """The problems in file order (as in TABLES), then by line."""
        return sorted(self.problems, key=lambda p: (_FILE_ORDER.get(p.file, -1), p.line or 0))


def _cell_text(value: object) -> str | None:
    """A cell as the file shows it; None for an empty cell."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)


#: Patterns of the schema (standard regular expressions, as the data dictionary prints them) and an equivalent
#: that Python's engine matches without backtracking, so a column of 100,000 ids is checked three times faster.
#: Each segment before a `-` is taken whole (possessive `++`): it can only end at the `-`, so nothing that could
#: match is lost. tests/test_validation.py checks that both accept the same strings.
MATCHED_AS = {ELECTION_ID_PATTERN: "(?:[a-z0-9]++-)++[0-9]{4}"}


@cache
def _compiled(pattern: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The pattern for one value, and for many values joined by line breaks (groups made non-capturing: faster)."""
    plain = re.sub(r"(?<!\\)\((?!\?)", "(?:", MATCHED_AS.get(pattern, pattern))
    return re.compile(plain), re.compile(f"(?:{plain})(?:\n(?:{plain}))*")


def _mismatching(values: pd.Series, pattern: str) -> np.ndarray:
    """Mask of the values (non-empty strings) that do not fully match `pattern`.

    Equal neighbours match alike, so where runs of them make up much of the column (a tallies file's election ids,
    four rows or more each; a state repeated down a file) only the first value of each run is checked. The values
    are joined into one string and checked in a single regular-expression pass; they are tested one by one only
    when that pass fails.
    """
    cells = values.to_numpy(dtype=object)
    starts = run_starts(cells)
    if 4 * len(starts) <= 3 * len(cells):
        return np.repeat(_mismatching_cells(cells[starts], pattern), run_lengths(starts, len(cells)))
    return _mismatching_cells(cells, pattern)


def _mismatching_cells(cells: np.ndarray, pattern: str) -> np.ndarray:
    """`_mismatching` of an object array of strings, each checked."""
    one, many = _compiled(pattern)
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


def _empty_cells(raw: RawTable, name: str) -> np.ndarray:
    """Mask of the empty cells of a column of the file (every cell, without looking, of a column it leaves out)."""
    if name in raw.absent:
        return np.ones(len(raw.frame), dtype=bool)
    return _is_empty(raw.frame[name])


def _whole_numbers(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The int64 values of non-empty text cells, and a mask of the cells that are not digits alone (values 0).

    The cells are joined into one string that is checked and converted in bulk; only a file holding a bad cell
    or a numeral too long for int64 is read cell by cell (those are clipped to int64's maximum: over any bound).
    """
    joined = "\n".join(cells)
    if len(cells) and joined.isascii():
        text = joined.encode("ascii")
        ends = np.flatnonzero(np.frombuffer(text, dtype=np.uint8) == ord("\n"))
        longest = np.diff(ends, prepend=-1, append=len(text)).max() - 1  # digits of the longest numeral
        if (
            len(ends) == len(cells) - 1
            and 0 < longest <= _INT64_DIGITS
            and not text.translate(None, b"0123456789\n")
            and b"\n\n" not in text
        ):
            values = np.fromstring(joined, dtype=np.int64, sep="\n")
            if len(values) == len(cells):
                return values, np.zeros(len(cells), dtype=bool)
    bad = np.fromiter((not (c.isascii() and c.isdigit()) for c in cells), dtype=bool, count=len(cells))
    top = np.iinfo(np.int64).max
    values = np.fromiter((0 if b else min(int(c), top) for c, b in zip(cells, bad)), dtype=np.int64, count=len(cells))
    return values, bad


def _per_cell(per_value: np.ndarray, codes: np.ndarray, empty: object) -> np.ndarray:
    """Each cell's entry of `per_value` (one entry per distinct value, found by the cell's factorize code), and
    `empty` for a cell of code -1 (an empty cell): a column worked out once per distinct value."""
    return np.append(per_value, np.array([empty], dtype=per_value.dtype))[codes]


def _type_integer(raw: RawTable, f: Field, column: pd.Series, empty: np.ndarray, report: Report) -> pd.Series:
    """An integer column as Int64: digits only (no sign, point, exponent or separator), within the bounds.

    Counts repeat, so each rule is decided once per distinct numeral; a rule's failing rows are looked for only
    when some numeral breaks it (a national tallies file has millions of rows and a few thousand numerals)."""
    codes, distinct = pd.factorize(column.to_numpy(dtype=object))
    values, bad = _whole_numbers(distinct)
    broken = [(bad, "not a whole number in digits alone (no sign, decimal point, exponent or thousands separator)")]
    unusable = bad.copy()
    if f.minimum is not None:
        broken.append((~unusable & (values < f.minimum), f"less than the minimum, {f.minimum}"))
        unusable |= broken[-1][0]
    if f.maximum is not None:
        broken.append((~unusable & (values > f.maximum), f"more than the maximum, {f.maximum:,}"))
        unusable |= broken[-1][0]
    for numerals, rule in broken:
        if numerals.any():
            report.rows(raw, _per_cell(numerals, codes, False), f.name, rule)
    missing = empty | (codes < 0)  # any missing cell (None as well as NaN) is empty, never a 0
    if unusable.any():
        missing |= _per_cell(unusable, codes, False)
    cells = _per_cell(np.where(unusable, 0, values), codes, 0)  # 0 under the mask, as for a missing cell
    return pd.Series(pd.arrays.IntegerArray(cells, missing), index=column.index, name=f.name)


_OTHER = -2  # the code `_allowed_codes` gives a value that is not allowed


def _allowed_codes(column: pd.Series, allowed: list[str]) -> np.ndarray:
    """Per cell of a text column, the position of its value in `allowed`; -1 for an empty cell and _OTHER for
    any other value. Each distinct value is looked up once (such columns hold a handful)."""
    codes, distinct = pd.factorize(column.to_numpy(dtype=object))
    position = {value: i for i, value in enumerate(allowed)}
    return _per_cell(np.array([position.get(value, _OTHER) for value in distinct], dtype=np.int64), codes, -1)


def _type_boolean(raw: RawTable, f: Field, column: pd.Series, empty: np.ndarray, report: Report) -> pd.Series:
    """A `true`/`false` column as bool."""
    codes = _allowed_codes(column, [BOOLEAN_TRUE, BOOLEAN_FALSE])
    report.rows(raw, codes == _OTHER, f.name, f"not `{BOOLEAN_TRUE}` or `{BOOLEAN_FALSE}`")
    return pd.Series(codes == 0, index=column.index, name=column.name)


def _type_date(raw: RawTable, f: Field, column: pd.Series, empty: np.ndarray, report: Report) -> pd.Series:
    """A YYYY-MM-DD column as datetime64, parsing each distinct value once (dates repeat a lot)."""
    codes, distinct = pd.factorize(column.to_numpy(dtype=object))
    parsed = pd.to_datetime(pd.Series(distinct, dtype=object), format=DATE_FORMAT, errors="coerce")
    bad = parsed.isna().to_numpy().copy()
    bad[~bad] = _mismatching(pd.Series(distinct[~bad], dtype=object), ISO_DATE_PATTERN)
    report.rows(raw, _per_cell(bad, codes, False), f.name, "not a date in YYYY-MM-DD form")
    outside = ~bad & ((parsed < DATE_MIN) | (parsed > DATE_MAX)).to_numpy()
    report.rows(
        raw,
        _per_cell(outside, codes, False),
        f.name,
        f"outside {DATE_MIN} (the National Labor Relations Act) to {DATE_MAX}",
    )
    values = _per_cell(parsed.where(~bad & ~outside).to_numpy(), codes, np.datetime64("NaT"))
    return pd.Series(values, index=column.index, name=f.name)


def _type_enum(raw: RawTable, f: Field, column: pd.Series, empty: np.ndarray, report: Report) -> pd.Series:
    """A column of allowed values as a categorical with the allowed values as categories, in schema order."""
    allowed = list(f.enum or ())
    if isinstance(column.dtype, pd.CategoricalDtype):
        unknown = [c for c in column.cat.categories if c not in allowed]
        bad = column.isin(unknown).to_numpy() if unknown else np.zeros(len(column), dtype=bool)
        typed = column.cat.set_categories(allowed)
    else:
        codes = _allowed_codes(column, allowed)
        bad = codes == _OTHER
        typed = pd.Series(pd.Categorical.from_codes(np.where(bad, -1, codes), categories=allowed), index=column.index)
    report.rows(raw, bad, f.name, "not one of the allowed values: " + ", ".join(allowed))
    return typed


def _type_string(raw: RawTable, f: Field, column: pd.Series, empty: np.ndarray, report: Report) -> pd.Series:
    """A text column as parsed (empty cells missing), flagging cells that break its pattern.

    A column parsed as categorical (`stage`: few distinct values) is checked once per distinct value and
    loaded as an ordered categorical of its values in `schema.stage_rank` order.
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = pd.Series(np.asarray(column.cat.categories, dtype=object), dtype=object)
        bad = _mismatching(categories, f.pattern) if f.pattern else np.zeros(len(categories), dtype=bool)
        codes = column.cat.codes.to_numpy()
        report.rows(raw, _per_cell(bad, codes, False), f.name, f"does not match the pattern {f.pattern}")
        good = sorted(categories[~bad], key=stage_rank)
        new_code = np.full(len(categories) + 1, -1, dtype=np.int64)  # the last slot answers code -1 (empty)
        new_code[np.flatnonzero(~bad)] = [good.index(c) for c in categories[~bad]]
        typed = pd.Categorical.from_codes(new_code[codes], categories=good, ordered=True)
        return pd.Series(typed, index=column.index, name=f.name)
    if f.pattern:
        if empty.any():
            bad = np.zeros(len(column), dtype=bool)
            bad[~empty] = _mismatching(column[~empty], f.pattern)
        else:  # the usual case: no need to copy the column
            bad = _mismatching(column, f.pattern)
        report.rows(raw, bad, f.name, f"does not match the pattern {f.pattern}")
    return column


_TYPERS = {"integer": _type_integer, "boolean": _type_boolean, "date": _type_date}


def _typer(f: Field) -> Callable[..., pd.Series]:
    """The function that types and checks the cells of field `f`: its allowed values, else its type."""
    return _type_enum if f.enum else _TYPERS.get(f.type, _type_string)


def _filled(column: pd.Series, empty: np.ndarray, default: str) -> pd.Series:
    """A text column with `default` in its `empty` cells (its dtype inferred again, as pandas infers a parsed one)."""
    cells = column.to_numpy(dtype=object).copy()
    cells[empty] = default
    return pd.Series(cells, index=column.index, name=column.name)


def _typed_absent(raw: RawTable, f: Field, report: Report) -> pd.Series:
    """An optional column the file leaves out, typed as a column of empty cells would be: its one value (the
    default, or an empty cell) typed once and repeated down the rows. Typing the column cell by cell would fill,
    hash and check a national file's million cells only to find that one value again."""
    column = raw.frame[f.name]  # the file's shared column of empty cells
    if f.default is None and not f.enum and f.type == "string":
        return column  # typed as it is: no copy of it
    one = pd.Series([np.nan], dtype=object, name=f.name)
    if f.default is not None:
        one = _filled(one, np.ones(1, dtype=bool), f.default)
    typed = _typer(f)(raw, f, one, np.array([f.default is None]), report)
    return typed.take(np.zeros(len(column), dtype=np.intp)).set_axis(column.index)


def _typed_table(raw: RawTable, report: Report) -> pd.DataFrame:
    """The table with every contract column typed, in schema order, empty cells of a column with a default
    filled in; then the columns outside the contract, as text, in file order."""
    out = {}
    contract = {f.name: f for f in raw.table.fields}
    for name in [*contract, *(c for c in raw.frame.columns if c not in contract)]:
        f = contract.get(name)
        column = raw.frame[name]
        if f is None:
            out[name] = column
            continue
        if name in raw.absent and not f.required:
            out[name] = _typed_absent(raw, f, report)
            continue
        empty = _empty_cells(raw, name)
        if f.required:
            report.rows(raw, empty, name, "missing a required value")
        elif f.default is not None and empty.any():
            column = _filled(column, empty, f.default)
            empty = np.zeros(len(column), dtype=bool)
        out[name] = _typer(f)(raw, f, column, empty, report)
    return pd.DataFrame(out, index=raw.frame.index, copy=False)


def _shared_numbering() -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    """For each key column, the columns numbered together with it: a referenced column and its foreign keys."""
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for table in TABLES:
        for column, target, target_column in table.foreign_keys:
            groups.setdefault((target, target_column), [(target, target_column)]).append((table.name, column))
    return {member: tuple(group) for group in groups.values() for member in group}


_SHARED_NUMBERING = _shared_numbering()


def run_starts(values: np.ndarray) -> np.ndarray:
    """Where each run of equal neighbours in `values` begins (ascending positions; none for no values). An empty
    cell (NaN, unequal to itself) starts a run of its own."""
    return np.flatnonzero(np.concatenate(([len(values) > 0], values[1:] != values[:-1])))


def run_lengths(starts: np.ndarray, size: int) -> np.ndarray:
    """The length of each run, from `run_starts` of `size` values."""
    return np.diff(np.append(starts, size))


def _runs(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The first value of each run of equal neighbours in a column, and the length of each run.

    Key columns usually come in runs (the rows of one election together), so hashing only the first value of
    each run numbers a column at a fraction of the cost.
    """
    values = column.to_numpy(dtype=object)
    if len(values) == 0:
        return values, np.zeros(0, dtype=np.int64)
    starts = run_starts(values)
    heads = values[starts]
    empty = heads != heads  # NaN, an empty cell, is unequal to itself: each one starts a run so far
    joined = np.concatenate(([False], empty[1:] & empty[:-1] & (np.diff(starts) == 1)))  # empty after empty
    if joined.any():  # a run of empty cells is one run too
        starts, heads = starts[~joined], heads[~joined]
    return heads, run_lengths(starts, len(values))


def _index_dtype(count: int) -> type[np.signedinteger]:
    """The narrowest of int32 and int64 that numbers `count` things and -1: a code or a position per row of a
    national tallies file is 15 MB in int32, 30 MB in int64."""
    return np.int32 if count < 2**31 - 1 else np.int64


@dataclass
class _Codes:
    """Key columns hashed once into integer codes (-1 for an empty cell).

    A referenced column and the foreign keys pointing to it are numbered together, so equal values get
    equal codes across files and a reference resolves by array lookup. A categorical column keeps its codes.
    """

    raw: Mapping[str, RawTable]
    cache: dict[tuple[str, str], tuple[np.ndarray, int]] = field(default_factory=dict)

    def of(self, table: str, column: str) -> tuple[np.ndarray, int]:
        """The codes of one column, and how many distinct values its numbering has."""
        if (table, column) not in self.cache:
            values = self.raw[table].frame[column]
            if (table, column) not in _SHARED_NUMBERING and column in self.raw[table].absent:  # every cell empty
                self.cache[(table, column)] = (np.full(len(values), -1, dtype=np.int8), 0)
                return self.cache[(table, column)]
            if (table, column) not in _SHARED_NUMBERING and isinstance(values.dtype, pd.CategoricalDtype):
                self.cache[(table, column)] = (values.cat.codes.to_numpy(), len(values.cat.categories))
                return self.cache[(table, column)]
            members = [m for m in _SHARED_NUMBERING.get((table, column), ((table, column),)) if m[0] in self.raw]
            runs = [_runs(self.raw[t].frame[c]) for t, c in members]
            # A column whose runs repeat the first member's values in the same order (the tallies of each
            # election listed in the elections file's order) shares its codes: only the others are hashed.
            first = runs[0][0]
            same = [
                i > 0 and len(heads) == len(first) and bool((heads == first).all()) for i, (heads, _) in enumerate(runs)
            ]
            codes, uniques = pd.factorize(np.concatenate([heads for (heads, _), s in zip(runs, same) if not s]))
            codes = codes.astype(_index_dtype(len(uniques)), copy=False)
            offset = 0
            for member, (heads, lengths), shared in zip(members, runs, same):
                start = 0 if shared else offset
                self.cache[member] = (np.repeat(codes[start : start + len(heads)], lengths), len(uniques))
                offset += 0 if shared else len(heads)
        return self.cache[(table, column)]


def _check_primary_key(raw: RawTable, codes: _Codes, report: Report) -> None:
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
        key = key * (size + 1) + column_codes + 1  # in int64 from the left: codes may be int8 or int32
    if span <= 8 * len(key) + 1024 and np.bincount(key).max(initial=0) <= 1:
        return  # the usual case, every key once: counted without hashing
    keys = pd.Series(key)
    repeated = keys.duplicated().to_numpy()
    if not repeated.any():
        return
    rows = np.flatnonzero(repeated)
    first = pd.Series(np.arange(len(key))).groupby(key).transform("min").to_numpy()[rows]
    names = ", ".join(columns)
    kept = rows[:MAX_SHOWN]
    problems = []
    for row, line, first_line in zip(kept, raw.editor_lines(kept), raw.editor_lines(first[:MAX_SHOWN])):
        rule = f"repeats the key ({names}) of line {first_line}"
        union = _cell_text(raw.frame["union"].iloc[row]) if "union" in columns else None
        if union is None:
            value = " / ".join(_cell_text(raw.frame[c].iloc[row]) or "" for c in columns)
            problems.append(Problem(raw.filename, line, columns[0], value, rule))
        else:  # a union named twice in one stage of a ballot
            rule = f"the union is named twice in this stage: {rule}"
            problems.append(Problem(raw.filename, line, "union", union, rule))
    report.add(problems, more=len(rows) - len(kept))


def _check_foreign_keys(
    raw: Mapping[str, RawTable], codes: _Codes, report: Report
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
            # the last slot answers code -1 (empty)
            position_of_code = np.full(size + 1, -1, dtype=_index_dtype(len(target_codes)))
            position_of_code[distinct] = filled[first]
            positions = position_of_code[row_codes]
            resolved[(table.name, column)] = positions
            report.rows(
                raw[table.name],
                (positions < 0) & (row_codes >= 0),
                column,
                f"not found in {TABLES_BY_NAME[target].filename} (column {target_column})",
            )
    return resolved


def _trailing_years(ids: np.ndarray) -> np.ndarray:
    """The number written by the last four characters of each id; -1 where those are not four ASCII digits.

    The ids are joined into one ASCII string and the four bytes before each line break read in bulk.
    """
    joined = "\n".join(ids)
    if not joined.isascii() or joined.count("\n") != len(ids) - 1:  # breaks the pattern anyway: one by one
        return np.array([_year_of(v) for v in ids], dtype=np.int64)
    text = np.frombuffer(b"\n" * 4 + joined.encode("ascii"), dtype=np.uint8)  # 4 bytes ahead: every index fits
    ends = np.append(np.flatnonzero(text[4:] == ord("\n")), len(text) - 4)  # one past each id's last character
    starts = np.concatenate(([0], ends[:-1] + 1))
    digits = text[ends[:, None] + np.arange(4)].astype(np.int64) - ord("0")  # the 4 characters before each end
    valid = (ends - starts >= 4) & ((digits >= 0) & (digits <= 9)).all(axis=1)
    year = ((digits[:, 0] * 10 + digits[:, 1]) * 10 + digits[:, 2]) * 10 + digits[:, 3]
    return np.where(valid, year, -1)


def _year_of(election_id: str) -> int:
    """The number written by the last four characters of one id; -1 where those are not four ASCII digits."""
    last_four = election_id[-4:]
    return int(last_four) if len(last_four) == 4 and last_four.isascii() and last_four.isdigit() else -1


def _check_elections(raw: RawTable, elections: pd.DataFrame, report: Report) -> None:
    """Vote days in order, counted on or after the last vote day, and the id's year equal to the count's."""
    start, end, count = elections["vote_start"], elections["vote_end"], elections["count_date"]
    report.rows(raw, (end < start).to_numpy(), "vote_end", "the last vote day is before the first (vote_start)")
    report.rows(raw, (count < end).to_numpy(), "count_date", "the count date is before the last vote day (vote_end)")
    report.rows(
        raw,
        (end.isna() & (count < start)).to_numpy(),
        "count_date",
        "the count date is before the first vote day (vote_start)",
    )
    id_year = _trailing_years(raw.frame["election_id"].fillna("").to_numpy(dtype=object))  # empty: no year
    count_year = count.dt.year.to_numpy(dtype=float, na_value=np.nan)
    wrong = (id_year >= 0) & ~np.isnan(count_year) & (id_year != count_year)
    report.rows(raw, wrong, "election_id", "the year in election_id is not the year of count_date")
    if "status_date" in elections:  # what the NLRB decided after the count cannot come before it
        early = (elections["status_date"] < count).to_numpy(dtype=bool, na_value=False)
        report.rows(raw, early, "status_date", "the decision after the count is dated before the count (count_date)")
    undecided = elections["status"].isna() if "status" in elections else pd.Series(True, index=elections.index)
    for detail in ("status_date", "status_by", "status_appealed", "status_source_id"):  # they describe a decision
        if detail in elections:
            said = elections[detail].eq(True) if detail == "status_appealed" else elections[detail].notna()
            orphan = (said & undecided).to_numpy(dtype=bool, na_value=False)
            report.rows(raw, orphan, detail, "is filled but status is empty (no decision to describe)")
    if "certified" in elections and "status" in elections:  # one certification, said in two columns
        status, certified = (elections[c].astype(object) for c in ("status", "certified"))
        contradicts = ((status == "certified") & (certified == "lost")) | (
            (status == "results_certified") & (certified == "won")
        )
        report.rows(
            raw,
            contradicts.to_numpy(dtype=bool),
            "certified",
            "contradicts status (a certification of representative is won, a certification of results lost)",
        )


YES, CHALLENGED = CHOICES.index("yes"), CHOICES.index("challenged")


def _factorize_runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`pd.factorize` of an integer array whose equal values mostly come together (the rows of one stage):
    only the first value of each run is hashed, and the codes are the same (numbered by first appearance)."""
    starts = run_starts(values)
    codes, uniques = pd.factorize(values[starts])
    return np.repeat(codes, run_lengths(starts, len(values))), uniques


@dataclass
class _Stages:
    """The tally rows that name a known election, stage and choice, grouped by (election, stage).

    Per usable row: `rows` (position in tallies.csv), `group`, `choice`, `named` (a yes row naming its union),
    `union` ("" when empty) and `ballots` (NaN where unreported). Per group (numbered in order of first
    appearance): `first_row`, `group_election`, `group_stage` (text) and `group_rank`.
    """

    rows: np.ndarray
    group: np.ndarray
    choice: np.ndarray
    named: np.ndarray
    union: np.ndarray
    ballots: np.ndarray
    first_row: np.ndarray
    group_election: np.ndarray
    group_stage: np.ndarray
    group_rank: np.ndarray

    @classmethod
    def of(cls, tallies: pd.DataFrame, election: np.ndarray, union_named: np.ndarray) -> _Stages:
        stage = tallies["stage"]  # an ordered categorical of the stages found, in stage_rank order
        stage_codes = stage.cat.codes.to_numpy()  # small integers (int8): a national file has millions of rows
        choice = tallies["choice"].cat.codes.to_numpy()
        rows = np.flatnonzero((election >= 0) & (stage_codes >= 0) & (choice >= 0))
        every_row = len(rows) == len(tallies)  # the usual case: the columns need not be copied row by row

        def usable(values: np.ndarray) -> np.ndarray:
            return values if every_row else values[rows]

        n_stages = max(len(stage.cat.categories), 1)
        group, keys = _factorize_runs(usable(election).astype(np.int64) * n_stages + usable(stage_codes))
        first = np.empty(len(keys), dtype=np.int64)
        first[group[::-1]] = rows[::-1]  # the last write per group is its first row
        union = usable(tallies["union"].to_numpy(dtype=object))
        texts = np.asarray(stage.cat.categories, dtype=object)
        return cls(
            rows=rows,
            group=group.astype(np.int64, copy=False),
            choice=usable(choice),
            named=(usable(choice) == YES) & usable(union_named),
            union=union,
            ballots=usable(tallies["ballots"].to_numpy(dtype=float, na_value=np.nan)),
            first_row=first,
            group_election=keys // n_stages,
            group_stage=texts[keys % n_stages],
            group_rank=np.asarray(stage_rank(texts), dtype=np.int64)[keys % n_stages],
        )


def _check_tallies(
    raw: Mapping[str, RawTable], typed: Mapping[str, pd.DataFrame], election: np.ndarray, report: Report
) -> None:
    """The shape of every stage (one no, void and challenged row, a yes row per union, the same unions in every
    stage), revisions numbered without gaps, yes + no + void within eligible voters, challenged ballots at the
    final stage never more than at the initial count, and tallies for every election."""
    tallies, elections, file = typed["tallies"], typed["elections"], raw["tallies"]
    ids = elections["election_id"].to_numpy(dtype=object)
    union_named = ~_empty_cells(file, "union")
    s = _Stages.of(tallies, election, union_named)
    n_groups = len(s.first_row)

    per_choice = np.bincount(s.group * len(CHOICES) + s.choice, minlength=n_groups * len(CHOICES))
    per_choice = per_choice.reshape(n_groups, len(CHOICES))
    incomplete = np.flatnonzero((per_choice == 0).any(axis=1))

    def missing_choices(i: int) -> tuple[str, str]:
        g = incomplete[i]
        missing = ", ".join(c for c, n in zip(CHOICES, per_choice[g]) if n == 0)
        election = ids[s.group_election[g]]
        return f"election {election}, stage {s.group_stage[g]}: missing the row(s) for {missing}", missing

    report.each(file, s.first_row[incomplete], "choice", missing_choices)

    choice = tallies["choice"].cat.codes.to_numpy()
    report.rows(
        file,
        (choice >= 0) & (choice != YES) & union_named,
        "union",
        "only a yes row names a union: leave it empty on no, void and challenged rows",
    )
    _check_unions(file, s, per_choice[:, YES], ids, report)
    _check_revisions(file, s, ids, report)

    cast = np.bincount(
        s.group, weights=np.where(s.choice == CHALLENGED, 0, np.nan_to_num(s.ballots)), minlength=n_groups
    )
    eligible = elections["eligible_voters"].to_numpy(dtype=float, na_value=np.nan)[s.group_election]
    over = np.flatnonzero(cast > eligible)
    report.each(
        file,
        s.first_row[over],
        "ballots",
        lambda i: (
            f"the yes, no and void ballots of stage {s.group_stage[over[i]]} exceed the {int(eligible[over[i]])} "
            f"eligible voters of {ids[s.group_election[over[i]]]} (challenged ballots are left out: their voters may "
            "not be on the list)",
            str(int(cast[over[i]])),
        ),
    )

    is_challenged = s.choice == CHALLENGED
    challenged = np.full(n_groups, np.nan)
    challenged[s.group[is_challenged]] = s.ballots[is_challenged]
    challenged_row = np.full(n_groups, -1, dtype=np.int64)
    challenged_row[s.group[is_challenged]] = s.rows[is_challenged]
    at_initial = np.full(len(elections), np.nan)
    initial = np.flatnonzero(s.group_rank == 0)
    at_initial[s.group_election[initial]] = challenged[initial]
    baseline = at_initial[s.group_election]
    # Only the `final` stage: a revised tally (`revised-N`) may correct the count with more challenged ballots than
    # the first (the NLRB's revised tallies do; its latest count stands), while the tally that closed the count
    # comes after the challenges were resolved.
    grew = np.flatnonzero((s.group_rank == FINAL_RANK) & (challenged > baseline))
    report.each(
        file,
        challenged_row[grew],
        "ballots",
        lambda i: (
            f"more challenged ballots at the {s.group_stage[grew[i]]} stage than the {int(baseline[grew[i]])} "
            "of the initial stage",
            str(int(challenged[grew[i]])),
        ),
    )

    untallied = np.bincount(s.group_election, minlength=len(elections)) == 0
    if untallied.any():  # a repeated election_id is reported as a repeated key, not here
        untallied &= ~elections["election_id"].duplicated().to_numpy()
    report.rows(raw["elections"], untallied, "election_id", "the election has no rows in tallies.csv")


def _check_unions(file: RawTable, s: _Stages, yes_rows: np.ndarray, ids: np.ndarray, report: Report) -> None:
    """A single-union ballot leaves `union` empty on its one yes row; a ballot with several unions names each
    yes row's union, and every stage of the election names the same unions."""
    n_groups = len(s.first_row)
    most_yes = np.zeros(len(ids), dtype=np.int64)
    np.maximum.at(most_yes, s.group_election, yes_rows)
    several = most_yes[s.group_election] >= 2  # per group: the election's ballot has several unions

    report.rows(
        file,
        s.rows[s.named & ~several[s.group]],
        "union",
        "a ballot with one union leaves `union` empty on its yes row (elections.csv names the union)",
    )
    named = np.bincount(s.group[s.named], minlength=n_groups)
    mixed = (yes_rows >= 2) & (named > 0) & (yes_rows > named)
    unnamed = (s.choice == YES) & ~s.named & mixed[s.group]
    first_unnamed = s.rows[unnamed][np.unique(s.group[unnamed], return_index=True)[1]]
    report.rows(
        file,
        np.sort(first_unnamed),
        "union",
        "a yes row without a union on a ballot with several unions: name the union of every yes row",
    )

    if not s.named.any():
        return
    names, name_codes = np.unique(s.union[s.named], return_inverse=True)
    # each (election, union, stage) named, once; then how many unions each election and each stage names
    triples = np.unique(np.stack([s.group_election[s.group[s.named]], name_codes, s.group[s.named]]), axis=1)
    pairs = np.unique(triples[:2], axis=1)
    names_of_election = np.bincount(pairs[0], minlength=len(ids))
    names_of_stage = np.bincount(triples[2], minlength=n_groups)
    lacking = np.flatnonzero(several & (names_of_stage < names_of_election[s.group_election]))

    def describe(i: int) -> tuple[str, str]:
        g = lacking[i]
        e = s.group_election[g]
        everywhere = set(names[pairs[1][pairs[0] == e]])
        missing = ", ".join(sorted(everywhere - set(names[triples[1][triples[2] == g]])))
        return (
            f"election {ids[e]}, stage {s.group_stage[g]} has no yes row for {missing}, named in another "
            "stage: every stage lists the same unions",
            missing,
        )

    report.each(file, s.first_row[lacking], "union", describe)


def _check_revisions(file: RawTable, s: _Stages, ids: np.ndarray, report: Report) -> None:
    """The revised tallies of an election are numbered revised-1, revised-2, ... without gaps."""
    revision = np.flatnonzero((s.group_rank > 0) & (s.group_rank < FINAL_RANK))
    elections = s.group_election[revision]
    count = np.bincount(elections, minlength=len(ids))
    highest = np.zeros(len(ids), dtype=np.int64)
    np.maximum.at(highest, elections, s.group_rank[revision])
    gapped = np.flatnonzero(highest > count)
    after = np.zeros(len(gapped), dtype=np.int64)  # per election, the first revision past a gap
    gaps = np.zeros(len(gapped), dtype=np.int64)
    for i, e in enumerate(gapped[:MAX_SHOWN]):
        groups = revision[elections == e]
        numbers = set(s.group_rank[groups].tolist())
        gaps[i] = next(n for n in range(1, len(numbers) + 2) if n not in numbers)
        after[i] = groups[np.argmin(np.where(s.group_rank[groups] > gaps[i], s.group_rank[groups], FINAL_RANK))]
    report.each(
        file,
        s.first_row[after[:MAX_SHOWN]],
        "stage",
        lambda i: (
            f"election {ids[gapped[i]]} has {s.group_stage[after[i]]} but no revised-{gaps[i]}: revisions are "
            "numbered revised-1, revised-2, ... without gaps",
            str(s.group_stage[after[i]]),
        ),
    )
    report.total += max(len(gapped) - MAX_SHOWN, 0)


def _check_one_preferred(raw: RawTable, frame: pd.DataFrame, by: tuple[str, ...], report: Report) -> None:
    """Exactly one preferred row among the rows sharing the `by` columns; a row alone in its group whose
    `preferred` cell is empty (or whose file has no such column) is the preferred one. Sets `preferred`."""
    group = frame.groupby(list(by), sort=False, dropna=False, observed=True).ngroup().to_numpy()
    size = np.bincount(group)[group]
    frame["preferred"] = frame["preferred"].to_numpy(dtype=bool) | (_is_empty(raw.frame["preferred"]) & (size == 1))
    preferred = np.bincount(group, weights=frame["preferred"].to_numpy(dtype=float))
    first = np.unique(group, return_index=True)[1]
    rows = np.sort(first[preferred[group[first]] != 1])
    report.each(
        raw,
        rows,
        "preferred",
        lambda i: (
            "exactly one row must be preferred=true among the rows with the same " + ", ".join(by),
            f"{int(preferred[group[rows[i]]])} preferred",
        ),
    )


def _check_preferred_eligible(
    raw: RawTable, workforce: pd.DataFrame, elections: pd.DataFrame, election: np.ndarray, report: Report
) -> None:
    """Where outlets disagree on the eligible voters, the preferred figure in workforce.csv is the one
    elections.csv gives (the figure the charts and the rules use): two files, one number."""
    rows = np.flatnonzero(
        (workforce["measure"].astype(object) == "eligible_voters").to_numpy(dtype=bool)
        & workforce["preferred"].to_numpy(dtype=bool)
        & (election >= 0)
    )
    value = workforce["value"].to_numpy(dtype=float, na_value=np.nan)[rows]
    expected = elections["eligible_voters"].to_numpy(dtype=float, na_value=np.nan)[election[rows]]
    wrong = ~np.isnan(value) & (value != expected)  # NaN != x: an election without the figure is wrong too
    ids = elections["election_id"].to_numpy(dtype=object)[election[rows]]
    report.each(
        raw,
        rows[wrong],
        "value",
        lambda i: (
            f"the preferred eligible_voters of {ids[wrong][i]} differs from elections.csv's "
            + ("empty cell" if np.isnan(expected[wrong][i]) else f"{int(expected[wrong][i]):,}")
            + ": elections.csv holds the preferred figure",
            str(int(value[wrong][i])),
        ),
    )


def validate(raw: Mapping[str, RawTable], report: Report | None = None) -> tuple[dict[str, pd.DataFrame], Report]:
    """Type every parsed table and check every rule of the contract; returns the typed tables and the report
    (`report`, when given, collects the problems after those found while reading).

    Tables missing from `raw` (their file could not be read) are skipped, with the checks that need them.
    """
    report = Report() if report is None else report
    typed = {name: _typed_table(table, report) for name, table in raw.items()}
    codes = _Codes(raw)
    for table in raw.values():
        _check_primary_key(table, codes, report)
    resolved = {
        key: rows
        for key, rows in _check_foreign_keys(raw, codes, report).items()
        if key in (("tallies", "election_id"), ("workforce", "election_id"))  # the references the checks below use
    }
    del codes  # the key columns' codes (a national tallies file: four int64 arrays of a row each) are done with
    if "elections" in typed:
        _check_elections(raw["elections"], typed["elections"], report)
    if ("tallies", "election_id") in resolved:
        _check_tallies(raw, typed, resolved[("tallies", "election_id")], report)
    if "spending" in typed:
        spending = typed["spending"]
        report.rows(
            raw["spending"],
            (spending["period_end"] < spending["period_start"]).to_numpy(),
            "period_end",
            "the period ends before it starts (period_start)",
        )
        _check_one_preferred(raw["spending"], spending, PREFERRED_GROUPS["spending"], report)
    if "workforce" in typed:
        _check_one_preferred(raw["workforce"], typed["workforce"], PREFERRED_GROUPS["workforce"], report)
        if ("workforce", "election_id") in resolved and "elections" in typed:
            workforce_election = resolved[("workforce", "election_id")]
            _check_preferred_eligible(
                raw["workforce"], typed["workforce"], typed["elections"], workforce_election, report
            )
    return typed, report
