"""The dispatcher: every bad argument gets one line naming its subcommand and exit status 2; --help still works."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from labor_analysis.cli import SUBCOMMANDS, main

CONSOLE_SCRIPT = Path(sys.executable).with_name("labor-analysis")


@pytest.mark.parametrize(
    "argv, line",
    [
        (["scenario", "--yes", "abc"], "labor-analysis scenario: error: argument --yes: invalid int value: 'abc'"),
        (["summary", "--format", "xml"],
         "labor-analysis summary: error: argument --format: invalid choice: 'xml' (choose from 'table', 'csv', 'json')"),
        (["charts", "--jobs", "many"], "labor-analysis charts: error: argument --jobs: invalid int value: 'many'"),
        (["validate", "--colour"], "labor-analysis validate: error: unrecognized arguments: --colour"),
        (["summary", "--format", "csv", "extra"], "labor-analysis summary: error: unrecognized arguments: extra"),
        (["scenario", "--data-dir"], "labor-analysis scenario: error: argument --data-dir: expected one argument"),
        ([], "labor-analysis: error: the following arguments are required: COMMAND"),
        (["tally"], "labor-analysis: error: argument COMMAND: invalid choice: 'tally' (choose from "
                    + ", ".join(f"'{name}'" for name in SUBCOMMANDS) + ")"),
    ],
    ids=["bad-int", "bad-choice", "bad-jobs", "unknown-option", "extra-argument", "missing-value",
         "missing-subcommand", "unknown-subcommand"],
)
def test_bad_arguments_get_exactly_one_line_and_exit_2(argv, line, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err == line + "\n"
    assert captured.out == ""


@pytest.mark.parametrize("argv", [["--help"], *([name, "--help"] for name in SUBCOMMANDS)])
def test_help_still_prints_usage_and_exits_0(argv, capsys):
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: labor-analysis")
    assert "--data-dir" in out or argv == ["--help"]


def test_data_dir_help_names_the_environment_variable_first(capsys):
    for name in SUBCOMMANDS:
        main([name, "--help"])
        out = " ".join(capsys.readouterr().out.split())  # argparse wraps the help text
        assert "default: $LABOR_ANALYSIS_DATA, else the project's data/" in out, name


@pytest.mark.parametrize("argv", [["scenario", "--yes", "abc"], ["summary", "--bogus"], []],
                         ids=["bad-value", "unknown-option", "missing-subcommand"])
def test_console_script_reports_one_line_without_traceback(argv):
    done = subprocess.run([str(CONSOLE_SCRIPT), *argv], capture_output=True, text=True)
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith("labor-analysis")
    assert ": error: " in done.stderr and "Traceback" not in done.stderr and "usage:" not in done.stderr
    assert done.stdout == ""
