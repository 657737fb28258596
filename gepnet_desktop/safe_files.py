"""The one way the program writes a file, and what it never writes over.

`atomic_path(target)` gives a temporary file in the target's folder to write; when the block
ends without an error the temporary file is flushed to disk, made private (0600 on POSIX),
renamed over the target and the folder is flushed too, so the target is either the old file or
the complete new one. `atomic_open`, `write_bytes` and `write_text` are built on it.

Refused whatever the caller says (`WriteRefused`, a sentence): a symbolic link, a folder, the
database and its -wal/-shm/-journal files (the data dir's and any open one, `protect`), any
existing SQLite database or write-ahead log (a backup), and any existing file in the data dir's
`backups/`. Replacing another existing file needs `replace=True` (the command line's --force,
the window's question).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from . import paths

TMP_SUFFIX = ".gepnet.tmp"
SQLITE_MAGIC = b"SQLite format 3\x00"
WAL_MAGIC = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")
COMPANIONS = ("-wal", "-shm", "-journal")
_protected: set[str] = set()


class WriteRefused(Exception):
    """A write the program never does (or not without asking); str() is the sentence."""

    def __init__(self, message: str, *, exists: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.exists = exists  # True when only an ordinary existing file stopped it

    def __str__(self) -> str:
        return self.message


def _absolute(path: str | os.PathLike[str]) -> Path:
    """The absolute path without following a final symbolic link."""
    return Path(os.path.abspath(os.path.expanduser(os.fspath(path))))


def protect(db_path: str | os.PathLike[str]) -> None:
    """Never write over this database (nor its -wal, -shm, -journal) for the process's life."""
    real = os.path.realpath(db_path)
    _protected.update({real, *(real + c for c in COMPANIONS)})


def _data_dir_database() -> set[str]:
    try:
        folder = paths.data_dir(create=False)
    except Exception:  # an unusable data dir protects nothing
        return set()
    real = os.path.realpath(folder / paths.DB_NAME)
    return {real, *(real + c for c in COMPANIONS)}


def is_database_file(path: Path) -> bool:
    """True for an existing SQLite database or write-ahead log (the database or a backup), or
    a compressed backup (packed.py)."""
    from .packed import is_packed

    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    return head.startswith(SQLITE_MAGIC) or head[:4] in WAL_MAGIC or is_packed(path)


def protected_reason(path: str | os.PathLike[str]) -> str | None:
    """Why `path` may never be written over by an export, report, chart or backup, or None."""
    target = _absolute(path)
    real = os.path.realpath(target)
    if real in _protected | _data_dir_database():
        return (f"{target} is the database or one of its -wal/-shm files; nothing is ever "
                "written over it. Choose another file name.")
    name = target.name
    for companion in COMPANIONS:
        if name.endswith(companion) and Path(str(target)[: -len(companion)]).is_file():
            return (f"{target} belongs to the database beside it (its {companion[1:]} file); "
                    "nothing is ever written over it. Choose another file name.")
    if target.exists() and not target.is_dir():
        if is_database_file(target):
            return (f"{target} is a database (the clinic's database or a backup of it); "
                    "nothing is ever written over it. Choose another file name.")
        try:
            backups = paths.data_dir(create=False) / "backups"
            inside = os.path.samefile(target.parent, backups)
        except OSError:
            inside = False
        if inside:
            return (f"{target} is in the folder of the automatic backups; nothing is ever "
                    "written over a file there. Choose another file name.")
    return None


def check_target(path: str | os.PathLike[str], *, replace: bool = False) -> Path:
    """The absolute target when writing it is allowed; else WriteRefused with the sentence."""
    target = _absolute(path)
    if target.is_symlink():
        raise WriteRefused(f"{target} is a symbolic link; the program does not write through "
                           "links. Choose the real file or another name.")
    if target.is_dir():
        raise WriteRefused(f"{target} is a folder; give the name of the file to write.")
    reason = protected_reason(target)
    if reason:
        raise WriteRefused(reason)
    if not target.parent.is_dir():
        raise WriteRefused(f"{target}: the folder {target.parent} does not exist; choose an "
                           "existing folder.")
    if target.exists() and not replace:
        raise WriteRefused(f"{target} already exists; nothing was written. Choose another "
                           "name, or confirm that it may be replaced.", exists=True)
    return target


