"""New record ids: time-ordered UUIDs (version 7, RFC 9562).

The first 48 bits are the Unix time in milliseconds, then a 12-bit counter for ids made in the
same millisecond, then 62 random bits. Ids made one after the other sort in the order they were
made, so a new case's key lands at the end of the uuid-keyed B-trees (the case list's primary
key, the lines keyed by case) and their pages stay full: an import of a million cases is stored
as densely as if it had been vacuumed. The random bits keep ids of two workstations apart.
"""

from __future__ import annotations

import os
import threading
import time

_lock = threading.Lock()
_last_ms = 0
_counter = 0
_COUNTER_MAX = 0xFFF


def new_uuid() -> str:
    """A new version-7 UUID, as the 36-character text the database stores."""
    global _last_ms, _counter
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms <= _last_ms:  # the same millisecond (or the clock went back): count on
            ms = _last_ms
            _counter += 1
            if _counter > _COUNTER_MAX:
                ms, _counter = ms + 1, 0
        else:
            _counter = 0
        _last_ms = ms
        counter = _counter
    rand = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | counter << 64 | 0b10 << 62 | rand
    h = f"{value:032x}"  # as str(uuid.UUID(int=value)) writes it
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


__all__ = ["new_uuid"]
