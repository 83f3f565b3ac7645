"""`labor-analysis charts`: export every chart with its data, alt text, source line and a gallery page."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..presets import FORMATS, SIZE_PRESETS
from . import DATA_DIR_HELP, UsageError
from .filters import add_selection_arguments, selected, selection

if TYPE_CHECKING:
    from ..charts import LeftOut

#: Default of --max-elections: per-election charts for thousands of elections are not what anyone wants.
MAX_ELECTIONS = 50
#: Charts left out for one reason that are named one by one; more are counted (the gallery page lists each).
NAMED_LEFT_OUT = 3


def left_out_lines(left_out: Sequence[LeftOut]) -> list[str]:
    """One line per reason, in the order first met: 'Left out A: why', or 'Left out A, B and 98 more: why' where
    many charts share it (50 elections without challenged ballots would otherwise print 100 lines)."""
    from ..text import join_words

    by_reason: dict[str, list[str]] = {}
    for skipped in left_out:
        by_reason.setdefault(skipped.reason, []).append(skipped.slug)
    lines = []
    for reason, slugs in by_reason.items():
        if len(slugs) > NAMED_LEFT_OUT:
            slugs = [*slugs[: NAMED_LEFT_OUT - 1], f"{len(slugs) - NAMED_LEFT_OUT + 1:,} more"]
        lines.append(f"Left out {join_words(slugs)}: {reason}")
    return lines


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `labor-analysis charts`."""
    parser.add_argument("--data-dir", default=None, help=DATA_DIR_HELP)
    parser.add_argument(
        "--out",
        default=None,
        help="output folder (default: build/charts/); never the data folder, notebooks/ or inside them",
    )
    parser.add_argument(
        "--format",
        default=",".join(FORMATS),
        help=f"comma-separated image formats among {', '.join(FORMATS)} (default: all)",
    )
    sizes = "; ".join(f"{p.name}: {p.description}" for p in SIZE_PRESETS.values())
    parser.add_argument(
        "--size", default=",".join(SIZE_PRESETS), help=f"comma-separated size presets ({sizes}) (default: all)"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="charts exported in parallel (default: one per core); the files do not depend on it",
    )
    parser.add_argument(
        "--election",
        action="append",
        default=None,
        metavar="ID",
        help="chart only this election (repeat for several); overview charts cover only these",
    )
    parser.add_argument(
        "--max-elections",
        type=int,
        default=MAX_ELECTIONS,
        metavar="N",
        help=f"in a folder or selection of more than N elections (an imported national file, a company), give "
        f"charts of their own only to the N largest single-union units with valid votes (default {MAX_ELECTIONS}; "
        "0 for no limit)",
    )
    add_selection_arguments(parser)


def _split(value: str) -> list[str]:
    return [part.strip().lower() for part in value.split(",") if part.strip()]


def _made_by_runs(folder: Path) -> set[str]:
    """What an earlier `charts` run wrote into `folder`: the files its index.json lists, and the index itself."""
    from ..gallery import INDEX_HTML, INDEX_JSON, _previous_files

    return _previous_files(folder) | {INDEX_HTML, INDEX_JSON}


def run(args: argparse.Namespace) -> int:
    """Export every chart into --out (default build/charts/) and print where the gallery page is.

    The run is built in a staging folder beside --out and swapped in when complete (`publish.staged`): the gallery,
    its index and every chart file always describe one run of one data version, whatever interrupts it.
    """
    from ..gallery import INDEX_HTML, build_gallery
    from ..output_lock import claim_output_dir
    from ..paths import charts_dir, ensure_output_dir, existing_data_dir
    from ..presets import parse_formats, parse_sizes
    from ..publish import staged

    try:
        formats = parse_formats(_split(args.format))
        sizes = parse_sizes(_split(args.size))
        data_dir = existing_data_dir(args.data_dir)
        out_dir = ensure_output_dir(args.out or charts_dir(), data_dir, "charts")
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    jobs = args.jobs if args.jobs is not None else (os.cpu_count() or 1)
    if jobs < 1:
        raise UsageError(f"--jobs must be at least 1 (got {jobs})")
    if args.max_elections < 0:
        raise UsageError(f"--max-elections must be 0 or more (got {args.max_elections})")
    elections, within = args.election, None
    if selection(args):
        from ..loading import load

        within = list(selected(load(data_dir), args).elections["election_id"])
        if elections is not None:
            elections = [e for e in elections if e in set(within)]
        if not within or elections == []:
            raise UsageError("no election in the data folder matches the selection")
    left_out: list[LeftOut] = []
    try:
        with claim_output_dir(out_dir), staged(out_dir, _made_by_runs) as staging:
            records = build_gallery(
                data_dir,
                staging,
                formats=formats,
                sizes=sizes,
                jobs=jobs,
                elections=elections,
                max_elections=args.max_elections or None,
                within=within,
                on_left_out=left_out.append,
            )
    except KeyError as exc:
        raise UsageError(exc.args[0]) from None
    for line in left_out_lines(left_out):
        print(line)
    print(f"Wrote {len(records)} charts ({', '.join(formats)} x {', '.join(sizes)}) to {out_dir}")
    print(f"Gallery: {out_dir / INDEX_HTML}")
    return 0
