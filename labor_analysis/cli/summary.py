"""`labor-analysis summary`: one row per election (shares, turnout, margin, challenged ballots, outcome, winner)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from . import DATA_DIR_HELP
from .filters import add_selection_arguments, selected

if TYPE_CHECKING:
    import pandas as pd

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
    add_selection_arguments(parser)


#: Columns of the table view written as counts with thousands separators, and as percentages.
COUNT_COLUMNS = (
    "yes",
    "no",
    "void",
    "challenged",
    "eligible_voters",
    "ballots_cast",
    "valid_votes",
    "margin",
    "yes_needed",
    "unions",
)
SHARE_COLUMNS = ("yes_share", "turnout")


def render(frame: pd.DataFrame, fmt: str) -> bytes:
    """The summary `frame` in `fmt` (table, csv or json) as UTF-8; the table writes figures as the prose does."""
    import pandas as pd

    from ..safe_csv import to_safe_csv_bytes
    from ..text import fmt_int, fmt_pct

    if fmt == "csv":
        return to_safe_csv_bytes(frame)
    shown = frame.copy()
    shown["count_date"] = shown["count_date"].dt.strftime("%Y-%m-%d")
    if fmt == "json":
        return (shown.to_json(orient="records", indent=2) + "\n").encode("utf-8")
    shown = shown.astype(object)
    for names, written in ((COUNT_COLUMNS, fmt_int), (SHARE_COLUMNS, fmt_pct)):
        for name in names:
            shown[name] = [None if pd.isna(value) else written(value) for value in shown[name]]
    shown = shown.where(shown.notna(), "n/a")
    return (shown.to_string(index=False) + "\n").encode("utf-8")


def _write(data: bytes, fmt: str) -> None:
    """`data` to standard output: CSV and JSON as the UTF-8 bytes they are, like the files they become (a national
    CSV is not decoded only to be encoded again); the table as text, in the terminal's own encoding."""
    binary = getattr(sys.stdout, "buffer", None)
    if fmt == "table" or binary is None:  # a table for a terminal, or standard output replaced by a text stream
        sys.stdout.write(data.decode("utf-8"))
        return
    sys.stdout.flush()
    binary.write(data)
    binary.flush()


def run(args: argparse.Namespace) -> int:
    from ..analysis import _summary  # computed for this one run: no cache, nor the copy that protects it
    from ..loading import load
    from . import keep_freed_memory

    keep_freed_memory()
    _write(render(_summary(selected(load(args.data_dir), args)), args.format), args.format)
    return 0
