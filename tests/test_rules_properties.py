"""Property-based tests of the NLRB rules with hypothesis."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labor_analysis import is_determinative, win_probability, yes_needed

counts = st.integers(min_value=0, max_value=400)
small_counts = st.integers(min_value=0, max_value=60)
shares = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
# Probabilities within 1e-16 of 1 round to 1.0 in a double, so the strictness property is checked where every
# outcome has probability above that: at most 20 ballots, each side's share at least 0.2 (0.2**20 ~ 1e-14).
inner_shares = st.floats(min_value=0.2, max_value=0.8, allow_nan=False)


@given(counts, counts, small_counts)
def test_yes_needed_agrees_with_brute_force_over_every_k(yes, no, challenged):
    winning = [k for k in range(challenged + 1) if yes + k > no + (challenged - k)]
    assert yes_needed(yes, no, challenged) == (winning[0] if winning else None)


@given(counts, counts, small_counts)
def test_determinative_means_some_split_changes_the_result(yes, no, challenged):
    without = yes > no
    results = {yes + k > no + (challenged - k) for k in range(challenged + 1)}
    assert is_determinative(yes, no, challenged) == (results != {without})


@settings(max_examples=60)
@given(counts, counts, small_counts, shares, shares, shares)
def test_raising_yes_share_never_lowers_win_probability(yes, no, challenged, q1, q2, u):
    low, high = sorted((q1, q2))
    assert win_probability(yes, no, challenged, high, u) >= win_probability(yes, no, challenged, low, u) - 1e-12


@settings(max_examples=60)
@given(counts, counts, st.integers(min_value=0, max_value=20), inner_shares)
def test_a_determinative_result_is_never_certain_for_an_inner_share(yes, no, challenged, q):
    if is_determinative(yes, no, challenged):
        p = win_probability(yes, no, challenged, q, overruled=1.0)
        assert 0 < p < 1


@settings(max_examples=60)
@given(counts, counts, small_counts, shares, shares)
def test_win_probability_is_a_probability(yes, no, challenged, q, u):
    assert 0.0 <= win_probability(yes, no, challenged, q, u) <= 1.0


@given(counts, counts, small_counts, shares)
def test_every_challenge_sustained_leaves_the_count_standing(yes, no, challenged, q):
    assert win_probability(yes, no, challenged, q, overruled=0.0) == (1.0 if yes > no else 0.0)


@settings(max_examples=40)
@given(
    st.lists(st.tuples(counts, counts, small_counts, shares, shares), min_size=1, max_size=12),
)
def test_vectorised_results_equal_scalar_results_elementwise(rows):
    yes, no, ch, q, u = (np.array(col) for col in zip(*rows))
    vector_p = win_probability(yes, no, ch, q, u)
    vector_det = is_determinative(yes, no, ch)
    vector_needed = yes_needed(yes, no, ch)
    for i, row in enumerate(rows):
        assert vector_p[i] == pytest.approx(win_probability(*row), abs=1e-12)
        assert vector_det[i] == is_determinative(*row[:3])
        assert (None if pd.isna(vector_needed[i]) else int(vector_needed[i])) == yes_needed(*row[:3])
