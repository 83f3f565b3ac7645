"""The dispatcher: every bad argument gets one line naming its subcommand and exit status 2; --help still works."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from labor_analysis.cli import SUBCOMMANDS, main

CONSOLE_SCRIPT = Path(sys.executable).with_name("labor-analysis")


@pytest.mark.parametrize(
    "argv, line",
    [
        (
            ["scenario", "--yes", "abc"],
            "labor-analysis scenario: error: argument --yes: not a whole number in digits alone (no sign, space, "
            "decimal point, exponent or separator): 'abc'",
        ),
        (
            ["summary", "--format", "xml"],
            "labor-analysis summary: error: argument --format: invalid choice: 'xml' "
            "(choose from 'table', 'csv', 'json')",
        ),
        (["charts", "--jobs", "many"], "labor-analysis charts: error: argument --jobs: invalid int value: 'many'"),
        (["validate", "--colour"], "labor-analysis validate: error: unrecognized arguments: --colour"),
        (["summary", "--format", "csv", "extra"], "labor-analysis summary: error: unrecognized arguments: extra"),
        (["scenario", "--data-dir"], "labor-analysis scenario: error: argument --data-dir: expected one argument"),
        ([], "labor-analysis: error: the following arguments are required: COMMAND"),
        (
            ["tally"],
            "labor-analysis: error: argument COMMAND: invalid choice: 'tally' (choose from "
            + ", ".join(f"'{name}'" for name in SUBCOMMANDS)
            + ")",
        ),
    ],
    ids=[
        "bad-int",
        "bad-choice",
        "bad-jobs",
        "unknown-option",
        "extra-argument",
        "missing-value",
        "missing-subcommand",
        "unknown-subcommand",
    ],
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
        if name == "import-nlrb":  # reads no data folder: its --data-dir only names one to keep out of (#21)
            assert "LABOR_ANALYSIS_DATA" not in out and "never write into" in out
            continue
        assert "default: $LABOR_ANALYSIS_DATA, else the project's data/" in out, name


@pytest.mark.parametrize(
    "argv",
    [["scenario", "--yes", "abc"], ["summary", "--bogus"], []],
    ids=["bad-value", "unknown-option", "missing-subcommand"],
)
def test_console_script_reports_one_line_without_traceback(argv):
    done = subprocess.run([str(CONSOLE_SCRIPT), *argv], capture_output=True, text=True)
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith("labor-analysis")
    assert ": error: " in done.stderr and "Traceback" not in done.stderr and "usage:" not in done.stderr
    assert done.stdout == ""


def test_version_comes_from_the_package_metadata(capsys):
    from importlib.metadata import version

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"labor-analysis {version('labor-analysis')}\n"


def test_python_dash_m_runs_the_command_line():
    done = subprocess.run([sys.executable, "-m", "labor_analysis", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("labor-analysis ")
    done = subprocess.run([sys.executable, "-m", "labor_analysis", "tally"], capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.startswith("labor-analysis: error: argument COMMAND")


@pytest.mark.parametrize(
    "argv",
    [["validate"], ["summary"], ["charts"], ["rerun"], ["scenario", "--election", "x"]],
    ids=lambda argv: argv[0],
)
def test_a_missing_data_folder_gets_the_same_words_from_every_command(argv, tmp_path, capsys):
    missing = tmp_path / "nowhere"
    assert main([*argv, "--data-dir", str(missing)]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"labor-analysis {argv[0]}: error: data folder not found: {missing}\n"
    assert captured.out == "" and not missing.exists()


def test_the_environment_variable_gets_the_same_words(tmp_path):
    missing = tmp_path / "nowhere"
    env = {**os.environ, "LABOR_ANALYSIS_DATA": str(missing)}
    for command in ("validate", "charts"):
        done = subprocess.run([str(CONSOLE_SCRIPT), command], capture_output=True, text=True, env=env)
        assert done.returncode == 2
        assert done.stderr == f"labor-analysis {command}: error: data folder not found: {missing}\n"


@pytest.mark.parametrize("argv", [["validate"], ["summary"], ["summary", "--format", "csv"]], ids=" ".join)
def test_a_closed_pipe_ends_the_command_quietly(argv):
    """`labor-analysis validate | head -2`: the reader is gone before the output is written."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run([str(CONSOLE_SCRIPT), *argv], stdout=write_end, stderr=subprocess.PIPE, text=True)
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == 1  # as Python's documentation advises for EPIPE


def test_keeping_freed_memory_is_harmless_wherever_it_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """On glibc it tunes the allocator; without a C library or without mallopt it does nothing, silently."""
    import ctypes

    from labor_analysis.cli import keep_freed_memory

    keep_freed_memory()  # this machine's C library
    for failure in (OSError("no C library"), TypeError("Windows: no default library"), AttributeError("mallopt")):

        def unavailable(*args: object, failure: Exception = failure) -> object:
            raise failure

        monkeypatch.setattr(ctypes, "CDLL", unavailable)
        keep_freed_memory()
