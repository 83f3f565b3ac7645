"""Any valid folder, end to end (issues 8 and 9): the original minimal contract, a folder of every kind of NLRB
ballot (several unions, run-offs, a rerun, several revised counts), and hypothesis-drawn folders go through the
command line, the charts, the story words and the notebooks without a traceback."""

from __future__ import annotations

import inspect
import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest
from folders import (
    LENZNER_RUNOFF,
    PARAGON,
    add_nlrb_ballots,
    append_rows,
    minimal_contract_copy,
    read_rows,
    stage_rows,
    write_rows,
)
from hypothesis import HealthCheck, given, settings
from strategies import Folder, data_folders

import labor_analysis as la
from labor_analysis import charts, load, story, summary
from labor_analysis.charts import chart_plan
from labor_analysis.cli import main
from labor_analysis.nlrb import national_story
from labor_analysis.safe_html import escape_markdown
from labor_analysis.text import short_employer

TWO_UNIONS = Path(__file__).parent / "fixtures" / "nlrb-two-unions"
#: The findings of notebook 06, each called with the data folder and the national record's elections against it.
NATIONAL_PASSAGES = (
    national_story.overview,
    national_story.unit_sizes,
    national_story.win_rates,
    national_story.voting_methods,
    national_story.challenged,
)


def national_words(ds: la.Dataset) -> list[str]:
    """The words of every finding of notebook 06 for the data folder `ds` (the national record loaded once)."""
    record = national_story.load_national_record()
    nation = national_story.record(ds, record)
    findings = [f(ds, nation) for f in NATIONAL_PASSAGES]
    findings += [national_story.history(ds, record), national_story.certified(ds, nation, record)]
    return [finding.text for finding in findings]


#: The Bessemer rerun, counted again twice after its challenged ballots were resolved (made-up revisions).
REVISED = "bhm1-2022"


def every_ballot_folder(project_data_dir: Path, target: Path) -> Path:
    """The project's data plus real NLRB ballots with several unions and run-offs (tests/folders.py and the
    nlrb-two-unions fixture), Bessemer 2022 marked as the rerun it was, with two revised counts."""
    shutil.copytree(project_data_dir, target, ignore=shutil.ignore_patterns("derived", "*.md", "*.json"))
    add_nlrb_ballots(target)
    for table in ("sources", "elections", "tallies"):
        _, rows = read_rows(TWO_UNIONS, f"{table}.csv")
        append_rows(target, table, rows)
    header, elections = read_rows(target, "elections.csv")
    for row in elections:
        row["kind"] = "rerun" if row["election_id"] == REVISED else row.get("kind") or "initial"
    write_rows(target, "elections.csv", header, elections)
    source = next(r["source_id"] for r in elections if r["election_id"] == REVISED)
    append_rows(
        target,
        "tallies",
        stage_rows(REVISED, "revised-1", 875, 1004, 0, 200, source)
        + stage_rows(REVISED, "revised-2", 880, 1010, 0, 80, source),
    )
    return target


@pytest.fixture(scope="module")
def every_ballot(tmp_path_factory, project_data_dir) -> Path:
    return every_ballot_folder(project_data_dir, tmp_path_factory.mktemp("every-ballot") / "data")


def story_calls(ds) -> list[tuple[str, tuple]]:
    """Every Passage-returning function of labor_analysis.story with the arguments to call it on every election
    (every ordered pair for the functions comparing two, each election alone for those taking a list)."""
    ids = list(ds.elections["election_id"])
    calls = []
    for name, function in inspect.getmembers(story, inspect.isfunction):
        if function.__module__ != story.__name__ or name.startswith("_"):
            continue
        if inspect.signature(function).return_annotation not in ("Passage", story.Passage):
            continue
        params = list(inspect.signature(function).parameters)
        if "other_id" in params:
            arguments = [(ds, a, b) for a in ids for b in ids if a != b]
        elif "election_ids" in params:
            arguments = [(ds, [e]) for e in ids]
        elif "election_id" in params:
            arguments = [(ds, e) for e in ids]
        elif "source_ids" in params:
            arguments = [(ds, list(ds.sources["source_id"]))]
        else:
            arguments = [(ds,)]
        calls += [(name, args) for args in arguments]
    return calls


