"""`labor-analysis charts`: export every chart with its data, alt text, source line and a gallery page."""

from __future__ import annotations

import argparse
import os

from . import UsageError

FORMAT_NAMES = ("png", "svg", "pdf")
SIZE_NAMES = ("web", "social", "print")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", default=None, help="data folder (default: the project's data/)")
    parser.add_argument("--out", default=None,
                        help="output folder (default: build/charts/); never the data folder or inside it")
    parser.add_argument("--format", default=",".join(FORMAT_NAMES),
                        help=f"comma-separated image formats among {', '.join(FORMAT_NAMES)} (default: all)")
    parser.add_argument("--size", default=",".join(SIZE_NAMES),
                        help="comma-separated size presets: web (1280 px wide), social (1200x675 px), "
                             "print (3.5 in at 300 dpi) (default: all)")
    parser.add_argument("--jobs", type=int, default=None,
                        help="charts exported in parallel (default: one per core); the files do not depend on it")


def _split(value: str) -> list[str]:
    return [part.strip().lower() for part in value.split(",") if part.strip()]


def run(args: argparse.Namespace) -> int:
    from ..export import ensure_outside_data, parse_formats, parse_sizes
    from ..gallery import INDEX_HTML, build_gallery
    from ..paths import charts_dir, resolve_data_dir

    try:
        formats = parse_formats(_split(args.format))
        sizes = parse_sizes(_split(args.size))
        data_dir = resolve_data_dir(args.data_dir)
        out_dir = ensure_outside_data(args.out or charts_dir(), data_dir)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    jobs = args.jobs if args.jobs is not None else (os.cpu_count() or 1)
    if jobs < 1:
        raise UsageError(f"--jobs must be at least 1 (got {jobs})")
    if not data_dir.is_dir():
        raise UsageError(f"no data folder at {data_dir}")
    records = build_gallery(data_dir, out_dir, formats=formats, sizes=sizes, jobs=jobs)
    print(f"Wrote {len(records)} charts ({', '.join(formats)} x {', '.join(sizes)}) to {out_dir}")
    print(f"Gallery: {out_dir / INDEX_HTML}")
    return 0
