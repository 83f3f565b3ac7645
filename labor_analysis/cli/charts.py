"""`labor-analysis charts` (placeholder until its issue lands)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", default=None, help="data folder (default: the project's data/)")


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError
