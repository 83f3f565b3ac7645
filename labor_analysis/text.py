"""How the package writes figures in words: one formatter per kind of number, shared by charts, story and CLI.

Formatting only: each function takes plain values and returns a string, so a chart title, a notebook
sentence and the command line say the same figure the same way. `challenged_ballots_sentence` is the one
place the NLRB's rule on challenged ballots is put into words.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from .rules import is_determinative, yes_needed

#: Below this (or above 1 minus this) a probability is written as "less than" (or "more than").
PROBABILITY_FLOOR = 0.001


def fmt_int(value: float) -> str:
    """A count with thousands separators: 2654 -> '2,654'."""
    return f"{round(float(value)):,}"


def fmt_pct(share: float, digits: int = 1) -> str:
    """A share as a percentage: 0.5547 -> '55.5%'; never rounded across 50% (0.49996 -> '49.9%', not '50.0%').

    A share below one half rounds down to the last step under 50% and one above it up to the first step over,
    so a losing share never reads as half and a winning one never as merely half.
    """
    share = float(share)
    text = f"{100 * share:.{digits}f}"
    if share != 0.5 and not math.isnan(share) and float(text) == 50.0:
        step = 10.0**-digits
        text = f"{50 - step if share < 0.5 else 50 + step:.{digits}f}"
    return f"{text}%"


#: Below this many, a part of a whole is said as a count ('4 of 12'), not a rate that implies a precision it lacks.
RATE_FROM = 30


def part_of(part: int, whole: int) -> str:
    """How many of a whole already named ('of the 3 elections the count decided, unions won ...'), as a copy desk
    prints it: 'none', 'it' (of one), 'both', 'all 12', '4' (a count under `RATE_FROM`), '230 (84%)' (a rate in whole
    percentages: never '0.0%', nor a rate of a handful that implies a precision it lacks)."""
    part, whole = round(float(part)), round(float(whole))
    if part == 0 or whole == 0:
        return "none"
    if part == whole:
        return "it" if whole == 1 else "both" if whole == 2 else f"all {fmt_int(whole)}"
    rate = {"0%": "under 1%", "100%": "over 99%"}.get(fmt_pct(part / whole, 0), fmt_pct(part / whole, 0))
    return fmt_int(part) if whole < RATE_FROM else f"{fmt_int(part)} ({rate})"


def fmt_pct_or(share: float, missing: str = "not reported", digits: int = 1) -> str:
    """`fmt_pct`, or `missing` when the share is missing (so no 'nan%' reaches a reader)."""
    return missing if pd.isna(share) else fmt_pct(share, digits)


#: How a ratio under one reads when it is close to a simple fraction (within `FRACTION_TOLERANCE` of it).
FRACTIONS = {2: "half", 3: "a third", 4: "a quarter", 5: "a fifth", 6: "a sixth", 8: "an eighth", 10: "a tenth"}
FRACTION_TOLERANCE = 0.05


def as_large(ratio: float) -> str:
    """How many times as large one thing is as another, in words a reader takes in at once.

    At least 1.05: '2.9 times as large'; within 5% of equal: 'about as large'; under that, a simple fraction when
    the ratio is within 5% of one ('half as large', 'a fifth as large'), else a percentage ('37% as large', 'under
    1% as large'), never '0.2 times as large'.
    """
    ratio = float(ratio)
    if ratio >= 1 + FRACTION_TOLERANCE:
        return f"{ratio:.1f} times as large"
    if ratio > 1 - FRACTION_TOLERANCE:
        return "about as large"
    if ratio > 0:
        denominator = round(1 / ratio)
        if denominator in FRACTIONS and abs(ratio * denominator - 1) <= FRACTION_TOLERANCE:
            return f"{FRACTIONS[denominator]} as large"
    percent = fmt_pct(ratio, 0)
    return "under 1% as large" if percent == "0%" else f"{percent} as large"


def fmt_usd(amount: float) -> str:
    """Dollars the way a headline says them: 14200000 -> '$14.2 million', 95437 -> '$95,437'."""
    amount = float(amount)
    if amount >= 1_000_000:
        return f"${amount / 1_000_000:.1f} million"
    return f"${amount:,.0f}"


def fmt_usd_short(amount: float) -> str:
    """Dollars for a bar label: '$14.2M', '$750K', '$95'."""
    amount = float(amount)
    if amount >= 1_000_000:
        return f"${amount / 1_000_000:.1f}M"
    if amount >= 1_000:
        return f"${amount / 1_000:.0f}K"
    return f"${amount:.0f}"


def fmt_probability(p: float) -> str:
    """A probability as a percentage, never rounded to a false certainty: 'less than 0.1%', '12.3%', '100%'."""
    if p <= 0.0:
        return "0%"
    if p >= 1.0:
        return "100%"
    if p < PROBABILITY_FLOOR:
        return f"less than {100 * PROBABILITY_FLOOR:.1f}%"
    if p > 1 - PROBABILITY_FLOOR:
        return f"more than {100 * (1 - PROBABILITY_FLOOR):.1f}%"
    return f"{100 * p:.1f}%"


def about(approximate: bool) -> str:
    """'about ' for a figure the data flags as approximate, else nothing."""
    return "about " if approximate else ""


def qualified(approximate: object, qualifier: object = "") -> str:
    """The word a reported figure came with: 'over ', 'up to ' or 'about ' (an approximate figure without a
    `qualifier`), else nothing."""
    if not bool(approximate) or (not isinstance(approximate, bool) and pd.isna(approximate)):
        return ""
    word = _text(qualifier)
    return {"over": "over ", "up_to": "up to "}.get(word, "about ")


#: AP style's month abbreviations before a day ('Nov. 6, 2024'); March to July are spelled out.
_AP_MONTHS = {1: "Jan.", 2: "Feb.", 8: "Aug.", 9: "Sept.", 10: "Oct.", 11: "Nov.", 12: "Dec."}


def long_date(value: object) -> str:
    """A date as a sentence says it, in AP style: 'April 1, 2022', 'Jan. 27, 2025'; one style for every date the
    package writes."""
    stamp = pd.Timestamp(value)
    return f"{_AP_MONTHS.get(stamp.month, stamp.strftime('%B'))} {stamp.day}, {stamp.year}"


#: The one mark of a range in every text the package writes: AP's hyphen ('2011-2022', 'FY2011-FY2022', 'April
#: 2021-March 2022'), never an en dash beside the hyphens of other ranges.
RANGE = "-"


def year_span(first: object, last: object, *, fiscal: bool = False) -> str:
    """Years as a range: '2021' for one, '2021-2024' for several; fiscal years as the NLRB writes them, 'FY2011' or
    'FY2011-FY2022'."""
    mark = "FY" if fiscal else ""
    return f"{mark}{first}" if first == last else f"{mark}{first}{RANGE}{mark}{last}"


def period_label(start: object, end: object) -> str:
    """'2022' for a calendar year, '2021-2022' for whole years, 'December 2022' for one day, else 'April
    2021-March 2022' (AP style spells out a month without a day, and marks a range with a hyphen)."""
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    if first == last:
        return last.strftime("%B %Y")
    if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31):
        return year_span(first.year, last.year)
    return f"{first.strftime('%B %Y')}{RANGE}{last.strftime('%B %Y')}"


