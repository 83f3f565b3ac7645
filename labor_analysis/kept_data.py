"""Data folders kept loaded in a process that forks others: the rerun's warm-kernel server.

Every story notebook loads its data folder (`story.Page`), and notebooks 06 and 07 the national record too
(`labor_analysis.national()`): read, validated and typed again in each kernel, about 0.1 s of CPU for our data
folder and 0.6 s for the national record. The server loads them once, before it forks the kernels; `load` in a
kernel then returns a copy of the Dataset loaded before the fork, as long as the folder's files are the ones it
was loaded from (same names, sizes and modification times), and reads the folder as usual otherwise.
"""

from __future__ import annotations

import dataclasses
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .loading import Dataset

#: What identifies the files of a folder as loaded: each regular file's name, size and modification time.
Stamp = tuple[tuple[str, int, int], ...]

_KEPT: dict[Path, tuple[Stamp, Dataset]] = {}


def stamp(folder: Path) -> Stamp:
    """The name, size and modification time (ns) of every regular file directly in `folder`, sorted by name."""
    entries = []
    for path in sorted(folder.iterdir()):
        try:
            status = path.stat()
        except OSError:
            continue
        if stat.S_ISREG(status.st_mode):
            entries.append((path.name, status.st_size, status.st_mtime_ns))
    return tuple(entries)


def keep_loaded(folders: Iterable[Path]) -> None:
    """Load and keep each folder that loads (a folder that does not is left to whoever loads it next: its errors
    are theirs to report); the stamp is taken before loading, so a file changed meanwhile is not served."""
    from .errors import DataValidationError
    from .loading import load

    for folder in folders:
        folder = folder.resolve()
        try:
            before = stamp(folder)
            _KEPT[folder] = (before, load(folder))
        except (OSError, DataValidationError):
            continue


def kept(folder: Path) -> Dataset | None:
    """A copy of the Dataset kept for `folder` (absolute), its frames copied, or None when none is kept or the
    folder's files changed since it was loaded."""
    entry = _KEPT.get(folder)
    if entry is None:
        return None
    loaded_from, dataset = entry
    try:
        if stamp(folder) != loaded_from:
            return None
    except OSError:
        return None
    return dataclasses.replace(dataset, **{name: frame.copy(deep=True) for name, frame in dataset.tables().items()})
