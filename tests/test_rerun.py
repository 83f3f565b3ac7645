"""The rerun engine: parameter injection, the input cache, failure reports and the command line, on tiny notebooks.

Then the failures of issue 8, each from its reproducer: bad data, a cache that could lie after an interrupted
run, a half-written report, an output folder in notebooks/, two runs into one folder, a run killed halfway
(SIGINT, SIGKILL), and reruns that must write byte-identical files.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from labor_analysis import output_lock, paths
from labor_analysis import rerun as engine
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
def tiny(tmp_path: Path, data_copy: Path) -> dict[str, Path]:
    """Three throw-away notebooks (two good, one raising in its third cell), valid data and an output folder."""
    nb_dir = tmp_path / "nbs"
    data = data_copy
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


@pytest.mark.parametrize(
    ("executed_index", "injected_index", "stored"), [(0, 1, 1), (2, 1, 2), (3, 1, 3), (1, 1, None), (None, 1, None)]
)
def test_failing_cell_is_numbered_as_in_the_stored_notebook(executed_index, injected_index, stored):
    assert engine._stored_position(executed_index, injected_index) == stored


def test_input_key_changes_with_every_input_and_only_then(tiny):
    params = {"data_dir": str(tiny["data"])}
    key = engine.input_key(tiny["good"], tiny["data"], params)
    assert engine.input_key(tiny["good"], tiny["data"], dict(params)) == key
    assert engine.input_key(tiny["good"], tiny["data"], {**params, "election_id": "x"}) != key
    assert engine.input_key(tiny["bad"], tiny["data"], params) != key
    tallies = tiny["data"] / "tallies.csv"
    original = tallies.read_bytes()
    tallies.write_bytes(original.replace(b"2654", b"2655"))
    assert engine.input_key(tiny["good"], tiny["data"], params) != key
    tallies.write_bytes(original)
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
    assert (
        main(["rerun", "--out", str(tiny["out"]), "--data-dir", str(tiny["out"] / "missing"), str(tiny["good"])]) == 2
    )
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
    assert "<title>Notebook reports: union elections at Amazon</title>" in index  # the data folder's company

    second = {r.name: r.status for r in engine.rerun(notebooks, tiny["data"], tiny["out"], jobs=2)}
    assert second == {"good": engine.SKIPPED, "plain": engine.SKIPPED, "bad": engine.FAILED}

    tallies = tiny["data"] / "tallies.csv"
    tallies.write_bytes(tallies.read_bytes().replace(b"2654", b"2656"))
    third = {r.name: r.status for r in engine.rerun([tiny["good"]], tiny["data"], tiny["out"], jobs=1)}
    assert third == {"good": engine.RAN}
    forced = {r.name: r.status for r in engine.rerun([tiny["good"]], tiny["data"], tiny["out"], force=True)}
    assert forced == {"good": engine.RAN}


@pytest.mark.slow
def test_cli_exits_non_zero_naming_the_failing_cell_while_the_others_run(tiny):
    cmd = [
        str(CONSOLE_SCRIPT),
        "rerun",
        "--data-dir",
        str(tiny["data"]),
        "--out",
        str(tiny["out"]),
        str(tiny["good"]),
        str(tiny["bad"]),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=tiny["good"].parent)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("ran") and "good" in line for line in lines)
    assert any(
        line.startswith("FAILED") and "bad" in line and "cell 3" in line and "ZeroDivisionError" in line
        for line in lines
    )
    assert str(tiny["out"] / engine.INDEX_FILE) in done.stdout
    assert (tiny["out"] / "good.html").is_file() and (tiny["out"] / "bad.html").is_file()
    assert "notebooks" in done.stderr  # the progress bar

    again = subprocess.run(cmd[:-1], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert "skipped  good  (unchanged)" in again.stdout


# --- issue 8: fail safely, before anything is written ---------------------------------------------------------


def test_bad_data_stops_before_any_kernel_with_one_message_and_old_reports_untouched(tiny, capsys):
    out = tiny["out"]
    out.mkdir()
    (out / "good.html").write_text("the last good report", encoding="utf-8")
    with open(tiny["data"] / "tallies.csv", "a", encoding="utf-8") as fh:
        fh.write("jfk8-2022,final,yes,lots,law360-2022-04-01,\n")
    assert main(["rerun", "--data-dir", str(tiny["data"]), "--out", str(out), str(tiny["good"]), str(tiny["bad"])]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("problem(s) in the data folder") == 1 and "tallies.csv" in captured.err
    assert captured.out == ""
    assert sorted(p.name for p in out.iterdir()) == ["good.html"]  # no kernel ran, nothing was written
    assert (out / "good.html").read_text(encoding="utf-8") == "the last good report"


def test_an_output_folder_in_notebooks_or_beside_the_notebook_is_refused(tiny, capsys):
    stored = paths.notebooks_dir()
    for out in (stored, stored / "reports", tiny["good"].parent):
        before = sorted(p.name for p in out.parent.iterdir())
        assert main(["rerun", "--data-dir", str(tiny["data"]), "--out", str(out), str(tiny["good"])]) == 2
        err = capsys.readouterr().err
        assert err.startswith("labor-analysis rerun: error: refusing to write notebook outputs")
        assert err.count("\n") == 1
        assert sorted(p.name for p in out.parent.iterdir()) == before
    assert not (stored / "reports").exists()


def test_a_second_run_into_the_same_folder_is_refused_clearly(tiny, capsys):
    with output_lock.claim_output_dir(tiny["out"]):
        assert main(["rerun", "--data-dir", str(tiny["data"]), "--out", str(tiny["out"]), str(tiny["good"])]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"labor-analysis rerun: error: another run is writing into {tiny['out']} (process {os.getpid()}); "
        "try again when it has finished\n"
    )


def test_the_lock_of_a_killed_run_is_released_and_its_temporary_files_removed(tmp_path):
    out = tmp_path / "out"
    script = (
        "import sys, time\nfrom pathlib import Path\nfrom labor_analysis.output_lock import claim_output_dir\n"
        "with claim_output_dir(Path(sys.argv[1])):\n    print('locked', flush=True)\n    time.sleep(60)"
    )
    holder = subprocess.Popen([sys.executable, "-c", script, str(out)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with (
            pytest.raises(output_lock.OutputFolderBusyError, match=f"process {holder.pid}"),
            output_lock.claim_output_dir(out),
        ):
            pass
        leftover = out / f".good.html.{holder.pid}.tmp"
        leftover.write_text("half a report", encoding="utf-8")
        (out / "notes.tmp").write_text("not ours", encoding="utf-8")
    finally:
        holder.kill()
        holder.wait()
    with output_lock.claim_output_dir(out):  # the OS released the lock when the process died
        assert not leftover.exists()
        assert (out / "notes.tmp").exists()  # only write_atomic's own temporary files are removed


def test_a_worker_forked_under_the_lock_does_not_keep_it(tmp_path):
    """A killed run's workers may live on for a moment; the folder must be free as soon as the run itself ends."""
    out = tmp_path / "out"
    with output_lock.claim_output_dir(out):
        child = os.fork()
        if child == 0:  # a worker: alive well after its parent let go of the lock
            time.sleep(5)
            os._exit(0)
    try:
        claim = [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from labor_analysis import output_lock; "
            "output_lock.claim_output_dir(Path(sys.argv[1])).__enter__(); print('claimed')",
            str(out),
        ]
        taken = subprocess.run(claim, capture_output=True, text=True, timeout=60)
        assert taken.stdout.strip() == "claimed", taken.stderr
        assert _alive(child)
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)


