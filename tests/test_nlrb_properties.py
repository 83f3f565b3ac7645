"""Property-based: any mix of NLRB rows (both formats, every quirk at random) imports into a folder that
validates, and the report accounts for every input row."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nlrb_synthetic import foia_row, recent_row, write_foia, write_recent

from labor_analysis import load, summary
from labor_analysis.nlrb import import_files

CASES = [f"0{r}-{t}-00000{n}" for r in (1, 6) for t in ("RC", "RD", "RM", "UD") for n in (1, 2)]
DAYS = ["2020-01-15", "2020-02-01", "2020-03-20", "2021-06-30"]
counts = st.integers(0, 40)


@st.composite
def foia_rows(draw):
    unions = draw(st.sampled_from([("U1",), ("U1", "U2"), ("U1", "U2", "U3")]))
    yes = tuple(draw(counts) for _ in unions)
    category = draw(
        st.sampled_from(
            [None, None, None, "Self Determination", "Revised Single Labor Org", "Revised Two Labor Orgs", "UD"]
        )
    )
    day = draw(st.sampled_from(DAYS))
    return foia_row(
        draw(st.sampled_from(CASES)),
        day,
        yes=yes,
        no=draw(counts),
        void=draw(st.integers(0, 3)),
        challenged=draw(st.integers(0, 9)),
        eligible=draw(st.sampled_from([0, 5, 30, 80, 200])),
        unions=unions,
        kind=draw(st.sampled_from(["Initial", "Initial", "Rerun", "Run-off"])),
        category=category,
        unit=draw(st.sampled_from(["A", "A", "B"])),
        scheduled=draw(st.sampled_from([day, "2020-01-15"])),
        mode=draw(st.sampled_from(["Manual", "Mail", "Mixed: Mail and Manual", ""])),
    )


@st.composite
def recent_rows(draw):
    unions = draw(st.sampled_from([("U1",), ("U1", "U2")]))
    return recent_row(
        draw(st.sampled_from(CASES)),
        draw(st.sampled_from(DAYS)),
        yes=tuple(draw(counts) for _ in unions),
        no=draw(st.sampled_from(["", 0, 3, 25])),
        void=draw(st.sampled_from(["", 1])),
        challenged=draw(st.sampled_from(["", 2, 30])),
        eligible=draw(st.sampled_from(["", 10, 60])),
        unions=unions,
        kind=draw(st.sampled_from(["Initial", "Rerun"])),
        ballot_type=draw(st.sampled_from([None, None, "Revised Single Labor Org"])),
        unit=draw(st.sampled_from(["A", "C"])),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(foia_rows(), min_size=1, max_size=14), st.lists(recent_rows(), max_size=8))
def test_any_rows_import_into_a_valid_folder_and_every_row_is_counted(foia, recent):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = [write_foia(folder / "NLRB-2022-000194.xlsx", foia)]
        if recent:
            files.append(write_recent(folder / "recent_2023-04-17.csv", recent))
        result = import_files(files, folder / "out")
        report = result.report
        assert sum(report["rows"].values()) == report["rows_read"] == len(foia) + len(recent)
        ds = load(result.out_dir)
        assert len(summary(ds)) == report["elections_written"]
        assert all(
            eid.endswith(f"-{day.year}") for eid, day in zip(ds.elections["election_id"], ds.elections["count_date"])
        )
