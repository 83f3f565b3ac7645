"""Import NLRB files into a data folder of the project's contract, with a report accounting for every input row.

`import_files` reads each file (format from its header), decides every row's fate (`rows`), merges tallies
repeated across files (`combine`), builds elections and stages (`elections`), and writes elections.csv,
tallies.csv, sources.csv, empty spending.csv and workforce.csv (header only) and import-report.json.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from .. import collector
from ..paths import check_output_dir, not_a_regular_file
from . import checked_folder, combine, companies, elections, sources
from . import rows as row_rules
from .tables import NlrbFileError, NlrbTable, read_nlrb_file

REPORT_NAME = "import-report.json"


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote: the folder, the report (as written to import-report.json) and the two main frames."""

    out_dir: Path
    report: dict
    elections: pd.DataFrame
    tallies: pd.DataFrame


def check_out_dir(
    out_dir: str | os.PathLike[str],
    inputs: list[Path],
    data_dir: str | os.PathLike[str] | None = None,
    *,
    replace: bool = False,
) -> Path:
    """`out_dir` resolved; ValueError where `paths.check_output_dir` refuses it (the project's data/ and notebooks/,
    `data_dir` when given, a folder holding a data folder unless `replace`), for an input's folder, or a file.

    The same answer whatever LABOR_ANALYSIS_DATA says: the import reads no data folder, so only an explicit
    `data_dir` is protected beside the project's own.
    """
    out = check_output_dir(out_dir, data_dir, "the import", replace_data=replace)
    for path in inputs:
        if path.resolve().parent == out:
            raise ValueError(f"refusing to write the import into the folder of its input {path.name}: {out}")
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out is a file, not a folder: {out}")
    return out


