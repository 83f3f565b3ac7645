"""The national tables of data/derived/: hand-worked on a synthetic import, and regenerated from the committed
national record (data/national/) to prove the committed files are the code's output, byte for byte."""

from __future__ import annotations

import filecmp
import re
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from nlrb_synthetic import foia_row, write_foia
from strategies import data_folders

from labor_analysis import load
from labor_analysis.nlrb import import_files
from labor_analysis.nlrb.national import generate, national_tables, size_labels
from labor_analysis.paths import derived_dir


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    folder = tmp_path_factory.mktemp("national")
    foia = write_foia(
        folder / "NLRB-2022-000194.xlsx",
        [
            foia_row("01-RC-000001", "2020-01-15", yes=6, no=5, eligible=12, mode="Mail"),
            foia_row("01-RC-000002", "2020-02-15", yes=5, no=5, eligible=12),  # a tie loses
            foia_row("01-RD-000003", "2021-03-01", yes=40, no=30, eligible=90),  # the union stays
            foia_row("01-RC-000004", "2021-04-01", yes=10, no=12, challenged=3, eligible=30),  # undetermined
            foia_row("01-RC-000005", "2021-05-01", yes=(4, 3), no=2, unions=("A", "B"), eligible=10),  # run-off
            foia_row("01-RC-000006", "2021-06-01", yes=3, no=0, category="Self Determination", eligible=3),
            foia_row(
                "01-RC-000007",
                "2021-07-01",
                yes=9,
                no=0,
                category="Revised Single Labor Org",
                scheduled="2016-01-01",
                eligible=3000,
            ),  # first count before the file: left out
        ],
    )
    result = import_files([foia], folder / "imported")
    return national_tables(load(result.out_dir))


def test_outcomes_by_fiscal_year_and_case_type_follow_the_rules(tables):
    t = tables["elections_by_fiscal_year_and_case_type.csv"].set_index(["fiscal_year", "case_type"])
    assert t.loc[(2020, "RC"), ["elections", "won", "lost"]].tolist() == [2, 1, 1]
    assert t.loc[(2021, "RD"), "won"] == 1
    assert t.loc[(2021, "RC"), ["elections", "undetermined", "runoff", "won", "lost"]].tolist() == [2, 1, 1, 0, 0]
    assert t.loc[(2021, "all"), "elections"] == 3
    assert t.loc[(2020, "all"), "union_win_rate"] == 0.5
    assert set(t["source_id"]) == {"nlrb-foia-2022-000194"}
    methods = tables["win_rate_by_voting_method_and_fiscal_year.csv"].set_index(["fiscal_year", "voting_method"])
    assert methods.loc[(2020, "mail"), ["elections", "won"]].tolist() == [1, 1]
    assert methods.loc[(2020, "in_person"), ["elections", "lost"]].tolist() == [1, 1]


def test_unit_sizes_and_challenged_ballots(tables):
    by_size = tables["win_rate_by_unit_size.csv"].set_index("size_bin")
    assert list(by_size.index) == [s for s in size_labels() if s in by_size.index]
    assert by_size.loc["10-19", ["elections", "won", "lost", "runoff"]].tolist() == [3, 1, 1, 1]
    challenged = tables["challenged_ballots_determinative.csv"].set_index("fiscal_year")
    columns = ["elections", "challenged_on_record", "with_challenged_ballots", "determinative"]
    assert challenged.loc["all", columns].tolist() == [5, 5, 1, 1]
    assert challenged.loc["2021", "determinative_share"] == round(1 / 3, 4)  # of the elections on record
    largest = tables["largest_units.csv"]
    assert largest["case_number"].iloc[0] == "01-RD-000003" and len(largest) == 5


@pytest.mark.slow
def test_committed_tables_are_regenerated_byte_for_byte(tmp_path: Path):
    tables = generate(tmp_path)
    committed = derived_dir()
    assert sorted(p.name for p in committed.glob("*.csv")) == sorted(tables)
    for name in tables:
        assert filecmp.cmp(tmp_path / name, committed / name, shallow=False), f"{name} differs: run `make national`"


