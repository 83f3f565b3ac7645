"""sources.csv rows for an import: one per input file (the NLRB release or download) and one per NLRB case page.

Each file is cited by its format's reader (`cite`, see `reader.py`): a FOIA table by its request number, an
nlrb.gov download by the day it was downloaded, an annual election report by its fiscal year. Nothing else
about a file is guessed.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from .reader import PUBLISHER, NlrbTable

CASE_URL = "https://www.nlrb.gov/case/{case}"
SOURCE_COLUMNS = ["source_id", "publisher", "title", "url", "published", "note"]


def file_source(table: NlrbTable, downloaded: date | None) -> dict[str, str]:
    """The sources.csv row citing one input file, as its format cites it."""
    return table.format.cite(table, downloaded)


def unique_ids(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The file rows with repeated source ids told apart (`-2`, `-3`: two downloads of one day)."""
    seen: dict[str, int] = {}
    for row in rows:
        seen[row["source_id"]] = seen.get(row["source_id"], 0) + 1
        if seen[row["source_id"]] > 1:
            row["source_id"] = f"{row['source_id']}-{seen[row['source_id']]}"
    return rows


def case_sources(elections: pd.DataFrame) -> pd.DataFrame:
    """One row per case: its page on nlrb.gov (`nlrb-case-<case>`), cited by charts that name the case (the texts
    built in lists: a Series' `+` costs more than the concatenation itself)."""
    # each case's employer as its first election names it (zipped backwards: an earlier election's is set last)
    first = dict(zip(elections["case_number"].tolist()[::-1], elections["employer"].tolist()[::-1]))
    cases = sorted(first)
    return pd.DataFrame(
        {
            "source_id": ["nlrb-case-" + c for c in cases],
            "publisher": PUBLISHER,
            "title": [f"Case {c} ({first[c]})" for c in cases],
            "url": [CASE_URL.format(case=c) for c in cases],
            "published": "",
            "note": "Case page with the tallies and documents of the case",
        },
        columns=SOURCE_COLUMNS,
    )
