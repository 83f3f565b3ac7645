"""The rerun engine: parameter injection, the input cache, failure reports and the command line, on tiny notebooks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from labor_analysis import paths, rerun as engine
from labor_analysis.cli import main

CONSOLE_SCRIPT = Path(sys.executable).with_name("labor-analysis")


def write_notebook(path: Path, cells: list[str], parameters: bool = True) -> Path:
    """A notebook of code cells; the first is tagged `parameters` when asked."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    if parameters:
        nb.cells[0].metadata["tags"] = ["parameters"]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


REPORTING_CELL = (
    "import json, os, sys\n"
    "print('REPORT ' + json.dumps({'executable': sys.executable, 'cwd': os.getcwd(), 'data_dir': data_dir,"
    " 'env': os.environ['LABOR_ANALYSIS_DATA']}))"
)


@pytest.fixture
def tiny(tmp_path: Path) -> dict[str, Path]:
    """Three throw-away notebooks (two good, one raising in its third cell), a tiny data folder and an output folder."""
    nb_dir = tmp_path / "nbs"
    data = tmp_path / "data"
    data.mkdir()
    (data / "tallies.csv").write_text("election_id,ballots\nx,1\n", encoding="utf-8")
    return {
        "good": write_notebook(nb_dir / "good.ipynb", ["data_dir = None", REPORTING_CELL]),
        "bad": write_notebook(nb_dir / "bad.ipynb", ["data_dir = None", "x = 1", "1 / 0", "print('never')"]),
        "plain": write_notebook(nb_dir / "plain.ipynb", ["print('no parameters cell')"], parameters=False),
        "data": data,
        "out": tmp_path / "out",
    }


