"""The house style: fonts, fixed colours, reproducible output, and an image regression test.

The image test hashes the decoded pixels of PNGs (not the file bytes), for a small reference figure and one
real chart. matplotlib is pinned (pyproject.toml) and ships its own FreeType and DejaVu Sans, so the pixels are
the same on every machine. After an intended change of style, regenerate the baseline and review the images:

    LABOR_ANALYSIS_REGENERATE_BASELINE=1 .venv/bin/python -m pytest tests/test_style.py
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from PIL import Image

from labor_analysis import load
from labor_analysis.charts import chart
from labor_analysis.style import COLORS, FONT, SAVE_METADATA, house_rc, light_grid, set_house_style

BASELINE = Path(__file__).parent / "baseline" / "image_hashes.json"
REGENERATE = os.environ.get("LABOR_ANALYSIS_REGENERATE_BASELINE") == "1"
HOW_TO_REGENERATE = (
    "If the change is intended, look at the images, then regenerate the baseline with\n"
    "    LABOR_ANALYSIS_REGENERATE_BASELINE=1 .venv/bin/python -m pytest tests/test_style.py\n"
    "and commit tests/baseline/image_hashes.json."
)


def pixel_hash(png: bytes) -> str:
    """sha256 of a PNG's decoded RGBA pixels and size: identical pixels give the same hash whatever the encoder."""
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    digest = hashlib.sha256(f"{image.size}".encode())
    digest.update(image.tobytes())
    return digest.hexdigest()


def reference_figure() -> Figure:
    """A small figure exercising the style: bars in the fixed colours, a light grid, text, a reference line."""
    with mpl.rc_context(house_rc()):
        fig = Figure(figsize=(3.2, 2.0), layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ax.bar(
            ["yes", "no", "void", "challenged"],
            [55, 45, 5, 10],
            color=[COLORS["yes"], COLORS["no"], COLORS["void"], COLORS["challenged"]],
        )
        ax.axhline(50, color=COLORS["reference"], linestyle="--")
        ax.set_ylabel("Share (%)")
        ax.set_title("Reference figure")
        light_grid(ax)
    return fig


def _check(name: str, png: bytes, tmp_path: Path) -> None:
    actual = pixel_hash(png)
    stored = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    if REGENERATE:
        stored[name] = actual
        BASELINE.write_text(json.dumps(stored, indent=2, sort_keys=True) + "\n")
        return
    saved = tmp_path / f"{name}.png"
    saved.write_bytes(png)
    assert name in stored, f"no baseline for {name!r}. {HOW_TO_REGENERATE}"
    assert actual == stored[name], f"{name} no longer looks the same (new image: {saved}). {HOW_TO_REGENERATE}"


def test_reference_figure_matches_baseline(tmp_path):
    buffer = io.BytesIO()
    fig = reference_figure()
    with mpl.rc_context(house_rc()):
        fig.savefig(buffer, format="png", dpi=100, metadata=SAVE_METADATA["png"])
    _check("reference_figure", buffer.getvalue(), tmp_path)


def test_real_chart_matches_baseline(tmp_path, project_data_dir):
    ds = load(project_data_dir)
    record = chart("vote-shares", ds, election_id="bhm1-2022").export(
        tmp_path / "out", formats=("png",), sizes=("web",)
    )
    _check("vote_shares_bhm1_2022_web", (tmp_path / "out" / record.files["web.png"]).read_bytes(), tmp_path)


def test_a_chart_shown_inline_is_the_web_png_exported(tmp_path, project_data_dir):
    shown = chart("vote-shares", load(project_data_dir), election_id="bhm1-2022")
    record = shown.export(tmp_path, formats=("png",), sizes=("web",))
    assert pixel_hash(shown._repr_png_()) == pixel_hash((tmp_path / record.files["web.png"]).read_bytes())


def test_set_house_style_sets_font_and_reproducibility_settings():
    with mpl.rc_context():
        set_house_style()
        assert mpl.rcParams["font.sans-serif"][0] == FONT
        assert mpl.rcParams["svg.hashsalt"]
        assert mpl.rcParams["svg.fonttype"] == "path"
        assert mpl.rcParams["axes.spines.top"] is False and mpl.rcParams["axes.spines.right"] is False


def test_font_resolves_to_the_copy_inside_matplotlib_without_fallback():
    path = Path(findfont(FontProperties(family=[FONT]), fallback_to_default=False))
    assert path.name == "DejaVuSans.ttf"
    assert Path(mpl.get_data_path()) in path.parents


def test_fixed_colours_are_distinct_for_opposing_meanings():
    assert COLORS["yes"] == COLORS["union"] and COLORS["no"] == COLORS["employer"]
    meanings = ("yes", "no", "won", "lost", "undetermined", "neutral_light", "neutral", "neutral_dark")
    assert len({COLORS[m] for m in meanings}) == len(meanings)


def test_seaborn_is_imported_only_when_the_house_style_is_set():
    import subprocess
    import sys

    code = "import sys, labor_analysis as la; from labor_analysis import story, charts; print('seaborn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_a_notebooks_first_cell_does_not_import_matplotlib():
    import subprocess
    import sys

    code = "import sys, labor_analysis as la; from labor_analysis import story; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_png_metadata_carries_no_software_version():
    buffer = io.BytesIO()
    with mpl.rc_context(house_rc()):
        reference_figure().savefig(buffer, format="png", metadata=SAVE_METADATA["png"])
    assert b"matplotlib" not in buffer.getvalue().lower()


@pytest.mark.parametrize("fmt", ["svg", "pdf"])
def test_vector_output_carries_no_date(fmt):
    buffer = io.BytesIO()
    with mpl.rc_context(house_rc()):
        reference_figure().savefig(buffer, format=fmt, metadata=SAVE_METADATA[fmt])
    text = buffer.getvalue()
    assert b"CreationDate" not in text and b"<dc:date>" not in text
