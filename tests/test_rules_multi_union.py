"""The counting rules for ballots with one or more unions: hand-worked cases, and the exact conditions for
determinative challenged ballots proved against brute force over every way small numbers of them could fall."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import labor_analysis
from labor_analysis import count_outcome, election_outcome, is_determinative, multi_union_determinative
from labor_analysis.rules import NO_UNION

NAN = math.nan


# --- A reference written straight from the NLRB's words, one ballot at a time --------------------------------


def reference_outcome(unions: tuple[int, ...], no: int, runoff_allowed: bool = True) -> tuple:
    """('won', union column), ('lost',) or ('runoff', frozenset of the two leading choices, or None on a tie for
    second place). Choices: union columns 0..n-1 and NO_UNION. A run-off election cannot lead to another."""
    choices = {i: v for i, v in enumerate(unions)} | {NO_UNION: no}
    valid = sum(choices.values())
    majority = [c for c, v in choices.items() if 2 * v > valid]
    if majority:
        return ("lost",) if majority[0] == NO_UNION else ("won", majority[0])
    if len(unions) == 1 or valid == 0 or not runoff_allowed:
        return ("lost",)
    ranked = sorted(choices.values(), reverse=True)
    if ranked[1] == ranked[2]:
        return ("runoff", None)  # no clear two: §102.70(d)
    return ("runoff", frozenset(c for c, v in choices.items() if v >= ranked[1]))


def brute_force_determinative(unions: tuple[int, ...], no: int, challenged: int, runoff_allowed: bool = True) -> bool:
    """Every way the challenged ballots could fall: each counted for one of the choices, or not counted."""
    before = reference_outcome(unions, no, runoff_allowed)
    n = len(unions)
    for fall in itertools.combinations_with_replacement(range(n + 2), challenged):  # n + 1 = not counted
        added = [fall.count(i) for i in range(n + 1)]
        after = reference_outcome(tuple(u + a for u, a in zip(unions, added)), no + added[n], runoff_allowed)
        if after != before:
            return True
    return False


def as_reference(row: pd.Series) -> tuple:
    """A `count_outcome` row in the reference's shape."""
    if row["outcome"] == "won":
        return ("won", int(row["winner"]))
    if row["outcome"] == "lost":
        return ("lost",)
    if pd.isna(row["runoff_first"]):
        return ("runoff", None)
    return ("runoff", frozenset((int(row["runoff_first"]), int(row["runoff_second"]))))


def padded(ballots: list[tuple[int, ...]]) -> np.ndarray:
    """Rows of union votes with NaN where a ballot lists fewer unions."""
    width = max(len(b) for b in ballots)
    return np.array([list(b) + [NAN] * (width - len(b)) for b in ballots], dtype=float)


def check_against_brute_force(cases: list[tuple[tuple[int, ...], int, int]], runoff_allowed: bool = True) -> None:
    """count_outcome and multi_union_determinative on all `cases` in one vectorised call, against the reference."""
    table = padded([u for u, _, _ in cases])
    no = np.array([n for _, n, _ in cases])
    challenged = np.array([c for _, _, c in cases])
    outcomes = count_outcome(table, no, runoff_allowed=runoff_allowed)
    determinative = multi_union_determinative(table, no, challenged, runoff_allowed=runoff_allowed)
    for i, (unions, n, c) in enumerate(cases):
        assert as_reference(outcomes.iloc[i]) == reference_outcome(unions, n, runoff_allowed), (unions, n)
        expected = brute_force_determinative(unions, n, c, runoff_allowed)
        assert bool(determinative.iloc[i]) == expected, (unions, n, c)


# --- Proofs by exhaustion and by hypothesis ------------------------------------------------------------------


@pytest.mark.parametrize("runoff_allowed", [True, False])
@pytest.mark.parametrize("n_unions, most_votes, most_challenged", [(1, 7, 5), (2, 6, 5), (3, 4, 4)])
def test_every_small_ballot_agrees_with_brute_force(n_unions, most_votes, most_challenged, runoff_allowed):
    cases = [
        (votes[:-1], votes[-1], c)
        for votes in itertools.product(range(most_votes + 1), repeat=n_unions + 1)
        for c in range(most_challenged + 1)
    ]
    check_against_brute_force(cases, runoff_allowed)


ballot = st.integers(1, 3).flatmap(
    lambda n: st.tuples(st.tuples(*[st.integers(0, 40)] * n), st.integers(0, 40), st.integers(0, 6))
)


