"""`labor-analysis import-nlrb`: read NLRB election files into a data folder of the contract, with a report."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from . import DATA_DIR_HELP, UsageError


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
        "--out", required=True, help="folder to write (created if missing); never the data folder or an input's folder"
    )
    parser.add_argument(
        "--downloaded",
        type=_day,
        default=None,
        metavar="YYYY-MM-DD",
        help="day an nlrb.gov download was made, for files whose name holds no date",
    )
    parser.add_argument("--data-dir", default=None, help=DATA_DIR_HELP + "; the import never writes into it")


def run(args: argparse.Namespace) -> int:
    """Import the files, write the folder and import-report.json, and print the report."""
    from ..nlrb.importer import import_files, render_report
    from ..nlrb.tables import NlrbFileError

    try:
        result = import_files(args.files, args.out, downloaded=args.downloaded, data_dir=args.data_dir)
    except (NlrbFileError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    sys.stdout.write(render_report(result.report))
    return 0
