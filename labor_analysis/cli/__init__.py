"""The `labor-analysis` command line: one subcommand per module in this package.

Every subcommand module is imported to build the parser; they are light (argparse only) and each imports
its heavy libraries (matplotlib, nbclient, scipy) inside its `run()`, so `--help` and bad arguments answer fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

#: subcommand name -> module in labor_analysis.cli that defines `add_arguments(parser)` and `run(args) -> int`.
SUBCOMMANDS = {
    "validate": "Check the data folder and print a row count per file.",
    "summary": "One row per election: shares, turnout, margin, challenged ballots, outcome.",
    "scenario": "What the challenged ballots could do to one election's result.",
    "charts": "Export every chart with its data, alt text, source line and a gallery page.",
    "rerun": "Execute the story notebooks into HTML reports, in parallel, skipping unchanged ones.",
    "import-nlrb": "Import NLRB election files (FOIA table, nlrb.gov downloads) into a data folder, with a report.",
}

#: Help of every subcommand's --data-dir option.
DATA_DIR_HELP = "data folder (default: $LABOR_ANALYSIS_DATA, else the project's data/)"


class UsageError(Exception):
    """A bad argument: reported as one line, exit status 2."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse with a one-line error: `labor-analysis <cmd>: error: <message>` on stderr and exit status 2.

    argparse's own error() prints the whole usage block first; one line is easier to read and to test.
    """

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> tuple[ArgumentParser, dict[str, ArgumentParser]]:
    """The top-level parser and each subcommand's parser by name (every one reports errors in one line)."""
    parser = ArgumentParser(
        prog="labor-analysis",
        description="Sourced data, NLRB rules and charts for the union elections at Amazon's US warehouses.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=ArgumentParser)
    subparsers: dict[str, ArgumentParser] = {}
    for name, help_text in SUBCOMMANDS.items():
        module = importlib.import_module(f"{__name__}.{name.replace('-', '_')}")
        p = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(p)
        p.set_defaults(_module=module)
        subparsers[name] = p
    return parser, subparsers


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The parsed arguments; a bad one exits with status 2 and one line naming the subcommand it belongs to."""
    parser, subparsers = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # reported by the subcommand's parser, so the line names the subcommand
        subparsers[args.command].error(f"unrecognized arguments: {' '.join(unknown)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status (0 ok, 1 failure, 2 bad input)."""
    from ..errors import DataValidationError

    try:
        args = parse(argv)
    except SystemExit as exc:  # --help (0) or a bad argument (2, already reported in one line)
        return int(exc.code or 0)
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
