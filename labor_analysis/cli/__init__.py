"""The `labor-analysis` command line: one subcommand per module in this package, imported lazily."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

#: subcommand name -> module in labor_analysis.cli that defines `add_arguments(parser)` and `run(args) -> int`.
SUBCOMMANDS = {
    "validate": "Check the data folder and print a row count per file.",
    "summary": "One row per election: shares, turnout, margin, challenged ballots, outcome.",
    "scenario": "What the challenged ballots could do to one election's result.",
    "charts": "Export every chart with its data, alt text, source line and a gallery page.",
    "rerun": "Execute the story notebooks into HTML reports, in parallel, skipping unchanged ones.",
}


class UsageError(Exception):
    """A bad argument: reported as one line, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="labor-analysis",
        description="Sourced data, NLRB rules and charts for the union elections at Amazon's US warehouses.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, help_text in SUBCOMMANDS.items():
        module = importlib.import_module(f"{__name__}.{name}")
        p = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(p)
        p.set_defaults(_module=module)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status (0 ok, 1 failure, 2 bad input)."""
    from ..errors import DataValidationError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args._module.run(args) or 0)
    except UsageError as exc:
        print(f"labor-analysis {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except DataValidationError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
