"""Selections: the elections of a company, a place, a period or a union, as a smaller Dataset of the same contract.

`select(ds, city="Pittsburgh", since="2022-01-01")` keeps the matching elections with their tallies and
workforce rows, the spending of their employers and unions, and the sources those rows cite, so every helper,
chart, story and scenario works on the selection unchanged. Text matches ignore case and surrounding spaces;
each filter takes one value or several (any of them matches); filters combine with "and".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, TypeAlias

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .loading import Dataset

#: One value or several; None: no filter.
Values: TypeAlias = str | Iterable[str] | None
#: A day, as an ISO string (`"2022-01-31"`), a date or a timestamp; None: no bound.
Day: TypeAlias = str | dt.date | pd.Timestamp | None

#: An NLRB case number: `<region>-<case type>-<number>`, e.g. `10-RC-269250` (region 10, a representation
#: petition filed by workers or a union; `RM`: filed by the employer; `RD`: to decertify a union).
CASE_NUMBER = re.compile(r"^\s*(\d{1,2})-([A-Za-z]{2})-\d+")

#: The filters of `select`, in the order the command line and the docs give them.
FILTERS = ("company", "employer", "city", "state", "region", "union", "case_type", "since", "until", "election_ids")


def case_parts(case_numbers: pd.Series) -> pd.DataFrame:
    """The NLRB region (Int64) and case type (upper-case text, e.g. `RC`) of each case number; missing where the
    cell is empty or not a case number.

    >>> parts = case_parts(pd.Series(["10-RC-269250", "", "03-rm-1"]))
    >>> parts["region"].tolist(), parts["case_type"].tolist()
    ([10, <NA>, 3], ['RC', <NA>, 'RM'])
    """
    cells = case_numbers.to_numpy(dtype=object)
    regions, types, found = _case_parts_fast(cells)
    for i in np.flatnonzero(~found):  # what the fast path cannot read: leading spaces, or not a case number
        match = CASE_NUMBER.match(cells[i]) if isinstance(cells[i], str) else None
        if match:
            regions[i], types[i], found[i] = int(match.group(1)), match.group(2).upper(), True
    return pd.DataFrame(
        {
            "region": pd.arrays.IntegerArray(regions, ~found),
            "case_type": pd.Series(types, dtype="string", index=case_numbers.index).where(found),
        },
        index=case_numbers.index,
    )


def _case_parts_fast(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Region, case type and found, read without a pattern from the first characters of each cell, for the
    usual forms `NN-XX-N...` and `N-XX-N...` (a national file holds thousands); other cells are left not found.

    The cells are encoded in one piece, a NUL after each, and the first seven bytes of each read from it by
    position: no cell is converted on its own."""
    try:
        text = "\x00".join(cells)  # the usual case: no cell is missing
    except TypeError:
        text = "\x00".join(np.where(pd.isna(cells), "", cells))  # a loaded text column holds text or missing cells
    if text.count("\x00") != max(len(cells) - 1, 0):  # a cell holds a NUL: leave every cell to the pattern
        return np.zeros(len(cells), dtype=np.int64), np.full(len(cells), "", dtype=object), np.zeros(len(cells), bool)
    data = np.frombuffer((text + "\x00" * 8).encode("utf-8"), dtype=np.uint8)
    ends = np.flatnonzero(data == 0)[: len(cells)]
    starts = np.concatenate(([0], ends[:-1] + 1)) if len(cells) else ends
    codes = data[starts[:, None] + np.arange(7)]
    codes[np.arange(7)[None, :] >= (ends - starts)[:, None]] = 0  # past a short cell's end
    digit = (codes >= ord("0")) & (codes <= ord("9"))
    letter = ((codes | 32) >= ord("a")) & ((codes | 32) <= ord("z"))
    dash = codes == ord("-")
    two = digit[:, 0] & digit[:, 1] & dash[:, 2] & letter[:, 3] & letter[:, 4] & dash[:, 5] & digit[:, 6]
    one = digit[:, 0] & dash[:, 1] & letter[:, 2] & letter[:, 3] & dash[:, 4] & digit[:, 5]
    value = codes.astype(np.int64) - ord("0")
    regions = np.where(two, value[:, 0] * 10 + value[:, 1], np.where(one, value[:, 0], 0))
    start = np.where(two, 3, 2)[:, None] + np.arange(2)[None, :]
    found = two | one
    letters = np.where(found[:, None], np.take_along_axis(codes, start, axis=1) & ~np.uint8(32), 0)  # upper case
    return regions, _case_types(np.ascontiguousarray(letters).view("S2").ravel()), found