def test_national_charts_and_words_work_on_any_data_folder(tmp_path):
    """The Amazon side of notebook 06 is whatever data folder is loaded: here a synthetic import."""
    from test_any_folder import national_words

    from labor_analysis.charts import chart, chart_plan

    foia = write_foia(
        tmp_path / "NLRB-2022-000194.xlsx",
        [
            foia_row("01-RC-000001", "2020-01-15", yes=6, no=5, eligible=12, mode="Mail"),
            foia_row("01-RC-000002", "2021-02-15", yes=5, no=9, eligible=20000),
        ],
    )
    ds = load(import_files([foia], tmp_path / "imported").out_dir)
    plan, _ = chart_plan(ds)
    specs = {s.slug: s for s in plan if s.slug.startswith("national-")}
    # every national chart, the fiscal-year chart too: the folder's elections come off its counts, and it says so
    assert sorted(specs) == sorted(NATIONAL_CHARTS)
    said = specs["national-unit-sizes"].subtitle.split(". ")[-1]
    assert said.endswith("left out of the national figures.")
    assert specs["national-win-rate-by-fiscal-year"].subtitle.endswith(said)
    for name in NATIONAL_CHARTS:
        finished = chart(name, ds)
        spec = finished.spec
        assert spec.headline in spec.title and spec.headline in spec.alt_text
        assert set(spec.source_ids) <= set(finished.ds.sources["source_id"])
        assert finished.source_line.startswith(RECORD_LINE)
    assert chart("national-unit-sizes", ds).data["eligible_voters"].tolist() == [12, 20000]
    assert chart("national-unit-sizes", ds).figure().axes
    for text in national_words(ds):
        assert "nan" not in text and "None" not in text


NATIONAL_CHARTS = (
    "national-unit-sizes",
    "national-win-rate-by-unit-size",
    "national-mail-and-in-person",
    "national-determinative-challenged-ballots",
    "national-win-rate-by-fiscal-year",
)
#: Every national chart is drawn from the national record (every NLRB file), cited as such.
RECORD_LINE = "Source: NLRB annual election reports and tallies"


def test_national_charts_export_with_the_release_on_their_source_line(tmp_path):
    """`labor-analysis charts` exports the national charts; their source line names the NLRB release and the
    data folder's outlets, though the data folder's sources.csv does not hold the release."""
    from labor_analysis.charts import chart

    ds = load()
    assert "nlrb-foia-2022-000194" not in set(ds.sources["source_id"])
    record = chart("national-win-rate-by-unit-size", ds).export(tmp_path, formats=["png"], sizes=["web"])
    assert record.source_line.startswith(f"{RECORD_LINE} nationally and at")
    assert "as reported by" in record.source_line
    assert "nlrb-foia-2022-000194" in {s["source_id"] for s in record.sources}
    assert "nlrb-election-report-fy2011" in {s["source_id"] for s in record.sources}
    assert (tmp_path / "national-win-rate-by-unit-size-web.png").is_file()


def test_national_charts_are_left_out_with_a_reason_when_they_cannot_be_drawn(data_copy, tmp_path, monkeypatch):
    """No national tables (an installed copy), or no election with eligible voters: a LeftOut reason, no crash."""
    from folders import read_rows, write_rows

    from labor_analysis.charts import chart_plan, national

    folder = data_copy
    header, rows = read_rows(folder, "elections.csv")
    write_rows(folder, "elections.csv", header, [{**r, "eligible_voters": ""} for r in rows])
    header, rows = read_rows(folder, "workforce.csv")  # and no other file gives a preferred eligible count
    write_rows(folder, "workforce.csv", header, [r for r in rows if r["measure"] != "eligible_voters"])
    specs, left_out = chart_plan(load(folder))
    reasons = {x.slug: x.reason for x in left_out}
    assert "eligible voters" in reasons["national-unit-sizes"]
    assert "national-mail-and-in-person" in {s.slug for s in specs}

    monkeypatch.setattr(national, "derived_dir", lambda: tmp_path / "nowhere")
    specs, left_out = chart_plan(load())
    reasons = {x.slug: x.reason for x in left_out}
    assert set(NATIONAL_CHARTS) <= set(reasons)
    assert all("national tables" in reasons[name] for name in NATIONAL_CHARTS)
    assert not any(s.slug.startswith("national-") for s in specs)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(folder=data_folders(max_elections=3))
def test_national_charts_and_words_draw_or_say_why_on_any_valid_folder(folder) -> None:
    """Notebook 06's charts and words on hypothesis-drawn folders: a figure or a LeftOut reason, never a crash."""
    from test_any_folder import national_words

    from labor_analysis.charts import ChartUnavailable, chart

    with tempfile.TemporaryDirectory() as tmp:
        ds = load(folder.write(Path(tmp) / "data"))
    for name in NATIONAL_CHARTS:
        try:
            finished = chart(name, ds)
        except ChartUnavailable:
            continue
        assert finished.figure().axes and finished.source_line.startswith(RECORD_LINE)
    for text in national_words(ds):
        assert text and not {"nan", "<NA>", "NaT"} & set(text.replace(",", " ").replace(".", " ").split())


