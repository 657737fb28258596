"""Compressed backups: a gzip file (RFC 1952) of the SQLite backup, page for page, with a small
JSON manifest in the gzip header's extra field (subfield "GP"), so what a backup holds (its
fingerprint, its number of cases) is read from its first bytes, without unpacking it.

Any gzip tool unpacks the file into the SQLite database it was made from; the program reads it
back transparently (`is_packed`, `unpack`). No Qt, no SQLite here.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import struct
import tempfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, Protocol

GZIP_MAGIC = b"\x1f\x8b"
SUBFIELD = b"GP"  # GEP-NET Pathway's manifest in the gzip extra field
PACKED_SUFFIX = ".gz"
CHUNK = 1 << 20
LEVEL = 1  # about 4x on a case database at 130 MB/s (level 6: 4.8x at a third of the speed)
_FEXTRA = 0x04
_MAX_MANIFEST = 60000  # the extra field holds at most 65,535 bytes


class Writable(Protocol):
    """Where unpacked bytes go: a binary file, or anything with `write`."""

    def write(self, data: bytes, /) -> int: ...


def is_packed(path: str | Path) -> bool:
    """Whether `path` is a gzip file carrying a GEP-NET Pathway manifest."""
    return read_manifest(path) is not None


def read_manifest(path: str | Path) -> dict[str, Any] | None:
    """The manifest of a packed backup, None for any other file (or one that cannot be read)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(12)
            if len(head) < 12 or head[:2] != GZIP_MAGIC or not head[3] & _FEXTRA:
                return None
            extra = fh.read(struct.unpack("<H", head[10:12])[0])
    except OSError:
        return None
    at = 0
    while at + 4 <= len(extra):
        sid, size = extra[at:at + 2], struct.unpack("<H", extra[at + 2:at + 4])[0]
        if sid == SUBFIELD:
            try:
                found = json.loads(extra[at + 4:at + 4 + size].decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                return None
            return found if isinstance(found, dict) else None
        at += 4 + size
    return None


def pack(source: Path, out: IO[bytes], manifest: dict[str, Any],
         progress: Callable[[int, int], None] | None = None) -> None:
    """Write `source` compressed to `out`, with `manifest` in the header; `progress(done,
    total)` in bytes read."""
    data = json.dumps(manifest, ensure_ascii=True, sort_keys=True).encode("ascii")
    if len(data) > _MAX_MANIFEST:
        raise ValueError("backup manifest too large")
    extra = SUBFIELD + struct.pack("<H", len(data)) + data
    # ID1 ID2, deflate, FEXTRA, no time (the file's own time says when), XFL 0, OS unknown
    out.write(GZIP_MAGIC + bytes((8, _FEXTRA)) + b"\0\0\0\0" + b"\0\xff")
    out.write(struct.pack("<H", len(extra)) + extra)
    total = source.stat().st_size
    deflate = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    crc, done = 0, 0
    with open(source, "rb") as fh:
        while chunk := fh.read(CHUNK):
            crc = zlib.crc32(chunk, crc)
            done += len(chunk)
            out.write(deflate.compress(chunk))
            if progress is not None:
                progress(done, total)
    out.write(deflate.flush())
    out.write(struct.pack("<II", crc & 0xFFFFFFFF, done & 0xFFFFFFFF))


def unpack(source: Path, out: Writable) -> None:
    """Write the database a packed backup holds to `out` (the gzip checksum is verified: a
    damaged file raises OSError or EOFError)."""
    with gzip.open(source, "rb") as fh:
        while chunk := fh.read(CHUNK):
            out.write(chunk)


def unpack_folder(path: Path) -> Path | None:
    """Where to unpack a packed backup for reading: beside it when that folder is writable
    (a backups/ folder, swept at start for what a killed process left), else the system's
    temporary folder."""
    return path.parent if os.access(path.parent, os.W_OK) else None


@contextlib.contextmanager
def readable_copy(path: Path, folder: Path | None = None) -> Iterator[Path]:
    """`path` itself when it is not packed; else its database unpacked into a private
    temporary file (0600, in `folder` or the system's temporary folder), removed after."""
    if not is_packed(path):
        yield path
        return
    fd, name = tempfile.mkstemp(dir=folder, prefix=".unpacked-", suffix=".db")
    try:
        with os.fdopen(fd, "wb") as out:
            unpack(path, out)
        yield Path(name)
    finally:
        for leftover in (name, f"{name}-journal", f"{name}-wal", f"{name}-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(leftover)


__all__ = ["PACKED_SUFFIX", "is_packed", "pack", "read_manifest", "readable_copy", "unpack",
           "unpack_folder"]