def _case_types(letters: np.ndarray) -> np.ndarray:
    """Two-letter case types (bytes, "S2") as an object array of text, each distinct type decoded once (a national
    file holds a handful: RC, RM, RD)."""
    pairs = letters.view(np.uint16)
    seen = np.flatnonzero(np.bincount(pairs, minlength=2**16))
    names = np.full(2**16, "", dtype=object)
    names[seen] = [t.decode("ascii") for t in seen.astype(np.uint16).view("S2")]
    return names[pairs]


def _fold(value: object) -> str:
    """A cell folded for comparison: text without surrounding spaces, in one case; "" for a missing cell."""
    return "" if not isinstance(value, str) else value.strip().casefold()


def _matching(column: pd.Series, wanted: set[str]) -> np.ndarray:
    """Which cells of a text column, folded, are among `wanted`: each distinct value is folded once."""
    codes, uniques = pd.factorize(column.to_numpy(dtype=object), use_na_sentinel=True)
    hits = np.array([_fold(value) in wanted for value in uniques], dtype=bool)
    return np.append(hits, "" in wanted)[codes]  # code -1 (missing) reads the last entry


def _folded_values(column: pd.Series) -> set[str]:
    """The distinct values of a text column, folded, without the empty one."""
    return {_fold(value) for value in pd.unique(column.to_numpy(dtype=object))} - {""}


def _wanted(values: Values, name: str) -> set[str] | None:
    """The filter's values, folded for comparison; None when the filter is not given."""
    if values is None:
        return None
    items = [values] if isinstance(values, str | int) else list(values)
    for item in items:
        if not isinstance(item, str | int):
            raise TypeError(f"{name}: expected text or a list of texts, got {item!r}")
    return {str(item).strip().casefold() for item in items}


def company_or_employer(elections: pd.DataFrame) -> pd.Series:
    """Each election's company, or its employer where the folder names no company."""
    employer = elections["employer"]
    if "company" not in elections.columns:
        return employer
    company = elections["company"]
    named = company.notna().to_numpy(dtype=bool) & (company.to_numpy(dtype=object) != "")
    return company.where(named, employer)


def _day(value: Day, name: str) -> pd.Timestamp | None:
    """`value` as a Timestamp; a ValueError naming the filter when it is not a day."""
    if value is None:
        return None
    try:
        day = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise ValueError(f"{name}: {value!r} is not a date (use YYYY-MM-DD)") from None
    if pd.isna(day):
        raise ValueError(f"{name}: {value!r} is not a date (use YYYY-MM-DD)")
    return day.normalize()


def _regions(values: str | int | Iterable[str | int] | None) -> set[int] | None:
    """The region numbers asked for (`"03"`, `"3"` and `3` are one region)."""
    if values is None:
        return None
    items = [values] if isinstance(values, str | int) else list(values)
    try:
        return {int(str(item).strip()) for item in items}
    except ValueError:
        raise ValueError(f"region: expected NLRB region numbers, got {values!r}") from None


def election_mask(
    ds: Dataset,
    *,
    company: Values = None,
    employer: Values = None,
    city: Values = None,
    state: Values = None,
    region: str | int | Iterable[str | int] | None = None,
    union: Values = None,
    case_type: Values = None,
    since: Day = None,
    until: Day = None,
    election_ids: Values = None,
) -> np.ndarray:
    """Which rows of `ds.elections` the filters keep (see `select`)."""
    elections = ds.elections
    keep = np.ones(len(elections), dtype=bool)

    def text_filter(column: pd.Series, values: Values, name: str) -> None:
        nonlocal keep
        wanted = _wanted(values, name)
        if wanted is not None:
            keep &= _matching(column, wanted)

    if company is not None:
        text_filter(company_or_employer(elections), company, "company")
    text_filter(elections["employer"], employer, "employer")
    text_filter(elections["city"], city, "city")
    text_filter(elections["state"], state, "state")
    text_filter(elections["election_id"], election_ids, "election_ids")
    wanted_unions = _wanted(union, "union")
    if wanted_unions is not None:
        on_ballot = _matching(elections["union"], wanted_unions)
        tallies = ds.tallies
        if "union" in tallies.columns:
            named_in_tally = tallies.loc[_matching(tallies["union"], wanted_unions), "election_id"]
            on_ballot = on_ballot | elections["election_id"].isin(set(named_in_tally)).to_numpy(dtype=bool)
        keep &= on_ballot
    wanted_regions = _regions(region)
    if wanted_regions is not None or case_type is not None:
        parts = case_parts(elections["case_number"])
        if wanted_regions is not None:
            keep &= parts["region"].isin(wanted_regions).to_numpy(dtype=bool, na_value=False)
        text_filter(parts["case_type"], case_type, "case_type")
    first, last = _day(since, "since"), _day(until, "until")
    if first is not None:
        keep &= (elections["count_date"] >= first).to_numpy(dtype=bool)
    if last is not None:
        keep &= (elections["count_date"] <= last).to_numpy(dtype=bool)
    return keep