def test_record_tables_from_a_generated_national_folder(tmp_path: Path) -> None:
    """The fiscal-year and determinative tables, worked by hand on a small import of a tally file and a report."""
    from nlrb_synthetic import foia_row, report_row, report_sheets, write_foia, write_workbook

    from labor_analysis.nlrb.national import national_tables

    foia = write_foia(
        tmp_path / "NLRB-2022-000194.xlsx",
        [
            foia_row("29-RC-200001", "2021-10-05", yes=40, no=45, challenged=9),  # FY2022, trails, determinative
            foia_row("29-RC-200002", "2021-03-01", yes=30, no=10, challenged=0),  # FY2021, won on the count
        ],
    )
    rows = [
        report_row("29-RC-200001", "Acme", "2021-10-05", 100, 45, [40], ["Workers United"], "won"),
        report_row("29-RC-200002", "Acme", "2021-03-01", 50, 10, [30], ["Workers United"], "won"),
        report_row("29-RD-200003", "Acme", "2020-11-02", 60, 20, [25], ["Teamsters"], "won"),  # FY2021, RD kept
    ]
    report = write_workbook(tmp_path / "r.xlsx", report_sheets(rows))
    out = import_files([foia, report], tmp_path / "out")
    tables = national_tables(load(out.out_dir))
    rates = tables["elections_by_fiscal_year_and_case_type.csv"].set_index(["fiscal_year", "case_type"])
    assert rates.loc[(2021, "all"), ["elections", "won", "certified_won", "certified_win_rate"]].tolist() == [
        2,
        2,
        2,
        1,
    ]
    assert rates.loc[(2022, "RC"), ["undetermined", "certified_won", "certified_lost"]].tolist() == [1, 1, 0]
    assert pd.isna(rates.loc[(2022, "RC"), "union_win_rate"])  # the count decided nothing that year
    determinative = tables["challenged_ballots_determinative_elections.csv"]
    assert determinative["case_number"].tolist() == ["29-RC-200001"]
    row = determinative.iloc[0]
    assert (row["yes_at_first_count"], row["no_at_first_count"], row["challenged_at_first_count"]) == (40, 45, 9)
    assert bool(row["union_trailed_at_first_count"]) and row["certified"] == "won" and row["fiscal_year"] == 2022


def test_the_baseline_leaves_out_the_focus_company(project_data_dir: Path, tmp_path: Path) -> None:
    """The national tables leave out the elections of the project's own company (Amazon), which they are compared
    with: an Amazon election in the import changes no table."""
    from labor_analysis.nlrb.national import FOCUS_COMPANY

    assert set(load(project_data_dir).elections["company"].dropna()) == {FOCUS_COMPANY}
    rows = [foia_row("29-RC-300001", "2021-03-01", yes=30, no=10), foia_row("29-RC-300002", "2021-04-01", yes=3, no=9)]
    base = national_tables(load(import_files([write_foia(tmp_path / "a.xlsx", rows)], tmp_path / "a").out_dir))
    amazon = foia_row("10-RC-300003", "2021-04-09", yes=738, no=1798, name="Amazon.com Services LLC", eligible=5867)
    both = import_files([write_foia(tmp_path / "b.xlsx", [*rows, amazon])], tmp_path / "b")
    assert (both.elections["company"] == FOCUS_COMPANY).sum() == 1
    with_amazon = national_tables(load(both.out_dir))
    for name, table in base.items():
        pd.testing.assert_frame_equal(table.drop(columns="source_id"), with_amazon[name].drop(columns="source_id"))


