"""`labor-analysis summary`: `la.results` on the command line, one row per election (who, where, when, the count,
shares, turnout, margin, challenged ballots, outcome, certified result), all its columns or those of `--columns`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
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
    parser.add_argument(
        "--columns",
        default=None,
        metavar="NAMES",
        help="comma-separated columns to print, in that order (default: every column of la.results)",
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


def render(frame: pd.DataFrame, fmt: str) -> Iterator[bytes]:
    """The summary `frame` in `fmt` (table, csv or json) as UTF-8, in pieces (a national CSV a block of rows at a
    time, so its whole text is never in memory); the table writes figures as the prose does."""
    if fmt == "csv":
        from ..safe_csv import safe_csv_blocks

        yield from safe_csv_blocks(frame)
    else:
        yield _rendered(frame, fmt)


def _rendered(frame: pd.DataFrame, fmt: str) -> bytes:
    """The summary `frame` as a table or JSON."""
    import pandas as pd

    from ..text import fmt_int, fmt_pct

    shown = frame.copy()
    for name in shown.columns:
        if pd.api.types.is_datetime64_any_dtype(shown[name]):
            shown[name] = shown[name].dt.strftime("%Y-%m-%d")
    if fmt == "json":
        return (shown.to_json(orient="records", indent=2) + "\n").encode("utf-8")
    shown = shown.astype(object)
    for names, written in ((COUNT_COLUMNS, fmt_int), (SHARE_COLUMNS, fmt_pct)):
        for name in (n for n in names if n in shown.columns):
            shown[name] = [None if pd.isna(value) else written(value) for value in shown[name]]
    shown = shown.where(shown.notna(), "n/a")
    return (shown.to_string(index=False) + "\n").encode("utf-8")


def _write(pieces: Iterable[bytes], fmt: str) -> None:
    """`pieces` to standard output: CSV and JSON as the UTF-8 bytes they are, like the files they become (a national
    CSV is not decoded only to be encoded again); the table as text, in the terminal's own encoding."""
    binary = getattr(sys.stdout, "buffer", None)
    if fmt == "table" or binary is None:  # a table for a terminal, or standard output replaced by a text stream
        for piece in pieces:
            sys.stdout.write(piece.decode("utf-8"))
        return
    sys.stdout.flush()
    for piece in pieces:
        binary.write(piece)
    binary.flush()


def columns(value: str | None) -> list[str]:
    """The columns --columns names, checked against `results.RESULTS_COLUMNS` (all of them when not given)."""
    from ..results import RESULTS_COLUMNS
    from . import UsageError

    if value is None:
        return list(RESULTS_COLUMNS)
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in RESULTS_COLUMNS]
    if unknown or not names:
        raise UsageError(
            f"--columns: unknown column {', '.join(unknown) or '(none given)'}; known: {', '.join(RESULTS_COLUMNS)}"
        )
    return names


def run(args: argparse.Namespace) -> int:
    from ..loading import load
    from ..results import results
    from . import keep_freed_memory

    keep_freed_memory()
    shown = columns(args.columns)
    _write(render(results(selected(load(args.data_dir), args))[shown], args.format), args.format)
    return 0
