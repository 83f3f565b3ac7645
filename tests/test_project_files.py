"""The project's own records agree with pyproject.toml: citation, changelog, and the README points to them."""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import settings

from labor_analysis.paths import PROJECT_ROOT

tomllib = pytest.importorskip("tomllib")

VERSION = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def test_citation_is_cff_1_2_for_this_version() -> None:
    text = (PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r"^cff-version: 1\.2\.0$", text, flags=re.MULTILINE)
    assert re.findall(r"^version: (\S+)$", text, flags=re.MULTILINE) == [VERSION]
    for key in ("message", "title", "authors", "license"):
        assert re.search(rf"^{key}:", text, flags=re.MULTILINE), key


def test_citation_parses_as_yaml() -> None:
    yaml = pytest.importorskip("yaml")  # PyYAML comes with pre-commit (the dev extra)
    citation = yaml.safe_load((PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["authors"] and all("name" in a or "family-names" in a for a in citation["authors"])
    assert [reference["type"] for reference in citation["references"]] == ["data"]


def test_changelog_has_unreleased_and_this_version() -> None:
    headings = re.findall(r"^## \[([^\]]+)\]", (PROJECT_ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), re.M)
    assert headings[0] == "Unreleased"
    assert VERSION in headings


@pytest.mark.parametrize("name", ["CHANGELOG.md", "CITATION.cff", "data/CORRECTIONS.md", ".pre-commit-config.yaml"])
def test_readme_points_to_the_project_records(name: str) -> None:
    assert (PROJECT_ROOT / name).is_file()
    assert name in (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_ci_runs_the_property_tests_derandomized() -> None:
    """A red CI is reproducible: `make test` (and any run with CI set) loads the derandomized 'ci' profile."""
    assert settings.get_profile("ci").derandomize and settings.get_profile("ci").database is None
    make_test = re.search(r"^test:.*\n((?:\t.*\n)+)", (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert make_test and "HYPOTHESIS_PROFILE=ci " in make_test.group(1)
    if os.environ.get("HYPOTHESIS_PROFILE") == "ci" or os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        assert settings.default.derandomize
