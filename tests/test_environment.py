"""pyproject.toml and environment.yml describe the same environment: same packages, same groups, same versions.

environment.yml lists every group `make` installs, each under a comment naming it: `# core` for [project]
dependencies and `# extra: NAME` for each optional-dependencies extra. An extra that includes another
(`labor-analysis[notebooks]`) lists only its own packages there. The pre-commit hooks pin the dev extra's tools.
"""

from __future__ import annotations

import re

import pytest

from labor_analysis.paths import PROJECT_ROOT

tomllib = pytest.importorskip("tomllib")

PROJECT_NAME = "labor-analysis"
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*?)\s*$")
GROUP_HEADING = re.compile(r"^  # (core|extra: ([a-z0-9-]+))\s*$")


def normalise(name: str) -> str:
    """A package name compared the way pip compares them (case, `-`, `_` and `.` do not matter)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse(requirement: str) -> tuple[str, str]:
    """(normalised name, version specifier without spaces) of one requirement string."""
    found = REQUIREMENT.match(requirement)
    assert found, requirement
    return normalise(found.group(1)), found.group(3).replace(" ", "")


def pyproject() -> dict:
    return tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def pyproject_groups() -> dict[str, dict[str, str]]:
    """'core' and each extra's name -> {package: specifier}, leaving out the project's own extras it includes."""
    project = pyproject()
    groups = {"core": dict(parse(r) for r in project["dependencies"])}
    for extra, requirements in project.get("optional-dependencies", {}).items():
        groups[extra] = dict(p for p in map(parse, requirements) if p[0] != PROJECT_NAME)
    return groups


def environment_groups() -> tuple[dict[str, dict[str, str]], str]:
    """The conda packages of environment.yml by group (its top-level `dependencies` list), and its python."""
    groups: dict[str, dict[str, str]] = {}
    python = ""
    group: str | None = None
    in_dependencies = False
    for line in (PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        heading = GROUP_HEADING.match(line)
        if heading and in_dependencies:
            group = heading.group(2) or "core"
            groups.setdefault(group, {})
            continue
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
            assert group is not None, f"{name} in environment.yml is not under a group heading"
            groups[group][name] = spec
    return groups, python


def test_same_groups_packages_and_versions() -> None:
    assert environment_groups()[0] == pyproject_groups()


def test_same_python() -> None:
    assert pyproject()["requires-python"].replace(" ", "") == environment_groups()[1]


def test_environment_installs_the_package_itself() -> None:
    text = (PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8")
    assert re.search(r"^\s+- (--editable|-e) \.\s*$", text, flags=re.MULTILINE)


def test_core_has_no_jupyter() -> None:
    """The library installs without the notebook stack: that comes with the notebooks and lab extras."""
    assert not {"jupyter", "jupyterlab", "notebook", "nbclient", "nbconvert", "ipykernel"} & set(
        pyproject_groups()["core"]
    )


def test_pre_commit_hooks_pin_the_dev_extra() -> None:
    """The hooks install the very ruff and nbstripout that `make lint` and the dev extra use."""
    config = (PROJECT_ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    pins = dict(parse(p) for p in re.findall(r'additional_dependencies: \["([^"]+)"\]', config))
    dev = pyproject_groups()["dev"]
    assert pins, "no pinned hook found in .pre-commit-config.yaml"
    assert {name: dev.get(name) for name in pins} == pins
