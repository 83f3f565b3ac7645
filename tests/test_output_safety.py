"""Output folders (issue #21, reproducers 4, 8, 9 and 11): no command writes into the project's `data/` or
`notebooks/` however the path is reached, nor into a folder holding a data folder it did not create."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from nlrb_synthetic import recent_row, write_recent

from labor_analysis.cli import main
from labor_analysis.paths import PROJECT_ROOT, check_output_dir

pytestmark = pytest.mark.skipif(PROJECT_ROOT is None, reason="needs a clone of the project")


@pytest.fixture
def nlrb_file(tmp_path: Path) -> Path:
    folder = tmp_path / "inputs"
    folder.mkdir()
    return write_recent(folder / "recent_2023-01-01.csv", [recent_row("06-RC-000001", "2021-01-05")])


def _project(*parts: str) -> Path:
    assert PROJECT_ROOT is not None
    return PROJECT_ROOT.joinpath(*parts)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    "reach",
    ["argument", "dotdot", "symlink", "symlinked-parent"],
)
@pytest.mark.parametrize("protected", ["data", "notebooks"])
def test_the_projects_data_and_notebooks_are_refused_however_reached(tmp_path, reach, protected):
    target = _project(protected)
    if reach == "argument":
        out = target / "x"
    elif reach == "dotdot":
        out = _project("build", "..", protected, "charts")
    elif reach == "symlink":
        out = tmp_path / "link"
        out.symlink_to(target)
    else:
        (tmp_path / "root").symlink_to(_project())
        out = tmp_path / "root" / protected / "new"
    with pytest.raises(
        ValueError,
        match=f"refusing to write charts into the {protected[:-1] if protected == 'notebooks' else protected}",
    ):
        check_output_dir(out, tmp_path / "other-data", "charts")


def test_charts_into_the_projects_data_with_another_data_folder_is_refused(data_copy, capsys):
    """Reproducer 8: `charts --out <project>/data/x --data-dir <a copy>` wrote into data/."""
    before = _snapshot(_project("data"))
    out = _project("data", "x")
    assert main(["charts", "--data-dir", str(data_copy), "--out", str(out)]) == 2
    assert "refusing to write charts into the data folder" in capsys.readouterr().err
    assert not out.exists() and _snapshot(_project("data")) == before


@pytest.mark.parametrize("command", ["charts", "rerun"])
def test_a_build_folder_in_the_projects_data_is_refused(data_copy, capsys, monkeypatch, command):
    """Reproducer 8: LABOR_ANALYSIS_BUILD=<project>/data sent `charts` and `rerun` into data/."""
    before = _snapshot(_project("data"))
    monkeypatch.setenv("LABOR_ANALYSIS_BUILD", str(_project("data")))
    assert main([command, "--data-dir", str(data_copy)]) == 2
    assert "into the data folder" in capsys.readouterr().err
    assert _snapshot(_project("data")) == before


def test_charts_refuse_a_folder_holding_a_data_folder(data_copy, tmp_path, capsys):
    """A folder holding a data folder's files is not the charts' to write into, even when it is not the one read."""
    other = tmp_path / "other"
    shutil.copytree(data_copy, other)
    before = _snapshot(other)
    assert main(["charts", "--data-dir", str(data_copy), "--out", str(other), "--format", "png"]) == 2
    assert "holds a data folder" in capsys.readouterr().err
    assert _snapshot(other) == before


def test_import_onto_a_hand_made_data_folder_needs_replace(data_copy, nlrb_file, capsys):
    """Reproducer 4: `import-nlrb --out DIR` replaced a hand-made data folder (the JFK8 rows gone)."""
    before = _snapshot(data_copy)
    assert b"jfk8-2022" in before["elections.csv"]
    assert main(["import-nlrb", str(nlrb_file), "--out", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert "holds a data folder" in err and len(err.splitlines()) == 1
    assert _snapshot(data_copy) == before
    assert main(["import-nlrb", str(nlrb_file), "--out", str(data_copy), "--replace"]) == 0
    capsys.readouterr()
    after = _snapshot(data_copy)
    assert b"jfk8-2022" not in after["elections.csv"] and b"06-rc-000001-2021" in after["elections.csv"]
    assert main(["validate", "--data-dir", str(data_copy)]) == 0


def test_import_never_replaces_the_projects_data(nlrb_file, capsys):
    before = _snapshot(_project("data"))
    for extra in ([], ["--replace"]):
        assert main(["import-nlrb", str(nlrb_file), "--out", str(_project("data")), *extra]) == 2
        assert "refusing to write the import into the data folder" in capsys.readouterr().err
    assert _snapshot(_project("data")) == before


@pytest.mark.parametrize("where", ["unset", "out", "elsewhere", "missing"])
def test_import_refusals_do_not_depend_on_labor_analysis_data(
    tmp_path, nlrb_file, data_copy, capsys, monkeypatch, where
):
    """Reproducer 9: whether the import refused an --out folder depended on LABOR_ANALYSIS_DATA."""
    new_out = tmp_path / "new"
    env = {"unset": None, "out": str(new_out), "elsewhere": str(data_copy), "missing": str(tmp_path / "nowhere")}
    if env[where] is None:
        monkeypatch.delenv("LABOR_ANALYSIS_DATA", raising=False)
    else:
        monkeypatch.setenv("LABOR_ANALYSIS_DATA", env[where])
    assert main(["import-nlrb", str(nlrb_file), "--out", str(new_out)]) == 0
    assert main(["import-nlrb", str(nlrb_file), "--out", str(data_copy)]) == 2
    assert main(["import-nlrb", str(nlrb_file), "--out", str(_project("data", "nlrb"))]) == 2
    capsys.readouterr()


@pytest.mark.parametrize("kind", ["devnull", "fifo"])
def test_validate_names_a_device_or_fifo_in_place_of_a_csv(data_copy, capsys, kind):
    """Reproducer 11: `/dev/null` or a FIFO as tallies.csv was "expected a file, found a folder"."""
    target = data_copy / "tallies.csv"
    target.unlink()
    if kind == "devnull":
        target.symlink_to("/dev/null")
    else:
        os.mkfifo(target)
    assert main(["validate", "--data-dir", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert "found a folder" not in err
    assert ("character device (such as /dev/null)" if kind == "devnull" else "named pipe (FIFO)") in err
