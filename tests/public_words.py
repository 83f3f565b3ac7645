"""What no public text may say, checked over every title, subtitle, alt text and report sentence we produce.

Shared by the chart, story, CLI, notebook and word tests: each collects the text readers see and asks `problems`
(forbidden words, codes without their place) or `word_problems` / `spec_problems` (the copy desk's list: no
'..', no 'all 1', no `<NA>`, no name in capitals, no title over the preset's length, no raw note after 'After
the count', a decertification never worded as an organizing win, dates in AP style, 'on Staten Island', no first
win in the data worded as the first ever).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from labor_analysis.charts import ChartSpec
from labor_analysis.loading import Dataset
from labor_analysis.presets import SIZE_PRESETS
from labor_analysis.text import ACRONYMS, case_type, place

#: Words for the project's own workings, never for readers; 'upheld' reads as the opposite of the NLRB's meaning.
FORBIDDEN = ("upheld", "seed", "preferred", "the data's note")
#: The longest title any size preset sets.
TITLE_MAX = min(p.max_title_chars for p in SIZE_PRESETS.values())
#: Missing values as pandas or Python print them.
#: A count of four digits or more set without its thousands comma: 'N of M', or five digits standing alone (not a
#: case number's last part, a ZIP code after a state, or a local's number).
UNSEPARATED = re.compile(r"\b\d{4,} of \d|(?<![\w\-./#$,])(?<!Local )\d{5,}(?![\w\-]|[.,]\d)")
MISSING = re.compile(r"<NA>|\bnan\b|\bNaN\b|\bNone\b|\bNaT\b")
#: Two or more words of three or more capitals: a name left in the NLRB file's capitals.
CAPITALS = re.compile(r"\b[A-Z][A-Z&'.-]{2,}(?:[ ,]+[A-Z][A-Z&'.-]{2,})+\b")
#: What the NLRB decided after a count, as `text.status_sentence` words it (the only thing after 'After the count').
STATUS_WORDS = re.compile(r"After the count: (The NLRB|An NLRB|The National Labor Relations Board|The NLRB's Region)")
#: A date not in AP style: a month AP abbreviates before a day spelled out ('January 27, 2025', not 'Jan. 27,
#: 2025'), or any month cut to three letters without AP's period ('Apr 2021', 'Sep. 30').
NOT_AP_DATE = re.compile(
    r"\b(?:January|February|August|September|October|November|December) \d{1,2}, \d{4}"
    r"|\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.? \d{4}\b|\bSep\. \d"
)
#: AP puts a place that is an island "on" it.
IN_AN_ISLAND = re.compile(r"\bin Staten Island\b")
#: A first win that is only the first the data holds, worded as if the first ever.
FIRST_EVER = re.compile(r"\bfirst union win\b[^.;]*\bon record\b")
#: A range marked with an en dash ('2021–2024', 'April 2021–March 2022'): AP, and every other range the package
#: writes ('FY2011-FY2022'), use a hyphen (`text.RANGE`). A dash inside a name from the data is not a range.
EN_DASH_RANGE = re.compile(r"\d\s?\u2013\s?(?:\d|FY\d|[A-Z][a-z]+\.? \d{4})")
#: A rate of nothing ('0 of 3 (0.0%)'), and a union whose name says it is one called a union again ('the ALU union
#: election': ALU is the Amazon Labor Union).
RATE_OF_NONE = re.compile(r"\b0 of [\d,]+ \(0(?:\.0+)?%\)")
UNION_TWICE = re.compile(r"\b(?:[A-Z]{1,5}U|Union) union\b")
#: Words of an organizing win or loss: never for a decertification (RD), where yes keeps a union.
ORGANIZING = re.compile(r"\bUnion (won|lost)\b|\bunion win\b|\bthe union won\b|\bthe union lost\b")


def facility_places(ds: Dataset) -> dict[str, set[str]]:
    """Each facility code (like 'JFK8') of the data and its places in AP style (a code may be used at several)."""
    out: dict[str, set[str]] = {}
    placeless = set()  # a code whose place some election does not give: there the code is all there is
    for f, c, s in zip(ds.elections["facility"], ds.elections["city"], ds.elections["state"]):
        if re.fullmatch(r"[A-Z0-9-]+", str(f)):
            if place(c, s):
                out.setdefault(str(f), set()).add(place(c, s))
            else:
                placeless.add(str(f))
    return {code: places for code, places in out.items() if code not in placeless}


def facility_codes(ds: Dataset) -> set[str]:
    """Every facility code of the data ('KCVG'), with its place or without one: a code, not a name in capitals."""
    return {str(f) for f in ds.elections["facility"] if re.fullmatch(r"[A-Z0-9-]+", str(f))}


def problems(text: str, ds: Dataset) -> list[str]:
    """What is wrong with one public text: forbidden words, and codes used without their place anywhere in it."""
    found = [f"says {word!r}" for word in FORBIDDEN if re.search(rf"\b{re.escape(word)}", text, re.IGNORECASE)]
    for code, places in facility_places(ds).items():
        if re.search(rf"\b{re.escape(code)}\b", text) and not any(where in text for where in places):
            found.append(f"names {code} without {' or '.join(sorted(places))}")
    return found


def word_problems(text: str, *, title: bool = False, codes: Iterable[str] = ()) -> list[str]:
    """The copy desk's list for one text: '..', 'all 1', a missing value printed, a name in capitals, a title too
    long for the presets, a raw note after 'After the count', a date not in AP style, 'in Staten Island', '0 of 3
    (0.0%)', 'ALU union'. `codes`: the data's facility codes ('KCVG'), which
    are codes, not names left in capitals (`problems` checks that each stands with its place)."""
    found = []
    if ".." in text:
        found.append("has '..'")
    if re.search(r"\ball 1\b(?![,\d])", text):
        found.append("says 'all 1'")
    if re.search(r"\bin \d{4} counted\b", text):  # 'in Bessemer, Ala., in 2021 counted April 9, 2021'
        found.append("says the year, then the date it is in, with no comma ('in 2021 counted')")
    if UNSEPARATED.search(text):  # AP: '10,763 of 16,681', not '10763 of 16681'
        found.append(f"has a count without its thousands comma ({UNSEPARATED.search(text).group(0)!r})")
    if MISSING.search(text):
        found.append(f"prints a missing value ({MISSING.search(text).group(0)})")
    for match in CAPITALS.finditer(text):
        words = re.split(r"[ ,]+", match.group(0))
        known = {*ACRONYMS, *codes}
        if any(w.strip(".,'") not in known and len(w.strip(".,'")) > 3 for w in words):
            found.append(f"has a name in capitals ({match.group(0)!r})")
    if title and len(text) > TITLE_MAX:
        found.append(f"title of {len(text)} characters (most {TITLE_MAX})")
    for rule, fault in (
        (NOT_AP_DATE, "a date not in AP style"),
        (IN_AN_ISLAND, "'in' an island AP puts 'on'"),
        (FIRST_EVER, "a first win in the data worded as the first ever"),
        (RATE_OF_NONE, "a rate of none"),
        (EN_DASH_RANGE, "an en dash in a range, where AP uses a hyphen"),
        (UNION_TWICE, "'union' twice"),
    ):
        if rule.search(text):
            found.append(f"has {fault} ({rule.search(text).group(0)!r})")
    for start in (m.start() for m in re.finditer("After the count:", text)):
        if not STATUS_WORDS.match(text, start):
            found.append(f"a raw note after 'After the count' ({text[start : start + 60]!r})")
    return found


def spec_problems(spec: ChartSpec, ds: Dataset) -> list[str]:
    """Everything wrong with one chart's words: `word_problems` of its title, subtitle and alt text, `problems`,
    and a decertification (RD) election's chart worded as an organizing win or loss."""
    codes = facility_codes(ds)
    found = [f"title {p}" for p in word_problems(spec.title, title=True, codes=codes)]
    for name, text in (("subtitle", spec.subtitle), ("alt text", spec.alt_text)):
        found += [f"{name} {p}" for p in word_problems(text, codes=codes)]
    found += [f"words {p}" for p in problems(" ".join((spec.title, spec.subtitle, spec.alt_text)), ds)]
    for election_id, case in rd_elections(ds).items():
        slug = re.sub(r"[^a-z0-9]+", "-", election_id.lower()).strip("-")
        if spec.slug.endswith("-" + slug) and ORGANIZING.search(spec.title + " " + spec.subtitle):
            found.append(f"decertification {case} worded as an organizing result")
    return [f"{spec.slug}: {p}" for p in found]


def rd_elections(ds: Dataset) -> dict[str, str]:
    """The decertification (RD) elections of the data, by election id, with their case numbers."""
    cases = ds.elections.set_index("election_id")["case_number"]
    return {str(e): str(c) for e, c in cases.items() if pd.notna(c) and case_type(c) == "RD"}


def passages_problems(texts: Iterable[tuple[str, str]], ds: Dataset) -> list[str]:
    """`word_problems` and `problems` of report sentences, each named (`(name, text)` pairs)."""
    codes = facility_codes(ds)
    return [f"{name}: {p}" for name, text in texts for p in (*word_problems(text, codes=codes), *problems(text, ds))]
