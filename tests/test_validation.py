"""One test per rule of the data contract: break a copy of the data, check the problem names file, line and column."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from folders import Row, append_rows, read_rows, stage_rows, write_rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labor_analysis import DataValidationError, Problem, load
from labor_analysis.schema import ELECTION_ID_PATTERN
from labor_analysis.validation import MATCHED_AS, _compiled, _factorize_runs, _mismatching, _runs, _trailing_years


def edit(folder: Path, filename: str, change: Callable[[list[Row]], list[Row] | None]) -> None:
    """Apply `change` to the rows of one file (in place, or by returning new rows)."""
    header, rows = read_rows(folder, filename)
    rows = change(rows) or rows
    write_rows(folder, filename, header, rows)


def set_cell(folder: Path, filename: str, where: Row, column: str, value: str) -> int:
    """Set `column` to `value` in the one row matching `where` (adding the column if the file has none);
    returns that row's editor line."""
    header, rows = read_rows(folder, filename)
    matches = [i for i, row in enumerate(rows) if all(row[k] == v for k, v in where.items())]
    assert len(matches) == 1, f"{where} matches {len(matches)} rows of {filename}"
    rows[matches[0]][column] = value
    write_rows(folder, filename, header + [column] * (column not in header), rows)
    return matches[0] + 2


def line_of(folder: Path, filename: str, where: Row) -> int:
    """The editor line of the one row matching `where` (the files hold no quoted line breaks)."""
    _, rows = read_rows(folder, filename)
    matches = [i for i, row in enumerate(rows) if all(row[k] == v for k, v in where.items())]
    assert len(matches) == 1
    return matches[0] + 2


def problems_of(folder: Path) -> list[Problem]:
    """The problems `load` reports for a folder (which must be broken)."""
    with pytest.raises(DataValidationError) as caught:
        load(folder)
    return caught.value.problems


def assert_reported(
    folder: Path, filename: str, line: int, column: str, words: str, value: str | None = None
) -> Problem:
    """The folder's problems include one at file/line/column whose rule contains `words`; the message says where."""
    problems = problems_of(folder)
    found = [p for p in problems if (p.file, p.line, p.column) == (filename, line, column) and words in p.rule]
    assert found, f"no problem at {filename}:{line}:{column} with {words!r}; got:\n" + "\n".join(map(str, problems))
    if value is not None:
        assert found[0].value == value
    message = str(DataValidationError(problems))
    assert f"{filename}, line {line}, column {column!r}: " in message
    return found[0]


JFK8 = {"election_id": "jfk8-2022"}
JFK8_YES = {"election_id": "jfk8-2022", "stage": "initial", "choice": "yes"}


def test_project_data_is_valid(project_data_dir: Path) -> None:
    ds = load(project_data_dir)
    assert len(ds.elections) == 7 and len(ds.tallies) == 28


# ---- schema, column by column -------------------------------------------------------------------


def test_required_cell_empty(data_copy: Path) -> None:
    line = set_cell(data_copy, "elections.csv", JFK8, "facility", "")
    assert_reported(data_copy, "elections.csv", line, "facility", "missing a required value")


def test_source_needs_publisher_and_title(data_copy: Path) -> None:
    line = set_cell(data_copy, "sources.csv", {"source_id": "verge-2022-04-01"}, "publisher", "")
    set_cell(data_copy, "sources.csv", {"source_id": "verge-2022-04-01"}, "title", "")
    assert_reported(data_copy, "sources.csv", line, "publisher", "missing a required value")
    assert_reported(data_copy, "sources.csv", line, "title", "missing a required value")


def test_integer_must_parse(data_copy: Path) -> None:
    line = set_cell(data_copy, "tallies.csv", JFK8_YES, "ballots", "2,654")
    assert_reported(data_copy, "tallies.csv", line, "ballots", "not a whole number", value="2,654")


def test_integer_must_be_whole(data_copy: Path) -> None:
    line = set_cell(data_copy, "workforce.csv", {"election_id": "ldj5-2022", "measure": "organizers"}, "value", "10.5")
    assert_reported(data_copy, "workforce.csv", line, "value", "not a whole number", value="10.5")


@pytest.mark.parametrize("bad", ["-1", "-0", "+5", "5e3", "1.0", "1_000", " 5", "0x10", "\u0661\u0662", "2654 votes"])
def test_integer_is_digits_alone(data_copy: Path, bad: str) -> None:
    line = set_cell(data_copy, "tallies.csv", JFK8_YES, "ballots", bad)
    problem = assert_reported(data_copy, "tallies.csv", line, "ballots", "not a whole number", value=bad)
    assert len(problems_of(data_copy)) == 1 and "digits alone" in problem.rule


@pytest.mark.parametrize("huge", ["9223372036854775807", "9223372036854775808", "1" + "0" * 40])
def test_integers_near_and_beyond_int64(data_copy: Path, huge: str) -> None:
    line = set_cell(data_copy, "elections.csv", JFK8, "eligible_voters", huge)
    [problem] = problems_of(data_copy)
    assert (problem.line, problem.column, problem.value) == (line, "eligible_voters", huge)
    assert "more than the maximum, 10,000,000" in problem.rule


