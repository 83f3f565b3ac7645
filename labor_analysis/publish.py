"""Publish a folder of outputs in one step, so readers never see two runs mixed: build the run in a staging folder
beside the output folder, then swap the two.

On Linux the swap is one `renameat2(RENAME_EXCHANGE)` call: at every instant the output folder's path holds either
the whole previous run or the whole new one. Elsewhere it is two renames, with a moment in between where the path
is missing (never mixed). A run that fails or is interrupted (Ctrl-C, SIGTERM) removes its staging folder and
leaves the output folder as it was; a killed run's staging folder is removed by the next run into that folder.
Files in the output folder that no run made (not listed in the previous run's listing) are carried over.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .output_lock import LOCK_FILE

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def staging_prefix(out: Path) -> str:
    """Name prefix of the staging (and set-aside) folders of `out`: hidden, beside it, named after it."""
    return f".{out.name}.staging-"


def remove_stale_staging(out: Path) -> list[Path]:
    """Delete the staging folders earlier runs into `out` left (a killed run's); the caller holds `out`'s lock."""
    removed = []
    for path in sorted(out.parent.glob(staging_prefix(out) + "*")):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _exchange(a: Path, b: Path) -> bool:
    """Swap the paths `a` and `b` in one system call; False where the system has no such call."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):  # no such call, or a file system without it
        return False
    raise OSError(code, os.strerror(code), str(a))


def _swap(out: Path, staging: Path) -> None:
    """Put `staging` in place of `out`; what was at `out` ends up at `staging`'s path (to be removed)."""
    if _exchange(out, staging):
        return
    aside = staging.with_name(staging.name + "-previous")
    os.rename(out, aside)
    os.rename(staging, out)
    os.rename(aside, staging)


def _carry_over(out: Path, staging: Path, made_by_runs: set[str]) -> None:
    """Link (or copy) into `staging` the entries of `out` that no run made and the new run did not write."""
    for entry in out.iterdir():
        name = entry.name
        if name in made_by_runs or name == LOCK_FILE or (staging / name).exists() or (staging / name).is_symlink():
            continue
        target = staging / name
        if entry.is_symlink():
            os.symlink(os.readlink(entry), target)
        elif entry.is_dir():
            shutil.copytree(entry, target, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(str(entry), str(target))


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


@contextmanager
def staged(out: Path, made_by_runs: Callable[[Path], set[str]]) -> Iterator[Path]:
    """A fresh staging folder beside `out` to write a whole run into; published in place of `out` when the block
    ends normally, removed (and `out` left as it was) when it raises or is interrupted.

    The caller holds `out`'s lock (`output_lock.claim_output_dir`), so no other run writes into `out` or its
    staging folders meanwhile. `made_by_runs(folder)` names the entries an earlier run wrote into `folder` (the
    rest, someone's own files, are carried over into the new run's folder).
    """
    remove_stale_staging(out)
    staging = out.parent / f"{staging_prefix(out)}{os.getpid()}"
    staging.mkdir()
    try:
        try:
            yield staging
        except OSError as exc:  # a full disk, say: name the file as it would have been published
            if isinstance(exc.filename, str) and exc.filename.startswith(f"{staging}{os.sep}"):
                exc.filename = str(out) + exc.filename[len(str(staging)) :]
            raise
        _carry_over(out, staging, made_by_runs(out))
        _swap(out, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # the new run, if it failed; else the previous run
