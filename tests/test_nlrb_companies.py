"""Companies named from employer names: the spelling rules, the reviewed alias table (with its dates) and the
near-matches left for review."""

from __future__ import annotations

import difflib

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labor_analysis.nlrb.companies import aliases, companies, key, keys, near_matches, parts


@pytest.mark.parametrize(
    "a, b",
    [
        ("Starbucks Corporation", "STARBUCKS CORPORATION"),
        ("Acme Tools, Inc.", "ACME TOOLS INC"),
        ("Acme Tools, L.L.C.", "Acme Tools LLC"),
        ("Smith & Sons Co.", "Smith and Sons Company"),
        ("The Home Depot, Inc.", "Home Depot"),
    ],
)
def test_spelling_capitals_punctuation_and_legal_forms_share_a_key(a: str, b: str) -> None:
    assert key(a) == key(b) != ""


def test_parents_trade_names_and_former_names() -> None:
    assert parts("AMAZON.COM.DEDC, LLC, A SUBSIDIARY OF AMAZON.COM, INC.") == ("AMAZON.COM, INC.", "")
    assert (
        parts("World Color (USA) Corp., a wholly owned subsidiary of Quad/Graphics, Inc.")[0] == "Quad/Graphics, Inc."
    )
    assert parts("Siren Retail Corporation d/b/a Starbucks") == ("Siren Retail Corporation", "Starbucks")
    assert parts("AmSpec LLC f/k/a AmSpec Services LLC") == ("AmSpec LLC", "")


def test_the_alias_table_names_brands_within_its_dates() -> None:
    employers = pd.Series(
        [
            "AMAZON.COM.DEDC, LLC, A SUBSIDIARY OF AMAZON.COM, INC.",
            "Amazon.com Services LLC",
            "Whole Foods Market Group, Inc.",
            "Whole Foods Market Group, Inc.",
            "WHOLE FOODS COMMUNITY CO-OP, INC.",
            "SIREN RETAIL CORPORATION D/B/A STARBUCKS",
            "STARBUCKS CORPORATION",
            "Silverstar Delivery, LLC",
        ]
    )
    days = pd.to_datetime(["2014-01-15", "2022-04-29", "2016-06-16", "2017-08-28", "2017-01-26"] + ["2022-01-01"] * 3)
    named = companies(employers, days).tolist()
    assert named[:2] == ["Amazon", "Amazon"]
    assert named[2:4] == ["Whole Foods Market", "Amazon"]  # Amazon's from 2017-08-28, the day its purchase closed
    assert named[4] != "Amazon" and named[4] != "Whole Foods Market"  # another business
    assert named[5:7] == ["Starbucks", "Starbucks"]
    assert named[7] == "Silverstar Delivery"  # an Amazon contractor is not Amazon
    assert all(a.source for a in aliases())  # every reviewed row says where it comes from


def test_other_employers_take_their_most_common_mixed_case_spelling() -> None:
    employers = pd.Series(["BENTLEY UNIVERSITY", "Bentley University", "Bentley University, Inc.", "Acme"])
    named = companies(employers, pd.Series(pd.to_datetime(["2020-01-01"] * 4)))
    assert named.tolist() == ["Bentley University"] * 3 + ["Acme"]


def test_a_company_keeps_no_dangling_the_and_no_half_parenthesis() -> None:
    """The stored company, not only the chart's display: 'The Boeing Company' is Boeing (the 'The' went with
    'Company'), an aside or a parenthesis cut at the file's column limit goes with its legal form."""
    employers = pd.Series(
        [
            "The Boeing Company",
            "The BOEING COMPANY",
            "Baltimore Gas and Electric Co. (An Exelon Company)",
            "SAIC (Science Applications International Corporation)",
            "Prestone Products Corp. (Fram Group Operations LLC)",
            "Sonoran Technology and Professional Services, LLC and Crew Training International, Inc. (Joint Emplo",
            "The Woodlands, LLC",
            "Purcell P&C, LLC",
            "Deere & Company",
            "The New School",
            "Sears, Roebuck and Co.",
            "Ortep of PA, Inc.",
            "Northern States Power Company, a Minnesota corporation",
        ]
    )
    named = companies(employers, pd.Series(pd.to_datetime(["2020-01-01"] * len(employers)))).tolist()
    assert named == [
        "Boeing",
        "Boeing",
        "Baltimore Gas and Electric",
        "SAIC",
        "Prestone Products",
        "Sonoran Technology and Professional Services, LLC and Crew Training International",
        "The Woodlands",  # 'The' before LLC belongs to the name
        "Purcell P&C",  # P&C is not 'P.C.'
        "Deere",
        "The New School",
        "Sears, Roebuck",  # no 'and' left from 'and Co.'
        "Ortep of PA",  # after 'of', PA is a place, not a professional association
        "Northern States Power",  # no ', a Minnesota' left from ', a Minnesota corporation'
    ]


@given(st.text(alphabet=st.sampled_from("TheAcmo (),.&-'Inc LLCorpany"), max_size=40))
def test_no_company_name_has_half_a_parenthesis_or_ends_in_a_form(name: str) -> None:
    company = companies(pd.Series([name]), pd.Series(pd.to_datetime(["2020-01-01"]))).iloc[0]
    assert company.count("(") <= company.count(")")
    if key(name):  # a name of more than forms ('The', 'Inc.') has a company of more than forms
        assert company.lower() != "the" and not company.lower().endswith((" and", " &", ","))
    words = company.split()
    if len(words) > 1:
        assert words[-1].lower().strip(".,") not in {"company", "corporation", "inc", "llc", "co", "corp"}


def test_near_matches_are_listed_not_joined() -> None:
    names = pd.Series(["Durham School Services"] * 3 + ["Durham School Service", "Durham Bakery"])
    found = near_matches(names)
    assert [(f["company"], f["near"]) for f in found] == [("Durham School Services", "Durham School Service")]
    assert found[0]["elections"] == 3 and found[0]["near_elections"] == 1


def _near_by_hand(names: pd.Series, cutoff: float) -> set[tuple[str, str, float]]:
    """near_matches' pairs worked out the plain way: every two keys sharing a first word, difflib's ratio."""
    counts = names[names != ""].value_counts()
    by_key: dict[str, str] = {}
    for name_key, name in zip(keys(counts.index.tolist()), counts.index):
        if name_key:
            by_key.setdefault(name_key, name)
    found = list(by_key)
    return {
        (by_key[a], by_key[b], round(difflib.SequenceMatcher(None, b, a).ratio(), 3))
        for i, a in enumerate(found)
        for b in found[i + 1 :]
        if a.split()[0] == b.split()[0] and difflib.SequenceMatcher(None, b, a).ratio() >= cutoff
    }


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from(["ace", "acme", "tools", "tool", "inc", "co", "b", "&", "the", "a.b."]),
            min_size=1,
            max_size=4,
        ).map(" ".join),
        max_size=25,
    ),
    st.sampled_from([0.5, 0.8, 0.9]),
)
def test_near_matches_are_every_pair_difflib_finds(words: list[str], cutoff: float) -> None:
    """The bounds computed for all pairs at once pass exactly the pairs difflib's own ratio finds."""
    names = pd.Series(words, dtype=object)
    found = near_matches(names, cutoff=cutoff, limit=10_000)
    assert {(f["company"], f["near"], f["ratio"]) for f in found} == _near_by_hand(names, cutoff)
