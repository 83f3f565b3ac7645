"""The shared wording: formatters and the one sentence on challenged ballots, checked against the rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from labor_analysis import rules
from labor_analysis.text import (
    all_of,
    as_large,
    at_company,
    at_site,
    capitalised,
    challenged_ballots_sentence,
    company,
    count_of,
    display_name,
    election_names,
    fmt_int,
    fmt_pct,
    fmt_pct_or,
    fmt_probability,
    fmt_usd,
    fmt_usd_short,
    is_union_win,
    long_date,
    outcome_headline,
    outcome_label,
    part_of,
    period_label,
    place,
    place_name,
    possessive,
    preposition,
    purposes_phrase,
    qualified,
    round_like,
    round_sig,
    short_employer,
    site,
    standing,
    status_sentence,
    union_election,
    union_name,
)


def test_numbers_in_words():
    assert fmt_int(2654) == "2,654" and fmt_pct(0.5547) == "55.5%" and fmt_pct(0.68, 0) == "68%"
    assert fmt_usd(14_200_000) == "$14.2 million" and fmt_usd(95_437) == "$95,437"
    assert fmt_usd_short(750_000) == "$750K" and fmt_usd_short(14_200_000) == "$14.2M"
    assert fmt_pct_or(float("nan")) == "not reported" and fmt_pct_or(0.5) == "50.0%"


def test_dates_periods_and_places():
    assert long_date("2022-04-01") == "April 1, 2022"
    assert period_label("2022-01-01", "2022-12-31") == "2022"
    assert period_label("2021-01-01", "2022-12-31") == "2021-2022"
    assert period_label("2022-12-31", "2022-12-31") == "December 2022"
    assert period_label("2021-04-20", "2022-03-01") == "April 2021-March 2022"
    assert place_name({"facility": "JFK8", "city": "Staten Island", "state": "NY"}) == "JFK8, Staten Island, N.Y."
    assert (
        purposes_phrase(["anti-union consultants", "anti-union consultants (LM-10 filings)"])
        == "anti-union consultants"
    )


def test_standing_follows_the_sign_of_the_margin():
    assert [standing(m) for m in (20, -118, 0)] == ["led", "trailed", "tied"]


@pytest.mark.parametrize(
    ("p", "text"),
    [(0.0, "0%"), (1.0, "100%"), (1e-9, "less than 0.1%"), (1 - 1e-9, "more than 99.9%"), (0.1234, "12.3%")],
)
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


@pytest.mark.parametrize(
    ("city", "state", "text"),
    [
        ("Staten Island", "NY", "Staten Island, N.Y."),
        ("Bessemer", "AL", "Bessemer, Ala."),
        ("Garner", "NC", "Garner, N.C."),
        ("Schodack", "NY", "Schodack, N.Y."),
        ("Philadelphia", "PA", "Philadelphia"),
        ("Dallas", "TX", "Dallas"),
        ("Austin", "TX", "Austin, Texas"),
        ("Portland", "ME", "Portland, Maine"),
        ("", "NC", "N.C."),
        ("Garner", "", "Garner"),
        ("", "", ""),
        (None, float("nan"), ""),
    ],
)
def test_places_in_ap_style(city, state, text):
    assert place(city, state) == text


def test_election_names_add_the_code_or_the_year_only_where_they_tell_two_apart():
    table = pd.DataFrame(
        {
            "facility": ["BHM1", "BHM1", "JFK8", "LDJ5", "RDU1", "Whole Foods Philadelphia", "XYZ9"],
            "city": ["Bessemer", "Bessemer", "Staten Island", "Staten Island", "Garner", "Philadelphia", ""],
            "state": ["AL", "AL", "NY", "NY", "NC", "PA", ""],
            "count_date": pd.to_datetime(
                ["2021-04-09", "2022-03-31", "2022-04-01", "2022-05-02", "2025-02-15", "2025-01-27", "2026-01-01"]
            ),
        }
    )
    names = election_names(table)
    assert names["name"].tolist() == [
        "Bessemer, Ala., 2021",
        "Bessemer, Ala., 2022",
        "JFK8, Staten Island, N.Y.",
        "LDJ5, Staten Island, N.Y.",
        "Garner, N.C.",
        "Whole Foods, Philadelphia",
        "XYZ9",
    ]
    assert names["at"].tolist()[:3] == [
        "in Bessemer, Ala., in 2021",
        "in Bessemer, Ala., in 2022",
        "at JFK8 on Staten Island, N.Y.",
    ]
    assert names.loc[4, "at_mid"] == "in Garner, N.C.,"  # AP: a comma after the state mid-sentence


@given(st.floats(0, 1, allow_nan=False), st.integers(0, 3))
@example(0.49996, 1)
@example(0.4996, 0)
@example(0.50001, 1)
@example(0.5, 1)
def test_a_share_never_rounds_across_one_half(share, digits):
    shown = float(fmt_pct(share, digits).rstrip("%"))
    if share < 0.5:
        assert shown < 50
    elif share > 0.5:
        assert shown > 50
    else:
        assert shown == 50
    assert abs(shown - 100 * share) <= 10.0**-digits  # never more than one step off


def test_the_worked_example_of_a_losing_share():
    assert fmt_pct(0.49996) == "49.9%" and fmt_pct(0.50004) == "50.1%" and fmt_pct(0.5) == "50.0%"


@pytest.mark.parametrize(
    ("ratio", "words"),
    [
        (2.98, "3.0 times as large"),
        (1.5, "1.5 times as large"),
        (1.02, "about as large"),
        (0.97, "about as large"),
        (0.5, "half as large"),
        (0.34, "a third as large"),
        (0.2, "a fifth as large"),  # was '0.2 times as large'
        (0.198, "a fifth as large"),
        (0.1, "a tenth as large"),
        (0.37, "37% as large"),
        (0.7, "70% as large"),
        (0.03, "3% as large"),
        (0.001, "under 1% as large"),
    ],
)
def test_a_ratio_reads_as_times_a_fraction_or_a_percentage(ratio, words):
    assert as_large(ratio) == words


@given(st.integers(1, 100_000), st.integers(1, 100_000))
def test_a_ratio_under_one_never_reads_as_times(a, b):
    """Brute force over unit sizes: 'times' only for a larger unit, and every fraction or percentage is within 5% of
    the ratio (one percentage point when written as a percentage)."""
    ratio = b / a
    words = as_large(ratio)
    assert ("times" in words) == (ratio >= 1.05)
    fractions = {"half": 2, "a third": 3, "a quarter": 4, "a fifth": 5, "a sixth": 6, "an eighth": 8, "a tenth": 10}
    fraction = words.removesuffix(" as large")
    if fraction in fractions:
        assert abs(ratio * fractions[fraction] - 1) <= 0.05
    elif fraction.endswith("%") and not fraction.startswith("under"):
        assert abs(float(fraction.rstrip("%")) - 100 * ratio) <= 1
    elif fraction.startswith("under"):
        assert ratio < 0.01


def test_a_run_off_and_a_voting_unit_are_named_apart_from_the_first_count():
    """Two votes of one place and year (a first count and its run-off; units A and B) never share a label."""
    table = pd.DataFrame(
        {
            "facility": ["Backus Hospital"] * 4,
            "city": ["Norwich"] * 4,
            "state": ["CT"] * 4,
            "count_date": ["2018-05-01", "2018-06-01", "2018-05-01", "2018-05-01"],
            "kind": ["initial", "runoff", "initial", "initial"],
            "unit": ["", "", "B", "C"],
        }
    )
    names = election_names(table)["name"].tolist()
    assert len(set(names)) == 4
    assert names[1] == "Backus Hospital, Norwich, Conn., 2018 (run-off)"
    assert names[2].endswith("(unit B)")


def _elections(employers: list[str], companies: list[str] | None) -> pd.DataFrame:
    frame = pd.DataFrame({"employer": employers})
    if companies is not None:
        frame["company"] = [c or np.nan for c in companies]
    return frame


@pytest.mark.parametrize(
    ("employers", "companies", "expected"),
    [
        (["Amazon.com Services LLC", "Whole Foods Market"], ["Amazon", "Amazon"], "Amazon"),
        (["Amazon.com Services LLC", "Whole Foods Market"], None, None),  # two employers, no company: no name
        (["Amazon.com Services LLC", "Amazon.com Services LLC"], None, "Amazon.com Services"),  # AP: no LLC
        (["Amazon.com Services LLC", "Amazon.com Services LLC"], ["Amazon", ""], None),  # empty: the employer
        (["Starbucks Corporation", "Starbucks Corporation"], ["Starbucks", "Starbucks"], "Starbucks"),
        (["Starbucks Corporation", "Trader Joe's"], ["", ""], None),
    ],
)
def test_company_is_named_only_when_every_election_shares_it(employers, companies, expected):
    elections = _elections(employers, companies)
    assert company(elections) == expected
    assert at_company(elections) == (f" at {expected}" if expected else "")


def test_possessive_and_capitalised_follow_ap_style():
    assert possessive("Amazon") == "Amazon's"
    assert possessive("Starbucks") == "Starbucks'"
    assert capitalised("at Amazon") == "At Amazon" and capitalised("") == ""


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("UNITED PARCEL SERVICE", "United Parcel Service"),
        ("UPMC PRESBYTERIAN SHADYSIDE", "UPMC Presbyterian Shadyside"),
        (
            "C.P.S.R. ASSOCIATES, LLC, D/B/A MON VALLEY CARE CENTER",
            "C.P.S.R. Associates, LLC, d/b/a Mon Valley Care Center",
        ),
        ("RWDSU", "RWDSU"),
        ("UFCW Local 1776", "UFCW Local 1776"),
        ("MCDONALD'S OF O'HARA", "McDonald's of O'Hara"),
        ("AMAZON.COM.DEDC, LLC", "Amazon.com DEDC, LLC"),  # a web domain, then a code the NLRB's file ran on
        ("AMAZON.COM SERVICES, LLC", "Amazon.com Services, LLC"),
    ],
)
def test_names_in_capitals_are_put_in_title_case_keeping_acronyms(raw, shown):
    assert display_name(raw) == shown


def test_a_union_name_cut_by_the_nlrb_file_is_never_printed_cut():
    cut = "UNITED STEEL, PAPER AND FORESTRY, RUBBER, MANUFACTURING, ENERGY, ALLIED INDUSTRIAL AND SERVICE WORKE"
    assert len(cut) == 100 and union_name(cut) == "United Steelworkers (USW)"
    affiliated = "SERVICE PERSONNEL AND EMPLOYEES OF THE DAIRY INDUSTRY, TEAMSTERS LOCAL UNION NO. 205 A/W INTERNATION"
    assert (
        union_name(affiliated) == "Service Personnel and Employees of the Dairy Industry, Teamsters Local Union No. 205"
    )
    assert union_name("RWDSU") == "RWDSU"


def test_employers_are_shortened_by_rule_and_places_named_as_ap_does():
    assert short_employer("DuBois Regional Medical Center d/b/a Penn Highlands") == "Penn Highlands"
    assert (
        short_employer("VT Hackney, Inc.") == "VT Hackney"
        and short_employer("Procter and Gamble") == "Procter and Gamble"
    )
    several = "Propel Schools; Propel Charter School – East; Propel Charter School – Hazelwood"
    assert short_employer(several) == "Propel Schools and 2 related employers"
    assert site("Carnegie Library of Pittsburgh", "PITTSBURGH", "PA") == "Carnegie Library of Pittsburgh, Pittsburgh"
    assert place("CRANBERRY TWP", "PA") == "Cranberry Township, Pa." and place("DUBOIS", "PA") == "DuBois, Pa."
    assert place("Hamburg (Town)", "NY") == "Hamburg, N.Y." and place("GREECE (TOWN)", "NY") == "Greece, N.Y."


def test_words_for_any_ballot_follow_case_type_number_and_status():
    assert outcome_headline("won", "06-RD-001553") == "Workers voted to keep the union"
    assert outcome_headline("lost", "06-RD-001553") == "Workers voted to remove the union"
    assert outcome_headline("won", "29-RC-288020") == "Union won" and is_union_win("won", "06-RM-1") is True
    assert not is_union_win("won", "06-RD-001553")
    assert all_of(1, "challenged ballot") == "the 1 challenged ballot" and all_of(2, "challenged ballot") == (
        "both challenged ballots"
    )
    assert count_of(1, "challenged ballot") == "1 challenged ballot"
    row = {"status": "set_aside", "status_by": "administrative_law_judge", "status_date": "2024-11-06",
           "status_appealed": True}  # fmt: skip
    assert status_sentence(row, 2) == (
        "An NLRB administrative law judge set the election aside on Nov. 6, 2024, and ordered a third election; "
        "the decision has been appealed."
    )
    assert outcome_label("undetermined", "", "set_aside") == "set aside" and status_sentence({"status": ""}) == ""
    assert round_like(21_658, [950, 4300]) == 21_700 and round_sig(163.3, 1) == 200
    assert qualified(True, "over") == "over " and qualified(True, "") == "about " and qualified(False, "over") == ""


def test_an_employer_and_its_company_drop_the_same_legal_forms():
    """One rule for legal forms: 'Starbucks Corporation' reads 'Starbucks', as the import names its company, so one
    company's elections are not labelled 'Starbucks Corporation, Portland' beside 'Starbucks, Seattle'."""
    from labor_analysis.nlrb.companies import key

    for legal in ("Corporation", "Corp.", "Inc.", "LLC", "L.L.C.", "Company", "Ltd."):
        assert short_employer(f"Acme Tools {legal}") == "Acme Tools", legal
        assert key(f"Acme Tools {legal}") == key("Acme Tools"), legal
    assert short_employer("STARBUCKS CORPORATION") == short_employer("Siren Retail Corporation d/b/a Starbucks")
    assert short_employer("Corporation for Public Broadcasting") == "Corporation for Public Broadcasting"
    assert short_employer("Jones & Co.") == "Jones"  # no dangling '&'


