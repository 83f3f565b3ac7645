"""Shared fixtures: the project's data folder and throw-away copies of it to break; and the hypothesis profile."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from labor_analysis.paths import PROJECT_ROOT

#: CI (`make test`, or CI set in the environment) runs the property tests derandomized: the same examples on every
#: run and machine, so a red CI is reproduced by running it again; no example database carried between runs.
#: Elsewhere they search randomly, as a developer's exploration should. HYPOTHESIS_PROFILE chooses either.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev")
_IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if _IN_CI else "dev"))


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
