"""National context: small tables computed from an imported NLRB folder with the project's rules (`data/derived/`).

`national_tables(ds)` takes any loaded data folder (in practice the FOIA table imported by `import-nlrb`) and
returns the tables by file name; `generate` imports the FOIA table into a temporary folder, loads it (so the
contract is checked) and writes the tables. Regenerate with `make national`; tests/test_nlrb_national.py
fails when the committed tables differ from a fresh run.

Which elections count: every election whose first count is in the file (elections known only through a
revised tally are left out, their first count predates the file) and that is not a self-determination vote
(an Armour-Globe vote on joining an existing unit). Each election's outcome is read from its latest tally
by the project's `summary` (`rules.election_outcome`; a run-off election gets no further run-off): `won` (a
union has a majority of the valid votes: certified, or kept in a decertification case), `lost` (a tie loses),
`runoff` (several unions, no majority) or `undetermined` (the challenged ballots could change it). The union
win rate is won / (won + lost): the elections the count decided.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .. import rules
from ..analysis import summary
from ..loading import Dataset, load
from ..paths import derived_dir, national_dir, nlrb_records_dir
from ..schema import stage_rank
from .importer import import_files
from .tally_rows import case_type

FOIA_NAME = "NLRB-2022-000194_election_results_2017-2021.xlsx"
#: Where the public can get the release the importer reads (the NLRB publishes FOIA releases on request).
FOIA_PUBLIC_COPY = "https://github.com/labordata/nlrb-data"
#: The derived folder's sources.csv: the release every table cites.
SOURCES_NAME = "sources.csv"

#: Unit-size bins (eligible voters): lower bounds, each bin up to the next bound minus one; the last is open.
SIZE_BOUNDS = (1, 10, 20, 50, 100, 250, 500, 1000, 2500)
#: How many of the largest units `largest_units.csv` lists.
LARGEST = 25
#: Quantiles of unit size in `unit_size_summary.csv`.
QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9, 0.99)
MODES = ("in_person", "mail", "mixed", "unknown")


def size_labels() -> list[str]:
    """Bin labels: `1-9`, `10-19`, ..., `2500+`."""
    bounds = list(SIZE_BOUNDS)
    return [f"{lo}-{hi - 1}" for lo, hi in itertools.pairwise(bounds)] + [f"{bounds[-1]}+"]


def size_bin(eligible: pd.Series) -> pd.Categorical:
    """The bin of each unit size (missing stays missing)."""
    edges = [*SIZE_BOUNDS, np.inf]
    return pd.cut(eligible.astype("float64"), bins=edges, right=False, labels=size_labels())


def _first_counts(ds: Dataset) -> pd.DataFrame:
    """Per election with an initial stage: union votes in ballot order (wide), no and challenged at that count."""
    t = ds.tallies[np.asarray(stage_rank(ds.tallies["stage"])) == 0]
    yes = t[t["choice"] == "yes"].copy()
    yes["position"] = yes.groupby("election_id", sort=False).cumcount()
    wide = yes.pivot(index="election_id", columns="position", values="ballots")
    other = t[t["choice"] != "yes"].pivot(index="election_id", columns="choice", values="ballots")
    out = wide.join(other[["no", "challenged"]], how="inner")
    out["unions"] = yes.groupby("election_id")["position"].max() + 1
    return out


def election_results(ds: Dataset) -> pd.DataFrame:
    """One row per counted election (see module docstring): details, latest counts and outcome (`summary`), and
    whether the challenged ballots were determinative at the first count."""
    e = ds.elections
    first = _first_counts(ds)
    e = e[e["election_id"].isin(first.index) & ~e["self_determination"].astype(bool)]
    latest = summary(ds).set_index("election_id").loc[e["election_id"]]
    first = first.loc[e["election_id"]]
    union_columns = [c for c in first.columns if isinstance(c, (int, np.integer))]
    at_first = rules.multi_union_determinative(
        first[union_columns].astype("float64"),
        first["no"].astype("float64"),
        first["challenged"].astype("float64"),
        unions=first["unions"],
        runoff_allowed=(e["kind"].astype(str) != "runoff").to_numpy(),
    )
    return pd.DataFrame(
        {
            "election_id": e["election_id"].to_numpy(),
            "case_number": e["case_number"].to_numpy(),
            "case_type": case_type(e["case_number"]).to_numpy(),
            "employer": e["employer"].to_numpy(),
            "city": e["city"].to_numpy(),
            "state": e["state"].to_numpy(),
            "kind": e["kind"].astype(str).to_numpy(),
            "count_date": e["count_date"].to_numpy(),
            "year": e["count_date"].dt.year.to_numpy(),
            "voting_method": e["voting_method"].astype(object).fillna("").replace("", "unknown").to_numpy(),
            "eligible_voters": e["eligible_voters"].array,
            "unions": latest["unions"].astype("Int64").array,
            "yes": latest["yes"].astype("Int64").array,
            "no": latest["no"].astype("Int64").array,
            "challenged_at_first_count": first["challenged"].astype("Int64").array,
            "determinative_at_first_count": at_first.to_numpy(dtype=bool, na_value=False),
            "outcome": latest["outcome"].astype(str).to_numpy(),
            "source_id": e["source_id"].to_numpy(),
        }
    )


def _rates(results: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Elections and outcomes per group, with the union win rate among decided elections."""
    counts = pd.crosstab([results[c] for c in by], results["outcome"])
    for outcome in rules.ELECTION_OUTCOMES:
        if outcome not in counts.columns:
            counts[outcome] = 0
    table = counts[list(rules.ELECTION_OUTCOMES)].reset_index()
    table.columns.name = None
    table.insert(len(by), "elections", table[list(rules.ELECTION_OUTCOMES)].sum(axis=1))
    decided = table["won"] + table["lost"]
    table["union_win_rate"] = (table["won"] / decided.where(decided > 0)).round(4)
    return table


