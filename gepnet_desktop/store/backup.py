"""Backups (SQLite's online backup API), restore, and rotating automatic backups.

A backup is one self-contained file (rollback journal, not WAL) that `restore` and `Store.open`
accept. Automatic backups, and a backup whose name ends in `.gz`, are compressed (packed.py:
the page-for-page copy, gzipped, with a manifest of what it holds); restore and check read
either kind. The automatic ones are rotated by number and by total size. Nothing here needs
the program to be closed, except that a restore replaces what every open Store sees: close
them first and open again after.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import sqlite3
import tempfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from ..packed import PACKED_SUFFIX, pack, read_manifest, unpack
from ..safe_files import WriteRefused, atomic_path
from . import audit
from .cases import Store
from .check import check_database, check_ours, database_summary, reader
from .db import connect, connect_read_only, read_transaction, write_transaction
from .errors import Cancelled, NotADatabaseError, StoreError
from .guard import auto_backups
from .migrations import MIGRATIONS, migrate
from .progress import Progress, keep_going
from .second_copy import copy_to_second_folder
from .settings import backups_max_bytes, backups_to_keep

log = logging.getLogger(__name__)

BACKUP_DIR = "backups"
UNREADABLE_TAG = ".unreadable-before-restore-"
PAGES_PER_STEP = 256


class _Stop(Exception):
    """Raised inside SQLite's progress callback to abort a backup."""


def _page_steps(progress: Progress | None) -> Callable[[int, int, int], None] | None:
    """SQLite's backup progress callback, reporting pages copied; raises _Stop on a cancel."""
    if progress is None:
        return None

    def step(_status: int, remaining: int, total: int) -> None:
        if not keep_going(progress, total - remaining, total):
            raise _Stop

    return step


def _phase(progress: Progress | None, phase: int) -> Progress | None:
    """Progress of one of the two halves of a compressed backup (copy, then compress), told
    as thousandths of the whole: (phase * 1000 + done * 1000 / total, 2000)."""
    if progress is None:
        return None

    def told(done: int, total: int) -> bool:
        return keep_going(progress, phase * 1000 + done * 1000 // max(total, 1), 2000)

    return told


def _stamp(precise: bool = False) -> str:
    """Local time for file names; `precise` adds microseconds so names sort in time order."""
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S" + ("-%f" if precise else ""))


def _free_name(folder: Path, stem: str, suffix: str) -> Path:
    target = folder / f"{stem}{suffix}"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{stem}-{n}{suffix}"
    return target


@contextlib.contextmanager
def _source(store_or_path: Store | str | Path) -> Iterator[tuple[sqlite3.Connection, Path]]:
    if isinstance(store_or_path, Store):
        yield store_or_path.db.conn, store_or_path.path
        return
    path = Path(store_or_path).expanduser().resolve()
    check_ours(path)
    try:
        conn = connect_read_only(path)
    except sqlite3.DatabaseError as exc:
        raise NotADatabaseError(f"{path}: cannot be read as a database ({exc}).") from None
    try:
        yield conn, path
    finally:
        conn.close()


def _copy(src: sqlite3.Connection, dest: Path, progress: Progress | None, *,
          replace: bool = False, packed: bool = False) -> None:
    """Copy a live database into `dest` through the one atomic writer (a private file
    beside it, checked, then renamed): `dest` is the old file or the complete copy. `packed`:
    the copy is made beside `dest` first, checked, then compressed into `dest`."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        if packed:
            _copy_packed(src, dest, progress, replace)
            return
        with atomic_path(dest, replace=replace) as tmp:
            _copy_checked(src, tmp, dest, progress)
    except _Stop:
        raise Cancelled("The backup was cancelled; no file was written.") from None
    except WriteRefused as exc:
        raise StoreError(str(exc)) from None


def _copy_checked(src: sqlite3.Connection, tmp: Path, dest: Path,
                  progress: Progress | None) -> None:
    """The backup API into `tmp`, then SQLite's quick check of the copy."""
    target = sqlite3.connect(str(tmp))
    try:
        src.backup(target, pages=PAGES_PER_STEP, progress=_page_steps(progress))
        target.execute("PRAGMA journal_mode = DELETE")
        check = target.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        target.close()
    if check != "ok":
        raise StoreError(f"The backup written to {dest} failed its check ({check}); "
                         "the disk may be failing. Try another destination.")


def _copy_packed(src: sqlite3.Connection, dest: Path, progress: Progress | None,
                 replace: bool) -> None:
    """A checked copy in a private file beside `dest` (`.NAME-*.partial`, removed at the end
    or at the next start), compressed into `dest` with its manifest."""
    fd, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}-", suffix=".partial")
    os.close(fd)
    plain = Path(name)
    try:
        _copy_checked(src, plain, dest, _phase(progress, 0))
        manifest = _manifest(plain)
        told = _phase(progress, 1)

        def step(done: int, total: int) -> None:
            if told is not None and not told(done, total):
                raise _Stop

        with atomic_path(dest, replace=replace) as tmp, open(tmp, "wb") as out:
            pack(plain, out, manifest, step)
    finally:
        for leftover in (plain, Path(f"{plain}-journal")):
            leftover.unlink(missing_ok=True)


