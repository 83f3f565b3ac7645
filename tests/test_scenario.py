"""`la.scenario` (issue 18): one challenged-ballot scenario built on the rules, shown as one sentence in the NLRB's
words, and the words the command line, the widget, the offline explorer and the story use."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import labor_analysis as la
from labor_analysis import rules
from labor_analysis.cli import main
from labor_analysis.explorer import build_explorer
from labor_analysis.scenario import Scenario, probability_template, share_words
from labor_analysis.text import fmt_probability
from labor_analysis.widgets import explain_scenario


def test_bessemer_2022_at_65_percent_is_the_exact_chance() -> None:
    ds = la.load()
    s = la.scenario(ds, "bhm1-2022", overruled=1.0, yes_share=0.65)
    row = la.summary(ds).set_index("election_id").loc["bhm1-2022"]
    expected = rules.win_probability(int(row["yes"]), int(row["no"]), int(row["challenged"]), 0.65, 1.0)
    assert s.probability == expected
    assert s.probability == pytest.approx(0.62, abs=0.005)
    assert s.yes_needed == rules.yes_needed(int(row["yes"]), int(row["no"]), int(row["challenged"]))
    assert s.determinative is True
    grid = s.grid()
    assert set(grid.columns) >= {"yes_share", "overruled_share", "win_probability"}
    assert len(grid) == 21 * 21


@given(
    yes=st.integers(0, 400),
    no=st.integers(0, 400),
    challenged=st.integers(0, 60),
    overruled=st.floats(0, 1),
    yes_share=st.floats(0, 1),
)
def test_scenario_is_the_rules(yes: int, no: int, challenged: int, overruled: float, yes_share: float) -> None:
    s = Scenario(yes, no, challenged, overruled, yes_share)
    assert s.probability == rules.win_probability(yes, no, challenged, yes_share, overruled)
    assert s.determinative == bool(rules.is_determinative(yes, no, challenged))
    assert s.yes_needed == rules.yes_needed(yes, no, round(challenged * overruled))


def test_shows_as_one_sentence_in_the_nlrbs_words() -> None:
    s = la.scenario(la.load(), "bhm1-2022", overruled=0.8, yes_share=0.7)
    words = s._repr_markdown_()
    assert words.startswith("Bessemer, Ala., 2022: 875 yes, 993 no, 416 challenged.")
    assert "overruled with probability 80%, so its ballot is opened and counted" in words
    assert "the ballot of a sustained challenge is not" in words
    assert "80%" in words and "70%" in words and fmt_probability(s.probability) in words
    assert "upheld" not in words
    assert s._repr_html_().startswith("<p>") and "&" not in s._repr_html_().replace("&amp;", "")
    decided = la.scenario(la.load(), "jfk8-2022")
    assert "not determinative" in str(decided) and "probability" not in str(decided)


def test_the_views_use_its_words(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    s = la.scenario(la.load(), "bhm1-2022", overruled=0.5, yes_share=0.6)
    # the command line
    assert main(["scenario", "--election", "bhm1-2022", "--overruled", "0.5", "--yes-share", "0.6"]) == 0
    assert s.probability_text in capsys.readouterr().out
    # the widget
    assert explain_scenario(875, 993, 416, 0.6, 0.5).probability_text == s.probability_text
    # the offline explorer fills the same sentence
    page = build_explorer(la.load(), "bhm1-2022").page
    assert json.dumps(probability_template(416))[1:-1] in page
    start = Scenario(875, 993, 416, 1.0, 0.47)  # the sliders start at 100% and the counted yes share, rounded
    assert html.escape(start.probability_text) in page
    # the story
    from labor_analysis import story

    assert story.chance(la.load(), "bhm1-2022", yes_share=0.6, overruled=0.5).text == s.probability_text


def test_bad_requests_say_why() -> None:
    ds = la.load()
    with pytest.raises(KeyError, match="unknown election"):
        la.scenario(ds, "nowhere-2020")
    with pytest.raises(ValueError, match="between 0 and 1"):
        la.scenario(ds, "bhm1-2022", overruled=1.5)
    with pytest.raises(ValueError, match="no election to chart"):
        Scenario(1, 2, 3).chart()
    assert share_words(0.65) == "65%" and share_words(0.468) == "46.8%"


def test_several_unions_are_refused_with_the_reason() -> None:
    ds = la.load(Path(__file__).parent / "fixtures" / "nlrb-two-unions")
    with pytest.raises(ValueError, match="several unions"):
        la.scenario(ds, "backus-2018")


def test_the_sentence_says_what_every_and_no_challenge_overruled_mean() -> None:
    """Not 'the challenges to 100% of the 416 challenged ballots are overruled ... (the rest are sustained)': at
    100% every challenge is overruled, at 0% none is, and one ballot is one ballot."""
    every = Scenario(875, 993, 416, overruled=1.0, yes_share=0.47).probability_text
    assert every.startswith("If all 416 challenges are overruled, so every challenged ballot is opened and counted,")
    assert "100%" not in every and "the rest" not in every
    none = Scenario(875, 993, 416, overruled=0.0, yes_share=0.47).probability_text
    assert none.startswith("If all 416 challenges are sustained, so no challenged ballot is counted, the union wins")
    one = Scenario(5, 5, 1, overruled=1.0, yes_share=0.5).probability_text
    assert one.startswith("If the challenge is overruled, so the challenged ballot is opened and counted, and it is")
    assert "independently" not in one and "each" not in one
    assert "not counted" in Scenario(5, 5, 1, overruled=0.0, yes_share=0.5).probability_text
    page = build_explorer(la.load(), "bhm1-2022").page  # the offline explorer has all three sentences to fill
    for case in ("some", "all", "none"):
        assert json.dumps(probability_template(416, overruled=case))[1:-1] in page
    assert every.split(" a yes vote")[0] in page  # the sliders start at 100%: the page's first sentence
