"""Companies named from employer names: the spelling rules, the reviewed alias table (with its dates) and the
near-matches left for review."""

from __future__ import annotations

import pandas as pd
import pytest

from labor_analysis.nlrb.companies import aliases, companies, key, near_matches, parts


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


def test_near_matches_are_listed_not_joined() -> None:
    names = pd.Series(["Durham School Services"] * 3 + ["Durham School Service", "Durham Bakery"])
    found = near_matches(names)
    assert [(f["company"], f["near"]) for f in found] == [("Durham School Services", "Durham School Service")]
    assert found[0]["elections"] == 3 and found[0]["near_elections"] == 1
