"""Memory the import frees goes back to the system (the process's peak stays the data's).

An import builds and drops many large buffers (the parsed text, stripped copies, codes).
Arrow's default pool (mimalloc) and glibc's malloc, whose threshold for giving a large
block its own mapping rises after the first frees, both keep freed memory for reuse: at a
million firms the process held about 250 MB more than its live data. Here Arrow
allocates through the system allocator and glibc's threshold is fixed at 128 KB, so a
large buffer is mapped alone and unmapped when freed (measured: docs/scale.md).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

import pyarrow as pa

__all__ = ["MMAP_THRESHOLD_BYTES", "return_freed_memory"]

#: Blocks at least this large get their own mapping (glibc's initial default, kept fixed).
MMAP_THRESHOLD_BYTES = 128 * 1024
_M_MMAP_THRESHOLD = -3
_done: list[bool] = []


def return_freed_memory() -> None:
    """Once per process: Arrow through the system allocator, glibc's mmap threshold fixed.
    Elsewhere than Linux/glibc only Arrow's pool changes."""
    if _done:
        return
    _done.append(True)
    pa.set_memory_pool(pa.system_memory_pool())
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
        except (OSError, AttributeError):  # not glibc (musl): nothing to set
            pass
