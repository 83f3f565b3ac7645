"""Every CSV the package writes neutralises spreadsheet formulas without touching numbers."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from labor_analysis.safe_csv import (
    _fast_csv_text,
    neutralise_formulas,
    to_safe_csv_text,
    write_atomic,
    write_safe_csv,
)

HOSTILE = ['=HYPERLINK("http://evil.example","click")', "+1", "-2", "@SUM(A1:A9)", "\tTAB", "\rCR"]


def test_hostile_text_cells_get_a_leading_quote():
    frame = pd.DataFrame({"facility": HOSTILE + ["JFK8"]})
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
    frame = pd.DataFrame(
        {"s": pd.array(["=1+1", "a"], dtype="string"), "c": pd.Categorical(["@x", "b"])}
    )
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


def test_fast_writer_gives_exactly_what_pandas_writes():
    frame = pd.DataFrame(
        {
            "id": pd.array(["a-1", "b-2", None, "d"], dtype="str"),
            "n": pd.array([1, None, -3, 10**12], dtype="Int64"),
            "plain": [1, 2, 3, 4],
            "f": [0.1 + 0.2, float("nan"), 1e16, -5e-324],
            "nf": pd.array([1.5, None, 2.0, 1e-7], dtype="Float64"),
            "b": [True, False, True, False],
            "nb": pd.array([True, None, False, True], dtype="boolean"),
            "day": pd.to_datetime(["2022-04-01", None, "2021-04-09", "2025-02-15"]),
            "cat": pd.Categorical(["won", None, "lost", "won"], categories=["won", "lost", "undetermined"]),
            "obj": ["x", None, "y z", "'=quoted"],
        }
    )
    assert _fast_csv_text(frame) == _pandas_csv(frame)
    assert to_safe_csv_text(frame) == _pandas_csv(neutralise_formulas(frame))


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"a": ["x,y", "z"], "n": [1, 2]}),  # a comma needs quoting
        pd.DataFrame({"a": ['say "hi"', "z"], "n": [1, 2]}),
        pd.DataFrame({"a": ["x\ny", "z"], "n": [1, 2]}),
        pd.DataFrame({"t": pd.to_datetime(["2022-04-01 10:30", "2022-04-02 00:00"]), "n": [1, 2]}),  # times of day
        pd.DataFrame({"a": [1, None]}),  # one column: an empty row is written as ""
        pd.DataFrame({"a,b": [1], "c": [2]}),  # a column name that needs quoting
        pd.DataFrame({"a": pd.Series([], dtype="Int64"), "b": pd.Series([], dtype=float)}),
        pd.DataFrame({"d": pd.to_timedelta(["1h", "2h"]), "n": [1, 2]}),  # a type it does not format
    ],
)
def test_frames_the_fast_writer_leaves_to_pandas_come_out_the_same(frame):
    assert _fast_csv_text(frame) is None
    assert to_safe_csv_text(frame) == _pandas_csv(neutralise_formulas(frame))
