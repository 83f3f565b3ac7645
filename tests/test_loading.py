"""Loading: typed tables, clear messages for unreadable folders and files, any working directory, read only."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from folders import (
    LENZNER_RUNOFF,
    PARAGON,
    PSONU,
    SPFPA,
    add_nlrb_ballots,
    append_rows,
    minimal_contract_copy,
    read_rows,
    stage_rows,
    write_rows,
)

from labor_analysis import Dataset, DataValidationError, Problem, load
from labor_analysis.paths import DATA_ENV, PROJECT_ROOT
from labor_analysis.schema import FINAL_RANK, TABLES, TABLES_BY_NAME, stage_rank


def only_problem(folder: Path) -> Problem:
    """The single problem `load` reports for `folder`; its message must not be a pandas traceback."""
    with pytest.raises(DataValidationError) as caught:
        load(folder)
    message = str(caught.value)
    assert "Traceback" not in message and "pandas" not in message
    [problem] = caught.value.problems
    return problem


def snapshot(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file under `folder` with its size, modification time and content."""
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# ---- typed tables ------------------------------------------------------------------------------------


def test_tables_have_the_contract_dtypes(project_data_dir: Path) -> None:
    ds = load(project_data_dir)
    assert isinstance(ds, Dataset) and ds.data_dir == project_data_dir.resolve()
    for table in TABLES:
        frame = getattr(ds, table.name)
        for f in table.fields:
            dtype = frame[f.name].dtype
            if f.enum:
                assert isinstance(dtype, pd.CategoricalDtype) and list(dtype.categories) == list(f.enum), f.name
            elif f.name == "stage":  # the stages found, in order
                assert isinstance(dtype, pd.CategoricalDtype) and dtype.ordered, f.name
                assert list(dtype.categories) == sorted(dtype.categories, key=stage_rank)
            elif f.type == "integer":
                assert dtype == "Int64", f.name
            elif f.type == "date":
                assert pd.api.types.is_datetime64_dtype(dtype), f.name
            elif f.type == "boolean":
                assert pd.api.types.is_bool_dtype(dtype), f.name
            else:
                assert pd.api.types.is_string_dtype(dtype), f.name


def test_unreported_ballots_are_missing_not_zero(project_data_dir: Path) -> None:
    tallies = load(project_data_dir).tallies.set_index(["election_id", "choice"])["ballots"]
    assert pd.isna(tallies[("rdu1-2025", "void")])
    assert pd.isna(tallies[("wfm-phl-2025", "void")]) and pd.isna(tallies[("wfm-phl-2025", "challenged")])
    assert tallies[("ldj5-2022", "challenged")] == 0


def test_empty_optional_text_is_missing(project_data_dir: Path) -> None:
    elections = load(project_data_dir).elections.set_index("election_id")
    assert pd.isna(elections.loc["rdu1-2025", "case_number"])
    assert elections.loc["jfk8-2022", "case_number"] == "29-RC-288020"
    assert pd.isna(elections.loc["wfm-phl-2025", "vote_start"])


def test_tables_come_in_contract_order(project_data_dir: Path) -> None:
    assert list(load(project_data_dir).tables()) == [t.name for t in TABLES]


# ---- unreadable folders and files ----------------------------------------------------------------------


def test_missing_folder(tmp_path: Path) -> None:
    problem = only_problem(tmp_path / "nowhere")
    assert problem.rule == "data folder not found" and problem.file.endswith("nowhere")


def test_folder_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("not a folder")
    assert "found a file" in only_problem(tmp_path / "data").rule


def test_missing_file(data_copy: Path) -> None:
    (data_copy / "workforce.csv").unlink()
    problem = only_problem(data_copy)
    assert (problem.file, problem.rule) == ("workforce.csv", "file not found")


