"""`labor-analysis rerun`: execute the story notebooks into HTML reports, in parallel, skipping unchanged ones."""

from __future__ import annotations

import argparse
from typing import Any

from . import DATA_DIR_HELP, UsageError
from .filters import add_selection_arguments, selection


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `labor-analysis rerun`."""
    parser.add_argument(
        "notebooks",
        nargs="*",
        metavar="NOTEBOOK",
        help="notebook names (e.g. 02-bessemer-challenged-ballots) or paths; default: all of notebooks/",
    )
    parser.add_argument("--data-dir", default=None, metavar="DIR", help=DATA_DIR_HELP)
    parser.add_argument(
        "--out",
        default=None,
        metavar="DIR",
        help="output folder (default: build/notebooks/); never the data folder or notebooks/",
    )
    parser.add_argument(
        "--jobs", type=int, default=None, metavar="N", help="notebooks run at once (default: one per core)"
    )
    parser.add_argument("--force", action="store_true", help="run every notebook even if its inputs are unchanged")
    parser.add_argument(
        "-p",
        "--parameter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set a notebook parameter (repeatable; papermill's convention: injected in a cell after the one "
        "tagged 'parameters'); VALUE is read as a number, True, False or None when it is one, else as text; "
        "each parameter set gets reports of its own",
    )
    add_selection_arguments(parser)


def parameter_value(text: str) -> Any:
    """A -p value as papermill reads one: an integer, a float, True, False or None when it is one, else the text."""
    special = {"True": True, "False": False, "None": None}
    if text in special:
        return special[text]
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def parameters(args: argparse.Namespace) -> dict[str, Any]:
    """The parameters of -p NAME=VALUE, and the selection options as `selection` (a dict for `Dataset.select`)."""
    chosen: dict[str, Any] = {}
    for item in args.parameter:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise UsageError(f"-p takes NAME=VALUE with NAME a Python name (got {item!r})")
        if name in ("data_dir", "charts_dir"):
            raise UsageError(f"-p {name}: set it with --data-dir or --out")
        chosen[name] = parameter_value(value)
    if selected := selection(args):
        chosen["selection"] = selected
    return chosen


def run(args: argparse.Namespace) -> int:
    """Rerun the notebooks and print one line per notebook; exit 1 when any failed.

    Bad data (validated once, before any kernel starts), an unsafe output folder or one another run is writing
    into exit 2 with one message, before anything is written.
    """
    from .. import rerun as engine
    from ..extras import missing_extra

    if problem := missing_extra("notebooks", "labor-analysis rerun"):
        raise UsageError(problem)
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, not {args.jobs}")
    try:
        results = engine.rerun(args.notebooks, args.data_dir, args.out, args.jobs, args.force, parameters(args))
    except ValueError as exc:  # unknown notebook, output folder in the data, in notebooks/ or beside a notebook
        raise UsageError(str(exc)) from None

    width = max((len(r.name) for r in results), default=0)
    for result in results:
        if result.status == engine.RAN:
            print(f"ran      {result.name:<{width}}  ({result.seconds:.1f} s)")
        elif result.status == engine.SKIPPED:
            print(f"skipped  {result.name:<{width}}  (unchanged)")
        elif result.failure is not None:
            print(f"FAILED   {result.name:<{width}}  at {result.failure.describe()}")
    if results:
        out_dir = results[0].html_out.parent
        print(f"HTML reports: {out_dir / engine.INDEX_FILE}")
    failed = [r for r in results if not r.ok]
    return 1 if failed else 0
