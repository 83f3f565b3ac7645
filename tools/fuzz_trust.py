"""Fuzz the commands that write or compute from outside input: `import-nlrb`, `scenario` and interrupted `charts`.

Families (run from tools/fuzz_folders.py with --family, or here):
- `nlrb-foia`, `nlrb-csv`, `nlrb-annual`: mutate a small NLRB file of each format (the annual election
  report in its per-sheet layout, now and then with a ballot's sheet deleted) (cells set to odd numbers,
  true/false, huge or negative counts, dates before 1935, formulas, 200 KB names; rows repeated or dropped;
  columns dropped; bytes cut) and import it. A case passes when the import either writes a folder that `load`
  accepts with every value inside the contract, or stops with one line naming the file and writes nothing.
  Anything else fails.
- `scenario`: random arguments (numerals in every notation, the contract's largest counts, shares) through
  `labor-analysis scenario`. A case passes with exit 0 or 2, one line on error, no traceback, and at most 1 s and
  500 MB (the bound of issue #21), measured per case.
- `charts-interrupt`: a complete `charts` run, a correction of the data, then a run stopped by SIGINT, SIGTERM or
  SIGKILL at a random moment. A case passes when the output folder still holds exactly the complete run, and a
  final run publishes the corrected figures everywhere.
The NLRB base files are synthetic (tests/nlrb_synthetic.py): twenty rows of single- and two-union ballots of
RC, RD and RM cases, with random counts; `nlrb-real` mutates eighty consecutive rows of the real nlrb.gov download
in ../shared/nlrb/ instead.
"""

from __future__ import annotations

import contextlib
import csv
import io
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from labor_analysis.paths import PROJECT_ROOT, nlrb_records_dir
from labor_analysis.schema import MAX_COUNT

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from nlrb_synthetic import (
    RECENT_COLUMNS,
    foia_row,
    recent_row,
    report_row,
    report_sheets,
    write_foia,
    write_recent,
    write_workbook,
)

CLI = str(Path(sys.executable).with_name("labor-analysis"))

#: Count cells: numerals in other notations, true/false, the contract's bound and past it, int64's edges.
COUNT_PAYLOADS: list[object] = [
    "5e3",
    "1_000",
    "+5",
    "-5",
    " 5",
    "5.0",
    "5.5",
    "0x10",
    "\u0665",
    "1,000",
    "1,00",
    "",
    "NaN",
    "inf",
    str(MAX_COUNT),
    str(MAX_COUNT + 1),
    str(2**63),
    str(2**64),
    "9" * 40,
    True,
    False,
    2.0**63,
    2.0**64,
    1e300,
    -1.0,
    5.5,
    0.0,
    float(MAX_COUNT),
    float(MAX_COUNT + 1),
]
#: Date cells: before the Act, its day, far future, serials out of range, text in other forms.
DATE_PAYLOADS: list[object] = [
    "07/04/1935",
    "07/05/1935",
    "1935-07-04",
    "12/31/2100",
    "01/01/2101",
    "02/30/2022",
    "2022-4-1",
    "",
    "yesterday",
    0,
    1,
    12605,  # 1934-07-05 as a serial
    1e20,
    -5,
    True,
    73051,  # 2099-12-31
    80000,
]
#: Text cells: formulas, markup, control characters, a name longer than the loader reads.
TEXT_PAYLOADS: list[object] = [
    "+cmd",
    "@SUM(1)",
    '=HYPERLINK("http://x")',
    "-1",
    "<script>alert(1)</script>",
    "line\nbreak",
    "tab\tinside",
    'quote"inside',
    "U" * 200_000,
    "",
    "A" * 5000,
    "\u202eevil",
    "10-RC-269250",
    "Case Number",
]


@dataclass
class Outcome:
    """What one case did: `accepted`, `rejected` (a clear refusal) or `failed` (with why)."""

    kind: str
    mutations: list[str]
    detail: str = ""
    measured: dict[str, float] = field(default_factory=dict)


# --- import-nlrb ------------------------------------------------------------------------------------------------