def test_one_companys_elections_are_labelled_by_one_name():
    """The Starbucks elections of the national record (three spellings of the employer) carry one name."""
    import labor_analysis as la
    from labor_analysis.charts.national import folder_record

    starbucks = la.national().select(company="Starbucks")
    assert starbucks.elections["employer"].nunique() >= 3
    labels = folder_record(starbucks)["label"].astype(str)
    named = labels.str.extract(r"^(.*?), ")[0]
    assert set(named) == {"Starbucks"}, set(named)


def test_a_dotted_employer_keeps_its_domain_and_its_code():
    raw = "AMAZON.COM.DEDC, LLC, a subsidiary of AMAZON.COM, INC."
    assert display_name(raw) == "Amazon.com DEDC, LLC, a subsidiary of Amazon.com, Inc."
    assert short_employer(raw) == "Amazon.com DEDC"
    assert short_employer("AMAZON.COM.KYDC LLC AND AMAZON.COM.INDC LLC") == "Amazon.com KYDC and Amazon.com INDC"
    assert display_name("Amazon.com Services LLC") == "Amazon.com Services LLC"  # lower case: left as it is


def test_an_island_is_on_a_city_named_for_one_is_in():
    assert at_site("JFK8", "Staten Island", "NY", with_code=True) == "at JFK8 on Staten Island, N.Y."
    assert at_site("", "STATEN ISLAND", "NY") == "on Staten Island, N.Y."
    assert at_site("", "Rock Island", "IL") == "in Rock Island, Ill."
    assert preposition("Staten Island") == "on" and preposition("Bessemer") == "in"