def private(path: str | os.PathLike[str]) -> None:
    """Readable and writable by the owner only (POSIX; nothing elsewhere)."""
    if os.name == "posix":
        os.chmod(path, 0o600)


def fsync_folder(folder: str | os.PathLike[str]) -> None:
    """Flush a folder's entries (a rename) to disk; a no-op where folders cannot be opened."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        with contextlib.suppress(OSError):  # some file systems refuse fsync on a folder
            os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY if sys.platform != "win32" else os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], *, replace: bool = False) -> Iterator[Path]:
    """A private temporary file beside `path` to write; on success it becomes `path`.

    On an error (or an exception in the block) the temporary file is removed and `path` is
    as it was. Raises WriteRefused (see the module) before anything is written.
    """
    target = check_target(path, replace=replace)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                suffix=TMP_SUFFIX)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        private(tmp)  # a writer may have made the file again with its own mode
        _fsync_file(tmp)
        check_target(target, replace=replace)  # nothing turned into a link meanwhile
        os.replace(tmp, target)
        fsync_folder(target.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "w", *, replace: bool = False,
                encoding: str | None = "utf-8", newline: str | None = None) -> Iterator[IO[Any]]:
    """`open()` on a temporary file that becomes `path` when the block ends without error."""
    with atomic_path(path, replace=replace) as tmp:
        binary = "b" in mode
        with open(tmp, mode, encoding=None if binary else encoding,
                  newline=None if binary else newline) as fh:
            yield fh
            fh.flush()


def write_bytes(path: str | os.PathLike[str], data: bytes, *, replace: bool = False) -> Path:
    """Write `data` to `path` atomically (see atomic_path); returns the absolute path."""
    with atomic_open(path, "wb", replace=replace) as fh:
        fh.write(data)
    return _absolute(path)


def write_text(path: str | os.PathLike[str], text: str, *, replace: bool = False,
               encoding: str = "utf-8") -> Path:
    """Write `text` to `path` atomically (see atomic_path); returns the absolute path."""
    with atomic_open(path, "w", replace=replace, encoding=encoding, newline="") as fh:
        fh.write(text)
    return _absolute(path)


LEFTOVER_GRACE_S = 120.0


def remove_leftovers(folder: str | os.PathLike[str], *, now: float | None = None) -> list[Path]:
    """Remove temporary files an interrupted write left in the data dir (and in its drafts/
    and backups/): unfinished restores (.restore-*.db and their journals), unfinished atomic
    writes, drafts and backups. Files younger than two minutes may belong to a write still
    running in another window, and are left. Returns what was removed."""
    import time

    base = Path(folder)
    now = time.time() if now is None else now
    patterns = {base: (".restore-*.db", ".restore-*.db-*", f".*{TMP_SUFFIX}", ".settings-*.tmp",
                       ".*.partial", ".unpacked-*.db", ".unpacked-*.db-*"),
                base / "drafts": (".*.tmp", f".*{TMP_SUFFIX}"),
                base / "backups": (".*.partial", ".*.partial-journal", f".*{TMP_SUFFIX}",
                                   f".*{TMP_SUFFIX}-journal", ".unpacked-*.db",
                                   ".unpacked-*.db-*")}
    removed: list[Path] = []
    for where, globs in patterns.items():
        if not where.is_dir():
            continue
        for pattern in globs:
            for leftover in where.glob(pattern):
                try:
                    if leftover.is_symlink() or not leftover.is_file() or \
                            now - leftover.stat().st_mtime < LEFTOVER_GRACE_S:
                        continue
                    leftover.unlink()
                except OSError:
                    continue
                removed.append(leftover)
    return removed


__all__ = ["TMP_SUFFIX", "WriteRefused", "atomic_open", "atomic_path", "check_target",
           "fsync_folder", "is_database_file", "private", "protect", "protected_reason",
           "remove_leftovers", "write_bytes", "write_text"]
