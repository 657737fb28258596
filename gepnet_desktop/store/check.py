"""The database check: is a file ours and readable, integrity and foreign keys, the search
index, every stored case valid. Nothing here changes or migrates the file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from ..case import validate_case
from .db import APPLICATION_ID, connect, pragma_int, probe
from .errors import NewerSchemaError, NotADatabaseError, StoreError
from .migrations import SCHEMA_VERSION, newer_schema_message
from .rows import CASE_SELECT, LINE_SELECT, row_to_case

_BASE_TABLES = frozenset({"cases", "lines", "audit", "store_state"})
REQUIRED_TABLES = {1: _BASE_TABLES, 2: _BASE_TABLES, 3: _BASE_TABLES | {"cases_fts"},
                   4: _BASE_TABLES | {"case_text", "case_text_fts"}}  # per schema version


def check_ours(path: Path) -> None:
    """Refuse a missing file, a non-SQLite file, another program's file or a newer schema."""
    header = probe(path)
    if header is None:
        raise NotADatabaseError(f"{path}: no database there (the file is missing or empty).")
    if header.user_version > SCHEMA_VERSION:
        raise NewerSchemaError(newer_schema_message(path, header.user_version))
    if header.application_id != APPLICATION_ID:
        raise NotADatabaseError(f"{path} is not a GEP-NET Pathway database (it belongs to "
                                "another program); choose the gepnet.db file or a backup of it.")


def check_database(path: str | Path, *, name: str | None = None) -> list[str]:
    """Problems found in the database file (an empty list: healthy).

    Integrity check, foreign-key check, the full-text index, and every stored case validated
    again. The file is not migrated or changed.
    """
    path = Path(path).expanduser().resolve()
    label = name or str(path)
    try:
        check_ours(path)
    except StoreError as exc:
        return [str(exc).replace(str(path), label)]
    try:
        db = connect(path)
    except StoreError as exc:
        return [str(exc)]
    try:
        return _problems(db, label)
    except sqlite3.DatabaseError as exc:
        return [f"{label}: the file is damaged and cannot be read ({exc})."]
    finally:
        db.close()


def database_summary(path: str | Path) -> dict[str, int]:
    """Counts of a checked database without migrating it: schema, cases, deleted, audit rows."""
    path = Path(path).expanduser().resolve()
    check_ours(path)
    db = connect(path)
    try:
        cases, deleted = db.execute("SELECT count(*), count(deleted_at) FROM cases").fetchone()
        audit_rows = db.execute("SELECT count(*) FROM audit").fetchone()[0]
        return {"schema": pragma_int(db, "user_version"), "cases": cases, "deleted": deleted,
                "audit": audit_rows}
    finally:
        db.close()


def _problems(db: Database, label: str) -> list[str]:
    problems: list[str] = []
    integrity = [r[0] for r in db.execute("PRAGMA integrity_check(20)").fetchall()]
    if integrity != ["ok"]:
        problems += [f"{label}: integrity check: {msg}" for msg in integrity]
        return problems
    for table, _rowid, parent, _fk in db.execute("PRAGMA foreign_key_check").fetchall()[:20]:
        problems.append(f"{label}: foreign-key check: a row of {table} refers to a missing row "
                        f"of {parent}.")
    version = pragma_int(db, "user_version")
    tables = set(db.table_names())
    missing = [f"{label}: table {t} is missing (schema {version})."
               for t in sorted(REQUIRED_TABLES.get(version, set()) - tables)]
    if missing:
        return problems + missing
    if version >= 4:
        problems += _search_index_problems(db, label)
    problems += _record_problems(db, label)  # the case columns are the same since schema 1
    return problems


def _search_index_problems(db: Database, label: str) -> list[str]:
    """The search text must mirror the cases, and the trigram index the search text."""
    advice = "restore a backup, or import an export into a new database"
    stale = db.execute("SELECT count(*) FROM cases c LEFT JOIN case_text t ON t.seq = c.seq "
                       "WHERE t.seq IS NULL OR t.case_code IS NOT c.case_code "
                       "OR t.notes IS NOT c.notes").fetchone()[0]
    problems = [f"{label}: the search text of {stale} cases does not match the cases; "
                f"{advice}."] if stale else []
    try:
        db.execute("INSERT INTO case_text_fts (case_text_fts, rank) "
                   "VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError as exc:
        problems.append(f"{label}: the search index does not match the cases ({exc}); "
                        f"{advice}.")
    return problems


def _record_problems(db: Database, label: str, limit: int = 50) -> list[str]:
    """Stored cases that no longer pass validation, or whose stored grade is wrong."""
    problems: list[str] = []
    lines: dict[str, list[tuple]] = {}
    for line in db.execute(f"SELECT {LINE_SELECT} FROM lines ORDER BY case_uuid, position"):
        lines.setdefault(line[0], []).append(line)
    for row in db.execute(f"SELECT {CASE_SELECT}, who_grade FROM cases ORDER BY case_code"):
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


__all__ = ["REQUIRED_TABLES", "check_database", "check_ours", "database_summary"]