def test_leading_zeros_are_digits(data_copy: Path) -> None:
    set_cell(data_copy, "tallies.csv", JFK8_YES, "ballots", "0002654")
    assert 2654 in load(data_copy).tallies["ballots"].tolist()


def test_eligible_voters_at_least_one(data_copy: Path) -> None:
    line = set_cell(data_copy, "elections.csv", JFK8, "eligible_voters", "0")
    assert_reported(data_copy, "elections.csv", line, "eligible_voters", "less than the minimum, 1")


def test_boolean_is_true_or_false(data_copy: Path) -> None:
    line = set_cell(data_copy, "spending.csv", {"amount_usd": "14200000"}, "approximate", "yes")
    assert_reported(data_copy, "spending.csv", line, "approximate", "not `true` or `false`", value="yes")


@pytest.mark.parametrize(
    "bad_date",
    [
        "2022-13-01",
        "2022-4-1",
        "April 1, 2022",
        "2022-02-30",
        "20220401",
        "2022-04-01T00:00",
        "+2022-04-01",
        "2022-04-01 ",
    ],
)
def test_dates_are_iso(data_copy: Path, bad_date: str) -> None:
    line = set_cell(data_copy, "elections.csv", JFK8, "count_date", bad_date)
    assert_reported(data_copy, "elections.csv", line, "count_date", "YYYY-MM-DD", value=bad_date)


def test_enum_choice(data_copy: Path) -> None:
    line = set_cell(data_copy, "tallies.csv", JFK8_YES, "choice", "maybe")
    assert_reported(data_copy, "tallies.csv", line, "choice", "not one of the allowed values", value="maybe")


def test_enum_voting_method(data_copy: Path) -> None:
    line = set_cell(data_copy, "elections.csv", JFK8, "voting_method", "in-person")
    assert_reported(data_copy, "elections.csv", line, "voting_method", "in_person, mail", value="in-person")


@pytest.mark.parametrize("bad", ["WON", "win", "loss", "certified"])
def test_enum_certified(data_copy: Path, bad: str) -> None:
    line = set_cell(data_copy, "elections.csv", JFK8, "certified", bad)
    assert_reported(data_copy, "elections.csv", line, "certified", "won, lost", value=bad)


def test_certified_loads_as_given(data_copy: Path) -> None:
    certified = load(data_copy).elections.set_index("election_id")["certified"]
    assert certified["jfk8-2022"] == "won" and certified["ldj5-2022"] == "lost"
    assert certified.drop(["jfk8-2022", "ldj5-2022"]).isna().all()  # empty: no certification on record
    set_cell(data_copy, "elections.csv", {"election_id": "alb1-2022"}, "certified", "lost")
    assert load(data_copy).elections.set_index("election_id").at["alb1-2022", "certified"] == "lost"


def test_a_decision_after_the_count_is_not_dated_before_it(data_copy: Path) -> None:
    line = set_cell(data_copy, "elections.csv", JFK8, "status_date", "2022-03-31")  # the count was 2022-04-01
    assert_reported(data_copy, "elections.csv", line, "status_date", "dated before the count")
    set_cell(data_copy, "elections.csv", JFK8, "status_date", "2022-04-01")  # the day of the count is allowed
    load(data_copy)


@pytest.mark.parametrize(
    ("detail", "value"),
    [
        ("status_date", "2022-11-01"),
        ("status_by", "regional_director"),
        ("status_appealed", "true"),
        ("status_source_id", "cbs-2021-04-09"),
    ],
)
def test_a_detail_of_a_decision_needs_the_decision(data_copy: Path, detail: str, value: str) -> None:
    alb1 = {"election_id": "alb1-2022"}  # counted 2022-10-18, no decision on record
    line = set_cell(data_copy, "elections.csv", alb1, detail, value)
    assert_reported(data_copy, "elections.csv", line, detail, "status is empty")
    set_cell(data_copy, "elections.csv", alb1, "status", "results_certified")  # with the decision it is fine
    load(data_copy)


@pytest.mark.parametrize(("election", "certified"), [("jfk8-2022", "lost"), ("ldj5-2022", "won")])
def test_certified_agrees_with_a_certification_in_status(data_copy: Path, election: str, certified: str) -> None:
    line = set_cell(data_copy, "elections.csv", {"election_id": election}, "certified", certified)
    assert_reported(data_copy, "elections.csv", line, "certified", "contradicts status")


def test_election_id_pattern(data_copy: Path) -> None:
    line = set_cell(data_copy, "elections.csv", JFK8, "election_id", "JFK8-2022")
    assert_reported(data_copy, "elections.csv", line, "election_id", "does not match the pattern", value="JFK8-2022")


