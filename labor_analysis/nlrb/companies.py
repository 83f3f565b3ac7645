"""The company behind each employer name: rules for spelling, then a reviewed alias table for brands.

The NLRB's files spell one employer many ways ("Starbucks Corporation", "STARBUCKS CORPORATION"; Amazon as
"AMAZON.COM.DEDC, LLC, A SUBSIDIARY OF AMAZON.COM, INC." and "Amazon.com Services LLC"). Rules join what
spelling alone tells apart (`key`): capitals, punctuation, "&" and "and", legal suffixes (Inc., LLC, Corp., ...),
"f/k/a" (a former name, dropped), "a (wholly owned) subsidiary of Y" (the parent Y names the company) and
"X d/b/a Y" (X, the legal employer, unless only Y is in the table). Brands the rules cannot join are in
`companies.csv` beside this module, reviewed by hand and sourced, with dates where ownership changed (Whole
Foods Market is Amazon's from 2017-08-28): an employer whose key starts with a row's `match` words, counted
within the row's dates, belongs to its `company`. Any other employer's company is its most common spelling
(mixed case preferred) among the names sharing its key, without the legal suffix.

`near_matches` lists keys the rules did not join that look alike (difflib), for a person to review.
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files

import numpy as np
import pandas as pd

from ..text import LEGAL_SUFFIXES, without_legal_form

DBA = re.compile(r"\b(?:d\s*/\s*b\s*/\s*a|d\.b\.a\.?|dba|doing business as)\b", re.IGNORECASE)
FORMERLY = re.compile(r"\b(?:f\s*/\s*k\s*/\s*a|f\.k\.a\.?|fka|formerly known as)\b.*$", re.IGNORECASE)
SUBSIDIARY = re.compile(r"[,;]?\s*\b(?:a\s+)?(?:wholly[\s-]+owned\s+)?subsidiary\s+of\b", re.IGNORECASE)
_SPLIT_LETTERS = re.compile(r"\b((?:[a-z] )+[a-z])\b")  # "l l c" (from L.L.C.) -> "llc"
_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Alias:
    """One reviewed row of companies.csv."""

    match: str
    company: str
    valid_from: pd.Timestamp | None
    valid_to: pd.Timestamp | None
    source: str


@cache
def aliases() -> tuple[Alias, ...]:
    """The reviewed alias table, longest `match` first (the most specific row wins)."""
    text = files(__package__).joinpath("companies.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    out = [
        Alias(
            key(r["match"]),
            r["company"],
            pd.Timestamp(r["valid_from"]) if r["valid_from"] else None,
            pd.Timestamp(r["valid_to"]) if r["valid_to"] else None,
            r["source"],
        )
        for r in rows
    ]
    return tuple(sorted(out, key=lambda a: -len(a.match)))


@lru_cache(maxsize=1 << 16)
def key(name: str) -> str:
    """A name compared without capitals, punctuation, "&"/"and" or a trailing legal form."""
    text = name.lower().replace("&", " and ").replace("'", "")
    text = _NOT_ALPHANUMERIC.sub(" ", text).strip()
    text = _SPLIT_LETTERS.sub(lambda m: m.group(1).replace(" ", ""), text)
    words = text.split()
    while words and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    while words and words[0] == "the":
        words.pop(0)
    return " ".join(words)


#: Joins names for `keys`: no name `key` reads holds it (else they are keyed one by one).
_SEPARATOR = "\x00"
_NOT_ALPHANUMERIC_OR_SEPARATOR = re.compile(r"[^a-z0-9\x00]+")


def keys(names: list[str]) -> list[str]:
    """`key` of each name, the text rules applied to all the names at once (joined by NUL: a regex over one long
    text costs a fraction of a call per name); the same keys, since no rule reaches across a NUL."""
    if not all(names):  # empty names (most trade names) are keyed "" without joining them in
        filled = [n for n in names if n]
        found = iter(keys(filled))
        return [next(found) if n else "" for n in names]
    joined = _SEPARATOR.join(names)
    if joined.count(_SEPARATOR) != max(len(names) - 1, 0):  # a name holds a NUL: one by one
        return [key(n) for n in names]
    text = joined.lower().replace("&", " and ").replace("'", "")
    text = _NOT_ALPHANUMERIC_OR_SEPARATOR.sub(" ", text)
    text = _SPLIT_LETTERS.sub(lambda m: m.group(1).replace(" ", ""), text)
    out = []
    for part in text.split(_SEPARATOR) if names else []:
        words = part.split()
        while words and words[-1] in LEGAL_SUFFIXES:
            words.pop()
        while words and words[0] == "the":
            words.pop(0)
        out.append(" ".join(words))
    return out


@lru_cache(maxsize=1 << 16)
def parts(employer: str) -> tuple[str, str]:
    """The legal employer and the trade name of a case name: the parent for "X, a subsidiary of Y", X and Y for
    "X d/b/a Y" ("" where there is none); a former name ("f/k/a") is dropped."""
    lower = employer.lower()  # each rule needs these letters (in any case): most names skip the rule's regex
    name = FORMERLY.sub("", employer) if "f" in lower and "k" in lower else employer
    parent = SUBSIDIARY.split(name, maxsplit=1) if "b" in lower and "d" in lower else [name]
    if len(parent) == 2 and key(parent[1]):
        name = parent[1]
    legal, *trade = DBA.split(name, maxsplit=1) if "b" in lower and "d" in lower else [name]
    return legal.strip(" ,;"), (trade[0] if trade else "").strip(" ,;")


@cache
def _alias_start() -> re.Pattern[str]:
    """A key that some alias row's words start (a quick test first: most keys have none)."""
    return re.compile("(?:" + "|".join(re.escape(a.match) for a in aliases()) + r")(?: |\Z)")


