"""`labor-analysis charts` publishes atomically (issue #21, reproducer 10): the gallery, its index and every chart
file describe one run of one data version, whatever interrupts the run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from labor_analysis.publish import staged, staging_prefix

CLI = str(Path(sys.executable).with_name("labor-analysis"))
QUICK = ["--format", "svg", "--size", "web", "--election", "jfk8-2022", "--jobs", "1"]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.name != ".labor-analysis.lock"
    }


def _made(folder: Path) -> set[str]:
    listed = folder / "listed.json"
    return set(json.loads(listed.read_text())) | {"listed.json"} if listed.exists() else set()


def test_a_finished_run_replaces_the_previous_one_and_keeps_files_no_run_made(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "old-chart.svg").write_text("old")
    (out / "listed.json").write_text(json.dumps(["old-chart.svg"]))
    (out / "notes.txt").write_text("mine")
    (out / "mine").mkdir()
    (out / "mine" / "draft.txt").write_text("mine too")
    with staged(out, _made) as staging:
        (staging / "new-chart.svg").write_text("new")
        (staging / "listed.json").write_text(json.dumps(["new-chart.svg"]))
        assert _snapshot(out)["old-chart.svg"] == b"old"  # nothing is published before the run ends
    assert sorted(p.name for p in out.iterdir()) == ["listed.json", "mine", "new-chart.svg", "notes.txt"]
    assert (out / "mine" / "draft.txt").read_text() == "mine too"
    assert list(tmp_path.glob(staging_prefix(out) + "*")) == []


def test_a_failed_run_leaves_the_previous_one_whole(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "chart.svg").write_text("old")
    before = _snapshot(out)
    with pytest.raises(KeyboardInterrupt), staged(out, _made) as staging:
        (staging / "chart.svg").write_text("half")
        raise KeyboardInterrupt
    assert _snapshot(out) == before and list(tmp_path.glob(staging_prefix(out) + "*")) == []


def test_a_killed_runs_staging_folder_is_removed_by_the_next_run(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    left = tmp_path / f"{staging_prefix(out)}99999"
    left.mkdir()
    (left / "half.svg").write_text("half")
    with staged(out, _made) as staging:
        (staging / "chart.svg").write_text("new")
    assert not left.exists() and (out / "chart.svg").read_text() == "new"


def _jfk8_yes(out: Path) -> set[str]:
    """JFK8's yes count in every chart CSV that holds it."""
    found = set()
    for name in ("vote-shares-all.csv", "vote-shares-jfk8-2022.csv"):
        for line in (out / name).read_text().splitlines():
            if line.startswith("jfk8-2022,"):
                found |= {cell for cell in line.split(",") if cell in ("2654", "2700")}
    return found


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["SIGINT", "SIGTERM", "SIGKILL"])
def test_an_interrupted_run_after_a_correction_never_mixes_two_data_versions(data_copy, tmp_path, how):
    """The reproducer: after a correction of JFK8's yes count (2,654 to 2,700), a `charts` run stopped mid-way
    left index.html and index.json presenting charts of both versions."""
    out = tmp_path / "charts"
    argv = [CLI, "charts", "--data-dir", str(data_copy), "--out", str(out), *QUICK]
    subprocess.run(argv, check=True, capture_output=True)
    first = _snapshot(out)
    assert _jfk8_yes(out) == {"2654"}
    tallies = data_copy / "tallies.csv"
    tallies.write_text(tallies.read_text().replace("jfk8-2022,initial,yes,2654,", "jfk8-2022,initial,yes,2700,"))
    run = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while len(list(tmp_path.glob(f"{staging_prefix(out)}*/*.svg"))) < 3:
            assert time.monotonic() < deadline and run.poll() is None, "the run ended before it could be stopped"
            time.sleep(0.05)
        run.send_signal(how)
        code = run.wait(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
    assert code == (-signal.SIGKILL if how == signal.SIGKILL else 130)
    assert _snapshot(out) == first  # the whole previous run, nothing of the stopped one
    staging_left = list(tmp_path.glob(f"{staging_prefix(out)}*"))
    assert staging_left == [] or how == signal.SIGKILL
    subprocess.run(argv, check=True, capture_output=True)
    assert _jfk8_yes(out) == {"2700"} and list(tmp_path.glob(f"{staging_prefix(out)}*")) == []
    index = json.loads((out / "index.json").read_text())
    listed = {name for entry in index for name in entry["files"].values()}
    assert listed <= set(os.listdir(out))