def test_state_is_two_capitals(data_copy: Path) -> None:
    line = set_cell(data_copy, "elections.csv", JFK8, "state", "New York")
    assert_reported(data_copy, "elections.csv", line, "state", "does not match the pattern")


def test_every_row_of_a_run_breaking_a_pattern_is_reported(data_copy: Path) -> None:
    """Equal neighbours are checked once per run: each row of a bad run is still named, and a good run between
    bad ones is not."""
    header, rows = read_rows(data_copy, "elections.csv")
    for row in rows:
        row["state"] = "NY"
    for i in (0, 1, 2, 4):
        rows[i]["state"] = "New York"
    write_rows(data_copy, "elections.csv", header, rows)
    problems = [p for p in problems_of(data_copy) if p.column == "state"]
    assert [(p.line, p.value) for p in problems] == [(line, "New York") for line in (2, 3, 4, 6)]
    for line in (2, 3, 4, 6):
        assert_reported(data_copy, "elections.csv", line, "state", "does not match the pattern")


@given(st.lists(st.sampled_from(["ab-2022", "AB-2022", "x-1", "c-d-2021", "NY", "ny-2020"]), max_size=40), st.data())
def test_pattern_checked_per_run_agrees_with_each_cell(values: list[str], data: st.DataObject) -> None:
    """Checking the first cell of each run of equal neighbours flags exactly the cells a check of each would."""
    runs = data.draw(st.lists(st.integers(1, 5), min_size=len(values), max_size=len(values)))
    cells = [v for v, n in zip(values, runs) for _ in range(n)]
    pattern = re.compile(ELECTION_ID_PATTERN)
    expected = [pattern.fullmatch(c) is None for c in cells]
    assert _mismatching(pd.Series(cells, dtype=object), ELECTION_ID_PATTERN).tolist() == expected


# ---- keys and references -------------------------------------------------------------------------


def test_primary_key_unique(data_copy: Path) -> None:
    first = line_of(data_copy, "tallies.csv", JFK8_YES)
    edit(data_copy, "tallies.csv", lambda rows: [*rows, dict(rows[first - 2])])
    _, rows = read_rows(data_copy, "tallies.csv")
    problem = assert_reported(data_copy, "tallies.csv", len(rows) + 1, "election_id", "repeats the key")
    assert f"line {first}" in problem.rule


def test_tally_election_resolves(data_copy: Path) -> None:
    line = set_cell(data_copy, "tallies.csv", JFK8_YES, "election_id", "jfk9-2022")
    assert_reported(data_copy, "tallies.csv", line, "election_id", "not found in elections.csv", value="jfk9-2022")


def test_workforce_election_resolves(data_copy: Path) -> None:
    line = set_cell(
        data_copy, "workforce.csv", {"election_id": "ldj5-2022", "measure": "organizers"}, "election_id", "ldj6-2022"
    )
    assert_reported(data_copy, "workforce.csv", line, "election_id", "not found in elections.csv")


@pytest.mark.parametrize(
    "filename, where",
    [
        ("elections.csv", JFK8),
        ("tallies.csv", JFK8_YES),
        ("spending.csv", {"amount_usd": "3100000"}),
        ("workforce.csv", {"election_id": "ldj5-2022", "measure": "organizers"}),
    ],
)
def test_source_resolves(data_copy: Path, filename: str, where: Row) -> None:
    line = set_cell(data_copy, filename, where, "source_id", "no-such-source")
    assert_reported(data_copy, filename, line, "source_id", "not found in sources.csv", value="no-such-source")


# ---- tallies --------------------------------------------------------------------------------------


def test_each_stage_has_all_four_choices(data_copy: Path) -> None:
    edit(
        data_copy,
        "tallies.csv",
        lambda rows: [r for r in rows if not (r["election_id"] == "ldj5-2022" and r["choice"] == "void")],
    )
    line = line_of(data_copy, "tallies.csv", {"election_id": "ldj5-2022", "choice": "yes"})
    problem = assert_reported(data_copy, "tallies.csv", line, "choice", "missing the row(s) for void")
    assert "ldj5-2022" in problem.rule


def test_every_election_has_tallies(data_copy: Path) -> None:
    edit(data_copy, "tallies.csv", lambda rows: [r for r in rows if r["election_id"] != "alb1-2022"])
    line = line_of(data_copy, "elections.csv", {"election_id": "alb1-2022"})
    assert_reported(data_copy, "elections.csv", line, "election_id", "no rows in tallies.csv")


def test_ballots_cast_within_eligible_voters(data_copy: Path) -> None:
    set_cell(data_copy, "elections.csv", JFK8, "eligible_voters", "4000")  # 2654 yes + 2131 no + 17 void = 4802
    line = line_of(data_copy, "tallies.csv", JFK8_YES)
    problem = assert_reported(data_copy, "tallies.csv", line, "ballots", "exceed the 4000 eligible voters")
    assert problem.value == "4802"


