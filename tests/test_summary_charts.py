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