def _manifest(copy: Path) -> dict[str, Any]:
    """What a compressed backup says of itself: its fingerprint, cases and schema."""
    conn = connect_read_only(copy)
    try:
        return {"format": 1, "fingerprint": _jsonable(_fingerprint(conn)),
                "cases": int(conn.execute("SELECT count(*) FROM cases").fetchone()[0]),
                "schema": int(conn.execute("PRAGMA user_version").fetchone()[0])}
    finally:
        conn.close()


def _jsonable(value: object) -> Any:
    return json.loads(json.dumps(value))


def backup_database(store_or_path: Store | str | Path, dest: str | Path,
                    progress: Progress | None = None, *, replace: bool = False,
                    packed: bool | None = None) -> Path:
    """Write a consistent copy of the database to `dest`, even while the program is using it.

    `packed` (default: when `dest` ends in .gz) compresses it (about 4x; restore and check
    read it as they read a plain one). `progress(done, total)` may return False to cancel (no
    file is left). An existing `dest` is replaced only with `replace`, and never when it is a
    database (the database itself, a backup), a symbolic link or a file in backups/.
    """
    if Path(dest).expanduser().is_symlink():
        raise StoreError(f"{Path(dest).expanduser().absolute()} is a symbolic link; the "
                         "program does not write through links. Choose the real file or "
                         "another name.")
    dest = Path(dest).expanduser().resolve()
    with _source(store_or_path) as (conn, path):
        if dest == path:
            raise StoreError(f"{dest} is the database itself; choose another file for the "
                             "backup.")
        if dest.is_dir():
            raise StoreError(f"{dest} is a folder; give the name of the backup file to write.")
        try:
            _copy(conn, dest, progress, replace=replace,
                  packed=dest.name.endswith(PACKED_SUFFIX) if packed is None else packed)
        except OSError as exc:
            raise StoreError(f"{dest}: the backup could not be written "
                             f"({exc.strerror or exc}); check the folder and free space.") \
                from None
    log.info("backup written (%s)", dest.name)
    return dest