@settings(max_examples=150, deadline=None)
@given(st.lists(ballot, min_size=1, max_size=8), st.booleans())
def test_larger_ballots_agree_with_brute_force(cases, runoff_allowed):
    check_against_brute_force(cases, runoff_allowed)


@given(st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 3000), st.integers(0, 600)), min_size=1))
def test_single_union_ballots_agree_with_is_determinative_and_the_old_outcome(rows):
    yes, no, challenged = (np.array(col) for col in zip(*rows))
    assert multi_union_determinative(yes, no, challenged).tolist() == is_determinative(yes, no, challenged).tolist()
    outcome = election_outcome(yes, no, challenged)["outcome"].astype(str)
    expected = np.where(is_determinative(yes, no, challenged), "undetermined", np.where(yes > no, "won", "lost"))
    assert outcome.tolist() == expected.tolist()


# --- Hand-worked cases ---------------------------------------------------------------------------------------


def one(union_votes: list[float], no: int, challenged: int = 0) -> pd.Series:
    """election_outcome and count_outcome of one ballot, as one record."""
    counted = count_outcome(union_votes, no).iloc[0]
    weighed = election_outcome(union_votes, no, challenged).iloc[0]
    return pd.concat([counted.rename({"outcome": "count", "winner": "count_winner"}), weighed])


def test_two_unions_one_wins_outright():
    # 300 of 550 valid votes is more than half (275).
    row = one([300, 100], 150, challenged=10)
    assert row["count"] == "won" and row["count_winner"] == 0 and row["outcome"] == "won" and row["winner"] == 0
    assert not row["determinative"]  # its lead over all the others together is 300 - 250 = 50 > 10


def test_two_unions_and_no_majority_need_a_run_off():
    # 200 of 530 is less than half; the run-off is between the two unions, which have the most votes.
    row = one([200, 180], 150)
    assert row["count"] == "runoff" and row["outcome"] == "runoff" and pd.isna(row["winner"])
    assert (row["runoff_first"], row["runoff_second"]) == (0, 1)


def test_a_run_off_can_be_between_a_union_and_no_union():
    row = one([90, 200], 180)
    assert row["count"] == "runoff" and (row["runoff_first"], row["runoff_second"]) == (1, NO_UNION)


def test_no_union_with_a_majority_is_a_loss():
    row = one([50, 40], 300, challenged=200)
    assert row["count"] == "lost" and row["outcome"] == "lost" and not row["determinative"]
    # 300 of 390; the 200 challenged ballots, all for the unions, would leave "no union" 300 of 590: still more.
    assert one([50, 40], 300, challenged=210)["outcome"] == "undetermined"  # 300 of 600 is not a majority


def test_three_unions_run_off_and_when_the_third_union_matters():
    # 100 + 90 + 80 + 20 = 290 valid votes, nobody above 145: a run-off between the first two unions.
    row = one([100, 90, 80], 20, challenged=9)
    assert row["count"] == "runoff" and (row["runoff_first"], row["runoff_second"]) == (0, 1)
    assert not row["determinative"]  # 9 challenged ballots for the third union leave it at 89, below 90
    assert one([100, 90, 80], 20, challenged=10)["outcome"] == "undetermined"  # 10 tie it with the second


def test_three_unions_one_wins():
    row = one([200, 50, 30], 60)
    assert row["count"] == "won" and row["winner"] == 0


def test_challenged_ballots_that_could_turn_a_win_into_a_run_off():
    # 260 of 500 valid votes: a lead of 20 over all the others together. 20 ballots for the other union make it
    # 260 of 520, exactly half, which is not a majority: a run-off.
    assert one([260, 100], 140, challenged=19)["outcome"] == "won"
    row = one([260, 100], 140, challenged=20)
    assert row["count"] == "won" and row["count_winner"] == 0
    assert row["outcome"] == "undetermined" and pd.isna(row["winner"])
    assert count_outcome([260, 120], 140).iloc[0]["outcome"] == "runoff"


def test_a_tie_on_a_single_union_ballot_loses():
    row = one([100], 100)
    assert row["count"] == "lost" and row["outcome"] == "lost" and not row["determinative"]
    assert one([100], 100, challenged=1)["outcome"] == "undetermined"


def test_bessemer_2022_and_jfk8_are_unchanged():
    assert one([875], 993, challenged=416)["outcome"] == "undetermined"  # needs 268 of the 416
    jfk8 = one([2654], 2131, challenged=67)
    assert jfk8["outcome"] == "won" and jfk8["winner"] == 0 and not jfk8["determinative"]