def test_the_national_baseline_leaves_the_focus_companys_own_elections_out():
    """Amazon's elections counted in the national years are not in the national counts they are compared with:
    the committed tables leave them out (`nlrb.national.FOCUS_COMPANY`), so they are not taken off twice; another
    company's elections come off the cells they fall in."""
    from labor_analysis import load
    from labor_analysis import national as national_record_of
    from labor_analysis.charts import national
    from labor_analysis.nlrb.national import FOCUS_COMPANY

    ds = load()
    tables = national.load_tables()
    inside = national.focus_in_national(ds, tables)
    assert len(inside) > 0  # Bessemer 2021 is in the FOIA table's years
    used, words = national.national_for(ds)
    for name, table in tables.items():
        pd.testing.assert_frame_equal(used[name], table)
    # the tables leave out the national record's Amazon elections, not the folder's (JFK8 2022 is in the folder's
    # fiscal years, not in the record): the words say so with no count
    record = national_record_of().elections
    in_record = set(record.loc[record["company"] == FOCUS_COMPANY, "case_number"].str.upper())
    assert not set(inside["case_number"].str.upper()) <= in_record  # so a count of the folder's would be false
    assert words == " Amazon's own elections in the NLRB's files are left out of the national figures."
    trimmed, taken = national.without_focus(ds, tables)
    assert len(taken) == len(inside)
    before = tables["challenged_ballots_determinative"].set_index("fiscal_year")["elections"]
    after = trimmed["challenged_ballots_determinative"].set_index("fiscal_year")["elections"]
    assert before["all"] - after["all"] == len(taken)
    assert (trimmed["win_rate_by_unit_size"]["won"] >= 0).all()


def test_national_titles_give_their_years_and_their_base():
    from labor_analysis import charts, load

    specs = {s.slug: s for s in charts.chart_specs(load()) if s.slug.startswith("national-")}
    assert len(specs) == 5
    for slug, spec in specs.items():  # the national record's fiscal years, stated in every title
        assert re.search(r"\bFY20\d\d-FY20\d\d\b", spec.title), spec.title
        assert not re.search(r"\b20\d\d-20\d\d\b", spec.title + spec.subtitle), slug  # no calendar years
        assert "left out" in spec.subtitle, slug
    assert "FY2011-FY2022" in specs["national-unit-sizes"].title
    assert "FY2017-FY2021" in specs["national-determinative-challenged-ballots"].title  # the years tallies cover
    assert "voting method where known" in specs["national-mail-and-in-person"].subtitle
    assert "of decided mail elections" in specs["national-mail-and-in-person"].title
    assert "of decided elections nationally" in specs["national-win-rate-by-unit-size"].title
    # the folder's elections need not fall in the national fiscal years: the charts that draw them say when they were
    days = load().elections["count_date"]
    counted = f"were counted from {days.min():%B %Y} to {days.max():%B %Y}."
    for slug in ("national-unit-sizes", "national-win-rate-by-unit-size", "national-determinative-challenged-ballots"):
        assert f"Amazon's elections {counted}" in specs[slug].subtitle, slug
    # a hollow bar (too few for a firm rate) is labelled with a count, a full one with its rate
    mail = specs["national-mail-and-in-person"]
    for _, row in mail.data.iterrows():
        total = int(row["won"] + row["lost"])
        said = f"{row['won']:,} of {total:,}" if total < 30 else f"{row['union_win_rate']:.0%} of {total:,}"
        assert said in mail.alt_text, said
        assert said in [t.get_text() for t in mail.build().axes[0].texts]


def test_the_fiscal_year_chart_is_drawn_for_any_company_without_its_elections():
    """Notebooks 06 and 07 draw the certified win rate by fiscal year for any company (it was left out for all but
    Amazon): the company's elections come off the national counts, fiscal year by fiscal year, as certified."""
    from labor_analysis import national as national_record_of
    from labor_analysis.charts import national
    from labor_analysis.nlrb.national import FOCUS_COMPANY, fiscal_year

    starbucks = national_record_of().select(company="Starbucks")
    spec = national.win_rate_by_fiscal_year(starbucks)
    amazon = national.fiscal_year_data(national.load_tables()).set_index("fiscal_year")  # without Amazon's
    after = spec.data.set_index("fiscal_year")
    record = national_record_of().elections
    record = record.assign(fiscal_year=fiscal_year(record["count_date"]))
    mine, theirs = (record[record["company"] == name] for name in ("Starbucks", FOCUS_COMPANY))
    for column, certified in (("certified_won", "won"), ("certified_lost", "lost")):
        # Starbucks' elections come off the whole record's counts; Amazon's stay in them
        counts = {name: t[t["certified"].astype(str) == certified].groupby("fiscal_year").size() for name, t in
                  (("Starbucks", mine), ("Amazon", theirs))}  # fmt: skip
        change = (amazon[column] - after[column]).add(counts["Amazon"], fill_value=0)[lambda d: d != 0]
        assert change.to_dict() == counts["Starbucks"].to_dict(), column
    assert spec.subtitle.endswith(" Starbucks' own elections in the NLRB's files are left out of the national figures.")
    won, lost = int(after["certified_won"].sum()), int(after["certified_lost"].sum())
    assert f"{won:,} won of {won + lost:,} certified" in spec.alt_text
