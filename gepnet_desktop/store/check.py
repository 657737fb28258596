"""The database check: is a file ours and readable, integrity and foreign keys, the tables,
columns, indexes and triggers of its schema version, the search index, every stored case
valid. Nothing here changes or migrates the file: a file of an older schema (a backup made
before an upgrade) is judged by what that schema holds, and is healthy when it holds it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from ..case import validate_case
from ..case.decision import validate_decision
from .db import APPLICATION_ID, connect, pragma_int, probe
from .errors import NewerSchemaError, NotADatabaseError, StoreError
from .migrations import (
    SCHEMA_VERSION,
    SchemaShape,
    newer_schema_message,
    read_shape,
    schema_shape,
)
from .rows import case_select, line_select, row_to_case

_ADVICE = "restore a backup, or import an export into a new database"


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
    expected = schema_shape(version)
    missing = _shape_problems(read_shape(db, version), expected, label)
    if missing:
        return problems + missing
    if version >= 4:
        problems += _search_index_problems(db, label)
    problems += _record_problems(db, label, expected)
    if "board_decisions" in expected.columns:
        problems += _decision_problems(db, label)
    return problems


def _decision_problems(db: Database, label: str, limit: int = 50) -> list[str]:
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
    """The search text must mirror the cases, and the trigram index the search text."""
    advice = _ADVICE
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


def _record_problems(db: Database, label: str, shape: SchemaShape,
                     limit: int = 50) -> list[str]:
    """Stored cases that no longer pass validation, or whose stored grade is wrong. Columns
    that the file's schema does not have yet read as unknown, as they will after migrating."""
    problems: list[str] = []
    lines: dict[str, list[tuple]] = {}
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


__all__ = ["check_database", "check_ours", "database_summary"]
