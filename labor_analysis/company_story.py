"""A company against the nation (notebook 07): its elections in the national record against every other
employer's elections in the same years, as findings (the table, then the words written from it)."""

from __future__ import annotations

import pandas as pd

from .loading import Dataset
from .nlrb.national_story import with_record_files
from .results import results
from .safe_html import escape_markdown
from .story import Passage
from .text import capitalised, count_of, fmt_int, part_of, state_name

#: The groups of `against_the_rest`, in order.
GROUPS = ("company", "every other employer")


def _won(row: pd.Series, won: str, lost: str, which: str) -> str:
    """'of the 3 elections the count decided, unions won none' (`which`: the elections counted), from a
    `comparison_table` row's `won` and `lost` columns; 'unions lost the one election ...' of one; 'no election the
    count decided' when there is none."""
    decided = int(row[won] + row[lost])
    if not decided:
        return f"no election {which.removeprefix('of every other employer ')}"
    if decided == 1:
        return f"unions {'won' if row[won] else 'lost'} the one election {which}"
    return f"of the {count_of(decided, 'election')} {which}, unions won {part_of(row[won], decided)}"


def _challenged(determinative: int, on_record: int, name: str) -> str:
    """How many of the company's elections whose challenged ballots are on record they could have decided."""
    if not on_record:
        return f"No election at {name} has its challenged ballots on record."
    # the latest count of each election (a revised count included), unlike notebook 06, which compares first counts
    said = (
        f"The challenged ballots of {count_of(on_record, 'election')} at {name} are on record at their latest count: "
    )
    if on_record == 1:
        return said + f"they could{'' if determinative else ' not'} have changed its result."
    if not determinative:
        return said + "in none could they have changed the result."
    return said + f"they could have changed the result in {part_of(determinative, on_record)}."


def _units(mine: pd.Series, rest: pd.Series, name: str) -> str:
    """The company's median unit against every other employer's; 'The unit' when the company held one election."""
    unit = "The unit" if mine["elections"] == 1 else "The median unit"
    return (
        f"{unit} at {name} had {_voters(mine['median_eligible_voters'])} eligible voters, against a median of "
        f"{_voters(rest['median_eligible_voters'])} elsewhere."
    )


def _voters(median: float) -> str:
    """A median count of eligible voters, or 'an unreported number of' where no unit's count is on record."""
    return "an unreported number of" if pd.isna(median) else fmt_int(median)


def comparison_table(record: Dataset, company: str) -> pd.DataFrame:
    """The company's elections and every other employer's in the years the company held one: elections, wins and
    losses by the count and as certified, win rates, median unit, elections whose challenged ballots are on record
    and those where they were determinative. One row per group (`GROUPS`); the company's row counts 0 elections
    when it has none."""
    table = results(record)
    mine = table["election_id"].isin(set(record.select(company=company).elections["election_id"]))
    years = set(table.loc[mine, "count_date"].dt.year)
    same_years = table["count_date"].dt.year.isin(years)
    rows = {}
    for group, chosen in zip(GROUPS, (mine, ~mine & same_years)):
        part = table[chosen.to_numpy(dtype=bool)]
        outcome, certified = part["outcome"].astype(str), part["certified"].astype(str)
        won, lost = int((outcome == "won").sum()), int((outcome == "lost").sum())
        c_won, c_lost = int((certified == "won").sum()), int((certified == "lost").sum())
        rows[group] = {
            "elections": len(part),
            "won": won,
            "lost": lost,
            "win_rate": won / (won + lost) if won + lost else float("nan"),
            "certified_won": c_won,
            "certified_lost": c_lost,
            "certified_win_rate": c_won / (c_won + c_lost) if c_won + c_lost else float("nan"),
            "median_eligible_voters": part["eligible_voters"].median(),
            "challenged_on_record": int(part["determinative"].notna().sum()),
            "challenged_determinative": int(part["determinative"].fillna(False).astype(bool).sum()),
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("group")


def against_the_rest(record: Dataset, company: str) -> Passage:
    """How the company's elections went, by the count and as certified, against every other employer's elections
    in the same years; a clear sentence when the record holds none of the company's."""
    table = comparison_table(record, company)
    name = escape_markdown(company)
    mine, rest = table.loc["company"], table.loc["every other employer"]
    if not mine["elections"]:
        text = f"The national record holds no election of {name}, so there is nothing to compare."
        return Passage(text, (), table).charting(record.select(company=company), "timeline")
    chosen = record.select(company=company)
    years = chosen.elections["count_date"].dt.year
    states = chosen.elections["state"].dropna().astype(str).unique()
    span = f"from {years.min()} to {years.max()}" if years.min() != years.max() else f"in {years.min()}"
    where = f"in {state_name(states[0])}" if len(states) == 1 else f"in {fmt_int(len(states))} states"
    n = int(mine["elections"])
    determinative, on_record = int(mine["challenged_determinative"]), int(mine["challenged_on_record"])
    text = (
        f"The national record holds {count_of(n, 'NLRB election')} at {name}, counted {span}, {where}. "
        + capitalised(_won(mine, "won", "lost", "the count decided"))
        + "; "
        + _won(mine, "certified_won", "certified_lost", "the NLRB certified")
        + ". In the same years, "
        + _won(rest, "won", "lost", "of every other employer the count decided")
        + f". {_units(mine, rest, name)} "
        + _challenged(determinative, on_record, name)
    )
    # the NLRB files both groups' rows come from, and the annual reports of the certified results
    elections = record.elections
    compared = elections[elections["count_date"].dt.year.isin(set(years))]
    reports = [s for s in record.sources["source_id"].astype(str) if s.startswith("nlrb-election-report-")]
    sources = tuple(sorted({*compared["source_id"].astype(str), *reports}))
    finding = Passage(text, sources, table).citing(with_record_files(record))
    return finding.charting(chosen, "timeline", instead="elections-by-year")  # too many for a time line: by year
