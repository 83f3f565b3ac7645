"""`labor-analysis charts` on an imported NLRB folder: --election and --max-elections keep the per-election
charts to the elections a user wants (a national folder holds thousands)."""

from __future__ import annotations

import json

import pytest
from nlrb_synthetic import foia_row, write_foia

from labor_analysis import load
from labor_analysis.cli import main
from labor_analysis.gallery import chosen_elections
from labor_analysis.nlrb import import_files


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("charts")
    foia = write_foia(
        folder / "NLRB-2022-000194.xlsx",
        [
            foia_row("01-RC-000001", "2020-01-15", yes=60, no=50, eligible=120),
            foia_row("01-RC-000002", "2020-02-15", yes=5, no=5, eligible=12),
            foia_row("01-RC-000003", "2020-03-01", yes=(40, 30), no=20, unions=("A", "B"), eligible=900),
            foia_row("01-RD-000004", "2021-03-01", yes=0, no=0, challenged=30, eligible=800),
            foia_row("01-RC-000005", "2021-04-01", yes=100, no=120, eligible=400),
        ],
    )
    return import_files([foia], folder / "imported").out_dir


def test_the_largest_drawable_units_are_chosen(imported):
    ds = load(imported)
    assert chosen_elections(ds, None, None) is None
    assert chosen_elections(ds, None, 10) is None  # few elections: every one
    # the two-union ballot and the one without valid votes are left out of the default choice
    assert chosen_elections(ds, None, 2) == ["01-rc-000005-2021", "01-rc-000001-2020"]
    assert chosen_elections(ds, ["01-rc-000002-2020"], 2) == ["01-rc-000002-2020"]


@pytest.mark.parametrize(
    "election, message",
    [("nope-2020", "unknown election(s): nope-2020"), ("01-rd-000004-2021", "no valid votes to chart")],
)
def test_an_election_that_cannot_be_charted_gets_one_line(imported, tmp_path, capsys, election, message):
    status = main(["charts", "--data-dir", str(imported), "--out", str(tmp_path / "charts"), "--election", election])
    err = capsys.readouterr().err
    assert status == 2 and message in err and len(err.splitlines()) == 1


@pytest.mark.slow
def test_charts_finish_on_an_imported_folder_with_a_limit(imported, tmp_path):
    out = tmp_path / "charts"
    assert (
        main(
            [
                "charts",
                "--data-dir",
                str(imported),
                "--out",
                str(out),
                "--format",
                "png",
                "--size",
                "web",
                "--jobs",
                "1",
                "--max-elections",
                "2",
            ]
        )
        == 0
    )
    slugs = [entry["slug"] for entry in json.loads((out / "index.json").read_text())]
    assert any(s.endswith("01-rc-000005-2021") for s in slugs)
    assert not any("000003" in s or "000004" in s for s in slugs)
