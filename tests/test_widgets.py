"""The scenario explorer: its pure update function against the rules, and the widget wiring without a browser."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labor_analysis import load, rules
from labor_analysis.text import fmt_probability
from labor_analysis.widgets import explain_scenario, scenario_explorer

shares = st.floats(min_value=0, max_value=1, allow_nan=False)


@pytest.fixture(scope="module")
def ds():
    return load()


@settings(max_examples=60, deadline=None)
@given(yes_share=shares, overruled=shares)
def test_probability_is_the_rules_probability_for_any_slider_position(yes_share, overruled):
    scenario = explain_scenario(875, 993, 416, yes_share, overruled)
    assert scenario.probability == rules.win_probability(875, 993, 416, yes_share, overruled)
    assert fmt_probability(scenario.probability) in scenario.probability_text


@settings(max_examples=60, deadline=None)
@given(yes=st.integers(0, 3000), no=st.integers(0, 3000), challenged=st.integers(1, 600), overruled=shares)
def test_yes_needed_is_the_rules_answer_for_the_overruled_ballots(yes, no, challenged, overruled):
    scenario = explain_scenario(yes, no, challenged, 0.5, overruled)
    assert scenario.overruled_ballots == round(challenged * overruled)
    assert scenario.yes_needed == rules.yes_needed(yes, no, scenario.overruled_ballots)
    assert scenario.determinative == rules.is_determinative(yes, no, challenged)
    if scenario.determinative and scenario.yes_needed:
        assert f"needs {scenario.yes_needed:,} of them" in scenario.what_it_takes


def test_bessemer_with_every_challenge_overruled_needs_268_of_416():
    scenario = explain_scenario(875, 993, 416, 0.6, 1.0)
    assert scenario.yes_needed == rules.yes_needed(875, 993, 416) == 268
    assert "268" in scenario.what_it_takes and "416" in scenario.what_it_takes
    assert scenario.probability == pytest.approx(rules.win_probability(875, 993, 416, 0.6))


def test_a_result_the_challenged_ballots_cannot_change_says_so():
    scenario = explain_scenario(2654, 2131, 67, 0.2, 1.0)
    assert not scenario.determinative
    assert scenario.probability == 1.0
    assert "not determinative" in scenario.what_it_takes
    assert "wins even if every one of them is a no vote" in scenario.what_it_takes


def test_fewer_overruled_challenges_say_how_many_and_what_they_need():
    scenario = explain_scenario(875, 993, 416, 0.6, 0.5)
    assert "If the challenges to 50% of them are overruled (208 opened and counted)" in scenario.what_it_takes
    assert "upheld" not in scenario.what_it_takes + scenario.probability_text
    assert scenario.yes_needed == rules.yes_needed(875, 993, 208)
    assert f"needs {scenario.yes_needed} of them" in scenario.what_it_takes


def test_shares_outside_zero_to_one_are_refused():
    with pytest.raises(ValueError):
        explain_scenario(875, 993, 416, 1.2, 1.0)
    with pytest.raises(ValueError):
        explain_scenario(875, 993, 416, 0.5, -0.1)


@pytest.mark.parametrize(
    ("p", "text"),
    [(0.0, "0%"), (1.0, "100%"), (1e-9, "less than 0.1%"), (1 - 1e-9, "more than 99.9%"), (0.1234, "12.3%")],
)
def test_probabilities_are_never_rounded_to_false_certainty(p, text):
    assert fmt_probability(p) == text


def test_moving_a_slider_updates_the_words_and_the_heat_map(ds):
    box = scenario_explorer(ds, "bhm1-2022")
    yes_slider, overruled_slider, image, words = box.children
    assert yes_slider.value == pytest.approx(875 / (875 + 993), abs=0.005)
    assert overruled_slider.value == 1.0
    before_png, before_words = bytes(image.value), words.value
    assert before_png.startswith(b"\x89PNG")

    yes_slider.value = 0.7
    overruled_slider.value = 0.5
    expected = explain_scenario(875, 993, 416, 0.7, 0.5)
    assert fmt_probability(expected.probability) in words.value
    assert f"needs {expected.yes_needed:,} of them" in words.value
    assert words.value != before_words
    assert bytes(image.value) != before_png  # the marker moved


@pytest.mark.parametrize(
    ("election_id", "reason"),
    [("ldj5-2022", "no ballot was challenged"), ("wfm-phl-2025", "challenged ballots are not all on record")],
)
def test_an_election_without_challenged_ballots_says_why_it_has_nothing_to_explore(ds, election_id, reason):
    from labor_analysis.story import Passage

    shown = scenario_explorer(ds, election_id)
    assert isinstance(shown, Passage)  # a sentence in the notebook, not a traceback
    assert shown.text.startswith("*No scenario to explore for this election: ") and reason in shown.text


def test_sliders_show_their_value_as_a_percentage_without_an_editable_readout(ds) -> None:
    """A typed '70' in an ipywidgets readout means the share 70, so the value is shown in the description instead."""
    box = scenario_explorer(ds, "bhm1-2022")
    yes_slider, overruled_slider = box.children[0], box.children[1]
    assert not yes_slider.readout and not overruled_slider.readout
    yes_slider.value = 0.7
    assert yes_slider.description.endswith(": 70%")
    overruled_slider.value = 0.5
    assert overruled_slider.description.endswith(": 50%")
