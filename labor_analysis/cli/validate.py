"""`labor-analysis validate`: check a data folder against the contract and print a row count per file."""

from __future__ import annotations

import argparse

from . import DATA_DIR_HELP


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `labor-analysis validate`."""
    parser.add_argument("--data-dir", default=None, help=DATA_DIR_HELP)


def run(args: argparse.Namespace) -> int:
    """Print "OK" and the rows of each file; a broken folder raises DataValidationError (exit 2, listed by main)."""
    from ..loading import load
    from . import keep_freed_memory

    keep_freed_memory()
    ds = load(args.data_dir)
    print(f"OK: {ds.data_dir}")
    tables = ds.tables()
    width = max(len(f"{name}.csv") for name in tables)
    for name, frame in tables.items():
        print(f"  {name + '.csv':<{width}}  {len(frame):>9,} rows")
    return 0