def _candidates(name_key: str) -> tuple[Alias, ...]:
    """The alias rows whose words start `name_key`, whatever their dates (most keys have none)."""
    if not _alias_start().match(name_key):
        return ()
    return tuple(a for a in aliases() if name_key == a.match or name_key.startswith(a.match + " "))


def _alias(candidates: tuple[Alias, ...], day: pd.Timestamp) -> str | None:
    """The company of the first candidate row (the most specific) whose dates hold `day`."""
    for a in candidates:
        if (a.valid_from is None or day >= a.valid_from) and (a.valid_to is None or day <= a.valid_to):
            return a.company
    return None


@lru_cache(maxsize=1 << 16)
def _without_suffix(name: str) -> str:
    """A spelling without its trailing legal form and punctuation ("Acme Tools, Inc." -> "Acme Tools"), by the
    headline's rule (`text.without_legal_form`): no "The" left from "The Boeing Company", no half parenthesis."""
    return without_legal_form(name.strip(" ,.;")).strip(" ,.;")


def companies(employers: pd.Series, days: pd.Series) -> pd.Series:
    """The company of each employer (name, day of the count): the alias table's, else the most common spelling
    among the employers sharing its key. Each distinct name is worked out once; only the names the alias table
    matches are looked at election by election (their company can depend on the day)."""
    codes, names = pd.factorize(employers.to_numpy(dtype=object))
    uses = np.bincount(codes, minlength=len(names))
    legal_trade = [parts(e) for e in names]
    legal_keys = keys([legal for legal, _ in legal_trade])
    trade_keys = keys([trade for _, trade in legal_trade])
    name_keys = [own or trade for own, trade in zip(legal_keys, trade_keys)]
    spellings: dict[str, dict[str, int]] = {}  # key -> spelling -> elections, spellings in order of appearance
    for k, (legal, _), n in zip(name_keys, legal_trade, uses.tolist()):
        spelling, counted = _without_suffix(legal), spellings.setdefault(k, {})
        counted[spelling] = counted.get(spelling, 0) + n
    chosen = {
        # one spelling (most keys): itself; else mixed case first, then the most used, then the last in order
        k: next(iter(c))
        if len(c) == 1
        else max(c.items(), key=lambda item: (item[0] != item[0].upper(), item[1], item[0]))[0]
        for k, c in spellings.items()
    }
    by_name = np.array([chosen.get(k) or "" for k in name_keys], dtype=object)
    out = by_name[codes]
    dated = [
        (_candidates(k), _candidates(t) if trade else ())
        for k, t, (_, trade) in zip(name_keys, trade_keys, legal_trade)
    ]
    matched = np.array([bool(own or trade) for own, trade in dated], dtype=bool)
    day_of = days if isinstance(days, pd.Series) else pd.Series(days)
    for position in np.flatnonzero(matched[codes]):
        own, trade = dated[codes[position]]
        day = day_of.iloc[position]
        out[position] = _alias(own, day) or (_alias(trade, day) if trade else None) or by_name[codes[position]]
    return pd.Series(out, index=employers.index, dtype=object)