@pytest.mark.parametrize(
    ("day", "words"),
    [
        ("2023-01-11", "Jan. 11, 2023"),
        ("2022-02-03", "Feb. 3, 2022"),
        ("2022-03-31", "March 31, 2022"),
        ("2022-07-04", "July 4, 2022"),
        ("2022-08-01", "Aug. 1, 2022"),
        ("2022-09-01", "Sept. 1, 2022"),
        ("2024-11-06", "Nov. 6, 2024"),
        ("2021-12-24", "Dec. 24, 2021"),
    ],
)
def test_dates_with_a_day_are_in_ap_style(day, words):
    assert long_date(day) == words


def test_an_election_named_by_its_union_says_union_once():
    assert union_election("ALU") == "the ALU election"  # Amazon Labor Union
    assert union_election("RWDSU") == "the RWDSU election"
    assert union_election("Amazon Labor Union") == "the Amazon Labor Union election"
    assert union_election("Teamsters") == "the Teamsters union election"
    assert union_election("") == "the union election"
    # an affiliation after a slash, as the NLRB's files name Starbucks' unions: no 'SEIU union'
    name = "Chicago & Midwest Regional Joint Board - Workers United/SEIU"
    assert union_election(name) == f"the {name} election"
    assert union_election("Workers United") == "the Workers United union election"