def auto_backup(store: Store, progress: Progress | None = None) -> Path | None:
    """A rotating automatic backup in `backups/` beside the database, compressed
    (`gepnet-auto-STAMP.db.gz`); keeps the newest N (setting `backups_to_keep`, default 10; 0
    turns automatic backups off), and drops the oldest while all of them together take more
    than `backups_max_mb` (default 10,240 MB; the newest is always kept). `progress(done,
    total)` is told as it is written (a worker shows it; its answer is not a cancel).

    Returns the new backup, or None when none was written: automatic backups are off, or the
    database has not changed since the newest automatic backup (`unchanged_since_auto_backup`;
    logged as skipped), so starting the program again and again keeps the older, different
    backups.
    """
    keep = backups_to_keep(store.path.parent)
    if keep == 0:
        return None
    folder = store.path.parent / BACKUP_DIR
    prefix = f"{store.path.stem}-auto-"
    same = unchanged_since_auto_backup(store)
    if same is not None:
        log.info("automatic backup skipped: no change since the newest one (%s)", same.name)
        dest = None
    else:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{folder}: the automatic backups cannot be written there "
                             f"({exc.strerror or exc}); check that it is a folder you may "
                             "write to, with free space.") from None
        told = None if progress is None else (lambda done, total: progress(done, total) or True)
        dest = backup_database(store, _free_name(folder, prefix + _stamp(precise=True),
                                                 store.path.suffix + PACKED_SUFFIX),
                               told, packed=True)
    for stale in _rotated_away(store, list_auto_backups(store.path), keep,
                               backups_max_bytes(store.path.parent)):
        stale.unlink(missing_ok=True)
    copy_to_second_folder(store.path, keep)  # the site's second folder, if it names one
    return dest


def _rotated_away(store: Store, backups: list[Path], keep: int,
                  max_bytes: int | None = None) -> list[Path]:
    """The automatic backups to delete: all but the newest `keep`, except that the backups of
    a larger database (more than twice the cases of this one, or any case when this one has
    none) form their own group, of which the newest `keep` are kept too. So copies of an
    empty or much smaller database never push the last backups of the real one away. Then,
    while those kept take more than `max_bytes`, the oldest go (never a group's newest)."""
    drop = _rotated_by_count(store, backups, keep)
    if max_bytes is None:
        return drop
    kept = [b for b in backups if b not in drop]
    sizes = {b: _size(b) for b in kept}
    total = sum(sizes.values())
    newest = {kept[-1]} | {g[-1] for g in _groups(store, kept) if g}
    for backup in kept:  # oldest first
        if total <= max_bytes:
            break
        if backup not in newest:
            drop.append(backup)
            total -= sizes[backup]
    if total > max_bytes:
        log.warning("the automatic backups take %d MB, more than the %d MB allowed; the "
                    "newest are kept", total >> 20, max_bytes >> 20)
    return drop


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _groups(store: Store, backups: list[Path]) -> tuple[list[Path], list[Path]]:
    """The backups of a larger database than this one, and the others (oldest first)."""
    with read_transaction(store.db):
        now = int(store.db.execute("SELECT count(*) FROM cases").fetchone()[0])
    larger: list[Path] = []
    others: list[Path] = []
    for backup in backups:
        cases = _case_count(backup)
        (larger if cases is not None and cases > 2 * now else others).append(backup)
    return larger, others


def _rotated_by_count(store: Store, backups: list[Path], keep: int) -> list[Path]:
    if len(backups) <= keep:
        return []
    larger, others = _groups(store, backups)
    if larger:
        log.warning("automatic backups of a larger database (%d) kept beside those of "
                    "this one", len(larger))
    return larger[:-keep] + others[:-keep]