def assert_reads_well(text: str, name: str, args: tuple) -> None:
    """A passage says something, and no missing value reaches it as 'nan', '<NA>', 'NaT' or 'None'."""
    words = set(text.replace(",", " ").replace(".", " ").split())
    assert text and not words & {"nan", "<NA>", "NaT", "None"}, (name, args[1:], text)


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def assert_no_traceback_in(notebook: Path) -> None:
    for cell in nbformat.read(notebook, as_version=4).cells:
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error", (notebook.name, output.get("ename"), output.get("evalue"))
            text = output.get("text", "") + "".join(str(v) for v in output.get("data", {}).values())
            assert "Traceback" not in text, notebook.name


# ---------------------------------------------------------------- the original minimal contract


@pytest.mark.slow
def test_a_folder_of_the_original_minimal_contract_goes_through_every_command(tmp_path, project_data_dir, capsys):
    folder = minimal_contract_copy(project_data_dir, tmp_path / "minimal")
    assert run_cli(["validate", "--data-dir", str(folder)], capsys)[0] == 0
    status, out, _ = run_cli(["summary", "--data-dir", str(folder), "--format", "csv"], capsys)
    assert status == 0 and "jfk8-2022" in out
    charts = tmp_path / "charts"
    argv = ["charts", "--data-dir", str(folder), "--out", str(charts), "--format", "png", "--size", "web"]
    assert run_cli([*argv, "--jobs", "1"], capsys)[0] == 0
    assert (charts / "index.html").is_file() and (charts / "vote-shares-jfk8-2022-web.png").is_file()
    reports = tmp_path / "reports"
    argv = ["rerun", "01-jfk8-staten-island", "05-every-amazon-election", "--data-dir", str(folder)]
    status, _, err = run_cli([*argv, "--out", str(reports), "--jobs", "1"], capsys)
    assert status == 0, err
    for name in ("01-jfk8-staten-island", "05-every-amazon-election"):
        assert_no_traceback_in(reports / f"{name}.ipynb")


# ---------------------------------------------------------------- several unions, run-offs, a rerun, revisions


def test_summary_gives_the_nlrb_outcome_of_every_election(every_ballot):
    table = summary(load(every_ballot)).set_index("election_id")
    assert table.loc["backus-2018", ["outcome", "unions"]].tolist() == ["runoff", 2]  # 20, 16 and 8: no majority
    assert table.loc["backus-runoff-2018", "outcome"] == "won"
    assert table.loc["backus-runoff-2018", "winner"] == "Eastern Connecticut Public Safety Independent Union"
    assert table.loc[PARAGON, ["outcome", "yes", "no"]].tolist() == ["won", 33, 0]  # 18 of 33 is a majority
    assert table.loc[LENZNER_RUNOFF, ["outcome", "kind"]].tolist() == ["won", "runoff"]
    assert table.loc[REVISED, ["stage", "yes", "no", "challenged", "kind"]].tolist() == [
        "revised-2",
        880,
        1010,
        80,
        "rerun",
    ]
    assert table.loc[REVISED, "outcome"] == "lost"  # trailing by 130 with 80 challenged: not determinative
    assert table.loc["jfk8-2022", "outcome"] == "won" and table.loc["bhm1-2021", "outcome"] == "lost"


def test_yes_or_no_charts_leave_out_several_unions_and_run_offs_and_say_so(every_ballot):
    specs, left_out = chart_plan(load(every_ballot))
    by_slug = {s.slug: s for s in specs}
    several = ("backus-2018", "backus-runoff-2018", PARAGON, LENZNER_RUNOFF)
    assert "Not shown (not a yes-or-no ballot" in by_slug["vote-shares-all"].subtitle
    assert "Paragon Systems, Pittsburgh" in by_slug["vote-shares-all"].subtitle
    assert not set(several) & set(by_slug["vote-shares-all"].data["election_id"])
    reasons = {x.slug: x.reason for x in left_out}
    for election_id in several:
        assert "not a yes-or-no ballot" in reasons[f"vote-shares-{election_id}"]
    assert "vote-shares-jfk8-2022" in by_slug


