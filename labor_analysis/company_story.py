"""A company against the nation (notebook 07): its elections in the national record against every other
employer's elections in the same years, as findings (the table, then the words written from it)."""

from __future__ import annotations

import pandas as pd

from .loading import Dataset
from .nlrb.national_story import with_record_files
from .results import results
from .safe_html import escape_markdown
from .story import Passage
from .text import fmt_int, fmt_pct

#: The groups of `against_the_rest`, in order.
GROUPS = ("company", "every other employer")


def _rate(won: int, decided: int) -> str:
    """'230 of 274 (83.9%)', or 'none of none' when no election was decided."""
    return f"{fmt_int(won)} of {fmt_int(decided)} ({fmt_pct(won / decided)})" if decided else "none of none"


def _voters(median: float) -> str:
    """A median count of eligible voters, or 'an unreported number of' where no unit's count is on record."""
    return "an unreported number of" if pd.isna(median) else fmt_int(median)


def comparison_table(record: Dataset, company: str) -> pd.DataFrame:
    """The company's elections and every other employer's in the years the company held one: elections, wins and
    losses by the count and as certified, win rates, median unit, elections whose challenged ballots were
    determinative. One row per group (`GROUPS`); the company's row counts 0 elections when it has none."""
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
    states = chosen.elections["state"].dropna().nunique()
    span = f"from {years.min()} to {years.max()}" if years.min() != years.max() else f"in {years.min()}"
    n = int(mine["elections"])
    text = (
        f"Workers at {name} voted in {fmt_int(n)} NLRB {'election' if n == 1 else 'elections'} {span}, in "
        f"{fmt_int(states)} {'state' if states == 1 else 'states'}. Of those the count decided, unions won "
        f"{_rate(mine['won'], mine['won'] + mine['lost'])}; of those the NLRB certified, "
        f"{_rate(mine['certified_won'], mine['certified_won'] + mine['certified_lost'])}. In the same years, "
        f"unions won {_rate(rest['won'], rest['won'] + rest['lost'])} of every other employer's elections the "
        f"count decided. The median unit at {name} had {_voters(mine['median_eligible_voters'])} eligible voters, "
        f"against {_voters(rest['median_eligible_voters'])} elsewhere; challenged ballots could decide "
        f"{fmt_int(mine['challenged_determinative'])} of the elections at {name}."
    )
    # the NLRB files both groups' rows come from, and the annual reports of the certified results
    elections = record.elections
    compared = elections[elections["count_date"].dt.year.isin(set(years))]
    reports = [s for s in record.sources["source_id"].astype(str) if s.startswith("nlrb-election-report-")]
    sources = tuple(sorted({*compared["source_id"].astype(str), *reports}))
    finding = Passage(text, sources, table).citing(with_record_files(record))
    return finding.charting(chosen, "timeline")