def test_challenged_ballots_are_left_out_of_the_eligible_check(data_copy: Path) -> None:
    set_cell(data_copy, "elections.csv", JFK8, "eligible_voters", "4802")  # 67 challenged ballots on top
    assert load(data_copy).elections.set_index("election_id").loc["jfk8-2022", "eligible_voters"] == 4802


def test_unreported_ballots_are_left_out_of_the_sum(data_copy: Path) -> None:
    # Whole Foods: 130 + 100 cast, void and challenged unreported; 230 eligible is still enough.
    set_cell(data_copy, "elections.csv", {"election_id": "wfm-phl-2025"}, "eligible_voters", "230")
    assert load(data_copy).elections.set_index("election_id").loc["wfm-phl-2025", "eligible_voters"] == 230


def _add_final_stage(folder: Path, election_id: str, ballots: dict[str, str]) -> list[int]:
    """Append a `final` stage for one election; returns the editor lines of the new rows."""
    header, rows = read_rows(folder, "tallies.csv")
    start = len(rows) + 2
    for choice, count in ballots.items():
        rows.append(
            {
                **{k: "" for k in header},
                "election_id": election_id,
                "stage": "final",
                "choice": choice,
                "ballots": count,
                "source_id": "nlrb-case-10-RC-269250",
            }
        )
    write_rows(folder, "tallies.csv", header, rows)
    return list(range(start, start + len(ballots)))


def test_final_stage_with_fewer_challenged_ballots_loads(data_copy: Path) -> None:
    _add_final_stage(data_copy, "bhm1-2022", {"yes": "900", "no": "1050", "void": "59", "challenged": "105"})
    final = load(data_copy).tallies.query("stage == 'final'")
    assert final.set_index("choice")["ballots"].to_dict() == {"yes": 900, "no": 1050, "void": 59, "challenged": 105}


def test_final_stage_cannot_add_challenged_ballots(data_copy: Path) -> None:
    lines = _add_final_stage(data_copy, "bhm1-2022", {"yes": "875", "no": "993", "void": "59", "challenged": "417"})
    problem = assert_reported(data_copy, "tallies.csv", lines[-1], "ballots", "more challenged ballots at the final")
    assert "416" in problem.rule


# ---- dates of an election --------------------------------------------------------------------------


def test_count_on_or_after_last_vote_day(data_copy: Path) -> None:
    line = set_cell(data_copy, "elections.csv", JFK8, "count_date", "2022-03-29")  # voting ended 2022-03-30
    assert_reported(data_copy, "elections.csv", line, "count_date", "before the last vote day")


def test_vote_end_after_vote_start(data_copy: Path) -> None:
    line = set_cell(data_copy, "elections.csv", JFK8, "vote_end", "2022-03-20")  # voting began 2022-03-25
    assert_reported(data_copy, "elections.csv", line, "vote_end", "before the first")


def test_election_id_year_is_count_year(data_copy: Path) -> None:
    line = set_cell(data_copy, "elections.csv", JFK8, "count_date", "2023-04-01")
    assert_reported(data_copy, "elections.csv", line, "election_id", "not the year of count_date", value="jfk8-2022")


def test_unknown_vote_days_are_allowed(data_copy: Path) -> None:
    set_cell(data_copy, "elections.csv", JFK8, "vote_start", "")
    set_cell(data_copy, "elections.csv", JFK8, "vote_end", "")
    assert load(data_copy).elections.set_index("election_id").loc["jfk8-2022", ["vote_start", "vote_end"]].isna().all()


# ---- money and people ------------------------------------------------------------------------------


def test_spending_period_ends_after_start(data_copy: Path) -> None:
    line = set_cell(data_copy, "spending.csv", {"amount_usd": "3100000"}, "period_end", "2022-12-31")
    assert_reported(data_copy, "spending.csv", line, "period_end", "ends before it starts")


def test_spending_two_preferred_rows(data_copy: Path) -> None:
    set_cell(data_copy, "spending.csv", {"amount_usd": "4200000"}, "preferred", "true")
    line = line_of(data_copy, "spending.csv", {"amount_usd": "4300000"})
    problem = assert_reported(data_copy, "spending.csv", line, "preferred", "exactly one row must be preferred")
    assert problem.value == "2 preferred"


def test_spending_no_preferred_row(data_copy: Path) -> None:
    line = set_cell(data_copy, "spending.csv", {"amount_usd": "4300000"}, "preferred", "false")
    problem = assert_reported(data_copy, "spending.csv", line, "preferred", "exactly one row must be preferred")
    assert problem.value == "0 preferred"


def test_workforce_one_preferred_row(data_copy: Path) -> None:
    line = set_cell(
        data_copy,
        "workforce.csv",
        {"election_id": "jfk8-2022", "value": "30", "measure": "organizers"},
        "preferred",
        "false",
    )
    assert_reported(data_copy, "workforce.csv", line, "preferred", "election_id, measure")


# ---- the report as a whole ---------------------------------------------------------------------------


