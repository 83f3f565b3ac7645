"""`labor-analysis scenario`: in plain words, what the challenged ballots could do to one election's result."""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass

from . import UsageError

#: A count as the data files write one: decimal digits alone (ASCII), no sign, space, separator or exponent.
_NUMERAL = re.compile(r"[0-9]+")
#: A share: a plain decimal fraction (`0.5`, `.5`, `1`), no sign, space, exponent, `nan` or `inf`.
_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")


def _count(value: str) -> int:
    """A ballot count with the data files' rule and bound (tallies.csv `ballots`): digits alone, 0 to 10,000,000."""
    from ..schema import MAX_COUNT, TABLES_BY_NAME  # here, not at the top: it imports pandas, and every command
    # of the command line builds this parser (`labor-analysis rerun` with nothing to run should not pay for it)

    field = TABLES_BY_NAME["tallies"].column("ballots")
    low, high = field.minimum or 0, field.maximum or MAX_COUNT
    if not _NUMERAL.fullmatch(value):
        raise argparse.ArgumentTypeError(
            f"not a whole number in digits alone (no sign, space, decimal point, exponent or separator): {value!r}"
        )
    if len(value.lstrip("0")) > len(str(high)) or not low <= int(value) <= high:
        shown = value if len(value) <= 30 else f"{value[:30]}... ({len(value):,} digits)"
        raise argparse.ArgumentTypeError(f"must be from {low:,} to {high:,}, the data files' bounds (got {shown})")
    return int(value)


def _share(value: str) -> float:
    """A share between 0 and 1 written as a plain decimal (`0.55`)."""
    if len(value) > 40 or not _DECIMAL.fullmatch(value):
        raise argparse.ArgumentTypeError(f"not a share written as a plain decimal such as 0.55: {value[:40]!r}")
    share = float(value)
    if not 0 <= share <= 1:
        raise argparse.ArgumentTypeError(f"must be a share between 0 and 1 (got {value})")
    return share


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--election", metavar="ID", help="an election_id of the data folder, e.g. bhm1-2022")
    parser.add_argument(
        "--data-dir",
        default=None,
        help="data folder for --election (default: $LABOR_ANALYSIS_DATA, else the project's data/)",
    )
    parser.add_argument("--yes", type=_count, metavar="N", help="yes votes counted (instead of --election)")
    parser.add_argument("--no", type=_count, metavar="N", help="no votes counted (instead of --election)")
    parser.add_argument("--challenged", type=_count, metavar="N", help="challenged ballots (instead of --election)")
    parser.add_argument(
        "--yes-share",
        type=_share,
        metavar="Q",
        help="share of counted challenged ballots that are yes, 0..1 (default: the yes share of the counted ballots)",
    )
    parser.add_argument(
        "--overruled",
        type=_share,
        default=1.0,
        metavar="U",
        help="share of challenged ballots whose challenge is overruled (opened and counted), 0..1; the rest are "
        "sustained and not counted (default 1)",
    )


@dataclass(frozen=True)
class Tally:
    """One count to explain: its description, the votes for each union on the ballot, no, and challenged ballots."""

    description: str
    unions: tuple[tuple[str, int], ...]  # (union name, votes) in ballot order; one entry on a single-union ballot
    no: int
    challenged: int
    runoff_allowed: bool = True  # False for a run-off election: the NLRB holds one run-off only

    @property
    def yes(self) -> int:
        return sum(votes for _, votes in self.unions)


def _tally_from_election(args: argparse.Namespace) -> Tally:
    """The latest stage of the election named by --election."""
    import pandas as pd

    from ..elections import results
    from ..loading import load
    from ..text import long_date

    ds = load(args.data_dir)
    table = results(ds).set_index("election_id")
    if args.election not in table.index:
        known = ", ".join(table.index)
        raise UsageError(f"unknown election {args.election!r} (the data folder has: {known})")
    row = table.loc[args.election]
    for choice in ("yes", "no", "challenged"):
        if pd.isna(row[choice]):
            raise UsageError(f"the {choice} ballots of {args.election} were never reported; give the counts instead")
    description = f"{row['name']} ({row['union']}, {row['stage']} tally of {long_date(row['count_date'])})"
    unions: tuple[tuple[str, int], ...] = ((str(row["union"]), int(row["yes"])),)
    if int(row["unions"]) > 1:
        tallies = ds.tallies
        yes_rows = tallies[
            (tallies["election_id"] == args.election)
            & (tallies["stage"].astype(str) == row["stage"])
            & (tallies["choice"].astype(str) == "yes")
        ]
        unions = tuple((str(name), int(votes)) for name, votes in zip(yes_rows["union"], yes_rows["ballots"]))
    return Tally(description, unions, int(row["no"]), int(row["challenged"]), row["kind"] != "runoff")