def purposes_phrase(purposes: Iterable[object]) -> str:
    """What money was for, from the data's `purpose` texts without their parenthetical details, joined by 'and'."""
    plain = dict.fromkeys(re.sub(r"\s*\(.*?\)", "", str(p)).strip() for p in purposes)
    return " and ".join(plain)


#: AP style's state abbreviations (AP Stylebook, "state names"); the eight states AP never abbreviates and
#: D.C. are spelled as AP writes them after a city.
AP_STATES = {
    "AL": "Ala.",
    "AK": "Alaska",
    "AZ": "Ariz.",
    "AR": "Ark.",
    "CA": "Calif.",
    "CO": "Colo.",
    "CT": "Conn.",
    "DE": "Del.",
    "DC": "D.C.",
    "FL": "Fla.",
    "GA": "Ga.",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Ill.",
    "IN": "Ind.",
    "IA": "Iowa",
    "KS": "Kan.",
    "KY": "Ky.",
    "LA": "La.",
    "ME": "Maine",
    "MD": "Md.",
    "MA": "Mass.",
    "MI": "Mich.",
    "MN": "Minn.",
    "MS": "Miss.",
    "MO": "Mo.",
    "MT": "Mont.",
    "NE": "Neb.",
    "NV": "Nev.",
    "NH": "N.H.",
    "NJ": "N.J.",
    "NM": "N.M.",
    "NY": "N.Y.",
    "NC": "N.C.",
    "ND": "N.D.",
    "OH": "Ohio",
    "OK": "Okla.",
    "OR": "Ore.",
    "PA": "Pa.",
    "RI": "R.I.",
    "SC": "S.C.",
    "SD": "S.D.",
    "TN": "Tenn.",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vt.",
    "VA": "Va.",
    "WA": "Wash.",
    "WV": "W.Va.",
    "WI": "Wis.",
    "WY": "Wyo.",
    "PR": "Puerto Rico",
}

#: States by their postal code, spelled out as AP style writes a state standing alone ("in Pennsylvania").
STATE_NAMES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
    "CT": "Connecticut", "DE": "Delaware", "DC": "the District of Columbia", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts",
    "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico",
    "NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming", "PR": "Puerto Rico", "GU": "Guam",
    "VI": "the U.S. Virgin Islands", "AS": "American Samoa", "MP": "the Northern Mariana Islands",
}  # fmt: skip


def state_name(code: object) -> str:
    """A state's name standing alone: 'PA' -> 'Pennsylvania'; an unknown code as given; '' when empty."""
    text = "" if code is None or pd.isna(code) else str(code).strip()
    return STATE_NAMES.get(text.upper(), text)


#: Cities AP style names without their state (the AP Stylebook's dateline list), by state.
AP_STANDALONE_CITIES = {
    ("Atlanta", "GA"),
    ("Baltimore", "MD"),
    ("Boston", "MA"),
    ("Chicago", "IL"),
    ("Cincinnati", "OH"),
    ("Cleveland", "OH"),
    ("Dallas", "TX"),
    ("Denver", "CO"),
    ("Detroit", "MI"),
    ("Honolulu", "HI"),
    ("Houston", "TX"),
    ("Indianapolis", "IN"),
    ("Las Vegas", "NV"),
    ("Los Angeles", "CA"),
    ("Miami", "FL"),
    ("Milwaukee", "WI"),
    ("Minneapolis", "MN"),
    ("New Orleans", "LA"),
    ("New York", "NY"),
    ("Oklahoma City", "OK"),
    ("Philadelphia", "PA"),
    ("Phoenix", "AZ"),
    ("Pittsburgh", "PA"),
    ("St. Louis", "MO"),
    ("Salt Lake City", "UT"),
    ("San Antonio", "TX"),
    ("San Diego", "CA"),
    ("San Francisco", "CA"),
    ("Seattle", "WA"),
    ("Washington", "DC"),
}


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value).strip()


def place(city: object, state: object) -> str:
    """A city in AP style: 'Staten Island, N.Y.', 'Bessemer, Ala.', 'Philadelphia'; '' when both are empty.

    A city AP names alone stands alone; a missing city leaves the state (as AP abbreviates it).
    """
    city, state = place_display(city), _text(state).upper()
    state_name = AP_STATES.get(state, state)
    if not city:
        return state_name
    if not state or (city, state) in AP_STANDALONE_CITIES:
        return city
    return f"{city}, {state_name}"


def _without_city(name: str, city: object) -> str:
    """A workplace's name without its city where the city only ends it ('Whole Foods Philadelphia' -> 'Whole
    Foods'), so the place is said once; a name the city is part of keeps it ('Carnegie Library of Pittsburgh')."""
    city = place_display(city)
    if not city or not name.lower().endswith(" " + city.lower()):
        return name
    rest = name[: -len(city)].rstrip(" ,")
    return name if not rest or rest.split(" ")[-1].lower() in _MINOR else rest


