"""Benchmark `labor-analysis import-nlrb` and `summary` on the NLRB's FOIA table against bare pandas reads.

Times in one run, each in a fresh Python process, alternating the pairs and comparing the medians of their CPU
times (as bench_summary.py does; wall times are printed too):
  (a) `pandas.read_excel` of the FOIA table's sheet (header row 4) with python-calamine, the fastest engine the
      project installs, against `labor-analysis import-nlrb FOIA --out DIR` (read, rules, report, five CSVs).
      Target: import / read_excel <= 1.5 (issue #20).
  (b) `pandas.read_csv` of the five CSV files of the imported folder, against
      `labor-analysis summary --data-dir DIR --format csv` (load, validation, summary, safe CSV).
      Target: summary / read_csv <= 2.
  (c) every file of the NLRB records folder (the FOIA table, the nlrb.gov downloads and the annual reports)
      imported at once, against a bare read of the same files (`pandas.read_excel(sheet_name=None,
      engine="calamine")` of each workbook, `pandas.read_csv` of each CSV). Target: import / read <= 1.5.
  (d) `labor_analysis.national()` (the committed national record, loaded and validated), against
      `pandas.read_csv` of its compressed files. Target: national() / read_csv <= 1.5.
Needs the FOIA table in ../shared/nlrb/ (or --foia PATH); (c) runs when the records folder is there, (d) when
the national record is. Exits 1 when a target is missed.
The package is byte-compiled first, as pip compiles an installed wheel: with PYTHONDONTWRITEBYTECODE set (or a
read-only checkout) every run of an editable install would otherwise compile its modules from source again (about
0.08 s of CPU per command), a cost pandas, compiled when installed, does not pay on the baseline's side.
The machine (CPU model, cores, load average) is printed before and after: on a shared machine the same run gives
other figures. Profile the import with cProfile (`python -m cProfile -m labor_analysis import-nlrb ...`).
Usage: .venv/bin/python benchmarks/bench_import.py [--foia PATH] [--repeats N] [--record-repeats N]
"""

from __future__ import annotations

import argparse
import compileall
import sys
import tempfile
from pathlib import Path

from bench_summary import BIN, interleaved_medians, machine

import labor_analysis
from labor_analysis.nlrb.national import record_files
from labor_analysis.paths import national_dir, nlrb_records_dir
from labor_analysis.schema import TABLES

FOIA_NAME = "NLRB-2022-000194_election_results_2017-2021.xlsx"
IMPORT_TARGET = 1.5  # import-nlrb / read_excel
SUMMARY_TARGET = 2.0  # summary / read_csv
RECORD_TARGET = 1.5  # import-nlrb of every shared file / bare read of them
NATIONAL_TARGET = 1.5  # labor_analysis.national() / read_csv of its files
BARE_READ = (
    "import sys, pandas\n"
    "for f in sys.argv[1:]:\n"
    "    pandas.read_excel(f, sheet_name=None, engine='calamine') if f.endswith('.xlsx') else pandas.read_csv(f)"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    records = nlrb_records_dir()
    parser.add_argument("--foia", type=Path, default=records / FOIA_NAME if records else None)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--record-repeats", type=int, default=3, help="pairs for the slow all-files import")
    args = parser.parse_args()
    if args.foia is None or not args.foia.is_file():
        sys.exit("the NLRB's FOIA table is not in ../shared/nlrb/: give it with --foia PATH")
    python, cli = str(BIN / "python"), str(BIN / "labor-analysis")
    compileall.compile_dir(Path(labor_analysis.__file__).parent, quiet=1)
    before = machine()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "imported"
        read_excel = [
            python,
            "-c",
            "import sys, pandas; pandas.read_excel(sys.argv[1], header=3, engine='calamine')",
            str(args.foia),
        ]
        importing = [cli, "import-nlrb", str(args.foia), "--out", str(out), "--replace"]
        bare_import, cli_import = interleaved_medians(read_excel, importing, args.repeats)
        files = [str(out / t.filename) for t in TABLES]
        read_csv = [python, "-c", "import sys, pandas; [pandas.read_csv(f) for f in sys.argv[1:]]", *files]
        summary = [cli, "summary", "--data-dir", str(out), "--format", "csv"]
        bare_summary, cli_summary = interleaved_medians(read_csv, summary, args.repeats)
        rows = [
            ("import-nlrb on the FOIA table", "pandas.read_excel (calamine)", bare_import, cli_import, IMPORT_TARGET),
            (
                "summary on the imported folder",
                "pandas.read_csv of its files",
                bare_summary,
                cli_summary,
                SUMMARY_TARGET,
            ),
        ]
        files = record_files(records) if records else []
        if len(files) > 1:
            every = [str(f) for f in files]
            bare = [python, "-c", BARE_READ, *every]
            whole = [cli, "import-nlrb", *every, "--out", str(Path(tmp) / "record"), "--replace"]
            base, measured = interleaved_medians(bare, whole, args.record_repeats)
            rows.append(
                (
                    f"import-nlrb of all {len(files)} NLRB files (median of {args.record_repeats})",
                    "a bare read of each",
                    base,
                    measured,
                    RECORD_TARGET,
                )
            )
    packed = sorted(str(p) for p in national_dir().glob("*.csv.gz"))
    if packed:
        bare = [python, "-c", "import sys, pandas; [pandas.read_csv(f) for f in sys.argv[1:]]", *packed]
        national = [python, "-c", "import labor_analysis; labor_analysis.national()"]
        base, measured = interleaved_medians(bare, national, args.repeats)
        rows.append(("labor_analysis.national()", "pandas.read_csv of its files", base, measured, NATIONAL_TARGET))
    missed = False
    print(f"Medians of {args.repeats} alternating runs, each in a fresh interpreter (CPU time, wall time in brackets):")
    for what, baseline, (base_wall, base), (measured_wall, measured), target in rows:
        ratio = measured / base
        missed |= ratio > target
        verdict = "ok" if ratio <= target else "MISSED"
        print(
            f"  {what}: {measured:.2f} s ({measured_wall:.2f} s); {baseline}: {base:.2f} s ({base_wall:.2f} s); "
            f"ratio {ratio:.2f} (target <= {target}; of wall times {measured_wall / base_wall:.2f}) {verdict}"
        )
    print(f"  machine: {before} (before); {machine()} (after)")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
