"""The schema on a real file: STRICT typed tables, pragmas on every connection, WAL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from gepnet_desktop.case import CASE_FIELDS, LINE_FIELDS
from gepnet_desktop.store import SCHEMA_VERSION, Store

from .helpers import make_case, open_store

SQL_TYPES = {"text": "TEXT", "enum": "TEXT", "date": "TEXT", "int": "INTEGER", "bool": "INTEGER",
             "number": "REAL", "enum_list": "TEXT"}


def columns(path: Path, table: str) -> dict[str, tuple[str, bool]]:
    with sqlite3.connect(path) as conn:
        return {r[1]: (r[2], bool(r[3])) for r in conn.execute(f"PRAGMA table_info({table})")}


def test_every_case_field_is_a_typed_column(tmp_path: Path) -> None:
    open_store(tmp_path / "g.db").close()
    cols = columns(tmp_path / "g.db", "cases")
    for spec in CASE_FIELDS:
        assert cols[spec.key][0] == SQL_TYPES[spec.kind], spec.key
    for meta in ("uuid", "who_grade", "created_at", "updated_at", "revision", "deleted_at",
                 "recommendation_node", "recommend_label"):
        assert meta in cols
    assert cols["case_code"] == ("TEXT", True)
    assert cols["revision"] == ("INTEGER", True)
    line_cols = columns(tmp_path / "g.db", "lines")
    for spec in LINE_FIELDS:
        assert line_cols[spec.key][0] == SQL_TYPES[spec.kind], spec.key
    assert {"case_uuid", "position"} <= set(line_cols)


def test_tables_are_strict_and_linked(tmp_path: Path) -> None:
    open_store(tmp_path / "g.db").close()
    with sqlite3.connect(tmp_path / "g.db") as conn:
        sql = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
        for table in ("cases", "lines", "audit", "store_state"):
            options = sql[table].rstrip().rsplit(")", 1)[1]  # after the column list
            assert "STRICT" in [o.strip() for o in options.split(",")], table
        fks = {(r[2], r[3], r[4]) for r in conn.execute("PRAGMA foreign_key_list(lines)")}
        assert ("cases", "case_uuid", "uuid") in fks
        fks = {(r[2], r[3], r[4]) for r in conn.execute("PRAGMA foreign_key_list(audit)")}
        assert ("cases", "case_uuid", "uuid") in fks
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_strict_table_refuses_a_wrong_type(tmp_path: Path) -> None:
    store = open_store(tmp_path / "g.db")
    store.create(make_case())
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute("UPDATE cases SET ki67_percent = 'high'")
    store.close()


def test_every_connection_enforces_foreign_keys(tmp_path: Path) -> None:
    first = open_store(tmp_path / "g.db")
    second = Store.open(tmp_path / "g.db")
    for store in (first, second):
        assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] > 0
        with pytest.raises(sqlite3.IntegrityError):
            store.db.execute("INSERT INTO lines (case_uuid, position, regimen, outcome) "
                             "VALUES ('no-such-case', 1, 'everolimus', 'ongoing')")
    first.close()
    second.close()


def test_store_opens_in_the_data_dir_created_on_first_use(data_dir: Path) -> None:
    from gepnet_desktop import paths
    from gepnet_desktop.clinic import open_clinic

    assert not data_dir.exists()
    store = open_clinic()
    assert store.path == paths.database_path() == data_dir / "gepnet.db"
    assert store.path.is_file()
    store.close()
