"""Load the data folder into typed DataFrames. (Provisional: validation is being added by the data issue.)"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .paths import resolve_data_dir
from .schema import TABLES


@dataclass(frozen=True)
class Dataset:
    """The five tables of one data folder, typed."""

    data_dir: Path
    elections: pd.DataFrame
    tallies: pd.DataFrame
    spending: pd.DataFrame
    workforce: pd.DataFrame
    sources: pd.DataFrame


def _typed(frame: pd.DataFrame, table) -> pd.DataFrame:
    for f in table.fields:
        col = frame[f.name]
        if f.type == "integer":
            frame[f.name] = pd.to_numeric(col).astype("Int64")
        elif f.type == "date":
            frame[f.name] = pd.to_datetime(col, format="%Y-%m-%d")
        elif f.type == "boolean":
            frame[f.name] = col.map({"true": True, "false": False}).astype(bool)
        elif f.enum:
            frame[f.name] = pd.Categorical(col, categories=list(f.enum))
    return frame


def load(data_dir: str | os.PathLike[str] | None = None) -> Dataset:
    """Read and type the five tables of `data_dir` (default: the project's data folder)."""
    folder = resolve_data_dir(data_dir)
    frames = {}
    for table in TABLES:
        raw = pd.read_csv(folder / table.filename, dtype=str, keep_default_na=False, na_values=[""])
        frames[table.name] = _typed(raw, table)
    return Dataset(data_dir=folder, **frames)
