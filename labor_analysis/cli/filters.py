"""The selection options shared by `summary`, `charts` and `rerun`: `--company`, `--state`, `--city`, ...

Each option may be repeated (any of its values matches) and the options combine with "and", exactly as
`Dataset.select` does, which they are passed to.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..loading import Dataset

#: option -> (keyword of Dataset.select, help)
OPTIONS = {
    "--company": ("company", "elections of this company (the employer where no company is given)"),
    "--employer": ("employer", "elections of this employer, as named on the petition"),
    "--city": ("city", "elections in this city"),
    "--state": ("state", "elections in this state (two-letter code)"),
    "--region": ("region", "elections of this NLRB region (from the case number)"),
    "--union": ("union", "elections with this union on the ballot"),
    "--case-type": ("case_type", "elections of this case type: RC, RM, RD, ... (from the case number)"),
}
DAYS = {
    "--since": ("since", "elections counted on or after this day (YYYY-MM-DD)"),
    "--until": ("until", "elections counted on or before this day (YYYY-MM-DD)"),
}


def add_selection_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the selection options to a subcommand's parser (text matches ignore case; repeat an option for several
    values)."""
    group = parser.add_argument_group("selection (repeat an option for several values; options combine with 'and')")
    for option, (dest, help_text) in OPTIONS.items():
        group.add_argument(option, dest=f"select_{dest}", action="append", default=None, metavar="NAME", help=help_text)
    for option, (dest, help_text) in DAYS.items():
        group.add_argument(option, dest=f"select_{dest}", default=None, metavar="DAY", help=help_text)


def selection(args: argparse.Namespace) -> dict[str, Any]:
    """The keywords of `Dataset.select` the command line gave (empty: no selection)."""
    chosen = {}
    for dest, _ in (*OPTIONS.values(), *DAYS.values()):
        value = getattr(args, f"select_{dest}", None)
        if value is not None:
            chosen[dest] = value
    return chosen


def selected(ds: Dataset, args: argparse.Namespace) -> Dataset:
    """`ds` narrowed to the command line's selection; a bad day is a usage error (one line, exit status 2)."""
    from . import UsageError

    chosen = selection(args)
    if not chosen:
        return ds
    try:
        return ds.select(**chosen)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
