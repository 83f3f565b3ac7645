"""Every CSV the package writes neutralises spreadsheet formulas without touching numbers."""

from __future__ import annotations

import io
import string

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from labor_analysis.safe_csv import (
    FORMULA_PREFIXES,
    _carriage_returns_as_newlines,
    _column,
    _fast_safe_csv_blocks,
    neutralise_formulas,
    safe_csv_blocks,
    to_safe_csv_text,
    write_atomic,
    write_safe_csv,
)

HOSTILE = ['=HYPERLINK("http://evil.example","click")', "+1", "-2", "@SUM(A1:A9)", "\tTAB", "\rCR"]


def test_hostile_text_cells_get_a_leading_quote():
    frame = pd.DataFrame({"facility": [*HOSTILE, "JFK8"]})
    out = neutralise_formulas(frame)
    assert out["facility"].tolist() == ["'" + v for v in HOSTILE] + ["JFK8"]


def test_numbers_booleans_dates_and_missing_cells_are_untouched():
    frame = pd.DataFrame(
        {
            "margin": pd.array([-118, 523, None], dtype="Int64"),
            "share": [-0.5, 0.25, float("nan")],
            "won": [False, True, True],
            "date": pd.to_datetime(["2022-03-31", "2022-04-01", "2022-05-02"]),
            "note": ["-118 votes", None, "fine"],
        }
    )
    out = neutralise_formulas(frame)
    pd.testing.assert_frame_equal(out.drop(columns="note"), frame.drop(columns="note"))
    assert out["note"].tolist()[0] == "'-118 votes" and out["note"].isna().tolist()[1]
    text = to_safe_csv_text(frame)
    assert text.splitlines()[1] == "-118,-0.5,False,2022-03-31,'-118 votes"
    assert text.splitlines()[2].startswith("523,0.25,True")


def test_csv_text_round_trips_the_neutralised_values():
    frame = pd.DataFrame({"name": HOSTILE, "n": range(len(HOSTILE))})
    text = to_safe_csv_text(frame)
    back = pd.read_csv(io.StringIO(text), keep_default_na=False)
    # A carriage return inside a cell is written as a quoted line feed, so no reader splits the row there.
    assert back["name"].tolist() == ["'" + v.replace("\r", "\n") for v in HOSTILE]
    assert back["n"].tolist() == list(range(len(HOSTILE)))
    assert "\r" not in text


def test_hostile_column_names_are_neutralised_too():
    out = neutralise_formulas(pd.DataFrame({"=cmd": [1], "ok": [2]}))
    assert list(out.columns) == ["'=cmd", "ok"]


def test_string_dtype_and_categorical_columns_are_neutralised():
    frame = pd.DataFrame({"s": pd.array(["=1+1", "a"], dtype="string"), "c": pd.Categorical(["@x", "b"])})
    out = neutralise_formulas(frame)
    assert out["s"].tolist() == ["'=1+1", "a"] and out["c"].tolist() == ["'@x", "b"]


def test_mixed_object_columns_and_cells_with_line_breaks_are_checked_cell_by_cell():
    frame = pd.DataFrame({"mixed": [-3, "-3", None, "ok"], "lines": ["a\n=b", "=c", "d", "e\r\nf"]})
    out = neutralise_formulas(frame)
    assert out["mixed"].tolist()[:2] == [-3, "'-3"] and out["mixed"].tolist()[3] == "ok"
    assert out["lines"].tolist() == ["a\n=b", "'=c", "d", "e\r\nf"]  # only a cell's first character counts
    back = pd.read_csv(io.StringIO(to_safe_csv_text(frame)), keep_default_na=False)
    assert back["lines"].tolist() == ["a\n=b", "'=c", "d", "e\nf"]


def test_categorical_cells_with_a_carriage_return_stay_in_their_row():
    frame = pd.DataFrame({"c": pd.Categorical(["x\ry", "z"]), "n": [1, 2]})
    back = pd.read_csv(io.StringIO(to_safe_csv_text(frame)))
    assert back["c"].tolist() == ["x\ny", "z"] and back["n"].tolist() == [1, 2]


def test_the_input_frame_is_not_modified():
    frame = pd.DataFrame({"name": ["=evil"]})
    neutralise_formulas(frame)
    assert frame["name"].tolist() == ["=evil"]


def test_write_safe_csv_writes_atomically_and_leaves_no_temp_file(tmp_path):
    target = write_safe_csv(pd.DataFrame({"name": ["+cmd"]}), tmp_path / "sub" / "out.csv")
    assert target.read_text(encoding="utf-8") == "name\n'+cmd\n"
    assert [p.name for p in target.parent.iterdir()] == ["out.csv"]


def test_write_atomic_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "out.txt"
    write_atomic(target, "old")
    with pytest.raises(TypeError):
        write_atomic(target, 42)  # not text or bytes
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def _pandas_csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


