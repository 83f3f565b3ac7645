"""`labor-analysis summary`: one row per election (shares, turnout, margin, challenged ballots, outcome)."""

from __future__ import annotations

import argparse
import sys

from . import DATA_DIR_HELP

FORMATS = ("table", "csv", "json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `labor-analysis summary`."""
    parser.add_argument("--data-dir", default=None, help=DATA_DIR_HELP)
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help=(
            "table: aligned text for a terminal (n/a: not reported or not computable); "
            "csv: formula-safe CSV; json: records with ISO dates"
        ),
    )


def render(frame, fmt: str) -> str:
    """The summary `frame` as text in `fmt` (table, csv or json)."""
    from ..safe_csv import to_safe_csv_text

    if fmt == "csv":
        return to_safe_csv_text(frame)
    shown = frame.copy()
    shown["count_date"] = shown["count_date"].dt.strftime("%Y-%m-%d")
    if fmt == "json":
        return shown.to_json(orient="records", indent=2) + "\n"
    for name in ("yes_share", "turnout"):
        shown[name] = shown[name].map(lambda v: None if v != v else f"{v:.1%}")
    shown = shown.astype(object).where(shown.notna(), "n/a")
    return shown.to_string(index=False) + "\n"


def run(args: argparse.Namespace) -> int:
    from ..analysis import summary
    from ..loading import load

    sys.stdout.write(render(summary(load(args.data_dir)), args.format))
    return 0
