"""`labor-analysis scenario`: in plain words, what the challenged ballots could do to one election's result."""

from __future__ import annotations

import argparse
import sys

from . import UsageError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--election", metavar="ID", help="an election_id of the data folder, e.g. bhm1-2022")
    parser.add_argument("--data-dir", default=None,
                        help="data folder for --election (default: $LABOR_ANALYSIS_DATA, else the project's data/)")
    parser.add_argument("--yes", type=int, metavar="N", help="yes votes counted (instead of --election)")
    parser.add_argument("--no", type=int, metavar="N", help="no votes counted (instead of --election)")
    parser.add_argument("--challenged", type=int, metavar="N", help="challenged ballots (instead of --election)")
    parser.add_argument(
        "--yes-share",
        type=float,
        metavar="Q",
        help="share of counted challenged ballots that are yes, 0..1 (default: the yes share of the counted ballots)",
    )
    parser.add_argument(
        "--overruled",
        type=float,
        default=1.0,
        metavar="U",
        help="share of challenges overruled, so the ballot is opened and counted, 0..1; the rest are sustained "
        "and not counted (default 1)",
    )
    parser.add_argument("--upheld", dest="overruled", type=float, help=argparse.SUPPRESS)  # the old name


def _tally_from_election(args: argparse.Namespace) -> tuple[str, int, int, int]:
    """(description, yes, no, challenged) of the election named by --election, from its latest stage."""
    import pandas as pd

    from ..elections import results
    from ..loading import load
    from ..text import long_date

    table = results(load(args.data_dir)).set_index("election_id")
    if args.election not in table.index:
        known = ", ".join(table.index)
        raise UsageError(f"unknown election {args.election!r} (the data folder has: {known})")
    row = table.loc[args.election]
    for choice in ("yes", "no", "challenged"):
        if pd.isna(row[choice]):
            raise UsageError(f"the {choice} ballots of {args.election} were never reported; give the counts instead")
    description = f"{row['name']} ({row['union']}, {row['stage']} tally of {long_date(row['count_date'])})"
    return description, int(row["yes"]), int(row["no"]), int(row["challenged"])


def _tally(args: argparse.Namespace) -> tuple[str, int, int, int]:
    """(description, yes, no, challenged) from --election or from --yes/--no/--challenged."""
    given = [name for name in ("yes", "no", "challenged") if getattr(args, name) is not None]
    if args.election is not None:
        if given:
            raise UsageError(f"give either --election or the counts, not both (got --election and --{given[0]})")
        return _tally_from_election(args)
    if args.data_dir is not None:
        raise UsageError("--data-dir goes with --election")
    if len(given) < 3:
        missing = next(n for n in ("yes", "no", "challenged") if getattr(args, n) is None)
        raise UsageError(f"give --election ID, or all of --yes, --no and --challenged (missing --{missing})")
    return "the tally given", args.yes, args.no, args.challenged


def describe(description: str, yes: int, no: int, challenged: int, yes_share: float | None, overruled: float) -> str:
    """The scenario in plain words: the count, whether the challenged ballots matter, what it takes, the odds."""
    from ..rules import win_probability
    from ..text import challenged_ballots_sentence, fmt_probability

    lines = [f"{description}: {yes} yes, {no} no, {challenged} challenged.",
             challenged_ballots_sentence(yes, no, challenged)]
    if yes_share is None:
        valid = yes + no
        if valid == 0:
            raise UsageError("no yes or no votes were counted, so give --yes-share")
        yes_share = yes / valid
        share_note = f"{fmt_probability(yes_share)}, the yes share of the counted ballots (no --yes-share was given)"
    else:
        share_note = fmt_probability(yes_share)
    probability = win_probability(yes, no, challenged, yes_share, overruled)
    lines.append(
        f"If the challenge to each challenged ballot is overruled with probability {fmt_probability(overruled)} (the "
        f"ballot is then opened and counted) and each counted ballot is yes with probability {share_note}, the "
        f"union wins with probability {fmt_probability(probability)}."
    )
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    description, yes, no, challenged = _tally(args)
    for name, value in (("--yes", yes), ("--no", no), ("--challenged", challenged)):
        if value < 0:
            raise UsageError(f"{name} must not be negative (got {value})")
    for name, value in (("--yes-share", args.yes_share), ("--overruled", args.overruled)):
        if value is not None and not 0 <= value <= 1:
            raise UsageError(f"{name} must be a share between 0 and 1 (got {value:g})")
    sys.stdout.write(describe(description, yes, no, challenged, args.yes_share, args.overruled))
    return 0
