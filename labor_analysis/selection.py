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

    >>> case_parts(pd.Series(["10-RC-269250", "", "03-rm-1"])).to_dict("list")
    {'region': [10, <NA>, 3], 'case_type': ['RC', <NA>, 'RM']}
    """
    parts = case_numbers.astype("string").str.extract(CASE_NUMBER)
    return pd.DataFrame(
        {
            "region": pd.to_numeric(parts[0], errors="coerce").astype("Int64"),
            "case_type": parts[1].str.upper().astype(object).where(parts[1].notna(), pd.NA),
        },
        index=case_numbers.index,
    )


def _wanted(values: Values, name: str) -> set[str] | None:
    """The filter's values, folded for comparison; None when the filter is not given."""
    if values is None:
        return None
    items = [values] if isinstance(values, str | int) else list(values)
    for item in items:
        if not isinstance(item, str | int):
            raise TypeError(f"{name}: expected text or a list of texts, got {item!r}")
    return {str(item).strip().casefold() for item in items}


def _folded(column: pd.Series) -> pd.Series:
    """A text column folded for comparison (missing cells become "")."""
    return column.astype("string").fillna("").str.strip().str.casefold()


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
            keep &= _folded(column).isin(wanted).to_numpy(dtype=bool)

    companies = elections["company"] if "company" in elections.columns else pd.Series(pd.NA, index=elections.index)
    named = companies.astype("string").fillna("").str.strip() != ""
    text_filter(companies.where(named, elections["employer"]), company, "company")
    text_filter(elections["employer"], employer, "employer")
    text_filter(elections["city"], city, "city")
    text_filter(elections["state"], state, "state")
    text_filter(elections["election_id"], election_ids, "election_ids")
    wanted_unions = _wanted(union, "union")
    if wanted_unions is not None:
        on_ballot = _folded(elections["union"]).isin(wanted_unions).to_numpy(dtype=bool)
        tallies = ds.tallies
        if "union" in tallies.columns:
            named_in_tally = tallies.loc[_folded(tallies["union"]).isin(wanted_unions).to_numpy(), "election_id"]
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
    employers = set(_folded(elections["employer"]))
    if "company" in elections.columns:
        employers |= set(_folded(elections["company"])) - {""}
    unions = set(_folded(elections["union"]))
    if "union" in ds.tallies.columns:
        kept_tallies = ds.tallies[ds.tallies["election_id"].isin(set(elections["election_id"]))]
        unions |= set(_folded(kept_tallies["union"])) - {""}
    spender = _folded(spending["spender"])
    side = spending["side"].astype(str).to_numpy()
    initials = spending["spender"].astype(str).map(_initials)
    keep = np.where(
        side == "employer",
        spender.isin(employers).to_numpy(dtype=bool),
        (spender.isin(unions) | initials.isin(unions)).to_numpy(dtype=bool),
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