def test_every_story_function_works_for_every_election(every_ballot):
    ds = load(every_ballot)
    for name, args in story_calls(ds):
        assert_reads_well(getattr(story, name)(*args).text, name, args)
    texts = {e: story.result(ds, e).text for e in ("backus-2018", PARAGON)}
    assert "the NLRB holds a run-off" in texts["backus-2018"] and "8 for no union" in texts["backus-2018"]
    assert texts[PARAGON].startswith("Workers voted 18 for Paragon Protective Service Officers")
    assert "run-off" in story.challenged(ds, "backus-2018").text
    assert story.chance(ds, "backus-2018").text == "With no challenged ballots, there is nothing left to chance."


def test_scenario_on_a_ballot_with_several_unions_answers_in_words(every_ballot, capsys):
    status, out, err = run_cli(["scenario", "--election", PARAGON, "--data-dir", str(every_ballot)], capsys)
    assert status == 0 and not err and "Traceback" not in out
    assert "a ballot with 2 unions: 18 for Paragon Protective Service Officers" in out
    assert "has a majority of the 33 valid votes and wins" in out and "none is given" in out
    status, out, err = run_cli(["scenario", "--election", LENZNER_RUNOFF, "--data-dir", str(every_ballot)], capsys)
    assert status == 0 and "The 1 challenged ballot is not determinative" in out


@pytest.mark.slow
def test_charts_and_notebooks_run_on_every_kind_of_ballot(every_ballot, tmp_path, capsys):
    charts = tmp_path / "charts"
    argv = ["charts", "--data-dir", str(every_ballot), "--out", str(charts), "--format", "png", "--size", "web"]
    status, _, err = run_cli([*argv, "--jobs", "2"], capsys)
    assert status == 0, err
    assert not list(charts.glob(f"vote-shares-{PARAGON}*"))
    reports = tmp_path / "reports"
    argv = ["rerun", "05-every-amazon-election", "06-amazon-against-the-nation", "--data-dir", str(every_ballot)]
    status, _, err = run_cli([*argv, "--out", str(reports), "--jobs", "1"], capsys)
    assert status == 0, err
    for name in ("05-every-amazon-election", "06-amazon-against-the-nation"):
        assert_no_traceback_in(reports / f"{name}.ipynb")


# ---------------------------------------------------------------- any valid folder


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(folder=data_folders(max_elections=3))
def test_every_story_function_and_chart_plan_work_on_any_valid_folder(folder: Folder) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ds = load(folder.write(Path(tmp) / "data"))
    for name, args in story_calls(ds):
        assert_reads_well(getattr(story, name)(*args).text, name, args)
    chart_plan(ds)  # every chart drawn or left out with a reason


def _company_of(folder: Folder) -> str | None:
    """The one company the folder's elections belong to, from the rows as written, as the words name it (no legal
    form: `text.short_employer`); None for several."""
    kept = "company" not in folder.left_out.get("elections", set())
    names = {(row.get("company") if kept else "") or row["employer"] for row in folder.tables["elections"]}
    return short_employer(names.pop()) if len(names) == 1 else None


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(folder=data_folders(max_elections=3))
def test_words_name_the_folders_company_and_no_other(folder: Folder) -> None:
    """Chart titles, subtitles, alt text and source lines, and the story passages, name the elections' company when
    they share one, and never a company the folder does not hold (Amazon is the first story, not the only one)."""
    with tempfile.TemporaryDirectory() as tmp:
        ds = load(folder.write(Path(tmp) / "data"))
    specs = charts.chart_specs(ds)
    chart_words = [w for s in specs for w in (s.title, s.subtitle, s.alt_text, s.record)]
    story_words = [getattr(story, name)(*args).text for name, args in story_calls(ds)]
    story_words += national_words(ds)
    words = " ".join(chart_words + story_words)
    company = _company_of(folder)
    if not any("Amazon" in f"{r['employer']} {r.get('company')}" for r in folder.tables["elections"]):
        assert "Amazon" not in words
    if company is None:
        for row in folder.tables["elections"]:
            assert row["employer"] not in " ".join(chart_words)
            assert not row.get("company") or f"at {row['company']}" not in words
    else:
        company = short_employer(company)  # as a headline names it: no legal form ('Amazon.com Services')
        assert escape_markdown(f"at {company}") in story.overview(ds).text
        timeline = next(s for s in specs if s.slug == "timeline")
        assert f"at {company}" in timeline.title or f"at {company}" in timeline.alt_text
