"""Give freed heap memory back to the OS now and then, so a busy server's RSS stays level.

Under concurrent load the model's activations come in many sizes; glibc raises its mmap
threshold after the first large frees and serves later large blocks from the heap, whose
freed holes it keeps. Measured with 8,000 distinct questions at 64 clients: RSS rose 642 →
729 MiB without trimming. A fixed low mmap threshold kept it level but cost a fifth of the
throughput in page faults; `malloc_trim` every few seconds costs a few milliseconds a run.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


def _libc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def start_trimming(interval: float = 5.0) -> threading.Event | None:
    """Trim every `interval` seconds in a daemon thread; set the returned event to stop."""
    trim = _libc_trim()
    if trim is None:
        log.info("malloc_trim is not available here; RSS is left to the allocator")
        return None
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(interval):
            trim(0)

    threading.Thread(target=run, name="malloc-trim", daemon=True).start()
    return stop