def test_every_missing_file_is_listed(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    with pytest.raises(DataValidationError) as caught:
        load(tmp_path / "data")
    assert [p.file for p in caught.value.problems] == [t.filename for t in TABLES]


def test_empty_file(data_copy: Path) -> None:
    (data_copy / "spending.csv").write_bytes(b"")
    problem = only_problem(data_copy)
    assert problem.file == "spending.csv" and "empty" in problem.rule


def test_binary_file(data_copy: Path) -> None:
    (data_copy / "sources.csv").write_bytes(b"source_id,publisher\n\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    problem = only_problem(data_copy)
    assert (problem.file, problem.line) == ("sources.csv", 4) and "not a text file" in problem.rule


def test_file_not_utf8(data_copy: Path) -> None:
    text = (data_copy / "elections.csv").read_text(encoding="utf-8").replace("Schodack", "Schödack")
    (data_copy / "elections.csv").write_bytes(text.encode("latin-1"))
    problem = only_problem(data_copy)
    assert (problem.file, problem.line, problem.value) == ("elections.csv", 6, "0xf6")
    assert "not UTF-8" in problem.rule


def test_missing_column(data_copy: Path) -> None:
    text = (data_copy / "tallies.csv").read_text(encoding="utf-8")
    (data_copy / "tallies.csv").write_text(text.replace(",ballots,", ",votes,", 1), encoding="utf-8")
    problem = only_problem(data_copy)
    assert (problem.file, problem.line, problem.column, problem.rule) == (
        "tallies.csv",
        1,
        "ballots",
        "missing required column",
    )
    assert "tallies.csv, line 1, column 'ballots': missing required column" in str(DataValidationError([problem]))


def test_repeated_column(data_copy: Path) -> None:
    text = (data_copy / "workforce.csv").read_text(encoding="utf-8")
    (data_copy / "workforce.csv").write_text(text.replace(",note\n", ",value\n", 1), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load(data_copy)
    rules = {(p.file, p.column, p.rule) for p in caught.value.problems}
    assert ("workforce.csv", "value", "the column appears twice in the header") in rules


def test_rows_with_too_many_fields_are_all_listed(data_copy: Path) -> None:
    lines = (data_copy / "tallies.csv").read_text(encoding="utf-8").splitlines()
    lines[4] += ",surplus"
    lines[9] += ",surplus,more"
    (data_copy / "tallies.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load(data_copy)
    assert [(p.file, p.line) for p in caught.value.problems] == [("tallies.csv", 5), ("tallies.csv", 10)]
    assert "7 fields but the header has 6" in caught.value.problems[0].rule


def test_bom_and_windows_line_ends_load(data_copy: Path, project_data_dir: Path) -> None:
    text = (data_copy / "tallies.csv").read_text(encoding="utf-8")
    (data_copy / "tallies.csv").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert load(data_copy).tallies.equals(load(project_data_dir).tallies)


# ---- where the data comes from ------------------------------------------------------------------------


def _print_data_dir(cwd: Path, env_data: Path | None = None) -> str:
    """Run `load()` in a fresh interpreter from `cwd` and return the folder it loaded."""
    env = {k: v for k, v in os.environ.items() if k != DATA_ENV}
    if env_data is not None:
        env[DATA_ENV] = str(env_data)
    code = "import labor_analysis as la; ds = la.load(); print(ds.data_dir); print(len(ds.tallies))"
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def test_loads_from_any_working_directory(tmp_path: Path, project_data_dir: Path) -> None:
    assert _print_data_dir(tmp_path).split() == [str(project_data_dir.resolve()), "28"]


def test_loads_from_the_notebooks_folder(project_data_dir: Path) -> None:
    notebooks = PROJECT_ROOT / "notebooks"
    if not notebooks.is_dir():
        pytest.skip("the checkout has no notebooks/ folder")
    assert _print_data_dir(notebooks).split() == [str(project_data_dir.resolve()), "28"]


def test_environment_variable_chooses_the_folder(tmp_path: Path, data_copy: Path) -> None:
    (data_copy / "tallies.csv").write_text(
        "\n".join((data_copy / "tallies.csv").read_text(encoding="utf-8").splitlines()[:5]) + "\n", encoding="utf-8"
    )
    with pytest.raises(subprocess.CalledProcessError) as failed:
        _print_data_dir(tmp_path, env_data=data_copy)
    assert "has no rows in tallies.csv" in failed.value.stderr  # the broken copy was read, not data/
    shutil.copy(PROJECT_ROOT / "data" / "tallies.csv", data_copy / "tallies.csv")
    assert _print_data_dir(tmp_path, env_data=data_copy).split() == [str(data_copy.resolve()), "28"]


def test_argument_beats_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, project_data_dir: Path) -> None:
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "nowhere"))
    assert load(project_data_dir).data_dir == project_data_dir.resolve()
    with pytest.raises(DataValidationError):
        load()


# ---- read only -------------------------------------------------------------------------------------------


def test_load_never_writes_into_the_data_folder(project_data_dir: Path, data_copy: Path) -> None:
    before = snapshot(project_data_dir)
    load(project_data_dir)
    assert snapshot(project_data_dir) == before
    (data_copy / "elections.csv").write_text("election_id\nbroken\n", encoding="utf-8")
    broken_before = snapshot(data_copy)
    with pytest.raises(DataValidationError):
        load(data_copy)
    assert snapshot(data_copy) == broken_before


def test_blank_lines_are_skipped_but_counted(data_copy: Path) -> None:
    lines = (data_copy / "tallies.csv").read_text(encoding="utf-8").splitlines()
    lines[9] = lines[9].replace(",2654,", ",2654.5,")  # jfk8 yes, line 10 before the blank lines
    lines[3:3] = ["", "   "]
    (data_copy / "tallies.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    problem = only_problem(data_copy)
    assert (problem.line, problem.column, problem.value) == (12, "ballots", "2654.5")


def test_a_file_of_one_record_per_line_is_not_kept_in_memory_yet_its_lines_are_named(data_copy: Path) -> None:
    """A file without quotes or blank lines is not kept as bytes after parsing (a record's line is its position
    plus two); one with a quoted cell is, to count the line breaks inside quotes. The lines come out right either
    way."""
    from labor_analysis.loading import read_table
    from labor_analysis.validation import Report

    tallies = TABLES_BY_NAME["tallies"]
    lines = (data_copy / "tallies.csv").read_text(encoding="utf-8").splitlines()
    last = len(lines)
    lines[-1] = lines[-1].replace("," + lines[-1].split(",")[4] + ",", ",nowhere,")  # the last row's source_id
    (data_copy / "tallies.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw = read_table(data_copy, tallies, Report())
    assert raw is not None and raw.data is None and raw.editor_lines([0, len(raw.frame) - 1]) == [2, last]
    problem = only_problem(data_copy)
    assert (problem.line, problem.column, problem.value) == (last, "source_id", "nowhere")

    lines[2] = lines[2].rstrip(",") + ',"a note\nover two lines"'  # a quoted line break in row 2's note
    (data_copy / "tallies.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw = read_table(data_copy, tallies, Report())
    assert raw is not None and raw.data is not None and raw.editor_lines([0, len(raw.frame) - 1]) == [2, last + 1]
    problem = only_problem(data_copy)
    assert (problem.line, problem.column, problem.value) == (last + 1, "source_id", "nowhere")


def test_unclosed_quote_names_its_line(data_copy: Path) -> None:
    text = (data_copy / "tallies.csv").read_text(encoding="utf-8")
    row = "jfk8-2022,initial,no,2131,law360-2022-04-01,"
    broken = text.replace(row, row + '"about', 1)
    (data_copy / "tallies.csv").write_text(broken, encoding="utf-8")
    problem = only_problem(data_copy)
    assert (problem.file, problem.line) == ("tallies.csv", 11) and "never closed" in problem.rule


# ---- optional columns ----------------------------------------------------------------------------------

OPTIONAL = [(t.name, f.name) for t in TABLES for f in t.fields if f.optional_column]


def _with_column(folder: Path, table: str, column: str, present: bool) -> None:
    """Rewrite one file of `folder` with `column` present and empty in every row, or left out of the header."""
    header, rows = read_rows(folder, f"{table}.csv")
    header = [c for c in header if c != column] + ([column] if present else [])
    write_rows(folder, f"{table}.csv", header, [{**r, column: ""} for r in rows])


@pytest.mark.parametrize("table, column", OPTIONAL, ids=[f"{t}.{c}" for t, c in OPTIONAL])
def test_absent_optional_column_loads_as_if_empty(
    tmp_path: Path, project_data_dir: Path, table: str, column: str
) -> None:
    """A file without an optional column loads exactly as one with the column present and every cell empty."""
    empty = minimal_contract_copy(project_data_dir, tmp_path / "empty")
    absent = minimal_contract_copy(project_data_dir, tmp_path / "absent")
    _with_column(empty, table, column, present=True)
    _with_column(absent, table, column, present=False)
    with_empty, without = load(empty).tables(), load(absent).tables()
    for name in with_empty:
        pd.testing.assert_frame_equal(with_empty[name], without[name], check_exact=True, obj=name)
    f = TABLES_BY_NAME[table].column(column)
    loaded = without[table][column]
    if f.default is not None:
        expected = True if f.default == "true" else False if f.default == "false" else f.default
        assert (loaded == expected).all(), column
    elif column != "preferred":
        assert loaded.isna().all(), column


def test_minimal_contract_folder_validates(tmp_path: Path, project_data_dir: Path) -> None:
    """Files with only the core columns (no note, url, preferred, measure, flags...) load with the defaults."""
    folder = minimal_contract_copy(project_data_dir, tmp_path / "minimal")
    assert "note" not in (folder / "tallies.csv").read_text(encoding="utf-8").splitlines()[0]
    ds = load(folder)
    assert ds.spending["preferred"].all() and ds.workforce["preferred"].all()
    assert set(ds.spending["measure"]) == {"spent"} and not ds.spending["unconfirmed"].any()
    assert set(ds.elections["kind"]) == {"initial"} and not ds.elections["self_determination"].any()
    assert ds.elections["eligible_approximate"].dtype == bool and not ds.elections["eligible_approximate"].any()
    assert set(ds.tallies["union"]) == {""}
    assert list(ds.elections.columns) == [f.name for f in TABLES_BY_NAME["elections"].fields]
    done = subprocess.run(
        [str(Path(sys.executable).with_name("labor-analysis")), "validate", "--data-dir", str(folder)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and done.stdout.startswith("OK: "), done.stderr


def test_missing_core_column_is_still_a_problem(tmp_path: Path, project_data_dir: Path) -> None:
    folder = minimal_contract_copy(project_data_dir, tmp_path / "minimal")
    header, rows = read_rows(folder, "elections.csv")
    write_rows(folder, "elections.csv", [c for c in header if c != "eligible_voters"], rows)
    problem = only_problem(folder)
    assert (problem.file, problem.line, problem.column, problem.rule) == (
        "elections.csv",
        1,
        "eligible_voters",
        "missing required column",
    )


def test_loaded_columns_follow_the_schema_then_extras(data_copy: Path) -> None:
    header, rows = read_rows(data_copy, "workforce.csv")
    write_rows(data_copy, "workforce.csv", ["checked_by", *header[::-1]], [{**r, "checked_by": "desk"} for r in rows])
    columns = list(load(data_copy).workforce.columns)
    assert columns == [f.name for f in TABLES_BY_NAME["workforce"].fields] + ["checked_by"]


# ---- several unions, run-offs, reruns and revisions -------------------------------------------------------


def test_multi_union_and_runoff_ballots_load(data_copy: Path) -> None:
    ds = load(add_nlrb_ballots(data_copy))
    elections = ds.elections.set_index("election_id")
    assert elections.loc[LENZNER_RUNOFF, "kind"] == "runoff" and elections.loc[PARAGON, "unit"] == "A"
    assert elections.loc["jfk8-2022", "kind"] == "initial" and pd.isna(elections.loc["jfk8-2022", "unit"])
    yes = ds.tallies[(ds.tallies["election_id"] == PARAGON) & (ds.tallies["choice"] == "yes")]
    assert dict(zip(yes["union"], yes["ballots"])) == {PSONU: 18, SPFPA: 15}
    assert set(ds.tallies.loc[ds.tallies["election_id"] == "jfk8-2022", "union"]) == {""}


def test_reruns_and_several_revisions_load(data_copy: Path) -> None:
    append_rows(
        data_copy,
        "elections",
        [
            {
                "election_id": "bhm1-rerun-2025",
                "employer": "Amazon.com Services LLC",
                "facility": "BHM1",
                "city": "",
                "state": "",
                "union": "RWDSU",
                "voting_method": "mixed",
                "count_date": "2025-02-01",
                "eligible_voters": "",
                "kind": "rerun",
                "self_determination": "false",
                "source_id": "nlrb-case-10-RC-269250",
            }
        ],
    )
    source = "nlrb-case-10-RC-269250"
    append_rows(
        data_copy,
        "tallies",
        stage_rows("bhm1-rerun-2025", "initial", 900, 950, 10, 300, source)
        + stage_rows("bhm1-rerun-2025", "revised-1", 950, 1000, 10, 200, source)
        + stage_rows("bhm1-rerun-2025", "revised-2", 1000, 1040, 10, 100, source)
        + stage_rows("bhm1-rerun-2025", "final", 1050, 1100, 10, 0, source),
    )
    ds = load(data_copy)
    row = ds.elections.set_index("election_id").loc["bhm1-rerun-2025"]
    assert row["kind"] == "rerun" and row["voting_method"] == "mixed"
    assert pd.isna(row["eligible_voters"]) and pd.isna(row["city"]) and pd.isna(row["state"])
    stages = ds.tallies.loc[ds.tallies["election_id"] == "bhm1-rerun-2025", "stage"]
    assert list(dict.fromkeys(stages)) == ["initial", "revised-1", "revised-2", "final"]


@pytest.mark.parametrize(
    "stage, rank",
    [
        ("initial", 0),
        ("revised-1", 1),
        ("revised-12", 12),
        ("final", FINAL_RANK),
        ("revised-0", -1),
        ("Final", -1),
        ("", -1),
    ],
)
def test_stage_rank(stage: str, rank: int) -> None:
    assert stage_rank(stage) == rank
    assert stage_rank(pd.Series([stage, "initial"])).tolist() == [rank, 0]


def test_latest_stage_is_final_else_highest_revision() -> None:
    stages = ["revised-2", "initial", "revised-10", "revised-9"]
    assert stages[int(np.argmax(stage_rank(pd.Series(stages))))] == "revised-10"
    assert max([*stages, "final"], key=stage_rank) == "final"


# ---- CSV dialect and size -----------------------------------------------------------------------------------


def test_cr_only_line_ends(data_copy: Path) -> None:
    text = (data_copy / "tallies.csv").read_text(encoding="utf-8")
    (data_copy / "tallies.csv").write_bytes(text.replace("\n", "\r").encode("utf-8"))
    problem = only_problem(data_copy)
    assert (problem.file, problem.line) == ("tallies.csv", None) and "carriage return alone" in problem.rule


@pytest.mark.parametrize("quoted", [True, False])
def test_bare_carriage_return_in_a_cell(data_copy: Path, quoted: bool) -> None:
    header, rows = read_rows(data_copy, "elections.csv")
    rows[2]["note"] = "first part\rsecond part"
    write_rows(data_copy, "elections.csv", header, rows)
    if not quoted:
        data = (data_copy / "elections.csv").read_bytes()
        unquoted = data.replace(b'"first part\rsecond part"', b"first part\rsecond part")
        (data_copy / "elections.csv").write_bytes(unquoted)
    problem = only_problem(data_copy)
    assert (problem.file, problem.line) == ("elections.csv", 4) and "carriage return (CR)" in problem.rule


@pytest.mark.parametrize("quoted", [True, False])
def test_a_cell_over_the_size_limit(data_copy: Path, quoted: bool) -> None:
    header, rows = read_rows(data_copy, "tallies.csv")
    rows[5]["note"] = "a, b " * 30_000 if quoted else "x" * 140_000
    write_rows(data_copy, "tallies.csv", header, rows)
    problem = only_problem(data_copy)
    assert (problem.file, problem.line) == ("tallies.csv", 7) and "over the limit of 131,072" in problem.rule


def test_a_long_file_of_short_cells_loads(data_copy: Path) -> None:
    header, rows = read_rows(data_copy, "sources.csv")
    for row in rows:
        row["note"] = "a note, quoted, " * 500  # 8 KB a cell, 200+ KB in all
    write_rows(data_copy, "sources.csv", header, rows)
    assert len(load(data_copy).sources) == len(rows)


def test_a_file_over_the_size_limit(data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import labor_analysis.loading as loading

    limit = (data_copy / "sources.csv").stat().st_size - 1
    monkeypatch.setattr(loading, "MAX_FILE_BYTES", limit)
    problem = only_problem(data_copy)  # the largest file; the others are under the limit
    assert problem.file == "sources.csv" and problem.rule == (
        f"the file is {limit + 1:,} bytes, over the limit of {limit:,} bytes"
    )


def test_at_most_200_problems_are_listed(data_copy: Path) -> None:
    header, rows = read_rows(data_copy, "tallies.csv")
    rows = [{**rows[0], "stage": "initial", "ballots": "many"} for _ in range(1000)]
    write_rows(data_copy, "tallies.csv", header, rows)
    with pytest.raises(DataValidationError) as caught:
        load(data_copy)
    message = str(caught.value)
    assert len(message.splitlines()) == 1 + 200 + 1
    assert message.splitlines()[-1] == f"  ... and {caught.value.total - 200:,} more problems"
    assert caught.value.total > 1000 and len(caught.value.problems) < caught.value.total
    listed = [p for p in caught.value.problems if p.column == "ballots" and "whole number" in p.rule]
    assert [p.line for p in listed] == list(range(2, 202))  # the first ones, by line
