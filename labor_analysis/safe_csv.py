"""Write CSVs that are safe to open in a spreadsheet: formulas in text cells are neutralised."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pandas as pd

#: A text cell starting with one of these would be run as a formula by a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` in which every text cell beginning with a formula character gets a leading `'`."""
    out = frame.copy()
    for name in out.columns:
        col = out[name]
        if pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col) or pd.api.types.is_datetime64_any_dtype(col):
            continue
        text = col.astype("object")
        is_str = text.map(lambda v: isinstance(v, str))
        risky = is_str & text.where(is_str, "").str.startswith(FORMULA_PREFIXES)
        if risky.any():
            text = text.where(~risky, "'" + text.where(risky, "").astype(str))
            out[name] = text
    if not out.columns.empty:
        out.columns = [("'" + c) if isinstance(c, str) and c.startswith(FORMULA_PREFIXES) else c for c in out.columns]
    return out


def to_safe_csv_text(frame: pd.DataFrame) -> str:
    """The CSV text of `frame`, formula-neutralised, with `\n` line ends and no index."""
    buffer = io.StringIO()
    neutralise_formulas(frame).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write `data` to `path` through a temporary file and a rename, so a crash never leaves half a file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        with open(tmp, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return target


def write_safe_csv(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write `frame` to `path` as a formula-neutralised CSV, atomically."""
    return write_atomic(path, to_safe_csv_text(frame))
