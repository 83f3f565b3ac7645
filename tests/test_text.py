"""The shared wording: formatters and the one sentence on challenged ballots, checked against the rules."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from labor_analysis import rules
from labor_analysis.text import (challenged_ballots_sentence, fmt_int, fmt_pct, fmt_pct_or, fmt_probability, fmt_usd,
                                 fmt_usd_short, long_date, period_label, place_name, purposes_phrase, standing)


def test_numbers_in_words():
    assert fmt_int(2654) == "2,654" and fmt_pct(0.5547) == "55.5%" and fmt_pct(0.68, 0) == "68%"
    assert fmt_usd(14_200_000) == "$14.2 million" and fmt_usd(95_437) == "$95,437"
    assert fmt_usd_short(750_000) == "$750K" and fmt_usd_short(14_200_000) == "$14.2M"
    assert fmt_pct_or(float("nan")) == "not reported" and fmt_pct_or(0.5) == "50.0%"


def test_dates_periods_and_places():
    assert long_date("2022-04-01") == "April 1, 2022"
    assert period_label("2022-01-01", "2022-12-31") == "2022"
    assert period_label("2021-01-01", "2022-12-31") == "2021–2022"
    assert period_label("2022-12-31", "2022-12-31") == "Dec 2022"
    assert period_label("2021-04-20", "2022-03-01") == "Apr 2021–Mar 2022"
    assert place_name({"facility": "JFK8", "city": "Staten Island", "state": "NY"}) == "JFK8 in Staten Island, NY"
    assert purposes_phrase(["anti-union consultants", "anti-union consultants (LM-10 filings)"]) == \
        "anti-union consultants"


def test_standing_follows_the_sign_of_the_margin():
    assert [standing(m) for m in (20, -118, 0)] == ["led", "trailed", "tied"]


@pytest.mark.parametrize(("p", "text"), [(0.0, "0%"), (1.0, "100%"), (1e-9, "less than 0.1%"),
                                         (1 - 1e-9, "more than 99.9%"), (0.1234, "12.3%")])
def test_probabilities_are_never_rounded_to_false_certainty(p, text):
    assert fmt_probability(p) == text


def test_the_challenged_sentence_for_the_four_kinds_of_count():
    bessemer = challenged_ballots_sentence(875, 993, 416)
    assert "are determinative: the union trailed by 118" in bessemer and "needs 268 of them (64.4%)" in bessemer
    leading = challenged_ballots_sentence(400, 380, 30)
    assert "are determinative: the union led by 20" in leading and "406 to 404" in leading
    jfk8 = challenged_ballots_sentence(2654, 2131, 67)
    assert "not determinative: the union led by 523" in jfk8 and "wins even if every one" in jfk8
    alb1 = challenged_ballots_sentence(206, 406, 31)
    assert "not determinative: the union trailed by 200" in alb1 and "loses even if every one" in alb1
    assert "count was tied" in challenged_ballots_sentence(5, 5, 1)
    assert challenged_ballots_sentence(380, 618, 0).startswith("No ballots were challenged")
    assert challenged_ballots_sentence(5, 5, 1).startswith("The 1 challenged ballot is determinative")


@given(yes=st.integers(0, 500), no=st.integers(0, 500), challenged=st.integers(1, 200))
def test_the_sentence_agrees_with_the_rules(yes, no, challenged):
    text = challenged_ballots_sentence(yes, no, challenged)
    determinative = rules.is_determinative(yes, no, challenged)
    assert ("not determinative" not in text) == determinative
    assert ("union trailed" in text) == (yes < no) and ("union led" in text) == (yes > no)
    needed = rules.yes_needed(yes, no, challenged)
    if determinative:
        assert f"needs {fmt_int(needed)} of them" in text
    assert "nan" not in text and not pd.isna(text)