def _case_count(backup: Path) -> int | None:
    """How many cases a backup holds; None when it cannot be read."""
    manifest = read_manifest(backup)
    if manifest is not None:
        cases = manifest.get("cases")
        return cases if isinstance(cases, int) else None
    try:
        conn = connect_read_only(backup)
        try:
            return int(conn.execute("SELECT count(*) FROM cases").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None


def unchanged_since_auto_backup(store: Store) -> Path | None:
    """The newest automatic backup when it holds the database as it is now, else None.

    Compared by a fingerprint: the schema version, the change counter (every committed write
    grows it), the newest audit entry and the number of cases. A restore brings back another
    state's counter and audit trail, so it does not match unless it restored that very state.
    A newest backup that cannot be read never matches.
    """
    backups = list_auto_backups(store.path)
    if not backups:
        return None
    with read_transaction(store.db):
        now = _jsonable(_fingerprint(store.db.conn))
    manifest = read_manifest(backups[-1])
    if manifest is not None:
        return backups[-1] if manifest.get("fingerprint") == now else None
    try:
        conn = connect_read_only(backups[-1])
        try:
            then = _jsonable(_fingerprint(conn))
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None
    return backups[-1] if then == now else None


def _fingerprint(conn: sqlite3.Connection) -> tuple[object, ...]:
    """What changes whenever the content of a database does (see unchanged_since_auto_backup)."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    changes = conn.execute("SELECT changes FROM store_state WHERE id = 1").fetchone()
    last = conn.execute("SELECT id, at, case_uuid, action FROM audit "
                        "ORDER BY id DESC LIMIT 1").fetchone()
    cases = conn.execute("SELECT count(*), count(deleted_at) FROM cases").fetchone()
    return (version, changes, last, cases)


def list_auto_backups(db_path: Path) -> list[Path]:
    """The automatic backups of a database (compressed or plain), oldest first."""
    return auto_backups(db_path)


def restore_database(db_path: str | Path, source: str | Path,
                     progress: Progress | None = None, *, user: str | None = None,
                     clinician: str | None = None) -> Path | None:
    """Replace the database at `db_path` by the backup `source`; returns where the current
    database was kept (None when there was none).

    The source is read through SQLite (opened read-only, so its -wal file counts and nothing of
    it changes) into a copy, verified there (ours, not newer, integrity and foreign keys),
    brought to the current schema, and only then written over the database through the backup
    API. The current database is kept aside first as a verified copy; when it cannot be read
    (damaged, not SQLite), the file itself is moved aside unchanged with its -wal and -shm
    (`moved_unreadable(result)` is then true). Close every open Store on `db_path` first; open
    again afterwards. The restored database's audit trail gets a `database_restore` row naming
    the file and the history it replaced (by `user`, default the OS account, and `clinician`,
    default this session's).
    """
    db_path = Path(db_path).expanduser().resolve()
    source = Path(source).expanduser().resolve()
    if source == db_path:
        raise StoreError(f"{source} is the database itself; choose a backup file to restore.")
    packed = read_manifest(source) is not None
    if not packed:
        check_ours(source)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=db_path.parent, prefix=".restore-", suffix=".db")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if packed:
            _unpacked_copy(source, tmp)
        else:
            _read_only_copy(source, tmp)
        problems = check_database(tmp, name=str(source))
        if problems:
            raise StoreError(f"{source} was not restored because it is damaged:\n" +
                             "\n".join(f"  {p}" for p in problems))
        candidate = connect(tmp)
        try:
            migrate(candidate, tmp, keep_copy=False)
            replaced = _replaced_history(db_path)
            aside = _keep_current(db_path)
            _record_restore(candidate, source, replaced, aside, user, clinician)
            if moved_unreadable(aside):
                candidate.execute("PRAGMA journal_mode = DELETE")
                candidate.close()
                os.replace(tmp, db_path)
                if progress is not None:
                    progress(1, 1)
            else:
                _write_over(candidate, db_path, progress)
        finally:
            candidate.close()
    finally:
        for leftover in (tmp, *_companions(tmp)):
            leftover.unlink(missing_ok=True)
    log.info("database restored from a backup (%s); the previous one %s", source.name,
             f"kept as {aside.name}" if aside else "did not exist")
    return aside


def _replaced_history(db_path: Path) -> dict[str, object]:
    """What the database about to be replaced held: schema, cases, audit rows, newest hash."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return {"existed": False}
    try:
        with reader(db_path) as db:
            count, newest = audit.head(db)
            cases = db.execute("SELECT count(*) FROM cases").fetchone()[0]
            version = db.execute("PRAGMA user_version").fetchone()[0]
        return {"existed": True, "schema": version, "cases": cases, "audit_rows": count,
                "audit_head": newest}
    except (StoreError, sqlite3.DatabaseError):
        return {"existed": True, "readable": False}


def _record_restore(candidate: Database, source: Path, replaced: dict[str, object],
                    aside: Path | None, user: str | None, clinician: str | None) -> None:
    """The restore as an audit row of the restored database (one transaction)."""
    details = {"file": str(source), "replaced": replaced,
               "kept_as": str(aside) if aside else None}
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
    with write_transaction(candidate):
        audit.record_event(candidate, at=stamp, user=user or audit.os_user(),
                           action="database_restore", details=details,
                           clinician=audit.clean_clinician(clinician) or
                           audit.session_clinician())


def _unpacked_copy(source: Path, dest: Path) -> None:
    """The database a compressed backup holds, into `dest`, judged as `check_ours` judges a
    plain one (sentences name the backup)."""
    try:
        with open(dest, "wb") as out:
            unpack(source, out)
    except (OSError, EOFError, zlib.error) as exc:
        raise NotADatabaseError(f"{source}: the compressed backup is damaged and cannot be "
                                f"unpacked ({exc}); choose another backup.") from None
    try:
        check_ours(dest)
    except StoreError as exc:
        raise type(exc)(str(exc).replace(str(dest), str(source))) from None


def _read_only_copy(source: Path, dest: Path) -> None:
    """Copy `source` into `dest` through SQLite's backup API, the source opened read-only: a
    database in WAL mode is copied with the commits still in its -wal file."""
    try:
        src = connect_read_only(source)
        try:
            target = sqlite3.connect(str(dest))
            try:
                src.backup(target, pages=PAGES_PER_STEP)
            finally:
                target.close()
        finally:
            src.close()
    except sqlite3.DatabaseError as exc:
        raise NotADatabaseError(f"{source}: cannot be read as a database ({exc}); choose "
                                "another backup.") from None


def _keep_current(db_path: Path) -> Path | None:
    """Keep the database about to be replaced: a verified copy, or, when it cannot be read,
    the file itself moved aside with its -wal/-shm. None when there is no database."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return None
    aside = _free_name(db_path.parent, f"{db_path.stem}.before-restore-{_stamp()}",
                       db_path.suffix)
    try:
        return backup_database(db_path, aside)
    except (StoreError, sqlite3.DatabaseError) as exc:
        log.warning("the database to be replaced cannot be read (%s); it is moved aside",
                    type(exc).__name__)
    moved = _free_name(db_path.parent, f"{db_path.stem}{UNREADABLE_TAG}{_stamp()}",
                       db_path.suffix)
    pairs = [(c, m) for c, m in zip(_companions(db_path), _companions(moved), strict=True)
             if c.exists()] + [(db_path, moved)]  # the logs first: none may stay behind
    done: list[tuple[Path, Path]] = []
    try:
        for current, target in pairs:
            os.replace(current, target)
            done.append((current, target))
    except OSError as exc:
        for current, target in reversed(done):
            with contextlib.suppress(OSError):
                os.replace(target, current)
        raise StoreError(f"{db_path} cannot be read and could not be moved aside "
                         f"({exc.strerror or exc}); nothing was restored. Close every program "
                         "using it and try again.") from None
    return moved


def _companions(path: Path) -> tuple[Path, Path, Path]:
    """SQLite's files beside a database: the write-ahead log, its index, the rollback journal."""
    return Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")


def _write_over(candidate: Database, db_path: Path, progress: Progress | None) -> None:
    """Write the verified copy over the database through the backup API."""
    live = connect(db_path)
    try:
        candidate.conn.backup(live.conn, pages=PAGES_PER_STEP,
                              progress=_page_steps(progress))
    except _Stop:
        raise Cancelled("The restore was cancelled; the database was not changed.") from None
    finally:
        live.close()


def moved_unreadable(aside: Path | None) -> bool:
    """Whether `restore_database` moved the previous database aside because it could not be
    read (rather than keeping a verified copy of it)."""
    return aside is not None and UNREADABLE_TAG in aside.name


__all__ = ["BACKUP_DIR", "MIGRATIONS", "auto_backup", "backup_database", "check_database",
           "database_summary", "list_auto_backups", "moved_unreadable", "restore_database",
           "unchanged_since_auto_backup"]