def _real_rows(rng: random.Random) -> list[dict]:
    """Eighty consecutive rows of the real nlrb.gov download in ../shared/nlrb/ (its Region 06 file)."""
    records = nlrb_records_dir()
    found = sorted(records.glob("recent_election_results_*.csv")) if records else []
    if not found:
        raise FileNotFoundError("the nlrb-real family needs the nlrb.gov download in ../shared/nlrb/")
    with found[0].open(encoding="utf-8-sig", newline="") as fh:
        rows = [{k: v for k, v in row.items() if k in RECENT_COLUMNS} for row in csv.DictReader(fh)]
    start = rng.randrange(max(1, len(rows) - 80))
    return [{**dict.fromkeys(RECENT_COLUMNS, ""), **row} for row in rows[start : start + 80]]


def _base_rows(fmt: str, rng: random.Random) -> list[dict]:
    """About twenty tally rows of the format: synthetic, with the quirks that make rules branch; or, for `real`,
    rows of the real nlrb.gov download."""
    if fmt == "real":
        return _real_rows(rng)
    if fmt == "annual":
        return [
            report_row(
                f"29-R{'CDM'[k % 3]}-{100000 + k}",
                f"Employer {k}",
                f"20{17 + k % 5}-0{1 + k % 9}-1{k % 10}",
                rng.randint(1, 400),
                rng.randint(0, 150),
                [rng.randint(0, 150)] if k % 5 else [rng.randint(0, 80) for _ in range(2 + (k % 10 == 0))],
                ["Union A"] if k % 5 else ["Union A", "Union B", "Union C"][: 2 + (k % 10 == 0)],
                rng.choice(("won", "lost", "")),
            )
            for k in range(20)
        ]
    rows = []
    for k in range(20):
        case = f"0{1 + k % 9}-R{'CDM'[k % 3]}-{100000 + k}"
        day = f"20{17 + k % 5}-0{1 + k % 9}-1{k % 10}"
        yes, no = rng.randint(0, 300), rng.randint(0, 300)
        unions = ("Union A",) if k % 4 else ("Union A", "Union B")
        votes: int | tuple = yes if len(unions) == 1 else (yes, rng.randint(0, 50))
        challenged = rng.randint(0, 30)
        if fmt == "foia":
            rows.append(
                foia_row(case, day, yes=votes, no=no, challenged=challenged, eligible=yes + no + 100, unions=unions)
            )
        else:
            rows.append(
                recent_row(case, day, yes=votes, no=no, challenged=challenged, eligible=yes + no + 100, unions=unions)
            )
    return rows


_COUNT_COLUMNS = {
    "foia": [
        "Num Eligible Voters",
        "Num Void Ballots",
        "Votes For Labor Org1",
        "Votes For Labor Org2",
        "Votes Cast Against Labor Org",
        "Num Challenged Ballots",
        "Num Valid Votes Counted",
    ],
    "csv": [
        "No of Eligible Voters",
        "Void Ballots",
        "Votes for Labor Union1",
        "Votes for Labor Union2",
        "Votes Against",
        "Challenged Ballots",
        "Total Ballots Counted",
    ],
}
_COUNT_COLUMNS["annual"] = [
    "Num Eligible Voters",
    "Valid Votes Against",
    "Votes for Labor Org 1",
    "Votes for Labor Org 2",
]
_DATE_COLUMNS = {
    "foia": ["Tally Date", "Schedule Election Date"],
    "csv": ["Tally Date"],
    "annual": ["Election Held Date", "Closed Date"],
}
_TEXT_COLUMNS = {
    "foia": [
        "Case Name",
        "Labor Organization 1 Name",
        "Labor Organization 2 Name",
        "Unit City",
        "Unit State",
        "Unit ID",
        "Tally Type",
        "Tally Category",
        "Case Number",
    ],
    "csv": [
        "Case Name",
        "Labor Union1",
        "Labor Union2",
        "City",
        "States & Territories",
        "Unit ID",
        "Tally Type",
        "Ballot Type",
        "Case Number",
    ],
}


_TEXT_COLUMNS["annual"] = ["Case Name", "Labor Org 1 Name", "Dispute Unit State", "Cert of Rep (Win)", "Case Number"]


