"""data/CORRECTIONS.md, the public log of changes to published figures: well formed, sourced, true to the data."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from labor_analysis.paths import PROJECT_ROOT

COLUMNS = ["date", "file", "row", "column", "old value", "new value", "reason", "source_id"]


def log_entries(data_dir: Path) -> list[dict[str, str]]:
    """The rows of the corrections table: the Markdown table whose header is COLUMNS."""
    entries: list[dict[str, str]] = []
    header: list[str] | None = None
    for line in (data_dir / "CORRECTIONS.md").read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            header = None  # any other line ends a table
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
        elif header == COLUMNS and not set("".join(cells)) <= set("-: "):  # not the separator row
            assert len(cells) == len(COLUMNS), line
            entries.append(dict(zip(COLUMNS, cells, strict=True)))
    return entries


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def row_key(entry: dict[str, str]) -> dict[str, str]:
    """The `row` cell as {column: value}: `election_id=bhm1-2021; source_id=...`."""
    return dict(pair.split("=", 1) for pair in entry["row"].split("; "))


ENTRIES = log_entries(PROJECT_ROOT / "data")


def test_the_log_has_its_table(project_data_dir: Path) -> None:
    text = (project_data_dir / "CORRECTIONS.md").read_text(encoding="utf-8")
    assert "| " + " | ".join(COLUMNS) + " |" in text


@pytest.mark.parametrize("entry", ENTRIES, ids=[f"{e['date']}-{e['file']}-{e['column']}" for e in ENTRIES])
def test_every_correction_is_complete_and_sourced(project_data_dir: Path, entry: dict[str, str]) -> None:
    assert dt.date.fromisoformat(entry["date"]) <= dt.date.today()
    path = project_data_dir / entry["file"]
    assert path.suffix == ".csv" and path.is_file(), entry["file"]
    rows = read_rows(path)
    assert entry["column"] in rows[0]
    assert row_key(entry) and set(row_key(entry)) <= set(rows[0]), entry["row"]
    assert entry["old value"] != entry["new value"]
    assert entry["reason"]
    assert entry["source_id"] in {row["source_id"] for row in read_rows(project_data_dir / "sources.csv")}


def test_the_data_holds_each_latest_correction(project_data_dir: Path) -> None:
    """The newest entry for a value (entries are newest first) gives the value the data holds today."""
    seen: set[tuple[str, str, str]] = set()
    for entry in ENTRIES:
        where = (entry["file"], entry["row"], entry["column"])
        if where in seen:
            continue
        seen.add(where)
        key = row_key(entry)
        matches = [r for r in read_rows(project_data_dir / entry["file"]) if all(r[k] == v for k, v in key.items())]
        assert [r[entry["column"]] for r in matches] == [entry["new value"]], entry
