"""`labor-analysis rerun -p NAME=VALUE` (issue 18): papermill's convention, one report per parameter set that never
overwrites another's, reports titled from their parameters, and the unchanged-rerun cache still at work."""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest

import labor_analysis as la
from labor_analysis import paths
from labor_analysis import rerun as engine
from labor_analysis.cli import main
from labor_analysis.cli.rerun import parameter_value, parameters
from labor_analysis.text import fmt_int

NOTEBOOK_02 = paths.notebooks_dir() / "02-bessemer-challenged-ballots.ipynb"


def test_values_are_read_as_papermill_reads_them() -> None:
    assert [parameter_value(v) for v in ("3", "0.5", "True", "False", "None", "Whole Foods Market", "jfk8-2022")] == [
        3,
        0.5,
        True,
        False,
        None,
        "Whole Foods Market",
        "jfk8-2022",
    ]


def test_parameters_and_selection_from_the_command_line() -> None:
    from labor_analysis.cli import parse

    args = parse(["rerun", "-p", "election_id=jfk8-2022", "-p", "company=Whole Foods Market", "--state", "NY"])
    assert parameters(args) == {
        "election_id": "jfk8-2022",
        "company": "Whole Foods Market",
        "selection": {"state": ["NY"]},
    }


@pytest.mark.parametrize("bad", ["election_id", "=x", "not a name=1", "data_dir=/tmp"])
def test_bad_parameters_get_one_line_and_exit_2(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rerun", "-p", bad, "02-bessemer-challenged-ballots"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "-p" in err


def test_each_parameter_set_has_a_name_of_its_own() -> None:
    assert engine.variant_name({}) == ""
    amazon = engine.variant_name({"company": "Amazon"})
    assert amazon.startswith("company-amazon-")
    names = {
        engine.variant_name(p)
        for p in ({"company": "Whole Foods"}, {"company": "whole-foods"}, {"company": "Amazon"}, {"x": 1}, {"x": "1"})
    }
    assert len(names) == 5  # the hash of the exact values tells apart what the readable words do not
    assert engine.variant_name({"company": "Amazon"}) == amazon  # and the same set gets the same name


def test_the_title_is_the_first_heading_in_markdown_or_in_an_output() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("Intro, no heading"), nbformat.v4.new_code_cell("x")]
    nb.cells[1].outputs = [
        nbformat.v4.new_output("display_data", {"text/markdown": "# 02 · JFK8's challenged ballots\n\nmore"})
    ]
    assert engine.report_title(nb) == "02 · JFK8's challenged ballots"


@pytest.mark.slow
def test_a_rerun_for_jfk8_is_a_report_of_its_own_titled_for_jfk8(tmp_path: Path, project_data_dir: Path) -> None:
    out = tmp_path / "out"
    base = ["rerun", "02-bessemer-challenged-ballots", "--data-dir", str(project_data_dir), "--out", str(out)]
    assert main([*base, "--jobs", "1"]) == 0
    assert main([*base, "--jobs", "1", "-p", "election_id=jfk8-2022"]) == 0
    variant = engine.variant_name({"election_id": "jfk8-2022"})
    default_html = html.unescape((out / "02-bessemer-challenged-ballots.html").read_text(encoding="utf-8"))
    jfk8_html = html.unescape((out / f"02-bessemer-challenged-ballots--{variant}.html").read_text(encoding="utf-8"))
    assert "<title>02 · Bessemer's challenged ballots, 2022</title>" in default_html
    assert "<title>02 · JFK8's challenged ballots</title>" in jfk8_html
    assert "Bessemer's challenged ballots" not in jfk8_html
    index = html.unescape((out / engine.INDEX_FILE).read_text(encoding="utf-8"))
    assert "02 · JFK8's challenged ballots" in index and "02 · Bessemer's challenged ballots, 2022" in index
    # unchanged inputs: both are skipped, neither overwritten
    results = engine.rerun([NOTEBOOK_02], project_data_dir, out, 1, parameters={"election_id": "jfk8-2022"})
    assert [r.status for r in results] == [engine.SKIPPED]
    results = engine.rerun([NOTEBOOK_02], project_data_dir, out, 1)
    assert [r.status for r in results] == [engine.SKIPPED]


@pytest.mark.slow
def test_notebook_07_runs_for_any_company_with_a_clear_sentence_for_none(tmp_path: Path) -> None:
    out = tmp_path / "out"
    base = ["rerun", "07-company-against-the-nation", "--out", str(out), "--jobs", "1"]
    assert main([*base, "-p", "company=Amazon"]) == 0
    assert main([*base, "-p", "company=No Such Company"]) == 0
    amazon = html.unescape(
        (out / f"07-company-against-the-nation--{engine.variant_name({'company': 'Amazon'})}.html").read_text()
    )
    assert "<title>07 · Amazon against the nation</title>" in amazon and "NLRB elections at Amazon, counted" in amazon
    hint = re.search(r"Rerun it for another company, such as (\w+), with.*?company=\1 07-company", amazon, re.S)
    assert hint and hint.group(1) != "Amazon"  # the intro suggests another company than its own
    assert "Starbucks" not in amazon.split("<body")[1].split("Sources")[0].replace(hint.group(0), "")
    nobody = html.unescape(
        (out / f"07-company-against-the-nation--{engine.variant_name({'company': 'No Such Company'})}.html").read_text()
    )
    assert "The national record holds no election of No Such Company" in nobody and "Traceback" not in nobody


@pytest.mark.slow
def test_notebook_06_runs_for_a_company_of_the_national_record(tmp_path: Path) -> None:
    """`rerun -p company=Starbucks 06-...` sets Starbucks' elections in the national record against the rest of it,
    titled for Starbucks, Starbucks left out of the baseline; a company without elections gets sentences."""
    out = tmp_path / "out"
    base = ["rerun", "06-amazon-against-the-nation", "--out", str(out), "--jobs", "1"]
    assert main([*base, "-p", "company=Starbucks"]) == 0
    assert main([*base, "-p", "company=No Such Company"]) == 0
    report = out / f"06-amazon-against-the-nation--{engine.variant_name({'company': 'Starbucks'})}.html"
    starbucks = html.unescape(report.read_text())
    assert "<title>06 · Starbucks against the nation</title>" in starbucks
    starbucks = re.sub(r"<[^>]+>", "", starbucks)  # the words, without their emphasis
    mine = len(la.national().select(company="Starbucks").elections)
    assert f"This notebook examines {fmt_int(mine)} union elections at Starbucks" in starbucks
    assert "are Starbucks' own, left out of the national baseline" in starbucks
    report = out / f"06-amazon-against-the-nation--{engine.variant_name({'company': 'No Such Company'})}.html"
    nobody = html.unescape(report.read_text())
    assert "<title>06 · No Such Company against the nation</title>" in nobody
    assert "nothing to compare" in nobody and "Traceback" not in nobody
