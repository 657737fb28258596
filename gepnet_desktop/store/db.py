"""Connections to the database file: pragmas on every connection, and transactions.

Every connection gets foreign keys on, a busy timeout and (once the schema exists) WAL. Writes go
through `write_transaction` (BEGIN IMMEDIATE ... COMMIT), reads that need a consistent view
through `read_transaction`.
"""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from .errors import DatabaseBusy, NotADatabaseError, StoreError
from .guard import create_private

APPLICATION_ID = 0x47455044  # "GEPD": marks the file as a GEP-NET Pathway database
BUSY_TIMEOUT_S = 5.0
SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class Header:
    """What the first 100 bytes of a database file say."""

    user_version: int
    application_id: int
    wal: bool = False  # in WAL mode the header on disk may lag behind the last commits


def read_header(path: Path) -> Header | None:
    """The header of an existing SQLite file, None for a missing or empty file.

    Read from the bytes, without SQLite, so a file can be judged before anything touches it.
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise NotADatabaseError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    if not head:
        return None
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
        raise NotADatabaseError(f"{path} is not a GEP-NET Pathway database (it is not an SQLite "
                                "file); choose the gepnet.db file or a backup of it.")
    user_version, application_id = struct.unpack(">I4xI", head[60:72])
    return Header(user_version, application_id, wal=head[18] == 2)


def probe(path: Path) -> Header | None:
    """The schema version and application id of an existing file, None when there is none.

    From the file's bytes when they are current, else (WAL mode) through a read-only
    connection: nothing is written either way.
    """
    header = read_header(path)
    if header is None or not header.wal:
        return header
    try:
        conn = connect_read_only(path)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise NotADatabaseError(f"{path} cannot be read as a database ({exc}).") from None
    return Header(int(version), int(app_id), wal=True)


def connect_read_only(path: Path, busy_timeout: float = BUSY_TIMEOUT_S) -> sqlite3.Connection:
    """A connection that can only read: the file, and its -wal, are never changed through it
    (a write-ahead log's commits are read, not checkpointed into the file)."""
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=busy_timeout,
                           check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
    return conn


MEMORY = ":memory:"  # SQLite's name for a database in memory (no file is made for it)


def connect(path: Path, busy_timeout: float = BUSY_TIMEOUT_S) -> Database:
    """A connection with the house pragmas (foreign keys, busy timeout, synchronous=FULL).

    Autocommit mode: every transaction is explicit. WAL is switched on by `enable_wal` once the
    file is known to be ours, so a refused file is never modified.
    """
    try:
        if str(path) != MEMORY and not Path(path).exists():
            create_private(Path(path))  # 0600 from the start; -wal and -shm follow its mode
        conn = sqlite3.connect(str(path), timeout=busy_timeout, isolation_level=None,
                               check_same_thread=False)
    except OSError as exc:
        raise NotADatabaseError(f"{path}: cannot be created ({exc.strerror or exc}); check "
                                "that the folder exists and that you may write to it.") from None
    except sqlite3.Error as exc:
        raise NotADatabaseError(f"{path}: cannot be opened ({exc}); check that the folder "
                                "exists and that you may write to it.") from None
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        conn.execute("PRAGMA synchronous = FULL")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise NotADatabaseError(f"{path} is not a GEP-NET Pathway database ({exc}).") from None
    return Database(conn, execute_plugins=False, strict=True)


def connect_reading(path: Path, refusal: str, busy_timeout: float = BUSY_TIMEOUT_S) -> Database:
    """A read-only Database (the file opened with mode=ro): every write transaction is refused
    with `refusal`, a sentence saying why and what to do."""
    try:
        conn = connect_read_only(path, busy_timeout)
        conn.isolation_level = None
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.Error as exc:
        raise NotADatabaseError(f"{path}: cannot be opened ({exc}).") from None
    db = Database(conn, execute_plugins=False, strict=True)
    db._gepnet_refusal = refusal  # type: ignore[attr-defined]
    return db


def enable_wal(db: Database) -> None:
    """Write-ahead logging: readers never block the writer, a crash keeps the last commit."""
    db.execute("PRAGMA journal_mode = WAL")


def pragma_int(db: Database, name: str) -> int:
    """An integer pragma such as user_version."""
    return int(db.execute(f"PRAGMA {name}").fetchone()[0])


@contextmanager
def savepoint(db: Database, name: str) -> Iterator[None]:
    """A savepoint inside the caller's transaction: released when the block ends, rolled back
    to when it raises (what it wrote is undone; the transaction goes on)."""
    db.execute(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        if db.conn.in_transaction:  # (an error may have ended the transaction already)
            db.execute(f"ROLLBACK TO {name}")
            db.execute(f"RELEASE {name}")
        raise
    db.execute(f"RELEASE {name}")


@contextmanager
def write_transaction(db: Database, *, count_change: bool = True) -> Iterator[Database]:
    """One write transaction: BEGIN IMMEDIATE, bump the change counter, COMMIT (or ROLLBACK).

    IMMEDIATE takes the write lock at the start, so two writers queue on the busy timeout
    instead of failing halfway. `count_change` false leaves the counter to the caller (the
    migrations: the first one creates it).
    """
    refusal = getattr(db, "_gepnet_refusal", None)
    if refusal:
        raise StoreError(refusal)
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise _write_error(exc, db) from None
    try:
        yield db
        if count_change:
            count_write(db)
        db.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        mapped = _write_error(exc, db)
        if mapped is exc:
            raise
        raise mapped from None
    except BaseException:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        raise


def count_write(db: Database) -> None:
    """Bump the change counter that other connections watch (inside the write transaction)."""
    db.execute("UPDATE store_state SET changes = changes + 1 WHERE id = 1")


def _write_error(exc: sqlite3.OperationalError, db: Database | None = None) -> Exception:
    """A sentence for the usual reasons a write cannot be done (nothing was written)."""
    text = str(exc).lower()
    name = _file_of(db)
    if "locked" in text or "busy" in text:
        return DatabaseBusy("The database is busy with another task (an import, a restore or "
                            "another window); nothing was saved. Try again in a moment.")
    if "readonly" in text or "read-only" in text:
        return StoreError(f"The database file{name} is read-only; nothing was saved. Check "
                          "the file's permissions (and its folder's), or open a copy that you "
                          "may change.")
    if "is full" in text:
        return StoreError(f"The disk holding the database{name} is full; nothing was saved. "
                          "Free some space on it (or ask your IT support), then try again.")
    if "disk i/o" in text:
        return StoreError(f"The database{name} could not be written (a disk error); nothing "
                          "was saved. Check the disk and its free space, then try again.")
    return exc


def _file_of(db: Database | None) -> str:
    """' PATH' for the main file of a connection, '' when unknown."""
    if db is None:
        return ""
    try:
        for _seq, name, file in db.conn.execute("PRAGMA database_list"):
            if name == "main" and file:
                return f" {file}"
    except sqlite3.Error:
        pass
    return ""


@contextmanager
def read_transaction(db: Database) -> Iterator[Database]:
    """A read transaction: every query inside sees the same committed state."""
    if db.conn.in_transaction:
        yield db
        return
    db.execute("BEGIN")
    try:
        yield db
    finally:
        if db.conn.in_transaction:
            db.execute("COMMIT")
