"""The `labor-analysis` command line: one subcommand per module in this package.

Every subcommand module is imported to build the parser; they are light (argparse only) and each imports
its heavy libraries (matplotlib, nbclient, scipy) inside its `run()`, so `--help` and bad arguments answer fast.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

#: subcommand name -> module in labor_analysis.cli that defines `add_arguments(parser)` and `run(args) -> int`.
SUBCOMMANDS = {
    "validate": "Check the data folder and print a row count per file.",
    "summary": "One row per election: shares, turnout, margin, challenged ballots, outcome.",
    "scenario": "What the challenged ballots could do to one election's result.",
    "charts": "Export every chart with its data, alt text, source line and a gallery page.",
    "rerun": "Execute the story notebooks into HTML reports, in parallel, skipping unchanged ones.",
    "import-nlrb": "Import NLRB election files (FOIA table, nlrb.gov downloads) into a data folder, with a report.",
}

#: Errors of a folder that cannot be written (read-only, full, not ours): one message and exit status 2.
UNWRITABLE = {errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM}

#: Help of every subcommand's --data-dir option.
DATA_DIR_HELP = "data folder (default: $LABOR_ANALYSIS_DATA, else the project's data/)"


#: glibc's `mallopt` parameters: the size from which an allocation gets a mapping of its own, and the free memory
#: at the top of the heap that is kept rather than handed back to the system.
_M_MMAP_THRESHOLD, _M_TRIM_THRESHOLD = -3, -1


def keep_freed_memory() -> None:
    """For a command that reads a folder once and exits (`validate`, `summary`): on glibc, reuse the memory the
    run frees for its next arrays instead of returning it to the system and faulting in fresh zeroed pages each
    time (a national summary spends about a twentieth of its time there). Such a command never needs to give
    memory back before it exits; on other C libraries nothing changes."""
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter runs on
    except (AttributeError, OSError, TypeError):  # no mallopt (not glibc), or no C library to load (Windows)
        return
    mallopt(_M_MMAP_THRESHOLD, 32 * 2**20)  # the largest glibc accepts on 64-bit systems (man 3 mallopt)
    mallopt(_M_TRIM_THRESHOLD, 2**30)


class UsageError(Exception):
    """A bad argument: reported as one line, exit status 2."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse with a one-line error: `labor-analysis <cmd>: error: <message>` on stderr and exit status 2.

    argparse's own error() prints the whole usage block first; one line is easier to read and to test.
    """

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


class VersionAction(argparse.Action):
    """`--version`: prints `labor-analysis <version>` and exits, reading the package metadata only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> NoReturn:
        from .. import __version__  # from the package metadata (pyproject.toml)

        sys.stdout.write(f"{parser.prog} {__version__}\n")
        parser.exit()


def build_parser() -> tuple[ArgumentParser, dict[str, ArgumentParser]]:
    """The top-level parser and each subcommand's parser by name (every one reports errors in one line)."""
    parser = ArgumentParser(
        prog="labor-analysis",
        description="Sourced data, NLRB rules and charts for the union elections at Amazon's US warehouses.",
    )
    parser.add_argument("--version", action=VersionAction, help="show program's version number and exit")
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


def _check_data_folder(args: argparse.Namespace) -> None:
    """One wording for a missing data folder, whichever command meets it (modules may say they need none)."""
    from ..paths import existing_data_dir

    needs_data: Callable[[argparse.Namespace], bool] = getattr(args._module, "needs_data", lambda _: True)
    if hasattr(args, "data_dir") and needs_data(args):
        existing_data_dir(args.data_dir)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM stops a command the way Ctrl-C does: workers stopped, temporary files removed, exit status 130."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _silence_stdout() -> None:
    """After a closed pipe (`labor-analysis summary | head -1`): send what is left to /dev/null.

    As Python's documentation advises, so that the interpreter's final flush does not fail again.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout is not a real file (captured in tests)
        pass


def _run(args: argparse.Namespace) -> int:
    """Run the parsed command; expected failures become one line on stderr and an exit status."""
    from ..errors import DataValidationError
    from ..output_lock import OutputFolderBusyError
    from ..paths import MissingDataFolderError

    try:
        _check_data_folder(args)
        status = int(args._module.run(args) or 0)
        sys.stdout.flush()
        return status
    except (UsageError, MissingDataFolderError, OutputFolderBusyError) as exc:
        print(f"labor-analysis {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except DataValidationError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except BrokenPipeError:
        _silence_stdout()
        return 1
    except OSError as exc:
        if exc.errno not in UNWRITABLE:
            raise
        where = f": {exc.filename}" if exc.filename else ""
        print(f"labor-analysis {args.command}: error: {exc.strerror}{where}", file=sys.stderr)
        return 2


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status (0 ok, 1 failure, 2 bad input, 130 interrupted).

    Without `argv` it runs the process's own command line, and the process exits next: the collector's last pass
    over everything the command left is skipped (`collector.skip_last_pass`)."""
    status = _main(argv)
    if argv is None:
        from ..collector import skip_last_pass

        skip_last_pass()
    return status


def _main(argv: Sequence[str] | None) -> int:
    try:
        args = parse(argv)
    except SystemExit as exc:  # --help, --version (0) or a bad argument (2, already reported in one line)
        return int(exc.code or 0)
    try:
        with _sigterm_as_interrupt():
            return _run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