def _initials(name: str) -> str:
    """A union's initials from its full name: `Amazon Labor Union` -> `alu`, `Retail, Wholesale and Department
    Store Union` -> `rwdsu` (words in lower case, like `and`, are left out)."""
    return "".join(word[0] for word in re.findall(r"[A-Za-z][\w'-]*", name) if word[0].isupper()).casefold()


def _spending_kept(
    ds: Dataset, elections: pd.DataFrame, first: pd.Timestamp | None, last: pd.Timestamp | None
) -> np.ndarray:
    """The spending rows of the kept elections' sides: the employer's rows where the spender is a kept election's
    company or employer, the union's where it is a kept election's union (by name or by its initials, as
    `Amazon Labor Union` is `ALU`); with `since`/`until`, only rows whose period shares a day with them."""
    spending = ds.spending
    if spending.empty or elections.empty:
        return np.zeros(len(spending), dtype=bool)
    employers = _folded_values(elections["employer"])
    if "company" in elections.columns:
        employers |= _folded_values(elections["company"])
    unions = _folded_values(elections["union"])
    if "union" in ds.tallies.columns:
        kept_tallies = ds.tallies[ds.tallies["election_id"].isin(set(elections["election_id"]))]
        unions |= _folded_values(kept_tallies["union"])
    side = spending["side"].astype(str).to_numpy()
    initials = spending["spender"].astype(str).map(_initials)
    keep = np.where(
        side == "employer",
        _matching(spending["spender"], employers),
        _matching(spending["spender"], unions) | initials.isin(unions).to_numpy(dtype=bool),
    )
    if first is not None:
        keep &= (spending["period_end"] >= first).to_numpy(dtype=bool)
    if last is not None:
        keep &= (spending["period_start"] <= last).to_numpy(dtype=bool)
    return keep


def _rows(frame: pd.DataFrame, keep: np.ndarray | pd.Series) -> pd.DataFrame:
    """The kept rows of a table, numbered from 0 as a loaded table is."""
    return frame[np.asarray(keep, dtype=bool)].reset_index(drop=True)


def select(
    ds: Dataset,
    *,
    company: Values = None,
    employer: Values = None,
    city: Values = None,
    state: Values = None,
    region: str | int | Iterable[str | int] | None = None,
    union: Values = None,
    case_type: Values = None,
    since: Day = None,
    until: Day = None,
    election_ids: Values = None,
) -> Dataset:
    """The elections of `ds` that match every filter given, as a Dataset of the same contract.

    Text filters (`company`, `employer`, `city`, `state`, `union`, `case_type`, `election_ids`) match whole
    values without regard to case, one value or any of several; `company` falls back to the employer where the
    company is empty; `union` matches the petitioning union or any union on the ballot. `region` (an NLRB
    region number) and `case_type` (`RC`, `RM`, `RD`, ...) are read from the case number: an election without
    one matches neither. `since` and `until` bound the count date, both days included. Tallies and workforce
    rows follow their elections; spending rows are kept for the kept elections' employers and unions (within
    `since`..`until` when given); sources are the ones the kept rows cite.

    >>> import labor_analysis as la
    >>> ds = la.load().select(city="staten island", since="2022-01-01")
    >>> sorted(ds.elections["election_id"])
    ['jfk8-2022', 'ldj5-2022']
    """
    keep = election_mask(
        ds,
        company=company,
        employer=employer,
        city=city,
        state=state,
        region=region,
        union=union,
        case_type=case_type,
        since=since,
        until=until,
        election_ids=election_ids,
    )
    elections = _rows(ds.elections, keep)
    ids = set(elections["election_id"])
    tallies = _rows(ds.tallies, ds.tallies["election_id"].isin(ids))
    workforce = _rows(ds.workforce, ds.workforce["election_id"].isin(ids))
    spending = _rows(ds.spending, _spending_kept(ds, elections, _day(since, "since"), _day(until, "until")))
    cited = set().union(*(set(t["source_id"]) for t in (elections, tallies, workforce, spending)))
    sources = _rows(ds.sources, ds.sources["source_id"].isin(cited))
    return replace(ds, elections=elections, tallies=tallies, spending=spending, workforce=workforce, sources=sources)
