"""summary() on the project's data, checked against figures worked by hand from the published tallies."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from labor_analysis import load, summary
from labor_analysis.analysis import SUMMARY_COLUMNS


@pytest.fixture(scope="module")
def table(project_data_dir: Path) -> pd.DataFrame:
    return summary(load(project_data_dir)).set_index("election_id")


def test_columns_are_the_documented_ones(table):
    assert ["election_id", *table.columns] == SUMMARY_COLUMNS
    assert SUMMARY_COLUMNS[:18] == [
        "election_id", "facility", "union", "count_date", "stage", "yes", "no", "void", "challenged",
        "eligible_voters", "ballots_cast", "valid_votes", "yes_share", "margin", "turnout", "determinative",
        "yes_needed", "outcome",
    ]


def test_one_row_per_election_sorted_by_count_date(project_data_dir, table):
    elections = load(project_data_dir).elections
    assert sorted(table.index) == sorted(elections["election_id"])
    assert table["count_date"].is_monotonic_increasing


def test_default_dataset_is_the_project_data(table):
    pd.testing.assert_frame_equal(summary().set_index("election_id"), table)


def test_jfk8_by_hand(table):
    row = table.loc["jfk8-2022"]
    assert (row["yes"], row["no"], row["void"], row["challenged"]) == (2654, 2131, 17, 67)
    assert row["valid_votes"] == 2654 + 2131
    assert row["ballots_cast"] == 2654 + 2131 + 17 + 67
    assert row["margin"] == 523
    assert row["yes_share"] == pytest.approx(2654 / 4785)
    assert row["turnout"] == pytest.approx((2654 + 2131 + 17 + 67) / 8325)
    assert not row["determinative"] and row["yes_needed"] == 0
    assert row["outcome"] == "won" and row["complete"]


def test_bessemer_rerun_is_undetermined(table):
    row = table.loc["bhm1-2022"]
    assert row["margin"] == -118 and row["determinative"] and row["yes_needed"] == 268
    assert row["outcome"] == "undetermined"
    assert row["turnout"] == pytest.approx((875 + 993 + 59 + 416) / 6153)


@pytest.mark.parametrize("election_id", ["bhm1-2021", "ldj5-2022", "alb1-2022"])
def test_clear_losses(table, election_id):
    row = table.loc[election_id]
    assert row["outcome"] == "lost" and not row["determinative"] and pd.isna(row["yes_needed"])


def test_ldj5_by_hand(table):
    row = table.loc["ldj5-2022"]
    assert row["turnout"] == pytest.approx((380 + 618 + 2 + 0) / 1633)
    assert row["yes_share"] == pytest.approx(380 / 998)


def test_unreported_void_makes_turnout_missing_but_keeps_the_outcome(table):
    row = table.loc["rdu1-2025"]
    assert pd.isna(row["void"]) and pd.isna(row["ballots_cast"]) and pd.isna(row["turnout"])
    assert row["determinative"] == False  # noqa: E712 (a nullable boolean)
    assert row["outcome"] == "lost" and not row["complete"]


def test_unreported_challenged_makes_determinative_missing(table):
    row = table.loc["wfm-phl-2025"]
    assert pd.isna(row["challenged"]) and pd.isna(row["determinative"]) and pd.isna(row["yes_needed"])
    assert row["outcome"] == "won"  # from yes against no alone; `complete` flags the caveat
    assert not row["complete"]


def test_every_project_election_is_initial_stage(table):
    assert set(table["stage"]) == {"initial"}


def _add_final_stage(data_dir: Path, election_id: str, ballots: dict[str, int]) -> None:
    tallies = pd.read_csv(data_dir / "tallies.csv", dtype=str, keep_default_na=False)
    source = tallies.loc[tallies["election_id"] == election_id, "source_id"].iloc[0]
    extra = pd.DataFrame(
        [
            {"election_id": election_id, "stage": "final", "choice": c, "ballots": str(n),
             "source_id": source, "note": ""}
            for c, n in ballots.items()
        ]
    )
    pd.concat([tallies, extra]).to_csv(data_dir / "tallies.csv", index=False)


def test_a_final_stage_wins_over_the_initial_count(data_copy):
    # Suppose the Bessemer challenges were resolved: 200 more yes, 100 more no, 116 thrown out.
    _add_final_stage(data_copy, "bhm1-2022", {"yes": 1075, "no": 1093, "void": 59, "challenged": 0})
    table = summary(load(data_copy)).set_index("election_id")
    row = table.loc["bhm1-2022"]
    assert row["stage"] == "final"
    assert (row["yes"], row["no"], row["challenged"]) == (1075, 1093, 0)
    assert row["outcome"] == "lost" and not row["determinative"]
    assert table.loc["jfk8-2022", "stage"] == "initial"
    assert len(table) == 7


def test_a_final_stage_that_flips_the_result(data_copy):
    _add_final_stage(data_copy, "bhm1-2022", {"yes": 1150, "no": 1140, "void": 59, "challenged": 0})
    row = summary(load(data_copy)).set_index("election_id").loc["bhm1-2022"]
    assert row["margin"] == 10 and row["outcome"] == "won"
