"""Any valid folder loads: hypothesis draws folders of every shape the contract allows (tests/strategies.py)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from strategies import Folder, data_folders

from labor_analysis import load, summary
from labor_analysis.schema import TABLES


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(folder=data_folders())
def test_every_valid_folder_loads(folder: Folder) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ds = load(folder.write(Path(tmp) / "data"))
    for table in TABLES:
        assert len(getattr(ds, table.name)) == len(folder.tables[table.name]), table.name
        assert list(getattr(ds, table.name).columns)[: len(table.fields)] == [f.name for f in table.fields]
    assert list(ds.elections["election_id"]) == folder.elections()
    assert set(ds.elections["kind"]) <= {"initial", "rerun", "runoff"}
    assert ds.spending["preferred"].dtype == bool and ds.workforce["preferred"].all()
    table = summary(ds)
    assert sorted(table["election_id"]) == sorted(folder.elections())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(folder=data_folders(max_elections=2))
def test_leaving_out_an_optional_column_changes_nothing(folder: Folder) -> None:
    """The same rows load the same with every optional column written out (empty where the rows have no value)."""
    tmp = Path(tempfile.mkdtemp())
    try:
        as_drawn = load(folder.write(tmp / "drawn")).tables()
        complete = Folder({name: [{**row} for row in rows] for name, rows in folder.tables.items()})
        for name, columns in folder.left_out.items():
            for row in complete.tables[name]:
                row.update({column: "" for column in columns})
        everything = load(complete.write(tmp / "complete")).tables()
    finally:
        shutil.rmtree(tmp)
    for name in as_drawn:
        pd.testing.assert_frame_equal(as_drawn[name], everything[name], obj=name)