def _mutate_rows(fmt: str, rows: list[dict], rng: random.Random) -> list[str]:
    fmt = "csv" if fmt == "real" else fmt
    applied = []
    for _ in range(rng.choice((1, 1, 2, 3))):
        what = rng.choice(("count", "count", "date", "text", "repeat", "drop"))
        row = rng.randrange(len(rows))
        if what == "count":
            column, value = rng.choice(_COUNT_COLUMNS[fmt]), rng.choice(COUNT_PAYLOADS)
        elif what == "date":
            column, value = rng.choice(_DATE_COLUMNS[fmt]), rng.choice(DATE_PAYLOADS)
        elif what == "text":
            column, value = rng.choice(_TEXT_COLUMNS[fmt]), rng.choice(TEXT_PAYLOADS)
        elif what == "repeat":
            rows.insert(row, dict(rows[row]))
            applied.append(f"row {row} repeated")
            continue
        else:
            if len(rows) > 1:
                rows.pop(row)
            applied.append(f"row {row} dropped")
            continue
        if fmt == "csv" and not isinstance(value, str):
            value = str(value)
        rows[row][column] = value
        applied.append(f"row {row} {column} = {str(value)[:30]!r}")
    return applied


def run_import_case(fmt: str, seed: int, work: Path) -> Outcome:
    """Write a mutated NLRB file of `fmt` (`foia` or `csv`), import it, and judge what happened."""
    from labor_analysis import DataValidationError, load, summary
    from labor_analysis.nlrb import import_files

    rng = random.Random(seed)
    case = work / f"case-{seed}"
    case.mkdir()
    rows = _base_rows(fmt, rng)
    applied = _mutate_rows(fmt, rows, rng)
    path = case / {"foia": "foia.xlsx", "annual": "nlrb-election-report-fy2022.xlsx"}.get(fmt, "recent_2023-04-17.csv")
    if fmt == "foia":
        write_foia(path, rows)
    elif fmt == "annual":
        sheets = report_sheets(rows)
        if rng.random() < 0.1:  # a ballot's sheet deleted: refused, never read in part
            del sheets[rng.choice(list(sheets))]
            applied.append("a sheet deleted")
        write_workbook(path, sheets)
    else:
        write_recent(path, rows)
    if rng.random() < 0.1:  # a cut file
        data = path.read_bytes()
        path.write_bytes(data[: rng.randrange(1, len(data))])
        applied.append("file cut short")
    out = case / "out"
    try:
        import_files([path], out)
    except ValueError as exc:  # NlrbFileError and ImportContractError are ValueErrors with one-line messages
        message = str(exc)
        if out.exists() and any(out.iterdir()):
            return Outcome("failed", applied, f"refused but wrote {sorted(p.name for p in out.iterdir())}")
        if "\n" in message.strip() and "nothing was written" not in message:
            return Outcome("failed", applied, f"message of several lines: {message[:300]}")
        return Outcome("rejected", applied, message[:200])
    except Exception:
        return Outcome("failed", applied, traceback.format_exc())
    try:
        ds = load(out)
        summary(ds)
    except DataValidationError as exc:
        return Outcome("failed", applied, f"the import wrote a folder validate rejects: {str(exc)[:400]}")
    except Exception:
        return Outcome("failed", applied, "load/summary: " + traceback.format_exc())
    from fuzz_folders import contract_breaches

    breaches = contract_breaches(ds)
    if breaches:
        return Outcome("failed", applied, "wrong value written: " + "; ".join(breaches))
    return Outcome("accepted", applied)


# --- scenario ---------------------------------------------------------------------------------------------------

_NUMERALS = [
    "0",
    "1",
    "2",
    "3",
    "10",
    "67",
    "505",
    "2654",
    str(MAX_COUNT),
    str(MAX_COUNT - 1),
    str(MAX_COUNT + 1),
    "1_000",
    "+5",
    " 5",
    "5 ",
    "\u0665",
    "5e3",
    "-1",
    "99999999999999999999",
    "3000000000",
    "0" * 5000,
    "9" * 5000,
    "",
    "abc",
    "1.5",
]
_SHARES = ["0", "1", "0.5", ".5", "0.0001", "0.9999", "1.0", "nan", "inf", "-0.1", "1.1", "1e-3", " 0.5", "0,5"]


def _big(rng: random.Random) -> str:
    return str(rng.choice((rng.randint(0, 100), rng.randint(0, 10_000), rng.randint(0, MAX_COUNT))))


