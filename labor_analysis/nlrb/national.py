"""National context: small tables computed from the national record with the project's rules (`data/derived/`).

`national_tables(ds)` takes the national record (`data/national/`, every NLRB file imported together: the annual
election reports of FY2011-FY2022, the FOIA table of tallies of 2017-2021, Region 06's download) or any loaded
data folder of the contract, and returns the tables by file name, over the fiscal years the record covers
(`RECORD_FISCAL_YEARS`), the focus company's elections left out of every rate and count (`FOCUS_COMPANY`).
`generate` writes them with the sources.csv of the NLRB files they cite. Regenerate with `make national`;
tests/test_nlrb_national.py fails when the committed tables differ from a fresh run.

Which elections count: every election whose first count is in the record (elections known only through a
revised tally are left out, their first count predates the files) and that is not a self-determination vote
(an Armour-Globe vote on joining an existing unit). Each election's outcome is read from its latest count
by the project's `summary` (`rules.election_outcome`; a run-off election gets no further run-off): `won` (a
union has a majority of the valid votes: certified, or kept in a decertification case), `lost` (a tie loses),
`runoff` (several unions, no majority) or `undetermined` (the challenged ballots could change it). The union
win rate is won / (won + lost): the elections the count decided. Voting method and challenged ballots come only
from the tally files (most elections of FY2017-FY2021): the tables say how many elections have them on record.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
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

#: Where the public can get the release the importer reads (the NLRB publishes FOIA releases on request).
FOIA_PUBLIC_COPY = "https://github.com/labordata/nlrb-data"
#: Where the public can get the annual election reports the importer reads (collected as the NLRB published them).
REPORTS_PUBLIC_COPY = "https://github.com/taylor-watson/nlrb_elections"
#: The derived folder's sources.csv: the NLRB files the tables cite.
SOURCES_NAME = "sources.csv"

#: Unit-size bins (eligible voters): lower bounds, each bin up to the next bound minus one; the last is open.
SIZE_BOUNDS = (1, 10, 20, 50, 100, 250, 500, 1000, 2500)
#: How many of the largest units `largest_units.csv` lists.
LARGEST = 25
#: Quantiles of unit size in `unit_size_summary.csv`.
QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9, 0.99)


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


#: The company of the project's own data folder (`data/elections.csv`): the national tables leave its elections
#: out of the baseline they are compared with (the charts and words read this name; it has no other home).
FOCUS_COMPANY = "Amazon"
#: The fiscal years the national record covers: those of its annual election reports (FY2011-FY2022).
RECORD_FISCAL_YEARS = (2011, 2022)


def focus_ids(record: Dataset, company_name: str | None, case_numbers: Iterable[object]) -> frozenset[str]:
    """The national record's elections of a focus, which its baseline leaves out: those of its company (`select`'s
    match) and those of its case numbers (a folder may name its company otherwise, or not at all)."""
    mine = set(record.select(company=company_name).elections["election_id"]) if company_name else set()
    cases = {str(c).upper() for c in case_numbers if isinstance(c, str) and c}
    held = record.elections["case_number"].astype(str).str.upper().isin(cases)
    return frozenset(mine | set(record.elections.loc[held, "election_id"]))


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


def _unit_size_tables(results: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The unit-size tables: counts by exact size and outcome, by size bin, the quantiles and the largest units."""
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
    largest = sized.sort_values(["eligible_voters", "count_date", "election_id"], ascending=[False, True, True]).head(
        LARGEST
    )
    largest = largest[
        [
            "case_number",
            "employer",
            "city",
            "state",
            "count_date",
            "fiscal_year",
            "kind",
            "voting_method",
            "eligible_voters",
            "unions",
            "yes",
            "no",
            "challenged_at_first_count",
            "outcome",
            "certified",
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
    counts = decided.groupby(["eligible_voters", "outcome"]).size().rename("elections").reset_index()
    counts["eligible_voters"] = counts["eligible_voters"].astype("int64")
    return {
        "unit_size_counts.csv": counts,
        "unit_size_distribution.csv": distribution.reset_index(drop=True),
        "win_rate_by_unit_size.csv": by_size,
        "largest_units.csv": largest.reset_index(drop=True),
        "unit_size_summary.csv": summary,
    }


def _challenged_table(results: pd.DataFrame) -> pd.DataFrame:
    """Per fiscal year (and `all`): the elections, those whose first count's challenged ballots are on record (only
    the NLRB's tally files give them), those with any, those where they were determinative, and the share of the
    elections on record where they were."""
    known = results["challenged_at_first_count"].notna()
    table = (
        results.assign(known=known, any=results["challenged_at_first_count"].fillna(0) > 0)
        .groupby("fiscal_year")
        .agg(
            elections=("election_id", "size"),
            challenged_on_record=("known", "sum"),
            with_challenged_ballots=("any", "sum"),
            determinative=("determinative_at_first_count", "sum"),
        )
        .reset_index()
    )
    total = table.drop(columns="fiscal_year").sum().to_frame().T.assign(fiscal_year="all")
    table = pd.concat([table.astype({"fiscal_year": str}), total[table.columns]], ignore_index=True)
    on_record = table["challenged_on_record"]
    table["determinative_share"] = (table["determinative"] / on_record.where(on_record > 0)).round(4)
    return table


def national_tables(
    ds: Dataset, leave_out: str = FOCUS_COMPANY, leave_out_ids: frozenset[str] = frozenset()
) -> dict[str, pd.DataFrame]:
    """The national tables by file name (see data/derived/README.md for each one's columns) from the national
    record's fiscal years: every rate and count without the elections of the company `leave_out` (the focus
    company: a baseline does not hold the elections it is compared with); the determinative elections all listed,
    with their company."""
    listed = record_results(ds)
    kept = (listed["company"] != leave_out) & ~listed["election_id"].isin(leave_out_ids)
    results = listed[kept].reset_index(drop=True)
    results["case_type"] = results["case_type"].astype(str)
    by_type = _certified_rates(results, ["fiscal_year", "case_type"])
    all_types = _certified_rates(results, ["fiscal_year"]).assign(case_type="all")[by_type.columns]
    rates = pd.concat([by_type, all_types], ignore_index=True).sort_values(["fiscal_year", "case_type"], kind="stable")
    tables = {
        "elections_by_fiscal_year_and_case_type.csv": rates.reset_index(drop=True),
        "win_rate_by_voting_method_and_fiscal_year.csv": _rates(results, ["fiscal_year", "voting_method"]),
        **_unit_size_tables(results),
        "challenged_ballots_determinative.csv": _challenged_table(results),
        "challenged_ballots_determinative_elections.csv": _determinative_elections(ds, listed),
    }
    source = "; ".join(sorted(results["source_id"].unique()))
    return {name: t if "source_id" in t else _cite(t, source) for name, t in tables.items()}


def _determinative_elections(ds: Dataset, listed: pd.DataFrame) -> pd.DataFrame:
    """Every election of the record whose challenged ballots were determinative at its first count, with the
    first count's votes, whether the union trailed on it (single-union ballots) and the certified result."""
    determinative = listed[listed["determinative_at_first_count"]].copy()
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
    return determinative.reset_index(drop=True)


def record_sources(ds: Dataset, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The sources.csv rows of the NLRB files the record's tables cite."""
    cited = {s.strip() for t in tables.values() for cell in t["source_id"] for s in str(cell).split(";")}
    rows = ds.sources[ds.sources["source_id"].isin(cited)]
    rows = rows[["source_id", "publisher", "title", "url", "published", "note"]].reset_index(drop=True)
    # where the public can get the files the importer read (the NLRB releases reports and FOIA tables on request)
    copies = {"nlrb-election-report-": REPORTS_PUBLIC_COPY, "nlrb-foia-": FOIA_PUBLIC_COPY}
    for prefix, url in copies.items():
        mine = rows["source_id"].str.startswith(prefix) & rows["url"].fillna("").eq("")
        rows.loc[mine, "url"] = url
        rows.loc[mine, "note"] = rows.loc[mine, "note"].fillna("") + f"; public copy at {url}"
    return rows


def write_tables(tables: dict[str, pd.DataFrame], out_dir: Path) -> None:
    """Each table as CSV (ISO dates, `\\n` line ends) in `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        frame = table.copy()
        for column in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[column]):
                frame[column] = frame[column].dt.strftime("%Y-%m-%d")
        frame.to_csv(out_dir / name, index=False, lineterminator="\n")


def generate(
    out_dir: Path,
    record_dir: Path | None = None,
    leave_out: str = FOCUS_COMPANY,
    leave_out_ids: frozenset[str] = frozenset(),
) -> dict[str, pd.DataFrame]:
    """Load the national record (default data/national/, validated) and write its national tables (without the
    elections of the company `leave_out` and those of `leave_out_ids`) and the sources.csv of the NLRB files they
    cite into `out_dir`."""
    record = load(record_dir or national_dir())
    tables = national_tables(record, leave_out, leave_out_ids)
    tables[SOURCES_NAME] = record_sources(record, tables)
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
    """`python -m labor_analysis.nlrb.national [--out DIR]`: the national record imported again from the NLRB's
    files (../shared/nlrb/, when they are there) into data/national/, then the national tables from it (default
    data/derived/)."""
    records = nlrb_records_dir()
    parser = argparse.ArgumentParser(description="Write the national record and the national tables derived from it.")
    parser.add_argument("--out", type=Path, default=None, help="write only the tables, into this folder")
    args = parser.parse_args(argv)
    if args.out is None and records is not None:  # `make national`: the national record first (the tables read it)
        report = generate_record(record_files(records), national_dir())
        print(f"Wrote the national record ({report['elections_written']:,} elections) to {national_dir()}")
    elif args.out is None:
        print("the NLRB's files are not in ../shared/nlrb/: the tables come from the committed record", file=sys.stderr)
    out = args.out or derived_dir()
    tables = generate(out)
    print(f"Wrote {len(tables)} tables to {out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
