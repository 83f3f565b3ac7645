"""A fixed sample of the folder fuzzer (tools/fuzz_folders.py): no mutated folder gives a traceback or slips a
wrong value through; the full fuzzer runs hundreds of cases from the command line."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest
from folders import add_nlrb_ballots, append_rows, stage_rows

from labor_analysis.paths import PROJECT_ROOT


def _fuzzer():
    spec = importlib.util.spec_from_file_location("fuzz_folders", PROJECT_ROOT / "tools" / "fuzz_folders.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def fuzzer():
    return _fuzzer()


@pytest.fixture(scope="module")
def rich_folder(tmp_path_factory: pytest.TempPathFactory, project_data_dir: Path) -> Path:
    """The project's data with two real multi-union NLRB ballots and an election with revised tallies."""
    folder = tmp_path_factory.mktemp("rich") / "data"
    shutil.copytree(project_data_dir, folder)
    add_nlrb_ballots(folder)
    append_rows(
        folder,
        "elections",
        [
            {
                "election_id": "bhm1-2025",
                "employer": "Amazon.com Services LLC",
                "facility": "BHM1",
                "union": "RWDSU",
                "count_date": "2025-02-01",
                "eligible_voters": "6000",
                "kind": "rerun",
                "source_id": "nlrb-case-10-RC-269250",
            }
        ],
    )
    source = "nlrb-case-10-RC-269250"
    append_rows(
        folder,
        "tallies",
        stage_rows("bhm1-2025", "initial", 900, 800, 5, 100, source)
        + stage_rows("bhm1-2025", "revised-1", 950, 810, 5, 20, source)
        + stage_rows("bhm1-2025", "final", 960, 815, 5, 0, source),
    )
    return folder


@pytest.mark.parametrize("base", ["project", "rich"])
def test_fuzzed_folders_load_or_give_one_clear_message(
    fuzzer, base: str, project_data_dir: Path, rich_folder: Path
) -> None:
    folder = project_data_dir if base == "project" else rich_folder
    outcomes, counts = fuzzer.fuzz(folder, cases=30, seed=7 if base == "project" else 4000, cli=3)
    failures = [f"{'; '.join(o.mutations)}\n{o.detail}" for o in outcomes if o.kind == "failed"]
    assert not failures, "\n\n".join(failures)
    assert counts["rejected"] > 0 and counts["accepted"] + counts["rejected"] == 30


def test_the_breach_checker_sees_wrong_values(fuzzer, project_data_dir: Path) -> None:
    """The fuzzer's own check of loaded values would notice a wrong value accepted."""
    from labor_analysis import load

    ds = load(project_data_dir)
    assert fuzzer.contract_breaches(ds) == []
    ds.tallies.loc[0, "ballots"] = 10**9
    ds.sources.loc[0, "url"] = "javascript:alert(1)"
    breaches = fuzzer.contract_breaches(ds)
    assert any("tallies.ballots" in b for b in breaches) and any("sources.url" in b for b in breaches)


def _trust_fuzzer():
    sys.path.insert(0, str(PROJECT_ROOT / "tools"))
    import fuzz_trust

    return fuzz_trust


@pytest.mark.parametrize(("family", "seed"), [("nlrb-foia", 11), ("nlrb-csv", 23), ("scenario", 5)])
def test_a_fixed_sample_of_imports_and_scenarios(fuzzer, tmp_path: Path, family: str, seed: int) -> None:
    """import-nlrb on mutated files of both formats, and scenario on random arguments (issue #21): each case a
    folder that validates, or one clear refusal with nothing written; scenario within 500 MB (its time is judged by
    `tools/fuzz_folders.py --family scenario`, not in the suite)."""
    trust = _trust_fuzzer()
    outcomes = trust.fuzz(family, 25, seed, tmp_path, time_limit=None)  # time is measured by the tool, not here
    failures = [f"{'; '.join(o.mutations)}\n{o.detail}" for o in outcomes if o.kind == "failed"]
    assert not failures, "\n\n".join(failures)
    found = trust.counts(outcomes)
    assert found["accepted"] > 0 and found["rejected"] > 0


@pytest.mark.slow
def test_a_fixed_sample_of_interrupted_charts(fuzzer, tmp_path: Path) -> None:
    """charts stopped by SIGINT, SIGTERM or SIGKILL after a correction never leave two data versions published."""
    trust = _trust_fuzzer()
    outcomes = trust.fuzz("charts-interrupt", 3, 0, tmp_path)
    failures = [f"{'; '.join(o.mutations)}\n{o.detail}" for o in outcomes if o.kind == "failed"]
    assert not failures, "\n\n".join(failures)
