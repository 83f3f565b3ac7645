"""The national tables of data/derived/: hand-worked on a synthetic import, and regenerated from the NLRB's
FOIA table (when ../shared/nlrb/ is present) to prove the committed files are the code's output, byte for byte."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest
from nlrb_synthetic import foia_row, write_foia

from labor_analysis import load
from labor_analysis.nlrb import import_files
from labor_analysis.nlrb.national import FOIA_NAME, generate, national_tables, size_labels
from labor_analysis.paths import derived_dir, nlrb_records_dir


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


def test_outcomes_by_year_and_case_type_follow_the_rules(tables):
    t = tables["elections_by_year_and_case_type.csv"].set_index(["year", "case_type"])
    assert t.loc[("2020", "RC"), ["elections", "won", "lost"]].tolist() == [2, 1, 1]
    assert t.loc[("2021", "RD"), "won"] == 1
    assert t.loc[("2021", "RC"), ["elections", "undetermined", "runoff", "won", "lost"]].tolist() == [2, 1, 1, 0, 0]
    assert t.loc[("2021", "all"), "elections"] == 3
    assert t.loc[("2020", "all"), "union_win_rate"] == 0.5
    assert set(t["source_id"]) == {"nlrb-foia-2022-000194"}


def test_unit_sizes_and_challenged_ballots(tables):
    by_size = tables["win_rate_by_unit_size.csv"].set_index("size_bin")
    assert list(by_size.index) == [s for s in size_labels() if s in by_size.index]
    assert by_size.loc["10-19", ["elections", "won", "lost", "runoff"]].tolist() == [3, 1, 1, 1]
    challenged = tables["challenged_ballots_determinative.csv"].set_index("year")
    assert challenged.loc["all", ["elections", "with_challenged_ballots", "determinative"]].tolist() == [5, 1, 1]
    largest = tables["largest_units.csv"]
    assert largest["case_number"].iloc[0] == "01-RD-000003" and len(largest) == 5


RECORDS = nlrb_records_dir()


@pytest.mark.slow
@pytest.mark.skipif(
    RECORDS is None or not (RECORDS / FOIA_NAME).is_file(), reason="the NLRB's FOIA table is not in ../shared/nlrb/"
)
def test_committed_tables_are_regenerated_byte_for_byte(tmp_path: Path):
    tables = generate(RECORDS / FOIA_NAME, tmp_path)
    committed = derived_dir()
    assert sorted(p.name for p in committed.glob("*.csv")) == sorted(tables)
    for name in tables:
        assert filecmp.cmp(tmp_path / name, committed / name, shallow=False), f"{name} differs: run `make national`"


def test_national_charts_and_words_work_on_any_data_folder(tmp_path):
    """The Amazon side of notebook 06 is whatever data folder is loaded: here a synthetic import."""
    from labor_analysis.nlrb import national_charts, national_story

    foia = write_foia(
        tmp_path / "NLRB-2022-000194.xlsx",
        [
            foia_row("01-RC-000001", "2020-01-15", yes=6, no=5, eligible=12, mode="Mail"),
            foia_row("01-RC-000002", "2021-02-15", yes=5, no=9, eligible=20000),
        ],
    )
    folder = import_files([foia], tmp_path / "imported").out_dir
    tables = national_charts.load_tables()
    ds = national_charts.with_release_sources(load(folder), tables)
    for spec in national_charts.national_specs(ds, tables):
        assert spec.headline in spec.title and spec.headline in spec.alt_text
        assert not any(ch.isdigit() for ch in spec.slug)
        assert set(spec.source_ids) <= set(ds.sources["source_id"])
    spec = national_charts.unit_size_spec(ds, tables)
    assert spec.data["eligible_voters"].tolist() == [12, 20000]
    assert spec.build().axes
    for passage in (
        national_story.overview,
        national_story.unit_sizes,
        national_story.win_rates,
        national_story.voting_methods,
        national_story.challenged,
    ):
        text = passage(ds, tables).text
        assert "nan" not in text and "None" not in text
