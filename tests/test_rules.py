"""The NLRB rules on cases worked by hand, the types in and out, and win_probability against scipy.stats."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import labor_analysis
from labor_analysis import is_determinative, rules, scenario_grid, win_probability, yes_needed

# (yes, no, challenged) as published; see ../shared/facts.md
BESSEMER_2022 = (875, 993, 416)
BESSEMER_2021 = (738, 1798, 505)
JFK8 = (2654, 2131, 67)
LDJ5 = (380, 618, 0)
ALB1 = (206, 406, 31)


def test_the_four_functions_are_importable_from_the_package():
    for name in ("yes_needed", "is_determinative", "win_probability", "scenario_grid", "summary"):
        assert name in labor_analysis.__all__
        assert callable(getattr(labor_analysis, name))


def test_bessemer_rerun_needs_268_of_416_and_is_determinative():
    # 875 + 268 = 1143 > 993 + (416 - 268) = 1141, while 875 + 267 = 1142 = 993 + 149 is a tie, which loses.
    assert yes_needed(*BESSEMER_2022) == 268
    assert is_determinative(*BESSEMER_2022) is True


def test_jfk8_is_not_determinative_and_needs_none():
    # A lead of 523 against 67 challenged: even 67 more no votes leave the union ahead.
    assert is_determinative(*JFK8) is False
    assert yes_needed(*JFK8) == 0
    assert win_probability(*JFK8, yes_share=0.0) == 1.0


def test_ldj5_without_challenged_ballots_is_a_plain_loss():
    assert is_determinative(*LDJ5) is False
    assert yes_needed(*LDJ5) is None
    assert win_probability(*LDJ5, yes_share=1.0) == 0.0


def test_alb1_deficit_of_200_beats_31_challenged():
    assert is_determinative(*ALB1) is False
    assert yes_needed(*ALB1) is None


def test_bessemer_first_election_505_challenged_cannot_cover_a_deficit_of_1060():
    assert is_determinative(*BESSEMER_2021) is False
    assert yes_needed(*BESSEMER_2021) is None
    assert win_probability(*BESSEMER_2021, yes_share=1.0) == 0.0


@pytest.mark.parametrize(
    "yes, no, challenged, determinative, needed",
    [
        (100, 100, 0, False, None),  # a tie with nothing to open loses
        (100, 100, 1, True, 1),  # one yes among the challenged breaks the tie
        (101, 100, 1, True, 1),  # lead 1, one challenged no would tie (a loss)
        (102, 100, 1, False, 0),  # lead 2 survives one no
        (100, 102, 2, False, None),  # two yes only tie
        (100, 102, 3, True, 3),  # three yes win by one
        (0, 0, 0, False, None),
    ],
)
def test_edges_of_ties_and_one_ballot_leads(yes, no, challenged, determinative, needed):
    assert is_determinative(yes, no, challenged) is determinative
    assert yes_needed(yes, no, challenged) == needed


def test_tie_loses_in_win_probability():
    assert win_probability(50, 50, 0, yes_share=0.5) == 0.0
    assert win_probability(51, 50, 0, yes_share=0.0) == 1.0


def test_win_probability_small_case_by_hand():
    # Tied 5-5, three challenged ballots, each yes .25, no .25, discarded .5: by symmetry
    # P(win) = (1 - P(Y = N)) / 2 with P(Y = N) = .5**3 + 6 * .25 * .25 * .5 = .3125.
    assert win_probability(5, 5, 3, yes_share=0.5, overruled=0.5) == pytest.approx(0.34375, abs=1e-12)


def multinomial_win_probability(yes: int, no: int, challenged: int, q: float, u: float) -> float:
    """Independent check: sum the trinomial pmf over every (Y, N) with yes + Y > no + N."""
    dist = stats.multinomial(challenged, [u * q, u * (1 - q), 1 - u])
    return sum(
        dist.pmf([y, n, challenged - y - n])
        for y in range(challenged + 1)
        for n in range(challenged - y + 1)
        if yes + y > no + n
    )


@pytest.mark.parametrize(
    "yes, no, challenged", [(10, 12, 5), (7, 7, 6), (30, 25, 9), (0, 0, 4), (3, 10, 12), (40, 40, 15)]
)
@pytest.mark.parametrize("q, u", [(0.5, 1.0), (0.3, 0.7), (0.9, 0.4), (0.0, 0.8), (1.0, 0.6), (0.62, 0.0)])
def test_win_probability_matches_scipy_multinomial(yes, no, challenged, q, u):
    expected = multinomial_win_probability(yes, no, challenged, q, u)
    assert win_probability(yes, no, challenged, yes_share=q, overruled=u) == pytest.approx(expected, abs=1e-12)


def test_vectorised_call_matches_scipy_multinomial_elementwise():
    cases = list(itertools.product([4, 9], [6, 9], [0, 3, 8], [0.25, 0.8], [0.5, 1.0]))
    yes, no, ch, q, u = (np.array(column) for column in zip(*cases))
    got = win_probability(yes, no, ch, yes_share=q, overruled=u)
    expected = [multinomial_win_probability(*case) for case in cases]
    np.testing.assert_allclose(got, expected, atol=1e-12)


def test_bessemer_probability_at_the_break_even_share_is_near_a_half():
    # 268 of 416 is the break-even share; around it the union's chance should be close to one half.
    p = win_probability(*BESSEMER_2022, yes_share=268 / 416)
    assert 0.4 < p < 0.6
    assert win_probability(*BESSEMER_2022, yes_share=0.5) < 1e-6


def test_large_challenged_counts_are_handled_without_overflow():
    p = win_probability(10_000, 10_000, 5_000, yes_share=0.5, overruled=0.9)
    assert 0.49 < p < 0.5  # symmetric, minus the chance of a tie


def test_scalars_give_python_types():
    assert type(yes_needed(*BESSEMER_2022)) is int
    assert type(is_determinative(*BESSEMER_2022)) is bool
    assert type(win_probability(*BESSEMER_2022, yes_share=0.5)) is float


def test_numpy_arrays_give_numpy_arrays_and_missing_yes_needed_is_na():
    yes, no, ch = (np.array(col) for col in zip(BESSEMER_2022, JFK8, LDJ5))
    det = is_determinative(yes, no, ch)
    assert isinstance(det, np.ndarray) and det.dtype == bool
    assert det.tolist() == [True, False, False]
    needed = yes_needed(yes, no, ch)
    assert str(needed.dtype) == "Int64"
    assert needed[0] == 268 and needed[1] == 0 and pd.isna(needed[2])
    p = win_probability(yes, no, ch, yes_share=0.5)
    assert isinstance(p, np.ndarray) and p.dtype == np.float64 and p.shape == (3,)


def test_series_keep_their_index_and_missing_inputs_give_missing_results():
    index = pd.Index(["bhm1-2022", "jfk8-2022", "wfm-phl-2025"], name="election_id")
    yes = pd.Series([875, 2654, 130], index=index, dtype="Int64")
    no = pd.Series([993, 2131, 100], index=index, dtype="Int64")
    ch = pd.Series([416, 67, pd.NA], index=index, dtype="Int64")
    det = is_determinative(yes, no, ch)
    assert det.index.equals(index) and str(det.dtype) == "boolean"
    assert det.iloc[0] and not det.iloc[1] and pd.isna(det.iloc[2])
    needed = yes_needed(yes, no, ch)
    assert needed.index.equals(index) and needed.iloc[0] == 268 and pd.isna(needed.iloc[2])
    p = win_probability(yes, no, ch, yes_share=0.5)
    assert p.index.equals(index) and p.iloc[1] == 1.0 and np.isnan(p.iloc[2])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: yes_needed(-1, 2, 3), "yes must not be negative"),
        (lambda: is_determinative(1, -2, 3), "no must not be negative"),
        (lambda: win_probability(1, 2, -3, 0.5), "challenged must not be negative"),
        (lambda: win_probability(1, 2, 3, 1.5), "yes_share must be a share between 0 and 1"),
        (lambda: win_probability(1, 2, 3, 0.5, overruled=-0.1), "overruled must be a share between 0 and 1"),
        (lambda: win_probability(1, 2, 3, float("nan")), "yes_share is missing"),
        (lambda: yes_needed(1.5, 2, 3), "whole number"),
        (lambda: is_determinative(float("inf"), 2, 3), "whole number"),
        (lambda: yes_needed(None, 2, 3), "yes is missing"),
        (lambda: yes_needed([1, 2], [1, 2, 3], [0, 0]), "equal lengths"),
        (lambda: yes_needed(np.array([1.0, np.nan]), 2, 3), "missing values"),
        (lambda: yes_needed("many", 2, 3), "must be a number"),
    ],
)
def test_bad_inputs_raise_a_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_scenario_grid_is_tidy_and_consistent_with_win_probability():
    grid = scenario_grid(*BESSEMER_2022)
    assert list(grid.columns) == [
        "yes_share",
        "overruled_share",
        "expected_yes",
        "expected_no",
        "final_margin",
        "win_probability",
        "outcome",
    ]
    assert len(grid) == 21 * 21
    assert sorted(grid["yes_share"].unique()) == pytest.approx(np.linspace(0, 1, 21))
    row = grid[np.isclose(grid["yes_share"], 0.7) & np.isclose(grid["overruled_share"], 0.8)].iloc[0]
    assert row["expected_yes"] == pytest.approx(875 + 416 * 0.8 * 0.7)
    assert row["expected_no"] == pytest.approx(993 + 416 * 0.8 * 0.3)
    assert row["final_margin"] == pytest.approx(row["expected_yes"] - row["expected_no"])
    assert row["win_probability"] == pytest.approx(win_probability(*BESSEMER_2022, yes_share=0.7, overruled=0.8))
    # Every challenge sustained: the count stands, the union trails by 118.
    assert set(grid.loc[grid["overruled_share"] == 0, "outcome"]) == {"lost"}
    all_yes = grid[(grid["yes_share"] == 1) & (grid["overruled_share"] == 1)].iloc[0]
    assert all_yes["final_margin"] == 875 + 416 - 993 and all_yes["outcome"] == "won"


def test_scenario_grid_toss_up_is_within_one_ballot_of_a_tie():
    grid = scenario_grid(10, 10, 4, yes_shares=[0.5, 0.75, 0.25], overruled_shares=[1.0])
    assert grid["outcome"].tolist() == ["toss-up", "won", "lost"]
    assert grid["final_margin"].tolist() == [0.0, 2.0, -2.0]


def test_scenario_grid_takes_one_election():
    with pytest.raises(ValueError, match="one election"):
        scenario_grid([1, 2], [3, 4], [5, 6])


def test_showing_of_interest_needs_30_percent_of_the_unit():
    assert rules.SHOWING_OF_INTEREST_MINIMUM == 0.30
    assert rules.meets_showing_of_interest(0.30) is True
    assert rules.meets_showing_of_interest(30 / 100) is True  # as the story computes it from a percentage
    assert rules.meets_showing_of_interest(0.2999) is False
    assert rules.meets_showing_of_interest(1.0) is True
    with pytest.raises(ValueError):
        rules.meets_showing_of_interest(30)  # a percentage, not a share
