"""The database check: is a file ours and readable, integrity and foreign keys, the search
index, every stored case valid, the audit trail's hash chain and the cases against it.

Read-only: the file is opened with mode=ro (a read-only file without a write-ahead log with
immutable=1), never migrated, never written; the search index is checked on a scratch copy of
its tables. Another program that keeps readers out longer than the busy timeout gives
DatabaseBusy ("busy"), never a finding of damage.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from ..case import validate_case
from ..case.decision import validate_decision
from ..packed import is_packed, readable_copy, unpack_folder
from . import audit, trail
from .db import APPLICATION_ID, BUSY_TIMEOUT_S, probe, read_header
from .errors import DatabaseBusy, NewerSchemaError, NotADatabaseError, StoreError
from .migrations import (
    SCHEMA_VERSION,
    SchemaShape,
    newer_schema_message,
    read_shape,
    schema_shape,
)
from .rows import case_select, line_select, row_to_case

FTS_SHADOWS = ("data", "idx", "docsize", "config")
MAX_PROBLEMS = 50
_ADVICE = "restore a backup, or import an export into a new database"


def check_ours(path: Path) -> None:
    """Refuse a missing file, a non-SQLite file, another program's file or a newer schema."""
    header = probe(path)
    if header is None:
        raise NotADatabaseError(f"{path}: no database there (the file is missing or empty).")
    _judge(path, header.user_version, header.application_id)


def _judge(path: Path, version: int, app_id: int) -> None:
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(newer_schema_message(path, version))
    if app_id != APPLICATION_ID:
        raise NotADatabaseError(f"{path} is not a GEP-NET Pathway database (it belongs to "
                                "another program); choose the gepnet.db file or a backup of it.")


def busy_message(label: str) -> str:
    return (f"{label} is busy: another program holds it so that it cannot even be read (an "
            "import, a restore or another window may be working on it); nothing was checked, "
            "and this says nothing about damage. Try again when that work has finished.")