def import_files(
    paths: list[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    downloaded: date | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    replace: bool = False,
) -> ImportResult:
    """Import the NLRB files `paths` (earlier files win where files repeat a tally) into `out_dir`; `replace` lets
    it replace the data folder `out_dir` holds (never the project's `data/`).

    Raises tables.NlrbFileError for a file that cannot be imported, checked_folder.ImportContractError for a folder
    `validate` would reject, and ValueError for a forbidden output folder; nothing is written until every file has
    been read and the folder to write has passed the data contract.
    """
    with collector.paused():  # a tenth of the import's time went on the collector's passes (issue #20)
        return _import_files(paths, out_dir, downloaded, data_dir, replace)


def _import_files(
    paths: list[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    downloaded: date | None,
    data_dir: str | os.PathLike[str] | None,
    replace: bool,
) -> ImportResult:
    """`import_files`, with the collector paused."""
    inputs = [Path(p) for p in paths]
    out = check_out_dir(out_dir, inputs, data_dir, replace=replace)
    for path in inputs:
        why = not_a_regular_file(path)
        if why is not None:  # read nothing else: a FIFO would block for ever, /dev/null reads as an empty file
            raise NlrbFileError(f"{path}: {why}; expected an NLRB election table")
    tables = [read_nlrb_file(p) for p in inputs]
    file_sources = sources.unique_ids([sources.file_source(t, downloaded) for t in tables])
    source_ids = [s["source_id"] for s in file_sources]
    names = [t.path.name for t in tables]
    frames = [t.rows.assign(file=k, record=t.format.RECORD) for k, t in enumerate(tables)]
    combined = pd.concat(frames, ignore_index=True)
    # the file each certified result comes from, so an election citing a tally file also cites its report
    combined["certified_file"] = combined["file"].where(combined["certified"].ne(""), -1)
    rows = row_rules.classify(combined)
    disagreements = combine.merge_files(rows, names) + combine.attach_results(rows, names)
    built = elections.build(rows, source_ids)
    source_frame = pd.concat(
        [pd.DataFrame(file_sources, columns=sources.SOURCE_COLUMNS), sources.case_sources(built.elections)],
        ignore_index=True,
    )
    origin = checked_folder.origin_finder(rows, names)
    written, by_name, repairs = checked_folder.render_checked(
        {"elections": built.elections, "tallies": built.tallies, "sources": source_frame}, origin
    )
    rendered = {f"{name}.csv": r for name, r in by_name.items()}
    files = {filename: r.data for filename, r in rendered.items()}
    files.update({f"{name}.csv": checked_folder.header_only(name) for name in ("spending", "workforce")})
    read = {filename: checked_folder.parsed(filename.removesuffix(".csv"), r) for filename, r in rendered.items()}
    checked_folder.check(files, origin, read)
    report = _report(tables, file_sources, rows, built, disagreements, len(source_frame), out)
    report["adjustments"] = {**report["adjustments"], **repairs}
    files[REPORT_NAME] = (json.dumps(report, indent=2) + "\n").encode("utf-8")
    checked_folder.write(out, files)
    return ImportResult(out, report, written["elections"], written["tallies"])


def _fate_counts(fates: pd.Series) -> dict[str, int]:
    counts = fates.value_counts()
    return {fate: int(counts.get(fate, 0)) for fate in row_rules.FATES}


def _report(
    tables: list[NlrbTable],
    file_sources: list[dict[str, str]],
    rows: pd.DataFrame,
    built: elections.Built,
    disagreements: list[combine.Disagreement],
    n_sources: int,
    out: Path,
) -> dict:
    """The import report: rows read and the fate of each, per file and in all; what was written and adjusted."""
    per_file = []
    by_file = rows.groupby("file", sort=False)["fate"]
    for k, (table, source) in enumerate(zip(tables, file_sources)):
        mine = by_file.get_group(k) if k in by_file.groups else rows["fate"].iloc[:0]
        per_file.append(
            {
                "file": table.path.name,
                "format": table.format.DESCRIPTION,
                "source_id": source["source_id"],
                "title": table.title,
                "rows_read": len(mine),
                "blank_rows_ignored": table.blank_rows,
                "tables_read": table.tables,
                "sheets_read": list(table.sheets),
                "title_rows_ignored": table.title_rows,
                "rows": _fate_counts(mine),
            }
        )
    fates = _fate_counts(rows["fate"])
    unaccounted = len(rows) - sum(fates.values())
    if unaccounted:  # a rule left a row without a fate: a bug, never a silent loss
        raise AssertionError(f"{unaccounted} input rows have no fate in the import report")
    ids = built.elections
    return {
        "output": str(out),
        "files": per_file,
        "rows_read": len(rows),
        "rows": fates,
        "elections_written": len(ids),
        "elections_by_kind": {k: int(v) for k, v in ids["kind"].value_counts().sort_index().items()},
        "tallies_written": len(built.tallies),
        "stages_written": int(built.tallies[["election_id", "stage"]].drop_duplicates().shape[0]),
        "sources_written": n_sources,
        "adjustments": built.counts,
        "disagreements_between_files": [d.as_dict() for d in disagreements],
        # companies whose names look alike but the rules and the alias table did not join: for review
        "company_near_matches": companies.near_matches(built.elections["company"]),
    }


def render_report(report: dict) -> str:
    """The report as text for the terminal: totals, then each file's rows by fate, then the disagreements."""
    lines = [f"Imported {report['rows_read']} tally rows into {report['output']}"]
    for f in report["files"]:
        lines.append(f"  {f['file']} ({f['format']}, cited as {f['source_id']}): {f['rows_read']} rows read")
    lines.append("Rows by fate (every input row is counted once):")
    width = max(len(k) for k in report["rows"])
    lines += [f"  {fate:<{width}}  {n:>6}" for fate, n in report["rows"].items() if n]
    lines.append(f"  {'total':<{width}}  {sum(report['rows'].values()):>6}")
    kinds = ", ".join(f"{n} {k}" for k, n in report["elections_by_kind"].items())
    lines.append(
        f"Wrote {report['elections_written']} elections ({kinds}), {report['stages_written']} tallies "
        f"({report['tallies_written']} rows), {report['sources_written']} sources"
    )
    adjusted = {k: v for k, v in report["adjustments"].items() if v}
    if adjusted:
        lines.append("Adjustments and flags:")
        lines += [f"  {k}: {v}" for k, v in adjusted.items()]
    found = report["disagreements_between_files"]
    if found:
        lines.append(f"The files disagree on {len(found)} tallies (the first file's figures were used):")
        for d in found[:20]:
            diff = ", ".join(f"{c} {d['used_values'][c]} vs {d['other_values'][c]}" for c in d["differs_in"])
            lines.append(f"  {d['case_number']} {d['kind']} {d['tally_date']}: {diff} (used {d['used']})")
        if len(found) > 20:
            lines.append(f"  ... and {len(found) - 20} more in {REPORT_NAME}")
    return "\n".join(lines) + "\n"
