"""A process pool whose workers end with their parent, and stop at once when the run is interrupted.

`concurrent.futures.ProcessPoolExecutor` alone lets workers outlive a killed parent (they keep writing files)
and makes an interrupted parent wait for every running task. Here each worker asks the kernel to send it
SIGTERM when its parent dies (Linux `PR_SET_PDEATHSIG`) and leaves Ctrl-C to its parent, which stops it with
SIGTERM. On SIGTERM a running task is stopped: through the callbacks it registered with `stop_with` (e.g.
killing a notebook's kernel, after which the task raises `WorkerTerminated` from `raise_if_terminated`), or
else by `WorkerTerminated` raised where it runs, so its `finally` blocks remove its temporary files. Either
way the worker then exits, at the latest `STOP_GRACE_SECONDS` later, even if a library swallowed the exception.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

_PR_SET_PDEATHSIG = 1
#: Seconds an interrupted run gives its workers to clean up after SIGTERM before it kills them.
STOP_GRACE_SECONDS = 10.0


class WorkerTerminated(BaseException):
    """Raised in a worker by SIGTERM, so the task unwinds through its `finally` blocks."""


_in_task = False
_terminating = False
_stop_callbacks: list[Callable[[], None]] = []


def _on_sigterm(signum: int, frame: Any) -> None:
    """A worker's SIGTERM: exit when idle; else stop the task (callbacks or an exception), exiting soon regardless."""
    global _terminating
    if not _in_task:
        os._exit(128 + signum)  # idle: nothing to clean up
    _terminating = True
    deadline = threading.Timer(STOP_GRACE_SECONDS, os._exit, (128 + signum,))
    deadline.daemon = True
    deadline.start()
    if not _stop_callbacks:
        raise WorkerTerminated
    for callback in list(_stop_callbacks):
        callback()


@contextmanager
def stop_with(callback: Callable[[], None]) -> Iterator[None]:
    """Within the block, SIGTERM calls `callback` (which must make the task end soon) instead of raising at once."""
    _stop_callbacks.append(callback)
    try:
        yield
    finally:
        _stop_callbacks.remove(callback)


def raise_if_terminated() -> None:
    """Raise WorkerTerminated when SIGTERM arrived while a `stop_with` callback was in charge."""
    if _terminating:
        raise WorkerTerminated


def _die_with_parent(parent_pid: int) -> None:
    """Have the kernel send this process SIGTERM when its parent ends (Linux); exit now if it already has."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl: the parent's stop() is the only guard
            pass
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def _start_worker(parent_pid: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    _die_with_parent(parent_pid)
    signal.signal(signal.SIGTERM, _on_sigterm)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the parent decides
    if initializer is not None:
        initializer(*initargs)


def run_task(fn: Callable[..., Any], *args: Any) -> Any:
    """Run `fn(*args)` in a worker; on SIGTERM, unwind it (its `finally` blocks run) and end the worker."""
    global _in_task
    _in_task = True
    try:
        return fn(*args)
    except WorkerTerminated:
        os._exit(128 + signal.SIGTERM)
    finally:
        _in_task = False


def _context() -> multiprocessing.context.BaseContext:
    """fork on Linux (workers inherit the imported modules), spawn elsewhere."""
    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")


def _stop(pool: ProcessPoolExecutor, started_before: set[int | None]) -> None:
    """Cancel the queued tasks, send SIGTERM to the running workers, and wait for them (killing stragglers)."""
    workers = [p for p in multiprocessing.active_children() if p.pid not in started_before]
    pool.shutdown(wait=False, cancel_futures=True)
    for process in workers:
        process.terminate()
    for process in workers:
        process.join(STOP_GRACE_SECONDS)
        if process.is_alive():
            process.kill()
            process.join()


@contextmanager
def process_pool(
    workers: int, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()
) -> Iterator[ProcessPoolExecutor]:
    """A ProcessPoolExecutor of `workers` processes that end with this one; submit tasks through `run_task`.

    Leaving the block normally waits for the tasks; leaving it by an exception (Ctrl-C, SIGTERM turned into
    KeyboardInterrupt, a failed task) stops the workers at once instead.
    """
    started_before = {p.pid for p in multiprocessing.active_children()}
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_context(),
        initializer=_start_worker,
        initargs=(os.getpid(), initializer, initargs),
    )
    try:
        yield pool
    except BaseException:
        _stop(pool, started_before)
        raise
    pool.shutdown(wait=True)
