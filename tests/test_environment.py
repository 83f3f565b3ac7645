"""pyproject.toml and environment.yml describe the same environment: same packages, same version specifiers."""

from __future__ import annotations

import re

import pytest

from labor_analysis.paths import PROJECT_ROOT

tomllib = pytest.importorskip("tomllib")

REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*?)\s*$")


def normalise(name: str) -> str:
    """A package name compared the way pip compares them (case, `-`, `_` and `.` do not matter)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse(requirement: str) -> tuple[str, str]:
    """(normalised name, version specifier without spaces) of one requirement string."""
    found = REQUIREMENT.match(requirement)
    assert found, requirement
    return normalise(found.group(1)), found.group(3).replace(" ", "")


def pyproject_requirements() -> tuple[dict[str, str], str]:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = project["dependencies"] + [r for extra in project.get("optional-dependencies", {}).values() for r in extra]
    return dict(parse(r) for r in listed), project["requires-python"].replace(" ", "")


def environment_requirements() -> tuple[dict[str, str], str]:
    """The conda packages of environment.yml (its top-level `dependencies` list, not the pip section)."""
    packages: dict[str, str] = {}
    python = ""
    in_dependencies = False
    for line in (PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" "):
            in_dependencies = line.startswith("dependencies:")
            continue
        item = re.match(r"^  - (.+)$", line)  # two spaces: the conda list, not the nested pip list
        if not in_dependencies or item is None or item.group(1).rstrip().endswith(":"):
            continue
        name, spec = parse(item.group(1).split("#")[0])
        if name == "python":
            python = spec
        elif name != "pip":
            packages[name] = spec
    return packages, python


def test_same_packages_and_versions() -> None:
    from_pyproject, _ = pyproject_requirements()
    from_conda, _ = environment_requirements()
    assert from_conda == from_pyproject


def test_same_python() -> None:
    assert pyproject_requirements()[1] == environment_requirements()[1]


def test_environment_installs_the_package_itself() -> None:
    text = (PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8")
    assert re.search(r"^\s+- (--editable|-e) \.\s*$", text, flags=re.MULTILINE)
