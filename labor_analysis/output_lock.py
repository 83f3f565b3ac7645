"""One run at a time per output folder, and no temporary file left behind by an earlier run that was killed.

The lock is an OS lock on a file in the folder (`fcntl.flock`, `msvcrt.locking` on Windows): the operating
system releases it when the process holding it ends, however it ends, so a killed run never leaves it stuck. A
process forked while the lock is held (a chart or notebook worker) closes its copy of the lock at once: otherwise
the copy would keep the folder locked until the worker noticed that its run had been killed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

LOCK_FILE = ".labor-analysis.lock"
#: The temporary files of `safe_csv.write_atomic`: `.<name>.<pid>.tmp` beside the file being written.
TEMPORARY_FILE = re.compile(r"^\..+\.\d+\.tmp$")


#: Descriptors of the locks this process holds, closed in a child as soon as it is forked.
_held: set[int] = set()


def _close_inherited_locks() -> None:
    """In a forked child: close the lock descriptors inherited from the parent (the lock stays the parent's)."""
    for fd in _held:
        with suppress(OSError):
            os.close(fd)
    _held.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_inherited_locks)


class OutputFolderBusyError(RuntimeError):
    """Another run is writing into the same output folder."""


def _try_lock(fd: int) -> bool:
    """Take the lock on `fd` without waiting; False when another process holds it."""
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:  # pragma: no cover - Windows
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:  # BlockingIOError on POSIX, PermissionError on Windows
        return False
    return True


def remove_leftovers(folder: Path) -> list[Path]:
    """Delete the temporary files an interrupted write left in `folder` (not its subfolders); return them."""
    removed = []
    for path in sorted(folder.glob(".*.tmp")):
        if TEMPORARY_FILE.match(path.name) and path.is_file():
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


@contextmanager
def claim_output_dir(out: Path) -> Iterator[Path]:
    """Create `out`, lock it for this process and clear an earlier run's temporary files; unlock on exit.

    Raises OutputFolderBusyError when another run holds the folder, and OSError when the folder cannot be
    created or written (read-only, full, no permission), before anything else is written.
    """
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if not _try_lock(fd):
            holder = os.read(fd, 32).decode("ascii", "replace").strip()
            who = f" (process {holder})" if holder.isdigit() else ""
            raise OutputFolderBusyError(f"another run is writing into {out}{who}; try again when it has finished")
        _held.add(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        remove_leftovers(out)
        yield out
    finally:
        _held.discard(fd)
        os.close(fd)  # releases the lock