def _is_code(facility: str) -> bool:
    """A facility code such as 'JFK8' (capitals and digits), as against a name like 'Whole Foods Philadelphia'."""
    return re.fullmatch(r"[A-Z0-9-]+", facility) is not None


def site(facility: object, city: object, state: object, with_code: bool = False) -> str:
    """Where an election was held, for a reader: the place, and the facility only where it adds something.

    A facility's own name ('Whole Foods Philadelphia') is kept as 'Whole Foods, Philadelphia'; a code ('JFK8')
    only when `with_code` (to tell two sites of one place apart): 'JFK8, Staten Island, N.Y.'. With neither
    city nor state, the facility is all there is.
    """
    facility, where = short_employer(facility), place(city, state)
    if not where:
        return facility
    if facility and not _is_code(facility):
        return f"{_without_city(facility, city)}, {where}"
    return f"{facility}, {where}" if with_code and facility else where


def place_name(election: Mapping[str, Any]) -> str:
    """Where an election (anything with facility, city and state, e.g. a row) was held, facility code included."""
    return site(election["facility"], election["city"], election["state"], with_code=True)


def election_label(facility: str, count_date: object) -> str:
    """A short internal key for an election: facility and year of the count, e.g. 'BHM1 2022' (not for readers)."""
    return f"{facility} {pd.Timestamp(count_date).year}"


def at_site(facility: object, city: object, state: object, with_code: bool = False, continues: bool = False) -> str:
    """Where, as a sentence says it: 'in Bessemer, Ala.', 'at JFK8 on Staten Island, N.Y.', 'at Whole Foods in
    Philadelphia'.

    `continues`: the sentence goes on, so a state gets AP's closing comma ('in Bessemer, Ala., in 2021').
    """
    facility, where = short_employer(facility), place(city, state)
    if not where:
        return f"at {facility}"
    comma = "," if continues and "," in where else ""
    within = f"{preposition(city)} {where}{comma}"
    if facility and not _is_code(facility):
        return f"at {_without_city(facility, city)} {within}"
    if with_code and facility:
        return f"at {facility} {within}"
    return within


def place_only(row: Mapping[str, Any], continues: bool = False) -> str:
    """Where an election was held without its workplace, for a title a long name would overflow: 'in Canton,
    Miss.', 'in Cambridge, Mass., in 2018' (the year where the place held several: `year_needed`); `at_site`'s
    words when the row has no place."""
    if not place(row.get("city"), row.get("state")):
        return at_site(row.get("facility"), row.get("city"), row.get("state"), continues=continues)
    year = pd.Timestamp(row["count_date"]).year if bool(row.get("year_needed")) else None
    where = at_site("", row.get("city"), row.get("state"), continues=continues or year is not None)
    return f"{where} in {year}" if year is not None else where


#: Places named for the island they are on, which AP style puts "on", not "in" ('on Staten Island').
ISLAND_PLACES = frozenset(
    {"staten island", "long island", "roosevelt island", "mercer island", "bainbridge island", "whidbey island"}
)


def preposition(city: object) -> str:
    """'on' for a place that is an island (`ISLAND_PLACES`: 'on Staten Island'), else 'in'."""
    return "on" if place_display(city).lower() in ISLAND_PLACES else "in"


def company(elections: pd.DataFrame) -> str | None:
    """The one company every election of the table belongs to (its `company`, else its employer), as titles and
    prose name it ('Amazon'); None when they belong to several, so that no word names the wrong one."""
    names = elections["employer"].astype(object)
    if "company" in elections.columns:
        given = elections["company"].astype(object)
        names = given.where(given.notna() & (given != ""), names)
    distinct = set(names.dropna())
    return short_employer(distinct.pop()) if len(distinct) == 1 else None


def capitalised(words: str) -> str:
    """`words` starting with a capital letter, the rest as it is ('at Amazon' -> 'At Amazon')."""
    return words[:1].upper() + words[1:]