def _tally(args: argparse.Namespace) -> Tally:
    """The count from --election or from --yes/--no/--challenged."""
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
    return Tally("the tally given", (("the union", args.yes),), args.no, args.challenged)


def describe(tally: Tally, yes_share: float | None, overruled: float) -> str:
    """The scenario in plain words: the count, whether the challenged ballots matter, what it takes, the odds.

    No probability when the count decided it (no challenged ballots, or not determinative), and none on a ballot
    with several unions, which the single-union model does not cover.
    """
    from ..rules import is_determinative
    from ..scenario import Scenario
    from ..text import challenged_ballots_sentence, fmt_int

    if len(tally.unions) > 1:
        return _describe_several_unions(tally)
    yes, no, challenged = tally.yes, tally.no, tally.challenged
    lines = [
        f"{tally.description}: {fmt_int(yes)} yes, {fmt_int(no)} no, {fmt_int(challenged)} challenged.",
        challenged_ballots_sentence(yes, no, challenged),
    ]
    if not is_determinative(yes, no, challenged):
        if challenged:
            lines.append(f"The count decided it: the union {'won' if yes > no else 'lost'}.")
        return "\n".join(lines) + "\n"
    reason = ""
    if yes_share is None:
        valid = yes + no
        if valid == 0:
            raise UsageError("no yes or no votes were counted, so give --yes-share")
        yes_share = yes / valid
        reason = " (the yes share of the counted ballots; no --yes-share was given)"
    lines.append(Scenario(yes, no, challenged, overruled, yes_share, yes_share_reason=reason).probability_text)
    return "\n".join(lines) + "\n"


def _describe_several_unions(tally: Tally) -> str:
    """A ballot with several unions: the count, its outcome under the NLRB rules, and why no probability is given."""
    import pandas as pd

    from ..rules import NO_UNION, count_outcome, multi_union_determinative
    from ..text import fmt_int

    names = [name for name, _ in tally.unions]
    votes = [[votes for _, votes in tally.unions]]
    choices = ", ".join(f"{fmt_int(v)} for {name}" for name, v in tally.unions)
    lines = [
        f"{tally.description}: a ballot with {len(names)} unions: {choices}, {fmt_int(tally.no)} for no union, "
        f"{fmt_int(tally.challenged)} challenged."
    ]
    counted = count_outcome(votes, [tally.no], runoff_allowed=tally.runoff_allowed).iloc[0]
    valid = tally.yes + tally.no

    def choice(number: int) -> str:
        return "no union" if number == NO_UNION else names[number]

    if counted["outcome"] == "won":
        result = f"{choice(int(counted['winner']))} has a majority of the {fmt_int(valid)} valid votes and wins"
    elif counted["outcome"] == "lost":
        result = f"no union has a majority of the {fmt_int(valid)} valid votes and none wins"
        if not tally.runoff_allowed:
            result += " (this was the run-off, and the NLRB holds only one)"
    elif pd.isna(counted["runoff_first"]):
        result = (
            f"no choice has a majority of the {fmt_int(valid)} valid votes and a tie for second place leaves "
            "no clear two for a run-off: the NLRB holds a new election among all the choices"
        )
    else:
        result = (
            f"no choice has a majority of the {fmt_int(valid)} valid votes, and the NLRB holds a run-off "
            f"between {choice(int(counted['runoff_first']))} and {choice(int(counted['runoff_second']))}"
        )
    ballots = f"{fmt_int(tally.challenged)} challenged ballot" + ("s are" if tally.challenged != 1 else " is")
    if tally.challenged == 0:
        lines.append(f"No ballots were challenged, so the count decided it: {result}.")
    elif bool(
        multi_union_determinative(votes, [tally.no], [tally.challenged], runoff_allowed=tally.runoff_allowed).iloc[0]
    ):
        lines.append(
            f"On the count {result}, but the {ballots} determinative: opened and counted, or not counted, "
            f"{'they' if tally.challenged != 1 else 'it'} could change that."
        )
    else:
        lines.append(f"The {ballots} not determinative, so the count decided it: {result}.")
    lines.append(
        "This command's probabilities cover a ballot with one union against no union, so none is given "
        "for a ballot with several unions."
    )
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    for name, value in (("--yes-share", args.yes_share), ("--overruled", args.overruled)):
        if value is not None and not 0 <= value <= 1:
            raise UsageError(f"{name} must be a share between 0 and 1 (got {value:g})")
    sys.stdout.write(describe(_tally(args), args.yes_share, args.overruled))
    return 0


def needs_data(args: argparse.Namespace) -> bool:
    """Only --election reads the data folder; counts given on the command line need none."""
    return args.election is not None
