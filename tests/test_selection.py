"""Selections (issue 18): `Dataset.select` keeps exactly the elections a brute-force filter of the rows keeps, with
their tallies, workforce rows, spending and sources, on any valid folder; the command line's options select the same."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import COMPANIES, PLACES, UNION_NAMES, Folder, data_folders

from labor_analysis import load, summary
from labor_analysis.cli import main
from labor_analysis.gallery import chosen_elections
from labor_analysis.selection import case_parts

COMPANY_NAMES = sorted({name for pairs in COMPANIES for pair in pairs for name in pair if name})


def _case(value: str) -> st.SearchStrategy[str]:
    """The same text in upper, lower or its own case: matches ignore case."""
    return st.sampled_from((value, value.upper(), value.lower()))


def _values(options: list[str]) -> st.SearchStrategy[list[str] | str | None]:
    """No filter, one value or several, in any case."""
    one = st.sampled_from(options).flatmap(_case)
    return st.one_of(st.none(), one, st.lists(one, min_size=1, max_size=3))


FILTERS = st.fixed_dictionaries(
    {},
    optional={
        "company": _values(COMPANY_NAMES),
        "city": _values(sorted({city for city, _ in PLACES if city})),
        "state": _values(sorted({state for _, state in PLACES if state})),
        "union": _values(list(UNION_NAMES)),
        "region": st.one_of(st.sampled_from((3, "03", "10", 29)), st.lists(st.sampled_from((3, 10, 29)), max_size=2)),
        "case_type": _values(["RC", "RM", "RD"]),
        "since": st.one_of(st.dates(dt.date(1936, 1, 1), dt.date(2099, 1, 1)), st.dates().map(dt.date.isoformat)),
        "until": st.dates(dt.date(1936, 1, 1), dt.date(2099, 12, 31)),
    },
)


def _folded(values: object) -> set[str]:
    items = [values] if isinstance(values, str | int) else list(values)  # type: ignore[call-overload]
    return {str(v).strip().casefold() for v in items}


def _matches(folder: Folder, row: dict, name: str, value: object) -> bool:
    """Whether one election row passes one filter, computed from the row's cells."""
    left_out = folder.left_out.get("elections", set())
    case = "" if "case_number" in left_out else row.get("case_number", "")
    if name == "company":
        company = "" if "company" in left_out else row["company"]
        return (company or row["employer"]).casefold() in _folded(value)
    if name in ("city", "state"):
        return row[name].casefold() in _folded(value)
    if name == "union":
        ballot = {row["union"]} | {
            t["union"] for t in folder.tables["tallies"] if t["election_id"] == row["election_id"] and t["union"]
        }
        return bool({u.casefold() for u in ballot} & _folded(value))
    if name == "region":
        return bool(case) and int(case.split("-")[0]) in {int(x) for x in _folded(value)}
    if name == "case_type":
        return bool(case) and case.split("-")[1].casefold() in _folded(value)
    if name == "since":
        return row["count_date"] >= str(value)
    assert name == "until"
    return row["count_date"] <= str(value)


