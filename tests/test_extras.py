"""A command that needs an optional extra names the extra to install when it is missing, in one line."""

from __future__ import annotations

import sys

import pytest

from labor_analysis import cli
from labor_analysis.extras import EXTRAS, missing_extra


def test_nothing_missing_in_the_full_install() -> None:
    assert missing_extra("notebooks", "labor-analysis rerun") is None


def test_rerun_without_the_notebook_extra_names_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "nbclient", None)  # find_spec() answers None, as when it is not installed
    assert cli.main(["rerun"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "nbclient" in err and "pip install 'labor-analysis[notebooks]'" in err
    assert "nbconvert" not in err  # only what is really missing


def test_every_module_of_an_extra_is_declared_in_it() -> None:
    """The modules checked for an extra are the distributions pyproject.toml lists in it."""
    tomllib = pytest.importorskip("tomllib")
    from labor_analysis.paths import PROJECT_ROOT

    extras = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]
    for extra, modules in EXTRAS.items():
        declared = {requirement.split(">")[0].split("=")[0].split("[")[0].strip() for requirement in extras[extra]}
        assert set(modules) <= declared, extra