def _fast_text(frame: pd.DataFrame) -> str | None:
    """The fast writer's CSV as text; None where it leaves the frame to pandas."""
    blocks = _fast_safe_csv_blocks(frame)
    return None if blocks is None else b"".join(blocks).decode("utf-8")


def _pandas_safe_csv(frame: pd.DataFrame) -> str:
    """What pandas writes of the frame once neutralised: the reference every CSV the package writes must equal."""
    return _pandas_csv(_carriage_returns_as_newlines(neutralise_formulas(frame)))


def test_fast_writer_gives_exactly_what_pandas_writes():
    frame = pd.DataFrame(
        {
            "id": pd.array(["a-1", "b-2", None, "d"], dtype="str"),
            "n": pd.array([1, None, -3, 10**12], dtype="Int64"),
            "plain": [1, 2, 3, 4],
            "extremes": np.array([np.iinfo(np.int64).min, np.iinfo(np.int64).max, 0, -1], dtype=np.int64),
            "unsigned": np.array([0, 2**64 - 1, 7, 10], dtype=np.uint64),
            "f": [0.1 + 0.2, float("nan"), 1e16, -5e-324],
            "signs": [-0.0, 0.0, float("inf"), -float("inf")],
            "nf": pd.array([1.5, None, 2.0, 1e-7], dtype="Float64"),
            "b": [True, False, True, False],
            "nb": pd.array([True, None, False, True], dtype="boolean"),
            "day": pd.to_datetime(["2022-04-01", None, "2021-04-09", "2025-02-15"]),
            "cat": pd.Categorical(["won", None, "lost", "won"], categories=["won", "lost", "undetermined"]),
            "obj": ["x", None, "y z", "'=quoted"],
            "unicode": ["Bessemer, Ala."[:8], "Señor", "\u0635\u0648\u062a", "\U0001f5f3 ballot"],
            "hostile": ["=1+1", "+cmd", "-2", "@SUM(A1)"],
            "tab": ["\tx", "ok", None, "\t"],
            "int_cat": pd.Categorical([3, 1, None, 3]),
            "bool_object": np.array([True, pd.NA, np.bool_(False), None], dtype=object),
        }
    )
    assert _fast_text(frame) == _pandas_safe_csv(frame)
    assert to_safe_csv_text(frame) == _pandas_safe_csv(frame)
    assert _fast_text(pd.DataFrame({"=cmd": [1], "ok": ["-1"]})) == "'=cmd,ok\n1,'-1\n"


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"a": ["x,y", "z"], "n": [1, 2]}),  # a comma needs quoting
        pd.DataFrame({"a": ['say "hi"', "z"], "n": [1, 2]}),  # so does a quote, doubled inside
        pd.DataFrame({"a": ["x\ny", "z"], "n": [1, 2]}),  # and a line break
        pd.DataFrame({"a": ["\rCR", "z\r\nw", "=a,b"], "n": [1, 2, 3]}),  # CR, CRLF: a quoted LF; formula then quotes
        pd.DataFrame({"a": pd.Categorical(["x,y", None, "z"]), "n": [1, 2, 3]}),  # categories that need quoting
        pd.DataFrame({"a": ["Señor, Inc.", 'é"', None], "n": [1, 2, 3]}),  # non-ASCII, quoted
        pd.DataFrame({"a": ["won", "won", "a,b", None] * 300, "n": range(1200)}),  # a repetitive column quoted
    ],
)
def test_text_that_needs_quoting_goes_through_the_fast_writer(frame):
    assert _fast_text(frame) == _pandas_safe_csv(frame)


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"a": ["nul\x00", "z"], "n": [1, 2]}),  # NUL pads the fast writer's cells
        pd.DataFrame({"a": [-3, "-3"], "n": [1, 2]}),  # a cell that is not text in a text column
        pd.DataFrame({"a": [True, 1, None], "n": [1, 2, 3]}),  # booleans mixed with a number
        pd.DataFrame({"t": pd.to_datetime(["2022-04-01 10:30", "2022-04-02 00:00"]), "n": [1, 2]}),  # times of day
        pd.DataFrame(
            {"t": pd.to_datetime(["0999-04-01", "2022-04-02"], format="%Y-%m-%d").as_unit("s"), "n": [1, 2]}
        ),  # 3-digit year
        pd.DataFrame({"t": pd.Categorical(pd.to_datetime(["2022-04-01", "2022-04-02"])), "n": [1, 2]}),
        pd.DataFrame({"t": pd.to_datetime(["2022-04-01", "2022-04-02"]).tz_localize("UTC"), "n": [1, 2]}),
        pd.DataFrame({"f": np.array([0.1, 0.2], dtype=np.float32), "n": [1, 2]}),  # pandas writes float32 its own way
        pd.DataFrame({"a": [1, None]}),  # one column: an empty row is written as ""
        pd.DataFrame({"a,b": [1], "c": [2]}),  # a column name that needs quoting
        pd.DataFrame({1: [1], "c": [2]}),  # a column name that is not text
        pd.DataFrame({"a": pd.Series([], dtype="Int64"), "b": pd.Series([], dtype=float)}),
        pd.DataFrame({"d": pd.to_timedelta(["1h", "2h"]), "n": [1, 2]}),  # a type it does not format
    ],
)
def test_frames_the_fast_writer_leaves_to_pandas_come_out_the_same(frame):
    assert _fast_text(frame) is None
    assert to_safe_csv_text(frame) == _pandas_safe_csv(frame)


