"""The wheel: it ships the data and py.typed, installs the core library without Jupyter, and the CLI works there."""

from __future__ import annotations

import email
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import labor_analysis as la
from labor_analysis.extras import EXTRAS
from labor_analysis.paths import DATA_ENV, PROJECT_ROOT

tomllib = pytest.importorskip("tomllib")

pytestmark = pytest.mark.slow

#: What a checkout holds that the build reads (the rest of a clone is not needed to build a wheel).
BUILD_INPUTS = ("pyproject.toml", "README.md", "LICENSE", "labor_analysis", "data")
#: Distributions the notebook and lab extras bring; none of them may come with the core library.
NOT_IN_CORE = {"jupyterlab", "jupyter", "notebook", "nbclient", "nbconvert", "nbformat", "ipykernel", "ipywidgets"}


def snapshot(folder: Path) -> list[tuple[str, int]]:
    """Every file under `folder` with its size, to check that building wrote nothing there."""
    return sorted((str(p.relative_to(folder)), p.stat().st_size) for p in folder.rglob("*") if p.is_file())


def clean_env() -> dict[str, str]:
    """The environment without the data-folder override, so an installed copy falls back to its bundled data."""
    return {k: v for k, v in os.environ.items() if k not in (DATA_ENV, "PYTHONPATH", "VIRTUAL_ENV")}


@pytest.fixture(scope="module")
def source_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the checkout's build inputs, without caches or earlier outputs."""
    source = tmp_path_factory.mktemp("source")
    for name in BUILD_INPUTS:
        path = PROJECT_ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__", "bundled_data"))
        else:
            shutil.copy(path, source / name)
    return source


@pytest.fixture(scope="module")
def wheel(source_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from the copy the way pip builds one (isolated, with the declared build backend)."""
    before = snapshot(source_copy)
    wheels = tmp_path_factory.mktemp("wheels")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(wheels), str(source_copy)],
        check=True,
        capture_output=True,
        text=True,
    )
    assert snapshot(source_copy) == before, "building wrote into the project folder (build/, egg-info, ...)"
    [built] = wheels.glob("labor_analysis-*.whl")
    return built


def wheel_metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        [name] = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return email.message_from_bytes(archive.read(name))


def requirement_name(requirement: str) -> str:
    found = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert found, requirement
    return re.sub(r"[-_.]+", "-", found.group(0)).lower()


def test_wheel_ships_the_data_and_the_type_marker(wheel: Path, project_data_dir: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    bundled = {
        f"labor_analysis/bundled_data/{p.relative_to(project_data_dir).as_posix()}"
        for p in project_data_dir.rglob("*")
        if p.is_file()
    }
    assert bundled <= names
    assert "labor_analysis/py.typed" in names
    assert not [n for n in names if n.startswith(("data/", "tests/", "notebooks/")) or "__pycache__" in n]


def test_wheel_requires_only_the_core_and_offers_the_extras(wheel: Path) -> None:
    metadata = wheel_metadata(wheel)
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert metadata["Version"] == project["version"]
    core = {requirement_name(r) for r in metadata.get_all("Requires-Dist") or [] if "extra ==" not in r}
    assert core == {requirement_name(r) for r in project["dependencies"]}
    assert not core & NOT_IN_CORE
    assert set(metadata.get_all("Provides-Extra") or []) == set(project["optional-dependencies"])


def test_unpacked_wheel_loads_its_bundled_data(wheel: Path, tmp_path: Path, project_data_dir: Path) -> None:
    """Unpacked elsewhere, with no checkout around it, the package reads the copy of the data it carries."""
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    env = clean_env() | {"PYTHONPATH": str(site)}
    code = "import labor_analysis as la; ds = la.load(); print(la.__file__); print(ds.data_dir); print(len(ds.tallies))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    module, data_dir, rows = done.stdout.split()
    assert Path(module).is_relative_to(site)
    assert Path(data_dir) == (site / "labor_analysis" / "bundled_data").resolve()
    assert int(rows) == len(la.load(project_data_dir).tallies)
    national = "import labor_analysis as la; ds = la.national(); print(ds.data_dir); print(len(ds.elections))"
    done = subprocess.run(
        [sys.executable, "-c", national], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    national_dir, elections = done.stdout.split()
    assert Path(national_dir) == (site / "labor_analysis" / "bundled_data" / "national").resolve()
    assert int(elections) == len(la.national().elections)


def test_wheel_core_install_has_no_jupyter_and_its_command_line_works(wheel: Path, tmp_path: Path) -> None:
    """`pip install labor-analysis` in a fresh venv: the core dependencies only, and `summary` works there."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    env = clean_env()
    subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )

    listed = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "list", "--format", "freeze"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    installed = {requirement_name(line) for line in listed.splitlines() if line.strip()}
    assert not installed & NOT_IN_CORE
    assert not installed & {requirement_name(m) for m in EXTRAS["notebooks"]}

    cli = str(bin_dir / "labor-analysis")
    summary = subprocess.run([cli, "summary", "--format", "csv"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert summary.returncode == 0, summary.stderr
    assert "jfk8-2022" in summary.stdout

    rerun = subprocess.run([cli, "rerun"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert rerun.returncode == 2
    assert "labor-analysis[notebooks]" in rerun.stderr
    assert "Traceback" not in rerun.stderr and len(rerun.stderr.strip().splitlines()) == 1

    version = subprocess.run(
        [str(bin_dir / "python"), "-c", "import labor_analysis; print(labor_analysis.__version__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert version.stdout.strip() == la.__version__