def _refuse_writes(monkeypatch, code: int) -> None:
    """Make the output folder unwritable the way a read-only or full disk does: os.open of the lock fails."""
    real_open = os.open

    def failing_open(path, *args, **kwargs):
        if str(path).endswith(output_lock.LOCK_FILE):
            raise OSError(code, os.strerror(code), str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(output_lock.os, "open", failing_open)


@pytest.mark.parametrize("code", [errno.EROFS, errno.ENOSPC, errno.EACCES])
def test_an_unwritable_output_folder_gets_one_message_and_exit_2(tiny, capsys, monkeypatch, code):
    _refuse_writes(monkeypatch, code)
    assert main(["rerun", "--data-dir", str(tiny["data"]), "--out", str(tiny["out"]), str(tiny["good"])]) == 2
    err = capsys.readouterr().err
    assert err == f"labor-analysis rerun: error: {os.strerror(code)}: {tiny['out'] / output_lock.LOCK_FILE}\n"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes into a read-only folder anyway")
def test_a_read_only_output_folder_gets_one_message_and_exit_2(tiny):
    tiny["out"].mkdir()
    tiny["out"].chmod(0o555)
    try:
        done = subprocess.run(
            [
                str(CONSOLE_SCRIPT),
                "rerun",
                "--data-dir",
                str(tiny["data"]),
                "--out",
                str(tiny["out"]),
                str(tiny["good"]),
            ],
            capture_output=True,
            text=True,
        )
    finally:
        tiny["out"].chmod(0o755)
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1 and "Permission denied" in done.stderr


def test_a_skip_needs_every_recorded_output_intact(tmp_path):
    out = tmp_path
    (out / "nb.ipynb").write_bytes(b"notebook")
    (out / "nb.html").write_bytes(b"report")
    (out / "charts").mkdir()
    (out / "charts" / "c.png").write_bytes(b"png")
    outputs = {name: engine._sha256((out / name).read_bytes()) for name in ("nb.ipynb", "nb.html", "charts/c.png")}
    entry = {"status": engine.RAN, "key": "k", "outputs": outputs}
    assert engine.outputs_current(out, "nb", entry, "k")
    assert not engine.outputs_current(out, "nb", entry, "other inputs")
    assert not engine.outputs_current(out, "nb", {**entry, "status": engine.FAILED}, "k")
    assert not engine.outputs_current(out, "nb", {"status": engine.RAN, "key": "k"}, "k")  # an older cache: no hashes
    assert not engine.outputs_current(out, "nb", {**entry, "outputs": {"nb.ipynb": outputs["nb.ipynb"]}}, "k")
    (out / "charts" / "c.png").write_bytes(b"pn")  # half written
    assert not engine.outputs_current(out, "nb", entry, "k")
    (out / "charts" / "c.png").unlink()
    assert not engine.outputs_current(out, "nb", entry, "k")


# --- issue 8: with kernels --------------------------------------------------------------------------------------


WIDGET_CELL = "import ipywidgets\nipywidgets.VBox([ipywidgets.IntSlider(value=3), ipywidgets.HTML('<b>x</b>')])"


@pytest.mark.slow
def test_unchanged_reruns_are_byte_identical_and_a_torn_report_is_redone(tiny):
    """Random cell and widget ids, timestamps and nbconvert's element ids must not change the files."""
    widgets = write_notebook(tiny["good"].parent / "widgets.ipynb", ["data_dir = None", WIDGET_CELL, REPORTING_CELL])
    first = engine.rerun([widgets], tiny["data"], tiny["out"], jobs=1)[0]
    assert first.status == engine.RAN
    saved = {p: p.read_bytes() for p in (first.notebook_out, first.html_out)}
    assert nbformat.read(first.notebook_out, as_version=4).metadata.get("widgets")
    forced = engine.rerun([widgets], tiny["data"], tiny["out"], jobs=1, force=True)[0]
    assert forced.status == engine.RAN
    assert {p: p.read_bytes() for p in saved} == saved

    first.html_out.write_bytes(saved[first.html_out][: len(saved[first.html_out]) // 2])  # a report torn in half
    again = engine.rerun([widgets], tiny["data"], tiny["out"], jobs=1)[0]
    assert again.status == engine.RAN
    assert first.html_out.read_bytes() == saved[first.html_out]
    assert engine.rerun([widgets], tiny["data"], tiny["out"], jobs=1)[0].status == engine.SKIPPED


@pytest.mark.slow
def test_reports_of_other_data_are_not_served_after_the_data_is_restored(tiny):
    """The reproducer: reports rewritten from changed data, the run stopped before its cache was written, the data
    restored. The cache still holds the key of the restored data, but the reports are not the ones it recorded."""
    data, out = tiny["data"], tiny["out"]
    nb = write_notebook(
        tiny["good"].parent / "margin.ipynb",
        [
            "data_dir = None",
            "from labor_analysis import analysis, load\n"
            "print(analysis.election_row(load(data_dir), 'jfk8-2022')['margin'])",
        ],
    )
    tallies = data / "tallies.csv"
    original = tallies.read_bytes()
    assert engine.rerun([nb], data, out, jobs=1)[0].status == engine.RAN
    cache_of_original_data = (out / engine.CACHE_FILE).read_bytes()
    report_of_original_data = (out / "margin.html").read_bytes()
    assert b"523" in report_of_original_data

    tallies.write_bytes(original.replace(b"2654", b"2754"))
    changed = engine.rerun([nb], data, out, jobs=1)[0]
    assert changed.status == engine.RAN and changed.html_out.read_bytes() != report_of_original_data
    (out / engine.CACHE_FILE).write_bytes(cache_of_original_data)  # what an interrupted run used to leave
    tallies.write_bytes(original)

    restored = engine.rerun([nb], data, out, jobs=1)[0]
    assert restored.status == engine.RAN  # not "skipped (unchanged)"
    assert restored.html_out.read_bytes() == report_of_original_data  # the margin of the data, not 623


SLEEP_FLAG = "SLEEP"
SLEEPY_CELL = (
    "import json, os, pathlib, time\n"
    "pathlib.Path('pids.json').write_text(json.dumps({'kernel': os.getpid(), 'parent': os.getppid()}))\n"
    f"while pathlib.Path({SLEEP_FLAG!r}).exists():\n"
    "    time.sleep(0.2)"
)


def _alive(pid: int) -> bool:
    """Whether `pid` is a running process (a zombie waiting for its parent counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")
@pytest.mark.parametrize("how", ["SIGINT", "SIGKILL"])
def test_a_run_killed_halfway_leaves_nothing_running_and_the_next_run_redoes_what_is_not_current(tiny, how):
    nb_dir, data, out = tiny["good"].parent, tiny["data"], tiny["out"]
    quick = write_notebook(nb_dir / "quick.ipynb", ["data_dir = None", "print('done')"])
    sleepy = write_notebook(nb_dir / "sleepy.ipynb", ["data_dir = None", SLEEPY_CELL])
    (nb_dir / SLEEP_FLAG).write_text("", encoding="utf-8")
    cmd = [
        str(CONSOLE_SCRIPT),
        "rerun",
        "--data-dir",
        str(data),
        "--out",
        str(out),
        "--jobs",
        "2",
        str(quick),
        str(sleepy),
    ]
    run = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        _wait_for(
            lambda: (nb_dir / "pids.json").exists() and "quick" in engine.read_cache(out),
            180,
            "the quick notebook to finish and the sleepy one to start",
        )
        pids = json.loads((nb_dir / "pids.json").read_text(encoding="utf-8"))
        worker, kernel = pids["parent"], pids["kernel"]

        second = subprocess.run(cmd, capture_output=True, text=True)  # two runs into one folder
        assert second.returncode == 2, second.stderr
        assert f"another run is writing into {out} (process {run.pid})" in second.stderr

        if how == "SIGINT":
            os.killpg(run.pid, signal.SIGINT)  # Ctrl-C in a terminal reaches the whole process group
            _, stderr = run.communicate(timeout=60)
            assert run.returncode == 130 and stderr.rstrip().endswith("interrupted") and "Traceback" not in stderr
        else:
            os.kill(run.pid, signal.SIGKILL)
            run.wait(timeout=10)
        _wait_for(lambda: not _alive(worker) and not _alive(kernel), 30, "the worker and its kernel to end")
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    assert list(out.rglob("*.tmp")) == [] or how == "SIGKILL"
    cache = engine.read_cache(out)
    assert cache["quick"]["status"] == engine.RAN and "sleepy" not in cache

    (nb_dir / SLEEP_FLAG).unlink()
    (nb_dir / "pids.json").unlink()
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "skipped  quick   (unchanged)" in done.stdout and "ran      sleepy" in done.stdout
    assert list(out.rglob("*.tmp")) == []
