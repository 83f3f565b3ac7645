"""How the package writes figures in words: one formatter per kind of number, shared by charts, story and CLI.

Formatting only: each function takes plain values and returns a string, so a chart title, a notebook
sentence and the command line say the same figure the same way. `challenged_ballots_sentence` is the one
place the NLRB's rule on challenged ballots is put into words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from .rules import is_determinative, yes_needed

#: Below this (or above 1 minus this) a probability is written as "less than" (or "more than").
PROBABILITY_FLOOR = 0.001


def fmt_int(value: float) -> str:
    """A count with thousands separators: 2654 -> '2,654'."""
    return f"{int(round(float(value))):,}"


def fmt_pct(share: float, digits: int = 1) -> str:
    """A share as a percentage: 0.5547 -> '55.5%'."""
    return f"{100 * float(share):.{digits}f}%"


def fmt_pct_or(share: float, missing: str = "not reported", digits: int = 1) -> str:
    """`fmt_pct`, or `missing` when the share is missing (so no 'nan%' reaches a reader)."""
    return missing if pd.isna(share) else fmt_pct(share, digits)


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


def long_date(value: object) -> str:
    """A date as a sentence says it: 'April 1, 2022'."""
    stamp = pd.Timestamp(value)
    return f"{stamp.strftime('%B')} {stamp.day}, {stamp.year}"


def period_label(start: object, end: object) -> str:
    """'2022' for a calendar year, '2021–2022' for whole years, 'Dec 2022' for one day, else 'Apr 2021–Mar 2022'."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if start == end:
        return end.strftime("%b %Y")
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
    return f"{start.strftime('%b %Y')}–{end.strftime('%b %Y')}"


def purposes_phrase(purposes: Iterable[object]) -> str:
    """What money was for, from the data's `purpose` texts without their parenthetical details, joined by 'and'."""
    plain = dict.fromkeys(re.sub(r"\s*\(.*?\)", "", str(p)).strip() for p in purposes)
    return " and ".join(plain)


def place_name(election: Mapping[str, Any]) -> str:
    """Where an election (anything with facility, city and state, e.g. a row) was held: 'JFK8 in Staten Island, NY'."""
    return f"{election['facility']} in {election['city']}, {election['state']}"


def election_label(facility: str, count_date: object) -> str:
    """How charts name an election: facility and year of the count, e.g. 'BHM1 2022'."""
    return f"{facility} {pd.Timestamp(count_date).year}"


def election_labels(table: pd.DataFrame) -> list[str]:
    """`election_label` for every row of a table with `facility` and `count_date` columns."""
    return [election_label(f, d) for f, d in zip(table["facility"], table["count_date"])]


def standing(margin: int) -> str:
    """Where the union stood on the count, from the sign of yes minus no: 'led', 'trailed' or 'tied'."""
    return "led" if margin > 0 else "trailed" if margin < 0 else "tied"


def _standing_words(yes: int, no: int) -> str:
    """'the union led by 523', 'the union trailed by 118', 'the count was tied'."""
    margin = yes - no
    if margin == 0:
        return "the count was tied"
    return f"the union {standing(margin)} by {fmt_int(abs(margin))}"


def _what_it_takes(yes: int, no: int, ballots: int) -> str:
    """What `ballots` more ballots, each yes or no, would take for the union to win, in one clause."""
    needed = yes_needed(yes, no, ballots)
    if needed is None:
        return "it loses even if every one of them is a yes vote"
    if needed == 0:
        return "it wins even if every one of them is a no vote"
    return (f"it needs {fmt_int(needed)} of them ({fmt_pct(needed / ballots)}) to be yes votes and the rest no, "
            f"which gives {fmt_int(yes + needed)} to {fmt_int(no + ballots - needed)} (a tie loses)")


def challenged_ballots_sentence(yes: int, no: int, challenged: int, upheld: float = 1.0) -> str:
    """Whether the challenged ballots are determinative and what the union needs of them, in plain words.

    The NLRB rule (see `rules.is_determinative`): challenged >= lead for a leading union, > deficit for a
    trailing or tied one. With `upheld` < 1 the last clause is about the round(challenged * upheld) ballots
    upheld and opened; the rest are thrown out.
    """
    ballots = f"{fmt_int(challenged)} challenged ballot" + ("s are" if challenged != 1 else " is")
    if challenged == 0:
        result = "won" if yes > no else "lost"
        return f"No ballots were challenged, so the count decided it: the union {result}."
    where = _standing_words(yes, no)
    if not is_determinative(yes, no, challenged):
        return f"The {ballots} not determinative: {where}, so {_what_it_takes(yes, no, challenged)}."
    if upheld >= 1.0:
        return f"The {ballots} determinative: {where}, and {_what_it_takes(yes, no, challenged)}."
    counted = round(challenged * upheld)
    exact = counted == round(challenged * upheld, 6)
    if counted == 0:
        then = "the count stands: the union " + ("wins" if yes > no else "loses")
    else:
        then = _what_it_takes(yes, no, counted).replace("it ", "the union ", 1)
    return (f"The {ballots} determinative ({where}). If {fmt_pct(upheld, 0)} of them are upheld "
            f"({'' if exact else 'about '}{fmt_int(counted)}), {then}.")