def brute_force(folder: Folder, filters: dict) -> list[str]:
    """The ids of the elections matching every filter, read from the folder's rows one by one."""
    return [
        row["election_id"]
        for row in folder.tables["elections"]
        if all(_matches(folder, row, name, value) for name, value in filters.items() if value is not None)
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(folder=data_folders(max_elections=6), filters=FILTERS)
def test_select_is_a_brute_force_filter_of_the_rows(folder: Folder, filters: dict) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ds = load(folder.write(Path(tmp) / "data"))
    chosen = ds.select(**filters)
    expected = brute_force(folder, filters)
    assert list(chosen.elections["election_id"]) == expected
    # the rows that belong to the kept elections, and only those
    assert set(chosen.tallies["election_id"]) <= set(expected)
    assert len(chosen.tallies) == int(ds.tallies["election_id"].isin(expected).sum())
    assert len(chosen.workforce) == int(ds.workforce["election_id"].isin(expected).sum())
    cited = set().union(
        *(set(chosen.tables()[t]["source_id"]) for t in ("elections", "tallies", "spending", "workforce"))
    )
    assert set(chosen.sources["source_id"]) == cited
    if not expected:
        assert chosen.spending.empty
    # the same contract: every helper gives the selection's rows of the whole folder's answer
    whole = summary(ds)
    pd.testing.assert_frame_equal(
        summary(chosen),
        whole[whole["election_id"].isin(expected)].reset_index(drop=True),
        check_dtype=bool(expected),  # an empty table's text columns have no values to infer a string type from
        check_index_type=bool(expected),
    )
    for name, table in chosen.tables().items():
        assert list(table.columns) == list(ds.tables()[name].columns)
        assert table.dtypes.equals(ds.tables()[name].dtypes)


def test_select_on_our_data(project_data_dir: Path) -> None:
    ds = load(project_data_dir)
    staten = ds.select(city="STATEN ISLAND")
    assert set(staten.elections["election_id"]) == {"jfk8-2022", "ldj5-2022"}
    # Amazon's and the ALU's spending (the ALU by its initials) stay; nothing else's
    assert set(staten.spending["spender"]) == {"Amazon", "Amazon Labor Union"}
    bessemer = ds.select(union="rwdsu")
    assert set(bessemer.elections["election_id"]) == {"bhm1-2021", "bhm1-2022"}
    assert set(bessemer.spending["spender"]) == {"Amazon"}
    in_2022 = ds.select(since=dt.date(2022, 1, 1), until="2022-12-31")
    assert all(in_2022.elections["count_date"].dt.year == 2022)
    assert all(in_2022.spending["period_end"] >= pd.Timestamp("2022-01-01"))
    assert list(ds.select(region=10, case_type="RC").elections["election_id"]) == ["bhm1-2021", "bhm1-2022"]
    assert ds.select(company="Nobody").elections.empty


def test_bad_filters_say_which() -> None:
    ds = load()
    with pytest.raises(ValueError, match="since"):
        ds.select(since="yesterday")
    with pytest.raises(ValueError, match="region"):
        ds.select(region="Brooklyn")
    with pytest.raises(TypeError):
        ds.select(colour="red")


def test_case_parts() -> None:
    parts = case_parts(pd.Series(["29-RC-288020", None, "not a case", "3-rd-1"]))
    assert parts["region"].tolist() == [29, pd.NA, pd.NA, 3]
    assert parts["case_type"].isna().tolist() == [False, True, True, False]
    assert parts["case_type"].dropna().tolist() == ["RC", "RD"]


def test_summary_command_selects(capsys: pytest.CaptureFixture[str], project_data_dir: Path) -> None:
    assert (
        main(
            [
                "summary",
                "--data-dir",
                str(project_data_dir),
                "--format",
                "csv",
                "--state",
                "ny",
                "--state",
                "AL",
                "--until",
                "2022-04-30",
            ]
        )
        == 0
    )
    printed = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out))
    expected = load(project_data_dir).select(state=["NY", "AL"], until="2022-04-30").elections["election_id"]
    assert sorted(printed["election_id"]) == sorted(expected)
    assert main(["summary", "--data-dir", str(project_data_dir), "--since", "2022-02-30"]) == 2
    assert "since" in capsys.readouterr().err


def test_charts_command_selects(tmp_path: Path, project_data_dir: Path) -> None:
    out = tmp_path / "charts"
    args = ["charts", "--data-dir", str(project_data_dir), "--out", str(out), "--format", "png", "--size", "web"]
    assert main([*args, "--company", "Nobody"]) == 2
    assert main([*args, "--city", "Garner"]) == 0
    slugs = {p.stem for p in out.glob("*.png")}
    assert any("rdu1-2025" in s for s in slugs) and not any("jfk8" in s or "bhm1" in s for s in slugs)


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.from_regex(r"\s?[0-9]{1,3}-[A-Za-z0-9]{1,3}-[0-9]{0,6}x?", fullmatch=True),
            st.text(max_size=9),
        ),
        max_size=20,
    )
)
def test_case_parts_reads_what_the_pattern_reads(cells: list[str | None]) -> None:
    """The fast path (no pattern for the usual forms) agrees with `CASE_NUMBER` on any text."""
    from labor_analysis.selection import CASE_NUMBER

    parts = case_parts(pd.Series(cells, dtype=object))
    for cell, region, case_type in zip(cells, parts["region"], parts["case_type"]):
        match = CASE_NUMBER.match(cell) if isinstance(cell, str) else None
        assert (pd.isna(region), pd.isna(case_type)) == (match is None, match is None)
        if match:
            assert (region, case_type) == (int(match.group(1)), match.group(2).upper())


def test_a_charts_selection_keeps_the_limit_on_charts_of_their_own(
    tmp_path: Path, project_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--state NY --max-elections 1`: the overviews cover New York's elections only, and only the largest of them
    gets charts of its own (a selection of hundreds would otherwise draw hundreds), said in the left-out list."""
    out = tmp_path / "charts"
    args = ["charts", "--data-dir", str(project_data_dir), "--out", str(out), "--format", "png", "--size", "web"]
    assert main([*args, "--state", "NY", "--max-elections", "1"]) == 0
    new_york = load(project_data_dir).select(state="NY")
    largest = chosen_elections(new_york, None, 1)
    assert largest is not None and len(largest) == 1 and len(new_york.elections) > 1
    own = {p.stem.removeprefix("vote-shares-").removesuffix("-web") for p in out.glob("vote-shares-*-web.png")}
    assert own - {"all"} == set(largest)
    assert "Left out" in capsys.readouterr().out
    table = pd.read_csv(out / "vote-shares-all.csv")
    assert set(table["election_id"]) <= set(new_york.elections["election_id"])