def run_scenario_case(seed: int, time_limit: float | None = 1.0) -> Outcome:
    """`labor-analysis scenario` with random arguments, in this process: exit status, output, time and memory.

    A case fails when it takes more than `time_limit` seconds (None: time is reported, not judged, as in the test
    suite, where machines are shared) or raises this process's peak memory past 500 MB.
    """
    from labor_analysis.cli import main

    rng = random.Random(seed)
    argv = ["scenario"]
    for name in ("--yes", "--no", "--challenged"):
        argv += [name, rng.choice(_NUMERALS) if rng.random() < 0.3 else _big(rng)]
    for name in ("--yes-share", "--overruled"):
        if rng.random() < 0.5:
            argv += [name, rng.choice(_SHARES) if rng.random() < 0.5 else f"{rng.random():.4f}"]
    shown = [a[:20] for a in argv]
    out, err = io.StringIO(), io.StringIO()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    except BaseException:
        return Outcome("failed", shown, traceback.format_exc())
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    measured = {"seconds": seconds, "peak_mb": peak_mb}
    if code not in (0, 2) or "Traceback" in err.getvalue():
        return Outcome("failed", shown, f"exit {code}: {err.getvalue()[-500:]}", measured)
    if code == 2 and len(err.getvalue().strip().splitlines()) != 1:
        return Outcome("failed", shown, f"not one line: {err.getvalue()[:300]}", measured)
    if (time_limit is not None and seconds > time_limit) or (peak_mb > 500 and peak_mb > peak_before):
        return Outcome("failed", shown, f"took {seconds:.2f} s, peak {peak_mb:.0f} MB", measured)
    return Outcome("accepted" if code == 0 else "rejected", shown, "", measured)


# --- interrupted charts ------------------------------------------------------------------------------------------

CHARTS_ARGS = ["--format", "svg", "--size", "web", "--election", "jfk8-2022", "--jobs", "1"]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")}


def _yes_counts(folder: Path) -> set[str]:
    """JFK8's yes count in each chart CSV that holds it (the third column of its row, of its `yes` row)."""
    found = set()
    for name in ("vote-shares-all.csv", "vote-shares-jfk8-2022.csv"):
        for row in csv.reader(io.StringIO((folder / name).read_text())):
            if row and row[0] == "jfk8-2022" and (name == "vote-shares-all.csv" or row[1] == "yes"):
                found.add(row[2])
    return found


def _set_jfk8_yes(data: Path, yes: int) -> None:
    tallies = data / "tallies.csv"
    lines = tallies.read_text().splitlines()
    for i, line in enumerate(lines):
        if line.startswith("jfk8-2022,initial,yes,"):
            cells = line.split(",")
            cells[3] = str(yes)
            lines[i] = ",".join(cells)
    tallies.write_text("\n".join(lines) + "\n")


def _wait_for_the_run(run: subprocess.Popen, out: Path, limit: float = 120.0) -> None:
    """Return once `charts` has begun its run (its staging folder exists) or has ended: the signal then falls inside
    the run, as the reproducers of issue #21 did, not inside Python's own start-up, where an interrupt ends any
    program with the interpreter's KeyboardInterrupt before the command's handlers exist."""
    deadline = time.monotonic() + limit
    mine = out.parent / f".{out.name}.staging-{run.pid}"  # not one a killed run left
    while run.poll() is None and time.monotonic() < deadline:
        if mine.exists():
            return
        time.sleep(0.02)


