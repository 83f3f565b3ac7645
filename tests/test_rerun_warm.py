"""A fast rerun (issue 20): warm kernels that give a cold kernel's outputs, an unchanged rerun that imports
nothing heavy and validates nothing again, and an index page titled for the companies its reports are about."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from labor_analysis import paths, warm_kernels
from labor_analysis import rerun as engine

NOTEBOOK_01 = paths.notebooks_dir() / "01-jfk8-staten-island.ipynb"
NOTEBOOK_07 = paths.notebooks_dir() / "07-company-against-the-nation.ipynb"

#: What could tell a kernel forked from the server from a cold one, printed by a notebook.
STATE_CELL = """\
import os, sys, warnings
import matplotlib, pandas as pd
print(pd.get_option("display.max_columns"), matplotlib.get_backend())
print(os.getcwd(), sys.path.index("") < len(sys.path), os.path.basename(sys.argv[0]))
print(sorted(k for k in os.environ if k.startswith(("JPY_", "LABOR_ANALYSIS", "MPL"))))
print(os.environ["JPY_PARENT_PID"] == str(PARENT), len(warnings.filters) > 0)
print(get_ipython().__class__.__name__, [k for k in globals() if not k.startswith("_")][:12])
pd.DataFrame({f"a rather long column name {i}": [i * 1000] for i in range(12)})
"""
PARENT_CELL = "import json, os\nprint('PARENT ' + json.dumps(os.getppid()))"
#: Which data folders the kernel has kept loaded (`kept_data`): those of the server it was forked from.
KEPT_CELL = "from labor_analysis import kept_data\nprint('KEPT', sorted(str(folder) for folder in kept_data._KEPT))"


def _notebook(folder: Path, name: str, cells: list[str]) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nb.cells[0].metadata["tags"] = ["parameters"]
    path = folder / f"{name}.ipynb"
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def _kernel_parent(executed: Path) -> int:
    for cell in nbformat.read(executed, as_version=4).cells:
        for output in cell.get("outputs", []):
            if output.get("name") == "stdout" and output["text"].startswith("PARENT "):
                return int(json.loads(output["text"].removeprefix("PARENT ")))
    raise AssertionError(f"no PARENT line in {executed}")


@pytest.mark.slow
@pytest.mark.skipif(not warm_kernels.supported(), reason="kernels are forked on Linux only")
def test_a_warm_kernel_gives_a_cold_kernels_outputs_and_is_really_forked(tmp_path: Path, data_copy: Path) -> None:
    cells = [f"data_dir = None\nPARENT = {os.getpid()}", STATE_CELL, PARENT_CELL, KEPT_CELL]
    source = _notebook(tmp_path / "nbs", "state", cells)
    outputs = {}
    with warm_kernels.server([data_copy]) as server:
        assert server is not None
        for label, kernels in (("cold", None), ("warm", server.socket_path)):
            out = tmp_path / label
            job = engine.NotebookJob(source, out, data_copy, {"data_dir": str(data_copy)}, kernels=kernels)
            result = engine.execute_notebook(job)
            assert result.status == engine.RAN, result.failure
            outputs[label] = result
        server_pid = server.process.pid
    assert _kernel_parent(outputs["warm"].notebook_out) == server_pid  # forked by the server, not started cold
    assert _kernel_parent(outputs["cold"].notebook_out) == os.getpid()
    cold, warm = (nbformat.read(outputs[k].notebook_out, as_version=4) for k in ("cold", "warm"))
    cold_cells, warm_cells = cold.cells[:-2], warm.cells[:-2]  # the last cells printed the parents and kept data
    assert warm.cells[-1].outputs[0]["text"] == f"KEPT {[str(data_copy.resolve())]}\n"
    assert cold.cells[-1].outputs[0]["text"] == "KEPT []\n"
    assert [c.get("outputs") for c in warm_cells] == [c.get("outputs") for c in cold_cells]
    assert warm.metadata == cold.metadata
    assert "20 module://matplotlib_inline.backend_inline" in json.dumps(cold_cells[2].outputs)  # as in Jupyter


@pytest.mark.slow
@pytest.mark.skipif(not warm_kernels.supported(), reason="kernels are forked on Linux only")
def test_story_notebook_01_is_byte_identical_from_warm_and_cold_kernels(tmp_path: Path, project_data_dir: Path) -> None:
    reports = {}
    with warm_kernels.server([project_data_dir]) as server:  # the warm kernel's data kept loaded by the server
        assert server is not None
        for label, kernels in (("cold", None), ("warm", server.socket_path)):
            out = tmp_path / "out"  # the same folder (its path is in the injected cell): one after the other
            parameters = {"data_dir": str(project_data_dir), "charts_dir": str(out / "charts" / NOTEBOOK_01.stem)}
            result = engine.execute_notebook(
                engine.NotebookJob(NOTEBOOK_01, out, project_data_dir, parameters, "", kernels)
            )
            assert result.status == engine.RAN, result.failure
            reports[label] = {name: (out / name).read_bytes() for name in result.outputs}
    assert reports["warm"] == reports["cold"]  # executed notebook, HTML report and every chart file


def test_the_index_is_titled_for_the_companies_its_reports_are_about() -> None:
    assert engine.index_at(["Amazon", "Amazon"]) == " at Amazon"
    assert engine.index_at(["Starbucks"]) == " at Starbucks"
    assert engine.index_at(["Starbucks", "Amazon"]) == " at Amazon and Starbucks"
    assert engine.index_at(["Amazon", None]) == ""  # one report's company is not known: no company named
    assert engine.index_at(["A", "B", "C"]) == "" and engine.index_at([]) == ""


def test_a_report_is_about_its_company_parameter_else_the_data_folders_company() -> None:
    assert engine.notebook_defaults(NOTEBOOK_07)["company"] == "Starbucks"
    assert engine.report_subject(NOTEBOOK_07, {}, "Amazon") == "Starbucks"  # the notebook's default
    assert engine.report_subject(NOTEBOOK_07, {"company": "Amazon"}, "Amazon") == "Amazon"
    assert engine.report_subject(NOTEBOOK_01, {}, "Amazon") == "Amazon"  # about the data folder's elections
    assert engine.report_subject(NOTEBOOK_01, {"selection": {"company": ["Whole Foods"]}}, None) == "Whole Foods"
    assert engine.report_subject(NOTEBOOK_01, {}, None) is None


def test_the_index_of_notebook_07_run_for_starbucks_is_titled_at_starbucks(tmp_path: Path) -> None:
    (tmp_path / "07--starbucks.html").write_text("report", encoding="utf-8")
    about = engine.report_subject(NOTEBOOK_07, {"company": "Starbucks"}, "Amazon")
    page = engine.write_index(tmp_path, {"07--starbucks": {"status": engine.RAN, "about": about}}).read_text()
    assert "<title>Notebook reports: union elections at Starbucks</title>" in page


def _current_outputs(out: Path, source: Path, data: Path) -> None:
    """Outputs and a cache entry for `source` as a successful run of the current inputs leaves them."""
    name = source.stem
    parameters = {"data_dir": str(data), "charts_dir": str(out / "charts" / name)}
    out.mkdir(parents=True)
    outputs = {}
    for file in (f"{name}.ipynb", f"{name}.html"):
        (out / file).write_bytes(b"report of " + file.encode())
        outputs[file] = engine._sha256((out / file).read_bytes())
    key = engine.input_key(source, data, parameters)
    entry = {"key": key, "status": engine.RAN, "error": None, "seconds": 1.0, "outputs": outputs, "about": "Amazon"}
    (out / engine.CACHE_FILE).write_text(json.dumps({name: entry}), encoding="utf-8")
    engine.write_index(out, {name: entry})


def _python(script: str) -> str:
    """What `script` prints, run by this interpreter in a fresh process (which must succeed)."""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_an_unchanged_rerun_imports_nothing_heavy_and_writes_nothing(tmp_path: Path, data_copy: Path) -> None:
    out = tmp_path / "out"
    _current_outputs(out, NOTEBOOK_01, data_copy)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != ".labor-analysis.lock"}
    script = (
        "import sys\nfrom labor_analysis.cli import main\n"
        f"status = main(['rerun', '--data-dir', {str(data_copy)!r}, '--out', {str(out)!r}, {str(NOTEBOOK_01)!r}])\n"
        "heavy = ('pandas', 'numpy', 'matplotlib', 'nbclient', 'nbconvert', 'IPython')\n"
        "heavy = sorted(m for m in heavy if m in sys.modules)\n"
        "print('HEAVY', heavy, status)"
    )
    printed = _python(script)
    assert "skipped  01-jfk8-staten-island  (unchanged)" in printed
    assert "HEAVY [] 0" in printed
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != ".labor-analysis.lock"}
    assert after == before


def test_the_national_record_is_an_input_whatever_the_data_folder(tmp_path: Path, data_copy: Path) -> None:
    """Notebooks 06 and 07 read the national record wherever the data folder is: a change to it reruns them."""
    folders = dict(engine._national_folders(data_copy))
    assert folders["national"] == paths.national_dir().resolve()
    assert engine._national_folders(paths.PROJECT_ROOT / "data") == []  # inside the data folder: hashed with it


def test_the_jupyter_libraries_import_without_the_iri_grammars_and_still_validate_notebooks() -> None:
    """A forced rerun imports nbformat, nbclient and nbconvert without jsonschema's `iri` format checker (about
    1.2 s of lark grammars), and nbformat still validates: a good notebook passes and a broken one is refused."""
    script = (
        "import sys\nfrom labor_analysis.jupyter_libs import IRI_CHECKER, import_jupyter_libraries\n"
        "import_jupyter_libraries()\n"
        "import jsonschema, nbformat\n"
        "print('LOADED', sorted(m for m in ('nbformat', 'nbclient', 'nbconvert', IRI_CHECKER) if m in sys.modules))\n"
        "print('IRI', sorted(f for f in jsonschema.FormatChecker.checkers if 'iri' in f))\n"
        "nbformat.validate(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1 + 1')]))\n"
        "broken = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1 + 1')])\n"
        "broken.cells[0]['outputs'] = 'not a list'\n"
        "try:\n    nbformat.validate(broken)\nexcept nbformat.ValidationError:\n    print('REFUSED')\n"
        "import importlib.util\nprint('IMPORTABLE', importlib.util.find_spec(IRI_CHECKER) is not None)"
    )
    printed = _python(script)
    assert "LOADED ['nbclient', 'nbconvert', 'nbformat']" in printed
    assert "IRI []" in printed
    assert "REFUSED" in printed
    importable = importlib.util.find_spec("rfc3987_syntax") is not None
    assert f"IMPORTABLE {importable}" in printed


def test_a_kept_data_folder_is_served_as_a_copy_while_its_files_are_unchanged(
    data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the warm-kernel server loads before forking (`kept_data`) is what `load` returns, a copy each time,
    and the folder is read again once a file changes."""
    from pandas.testing import assert_frame_equal

    from labor_analysis import kept_data
    from labor_analysis.loading import load

    monkeypatch.setattr(kept_data, "_KEPT", {})
    fresh = load(data_copy)
    kept_data.keep_loaded([data_copy, data_copy / "no such folder"])
    assert list(kept_data._KEPT) == [data_copy.resolve()]
    served = load(data_copy)
    for name, frame in fresh.tables().items():
        assert_frame_equal(served.tables()[name], frame)
    served.elections.loc[:, "city"] = "changed"
    assert not (load(data_copy).elections["city"] == "changed").any()  # a copy: the kept one is untouched
    elections = data_copy / "elections.csv"
    elections.write_bytes(elections.read_bytes().replace(b"Bessemer", b"Bessemor", 1))
    assert kept_data.kept(data_copy.resolve()) is None
    assert "Bessemor" in set(load(data_copy).elections["city"])