def _is_busy(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


@contextmanager
def reader(path: Path, busy_timeout: float = BUSY_TIMEOUT_S) -> Iterator[Database]:
    """A connection that cannot write the file. A read-only WAL file cannot be opened by
    mode=ro alone (SQLite would have to create its -shm), so without a -wal file it is opened
    as immutable; with one, StoreError says what to do."""
    try:
        conn = _connect(path, busy_timeout, immutable=False)
    except sqlite3.OperationalError as exc:
        wal = Path(f"{path}-wal")
        if "readonly" not in str(exc).lower() or (wal.exists() and wal.stat().st_size):
            if _is_busy(exc):
                raise DatabaseBusy(busy_message(str(path))) from None
            raise StoreError(f"{path}: cannot be opened for reading ({exc}); if the file or "
                             "its folder is read-only and a -wal file lies beside it, check a "
                             "copy made with `backup`, or ask for write access.") from None
        conn = _connect(path, busy_timeout, immutable=True)
    try:
        yield Database(conn, execute_plugins=False)
    finally:
        conn.close()


def _connect(path: Path, busy_timeout: float, *, immutable: bool) -> sqlite3.Connection:
    flags = "mode=ro&immutable=1" if immutable else "mode=ro"
    conn = sqlite3.connect(f"{path.as_uri()}?{flags}", uri=True, timeout=busy_timeout,
                           isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens the -shm now
    except BaseException:
        conn.close()
        raise
    return conn


def check_database(path: str | Path, *, name: str | None = None,
                   busy_timeout: float = BUSY_TIMEOUT_S) -> list[str]:
    """Problems found in the database file (an empty list: healthy).

    Integrity check, foreign-key check, the full-text index, every stored case validated
    again, the audit trail's hash chain (the first break, naming the row) and each case
    against its latest audited values. Nothing is written. DatabaseBusy when another program
    keeps readers out longer than `busy_timeout` seconds.
    """
    path = Path(path).expanduser().resolve()
    label = name or str(path)
    if is_packed(path):  # a compressed backup: its database, unpacked aside
        try:
            with readable_copy(path, unpack_folder(path)) as copy:
                return check_database(copy, name=label, busy_timeout=busy_timeout)
        except (OSError, EOFError, zlib.error) as exc:
            return [f"{label}: the compressed backup is damaged and cannot be unpacked "
                    f"({exc})."]
    try:
        header = read_header(path)
        if header is None:
            raise NotADatabaseError(f"{path}: no database there (the file is missing or "
                                    "empty).")
        with reader(path, busy_timeout) as db:
            try:
                _judge(path, int(db.execute("PRAGMA user_version").fetchone()[0]),
                       int(db.execute("PRAGMA application_id").fetchone()[0]))
                db.execute("ATTACH DATABASE '' AS scratch")  # a temporary file, for the index
                db.execute("BEGIN")  # one snapshot for every check
                try:
                    return _problems(db, label)
                finally:
                    db.execute("ROLLBACK")
            except sqlite3.DatabaseError as exc:
                if _is_busy(exc):
                    raise DatabaseBusy(busy_message(label)) from None
                return [f"{label}: the file is damaged and cannot be read ({exc})."]
    except DatabaseBusy:
        raise
    except sqlite3.DatabaseError as exc:
        if _is_busy(exc):
            raise DatabaseBusy(busy_message(label)) from None
        return [f"{label}: the file is damaged and cannot be read ({exc})."]
    except StoreError as exc:
        return [str(exc).replace(str(path), label)]


def database_summary(path: str | Path) -> dict[str, int]:
    """Counts of a checked database without changing it: schema, cases, deleted, audit rows."""
    path = Path(path).expanduser().resolve()
    if is_packed(path):
        with readable_copy(path, unpack_folder(path)) as copy:
            return database_summary(copy)
    check_ours_or_read_only(path)
    with reader(path) as db:
        try:
            cases, deleted = db.execute("SELECT count(*), count(deleted_at) FROM cases"
                                        ).fetchone()
            audit_rows = db.execute("SELECT count(*) FROM audit").fetchone()[0]
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise DatabaseBusy(busy_message(str(path))) from None
            raise
        return {"schema": version, "cases": cases, "deleted": deleted, "audit": audit_rows}


def check_ours_or_read_only(path: Path) -> None:
    """check_ours, judged through a read-only connection (a read-only file in WAL mode)."""
    if read_header(path) is None:
        raise NotADatabaseError(f"{path}: no database there (the file is missing or empty).")
    with reader(path) as db:
        _judge(path, int(db.execute("PRAGMA user_version").fetchone()[0]),
               int(db.execute("PRAGMA application_id").fetchone()[0]))


def _problems(db: Database, label: str) -> list[str]:
    problems: list[str] = []
    integrity = [r[0] for r in db.execute("PRAGMA integrity_check(20)").fetchall()]
    if integrity != ["ok"]:
        problems += [f"{label}: integrity check: {msg}" for msg in integrity]
        return problems
    for table, _rowid, parent, _fk in db.execute("PRAGMA foreign_key_check").fetchall()[:20]:
        problems.append(f"{label}: foreign-key check: a row of {table} refers to a missing row "
                        f"of {parent}.")
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    expected = schema_shape(version)
    found = read_shape(db, version)
    missing = _shape_problems(found, expected, label)
    if missing:
        return problems + missing
    if {"case_text", "case_text_fts"} <= set(found.columns):
        problems += _search_index_problems(db, label)
    problems += _record_problems(db, label, expected)
    if "board_decisions" in expected.columns:
        problems += _decision_problems(db, label)
    if audit.has_chain(db):
        problems += _audit_problems(db, label)
    return problems


def _decision_problems(db: Database, label: str, limit: int = MAX_PROBLEMS) -> list[str]:
    """Stored board decisions that no longer pass validation, or whose stored concordance
    differs from the one derived from their snapshot."""
    from .decisions import COLUMNS, SELECT, row_to_decision

    problems: list[str] = []
    for row in db.execute(f"SELECT {SELECT} FROM board_decisions ORDER BY case_uuid, date"):
        d = row_to_decision(row)
        obj = d.to_dict(with_deleted=True)
        obj.pop("concordant")
        for problem in validate_decision(obj).errors:
            problems.append(f"{label}: board decision {d.uuid} of case {d.case_uuid}: "
                            f"{problem.field}: {problem.message}")
        if bool(row[COLUMNS.index("concordant")]) != d.concordant:
            problems.append(f"{label}: board decision {d.uuid} of case {d.case_uuid}: stored "
                            "concordance differs from the one derived from its snapshot.")
        if len(problems) >= limit:
            problems.append(f"{label}: (more problems not shown)")
            break
    return problems


def _shape_problems(found: SchemaShape, expected: SchemaShape, label: str) -> list[str]:
    """What the file lacks of its schema version: tables, columns, indexes, triggers. More than
    the schema holds is not reported (it harms nothing this program reads)."""
    version = expected.version
    problems = [f"{label}: table {t} is missing (schema {version})."
                for t in sorted(set(expected.columns) - set(found.columns))]
    for table, columns in sorted(expected.columns.items()):
        lacking = [c for c in columns if table in found.columns and
                   c not in found.columns[table]]
        if lacking:
            problems.append(f"{label}: table {table} lacks the column"
                            f"{'s' if len(lacking) > 1 else ''} {', '.join(lacking)} "
                            f"(schema {version}); {_ADVICE}.")
    for kind, names, have in (("index", expected.indexes, found.indexes),
                              ("trigger", expected.triggers, found.triggers)):
        problems += [f"{label}: {kind} {name} is missing (schema {version}); {_ADVICE}."
                     for name in sorted(names - have)]
    return problems


def _search_index_problems(db: Database, label: str) -> list[str]:
    """The search text must mirror the cases, and the trigram index the search text (checked
    on a scratch copy of the index's tables: FTS5 checks only through a write)."""
    advice = _ADVICE
    stale = db.execute("SELECT count(*) FROM cases c LEFT JOIN case_text t ON t.seq = c.seq "
                       "WHERE t.seq IS NULL OR t.case_code IS NOT c.case_code "
                       "OR t.notes IS NOT c.notes").fetchone()[0]
    problems = [f"{label}: the search text of {stale} cases does not match the cases; "
                f"{advice}."] if stale else []
    try:
        _fts_check_on_scratch(db)
    except sqlite3.DatabaseError as exc:
        if _is_busy(exc):
            raise
        problems.append(f"{label}: the search index does not match the cases ({exc}); "
                        f"{advice}.")
    return problems


def _fts_check_on_scratch(db: Database) -> None:
    """FTS5's integrity check, run on a copy of the index in a temporary database."""
    schema = dict(db.execute("SELECT name, sql FROM main.sqlite_master WHERE name IN "
                             "('case_text', 'case_text_fts')").fetchall())
    for name in ("case_text", "case_text_fts"):
        db.execute(schema[name].replace(f"TABLE {name}", f"TABLE scratch.{name}", 1))
    db.execute("INSERT INTO scratch.case_text SELECT * FROM main.case_text")
    present = {r[0] for r in db.execute("SELECT name FROM main.sqlite_master")}
    for shadow in FTS_SHADOWS:
        table = f"case_text_fts_{shadow}"
        if table in present:
            db.execute(f"DELETE FROM scratch.{table}")
            db.execute(f"INSERT INTO scratch.{table} SELECT * FROM main.{table}")
    db.execute("INSERT INTO scratch.case_text_fts (case_text_fts, rank) "
               "VALUES ('integrity-check', 1)")


def _record_problems(db: Database, label: str, shape: SchemaShape,
                     limit: int = MAX_PROBLEMS) -> list[str]:
    """Stored cases that no longer pass validation, or whose stored grade is wrong. Columns
    that the file's schema does not have yet read as unknown, as they will after migrating."""
    problems: list[str] = []
    lines: dict[str, list[tuple[Any, ...]]] = {}
    for line in db.execute(f"SELECT {line_select(shape.columns['lines'])} FROM lines "
                           "ORDER BY case_uuid, position"):
        lines.setdefault(line[0], []).append(line)
    for row in db.execute(f"SELECT {case_select(shape.columns['cases'])}, who_grade FROM cases "
                          "ORDER BY case_code"):
        case = row_to_case(row[:-1], lines.get(row[0], ()))
        result = validate_case(case.to_dict(meta=True), require_code=True)
        for problem in result.errors:
            problems.append(f"{label}: case {case.case_code} ({case.uuid}): {problem}")
        if row[-1] != case.who_grade:
            problems.append(f"{label}: case {case.case_code} ({case.uuid}): stored who_grade "
                            f"{row[-1]} differs from the derived {case.who_grade}.")
        if len(problems) >= limit:
            problems.append(f"{label}: (more problems not shown)")
            break
    return problems


def _audit_problems(db: Database, label: str, limit: int = MAX_PROBLEMS) -> list[str]:
    """The first break of the hash chain, and the cases that differ from their trail."""
    restore = "restore a backup from before the change, or ask your IT support"
    stored_head = db.execute("SELECT audit_head FROM store_state WHERE id = 1").fetchone()
    broken = audit.verify_chain(audit.chain_rows(db), stored_head[0] if stored_head else None)
    problems = [f"{label}: {broken}; {restore}."] if broken else []
    advice = "it was changed outside the program; " + restore
    for m in trail.mismatches(db):
        where = (f"its last audit row is {m.audit_row}" if m.audit_row is not None
                 else "it has no audit rows")
        if m.batch is not None:
            problems.append(f"{label}: case {m.case_code} ({m.uuid}): its stored values, "
                            "dates, uuid or number differ from those the import recorded "
                            f"(audit row {m.batch}); {advice}.")
        else:
            problems.append(f"{label}: case {m.case_code} ({m.uuid}): the stored "
                            f"{', '.join(m.fields)} differ{'s' if len(m.fields) == 1 else ''} "
                            f"from the latest audited values ({where}); {advice}.")
        if len(problems) >= limit:
            problems.append(f"{label}: (more problems not shown)")
            return problems
    for batch, seq in trail.missing_imported(db):
        problems.append(f"{label}: case number {seq}, imported with audit row {batch}, is "
                        f"missing from the cases: it was deleted, or its number changed, "
                        f"outside the program; {restore}.")
        if len(problems) >= limit:
            problems.append(f"{label}: (more problems not shown)")
            break
    return problems


__all__ = ["busy_message", "check_database", "check_ours", "database_summary", "reader"]