def test_every_problem_in_every_file_is_listed(data_copy: Path) -> None:
    set_cell(data_copy, "elections.csv", JFK8, "voting_method", "post")
    set_cell(data_copy, "tallies.csv", JFK8_YES, "ballots", "many")
    set_cell(data_copy, "tallies.csv", {"election_id": "ldj5-2022", "choice": "no"}, "ballots", "-5")
    set_cell(data_copy, "workforce.csv", {"election_id": "ldj5-2022", "measure": "organizers"}, "approximate", "TRUE")
    set_cell(data_copy, "sources.csv", {"source_id": "cbs-2021-04-09"}, "published", "yesterday")
    problems = problems_of(data_copy)
    assert len(problems) == 5
    assert [p.file for p in problems] == ["sources.csv", "elections.csv", "tallies.csv", "tallies.csv", "workforce.csv"]


def test_extra_columns_and_column_order_are_free(data_copy: Path, project_data_dir: Path) -> None:
    header, rows = read_rows(data_copy, "tallies.csv")
    for row in rows:
        row["checked_by"] = "desk"
    write_rows(data_copy, "tallies.csv", ["checked_by", *header[::-1]], rows)
    moved, original = load(data_copy).tallies, load(project_data_dir).tallies
    assert list(moved["checked_by"].unique()) == ["desk"]
    assert moved["ballots"].equals(original["ballots"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    notes=st.lists(st.text(alphabet='ab,\n"', max_size=6), min_size=28, max_size=28),
    broken=st.integers(min_value=0, max_value=27),
)
def test_line_numbers_count_line_breaks_inside_cells(
    data_copy: Path, project_data_dir: Path, notes: list[str], broken: int
) -> None:
    """Notes holding quotes, commas and line breaks shift the rows below them; the reported line follows."""
    header, rows = read_rows(project_data_dir, "tallies.csv")
    for row, note in zip(rows, notes):
        row["note"] = note
    rows[broken]["ballots"] = "oops"
    write_rows(data_copy, "tallies.csv", header, rows)
    lines = (data_copy / "tallies.csv").read_text(encoding="utf-8").split("\n")
    [problem] = problems_of(data_copy)
    assert problem.column == "ballots"
    assert ",oops," in lines[problem.line - 1]


# ---- several unions, revisions, run-offs ---------------------------------------------------------------------

SOURCE = "nlrb-case-10-RC-269250"


def _ballot(folder: Path, election_id: str, stages: list[list[Row]]) -> list[list[int]]:
    """Add an election counted at Bessemer in 2025 with the given stages; returns each stage's editor lines."""
    append_rows(
        folder,
        "elections",
        [
            {
                "election_id": election_id,
                "employer": "Amazon.com Services LLC",
                "facility": "BHM1",
                "city": "Bessemer",
                "state": "AL",
                "union": "RWDSU",
                "count_date": "2025-02-01",
                "eligible_voters": "6000",
                "source_id": SOURCE,
            }
        ],
    )
    lines = []
    for rows in stages:
        lines.append(append_rows(folder, "tallies", rows))
    return lines


def test_valid_multi_union_ballot_with_revisions_loads(data_copy: Path) -> None:
    unions = {"RWDSU": 900, "Teamsters": 300}
    _ballot(
        data_copy,
        "bhm1-2025",
        [
            stage_rows("bhm1-2025", "initial", unions, 800, 5, 100, SOURCE),
            stage_rows("bhm1-2025", "revised-1", unions, 850, 5, 40, SOURCE),
            stage_rows("bhm1-2025", "final", unions, 880, 5, 0, SOURCE),
        ],
    )
    assert len(load(data_copy).tallies.query("election_id == 'bhm1-2025'")) == 15


def test_stages_must_name_the_same_unions(data_copy: Path) -> None:
    lines = _ballot(
        data_copy,
        "bhm1-2025",
        [
            stage_rows("bhm1-2025", "initial", {"RWDSU": 900, "Teamsters": 300}, 800, 5, 100, SOURCE),
            stage_rows("bhm1-2025", "final", {"RWDSU": 950, "UFCW": 300}, 800, 5, 0, SOURCE),
        ],
    )
    problems = problems_of(data_copy)
    found = [p for p in problems if p.column == "union"]
    assert [(p.line, p.value) for p in found] == [(lines[0][0], "UFCW"), (lines[1][0], "Teamsters")]
    assert "every stage lists the same unions" in found[0].rule and "stage initial" in found[0].rule
    assert len(problems) == 2


def test_a_stage_without_the_unions_of_the_others(data_copy: Path) -> None:
    lines = _ballot(
        data_copy,
        "bhm1-2025",
        [
            stage_rows("bhm1-2025", "initial", {"RWDSU": 900, "Teamsters": 300}, 800, 5, 100, SOURCE),
            stage_rows("bhm1-2025", "final", 1250, 800, 5, 0, SOURCE),
        ],
    )
    [problem] = problems_of(data_copy)
    assert (problem.file, problem.line, problem.column, problem.value) == (
        "tallies.csv",
        lines[1][0],
        "union",
        "RWDSU, Teamsters",
    )
    assert "stage final has no yes row for RWDSU, Teamsters" in problem.rule


@pytest.mark.parametrize("choice", ["no", "void", "challenged"])
def test_union_only_on_yes_rows(data_copy: Path, choice: str) -> None:
    line = set_cell(data_copy, "tallies.csv", {"election_id": "jfk8-2022", "choice": choice}, "union", "ALU")
    problem = assert_reported(data_copy, "tallies.csv", line, "union", "only a yes row names a union", value="ALU")
    assert len(problems_of(data_copy)) == 1 and problem.value == "ALU"


def test_union_named_twice_in_a_stage(data_copy: Path) -> None:
    rows = stage_rows("bhm1-2025", "initial", {"RWDSU": 900, "Teamsters": 300}, 800, 5, 100, SOURCE)
    rows.insert(2, {**rows[1], "ballots": "20"})
    lines = _ballot(data_copy, "bhm1-2025", [rows])
    [problem] = problems_of(data_copy)
    assert (problem.line, problem.column, problem.value) == (lines[0][2], "union", "Teamsters")
    assert problem.rule.startswith("the union is named twice in this stage")
    assert f"of line {lines[0][1]}" in problem.rule


def test_single_union_stage_mixing_empty_and_named_yes_rows(data_copy: Path) -> None:
    rows = stage_rows("bhm1-2025", "initial", {"RWDSU": 900, "Teamsters": 300}, 800, 5, 100, SOURCE)
    rows[1]["union"] = ""
    lines = _ballot(data_copy, "bhm1-2025", [rows])
    [problem] = problems_of(data_copy)
    assert (problem.line, problem.column) == (lines[0][1], "union")
    assert "a yes row without a union on a ballot with several unions" in problem.rule


def test_single_union_ballot_leaves_union_empty(data_copy: Path) -> None:
    line = set_cell(data_copy, "tallies.csv", JFK8_YES, "union", "ALU")
    [problem] = problems_of(data_copy)
    assert (problem.line, problem.column, problem.value) == (line, "union", "ALU")
    assert "a ballot with one union leaves `union` empty" in problem.rule


def test_revisions_are_numbered_without_gaps(data_copy: Path) -> None:
    lines = _ballot(
        data_copy,
        "bhm1-2025",
        [
            stage_rows("bhm1-2025", "initial", 900, 800, 5, 100, SOURCE),
            stage_rows("bhm1-2025", "revised-1", 920, 800, 5, 60, SOURCE),
            stage_rows("bhm1-2025", "revised-3", 950, 800, 5, 20, SOURCE),
        ],
    )
    [problem] = problems_of(data_copy)
    assert (problem.file, problem.line, problem.column, problem.value) == (
        "tallies.csv",
        lines[2][0],
        "stage",
        "revised-3",
    )
    assert "has revised-3 but no revised-2" in problem.rule


def test_a_revision_without_revised_1(data_copy: Path) -> None:
    lines = _ballot(
        data_copy,
        "bhm1-2025",
        [
            stage_rows("bhm1-2025", "initial", 900, 800, 5, 100, SOURCE),
            stage_rows("bhm1-2025", "revised-2", 950, 800, 5, 20, SOURCE),
        ],
    )
    [problem] = problems_of(data_copy)
    assert (problem.line, problem.column) == (lines[1][0], "stage") and "no revised-1" in problem.rule


@pytest.mark.parametrize("stage", ["revised-0", "revised-01", "revised", "Final", "revised-1 "])
def test_stage_names(data_copy: Path, stage: str) -> None:
    line = set_cell(data_copy, "tallies.csv", JFK8_YES, "stage", stage)
    assert_reported(data_copy, "tallies.csv", line, "stage", "does not match the pattern", value=stage)


def test_a_stage_needs_a_yes_row(data_copy: Path) -> None:
    rows = stage_rows("bhm1-2025", "initial", 900, 800, 5, 100, SOURCE)[1:]
    lines = _ballot(data_copy, "bhm1-2025", [rows])
    [problem] = problems_of(data_copy)
    assert (problem.line, problem.column, problem.value) == (lines[0][0], "choice", "yes")
    assert "election bhm1-2025, stage initial: missing the row(s) for yes" in problem.rule


def test_each_stage_of_a_multi_union_ballot_has_every_choice(data_copy: Path) -> None:
    rows = stage_rows("bhm1-2025", "revised-1", {"RWDSU": 900, "Teamsters": 300}, 800, 5, 100, SOURCE)
    lines = _ballot(
        data_copy,
        "bhm1-2025",
        [
            stage_rows("bhm1-2025", "initial", {"RWDSU": 900, "Teamsters": 300}, 800, 5, 100, SOURCE),
            [r for r in rows if r["choice"] not in ("no", "challenged")],
        ],
    )
    [problem] = problems_of(data_copy)
    assert (problem.line, problem.value) == (lines[1][0], "no, challenged")


def test_a_revised_stage_may_add_challenged_ballots_but_not_the_final_one(data_copy: Path) -> None:
    """A revised tally may correct the count with more challenged ballots (the NLRB's latest count stands); the
    tally that closed the count may not have more than the first."""
    lines = _ballot(
        data_copy,
        "bhm1-2025",
        [
            stage_rows("bhm1-2025", "initial", 900, 800, 5, 100, SOURCE),
            stage_rows("bhm1-2025", "revised-1", 900, 800, 5, 101, SOURCE),
            stage_rows("bhm1-2025", "final", 900, 800, 5, 102, SOURCE),
        ],
    )
    [problem] = problems_of(data_copy)
    assert (problem.line, problem.column) == (lines[2][3], "ballots")
    assert "more challenged ballots at the final stage than the 100 of the initial stage" in problem.rule


def test_multi_union_yes_votes_add_up_against_eligible_voters(data_copy: Path) -> None:
    lines = _ballot(
        data_copy,
        "bhm1-2025",
        [stage_rows("bhm1-2025", "initial", {"RWDSU": 3000, "Teamsters": 2000}, 990, 5, 100, SOURCE)],
    )  # 5995 valid
    assert load(data_copy) is not None
    set_cell(data_copy, "tallies.csv", {"election_id": "bhm1-2025", "choice": "void"}, "ballots", "11")
    [problem] = problems_of(data_copy)
    assert (problem.line, problem.value) == (lines[0][0], "6001")
    assert "exceed the 6000 eligible voters of bhm1-2025" in problem.rule


@pytest.mark.parametrize(
    "column, value", [("kind", "second"), ("self_determination", "yes"), ("voting_method", "phone")]
)
def test_new_election_columns_are_checked(data_copy: Path, column: str, value: str) -> None:
    header, rows = read_rows(data_copy, "elections.csv")
    for row in rows:
        row[column] = value if row["election_id"] == "jfk8-2022" else ""
    write_rows(data_copy, "elections.csv", header + [c for c in [column] if c not in header], rows)
    [problem] = problems_of(data_copy)
    assert (problem.column, problem.value, problem.line) == (column, value, line_of(data_copy, "elections.csv", JFK8))


def test_mixed_voting_and_unknown_places_load(data_copy: Path) -> None:
    set_cell(data_copy, "elections.csv", JFK8, "voting_method", "mixed")
    set_cell(data_copy, "elections.csv", JFK8, "city", "")
    set_cell(data_copy, "elections.csv", JFK8, "state", "")
    set_cell(data_copy, "elections.csv", JFK8, "eligible_voters", "")
    row = load(data_copy).elections.set_index("election_id").loc["jfk8-2022"]
    assert row["voting_method"] == "mixed" and pd.isna(row["eligible_voters"]) and pd.isna(row["state"])


# ---- preferred rows --------------------------------------------------------------------------------------------


def test_a_row_alone_with_an_empty_preferred_cell_is_preferred(data_copy: Path) -> None:
    set_cell(data_copy, "spending.csv", {"amount_usd": "3100000"}, "preferred", "")
    spending = load(data_copy).spending.set_index("amount_usd")
    assert bool(spending.loc[3100000, "preferred"]) is True


def test_several_rows_with_empty_preferred_cells(data_copy: Path) -> None:
    set_cell(data_copy, "spending.csv", {"amount_usd": "4300000"}, "preferred", "")
    line = line_of(data_copy, "spending.csv", {"amount_usd": "4300000"})
    [problem] = problems_of(data_copy)
    assert (problem.line, problem.column, problem.value) == (line, "preferred", "0 preferred")


def test_one_problem_per_group_without_a_preferred_column(data_copy: Path) -> None:
    header, rows = read_rows(data_copy, "workforce.csv")
    write_rows(data_copy, "workforce.csv", [c for c in header if c != "preferred"], rows)
    problems = problems_of(data_copy)
    assert [(p.file, p.column, p.value) for p in problems] == [("workforce.csv", "preferred", "0 preferred")] * len(
        problems
    )
    groups = {(r["election_id"], r["measure"]) for r in rows}
    sizes = [sum((r["election_id"], r["measure"]) == g for r in rows) for g in groups]
    assert len(problems) == sum(n > 1 for n in sizes) >= 1


# ---- values ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "vbscript:msgbox",
        "data:text/html,<script>",
        "/case/1",
        "www.nlrb.gov",
        "ftp://example.org/x",
        "https://",
        "http:// x",
    ],
)
def test_url_is_http_or_https(data_copy: Path, url: str) -> None:
    line = set_cell(data_copy, "sources.csv", {"source_id": "cbs-2021-04-09"}, "url", url)
    assert_reported(data_copy, "sources.csv", line, "url", "does not match the pattern", value=url)


