"""summary() on the project's data, checked against figures worked by hand from the published tallies."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from folders import write_folder
from hypothesis import given, settings
from hypothesis import strategies as st

from labor_analysis import election_outcome, load, summary
from labor_analysis.analysis import SUMMARY_COLUMNS


@pytest.fixture(scope="module")
def table(project_data_dir: Path) -> pd.DataFrame:
    return summary(load(project_data_dir)).set_index("election_id")


def test_columns_are_the_documented_ones(table):
    assert ["election_id", *table.columns] == SUMMARY_COLUMNS
    assert SUMMARY_COLUMNS[:19] == [
        "election_id",
        "facility",
        "union",
        "count_date",
        "stage",
        "yes",
        "no",
        "void",
        "challenged",
        "eligible_voters",
        "ballots_cast",
        "valid_votes",
        "yes_share",
        "margin",
        "turnout",
        "determinative",
        "yes_needed",
        "outcome",
        "certified",
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
            {
                "election_id": election_id,
                "stage": "final",
                "choice": c,
                "ballots": str(n),
                "source_id": source,
                "note": "",
            }
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


# --- Ballots with several unions, run-offs, reruns and revised tallies ---------------------------------------

FIXTURES = Path(__file__).parent / "fixtures"
SOURCE = {"source_id": "example", "publisher": "Example", "title": "Made-up tallies for tests"}
ELECTION_DEFAULTS = {
    "employer": "Example Employer",
    "city": "Springfield",
    "state": "IL",
    "voting_method": "in_person",
    "vote_start": "",
    "vote_end": "",
    "eligible_voters": "1000",
    "eligible_approximate": "false",
    "case_number": "",
    "unit": "",
    "kind": "",
    "source_id": "example",
    "note": "",
}


def write_elections(folder: Path, ballots: dict[str, dict]) -> Path:
    """A data folder of made-up elections: id -> {"union": ..., "kind": ..., "unit": ..., "stages": {stage:
    {"yes": {union: n} or n, "no": n, "void": n, "challenged": n}}}."""
    elections, tallies = [], []
    for day, (election_id, spec) in enumerate(ballots.items(), start=1):
        elections.append(
            {
                **ELECTION_DEFAULTS,
                "election_id": election_id,
                "facility": election_id.upper(),
                "union": spec.get("union", "Example Union"),
                "kind": spec.get("kind", ""),
                "unit": spec.get("unit", ""),
                "count_date": f"2021-01-{day:02d}",
            }
        )
        for stage, counts in spec["stages"].items():
            yes = counts["yes"] if isinstance(counts["yes"], dict) else {"": counts["yes"]}
            rows = [("yes", union, n) for union, n in yes.items()]
            rows += [(choice, "", counts[choice]) for choice in ("no", "void", "challenged")]
            tallies += [
                {
                    "election_id": election_id,
                    "stage": stage,
                    "choice": choice,
                    "union": union,
                    "ballots": str(n),
                    "source_id": "example",
                    "note": "",
                }
                for choice, union, n in rows
            ]
    return write_folder(folder, {"sources": [SOURCE], "elections": elections, "tallies": tallies})


def tally(yes, no, void=0, challenged=0) -> dict:
    return {"yes": yes, "no": no, "void": void, "challenged": challenged}


@pytest.fixture(scope="module")
def national(tmp_path_factory) -> pd.DataFrame:
    folder = write_elections(
        tmp_path_factory.mktemp("national") / "data",
        {
            "two-won-2021": {
                "union": "Teamsters",
                "stages": {"initial": tally({"Teamsters": 100, "SEIU": 300}, 150, void=2, challenged=10)},
            },
            "two-runoff-2021": {
                "union": "Teamsters",
                "stages": {"initial": tally({"Teamsters": 200, "SEIU": 180}, 150)},
            },
            "two-runoff-second-2021": {
                "union": "Teamsters",
                "kind": "runoff",
                "stages": {"initial": tally({"Teamsters": 205, "SEIU": 210}, 0)},
            },
            "runoff-tie-2021": {
                "union": "Teamsters",
                "kind": "runoff",
                "stages": {"initial": tally({"Teamsters": 205, "SEIU": 205}, 0)},
            },
            "two-no-majority-2021": {"stages": {"initial": tally({"Teamsters": 50, "SEIU": 40}, 300)}},
            "three-2021": {"stages": {"initial": tally({"A": 100, "B": 90, "C": 80}, 20, challenged=10)}},
            "win-to-runoff-2021": {"stages": {"initial": tally({"A": 260, "B": 100}, 140, challenged=20)}},
            "rerun-2021": {"kind": "rerun", "stages": {"initial": tally(60, 50, void=1, challenged=3)}},
            "tie-2021": {"stages": {"initial": tally(100, 100)}},
            "revised-2021": {
                "stages": {
                    "initial": tally(100, 100, challenged=5),
                    "revised-1": tally(102, 101, challenged=2),
                    "revised-2": tally(103, 101),
                }
            },
            "final-2021": {
                "stages": {
                    "initial": tally(100, 100, challenged=5),
                    "revised-1": tally(102, 101, challenged=2),
                    "final": tally(102, 103),
                }
            },
            "ten-revisions-2021": {
                "stages": {
                    "initial": tally(10, 20, challenged=40),
                    **{f"revised-{i}": tally(10 + 3 * i, 20, challenged=40 - 3 * i) for i in range(1, 11)},
                }
            },
            "unit-a-2021": {"unit": "A", "stages": {"initial": tally(30, 20)}},
            "unit-b-2021": {"unit": "B", "stages": {"initial": tally(20, 30)}},
        },
    )
    return summary(load(folder)).set_index("election_id")


@pytest.mark.parametrize(
    "election_id, outcome, winner, unions",
    [
        ("two-won-2021", "won", "SEIU", 2),
        ("two-runoff-2021", "runoff", "", 2),
        ("two-runoff-second-2021", "won", "SEIU", 2),
        ("runoff-tie-2021", "lost", "", 2),  # a run-off is never followed by another (NLRB §102.70(a))
        ("two-no-majority-2021", "lost", "", 2),
        ("three-2021", "undetermined", "", 3),  # 10 challenged ballots could tie the third union with the second
        ("win-to-runoff-2021", "undetermined", "", 2),  # 20 for B would make A's 260 exactly half: a run-off
        ("rerun-2021", "won", "Example Union", 1),
        ("tie-2021", "lost", "", 1),
        ("revised-2021", "won", "Example Union", 1),
        ("final-2021", "lost", "", 1),
        ("ten-revisions-2021", "won", "Example Union", 1),  # revised-10 (40 to 20, 10 challenged) is the latest
        ("unit-a-2021", "won", "Example Union", 1),
        ("unit-b-2021", "lost", "", 1),
    ],
)
def test_every_kind_of_ballot_gets_the_right_outcome(national, election_id, outcome, winner, unions):
    row = national.loc[election_id]
    assert (row["outcome"], row["winner"], row["unions"]) == (outcome, winner, unions)


def test_several_unions_add_up_their_yes_and_leave_margin_and_yes_needed_empty(national):
    row = national.loc["two-won-2021"]
    assert (row["yes"], row["no"], row["valid_votes"], row["ballots_cast"]) == (400, 150, 550, 562)
    assert row["yes_share"] == pytest.approx(400 / 550)
    assert pd.isna(row["margin"]) and pd.isna(row["yes_needed"]) and row["determinative"] == False  # noqa: E712
    single = national.loc["rerun-2021"]
    assert single["margin"] == 10 and single["yes_needed"] == 0 and single["determinative"] == False  # noqa: E712


def test_latest_stage_is_final_else_the_highest_revision(national):
    assert national.loc["revised-2021", "stage"] == "revised-2"
    assert national.loc["final-2021", "stage"] == "final"
    assert national.loc["ten-revisions-2021", "stage"] == "revised-10"
    assert (national.loc["ten-revisions-2021", "yes"], national.loc["ten-revisions-2021", "challenged"]) == (40, 10)


def test_kind_and_unit_come_from_the_elections_file(national):
    assert national.loc["two-runoff-second-2021", "kind"] == "runoff"
    assert national.loc["rerun-2021", "kind"] == "rerun"
    assert national.loc["tie-2021", "kind"] == "initial"  # empty means initial
    assert (national.loc["unit-a-2021", "unit"], national.loc["tie-2021", "unit"]) == ("A", "")


def test_a_real_two_union_ballot_and_its_run_off():
    # NLRB case 01-RC-219447 (https://www.nlrb.gov/case/01-RC-219447): 20, 16 and 8 for no union of 44 valid
    # votes, nobody above 22: a run-off between the two unions, which the first won 27 to 16.
    table = summary(load(FIXTURES / "nlrb-two-unions")).set_index("election_id")
    first, runoff = table.loc["backus-2018"], table.loc["backus-runoff-2018"]
    assert (first["yes"], first["no"], first["unions"], first["outcome"], first["winner"]) == (36, 8, 2, "runoff", "")
    assert pd.isna(first["margin"]) and first["turnout"] == pytest.approx(44 / 44)
    assert (runoff["outcome"], runoff["kind"], runoff["unit"]) == ("won", "runoff", "A")
    assert runoff["winner"] == "Eastern Connecticut Public Safety Independent Union"


def test_an_election_without_tallies_has_missing_counts_and_outcome(tmp_path):
    # A data folder must give every election a tally; a Dataset built in code need not.
    folder = write_elections(
        tmp_path / "data",
        {"a-2021": {"stages": {"initial": tally(3, 2)}}, "b-2021": {"stages": {"initial": tally(2, 3)}}},
    )
    ds = load(folder)
    ds = dataclasses.replace(ds, tallies=ds.tallies[ds.tallies["election_id"] != "b-2021"])
    table = summary(ds).set_index("election_id")
    row = table.loc["b-2021"]
    assert pd.isna(row["yes"]) and pd.isna(row["outcome"]) and pd.isna(row["unions"]) and row["winner"] == ""
    assert pd.isna(row["stage"]) and table.loc["a-2021", "outcome"] == "won"


counts_strategy = st.integers(0, 60)
stage_strategy = st.fixed_dictionaries(
    {
        "yes": st.lists(counts_strategy, min_size=3, max_size=3),
        "no": counts_strategy,
        "void": counts_strategy,
        "challenged": st.integers(0, 8),
    }
)
election_strategy = st.tuples(
    st.integers(1, 3),  # unions on the ballot
    st.lists(stage_strategy, min_size=1, max_size=4),  # initial, then revised-1, revised-2, ...
    st.one_of(st.none(), stage_strategy),  # a final stage or none
)


@settings(max_examples=30, deadline=None)
@given(st.lists(election_strategy, min_size=1, max_size=6))
def test_summary_reads_the_latest_stage_and_applies_the_rules_on_generated_folders(elections):
    union_names = ["Union A", "Union B", "Union C"]
    spec, expected = {}, {}
    for i, (n, stages, final) in enumerate(elections):
        named = {"initial" if k == 0 else f"revised-{k}": s for k, s in enumerate(stages)}
        if final is not None:
            named["final"] = final
        # the contract: the final stage has no more challenged ballots than the initial count (kept for all stages here)
        named["initial"] = {**named["initial"], "challenged": max(t["challenged"] for t in named.values())}
        ballots = {
            stage: {**s, "yes": dict(zip(union_names[:n], s["yes"])) if n > 1 else s["yes"][0]}
            for stage, s in named.items()
        }
        election_id = f"e{i}-2021"
        spec[election_id] = {"union": union_names[0], "stages": ballots}
        latest_stage = list(named)[-1]
        latest = named[latest_stage]
        result = election_outcome([latest["yes"][:n]], latest["no"], latest["challenged"]).iloc[0]
        winner = "" if pd.isna(result["winner"]) else union_names[int(result["winner"])]
        expected[election_id] = (latest_stage, sum(latest["yes"][:n]), n, str(result["outcome"]), winner)
    with tempfile.TemporaryDirectory() as tmp:
        table = summary(load(write_elections(Path(tmp) / "data", spec))).set_index("election_id")
    for election_id, want in expected.items():
        row = table.loc[election_id]
        assert (row["stage"], row["yes"], row["unions"], row["outcome"], row["winner"]) == want


@settings(max_examples=20, deadline=None)
@given(st.randoms(use_true_random=False))
def test_rows_follow_count_date_then_file_order_whatever_the_file_order(project_data_dir, rnd):
    """Reordering the elections file changes no figure; rows come by count date, a tie in file order (every
    count moved to January 1 of its year, so that there are ties)."""
    ds = load(project_data_dir)
    elections = ds.elections.copy()
    elections["count_date"] = (
        elections["count_date"].dt.to_period("Y").dt.start_time.astype(elections["count_date"].dtype)
    )
    ds = dataclasses.replace(ds, elections=elections)
    assert elections["count_date"].duplicated().any()
    rows = list(range(len(ds.elections)))
    rnd.shuffle(rows)
    shuffled = dataclasses.replace(ds, elections=ds.elections.iloc[rows].reset_index(drop=True))
    got = summary(shuffled)
    expected_order = shuffled.elections.sort_values("count_date", kind="stable")["election_id"].tolist()
    assert got["election_id"].tolist() == expected_order
    reference = summary(ds).set_index("election_id").loc[expected_order]
    pd.testing.assert_frame_equal(got.set_index("election_id"), reference)


def test_certified_beside_the_count_outcome(project_data_dir: Path, table) -> None:
    """`certified` is the elections file's certification as given, empty where none is on record, beside the count's
    outcome (which it may differ from)."""
    given = load(project_data_dir).elections.set_index("election_id")["certified"]
    assert table.columns.get_loc("certified") == table.columns.get_loc("outcome") + 1
    assert table["certified"].to_dict() == given.astype(object).fillna("").to_dict()
    assert set(table["certified"]) <= {"won", "lost", ""}


def test_certified_empty_without_the_column(data_copy: Path) -> None:
    from folders import read_rows, write_rows

    header, rows = read_rows(data_copy, "elections.csv")
    # a certification in status needs its column, and the details of a status need the status
    kept = [c for c in header if c != "certified" and not c.startswith("status")]
    write_rows(data_copy, "elections.csv", kept, rows)
    result = summary(load(data_copy))
    assert (result["certified"] == "").all() and len(result) == len(rows)