def near_matches(company_names: pd.Series, cutoff: float = 0.9, limit: int = 200) -> list[dict[str, object]]:
    """Pairs of distinct companies whose keys look alike but the rules did not join, for review: compared within
    the same first word (difflib ratio at least `cutoff`), the most frequent first, at most `limit`."""
    counts = company_names[company_names != ""].value_counts()
    by_key: dict[str, str] = {}
    names = counts.index.tolist()
    for name_key, name in zip(keys(names), names):
        if name_key:
            by_key.setdefault(name_key, name)
    found = list(by_key)
    pairs = []
    matcher, current = difflib.SequenceMatcher(None, "", ""), ""
    for i, j in _alike(found, cutoff):
        a, b = found[i], found[j]
        if a is not current:  # seq2 is the one difflib caches: the pairs come grouped by their first key
            matcher.set_seq2(a)
            current = a
        matcher.set_seq1(b)
        ratio = matcher.ratio()
        if ratio >= cutoff:
            pairs.append((by_key[a], by_key[b], ratio))
    uses = dict(zip(names, counts.tolist()))  # a Series lookup per pair costs more than the pair's ratio
    pairs.sort(key=lambda p: (-(uses[p[0]] + uses[p[1]]), p[0], p[1]))
    return [
        {"company": a, "elections": uses[a], "near": b, "near_elections": uses[b], "ratio": round(r, 3)}
        for a, b, r in pairs[:limit]
    ]


def _alike(found: list[str], cutoff: float) -> list[tuple[int, int]]:
    """The pairs (i, j), i before j, of keys sharing their first word whose difflib upper bounds reach `cutoff`:
    `real_quick_ratio` (from the lengths) and `quick_ratio` (the letters in common, whatever their order), both
    computed for all pairs at once with the same formula as difflib's, so exactly the pairs its checks would pass.
    Keys are ASCII (`key` keeps only a-z, 0-9 and spaces)."""
    if len(found) < 2:
        return []
    _, block = np.unique([k.split(" ", 1)[0] for k in found], return_inverse=True)
    order = np.argsort(block, kind="stable")  # each first word's keys together, in their order
    lengths = np.array([len(k) for k in found])
    text = np.frombuffer("".join(found).encode("ascii"), dtype=np.uint8)
    letters = np.bincount(np.repeat(np.arange(len(found)) * 128, lengths) + text, minlength=len(found) * 128)
    letters = letters.reshape(len(found), 128)
    first, second = [], []
    for step in range(1, len(found)):
        same = np.flatnonzero(block[order[:-step]] == block[order[step:]])
        if not len(same):
            break  # no first word has more than `step` keys
        first.append(order[same])
        second.append(order[same + step])
    if not first:  # every first word has one key
        return []
    a, b = np.concatenate(first), np.concatenate(second)
    total = lengths[a] + lengths[b]
    close = 2.0 * np.minimum(lengths[a], lengths[b]) / total >= cutoff
    a, b, total = a[close], b[close], total[close]
    common = np.minimum(letters[a], letters[b]).sum(axis=1)
    alike = 2.0 * common / total >= cutoff
    a, b = a[alike], b[alike]
    grouped = np.lexsort((b, a))
    return list(zip(a[grouped].tolist(), b[grouped].tolist()))