def _cite(table: pd.DataFrame, source_id: str) -> pd.DataFrame:
    return table.assign(source_id=source_id)


def national_tables(ds: Dataset) -> dict[str, pd.DataFrame]:
    """The national tables by file name (see data/derived/README.md for each one's columns)."""
    results = election_results(ds)
    source = "; ".join(sorted(results["source_id"].unique()))
    by_type = _rates(results, ["year", "case_type"])
    all_types = _rates(results, ["year"]).assign(case_type="all")[by_type.columns]
    sized = results[results["eligible_voters"].notna()].copy()
    sized["size_bin"] = size_bin(sized["eligible_voters"])
    decided = sized[sized["outcome"].isin(["won", "lost"])]
    distribution = decided.groupby(["size_bin", "outcome"], observed=False).size().rename("elections").reset_index()
    distribution = distribution[distribution["outcome"].isin(["won", "lost"])]
    distribution["outcome"] = distribution["outcome"].astype(str)
    by_size = _rates(sized.assign(size_bin=sized["size_bin"].astype(str)), ["size_bin"])
    by_size["size_bin"] = pd.Categorical(by_size["size_bin"], categories=size_labels(), ordered=True)
    by_size = by_size.sort_values("size_bin").reset_index(drop=True)
    for frame in (distribution, by_size):
        lower = dict(zip(size_labels(), SIZE_BOUNDS))
        frame.insert(1, "min_eligible", frame["size_bin"].astype(str).map(lower).astype("int64"))
    challenged = (
        results.groupby("year")
        .agg(
            elections=("election_id", "size"),
            with_challenged_ballots=("challenged_at_first_count", lambda s: int((s.fillna(0) > 0).sum())),
            determinative=("determinative_at_first_count", "sum"),
        )
        .reset_index()
    )
    total = pd.DataFrame(
        {
            "year": ["all"],
            "elections": [challenged["elections"].sum()],
            "with_challenged_ballots": [challenged["with_challenged_ballots"].sum()],
            "determinative": [challenged["determinative"].sum()],
        }
    )
    challenged = pd.concat([challenged.astype({"year": str}), total], ignore_index=True)
    challenged["determinative_share"] = (challenged["determinative"] / challenged["elections"]).round(4)
    largest = (
        results[results["eligible_voters"].notna()]
        .sort_values(["eligible_voters", "count_date", "election_id"], ascending=[False, True, True])
        .head(LARGEST)
    )
    largest = largest[
        [
            "case_number",
            "employer",
            "city",
            "state",
            "count_date",
            "kind",
            "voting_method",
            "eligible_voters",
            "unions",
            "yes",
            "no",
            "challenged_at_first_count",
            "outcome",
        ]
    ]
    quantiles = sized["eligible_voters"].astype("float64").quantile(list(QUANTILES))
    summary = pd.DataFrame(
        {
            "statistic": [
                "elections",
                "elections_with_eligible_voters",
                *[f"quantile_{q:g}" for q in QUANTILES],
                "max",
            ],
            "value": [len(results), len(sized), *quantiles.round(1).tolist(), sized["eligible_voters"].max()],
        }
    )
    summary["value"] = pd.Series(
        [int(v) if float(v).is_integer() else float(v) for v in summary["value"]], dtype=object
    )
    counts = (
        sized[sized["outcome"].isin(["won", "lost"])]
        .groupby(["eligible_voters", "outcome"])
        .size()
        .rename("elections")
        .reset_index()
    )
    counts["eligible_voters"] = counts["eligible_voters"].astype("int64")
    tables = {
        "unit_size_counts.csv": counts,
        "elections_by_year_and_case_type.csv": pd.concat(
            [by_type.astype({"year": str}), all_types.astype({"year": str})], ignore_index=True
        ),
        "win_rate_by_voting_method_and_year.csv": _rates(results, ["year", "voting_method"]),
        "unit_size_distribution.csv": distribution.reset_index(drop=True),
        "win_rate_by_unit_size.csv": by_size,
        "challenged_ballots_determinative.csv": challenged,
        "largest_units.csv": largest.reset_index(drop=True),
        "unit_size_summary.csv": summary,
    }
    return {name: _cite(table, source) for name, table in tables.items()}


