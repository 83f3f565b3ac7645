"""sources.csv rows for an import: one per input file (the NLRB release or download) and one per NLRB case page.

A FOIA table is cited by its request number, read from the file name (`NLRB-2022-000194`); an nlrb.gov
download by the day it was downloaded, from the file name (`2023-04-17` or the site's `--20230417103337`
stamp) or the `--downloaded` option. Nothing else about a file is guessed.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from . import foia_xlsx
from .tables import NlrbFileError, NlrbTable

PUBLISHER = "National Labor Relations Board"
FOIA_REQUEST = re.compile(r"NLRB-(\d{4})-(\d{6})", re.IGNORECASE)
ISO_DAY = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
SITE_STAMP = re.compile(r"--(\d{4})(\d{2})(\d{2})\d{6}")
RECENT_RESULTS_URL = "https://www.nlrb.gov/reports/graphs-data/recent-election-results"
CASE_URL = "https://www.nlrb.gov/case/{case}"
SOURCE_COLUMNS = ["source_id", "publisher", "title", "url", "published", "note"]


def _day_in_name(name: str) -> date | None:
    """A real calendar day named in a file name, or None."""
    for pattern in (ISO_DAY, SITE_STAMP):
        found = pattern.search(name)
        if found:
            try:
                return date(*(int(g) for g in found.groups()))
            except ValueError:
                return None
    return None


def file_source(table: NlrbTable, downloaded: date | None) -> dict[str, str]:
    """The sources.csv row citing one input file."""
    name = table.path.name
    checksum = f"file {name}, sha256 {table.sha256[:16]}"
    if table.format is foia_xlsx:
        request = FOIA_REQUEST.search(name)
        number = f"NLRB-{request.group(1)}-{request.group(2)}" if request else ""
        title = table.title or "Election results"
        return {
            "source_id": f"nlrb-foia-{number.lower()[5:]}" if number else f"nlrb-foia-{_slug(table.path.stem)}",
            "publisher": PUBLISHER,
            "title": f"{title} (FOIA request {number})" if number else f"{title} (FOIA release)",
            "url": "",
            "published": "",
            "note": f"Tally rows released under the Freedom of Information Act; {checksum}"
            + ("" if number else "; the request number is not in the file name"),
        }
    day = _day_in_name(name) or downloaded
    if day is None:
        raise NlrbFileError(
            f"{name}: an nlrb.gov download is cited by the day it was downloaded; the file name "
            "holds no date (YYYY-MM-DD): give it with --downloaded YYYY-MM-DD"
        )
    return {
        "source_id": f"nlrb-recent-results-{day.isoformat()}",
        "publisher": PUBLISHER,
        "title": f"Recent Election Results (nlrb.gov download of {day.isoformat()})",
        "url": RECENT_RESULTS_URL,
        "published": day.isoformat(),
        "note": f"Downloaded from nlrb.gov on the published date; {checksum}",
    }


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def unique_ids(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The file rows with repeated source ids told apart (`-2`, `-3`: two downloads of one day)."""
    seen: dict[str, int] = {}
    for row in rows:
        seen[row["source_id"]] = seen.get(row["source_id"], 0) + 1
        if seen[row["source_id"]] > 1:
            row["source_id"] = f"{row['source_id']}-{seen[row['source_id']]}"
    return rows


def case_sources(elections: pd.DataFrame) -> pd.DataFrame:
    """One row per case: its page on nlrb.gov (`nlrb-case-<case>`), cited by charts that name the case."""
    cases = elections.drop_duplicates("case_number")[["case_number", "employer"]].sort_values("case_number")
    return pd.DataFrame(
        {
            "source_id": "nlrb-case-" + cases["case_number"],
            "publisher": PUBLISHER,
            "title": "Case " + cases["case_number"] + " (" + cases["employer"] + ")",
            "url": cases["case_number"].map(lambda c: CASE_URL.format(case=c)),
            "published": "",
            "note": "Case page with the tallies and documents of the case",
        },
        columns=SOURCE_COLUMNS,
    )