def test_a_large_frame_is_written_in_blocks_of_bounded_size(monkeypatch):
    """Rows are written a block at a time, fewer rows to a block when they are wide, and a column of too many
    distinct values for one table is encoded block by block: the same bytes either way."""
    import labor_analysis.safe_csv as safe_csv

    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        {
            "note": ["x" * 40, "y,z", "=w", None] * 500,  # repetitive: one table of distinct values
            "id": [f"id-{i}" for i in range(2000)],  # every cell its own value
            "n": rng.integers(-5, 10**6, 2000),
            "f": rng.random(2000),
        }
    )
    monkeypatch.setattr(safe_csv, "MAX_MATRIX_BYTES", 2_000)
    blocks = list(safe_csv_blocks(frame))
    assert len(blocks) > 40 and max(len(b) for b in blocks[1:]) < 2_000
    assert b"".join(blocks).decode("utf-8") == _pandas_safe_csv(frame)
    monkeypatch.setattr(safe_csv, "MAX_MATRIX_BYTES", 50)  # even the table of four notes is too large: no table
    assert b"".join(safe_csv_blocks(frame)).decode("utf-8") == _pandas_safe_csv(frame)


#: Text that reaches the fast writer: formula characters, quotes, separators and non-ASCII included.
_TEXT = st.one_of(
    st.none(),
    st.text(
        alphabet=st.sampled_from([*FORMULA_PREFIXES, *string.ascii_letters[:6], " ", "'", ",", '"', "é", "ß", "\n"]),
        max_size=6,
    ),
    st.text(max_size=4),
)
_FLOATS = hnp.arrays(np.float64, st.just(0), elements=st.floats(allow_nan=True, allow_infinity=True))
_INTS = st.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max)


@st.composite
def _frames(draw: st.DrawFn) -> pd.DataFrame:
    """A frame of 1 to 12 rows whose columns are of every kind the summary and the chart data hold."""
    n = draw(st.integers(1, 12))

    def column(elements: st.SearchStrategy) -> list:
        return draw(st.lists(elements, min_size=n, max_size=n))

    kinds = {
        "int": lambda: np.array(column(_INTS), dtype=np.int64),
        "Int64": lambda: pd.array(column(st.one_of(st.none(), _INTS)), dtype="Int64"),
        "float": lambda: np.array(column(st.floats()), dtype=np.float64),
        "Float64": lambda: pd.array(column(st.one_of(st.none(), st.floats(allow_nan=False))), dtype="Float64"),
        "bool": lambda: np.array(column(st.booleans()), dtype=bool),
        "boolean": lambda: pd.array(column(st.one_of(st.none(), st.booleans())), dtype="boolean"),
        "date": lambda: pd.to_datetime(column(st.one_of(st.none(), st.dates().map(str))), format="%Y-%m-%d"),
        "object": lambda: np.array(column(_TEXT), dtype=object),
        "str": lambda: pd.array(column(_TEXT), dtype="str"),
        "category": lambda: pd.Categorical(column(_TEXT)),
    }
    names = draw(st.lists(st.sampled_from(sorted(kinds)), min_size=2, max_size=6))
    return pd.DataFrame({f"{i}{'=' if i == 3 else ''}{kind}": kinds[kind]() for i, kind in enumerate(names)})


@settings(max_examples=300, deadline=None)
@given(_frames())
def test_any_frame_is_written_as_pandas_writes_it_neutralised(frame):
    assert to_safe_csv_text(frame) == _pandas_safe_csv(frame)


def test_the_fast_writer_takes_every_column_type_of_the_summary():
    """The results' columns, a boolean one with missing cells and text that needs quoting included, go through the
    fast writer (the benchmark's path, and the national record's)."""
    from labor_analysis import load, national, results

    table = pd.concat([results(load()), results(national())], ignore_index=True)
    assert table["determinative"].isna().any(), "the data should hold an election with no challenged count"
    assert table["employer"].str.contains(",").any(), "the national record holds names that need quoting"
    for name in table.columns:
        assert _column(table[name]) is not None, name
    assert _fast_text(table) == _pandas_safe_csv(table)