@pytest.mark.parametrize("day", ["1935-07-04", "2101-01-01", "1900-01-01", "0000-01-01", "9999-12-31"])
def test_dates_within_the_act_and_2100(data_copy: Path, day: str) -> None:
    line = set_cell(data_copy, "sources.csv", {"source_id": "cbs-2021-04-09"}, "published", day)
    problem = assert_reported(data_copy, "sources.csv", line, "published", "", value=day)
    assert "outside 1935-07-05" in problem.rule or "not a date" in problem.rule
    assert len(problems_of(data_copy)) == 1


def test_counts_have_a_maximum(data_copy: Path) -> None:
    line = set_cell(data_copy, "tallies.csv", JFK8_YES, "ballots", "10000001")
    assert_reported(data_copy, "tallies.csv", line, "ballots", "more than the maximum, 10,000,000")


def _agree_on(strings: list[str]) -> None:
    """The fast form of each schema pattern accepts exactly what the schema's pattern accepts, one by one and
    joined by line breaks as validation checks a column."""
    for pattern in MATCHED_AS:
        schema_one, fast = re.compile(pattern), _compiled(pattern)
        for text in strings:
            assert (schema_one.fullmatch(text) is None) == (fast[0].fullmatch(text) is None), (pattern, text)
        joined_schema = re.compile(f"(?:{pattern})(?:\n(?:{pattern}))*")
        joined = "\n".join(strings)
        assert (joined_schema.fullmatch(joined) is None) == (fast[1].fullmatch(joined) is None), (pattern, joined)