def report_of(executed: Path) -> dict:
    """The JSON line the reporting cell printed in an executed notebook."""
    nb = nbformat.read(executed, as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("name") == "stdout" and output["text"].startswith("REPORT "):
                return json.loads(output["text"].removeprefix("REPORT "))
    raise AssertionError(f"no report in {executed}")


# --- pure parts: no kernel -------------------------------------------------------------------------------------


def test_injected_cell_follows_the_parameters_cell_and_assigns_every_parameter(tiny):
    nb = nbformat.read(tiny["good"], as_version=4)
    index = engine.inject_parameters(nb, {"data_dir": "/d", "election_id": "bhm1-2021"})
    assert index == 1
    cell = nb.cells[1]
    assert cell.metadata["tags"] == [engine.INJECTED_TAG]
    namespace: dict = {}
    exec(cell.source, namespace)
    assert namespace["data_dir"] == "/d" and namespace["election_id"] == "bhm1-2021"
    assert nb.cells[0].source == "data_dir = None"  # the defaults stay visible above


def test_without_a_parameters_cell_the_parameters_go_first(tiny):
    nb = nbformat.read(tiny["plain"], as_version=4)
    assert engine.inject_parameters(nb, {"data_dir": "/d"}) == 0
    assert nb.cells[0].metadata["tags"] == [engine.INJECTED_TAG]


@pytest.mark.parametrize(("executed_index", "injected_index", "stored"), [(0, 1, 1), (2, 1, 2), (3, 1, 3), (1, 1, None), (None, 1, None)])
def test_failing_cell_is_numbered_as_in_the_stored_notebook(executed_index, injected_index, stored):
    assert engine._stored_position(executed_index, injected_index) == stored


def test_input_key_changes_with_every_input_and_only_then(tiny):
    params = {"data_dir": str(tiny["data"])}
    key = engine.input_key(tiny["good"], tiny["data"], params)
    assert engine.input_key(tiny["good"], tiny["data"], dict(params)) == key
    assert engine.input_key(tiny["good"], tiny["data"], {**params, "election_id": "x"}) != key
    assert engine.input_key(tiny["bad"], tiny["data"], params) != key
    (tiny["data"] / "tallies.csv").write_text("election_id,ballots\nx,2\n", encoding="utf-8")
    assert engine.input_key(tiny["good"], tiny["data"], params) != key
    (tiny["data"] / "tallies.csv").write_text("election_id,ballots\nx,1\n", encoding="utf-8")
    assert engine.input_key(tiny["good"], tiny["data"], params) == key
    (tiny["data"] / "new.csv").write_text("a\n", encoding="utf-8")
    assert engine.input_key(tiny["good"], tiny["data"], params) != key


def test_notebooks_are_found_by_name_or_path(tiny):
    everything = engine.find_notebooks()
    assert everything == sorted(paths.notebooks_dir().glob("*.ipynb"))
    assert engine.find_notebooks([tiny["good"]]) == [tiny["good"].resolve()]
    for stored in everything:
        assert engine.find_notebooks([stored.stem]) == [stored]
        assert engine.find_notebooks([stored.name]) == [stored]
    with pytest.raises(engine.UnknownNotebookError, match="no-such-notebook"):
        engine.find_notebooks(["no-such-notebook"])


def test_cli_rejects_unknown_notebooks_and_bad_job_counts(tiny, capsys):
    assert main(["rerun", "--out", str(tiny["out"]), "no-such-notebook"]) == 2
    assert "no-such-notebook" in capsys.readouterr().err
    assert main(["rerun", "--out", str(tiny["out"]), "--jobs", "0", str(tiny["good"])]) == 2
    assert "--jobs" in capsys.readouterr().err
    assert main(["rerun", "--out", str(tiny["out"]), "--data-dir", str(tiny["out"] / "missing"), str(tiny["good"])]) == 2
    assert not tiny["out"].exists()
    inside_data = tiny["data"] / "reports"
    assert main(["rerun", "--data-dir", str(tiny["data"]), "--out", str(inside_data), str(tiny["good"])]) == 2
    assert "data folder" in capsys.readouterr().err
    assert not inside_data.exists()


def test_the_cache_file_is_read_back_and_tolerates_garbage(tmp_path):
    assert engine.read_cache(tmp_path) == {}
    (tmp_path / engine.CACHE_FILE).write_text("{not json", encoding="utf-8")
    assert engine.read_cache(tmp_path) == {}


# --- with kernels -----------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_rerun_runs_reports_failures_and_skips_unchanged_notebooks(tiny):
    notebooks = [tiny["good"], tiny["bad"], tiny["plain"]]
    first = {r.name: r for r in engine.rerun(notebooks, tiny["data"], tiny["out"], jobs=2)}

    assert first["good"].status == engine.RAN and first["plain"].status == engine.RAN
    bad = first["bad"]
    assert bad.status == engine.FAILED and not bad.ok
    assert bad.failure.cell == 3
    assert bad.failure.error_name == "ZeroDivisionError"
    assert "division by zero" in bad.failure.error_message
    assert "cell 3" in bad.failure.describe()
    for result in first.values():  # the failing notebook's partial output is written too
        assert result.notebook_out.is_file() and result.html_out.is_file()
    executed_bad = nbformat.read(bad.notebook_out, as_version=4)
    assert any(o.get("output_type") == "error" for c in executed_bad.cells for o in c.get("outputs", []))
    assert "ZeroDivisionError" in bad.html_out.read_text(encoding="utf-8")
    assert "1 / 0" not in bad.html_out.read_text(encoding="utf-8")  # editors' report hides the code

    report = report_of(first["good"].notebook_out)
    assert Path(report["executable"]) == Path(sys.executable)  # the kernel is the project's interpreter
    assert Path(report["cwd"]) == tiny["good"].parent  # relative paths behave as in Jupyter
    assert report["data_dir"] == str(tiny["data"].resolve()) == report["env"]

    index = (tiny["out"] / engine.INDEX_FILE).read_text(encoding="utf-8")
    assert all(f'href="{name}.html"' in index for name in first)
    assert "FAILED" in index

    second = {r.name: r.status for r in engine.rerun(notebooks, tiny["data"], tiny["out"], jobs=2)}
    assert second == {"good": engine.SKIPPED, "plain": engine.SKIPPED, "bad": engine.FAILED}

    (tiny["data"] / "tallies.csv").write_text("election_id,ballots\nx,3\n", encoding="utf-8")
    third = {r.name: r.status for r in engine.rerun([tiny["good"]], tiny["data"], tiny["out"], jobs=1)}
    assert third == {"good": engine.RAN}
    forced = {r.name: r.status for r in engine.rerun([tiny["good"]], tiny["data"], tiny["out"], force=True)}
    assert forced == {"good": engine.RAN}


@pytest.mark.slow
def test_cli_exits_non_zero_naming_the_failing_cell_while_the_others_run(tiny):
    cmd = [str(CONSOLE_SCRIPT), "rerun", "--data-dir", str(tiny["data"]), "--out", str(tiny["out"]),
           str(tiny["good"]), str(tiny["bad"])]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=tiny["good"].parent)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("ran") and "good" in line for line in lines)
    assert any(line.startswith("FAILED") and "bad" in line and "cell 3" in line and "ZeroDivisionError" in line for line in lines)
    assert str(tiny["out"] / engine.INDEX_FILE) in done.stdout
    assert (tiny["out"] / "good.html").is_file() and (tiny["out"] / "bad.html").is_file()
    assert "notebooks" in done.stderr  # the progress bar

    again = subprocess.run(cmd[:-1], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert "skipped  good  (unchanged)" in again.stdout
