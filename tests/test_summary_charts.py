"""The summary charts of a large folder (labor_analysis/charts/summaries.py): counts worked by hand on a small
import, their words, and left out with the reason for a folder the listing charts show whole."""

from __future__ import annotations

import pytest
from nlrb_synthetic import foia_row, write_foia
from public_words import spec_problems

from labor_analysis import load
from labor_analysis.charts import ChartUnavailable, chart, chart_plan
from labor_analysis.charts._base import MAX_LISTED
from labor_analysis.nlrb import import_files

SUMMARIES = ("elections-by-year", "elections-by-state", "win-rate-by-unit-size", "elections-by-company")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """Twelve elections: nine in Pennsylvania (six won, three lost), two in Ohio (one won, one a tie: lost) and
    one in West Virginia whose challenged ballots could decide it; 2019 to 2021; two companies."""
    tmp = tmp_path_factory.mktemp("summaries")
    rows = []
    for i in range(9):
        won = i < 6
        rows.append(
            foia_row(
                f"06-RC-{100001 + i}",
                f"{2019 + i % 2}-0{1 + i % 8}-15",
                yes=12 if won else 4,
                no=4 if won else 12,
                eligible=20 + i,
                state="PA",
                name="Starbucks Corporation" if i < 5 else "Acme Corp.",
            )
        )
    rows.append(foia_row("08-RC-200001", "2021-03-01", yes=9, no=3, eligible=15, state="OH"))
    rows.append(foia_row("08-RC-200002", "2021-04-01", yes=5, no=5, eligible=15, state="OH"))
    rows.append(foia_row("06-RC-300001", "2021-05-01", yes=5, no=6, challenged=4, eligible=40, state="WV"))
    return load(import_files([write_foia(tmp / "foia.xlsx", rows)], tmp / "imported").out_dir)


def test_elections_by_year_count_every_election_by_its_outcome(folder):
    spec = chart("elections-by-year", folder).spec
    data = spec.data.set_index("year")
    assert data["elections"].sum() == 12 and data[["won", "lost", "open"]].sum().tolist() == [7, 4, 1]
    assert data["elections"].tolist() == [5, 4, 3]  # Pennsylvania in 2019 and 2020, the three others in 2021
    assert spec.headline == "7 of 11" and "2019-2021" in spec.title
    assert "Undecided by the count: 1" in spec.subtitle
    assert spec_problems(spec, folder) == []
    assert spec.build().axes


def test_elections_by_state_name_the_states(folder):
    spec = chart("elections-by-state", folder).spec
    assert spec.data["name"].tolist() == ["Pennsylvania", "Ohio", "West Virginia"]
    assert spec.title.startswith("75% of the elections") and "Pennsylvania" in spec.title
    assert "PA" not in spec.title + spec.subtitle + spec.alt_text
    assert spec_problems(spec, folder) == []


def test_elections_by_company_and_unit_size(folder):
    spec = chart("elections-by-company", folder).spec
    assert spec.data.set_index("company").loc["Starbucks", "elections"] == 5
    assert spec.title.startswith("Acme") and spec.headline == "7 of 12"
    with pytest.raises(ChartUnavailable, match="decided elections or more"):  # eleven decided: no firm rate
        chart("win-rate-by-unit-size", folder)


def test_a_folder_the_listing_charts_show_whole_gets_no_summary(project_data_dir):
    ds = load(project_data_dir)
    assert len(ds.elections) <= MAX_LISTED
    specs, left_out = chart_plan(ds)
    reasons = {x.slug: x.reason for x in left_out}
    assert not {s.slug for s in specs} & set(SUMMARIES)
    assert all("listing charts show each of the" in reasons[name] for name in SUMMARIES)


def test_a_folder_of_annual_reports_is_summarised_over_their_fiscal_years(tmp_path):
    """An annual report lists the cases closed in its fiscal year, some voted years before: the summary charts of a
    folder holding the reports count the fiscal years of the reports (October to September), not the calendar
    years of every count (the national record's run 1999-2023 though it covers FY2011-FY2022), and say how many
    elections they leave out."""
    from nlrb_synthetic import report_row, report_sheets, write_workbook

    from labor_analysis.nlrb.national import fiscal_year

    held = [f"20{21 + i % 2}-{1 + i % 9:02d}-10" for i in range(10)]  # FY2021 and FY2022, January to September
    held += ["2015-06-01", "2019-03-01"]  # closed in FY2022 years after the vote
    rows = [
        report_row(f"29-RC-{200001 + i}", f"Employer {i}", day, 20 + i, 5, [12 if i % 3 else 2], ["UFCW"], "won")
        for i, day in enumerate(held)
    ]
    reports = [
        write_workbook(tmp_path / f"nlrb-election-report-fy{year}.xlsx", report_sheets(part, year))
        for year, part in ((2021, rows[:5]), (2022, rows[5:]))
    ]
    ds = load(import_files(reports, tmp_path / "imported").out_dir)
    days = ds.elections["count_date"]
    inside = fiscal_year(days).between(2021, 2022)
    assert (~inside).sum() == 2  # the brute force: two votes counted before FY2021
    spec = chart("elections-by-year", ds).spec
    assert spec.data.columns[0] == "fiscal_year"
    assert spec.data["fiscal_year"].tolist() == [2021, 2022]
    assert spec.data["elections"].sum() == inside.sum()
    assert "FY2021-FY2022" in spec.title and "2015" not in spec.title
    assert "by the fiscal year (October to September) of their count" in spec.subtitle
    assert spec.subtitle.endswith(
        "Not counted here: 2 elections counted before FY2021, years the NLRB's annual election reports in the data "
        "cover only in part."
    )
    for name in SUMMARIES[1:]:
        try:
            other = chart(name, ds).spec
        except ChartUnavailable:
            continue
        assert "FY2021-FY2022" in other.title + other.subtitle and "2 elections counted before FY2021" in other.subtitle
        assert spec_problems(other, ds) == []
    assert spec_problems(spec, ds) == []
    labels = [t.get_text() for t in spec.build().axes[0].get_xticklabels()]
    assert all(label.startswith("FY") for label in labels if label)