def test_fast_patterns_agree_on_every_short_string() -> None:
    """Brute force: every string of up to 6 characters over the characters that matter to the id pattern."""
    alphabet = "a1-\n_"
    for length in range(7):
        _agree_on(["".join(chars) for chars in itertools.product(alphabet, repeat=length)])


@given(st.lists(st.text(alphabet="az09-_A\n", max_size=24), max_size=5))
def test_fast_patterns_agree_on_longer_strings(strings: list[str]) -> None:
    _agree_on(strings)


@given(st.lists(st.text(alphabet=st.sampled_from("ab-0123456789\n²٣é"), max_size=9), max_size=8))
def test_trailing_years_read_four_ascii_digits(ids: list[str]) -> None:
    """Brute force: the year of each id is its last four characters when they are four ASCII digits, else -1."""
    expected = [int(v[-4:]) if len(v) >= 4 and all(c in "0123456789" for c in v[-4:]) else -1 for v in ids]
    assert _trailing_years(np.array(ids, dtype=object)).tolist() == expected


def test_an_id_ending_in_a_superscript_digit_is_a_problem_not_a_traceback(data_copy: Path) -> None:
    line = set_cell(data_copy, "elections.csv", {"election_id": "jfk8-2022"}, "election_id", "jfk8-202²")
    assert_reported(data_copy, "elections.csv", line, "election_id", "does not match the pattern")


