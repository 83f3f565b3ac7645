"""Benchmark `labor-analysis charts` against a bare matplotlib script drawing the same figures, per image file.

Both sides draw every chart of a data folder (default: ours, `data/`) at every size preset and in every format,
in the house style: the same rcParams (`style.house_rc`: DejaVu Sans, TrueType fonts embedded and subset in each
PDF with `pdf.fonttype` 42, paths in SVG, PDF compression), the same sizes, dpi and save metadata, the same files.

The baseline is the script a careful user would write by hand with the package's figure-building functions and
no reuse. It loads the data and takes each chart's spec (`chart_plan`, the same data, words and `build`
function the package uses), and for each chart and size preset it builds the figure afresh (`spec.build()`),
scales its text for the preset, sets the figure's size, adds the title, subtitle and source line with
`fig.text` (wrapped by `textwrap` to the preset's width, no measuring), lays it out with the constrained layout
below them, and calls `savefig` once per format into its own file. matplotlib does the rest as it does for anyone:
a layout pass and a drawing pass in each savefig, and each PDF subsets DejaVu again. It writes no data CSV,
alt text, explorer or gallery page; the package's run does, and its time includes them.

The measured side is the command line as a user runs it, `labor-analysis charts --out DIR` (default --jobs,
one process per core), into a fresh folder each time. The two commands run alternately, each in a fresh
interpreter, and the medians of their CPU times (user + system, the workers' included) and of their wall times
are compared; the target is on CPU time: at most 1.0 (the package no slower than doing it by hand), wall time
printed too. The machine (CPU model, cores, load average before and after) is printed beside the figures.
Exits 1 when the target is missed.

Usage: .venv/bin/python benchmarks/bench_charts.py [--data-dir DIR] [--repeats N]
(`--bare DATA OUT` runs the baseline script alone.)
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import textwrap
from pathlib import Path

TARGET = 1.0  # labor-analysis charts / bare script, CPU time per image file


def bare(data_dir: str, out_dir: str) -> int:
    """The baseline: every chart x size x format drawn and saved naively (see the module docstring); returns the
    number of image files written."""
    import matplotlib as mpl
    import matplotlib.style
    from matplotlib.text import Text

    from labor_analysis.charts import chart_plan, with_sources
    from labor_analysis.export import source_line
    from labor_analysis.loading import load
    from labor_analysis.presets import FORMATS, SIZE_PRESETS
    from labor_analysis.style import COLORS, SAVE_METADATA, SOURCE_SIZE, SUBTITLE_SIZE, TITLE_SIZE, house_rc

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ds = load(data_dir)
    specs, _ = chart_plan(ds)
    written = 0
    for spec in specs:
        line = source_line(with_sources(ds, spec.extra_sources), spec.source_ids, spec.record)
        for preset in SIZE_PRESETS.values():
            s = preset.font_scale
            with mpl.style.context(house_rc(), after_reset=True):
                fig = spec.build()
                for text in fig.findobj(Text):
                    text.set_fontsize(max(text.get_fontsize() * s, preset.min_font_pt))
                chars = int(preset.width_in * 72 / (0.55 * TITLE_SIZE * s))  # about the characters a line holds
                header = [
                    (spec.title, TITLE_SIZE, "bold"),
                    *([(spec.subtitle, SUBTITLE_SIZE, "normal")] if preset.with_subtitle else []),
                ]
                lines = [(textwrap.fill(t, int(chars * TITLE_SIZE / size)), size * s, w) for t, size, w in header]
                head_in = sum((t.count("\n") + 1) * size * 1.25 / 72 + 0.08 for t, size, _ in lines) + 0.14
                foot_in = 0.3 * s
                plot_in = fig.get_size_inches()[1] * preset.plot_scale
                height = preset.height_in or head_in + plot_in + foot_in
                fig.set_size_inches(preset.width_in, height)
                y = 1 - 0.14 / height
                for text, size, weight in lines:
                    fig.text(0.02, y, text, fontsize=size, fontweight=weight, va="top", color=COLORS["text"])
                    y -= ((text.count("\n") + 1) * size * 1.25 / 72 + 0.08) / height
                fig.text(0.02, 0.1 / height, line, fontsize=max(SOURCE_SIZE * s, preset.min_font_pt), va="bottom")
                rect = (0.01, foot_in / height, 0.97, 1 - (head_in + foot_in) / height)
                fig.set_layout_engine("constrained", rect=rect)
                for fmt in FORMATS:
                    fig.savefig(
                        out / f"{spec.slug}-{preset.name}.{fmt}",
                        format=fmt,
                        dpi=preset.dpi,
                        metadata=SAVE_METADATA[fmt],
                    )
                    written += 1
    return written


def machine() -> str:
    """CPU model, cores and load average, to print beside the figures."""
    model = platform.processor() or "unknown CPU"
    try:
        for row in Path("/proc/cpuinfo").read_text().splitlines():
            if row.startswith("model name"):
                model = row.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{model}, {os.cpu_count()} cores, load average {load}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None, help="data folder (default: the project's data/)")
    parser.add_argument("--repeats", type=int, default=5, help="runs of each command (the medians count)")
    parser.add_argument("--bare", nargs=2, metavar=("DATA", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        bare(*args.bare)
        return 0

    from bench_summary import BIN, seconds

    from labor_analysis.paths import existing_data_dir

    data_dir = str(existing_data_dir(args.data_dir))
    python, cli = str(BIN / "python"), str(BIN / "labor-analysis")
    print(f"Machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="bench-charts-") as tmp:

        def baseline(out: str) -> list[str]:
            return [python, __file__, "--bare", data_dir, out]

        def package(out: str) -> list[str]:
            return [cli, "charts", "--data-dir", data_dir, "--out", out]

        seconds(package(str(Path(tmp) / "warm")))  # the file cache and the bytecode, untimed
        times: dict[str, list[tuple[float, float]]] = {"bare": [], "package": []}
        for i in range(args.repeats):  # alternately, so a passing load hits both alike; each into a new folder
            times["bare"].append(seconds(baseline(str(Path(tmp) / f"bare-{i}"))))
            times["package"].append(seconds(package(str(Path(tmp) / f"package-{i}"))))
        (bare_wall, bare_cpu), (pkg_wall, pkg_cpu) = (
            (statistics.median(t[0] for t in times[side]), statistics.median(t[1] for t in times[side]))
            for side in ("bare", "package")
        )
        images = {p.name for p in (Path(tmp) / "package-0").iterdir() if p.suffix in {".png", ".svg", ".pdf"}}
        bare_images = {p.name for p in (Path(tmp) / "bare-0").iterdir()}
        if images != bare_images:
            sys.exit(f"the two sides wrote different image files: {sorted(images ^ bare_images)[:5]}")
    ratio, wall_ratio = pkg_cpu / bare_cpu, pkg_wall / bare_wall
    n = len(images)
    print(f"{n} image files per run; medians of {args.repeats} alternating pairs, each in a fresh interpreter:")
    print(
        f"  bare matplotlib script:  {bare_cpu:.2f} s CPU, {bare_wall:.2f} s wall "
        f"({1000 * bare_cpu / n:.0f} ms CPU, {1000 * bare_wall / n:.0f} ms wall per image file)"
    )
    print(
        f"  labor-analysis charts:   {pkg_cpu:.2f} s CPU, {pkg_wall:.2f} s wall "
        f"({1000 * pkg_cpu / n:.0f} ms CPU, {1000 * pkg_wall / n:.0f} ms wall per image file)"
    )
    verdict = "met" if ratio <= TARGET else "MISSED"
    print(f"  ratio of CPU times: {ratio:.2f} (target <= {TARGET}) -> {verdict}; of wall times: {wall_ratio:.2f}")
    print(f"Machine after: {machine()}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
