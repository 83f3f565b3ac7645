"""Python's cycle collector paused over work that builds many objects and no garbage cycles worth collecting.

The collector runs whenever enough containers have been allocated, and each full pass walks every live object: an
NLRB import allocates hundreds of thousands of small containers (a ballot per tally row, a record per tally, the
modules of pandas it imports first), none of them in cycles, and the passes over them cost about a tenth of its
CPU time (measured with benchmarks/bench_import.py, issue #20). When it resumes, the objects made meanwhile are
moved to the oldest generation unwalked (`gc.freeze` then `gc.unfreeze`, which splice lists): otherwise the first
allocation after the pause walks every one of them at once (about 0.04 s after an import of every NLRB file), to
find no garbage. Cycles made meanwhile are collected by the next full pass. The interpreter's last pass, at exit,
is skipped the same way by a command line about to exit.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector off inside the block, and back as it was after it (nested blocks leave it to the outermost),
    with the objects made inside aged to the oldest generation (unless some are frozen already: then left as they
    are, so as not to unfreeze another's)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def skip_last_pass() -> None:
    """Leave the objects alive now out of the collector's passes (`gc.freeze`), in a process about to exit: the
    interpreter's last collection at exit walks them all (pandas' modules, a command's data: about 0.07 s of CPU
    after an import) and frees nothing the operating system does not take back; Python does not promise to call
    `__del__` at exit anyway. Objects made afterwards are collected as usual."""
    gc.freeze()
