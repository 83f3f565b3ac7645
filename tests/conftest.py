"""Shared fixtures: the project's data folder and throw-away copies of it to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from labor_analysis.paths import PROJECT_ROOT


@pytest.fixture(scope="session")
def project_data_dir() -> Path:
    """The project's own data/ folder (read only: never write into it)."""
    return PROJECT_ROOT / "data"


@pytest.fixture
def data_copy(tmp_path: Path, project_data_dir: Path) -> Path:
    """A private copy of data/ in a temporary folder, for tests that edit or break the data."""
    target = tmp_path / "data"
    shutil.copytree(project_data_dir, target)
    return target
