"""`labor-analysis import-nlrb` on small synthetic files of both NLRB formats: every quirk, every row accounted for."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from nlrb_synthetic import RECENT_COLUMNS, foia_row, recent_row, write_foia, write_recent, write_xlsx

from labor_analysis import schema
from labor_analysis.cli import main
from labor_analysis.nlrb import import_files, read_nlrb_file
from labor_analysis.nlrb import rows as fates
from labor_analysis.nlrb.importer import REPORT_NAME
from labor_analysis.nlrb.tables import NlrbFileError


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "inputs"
    folder.mkdir()
    return folder


def quirky_foia(folder: Path) -> Path:
    """One FOIA table holding each quirk of the format once."""
    return write_foia(
        folder / "NLRB-2022-000194_results.xlsx",
        [
            foia_row("01-RC-000001", "2020-01-15", yes=12, no=5, challenged=1, mode="Mail"),
            foia_row(
                "01-RC-000002",
                "2020-02-15",
                yes=(3, 4),
                no=2,
                unions=("Union A", "Union B"),
                mode="Mixed: Mail and Manual",
            ),
            # a revision marked by category, then a later plain tally with the same scheduled date
            foia_row("01-RC-000003", "2020-03-02", yes=8, no=8, challenged=3),
            foia_row(
                "01-RC-000003",
                "2020-03-20",
                yes=10,
                no=8,
                challenged=1,
                category="Revised Single Labor Org",
                scheduled="2020-03-02",
            ),
            foia_row("01-RC-000003", "2020-04-20", yes=11, no=8, challenged=0, scheduled="2020-03-02"),
            # a rerun and a run-off of other cases
            foia_row("01-RC-000004", "2020-05-05", kind="Rerun"),
            foia_row("01-RC-000005", "2020-06-05", kind="Run-off", yes=7, no=0, unions=("Union A",)),
            # only a revision of an election counted before the file's period
            foia_row("01-RD-000006", "2020-07-07", category="Revised Single Labor Org", scheduled="2016-12-01"),
            # not representation elections: a UD case and a UD category
            foia_row("01-UD-000007", "2020-08-08"),
            foia_row("01-RC-000008", "2020-08-09", category="UD"),
            # no tally at all, and a tally without a single valid vote or challenged ballot
            foia_row("01-RC-000009", "", kind="", category="", unit=""),
            foia_row("01-RC-000010", "2020-09-09", yes=0, no=0, void=2),
            # all ballots challenged: a count (the challenges decide it)
            foia_row("01-RC-000011", "2020-09-10", yes=0, no=0, challenged=4),
            # an exact repeat, and a self-determination vote entered twice
            foia_row("01-RC-000012", "2020-10-01"),
            foia_row("01-RC-000012", "2020-10-01"),
            foia_row("01-RC-000013", "2020-10-02", category="Self Determination"),
            foia_row("01-RC-000013", "2020-10-02"),
            # a four-union ballot over two rows
            foia_row("01-RC-000014", "2020-11-01", yes=88, no=0, void=6, eligible=205, unions=("Union W",)),
            foia_row(
                "01-RC-000014",
                "2020-11-01",
                yes=(6, 7, 14),
                no=0,
                void=6,
                eligible=205,
                unions=("Union X", "Union Y", "Union Z"),
            ),
            # eligible 0, and fewer eligible than yes + no + void
            foia_row("01-RC-000015", "2020-11-02", eligible=0),
            foia_row("01-RC-000016", "2020-11-03", yes=10, no=5, void=1, challenged=9, eligible=15),
            # valid votes misreported; Union To Certify names the union of a lost election
            foia_row("01-RC-000017", "2020-11-04", yes=2, no=9, valid=0, certify="Workers United"),
            # two same-day voting groups both labelled unit A, and a unit B
            foia_row("01-RC-000018", "2020-11-05", yes=4, no=1, eligible=6),
            foia_row("01-RC-000018", "2020-11-05", yes=1, no=6, eligible=9),
            foia_row("01-RC-000018", "2020-11-05", yes=3, no=3, eligible=7, unit="B"),
        ],
    )


@pytest.fixture
def foia_import(inputs: Path, tmp_path: Path):
    return import_files([quirky_foia(inputs)], tmp_path / "out")


def _tally(result, election_id: str, stage: str = "initial") -> dict:
    t = result.tallies
    rows = t[(t["election_id"] == election_id) & (t["stage"] == stage)]
    return {
        (c if not u else f"{c}:{u}"): (None if pd.isna(b) else int(b))
        for c, u, b in zip(rows["choice"], rows["union"], rows["ballots"])
    }


def _election(result, election_id: str) -> pd.Series:
    e = result.elections.set_index("election_id")
    return e.loc[election_id]


def test_every_row_has_one_fate_and_the_report_counts_them(foia_import):
    report = foia_import.report
    assert report["rows_read"] == 25
    assert sum(report["rows"].values()) == 25
    rows = report["rows"]
    assert rows[fates.SKIP_NOT_REPRESENTATION] == 2
    assert rows[fates.SKIP_NO_TALLY] == 1
    assert rows[fates.SKIP_NO_COUNT] == 1
    assert rows[fates.MERGED_REPEAT] == 2
    assert rows[fates.MERGED_SPLIT] == 1
    assert rows[fates.IMPORTED_REVISION] == 3
    assert report == json.loads((foia_import.out_dir / REPORT_NAME).read_text())


def test_foia_quirks_land_in_the_contract(foia_import):
    r = foia_import
    assert _tally(r, "01-rc-000001-2020") == {"yes": 12, "no": 5, "void": 0, "challenged": 1}
    assert _election(r, "01-rc-000001-2020")["voting_method"] == "mail"
    assert _election(r, "01-rc-000002-2020")["voting_method"] == "mixed"
    assert _tally(r, "01-rc-000002-2020") == {"yes:Union A": 3, "yes:Union B": 4, "no": 2, "void": 0, "challenged": 0}
    # revisions: by category, then by the same scheduled date
    assert _tally(r, "01-rc-000003-2020", "revised-1")["yes"] == 10
    assert _tally(r, "01-rc-000003-2020", "revised-2")["yes"] == 11
    assert set(r.tallies.loc[r.tallies["election_id"] == "01-rc-000003-2020", "stage"]) == {
        "initial",
        "revised-1",
        "revised-2",
    }
    assert _election(r, "01-rc-000004-rerun-2020")["kind"] == "rerun"
    assert _election(r, "01-rc-000005-runoff-2020")["kind"] == "runoff"
    only_revised = _election(r, "01-rd-000006-2020")
    assert "Only a revised tally" in only_revised["note"]
    assert set(r.tallies.loc[r.tallies["election_id"] == "01-rd-000006-2020", "stage"]) == {"revised-1"}
    assert _tally(r, "01-rc-000011-2020")["challenged"] == 4
    assert _election(r, "01-rc-000013-2020")["self_determination"]
    assert not _election(r, "01-rc-000012-2020")["self_determination"]
    four = _tally(r, "01-rc-000014-2020")
    assert [k for k in four if k.startswith("yes")] == ["yes:Union W", "yes:Union X", "yes:Union Y", "yes:Union Z"]
    assert four["no"] == 0 and four["void"] == 6
    assert pd.isna(_election(r, "01-rc-000015-2020")["eligible_voters"])
    assert pd.isna(_election(r, "01-rc-000016-2020")["eligible_voters"])
    assert "fewer than the 16" in _election(r, "01-rc-000016-2020")["note"]
    assert _tally(r, "01-rc-000017-2020") == {"yes": 2, "no": 9, "void": 0, "challenged": 0}
    assert {"01-rc-000018-2020", "01-rc-000018-2-2020", "01-rc-000018-b-2020"} <= set(r.elections["election_id"])
    assert not any(r.elections["case_number"].isin(["01-UD-000007", "01-RC-000008", "01-RC-000009", "01-RC-000010"]))


def test_election_ids_follow_the_contract_and_are_stable(foia_import, inputs, tmp_path):
    ids = foia_import.elections["election_id"]
    assert ids.is_unique
    assert ids.str.fullmatch(schema.ELECTION_ID_PATTERN).all()
    assert (ids.str[-4:] == foia_import.elections["count_date"].dt.year.astype(str)).all()
    again = import_files([inputs / "NLRB-2022-000194_results.xlsx"], tmp_path / "again")
    for name in ("elections.csv", "tallies.csv", "sources.csv"):
        assert (foia_import.out_dir / name).read_bytes() == (again.out_dir / name).read_bytes()


def test_sources_cite_the_release_and_every_case_page(foia_import):
    sources = pd.read_csv(foia_import.out_dir / "sources.csv", dtype=str, keep_default_na=False)
    release = sources.iloc[0]
    assert release["source_id"] == "nlrb-foia-2022-000194"
    assert "FOIA request NLRB-2022-000194" in release["title"]
    cases = set(foia_import.elections["case_number"])
    pages = sources[sources["source_id"].str.startswith("nlrb-case-")]
    assert set(pages["source_id"]) == {f"nlrb-case-{c}" for c in cases}
    assert (pages["url"] == "https://www.nlrb.gov/case/" + pages["source_id"].str[len("nlrb-case-") :]).all()
    assert set(foia_import.elections["source_id"]) == {"nlrb-foia-2022-000194"}
    for name in ("spending", "workforce"):
        lines = (foia_import.out_dir / f"{name}.csv").read_text().splitlines()
        assert lines == [",".join(f.name for f in schema.TABLES_BY_NAME[name].fields)]


def test_recent_download_quirks(inputs, tmp_path):
    path = write_recent(
        inputs / "recent_election_results_2023-04-17.csv",
        [
            recent_row("06-RC-000001", "2021-01-05", yes=4, no="", void="", challenged=""),
            recent_row("06-RC-000002", "2021-02-05", yes=(5, 0), no=3, unions=("Union A", "Union B")),
            recent_row(
                "06-RC-000002",
                "2021-02-25",
                yes=(6, 0),
                no=3,
                unions=("Union A", "Union B"),
                ballot_type="Revised Two Labor Orgs",
            ),
            recent_row("06-UD-000003", "2021-03-05", ballot_type="UD"),
            recent_row("06-RC-000004", "2021-04-05", eligible=""),
            recent_row("06-RC-000004", "2021-04-05", eligible=""),
        ],
    )
    text = path.read_text()
    assert '"Included: all drivers.\nExcluded: guards, and supervisors."' in text  # a multi-line quoted cell
    result = import_files([path], tmp_path / "out")
    assert _tally(result, "06-rc-000001-2021") == {"yes": 4, "no": 0, "void": 0, "challenged": 0}
    assert _tally(result, "06-rc-000002-2021", "revised-1") == {
        "yes:Union A": 6,
        "yes:Union B": 0,
        "no": 3,
        "void": 0,
        "challenged": 0,
    }
    assert pd.isna(_election(result, "06-rc-000004-2021")["eligible_voters"])
    assert _election(result, "06-rc-000002-2021")["count_date"] == pd.Timestamp("2021-02-05")
    assert result.report["rows"][fates.SKIP_NOT_REPRESENTATION] == 1
    assert result.report["rows"][fates.MERGED_REPEAT] == 1
    sources = pd.read_csv(result.out_dir / "sources.csv", dtype=str, keep_default_na=False)
    assert sources.iloc[0]["source_id"] == "nlrb-recent-results-2023-04-17"
    assert sources.iloc[0]["published"] == "2023-04-17"


def test_a_download_without_a_date_needs_downloaded(inputs, tmp_path, capsys):
    path = write_recent(inputs / "results.csv", [recent_row("06-RC-000001", "2021-01-05")])
    assert main(["import-nlrb", str(path), "--out", str(tmp_path / "out")]) == 2
    assert "--downloaded" in capsys.readouterr().err
    assert main(["import-nlrb", str(path), "--out", str(tmp_path / "out"), "--downloaded", "2023-05-01"]) == 0
    sources = pd.read_csv(tmp_path / "out" / "sources.csv", dtype=str, keep_default_na=False)
    assert sources.iloc[0]["source_id"] == "nlrb-recent-results-2023-05-01"


def test_format_comes_from_the_header_not_the_name(inputs):
    xlsx_named_csv = write_foia(inputs / "table.csv", [foia_row("01-RC-000001", "2020-01-15")])
    csv_named_xlsx = write_recent(inputs / "download.xlsx", [recent_row("06-RC-000001", "2021-01-05")])
    assert read_nlrb_file(xlsx_named_csv).format.NAME == "foia_xlsx"
    assert read_nlrb_file(csv_named_xlsx).format.NAME == "recent_csv"


def test_files_combine_and_disagreements_are_listed(inputs, tmp_path):
    foia = write_foia(
        inputs / "NLRB-2022-000194.xlsx",
        [
            foia_row("06-RC-000001", "2021-01-05", yes=10, no=5),
            foia_row("06-RC-000002", "2021-01-06", yes=7, no=5),
        ],
    )
    recent = write_recent(
        inputs / "recent_2023-04-17.csv",
        [
            recent_row("06-RC-000001", "2021-01-05", yes=10, no=5),
            recent_row("06-RC-000002", "2021-01-06", yes=8, no=5),
            recent_row("06-RC-000003", "2022-03-03", yes=1, no=5),
        ],
    )
    result = import_files([foia, recent], tmp_path / "out")
    assert sorted(result.elections["election_id"]) == ["06-rc-000001-2021", "06-rc-000002-2021", "06-rc-000003-2022"]
    assert result.report["rows"][fates.MERGED_OTHER_FILE] == 2
    [disagreement] = result.report["disagreements_between_files"]
    assert disagreement["case_number"] == "06-RC-000002" and disagreement["differs_in"] == ["votes1"]
    assert disagreement["used"] == "NLRB-2022-000194.xlsx"
    assert _tally(result, "06-rc-000002-2021")["yes"] == 7
    assert _election(result, "06-rc-000003-2022")["source_id"] == "nlrb-recent-results-2023-04-17"
    reverse = import_files([recent, foia], tmp_path / "reverse")
    assert _tally(reverse, "06-rc-000002-2021")["yes"] == 8


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the file is empty"),
        (b"name,city\nAcme,Albany\n", "not an NLRB election table"),
        (b"PK\x03\x04 this is no zip archive", "not a readable xlsx workbook"),
        (b"Case Number,Case Name,City\n01-RC-1,Acme,Albany\n", "not an NLRB election table"),
        (b"\x81\x8d\x8f\x90", "neither UTF-8 nor Windows-1252"),
        (",".join(RECENT_COLUMNS).encode() + b"\n", "has a header but no tally rows"),
    ],
    ids=["empty", "other-table", "corrupt-xlsx", "too-few-columns", "not-text", "header-only"],
)
def test_bad_files_get_one_line_and_exit_2(inputs, tmp_path, capsys, content, message):
    path = inputs / "bad.csv"
    path.write_bytes(content)
    assert main(["import-nlrb", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and message in err and "bad.csv" in err
    assert not (tmp_path / "out").exists()


def test_a_missing_column_is_named(inputs, tmp_path, capsys):
    rows = [recent_row("06-RC-000001", "2021-01-05")]
    path = write_recent(inputs / "recent_2023-01-01.csv", rows)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns="Tally Date")
    frame.to_csv(path, index=False)
    assert main(["import-nlrb", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "missing column(s) 'Tally Date'" in err and len(err.splitlines()) == 1


def test_a_bad_cell_is_named_with_its_row(inputs):
    row = foia_row("01-RC-000001", "2020-01-15")
    row["Votes For Labor Org1"] = "many"
    path = write_foia(inputs / "t.xlsx", [row])
    with pytest.raises(
        NlrbFileError, match=r"t.xlsx, sheet 'Sheet1', row 5, column 'Votes For Labor Org1': not a whole number"
    ):
        read_nlrb_file(path)


def test_never_writes_into_the_data_folder_or_an_inputs_folder(inputs, tmp_path, capsys):
    path = write_xlsx(inputs / "t.xlsx", [["x"]])
    data = tmp_path / "data"
    data.mkdir()
    assert main(["import-nlrb", str(path), "--out", str(data / "nlrb"), "--data-dir", str(data)]) == 2
    assert "data folder" in capsys.readouterr().err
    assert main(["import-nlrb", str(path), "--out", str(inputs)]) == 2
    assert "folder of its input" in capsys.readouterr().err
    assert sorted(p.name for p in inputs.iterdir()) == ["t.xlsx"] and not (data / "nlrb").exists()


def test_cli_prints_the_report(inputs, tmp_path, capsys):
    path = quirky_foia(inputs)
    assert main(["import-nlrb", str(path), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Imported 25 tally rows")
    total = re.search(r"^\s+total\s+(\d+)$", out, re.MULTILINE)
    assert total and int(total.group(1)) == 25


def test_the_imported_folder_validates(foia_import):
    from labor_analysis import load, summary

    ds = load(foia_import.out_dir)
    results = summary(ds)
    assert len(results) == len(foia_import.elections)
    assert results.set_index("election_id").loc["01-rc-000016-2020", "outcome"] == "undetermined"


def test_a_file_without_representation_elections_writes_an_empty_valid_folder(inputs, tmp_path):
    from labor_analysis import load

    path = write_foia(inputs / "polls.xlsx", [foia_row("01-UD-000001", "2020-01-15")])
    result = import_files([path], tmp_path / "out")
    assert result.report["elections_written"] == 0 and result.report["rows"][fates.SKIP_NOT_REPRESENTATION] == 1
    assert len(load(result.out_dir).elections) == 0
