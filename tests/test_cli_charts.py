"""`labor-analysis charts`: bad arguments, the gallery index and page, reproducible reruns."""

from __future__ import annotations

import errno
import html
import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import matplotlib
import pandas as pd
import pytest
from matplotlib.patches import Rectangle
from PIL import Image, ImageChops

from labor_analysis import export, load
from labor_analysis.charts import chart_specs
from labor_analysis.charts._base import stacked_label
from labor_analysis.cli import main
from labor_analysis.export import FORMATS, SIZE_PRESETS, ChartRecord, finalise
from labor_analysis.gallery import write_gallery
from labor_analysis.output_lock import LOCK_FILE
from labor_analysis.safe_csv import to_safe_csv_text


def _listing(folder):
    return sorted((p.relative_to(folder), p.stat().st_mtime_ns) for p in folder.rglob("*"))


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--format", "png,gif"], "unknown format gif"),
        (["--size", "poster"], "unknown size poster"),
        (["--format", ","], "unknown format"),
        (["--jobs", "0"], "--jobs must be at least 1"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(extra, message, tmp_path, capsys, project_data_dir):
    status = main(["charts", "--data-dir", str(project_data_dir), "--out", str(tmp_path / "out"), *extra])
    err = capsys.readouterr().err.strip()
    assert status == 2
    assert message in err and len(err.splitlines()) == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("inside", [".", "charts", "deeper/charts"])
def test_output_inside_the_data_folder_is_refused(inside, data_copy, capsys):
    before = _listing(data_copy)
    status = main(["charts", "--data-dir", str(data_copy), "--out", str(data_copy / inside)])
    assert status == 2
    assert "data folder" in capsys.readouterr().err
    assert _listing(data_copy) == before


def test_missing_data_folder_exits_2(tmp_path, capsys):
    status = main(["charts", "--data-dir", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")])
    assert status == 2
    missing = (tmp_path / "nowhere").resolve()
    assert capsys.readouterr().err == f"labor-analysis charts: error: data folder not found: {missing}\n"
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def web_export(tmp_path_factory, project_data_dir):
    """One in-process export of every chart as web PNG and SVG, shared by the tests below.

    Each figure the exporter renders is kept (slug -> Figure) to compare what is drawn with the CSV, and the
    export runs under the svg backend to show that it leaves the caller's matplotlib backend alone.
    """
    out = tmp_path_factory.mktemp("charts")
    drawn = {}

    def keep_figure(fig, **kwargs):
        drawn[kwargs["slug"]] = fig
        return finalise(fig, **kwargs)

    backend = matplotlib.get_backend()
    matplotlib.use("svg")
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(export, "finalise", keep_figure)  # every chart is written through it
            assert (
                main(
                    [
                        "charts",
                        "--data-dir",
                        str(project_data_dir),
                        "--out",
                        str(out),
                        "--format",
                        "png,svg",
                        "--size",
                        "web",
                        "--jobs",
                        "1",
                    ]
                )
                == 0
            )
        backend_after = matplotlib.get_backend()
    finally:
        matplotlib.use(backend)
    return SimpleNamespace(out=out, ds=load(project_data_dir), drawn=drawn, backend_after=backend_after)


def test_export_leaves_the_callers_matplotlib_backend_alone(web_export):
    assert web_export.backend_after == "svg"


def test_index_json_has_one_entry_per_chart_with_files_alt_text_and_sources(web_export):
    out, ds = web_export.out, web_export.ds
    entries = json.loads((out / "index.json").read_text())
    specs = chart_specs(ds)
    assert [e["slug"] for e in entries] == [s.slug for s in specs]
    for entry in entries:
        assert entry["files"] == {"web.png": f"{entry['slug']}-web.png", "web.svg": f"{entry['slug']}-web.svg"}
        assert all((out / name).is_file() for name in entry["files"].values())
        assert entry["headline"] and entry["headline"] in entry["alt_text"], entry["slug"]
        assert entry["headline"] in entry["title"], entry["slug"]
        assert entry["sources"] and entry["source_line"].startswith(("Source: ", "Sources: "))
        assert (out / entry["alt_text_file"]).read_text().strip() == entry["alt_text"]


def test_csv_beside_each_chart_is_its_plotted_data(web_export):
    for spec in chart_specs(web_export.ds):
        assert (web_export.out / f"{spec.slug}.csv").read_text() == to_safe_csv_text(spec.data), spec.slug


def bars_by_category(ax, horizontal: bool) -> dict[str, list[Rectangle]]:
    """The bars of `ax` grouped by the category tick they stand on (stacked bars share one), left or bottom first."""
    axis = ax.yaxis if horizontal else ax.xaxis
    ticks = {round(loc, 6): label.get_text() for loc, label in zip(axis.get_ticklocs(), axis.get_ticklabels())}
    bars: dict[str, list[Rectangle]] = {}
    for patch in ax.patches:
        if not isinstance(patch, Rectangle):
            continue
        centre = patch.get_y() + patch.get_height() / 2 if horizontal else patch.get_x() + patch.get_width() / 2
        if round(centre, 6) in ticks:
            bars.setdefault(ticks[round(centre, 6)], []).append(patch)
    for group in bars.values():
        group.sort(key=lambda p: p.get_x() if horizontal else p.get_y())
    return bars


def test_vote_shares_csv_gives_the_drawn_bar_widths(web_export):
    data = pd.read_csv(web_export.out / "vote-shares-all.csv")
    [ax] = web_export.drawn["vote-shares-all"].axes
    bars = bars_by_category(ax, horizontal=True)
    assert sorted(bars) == sorted(stacked_label(label) for label in data["label"])  # the axis stacks long names
    for row in data.itertuples():
        yes, no = bars[stacked_label(row.label)]
        assert yes.get_width() == pytest.approx(row.yes_share_pct) and yes.get_x() == 0, row.label
        assert no.get_width() == pytest.approx(row.no_share_pct), row.label
        assert no.get_x() == pytest.approx(row.yes_share_pct), row.label  # stacked: no starts where yes ends
        assert row.yes_share_pct == pytest.approx(100 * row.yes / (row.yes + row.no))


def test_turnout_csvs_give_the_drawn_bar_heights(web_export):
    for election_id in web_export.ds.elections["election_id"]:
        slug = f"turnout-{election_id}"
        data = pd.read_csv(web_export.out / f"{slug}.csv")
        [ax] = web_export.drawn[slug].axes
        heights = {
            label.lower(): sum(p.get_height() for p in group)
            for label, group in bars_by_category(ax, horizontal=False).items()
        }
        assert set(heights) == set(data["measure"].str.lower()), slug
        for row in data.itertuples():
            expected = 0 if pd.isna(row.count) else row.count  # a figure never reported draws no bar
            assert heights[row.measure.lower()] == pytest.approx(expected), (slug, row.measure)


def test_spending_csv_gives_the_drawn_bar_heights_in_millions(web_export):
    data = pd.read_csv(web_export.out / "spending-by-year.csv")
    [ax] = web_export.drawn["spending-by-year"].axes
    assert not ax.get_yticks().size  # each bar carries its amount in dollars; heights are in millions
    bars = bars_by_category(ax, horizontal=False)
    assert sorted(bars) == sorted(data["year"].astype(str))
    for row in data.itertuples():
        [bar] = bars[str(row.year)]
        assert bar.get_height() * 1e6 == pytest.approx(row.amount_usd), row.year


def test_gallery_page_shows_every_chart_with_escaped_alt_text_source_and_data_link(web_export):
    out = web_export.out
    page = (out / "index.html").read_text()
    for entry in json.loads((out / "index.json").read_text()):
        assert f'<img src="{entry["slug"]}-web.png" alt="{html.escape(entry["alt_text"])}">' in page
        assert html.escape(entry["source_line"]) in page
        assert f'href="{entry["data"]}"' in page
    assert "Amazon's" not in page  # apostrophes (and every other special character) are escaped
    assert "<h1>Charts: union elections at Amazon</h1>" in page  # the data folder's company (elections.csv)


def test_web_pngs_are_1280_pixels_wide(web_export):
    for png in web_export.out.glob("*-web.png"):
        assert Image.open(png).width == 1280, png.name


def test_files_of_a_previous_run_that_are_no_longer_made_are_removed(tmp_path):
    record = ChartRecord(
        slug="kept",
        title="t",
        subtitle="s",
        headline="1",
        alt_text="a 1",
        source_line="Source: X",
        sources=(),
        files={"web.png": "kept-web.png"},
        data_file="kept.csv",
        alt_text_file="kept.txt",
    )
    old = [
        {"slug": "gone", "files": {"web.svg": "gone-web.svg"}, "data": "gone.csv", "alt_text_file": "gone.txt"},
        {"slug": "escape", "files": {"web.png": "../outside.png"}},
    ]
    (tmp_path / "index.json").write_text(json.dumps(old))
    for name in ("gone-web.svg", "gone.csv", "gone.txt", "kept-web.png", "notes.txt"):
        (tmp_path / name).write_text("x")
    (tmp_path.parent / "outside.png").write_text("x")
    write_gallery([record], tmp_path)
    assert not any((tmp_path / n).exists() for n in ("gone-web.svg", "gone.csv", "gone.txt"))
    assert (tmp_path / "kept-web.png").exists() and (tmp_path / "notes.txt").exists()  # not listed: left alone
    assert (tmp_path.parent / "outside.png").exists()  # only plain names inside the output folder are removed


def test_rerun_with_parallel_jobs_is_byte_identical(web_export, tmp_path, project_data_dir):
    """The same charts exported again by two worker processes, formats named in another order: identical files."""
    again = tmp_path / "again"
    assert (
        main(
            [
                "charts",
                "--data-dir",
                str(project_data_dir),
                "--out",
                str(again),
                "--format",
                "svg,png",
                "--size",
                "web",
                "--jobs",
                "2",
            ]
        )
        == 0
    )
    names = sorted(p.name for p in web_export.out.iterdir() if p.name != LOCK_FILE)
    assert names == sorted(p.name for p in again.iterdir() if p.name != LOCK_FILE)
    assert {n.rsplit(".", 1)[-1] for n in names} == {"png", "svg", "csv", "txt", "json", "html"}
    for name in names:
        if name.endswith(".png"):
            assert (
                ImageChops.difference(
                    Image.open(web_export.out / name).convert("RGBA"), Image.open(again / name).convert("RGBA")
                ).getbbox()
                is None
            ), name
        else:
            assert (web_export.out / name).read_bytes() == (again / name).read_bytes(), name


@pytest.mark.slow
def test_every_chart_exports_in_every_format_and_size(tmp_path, project_data_dir):
    """The one full export (3 formats x 3 sizes of every chart), by default settings: every file opens at its size."""
    out = tmp_path / "all"
    assert main(["charts", "--data-dir", str(project_data_dir), "--out", str(out)]) == 0
    entries = json.loads((out / "index.json").read_text())
    assert len(entries) == len(chart_specs(load(project_data_dir)))
    for entry in entries:
        assert set(entry["files"]) == {f"{s}.{f}" for s in SIZE_PRESETS for f in FORMATS}
        files = {key: out / name for key, name in entry["files"].items()}
        assert Image.open(files["web.png"]).width == 1280
        assert Image.open(files["social.png"]).size == (1200, 675)
        assert Image.open(files["print.png"]).width == 1050
        for size in SIZE_PRESETS:
            assert files[f"{size}.pdf"].read_bytes().startswith(b"%PDF-"), entry["slug"]
            assert ET.parse(files[f"{size}.svg"]).getroot().tag.endswith("svg"), entry["slug"]


# --- issue 8: unwritable, protected and busy folders; workers that end with their parent ------------------------


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_full_disk_gets_one_message_exit_2_and_no_temporary_file(
    jobs, tmp_path, capsys, monkeypatch, project_data_dir
):
    from labor_analysis import export

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(export, "write_atomic", full)  # forked workers inherit it
    out = tmp_path / "out"
    status = main(
        [
            "charts",
            "--data-dir",
            str(project_data_dir),
            "--out",
            str(out),
            "--format",
            "png",
            "--size",
            "web",
            "--jobs",
            jobs,
        ]
    )
    err = capsys.readouterr().err.splitlines()
    assert status == 2
    assert [line for line in err if "error" in line] == [
        line for line in err if line.startswith(f"labor-analysis charts: error: No space left on device: {out}/")
    ]
    assert len([line for line in err if "error" in line]) == 1 and not any("Traceback" in line for line in err)
    assert list(out.glob("*.tmp")) == []


def test_charts_into_notebooks_or_a_busy_folder_are_refused(tmp_path, capsys, project_data_dir):
    from labor_analysis.output_lock import claim_output_dir
    from labor_analysis.paths import notebooks_dir

    inside = notebooks_dir() / "charts"
    assert main(["charts", "--data-dir", str(project_data_dir), "--out", str(inside)]) == 2
    err = capsys.readouterr().err
    assert err == f"labor-analysis charts: error: refusing to write charts into the notebooks folder: {inside}\n"
    assert not inside.exists()
    with claim_output_dir(tmp_path / "out"):
        assert main(["charts", "--data-dir", str(project_data_dir), "--out", str(tmp_path / "out")]) == 2
    assert "another run is writing into" in capsys.readouterr().err


def _live_processes_in_group(group: int) -> list[int]:
    """Processes of a process group that are still running (zombies count as ended)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text(encoding="ascii").rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            alive.append(int(stat.parent.name))
    return alive


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process groups from /proc")
def test_killing_charts_ends_its_workers_and_stops_the_writing(tmp_path, project_data_dir):
    out = tmp_path / "out"
    script = Path(sys.executable).with_name("labor-analysis")
    run = subprocess.Popen(
        [
            str(script),
            "charts",
            "--data-dir",
            str(project_data_dir),
            "--out",
            str(out),
            "--format",
            "png",
            "--size",
            "web",
            "--jobs",
            "2",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not list(tmp_path.glob(".out.staging-*/*.png")):  # a run is built beside out, then swapped in
            assert time.monotonic() < deadline and run.poll() is None, "no chart was written"
            time.sleep(0.1)
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
        deadline = time.monotonic() + 20
        while _live_processes_in_group(run.pid):
            assert time.monotonic() < deadline, "chart workers outlived their parent"
            time.sleep(0.2)
    finally:
        for pid in _live_processes_in_group(run.pid):
            os.kill(pid, signal.SIGKILL)
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    time.sleep(2)
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == written  # nothing writes after
    assert (
        main(
            [
                "charts",
                "--data-dir",
                str(project_data_dir),
                "--out",
                str(out),
                "--format",
                "png",
                "--size",
                "web",
                "--jobs",
                "2",
            ]
        )
        == 0
    )  # the lock went with the killed run
    assert list(out.glob("*.tmp")) == []


def test_charts_left_out_for_one_reason_print_as_one_line():
    """Fifty elections without challenged-ballot figures print one line naming two charts and counting the rest
    (the gallery page lists each), not a hundred lines; a reason few charts share names them all."""
    from labor_analysis.charts import LeftOut
    from labor_analysis.cli.charts import left_out_lines

    missing = [LeftOut(f"{kind}-e{i}", "challenged ballots not reported") for i in range(50) for kind in "ab"]
    lines = left_out_lines([LeftOut("timeline", "too few fit"), *missing, LeftOut("x", "too few fit")])
    assert lines == [
        "Left out timeline and x: too few fit",
        "Left out a-e0, b-e0 and 98 more: challenged ballots not reported",
    ]
    assert left_out_lines([LeftOut("a", "why"), LeftOut("b", "why"), LeftOut("c", "why")]) == [
        "Left out a, b and c: why"
    ]
    assert left_out_lines([]) == []