@pytest.mark.parametrize(
    ("part", "whole", "words"),
    [(0, 3, "none"), (0, 0, "none"), (1, 1, "it"), (2, 2, "both"), (12, 12, "all 12"), (4, 12, "4"),
     (230, 274, "230 (84%)"), (1, 1000, "1 (under 1%)"), (999, 1000, "999 (over 99%)"), (1499, 3000, "1,499 (49%)")],
)  # fmt: skip
def test_a_part_of_a_whole_as_a_copy_desk_prints_it(part, whole, words):
    assert part_of(part, whole) == words


def test_the_challenged_ballots_sentence_of_a_counted_vote_is_told_in_the_past():
    """A chart titled 'Union needed 267 of 416 ...' keeps its subtitle in the same tense (hand-worked: Bessemer 2022,
    875 yes, 993 no, 416 challenged: 993 - 875 = 118 behind, 267 yes of 416 gives 1,142 to 1,142, a tie, which loses,
    so 268, which gives 1,143 to 1,141)."""
    from labor_analysis.text import challenged_ballots_sentence

    assert challenged_ballots_sentence(875, 993, 416, past=True) == (
        "The 416 challenged ballots were determinative: the union trailed by 118, and it needed 268 of them (64.4%) "
        "to be yes votes and the rest no, which would have given 1,143 to 1,141 (a tie loses)."
    )
    assert challenged_ballots_sentence(2654, 2131, 67, past=True).endswith(
        "so it would have won even if every one of them had been a no vote."
    )
    assert challenged_ballots_sentence(10, 50, 1, past=True) == (
        "The 1 challenged ballot was not determinative: the union trailed by 40, so it would have lost even if every "
        "one of them had been a yes vote."
    )
    present = challenged_ballots_sentence(875, 993, 416)
    assert "are determinative" in present and "it needs 268" in present and "which gives" in present
    # a what-if of some of the challenges stays in the present, whatever `past` says
    assert challenged_ballots_sentence(875, 993, 416, 0.5, past=True) == challenged_ballots_sentence(875, 993, 416, 0.5)