def test_a_tie_for_second_place_leaves_no_clear_two():
    # 100, 50, 50: no majority of 200, and no clear second choice (NLRB Rules and Regulations §102.70(d)).
    row = one([100, 50], 50)
    assert row["count"] == "runoff" and pd.isna(row["runoff_first"]) and pd.isna(row["runoff_second"])
    assert one([100, 50], 50, challenged=1)["outcome"] == "undetermined"  # one ballot makes the two clear


def test_a_tie_for_first_place_is_a_run_off_between_the_tied_choices():
    row = one([100, 50], 100)
    assert (row["runoff_first"], row["runoff_second"]) == (0, NO_UNION)


def test_three_choices_all_tied_take_two_ballots_to_change():
    assert one([10, 10], 10, challenged=1)["outcome"] == "runoff"  # 11, 10, 10: still no clear second
    assert one([10, 10], 10, challenged=2)["outcome"] == "undetermined"


def test_a_run_off_election_is_never_followed_by_another_run_off():
    # NLRB Rules and Regulations §102.70(a): only one run-off. A tie between the two unions of a run-off is lost.
    tied = election_outcome([[20, 20]], [0], [0], runoff_allowed=False).iloc[0]
    assert tied["outcome"] == "lost" and pd.isna(tied["winner"])
    assert election_outcome([[20, 20]], [0], [1], runoff_allowed=False).iloc[0]["outcome"] == "undetermined"
    won = election_outcome([[27, 16]], [0], [10], runoff_allowed=False).iloc[0]
    assert won["outcome"] == "won" and won["winner"] == 0  # 10 ballots for the other union leave 27 of 53
    assert election_outcome([[27, 16]], [0], [11], runoff_allowed=False).iloc[0]["outcome"] == "undetermined"
    outcomes = count_outcome([[20, 20], [20, 20]], [0, 0], runoff_allowed=pd.Series([True, False]))
    assert outcomes["outcome"].tolist() == ["runoff", "lost"]


def test_no_valid_votes_is_a_loss_that_one_counted_ballot_could_change():
    assert one([0, 0], 0)["outcome"] == "lost"
    assert one([0, 0], 0, challenged=1)["outcome"] == "undetermined"


# --- Shapes, missing values and bad input --------------------------------------------------------------------


def test_a_table_keeps_its_index_and_a_count_of_unions_tells_absent_from_missing():
    table = pd.DataFrame({"u1": [300, 5, 200], "u2": [100, NAN, NAN]}, index=["a", "b", "c"])
    no = pd.Series([150, 3, 100], index=table.index)
    result = election_outcome(
        table,
        no,
        pd.Series([0, 0, pd.NA], index=table.index, dtype="Int64"),
        unions=pd.Series([2, 2, 1], index=table.index),
    )
    assert list(result.index) == ["a", "b", "c"]
    assert result.loc["a", "outcome"] == "won"
    assert pd.isna(result.loc["b", "outcome"])  # two unions, the second's votes never reported
    assert result.loc["c", "outcome"] == "won" and pd.isna(result.loc["c", "determinative"])  # read from the count


def test_one_dimensional_input_is_one_union_per_election_unless_no_is_a_scalar():
    assert count_outcome([5, 3], [1, 9])["outcome"].tolist() == ["won", "lost"]
    assert count_outcome([5, 3], 1)["outcome"].tolist() == ["won"]
    assert count_outcome([[5, 3]], [1])["winner"].tolist() == [0]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: count_outcome([[1, -2]], [3]), "union_votes must not be negative"),
        (lambda: count_outcome([[1.5]], [3]), "whole number"),
        (lambda: count_outcome([[1, 2]], [3, 4]), "no has 2 values for 1 elections"),
        (lambda: count_outcome([[1, 2]], [3], unions=[3]), "unions must be between 1 and"),
        (lambda: multi_union_determinative([[1, 2]], [3], [-1]), "challenged must not be negative"),
        (lambda: count_outcome([["many"]], [3]), "union_votes must"),
        (lambda: count_outcome([[1], [2]], [3, 4], runoff_allowed=[True]), "runoff_allowed must be true or false"),
    ],
)
def test_bad_inputs_raise_a_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_the_new_functions_are_exported():
    for name in ("count_outcome", "multi_union_determinative", "election_outcome"):
        assert name in labor_analysis.__all__