@given(st.lists(st.sampled_from(["a", "b", None]), max_size=12))
def test_runs_of_equal_neighbours_empty_cells_included(cells: list[str | None]) -> None:
    """Brute force: `_runs` gives the first value and the length of each run of equal cells, empty ones too."""
    column = pd.Series([np.nan if c is None else c for c in cells], dtype=object)
    expected = [(key, len(list(group))) for key, group in itertools.groupby(cells)]
    heads, lengths = _runs(column)
    assert [(None if pd.isna(h) else h, n) for h, n in zip(heads, lengths.tolist())] == expected


@given(st.lists(st.integers(0, 3), max_size=15))
def test_factorize_runs_is_factorize(values: list[int]) -> None:
    array = np.array(values, dtype=np.int64)
    codes, uniques = _factorize_runs(array)
    expected_codes, expected_uniques = pd.factorize(array)
    assert codes.tolist() == expected_codes.tolist() and uniques.tolist() == expected_uniques.tolist()


PREFERRED_BESSEMER_ELIGIBLE = {"election_id": "bhm1-2021", "measure": "eligible_voters", "preferred": "true"}


def test_the_preferred_eligible_count_is_the_one_elections_csv_gives(data_copy: Path) -> None:
    line = set_cell(data_copy, "workforce.csv", PREFERRED_BESSEMER_ELIGIBLE, "value", "5805")
    problem = assert_reported(data_copy, "workforce.csv", line, "value", "differs from elections.csv's 5,867", "5805")
    assert "bhm1-2021" in problem.rule and len(problems_of(data_copy)) == 1


def test_a_preferred_eligible_count_needs_it_in_elections_csv(data_copy: Path) -> None:
    set_cell(data_copy, "elections.csv", {"election_id": "bhm1-2021"}, "eligible_voters", "")
    line = line_of(data_copy, "workforce.csv", PREFERRED_BESSEMER_ELIGIBLE)
    assert_reported(data_copy, "workforce.csv", line, "value", "differs from elections.csv's empty cell", "5867")


def test_an_eligible_count_that_is_not_preferred_may_differ(data_copy: Path) -> None:
    where = {"election_id": "bhm1-2021", "measure": "eligible_voters", "preferred": "false"}
    set_cell(data_copy, "workforce.csv", where, "value", "5800")
    load(data_copy)