#: The fiscal years the national record covers: those of its annual election reports (FY2011-FY2022).
RECORD_FISCAL_YEARS = (2011, 2022)


def fiscal_year(days: pd.Series) -> pd.Series:
    """The federal fiscal year of each day (October 1 to September 30: 2021-10-01 is in FY2022)."""
    return days.dt.year + (days.dt.month >= 10).astype("int64")


def record_results(ds: Dataset) -> pd.DataFrame:
    """`election_results` of the national record with each election's fiscal year (of its count date), company and
    certified result, for the fiscal years the record covers."""
    results = election_results(ds)
    details = ds.elections.set_index("election_id").loc[results["election_id"]]
    results["fiscal_year"] = fiscal_year(results["count_date"]).to_numpy()
    results["company"] = details["company"].astype(object).fillna("").to_numpy()
    results["certified"] = details["certified"].astype(object).fillna("").to_numpy()
    first, last = RECORD_FISCAL_YEARS
    return results[results["fiscal_year"].between(first, last)].reset_index(drop=True)


def _certified_rates(results: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """`_rates` per group, with the certified results beside the count's and the certified union win rate."""
    table = _rates(results, by)
    certified = pd.crosstab([results[c] for c in by], results["certified"].replace("", "unknown"))
    for name in ("won", "lost", "unknown"):
        if name not in certified.columns:
            certified[name] = 0
    certified = certified[["won", "lost", "unknown"]].add_prefix("certified_").reset_index()
    table = table.merge(certified, on=by, how="left")
    decided = table["certified_won"] + table["certified_lost"]
    table["certified_win_rate"] = (table["certified_won"] / decided.where(decided > 0)).round(4)
    return table


def record_tables(ds: Dataset) -> dict[str, pd.DataFrame]:
    """The tables computed from the national record (see data/derived/README.md)."""
    results = record_results(ds)
    results["case_type"] = results["case_type"].astype(str)
    by_type = _certified_rates(results, ["fiscal_year", "case_type"])
    all_types = _certified_rates(results, ["fiscal_year"]).assign(case_type="all")[by_type.columns]
    rates = pd.concat([by_type, all_types], ignore_index=True).sort_values(["fiscal_year", "case_type"], kind="stable")
    determinative = results[results["determinative_at_first_count"]].copy()
    first = _first_counts(ds).loc[determinative["election_id"]]
    union_columns = [c for c in first.columns if isinstance(c, (int, np.integer))]
    single = first["unions"].to_numpy() == 1
    yes_first = first[union_columns].sum(axis=1, min_count=1).astype("Int64").to_numpy()
    determinative["yes_at_first_count"] = yes_first
    determinative["no_at_first_count"] = first["no"].astype("Int64").to_numpy()
    trailed = pd.array(np.where(single, yes_first < determinative["no_at_first_count"].to_numpy(), pd.NA), "boolean")
    determinative["union_trailed_at_first_count"] = trailed
    determinative = determinative.sort_values(["count_date", "election_id"], kind="stable")[
        [
            "election_id",
            "case_number",
            "case_type",
            "employer",
            "company",
            "city",
            "state",
            "count_date",
            "fiscal_year",
            "kind",
            "unions",
            "yes_at_first_count",
            "no_at_first_count",
            "challenged_at_first_count",
            "union_trailed_at_first_count",
            "outcome",
            "certified",
            "source_id",
        ]
    ]
    return {
        "elections_by_fiscal_year_and_case_type.csv": _cite(
            rates.reset_index(drop=True), "; ".join(sorted(results["source_id"].unique()))
        ),
        "challenged_ballots_determinative_elections.csv": determinative.reset_index(drop=True),
    }


def record_sources(ds: Dataset, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The sources.csv rows of the NLRB files the record's tables cite."""
    cited = {s.strip() for t in tables.values() for cell in t["source_id"] for s in str(cell).split(";")}
    rows = ds.sources[ds.sources["source_id"].isin(cited)]
    return rows[["source_id", "publisher", "title", "url", "published", "note"]].reset_index(drop=True)


def release_source(ds: Dataset, source_id: str) -> pd.DataFrame:
    """The sources.csv row of the release the tables come from, with where the public copy is kept."""
    row = ds.sources[ds.sources["source_id"] == source_id][
        ["source_id", "publisher", "title", "url", "published", "note"]
    ].copy()
    row["url"] = FOIA_PUBLIC_COPY
    row["note"] = (
        "Every representation-election tally dated 2017-01-03 to 2021-11-30; file "
        f"{FOIA_NAME}; public copy in the labordata/nlrb-data repository"
    )
    return row.reset_index(drop=True)


def write_tables(tables: dict[str, pd.DataFrame], out_dir: Path) -> None:
    """Each table as CSV (ISO dates, `\\n` line ends) in `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        frame = table.copy()
        for column in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[column]):
                frame[column] = frame[column].dt.strftime("%Y-%m-%d")
        frame.to_csv(out_dir / name, index=False, lineterminator="\n")


def generate(foia: Path, out_dir: Path) -> dict[str, pd.DataFrame]:
    """Import the FOIA table into a temporary folder, load it (validated) and write the national tables."""
    with tempfile.TemporaryDirectory() as tmp:
        imported = import_files([foia], Path(tmp) / "imported")
        ds = load(imported.out_dir)
        tables = national_tables(ds)
        cited = sorted({s for t in tables.values() for s in t["source_id"]})
        releases = [release_source(ds, s) for s in cited]
    if (national_dir() / "elections.csv.gz").is_file():  # the tables of the committed national record
        record = load(national_dir())
        from_record = record_tables(record)
        tables.update(from_record)
        sources = record_sources(record, from_record)
        releases.append(sources[~sources["source_id"].isin(cited)])
    tables[SOURCES_NAME] = pd.concat(releases, ignore_index=True)
    write_tables(tables, out_dir)
    return tables


#: The annual election reports' folder inside the NLRB records folder.
REPORTS_FOLDER = "fy-election-reports"
#: The import report of the national record: what it accounts for, without where it was written.
RECORD_REPORT = "import-report.json"


def record_files(records: Path) -> list[Path]:
    """Every NLRB file of the records folder, in the import's order: the FOIA table, the nlrb.gov downloads, then
    the annual reports by fiscal year (tally files first, so their figures are the ones kept)."""
    tallies = sorted(records.glob("*.xlsx")) + sorted(records.glob("*.csv"))
    return tallies + sorted((records / REPORTS_FOLDER).glob("*.xlsx"))


def generate_record(files: Sequence[str | os.PathLike[str]], out_dir: Path) -> dict:
    """Import `files` together and write the data folder compressed (`<name>.csv.gz`, byte-identical on rerun)
    with its import report into `out_dir`; the report."""
    import gzip
    import json

    from ..schema import TABLES

    with tempfile.TemporaryDirectory() as tmp:
        imported = import_files(list(files), Path(tmp) / "imported")
        out_dir.mkdir(parents=True, exist_ok=True)
        for table in TABLES:
            data = (imported.out_dir / table.filename).read_bytes()
            (out_dir / (table.filename + ".gz")).write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
        report = {k: v for k, v in imported.report.items() if k != "output"}
    (out_dir / RECORD_REPORT).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> int:
    """`python -m labor_analysis.nlrb.national [--foia PATH] [--out DIR]` (default: ../shared/nlrb/, data/derived/)."""
    records = nlrb_records_dir()
    parser = argparse.ArgumentParser(description="Write the national tables derived from the NLRB's FOIA table.")
    parser.add_argument("--foia", type=Path, default=records / FOIA_NAME if records else None)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.foia is None or not args.foia.is_file():
        print("the NLRB's FOIA table is not in ../shared/nlrb/: give it with --foia PATH", file=sys.stderr)
        return 2
    out = args.out or derived_dir()
    tables = generate(args.foia, out)
    print(f"Wrote {len(tables)} tables to {out}")
    if args.out is None and records is not None:  # `make national`: the national record too
        report = generate_record(record_files(records), national_dir())
        print(f"Wrote the national record ({report['elections_written']:,} elections) to {national_dir()}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
