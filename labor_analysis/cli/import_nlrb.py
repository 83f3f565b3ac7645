"""`labor-analysis import-nlrb`: read NLRB election files into a data folder of the contract, with a report."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from . import UsageError


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `labor-analysis import-nlrb`."""
    parser.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="NLRB files: the FOIA election table (xlsx) and/or nlrb.gov 'Recent Election Results' "
        "downloads (CSV), in any order of trust: where files repeat a tally, the earlier wins",
    )
    parser.add_argument(
        "--out",
        required=True,
        help="folder to write (created if missing); never the project's data/ or notebooks/, the --data-dir folder "
        "or an input's folder, and a folder that already holds a data folder only with --replace",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="replace the data folder --out already holds (its five CSV files and import-report.json); never "
        "the project's data/",
    )
    parser.add_argument(
        "--downloaded",
        type=_day,
        default=None,
        metavar="YYYY-MM-DD",
        help="day an nlrb.gov download was made, for files whose name holds no date",
    )
    parser.add_argument(
        "--data-dir", default=None, help="a data folder the import must never write into (besides the project's data/)"
    )


def run(args: argparse.Namespace) -> int:
    """Import the files, write the folder and import-report.json, and print the report."""
    from ..collector import paused

    with paused():  # pandas' own import as well as the import's work (see collector.py)
        from ..nlrb.importer import import_files, render_report
        from ..nlrb.tables import NlrbFileError

        try:
            result = import_files(
                args.files, args.out, downloaded=args.downloaded, data_dir=args.data_dir, replace=args.replace
            )
        except (NlrbFileError, ValueError) as exc:
            raise UsageError(str(exc)) from None
    sys.stdout.write(render_report(result.report))
    return 0


def needs_data(args: argparse.Namespace) -> bool:
    """The import reads no data folder (`--data-dir` only names one to keep out of), so none need exist."""
    return False
