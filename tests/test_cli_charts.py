"""`labor-analysis charts`: bad arguments, the gallery index and page, reproducible reruns."""

from __future__ import annotations

import html
import json

import pytest
from PIL import Image, ImageChops

from labor_analysis import load
from labor_analysis.chart_specs import chart_specs
from labor_analysis.cli import main
from labor_analysis.export import ChartRecord
from labor_analysis.gallery import write_gallery
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
    assert capsys.readouterr().err.strip()


@pytest.fixture(scope="module")
def web_export(tmp_path_factory, project_data_dir):
    """One export of every chart as web PNG, shared by the tests below."""
    out = tmp_path_factory.mktemp("charts")
    assert main(["charts", "--data-dir", str(project_data_dir), "--out", str(out), "--format", "png",
                 "--size", "web", "--jobs", "1"]) == 0
    return out, load(project_data_dir)


def test_index_json_has_one_entry_per_chart_with_files_alt_text_and_sources(web_export):
    out, ds = web_export
    entries = json.loads((out / "index.json").read_text())
    specs = chart_specs(ds)
    assert [e["slug"] for e in entries] == [s.slug for s in specs]
    for entry in entries:
        assert entry["files"] == {"web.png": f"{entry['slug']}-web.png"}
        assert (out / entry["files"]["web.png"]).is_file()
        assert entry["headline"] and entry["headline"] in entry["alt_text"], entry["slug"]
        assert entry["headline"] in entry["title"], entry["slug"]
        assert entry["sources"] and entry["source_line"].startswith(("Source: ", "Sources: "))
        assert (out / entry["alt_text_file"]).read_text().strip() == entry["alt_text"]


def test_csv_beside_each_chart_is_its_plotted_data(web_export):
    out, ds = web_export
    for spec in chart_specs(ds):
        assert (out / f"{spec.slug}.csv").read_text() == to_safe_csv_text(spec.data), spec.slug


def test_gallery_page_shows_every_chart_with_escaped_alt_text_source_and_data_link(web_export):
    out, _ = web_export
    page = (out / "index.html").read_text()
    for entry in json.loads((out / "index.json").read_text()):
        assert f'<img src="{entry["slug"]}-web.png" alt="{html.escape(entry["alt_text"])}">' in page
        assert html.escape(entry["source_line"]) in page
        assert f'href="{entry["data"]}"' in page
    assert "Amazon's" not in page  # apostrophes (and every other special character) are escaped


def test_web_pngs_are_1280_pixels_wide(web_export):
    out, _ = web_export
    for png in out.glob("*-web.png"):
        assert Image.open(png).width == 1280, png.name


def test_files_of_a_previous_run_that_are_no_longer_made_are_removed(tmp_path):
    record = ChartRecord(slug="kept", title="t", subtitle="s", headline="1", alt_text="a 1", source_line="Source: X",
                         sources=(), files={"web.png": "kept-web.png"}, data_file="kept.csv", alt_text_file="kept.txt")
    old = [{"slug": "gone", "files": {"web.svg": "gone-web.svg"}, "data": "gone.csv", "alt_text_file": "gone.txt"},
           {"slug": "escape", "files": {"web.png": "../outside.png"}}]
    (tmp_path / "index.json").write_text(json.dumps(old))
    for name in ("gone-web.svg", "gone.csv", "gone.txt", "kept-web.png", "notes.txt"):
        (tmp_path / name).write_text("x")
    (tmp_path.parent / "outside.png").write_text("x")
    write_gallery([record], tmp_path)
    assert not any((tmp_path / n).exists() for n in ("gone-web.svg", "gone.csv", "gone.txt"))
    assert (tmp_path / "kept-web.png").exists() and (tmp_path / "notes.txt").exists()  # not listed: left alone
    assert (tmp_path.parent / "outside.png").exists()  # only plain names inside the output folder are removed


@pytest.mark.slow
def test_full_rerun_is_byte_identical_and_does_not_depend_on_jobs(tmp_path, project_data_dir):
    first, second = tmp_path / "first", tmp_path / "second"
    assert main(["charts", "--data-dir", str(project_data_dir), "--out", str(first), "--jobs", "2"]) == 0
    assert main(["charts", "--data-dir", str(project_data_dir), "--out", str(second), "--jobs", "1"]) == 0
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    assert {n.rsplit(".", 1)[-1] for n in names} == {"png", "svg", "pdf", "csv", "txt", "json", "html"}
    for name in names:
        a, b = (first / name).read_bytes(), (second / name).read_bytes()
        if name.endswith(".png"):
            assert ImageChops.difference(Image.open(first / name).convert("RGBA"),
                                         Image.open(second / name).convert("RGBA")).getbbox() is None, name
        else:
            assert a == b, name
    for entry in json.loads((first / "index.json").read_text()):
        assert set(entry["files"]) == {f"{s}.{f}" for s in ("web", "social", "print") for f in ("png", "svg", "pdf")}