def possessive(name: str) -> str:
    """A proper name's possessive in AP style: 'Amazon's', and 'Starbucks'' for a name ending in s."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def at_company(elections: pd.DataFrame) -> str:
    """' at Amazon' when one company holds every election of the table, else '' (the words name no company)."""
    name = company(elections)
    return f" at {name}" if name else ""


def where_counted(at_mid: str, count_date: object) -> str:
    """Where and when a vote was counted, as a sentence says it: 'in Bessemer, Ala., counted April 9, 2021', 'at
    Whole Foods in Philadelphia, counted Jan. 27, 2025' (`at_mid` is `election_names`' column; the date gives
    the year, so the place is not said 'in 2021' before it, and a comma always parts the place from the date)."""
    year = pd.Timestamp(count_date).year
    where = str(at_mid).removesuffix(f" in {year}").rstrip(",")
    return f"{where}, counted {long_date(count_date)}"


def union_election(union: object) -> str:
    """An election named by its union, never 'ALU union election': 'the ALU election', 'the Amazon Labor Union
    election', 'the Teamsters union election'. A name that says it is a union (its last word 'Union', or initials
    ending in U for Union: ALU, RWDSU, SEIU, also after a slash: 'Workers United/SEIU') takes no second 'union'."""
    name = _text(union)
    if not name:
        return "the union election"
    last = re.split(r"[\s/]+", name)[-1].strip(",.()")
    says_union = last.lower() == "union" or (last.isupper() and last.endswith("U") and len(last) >= 2)
    return f"the {name} election" if says_union else f"the {name} union election"


def election_names(table: pd.DataFrame) -> pd.DataFrame:
    """How charts and text name each election of a table with facility, city, state and count_date columns.

    Columns (indexed like `table`): `name` for labels ('Bessemer, Ala., 2021', 'JFK8, Staten Island, N.Y.',
    'Garner, N.C.'), `at` for sentences ('in Bessemer, Ala., in 2021', 'at JFK8 on Staten Island, N.Y.'),
    `at_mid` for the middle of one (with AP's comma after a state: 'at JFK8 on Staten Island, N.Y.,'),
    `at_short` once the place has been said ('at JFK8'),
    `with_code` (two facilities of the table share the place, so the code tells them apart) and `year_needed`
    (the site held several elections, so the year tells them apart).
    """
    places = [place(c, s) for c, s in zip(table["city"], table["state"])]
    facilities = table["facility"].astype(str).tolist()
    sites_of_place: dict[str, set[str]] = {}
    for p, f in zip(places, facilities):
        sites_of_place.setdefault(p, set()).add(f)
    with_code = [len(sites_of_place[p]) > 1 for p in places]
    names = [site(f, c, s, with_code=w) for f, c, s, w in zip(facilities, table["city"], table["state"], with_code)]
    years = [pd.Timestamp(d).year for d in table["count_date"]]
    counts = Counter(names)  # not names.count(n) for each: quadratic, minutes on a national import
    repeated = [counts[n] > 1 for n in names]
    rows = list(zip(facilities, table["city"], table["state"], with_code, repeated, years))
    ats = [at_site(f, c, s, w, continues=r) + (f" in {y}" if r else "") for f, c, s, w, r, y in rows]
    ats_mid = [at_site(f, c, s, w, continues=True) + (f" in {y}" if r else "") for f, c, s, w, r, y in rows]
    labels = _told_apart([f"{n}, {y}" if r else n for n, y, r in zip(names, years, repeated)], table)
    return pd.DataFrame(
        {
            "name": labels,
            "at": ats,
            "at_mid": ats_mid,
            "at_short": [f"at {f}" if w and _is_code(f) else a for f, w, a in zip(facilities, with_code, ats)],
            "with_code": with_code,
            "year_needed": repeated,
        },
        index=table.index,
    )


#: How a label tells apart votes of one place and year: a run-off or rerun, then the NLRB's voting unit.
KIND_WORDS = {"runoff": "run-off", "rerun": "rerun"}


def _told_apart(labels: list[str], table: pd.DataFrame) -> list[str]:
    """`labels` with '(run-off)', '(rerun)' or '(unit B)' added where two elections would otherwise share one."""
    kinds = table["kind"].astype(str).tolist() if "kind" in table else [""] * len(labels)
    units = table["unit"].fillna("").astype(str).tolist() if "unit" in table else [""] * len(labels)
    counts = Counter(labels)
    out = []
    for label, kind, unit in zip(labels, kinds, units):
        marks = [KIND_WORDS[kind]] if kind in KIND_WORDS else []
        marks += [f"unit {unit}"] if unit else []
        out.append(f"{label} ({', '.join(marks)})" if counts[label] > 1 and marks else label)
    return out


def standing(margin: int) -> str:
    """Where the union stood on the count, from the sign of yes minus no: 'led', 'trailed' or 'tied'."""
    return "led" if margin > 0 else "trailed" if margin < 0 else "tied"


def _standing_words(yes: int, no: int) -> str:
    """'the union led by 523', 'the union trailed by 118', 'the count was tied'."""
    margin = yes - no
    if margin == 0:
        return "the count was tied"
    return f"the union {standing(margin)} by {fmt_int(abs(margin))}"


def _what_it_takes(yes: int, no: int, ballots: int, past: bool = False) -> str:
    """What `ballots` more ballots, each yes or no, would take for the union to win, in one clause; `past` tells it
    of a vote already counted ('it needed ..., which would have given ...')."""
    needed = yes_needed(yes, no, ballots)
    if needed is None:
        if past:
            return "it would have lost even if every one of them had been a yes vote"
        return "it loses even if every one of them is a yes vote"
    if needed == 0:
        if past:
            return "it would have won even if every one of them had been a no vote"
        return "it wins even if every one of them is a no vote"
    needs, gives = ("needed", "would have given") if past else ("needs", "gives")
    return (
        f"it {needs} {fmt_int(needed)} of them ({fmt_pct(needed / ballots)}) to be yes votes and the rest no, "
        f"which {gives} {fmt_int(yes + needed)} to {fmt_int(no + ballots - needed)} (a tie loses)"
    )


def challenged_ballots_sentence(
    yes: int, no: int, challenged: int, overruled: float = 1.0, *, past: bool = False
) -> str:
    """Whether the challenged ballots are determinative and what the union needs of them, in plain words; `past`
    tells it of a vote already counted, as a chart's title does ('were determinative ..., it needed ...').

    The NLRB rule (see `rules.is_determinative`): challenged >= lead for a leading union, > deficit for a
    trailing or tied one. With `overruled` < 1 the last clause is about the round(challenged * overruled)
    ballots whose challenge is overruled, so they are opened and counted; the rest are sustained, not counted.
    """
    past = past and overruled >= 1.0  # a what-if of some of the challenges is told in the present
    verb = ("were" if challenged != 1 else "was") if past else ("are" if challenged != 1 else "is")
    ballots = f"{fmt_int(challenged)} challenged ballot{'s' if challenged != 1 else ''} {verb}"
    if challenged == 0:
        result = "won" if yes > no else "lost"
        return f"No ballots were challenged, so the count decided it: the union {result}."
    where = _standing_words(yes, no)
    if not is_determinative(yes, no, challenged):
        return f"The {ballots} not determinative: {where}, so {_what_it_takes(yes, no, challenged, past)}."
    if overruled >= 1.0:
        return f"The {ballots} determinative: {where}, and {_what_it_takes(yes, no, challenged, past)}."
    counted = round(challenged * overruled)
    exact = counted == round(challenged * overruled, 6)
    if counted == 0:
        then = "the count stands: the union " + ("wins" if yes > no else "loses")
    else:
        then = _what_it_takes(yes, no, counted).replace("it ", "the union ", 1)
    return (
        f"The {ballots} determinative ({where}). If the challenges to {fmt_pct(overruled, 0)} of them are "
        f"overruled ({'' if exact else 'about '}{fmt_int(counted)} opened and counted), {then}."
    )


# ---------------------------------------------------------------- words for any ballot: case type, result, status


def case_type(case_number: object) -> str:
    """The NLRB case type from a case number ('10-RC-269250' -> 'RC'): RC (workers petition for a union), RD
    (workers petition to remove one: decertification), RM (the employer petitions); '' when unknown."""
    found = re.search(r"-(R[CDM])-", _text(case_number).upper())
    return found.group(1) if found else ""


def count_of(n: int, noun: str, plural: str | None = None) -> str:
    """A count with its noun in the right number: '1 challenged ballot', '2 challenged ballots', '1,234 votes'."""
    return f"{fmt_int(n)} {noun if round(float(n)) == 1 else plural or noun + 's'}"


#: What a union's yes-or-no result means, by case type: a decertification (RD) asks whether to keep a union.
_OUTCOME_PHRASES = {
    ("RD", "won"): "workers voted to keep the union",
    ("RD", "lost"): "workers voted to remove the union",
    ("", "won"): "the union won",
    ("", "lost"): "the union lost",
    ("", "undetermined"): "the count did not decide it: the challenged ballots could change the result",
    ("", "runoff"): "no choice won a majority, so a run-off follows",
}
#: The same as a short label beside a mark on a chart.
_OUTCOME_LABELS = {
    ("RD", "won"): "union kept",
    ("RD", "lost"): "union removed",
    ("", "won"): "won",
    ("", "lost"): "lost",
    ("", "undetermined"): "undecided on the count",
    ("", "runoff"): "run-off",
}


def _by_case(table: Mapping[tuple[str, str], str], outcome: object, case_number: object) -> str:
    kind, result = case_type(case_number), _text(outcome)
    return table.get((kind, result)) or table.get(("", result), result)


def outcome_phrase(outcome: object, case_number: object = "") -> str:
    """What the count decided, as a clause: 'the union won', 'workers voted to remove the union' (RD), ..."""
    return _by_case(_OUTCOME_PHRASES, outcome, case_number)


def outcome_headline(outcome: object, case_number: object = "") -> str:
    """`outcome_phrase` as a headline starts: 'Union won', 'Workers voted to remove the union'."""
    phrase = outcome_phrase(outcome, case_number)
    return "Union " + phrase.removeprefix("the union ") if phrase.startswith("the union ") else capitalised(phrase)


def outcome_label(outcome: object, case_number: object = "", status: object = "") -> str:
    """A short label for a chart: 'won', 'lost', 'union kept' (RD), 'undecided on the count', with ', set aside'
    when the NLRB set the election aside afterwards ('set aside' alone when the count had not decided it)."""
    label = _by_case(_OUTCOME_LABELS, outcome, case_number)
    if _text(status) == "set_aside":
        return "set aside" if _text(outcome) == "undetermined" else f"{label}, set aside"
    return label


def result_key(outcome: object, status: object = "") -> str:
    """The result a chart marks: the count's outcome, or `set_aside` when the NLRB set the election aside."""
    return "set_aside" if _text(status) == "set_aside" else _text(outcome)


def is_union_win(outcome: object, case_number: object = "") -> bool:
    """A union won an organizing vote: outcome `won` on any case but a decertification (RD), where `won` keeps
    a union workers already had."""
    return _text(outcome) == "won" and case_type(case_number) != "RD"


#: Who in the NLRB made a decision (elections.csv `status_by`).
_DECIDERS = {
    "regional_director": "the NLRB's regional director",
    "hearing_officer": "an NLRB hearing officer",
    "administrative_law_judge": "an NLRB administrative law judge",
    "board": "the National Labor Relations Board",
}
_ORDINALS = {2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth"}


def status_sentence(row: Mapping[str, Any], elections_in_case: int = 0) -> str:
    """What the NLRB decided after the count, from the structured `status` columns only; '' when none is recorded.

    `elections_in_case`: how many elections of the same case were held up to this one, so a set-aside can say
    which election it ordered ('a third election'); 0 when unknown ('a new election').
    """
    status = _text(row.get("status"))
    if not status:
        return ""
    by = _text(row.get("status_by"))
    region = re.match(r"0*(\d+)-R", _text(row.get("case_number")))
    who = f"the NLRB's Region {region.group(1)} director" if by == "regional_director" and region else None
    who = who or _DECIDERS.get(by, "the NLRB")
    date = row.get("status_date")
    when = "" if date is None or pd.isna(date) else f" on {long_date(date)}"
    if status == "set_aside":
        nth = _ORDINALS.get(elections_in_case + 1) if elections_in_case else None
        ordered = f"a {nth}" if nth else "a new"
        text = f"{who} set the election aside{when}{',' if when else ''} and ordered {ordered} election"
    elif status == "certified":
        text = f"{who} certified the union as the workers' representative{when}"
    else:  # results_certified
        text = f"{who} certified the result{when}"
    if bool(row.get("status_appealed")) and not pd.isna(row.get("status_appealed")):
        text += "; the decision has been appealed"
    return capitalised(text) + "."


def round_like(total: float, approximations: Iterable[float]) -> int:
    """A sum rounded no finer than its roughest approximate part: 21,658 with about 4,300 in it -> 21,700.

    A figure reported as 'about 4,300' is known to the hundred, so a sum including it is too.
    """
    step = 1
    for value in approximations:
        v = abs(round(float(value)))
        places = 1
        while v and v % (places * 10) == 0:
            places *= 10
        step = max(step, places)
    return int(round(float(total) / step) * step)


def all_of(n: int, noun: str) -> str:
    """Every one of `n` things, in the right number: 'all 505 challenged ballots', 'both challenged ballots', 'the 1
    challenged ballot' (never 'all 1 challenged ballots')."""
    if round(float(n)) == 2:
        return f"both {noun}s"
    return f"the {count_of(n, noun)}" if round(float(n)) == 1 else f"all {count_of(n, noun)}"


def end_sentence(text: str) -> str:
    """`text` closed with one period: 'N.Y.' stays 'N.Y.', never 'N.Y..'."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."


def tidy(text: str) -> str:
    """A text with an abbreviation's period doing for the sentence's ('in Schodack, N.Y..' -> 'in Schodack, N.Y.'),
    so a place at the end of a sentence never prints '..' (an ellipsis '...' is left alone)."""
    return re.sub(r"(?<=[A-Za-z]\.)\.(?!\.)", "", text)


def significant_digits(value: float, approximate: bool = False) -> int:
    """How many digits of a reported figure mean something: 4,300,000 has two; 'about 100,000' and 'about 10' one."""
    digits = str(abs(round(float(value)))).rstrip("0") or "0"
    return 1 if approximate and len(digits) <= 1 else max(1, len(digits))


def round_sig(value: float, digits: int) -> float:
    """`value` rounded to `digits` significant digits: round_sig(163.3, 1) -> 200."""
    value = float(value)
    if value == 0 or math.isnan(value):
        return value
    magnitude = 10 ** (math.floor(math.log10(abs(value))) - digits + 1)
    return round(value / magnitude) * magnitude


def join_words(items: Iterable[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}" if items else ""


def unverified_sentence(publishers: Iterable[str]) -> str:
    """' Portside's report is unverified.' (' Portside's and HuffPost's reports are unverified.') for sources the
    data cites without an address, so a reader knows which figures could not be checked, in few words; '' if none."""
    names = [possessive(name) for name in dict.fromkeys(publishers)]
    if not names:
        return ""
    return f" {join_words(names)} {'report is' if len(names) == 1 else 'reports are'} unverified."


# ---------------------------------------------------------------- display names: capitals, acronyms, cut names

#: Words kept in capitals when a name in capitals is put in title case: legal forms, unions and employers known
#: by their initials, Roman numerals.
ACRONYMS = {
    "AFL-CIO", "AFSCME", "AFT", "ALU", "ATU", "BCTGM", "CAUSE", "CLC", "CWA", "IAM", "IBEW", "II", "III", "IUE", "IUOE",
    "HERE", "IUPAT", "IV", "LLC", "LLP", "LP", "LPN", "NNU", "NYC", "OPEIU", "PC", "RN", "RWDSU", "SEIU", "SPFPA",
    "UAW", "UFCW", "UNITE", "UPMC", "UPS", "US", "USA", "USW", "VA",
}  # fmt: skip
#: Employers known by their initials: each written in capitals, and never in title case, by at least two distinct
#: employer names the NLRB spelled in mixed case in the national record ('URS Federal Support Services, Inc.'), so
#: a name the NLRB wrote all in capitals keeps them ('URS FEDERAL SERVICES, INC.' -> 'URS Federal Services, Inc.').
EMPLOYER_ACRONYMS = {
    "ABM", "ADM", "ADT", "APG", "ASRC", "BAE", "BCI", "BFI", "CBRE", "CSI", "EAN", "GCA", "GE", "GGNSC", "HVAC", "IESI",
    "IMI", "ISS", "NAES", "PAE", "URS", "USC", "XPO",
}  # fmt: skip
ACRONYMS |= EMPLOYER_ACRONYMS
#: Words a title-cased name keeps in lower case unless they start it.
_MINOR = {
    "a",
    "an",
    "and",
    "as",
    "at",
    "by",
    "for",
    "in",
    "of",
    "on",
    "or",
    "the",
    "to",
    "with",
    "d/b/a",
    "a/w",
    "f/k/a",
}
#: Place names AP spells its own way, and abbreviations it spells out, in names from the NLRB's files.
AP_PLACE_NAMES = {"DUBOIS": "DuBois", "MCKEESPORT": "McKeesport", "MCKEES ROCKS": "McKees Rocks"}
_PLACE_WORDS = {"TWP": "Township", "TWP.": "Township", "MT": "Mount", "MT.": "Mount", "FT": "Fort", "FT.": "Fort"}
#: Longest name the NLRB's files hold: a name this long may have been cut there.
NLRB_NAME_LIMIT = 100
#: Unions by the start of their full name (as the NLRB writes it), and the short name readers know.
UNION_SHORT_NAMES = (
    ("UNITED STEEL, PAPER AND FORESTRY", "United Steelworkers (USW)"),
    ("INTERNATIONAL BROTHERHOOD OF TEAMSTERS", "Teamsters"),
    ("SERVICE EMPLOYEES INTERNATIONAL UNION", "SEIU"),
    ("UNITED FOOD AND COMMERCIAL WORKERS", "UFCW"),
    ("INTERNATIONAL BROTHERHOOD OF ELECTRICAL WORKERS", "IBEW"),
    ("COMMUNICATIONS WORKERS OF AMERICA", "CWA"),
    ("INTERNATIONAL UNION OF OPERATING ENGINEERS", "IUOE"),
    ("UNITED BROTHERHOOD OF CARPENTERS", "Carpenters union"),
    ("INTERNATIONAL ASSOCIATION OF MACHINISTS", "Machinists union (IAM)"),
    ("AMERICAN FEDERATION OF STATE, COUNTY", "AFSCME"),
    ("INTERNATIONAL UNION, UNITED AUTOMOBILE", "UAW"),
    ("INTERNATIONAL UNION, SECURITY, POLICE AND FIRE", "SPFPA"),
)


def _is_capitals(text: str) -> bool:
    """A name written in capitals: two or more words of four or more capitals that are not acronyms ('UNITED
    PARCEL SERVICE', 'SMALL TUBE MANUFACTURING CORPORATION and/or ST PRODUCTS'), or one such word in a name of
    several words without a lower-case letter ('AUSTAL USA', 'UFCW LOCAL 1439'); not 'RWDSU', 'UNITE HERE' or
    'UFCW Local 1776'; or holding a web domain in capitals ('AMAZON.COM.DEDC, LLC')."""
    words = [w.strip(",.;:()\"'") for w in text.split(" ")]
    shouting = [w for w in words if len(w) >= 4 and w.isupper() and w.upper() not in ACRONYMS]
    return (
        len(shouting) >= 2
        or (len(shouting) == 1 and len(words) > 1 and not re.search(r"[a-z]", text))
        or any(w.isupper() and _DOMAIN.fullmatch(w) for w in words)
    )


#: A web domain in a name ('AMAZON.COM'), with what the NLRB's file runs on after it ('AMAZON.COM.DEDC').
_DOMAIN = re.compile(r"([A-Za-z0-9&-]+)\.(com|net|org|biz|info|io)((?:\.[A-Za-z0-9]+)*)?", re.IGNORECASE)


def _code_or_word(part: str) -> str:
    """A word after a domain: a short code in capitals ('DEDC', 'KCVG') kept, a longer word in title case."""
    return part.upper() if part.isupper() and len(part) <= 5 else _title_word(part, True)


def _title_word(word: str, first: bool) -> str:
    """One word of a name in capitals, in title case: acronyms kept, 'Mc' and "O'" names, '.com' kept low."""
    core = word.strip(",.;:()\"'")
    lead, trail = word[: word.find(core)] if core else "", word[word.find(core) + len(core) :] if core else ""
    if not core:
        return word
    if lead.startswith("(") and trail.startswith(")"):  # '(HGSU-UAW)': initials in brackets stay in capitals
        return word
    if core.upper() in ACRONYMS or core.upper().rstrip(".") in ACRONYMS:
        return lead + core.upper() + trail
    if re.search(r"\d", core):  # '32BJ' as it is; '8-GOLDEN' as '8-Golden'
        parts = core.split("-")
        return lead + "-".join(p if re.search(r"\d", p) else _title_word(p, True) for p in parts) + trail
    if re.fullmatch(r"(?:[A-Z]\.)+[A-Z]\.?", core) or (len(core) <= 3 and not re.search(r"[AEIOUY]", core)):
        return word  # initials (C.P.S.R.) and vowel-less short codes (VT, LMS) stay in capitals
    if core.lower() in _MINOR and not first:
        return lead + core.lower() + trail
    if "/" in core:  # 'AFT/AFL-CIO', 'ASSOCIATION/NATIONAL': each part on its own ('d/b/a' is a minor word)
        return lead + "/".join(_title_word(part, first) for part in core.split("/")) + trail
    if "-" in core:
        return lead + "-".join(_title_word(part, True) for part in core.split("-")) + trail
    domain = _DOMAIN.fullmatch(core)
    if domain:  # 'AMAZON.COM' -> 'Amazon.com'; 'AMAZON.COM.DEDC' -> 'Amazon.com DEDC' (a code after the domain)
        name, tld, rest = domain.groups()
        text = f"{_title_word(name, True)}.{tld.lower()}"
        if rest:
            text += " " + " ".join(_code_or_word(part) for part in rest.lstrip(".").split("."))
        return lead + text + trail
    low = core.lower()
    if low.startswith("mc") and len(low) > 3:
        text = "Mc" + low[2:].capitalize()
    elif low.startswith("o'") and len(low) > 2:
        text = "O'" + low[2:].capitalize()
    else:
        text = low.capitalize()
    return lead + text + trail


def display_name(name: object) -> str:
    """A name as readers see it: one written in capitals put in title case, acronyms and legal forms kept
    ('UPMC PRESBYTERIAN SHADYSIDE' -> 'UPMC Presbyterian Shadyside', 'VT HACKNEY, INC.' -> 'VT Hackney, Inc.');
    a name with lower-case letters, or a single word ('RWDSU'), is left as it is."""
    text = re.sub(r"\s+", " ", _text(name))
    if not _is_capitals(text):
        return text
    return " ".join(_title_word(w, i == 0) if w.isupper() else w for i, w in enumerate(text.split(" ")))


def union_name(name: object) -> str:
    """A union's name for a reader: in title case (see `display_name`), and never cut short. A name as long as the
    NLRB's files allow may have been cut there: it becomes the short name readers know (with its local's number),
    or loses its affiliation ('... Local 249 a/w International ...') or its last, cut clause."""
    text = re.sub(r"\s+", " ", _text(name))
    whole = text.endswith(")") and text.count("(") == text.count(")")  # '... (CPW-UAW)': its end is there, not cut
    if len(text) >= NLRB_NAME_LIMIT and not whole:
        upper = text.upper()
        local = re.search(r"LOCAL(?: UNION)?(?: NO\.?)? ?(\d+)", upper)
        for long, short in UNION_SHORT_NAMES:
            if upper.startswith(long) or (f" {long}" in upper and " A/W " not in upper):
                return short + (f" Local {local.group(1)}" if local else "")
        if " A/W " in upper:
            text = text[: upper.index(" A/W ")].rstrip(" ,")
        else:
            text = re.sub(r",[^,]*$", "", text).rstrip(" ,") or text
    return display_name(text)


#: The kind of municipality an NLRB file adds to a city's name in brackets ('Hamburg (Town)'), which AP leaves out.
_MUNICIPALITY = re.compile(r"\s*\((?:town|village|city|township|twp\.?|borough|boro|cdp)\)", re.IGNORECASE)


def place_display(city: object) -> str:
    """A city from an NLRB file as AP writes it: capitals put in title case ('BETHEL PARK' -> 'Bethel Park'), AP's
    own spellings ('DuBois', 'McKeesport'), abbreviations spelled out ('Cranberry Twp' -> 'Cranberry Township') and
    no kind of municipality in brackets ('Hamburg (Town)' -> 'Hamburg')."""
    text = re.sub(r"\s+", " ", _text(city))
    text = _MUNICIPALITY.sub("", text).strip() or text
    if text.isupper() and re.search(r"[A-Z]{2}", text):
        text = " ".join("-".join(part.capitalize() for part in w.split("-")) for w in text.split(" "))
    text = " ".join(_PLACE_WORDS.get(w.upper(), w) for w in text.split(" "))
    return AP_PLACE_NAMES.get(text.upper(), text)


#: Trailing words that only give a legal form ('Inc.', 'LLC', 'Corporation'), compared in lower case without
#: punctuation: a headline leaves them out of an employer's name (`short_employer`) and the import leaves them out
#: of a company's (`nlrb.companies`), one rule for both, so 'Starbucks Corporation' and its company 'Starbucks'
#: read alike.
LEGAL_SUFFIXES = frozenset(
    {
        "inc",
        "incorporated",
        "llc",
        "lllp",
        "llp",
        "lp",
        "ltd",
        "limited",
        "corp",
        "corporation",
        "co",
        "company",
        "pc",
        "pllc",
        "plc",
        "pa",
        "na",
        "nv",
        "sa",
        "ag",
        "gmbh",
        "the",
    }
)
#: Legal forms a headline leaves out of an employer's name (AP style: 'Amazon.com Services', not '..., LLC').
_LEGAL_FORM = re.compile(
    r",?\s+(?:Inc|Incorporated|LLC|L\.L\.C|LLP|LP|L\.P|Corp|Co|Ltd|PC|P\.C|PLLC)\.?(?=$|[\s,;])", re.IGNORECASE
)
#: What joins the names of several employers on one petition: a semicolon, ', and', or a comma after a legal form.
_SEVERAL = re.compile(r"\s*;\s*|,\s+and\s+|,\s*(?:LLC|L\.L\.C\.|Inc\.?|Corp\.?|Co\.)\s*,\s+(?=[A-Z])")


#: Legal forms that are nouns: a leading 'The' goes with them ('The Boeing Company' is Boeing, not 'The Boeing'),
#: while 'The' before any other form belongs to the name ('The Woodlands, LLC' is The Woodlands).
_FORM_NOUNS = frozenset({"company", "co", "corporation", "corp"})
#: Words a name does not end with: a legal form, nothing but punctuation, or the 'and' before a form.
_TRAILING = LEGAL_SUFFIXES | {"", "and", "&"}
#: Where a company was incorporated, left when its form goes: ', a Minnesota (corporation)'.
_INCORPORATED_IN = re.compile(r",\s+an?(?:\s+[A-Z][\w.-]*){1,2}$")
#: An aside in parentheses at a name's end: '(An Exelon Company)'.
_ASIDE = re.compile(r"\s*\((?:an?|the)\s[^()]*\)$", re.IGNORECASE)


def without_legal_form(name: str) -> str:
    """A name without its trailing legal form ('Acme Tools, Inc.' -> 'Acme Tools'), the 'The' that went with it
    ('The Boeing Company' -> 'Boeing'), an aside at its end ('Baltimore Gas and Electric Co. (An Exelon Company)'
    -> 'Baltimore Gas and Electric') and a parenthesis left open, by a legal form inside it or by a file's column
    limit ('SAIC (Science Applications International Corporation)' -> 'SAIC'; '... Inc. (Joint Emplo' -> '...'):
    never a dangling 'The' or half a parenthesis. The headline (`short_employer`) and the import's company
    (`nlrb.companies`) use this one rule."""
    text = _ASIDE.sub("", name.strip()) or name.strip()
    noun = False
    while True:
        words = text.split()
        # a form's letters ('L.L.C.' is llc; 'P&C' is not pc), a word of punctuation alone ('-', a quote) or the
        # 'and' before a form ('Sears, Roebuck and Co.'); after 'of' a form is a place ('Ortep of PA')
        while len(words) > 1 and (form := re.sub(r"[^a-z0-9&]", "", words[-1].lower())) in _TRAILING:
            if form in LEGAL_SUFFIXES and words[-2].lower() == "of":
                break
            words.pop()
            noun = noun or form in _FORM_NOUNS
        popped, text = len(words) < len(text.split()), " ".join(words).strip(" ,;&") or text
        if popped and (state := _INCORPORATED_IN.search(text)):  # 'Northern States Power Company, a Minnesota'
            text = text[: state.start()]
            continue
        if text.count("(") <= text.count(")"):
            break
        opened = text.rfind("(")  # the aside's end was cut with the form or the column: it goes too
        text = text[:opened].rstrip(" ,;") if text[:opened].strip(" ,;") else text[opened + 1 :].strip()
    words = text.split()
    if noun and len(words) > 1 and words[0].lower() == "the":
        text = " ".join(words[1:])
    return text if text.lower() != "the" else name.strip()


def short_employer(name: object) -> str:
    """An employer's name as a headline says it, by rule, never cut mid-word: several employers on one petition
    as the first and how many more ('Propel Schools and 7 related employers'), the trade name after 'd/b/a', the
    company before ', a division of' or 'f/k/a', and no legal form ('Inc.', 'LLC')."""
    text = display_name(name)
    text = re.sub(r",?\s+(?:a\s+)?(?:single|joint)\s+employers?\.?$", "", text, flags=re.IGNORECASE)
    parts = [p for p in _SEVERAL.split(text) if p.strip()] or [text]
    first = re.split(r"\s+d/b/a\s+", parts[0], flags=re.IGNORECASE)[-1]
    first = re.split(
        r",?\s+(?:f/k/a|formerly|an?\s+(?:wholly[- ]owned\s+)?(?:division|subsidiary)\s+of)\s+",
        first,
        flags=re.IGNORECASE,
    )[0]
    first = without_legal_form(first)
    inside = _LEGAL_FORM.sub("", first).strip(" ,;&")  # a form inside: 'Amazon.com KYDC LLC and ...'
    first = inside if inside.lower() not in ("", "the") else first
    more = len(parts) - 1
    return f"{first} and {count_of(more, 'related employer')}" if more > 0 else first


def yes_side(case_number: object) -> str:
    """Who a yes vote is for, as a headline's subject: 'Union', or in a decertification (RD), where yes keeps a
    union workers already have, 'Votes to keep the union'."""
    return "Votes to keep the union" if case_type(case_number) == "RD" else "Union"


def union_goal(case_number: object) -> str:
    """What the union needs the votes for: 'win', or 'stay' in a decertification (RD)."""
    return "stay" if case_type(case_number) == "RD" else "win"


def fitting_title(*candidates: str) -> str:
    """The first of `candidates` (most to least detailed) no longer than every size preset allows a title; the last
    when none fits, so a long name from the data shortens the words rather than overflowing the chart."""
    from .presets import SIZE_PRESETS

    limit = min(p.max_title_chars for p in SIZE_PRESETS.values())
    return next((c for c in candidates if len(tidy(c)) <= limit), candidates[-1])
