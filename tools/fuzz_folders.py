"""Fuzz the data contract: mutate copies of a valid data folder and check that loading never breaks badly.

Each case copies the folder, applies one to three mutations (odd cell values and injection strings, other
encodings and line ends, columns dropped, repeated or renamed, rows dropped or repeated, stray quotes, huge
cells, truncated, empty or missing files...) and loads it. A case passes when `load()` either accepts the
folder, and then `summary()` runs and every loaded value keeps the contract (no wrong value accepted), or
raises DataValidationError with a message; anything else (a traceback) fails. With --cli, the same cases also
go through `labor-analysis validate` (exit 0 or 2, never a traceback).
With --family, the fuzzer turns to the commands that take outside input instead (tools/fuzz_trust.py):
`nlrb-foia` and `nlrb-csv` (import-nlrb on mutated NLRB files), `scenario` (random arguments, each case timed and
measured against 1 s and 500 MB) and `charts-interrupt` (charts stopped by a signal after a correction).
Usage: .venv/bin/python tools/fuzz_folders.py [--cases 500] [--seed 0] [--base data/] [--cli]
       .venv/bin/python tools/fuzz_folders.py --family nlrb-foia|nlrb-csv|scenario|charts-interrupt [--cases N]
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from labor_analysis import DataValidationError, load, summary
from labor_analysis.paths import PROJECT_ROOT
from labor_analysis.schema import DATE_MAX, DATE_MIN, ELECTION_ID_PATTERN, STAGE_PATTERN, TABLES, URL_PATTERN

#: Cell values that have broken, or could break, a loader: numbers in other notations, impossible dates,
#: links and markup that must never be trusted, quotes, line breaks, control and non-ASCII characters.
PAYLOADS = [
    "",
    " ",
    "5e3",
    "1.0",
    "-0",
    "-1",
    "+5",
    "007",
    "2,654",
    "9223372036854775807",
    "9223372036854775808",
    "1" + "0" * 30,
    "0x10",
    "\u0661\u0662",
    "jfk8-202\u00b2",  # an id whose year ends in a superscript two: a digit to str.isdigit, not to int()
    "jfk8-\u0662\u0660\u0662\u0662",  # an id whose year is in Arabic-Indic digits
    "NaN",
    "NA",
    "null",
    "None",
    "inf",
    "true",
    "TRUE",
    "false",
    "0",
    "0000-01-01",
    "1935-07-04",
    "1935-07-05",
    "2100-12-31",
    "2101-01-01",
    "2022-02-30",
    "2022-4-1",
    "20220401",
    "javascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "//evil.example/x",
    "https://",
    "HTTPS://WWW.NLRB.GOV/",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[link](javascript:alert(1))",
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)",
    '"',
    'a"b',
    "a,b",
    "line\nbreak",
    "cr\rinside",
    "crlf\r\ninside",
    "tab\there",
    "\x00",
    "\ufeff",
    "\u202e",
    "é",
    "😀",
    "x" * 140_000,
    "revised-0",
    "revised-1",
    "revised-2",
    "revised-99999999999999999999",
    "final",
    "initial",
    "yes",
    "no",
    "void",
    "challenged",
    "mixed",
    "runoff",
    "rerun",
    "ALU",
    "A",
]

Mutation = Callable[[Path, random.Random], str]


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix == ".csv")


def _rows(path: Path) -> list[list[str]]:
    """The records of a CSV file as the csv module reads them (the file is valid before mutating)."""
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _write(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8"))


def _readable(path: Path) -> list[list[str]] | None:
    """The records, or None when an earlier mutation left the file unreadable as UTF-8 CSV."""
    try:
        return _rows(path) if path.is_file() else None
    except (UnicodeDecodeError, csv.Error):
        return None


def set_cell(folder: Path, rng: random.Random) -> str:
    path = rng.choice(_files(folder))
    rows = _readable(path)
    if not rows or len(rows) < 2:
        return "set_cell: skipped"
    r, c = rng.randrange(1, len(rows)), rng.randrange(len(rows[0]))
    if c >= len(rows[r]):
        return "set_cell: skipped"
    other = rng.choice([cell for row in rows[1:] for cell in row] or [""])
    value = rng.choice([*PAYLOADS, other])
    rows[r][c] = value
    _write(path, rows)
    return f"set_cell: {path.name} row {r} column {rows[0][c]!r} = {value[:40]!r}"


def change_column(folder: Path, rng: random.Random) -> str:
    path = rng.choice(_files(folder))
    rows = _readable(path)
    if not rows or not rows[0]:
        return "change_column: skipped"
    c = rng.randrange(len(rows[0]))
    how = rng.choice(["drop", "repeat", "rename", "empty", "reverse"])
    name = rows[0][c]
    for i, row in enumerate(rows):
        if how == "drop":
            del row[c : c + 1]
        elif how == "repeat":
            row.append(row[c] if c < len(row) else "")
        elif how == "rename" and i == 0:
            row[c] = rng.choice([name.upper(), f" {name}", f"{name}_x", ""])
        elif how == "empty" and i > 0 and c < len(row):
            row[c] = ""
        elif how == "reverse":
            row.reverse()
    _write(path, rows)
    return f"change_column: {how} {path.name}.{name}"


def change_rows(folder: Path, rng: random.Random) -> str:
    path = rng.choice(_files(folder))
    rows = _readable(path)
    if not rows or len(rows) < 2:
        return "change_rows: skipped"
    how = rng.choice(
        ["drop", "repeat", "shuffle", "extra field", "short row", "blank lines", "header only", "many copies"]
    )
    r = rng.randrange(1, len(rows))
    if how == "drop":
        del rows[r]
    elif how == "repeat":
        rows.insert(r, list(rows[r]))
    elif how == "shuffle":
        body = rows[1:]
        rng.shuffle(body)
        rows[1:] = body
    elif how == "extra field":
        rows[r].append("surplus")
    elif how == "short row":
        rows[r] = rows[r][: rng.randrange(len(rows[r]) or 1)]
    elif how == "blank lines":
        rows.insert(r, [])
    elif how == "header only":
        del rows[1:]
    else:
        rows += [list(rows[r]) for _ in range(2000)]
    _write(path, rows)
    return f"change_rows: {how} in {path.name}"


def change_bytes(folder: Path, rng: random.Random) -> str:
    path = rng.choice(_files(folder))
    if not path.is_file():
        return "change_bytes: skipped"
    data = path.read_bytes()
    how = rng.choice(
        [
            "crlf",
            "cr only",
            "bare cr",
            "latin-1",
            "utf-16",
            "bom",
            "nul",
            "truncate",
            "quote",
            "flip byte",
            "empty",
            "whitespace",
            "missing",
            "folder",
            "no final newline",
            "huge line",
        ]
    )
    at = rng.randrange(len(data) + 1)
    if how == "crlf":
        data = data.replace(b"\n", b"\r\n")
    elif how == "cr only":
        data = data.replace(b"\n", b"\r")
    elif how == "bare cr":
        data = data[:at] + b"\r" + data[at:]
    elif how == "latin-1":
        data = data.decode("utf-8", "replace").replace("a", "\u00e4", 1).encode("latin-1", "replace")
    elif how == "utf-16":
        data = data.decode("utf-8", "replace").encode("utf-16")
    elif how == "bom":
        data = b"\xef\xbb\xbf" + data
    elif how == "nul":
        data = data[:at] + b"\x00" + data[at:]
    elif how == "truncate":
        data = data[:at]
    elif how == "quote":
        data = data[:at] + b'"' + data[at:]
    elif how == "flip byte" and data:
        i = rng.randrange(len(data))
        data = data[:i] + bytes([rng.randrange(256)]) + data[i + 1 :]
    elif how == "empty":
        data = b""
    elif how == "whitespace":
        data = b" \n\t\n"
    elif how == "no final newline":
        data = data.rstrip(b"\n")
    elif how == "huge line":
        data = data + b"x" * 300_000 + b"\n"
    if how == "missing":
        path.unlink()
    elif how == "folder":
        path.unlink()
        path.mkdir()
    else:
        path.write_bytes(data)
    return f"change_bytes: {how} in {path.name}"


MUTATIONS: list[Mutation] = [set_cell, set_cell, set_cell, change_column, change_rows, change_bytes]


def contract_breaches(ds) -> list[str]:
    """Values a loaded Dataset holds that the contract forbids: each one a wrong value accepted."""
    found = []
    for table in TABLES:
        frame = getattr(ds, table.name)
        for f in table.fields:
            column = frame[f.name]
            present = column.dropna()
            if f.required and len(present) < len(column):
                found.append(f"{table.name}.{f.name}: empty required cell")
            if f.type == "integer" and len(present):
                low = f.minimum if f.minimum is not None else 0
                if present.min() < low or (f.maximum is not None and present.max() > f.maximum):
                    found.append(f"{table.name}.{f.name}: out of bounds")
            dated = f.type == "date" and len(present)
            if dated and (present.min() < pd.Timestamp(DATE_MIN) or present.max() > pd.Timestamp(DATE_MAX)):
                found.append(f"{table.name}.{f.name}: date out of range")
            if f.enum and not set(present.astype(str)) <= set(f.enum):
                found.append(f"{table.name}.{f.name}: value not allowed")
            if f.type == "boolean" and column.dtype != bool:
                found.append(f"{table.name}.{f.name}: not boolean")
    checks = [
        ("sources", "url", URL_PATTERN),
        ("elections", "election_id", ELECTION_ID_PATTERN),
        ("tallies", "stage", STAGE_PATTERN),
    ]
    for table, name, pattern in checks:
        for value in getattr(ds, table)[name].dropna().astype(str):
            if not re.fullmatch(pattern, value):
                found.append(f"{table}.{name}: {value[:40]!r} breaks its pattern")
    tallies = ds.tallies[ds.tallies["choice"] != "challenged"]
    cast = tallies.groupby(["election_id", "stage"], observed=True)["ballots"].sum().groupby(level=0).max()
    eligible = ds.elections.set_index("election_id")["eligible_voters"]
    over = (cast > eligible.reindex(cast.index)).fillna(False)
    if over.any():
        found.append(f"ballots over eligible voters: {list(cast.index[over.to_numpy(dtype=bool)])[:3]}")
    return found


@dataclass
class Outcome:
    """What one case did: `accepted`, `rejected` (one DataValidationError) or `failed` (with why)."""

    kind: str
    mutations: list[str]
    detail: str = ""


def run_case(base: Path, seed: int, work: Path) -> Outcome:
    """Mutate a copy of `base` (deterministically from `seed`) and load it in this process."""
    rng = random.Random(seed)
    folder = work / f"case-{seed}"
    shutil.copytree(base, folder)
    applied = [rng.choice(MUTATIONS)(folder, rng) for _ in range(rng.choice((1, 1, 2, 3)))]
    try:
        ds = load(folder)
    except DataValidationError as exc:
        message = str(exc)
        if not exc.problems or "problem(s) in the data folder" not in message or len(message.splitlines()) > 202:
            return Outcome("failed", applied, f"unclear message: {message[:300]}")
        return Outcome("rejected", applied, message.splitlines()[1] if len(message.splitlines()) > 1 else message)
    except Exception:
        return Outcome("failed", applied, traceback.format_exc())
    try:
        summary(ds)
    except Exception:
        return Outcome("failed", applied, "summary: " + traceback.format_exc())
    breaches = contract_breaches(ds)
    if breaches:
        return Outcome("failed", applied, "wrong value accepted: " + "; ".join(breaches))
    return Outcome("accepted", applied)


def run_cli(folder: Path) -> str | None:
    """`labor-analysis validate` on a folder: None when it answers with exit 0 or 2 and no traceback, else why."""
    script = Path(sys.executable).with_name("labor-analysis")
    done = subprocess.run(
        [str(script), "validate", "--data-dir", str(folder)], capture_output=True, text=True, errors="replace"
    )
    if done.returncode not in (0, 2) or "Traceback" in done.stderr + done.stdout:
        return f"exit {done.returncode}: {done.stderr[-800:]}"
    if done.returncode == 2 and "problem(s) in the data folder" not in done.stderr:
        return f"exit 2 without a problem list: {done.stderr[-300:]}"
    return None


def fuzz(base: Path, cases: int, seed: int, cli: int = 0) -> tuple[list[Outcome], dict[str, int]]:
    """Run `cases` cases from `seed` on; the first `cli` of them also through the command line."""
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="fuzz-folders-") as tmp:
        work = Path(tmp)
        for case in range(seed, seed + cases):
            outcome = run_case(base, case, work)
            if case - seed < cli and outcome.kind != "failed":
                problem = run_cli(work / f"case-{case}")
                if problem:
                    outcome = Outcome("failed", outcome.mutations, "cli: " + problem)
            outcomes.append(outcome)
            shutil.rmtree(work / f"case-{case}", ignore_errors=True)
    counts = {kind: sum(o.kind == kind for o in outcomes) for kind in ("accepted", "rejected", "failed")}
    return outcomes, counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--base", type=Path, default=PROJECT_ROOT / "data", help="a valid data folder to mutate")
    parser.add_argument("--cli", type=int, default=0, help="how many of the cases also run `labor-analysis validate`")
    parser.add_argument(
        "--family",
        default="folders",
        choices=("folders", "nlrb-foia", "nlrb-csv", "scenario", "charts-interrupt"),
        help="what to fuzz: data folders (default), or a command taking outside input (tools/fuzz_trust.py)",
    )
    args = parser.parse_args()
    if args.family != "folders":
        return _fuzz_family(args.family, args.cases, args.seed)
    load(args.base)  # the base must be valid
    outcomes, counts = fuzz(args.base, args.cases, args.seed, args.cli)
    for outcome in outcomes:
        if outcome.kind == "failed":
            print("FAILED after", "; ".join(outcome.mutations), "\n", outcome.detail, file=sys.stderr)
    print(
        f"{args.cases} cases from seed {args.seed}: {counts['accepted']} accepted, {counts['rejected']} rejected "
        f"with a message, {counts['failed']} failed"
    )
    return 1 if counts["failed"] else 0


def _fuzz_family(family: str, cases: int, seed: int) -> int:
    """One of tools/fuzz_trust.py's families: print each failure and the counts; 1 when a case failed."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import fuzz_trust

    with tempfile.TemporaryDirectory(prefix=f"fuzz-{family}-") as tmp:
        outcomes = fuzz_trust.fuzz(family, cases, seed, Path(tmp))
    for outcome in outcomes:
        if outcome.kind == "failed":
            print("FAILED after", "; ".join(outcome.mutations), "\n", outcome.detail, file=sys.stderr)
    print(fuzz_trust.report(family, outcomes, seed))
    return 1 if fuzz_trust.counts(outcomes)["failed"] else 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