def run_charts_case(seed: int, data: Path, out: Path, first: dict[str, bytes]) -> tuple[Outcome, dict]:
    """Correct the data, start `charts`, stop it at a random moment by a random signal, check the published folder."""
    rng = random.Random(seed)
    how = rng.choice((signal.SIGINT, signal.SIGTERM, signal.SIGKILL))
    delay = rng.uniform(0.5, 6.0)
    yes = 2654 + rng.randint(1, 90)
    _set_jfk8_yes(data, yes)
    applied = [f"JFK8 yes = {yes}", f"{signal.Signals(how).name} {delay - 0.5:.1f} s into the run"]
    errors = out.parent / "charts-stderr.txt"
    with errors.open("wb") as stderr:
        run = subprocess.Popen(
            [CLI, "charts", "--data-dir", str(data), "--out", str(out), *CHARTS_ARGS],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        _wait_for_the_run(run, out)
        time.sleep(delay - 0.5)
        finished = run.poll() is not None
        if not finished:
            run.send_signal(how)
        code = run.wait(timeout=120)
    said = errors.read_text(errors="replace")[-600:]
    now = _snapshot(out)
    if finished or code == 0:  # the run ended before the signal: the new version, whole
        counts = _yes_counts(out)
        if counts != {str(yes)}:
            return Outcome("failed", applied, f"a finished run shows JFK8 yes {counts}"), now
        return Outcome("accepted", [*applied, "finished first"]), now
    if now != first:
        if _yes_counts(out) == {str(yes)}:  # the signal came after the swap, in clean-up: the new run, whole
            return Outcome("accepted", [*applied, "published before the signal"]), now
        changed = sorted(k for k in set(now) | set(first) if now.get(k) != first.get(k))
        return Outcome("failed", applied, f"the stopped run changed the published folder: {changed[:5]}"), first
    mine = out.parent / f".{out.name}.staging-{run.pid}"
    if code == -how and how != signal.SIGKILL:
        # the signal came before the command installed its handlers (while Python starts): the default action
        # ended it, before it had staged anything
        if mine.exists():
            return Outcome("failed", applied, f"ended by the signal with its staging folder left: {said}"), first
        return Outcome("rejected", [*applied, "stopped while starting"], ""), first
    if code not in (130, -signal.SIGKILL):
        return Outcome("failed", applied, f"exit status {code}: {said}"), first
    if mine.exists() and how != signal.SIGKILL:
        return Outcome("failed", applied, f"staging folder left: {mine}"), first
    return Outcome("rejected", applied, "stopped; the previous run intact"), first


def fuzz_charts(cases: int, seed: int, work: Path) -> list[Outcome]:
    """`cases` interrupted runs in a row on one copy of the project's data (each case starts from the last)."""
    assert PROJECT_ROOT is not None
    data = work / "data"
    shutil.copytree(PROJECT_ROOT / "data", data)
    out = work / "charts"
    subprocess.run(
        [CLI, "charts", "--data-dir", str(data), "--out", str(out), *CHARTS_ARGS], check=True, capture_output=True
    )
    published = _snapshot(out)
    outcomes = []
    for case in range(seed, seed + cases):
        outcome, published = run_charts_case(case, data, out, published)
        outcomes.append(outcome)
    done = subprocess.run(
        [CLI, "charts", "--data-dir", str(data), "--out", str(out), *CHARTS_ARGS], capture_output=True
    )
    last = _yes_counts(out)
    if done.returncode != 0 or len(last) != 1 or list(out.parent.glob(f".{out.name}.staging-*")):
        outcomes.append(Outcome("failed", ["final run"], f"exit {done.returncode}, JFK8 yes {last}"))
    return outcomes


def fuzz(family: str, cases: int, seed: int, work: Path, time_limit: float | None = 1.0) -> list[Outcome]:
    """Run `cases` cases of `family` from `seed` on, in `work` (`time_limit`: see `run_scenario_case`)."""
    if family == "scenario":
        return [run_scenario_case(case, time_limit) for case in range(seed, seed + cases)]
    if family == "charts-interrupt":
        return fuzz_charts(cases, seed, work)
    fmt = {"nlrb-foia": "foia", "nlrb-csv": "csv", "nlrb-real": "real", "nlrb-annual": "annual"}[family]
    outcomes = []
    for case in range(seed, seed + cases):
        outcomes.append(run_import_case(fmt, case, work))
        shutil.rmtree(work / f"case-{case}", ignore_errors=True)
    return outcomes


FAMILIES = ("nlrb-foia", "nlrb-csv", "nlrb-real", "nlrb-annual", "scenario", "charts-interrupt")


def counts(outcomes: list[Outcome]) -> dict[str, int]:
    return {kind: sum(o.kind == kind for o in outcomes) for kind in ("accepted", "rejected", "failed")}


def report(family: str, outcomes: list[Outcome], seed: int) -> str:
    found = counts(outcomes)
    text = (
        f"{family}: {len(outcomes)} cases from seed {seed}: {found['accepted']} accepted, {found['rejected']} "
        f"refused or stopped cleanly, {found['failed']} failed"
    )
    tags = {tag: sum(tag in o.mutations for o in outcomes) for tag in ("finished first", "stopped while starting")}
    if any(tags.values()):
        text += "".join(f"; {n} {tag}" for tag, n in tags.items())
    timed = [o.measured for o in outcomes if o.measured]
    if timed:
        text += (
            f"; slowest {max(m['seconds'] for m in timed):.3f} s, peak memory {max(m['peak_mb'] for m in timed):.0f} MB"
        )
    return text
