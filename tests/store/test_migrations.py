"""Numbered migrations: the path from schema 1, the copy aside, refusing newer files."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from gepnet_desktop.store import (
    SCHEMA_VERSION,
    CaseQuery,
    NewerSchemaError,
    NotADatabaseError,
    Store,
)
from gepnet_desktop.store.db import connect
from gepnet_desktop.store.guard import marker
from gepnet_desktop.store.migrations import MIGRATIONS, Migration, migrate

from .helpers import first_letter, open_store


def schema_1_file(path: Path) -> None:
    """A database as the first release wrote it, with one case and one line in it."""
    db = connect(path)
    migrate(db, path, upto=1)
    db.execute("BEGIN")
    db.execute("INSERT INTO cases (uuid, case_code, primary_site, differentiation, "
               "ki67_percent, notes, comorbidities, who_grade, created_at, updated_at, revision) "
               "VALUES ('u-1', 'OLD-1', 'pancreas', 'well', 12.5, 'seen before the upgrade', "
               "'[\"heart_failure\"]', 'G2', '2024-01-02T03:04:05.000+00:00', "
               "'2024-01-02T03:04:05.000+00:00', 3)")
    db.execute("INSERT INTO lines (case_uuid, position, regimen, outcome) "
               "VALUES ('u-1', 1, 'lanreotide', 'progression')")
    db.execute("INSERT INTO audit (at, os_user, case_uuid, action, revision, changes) "
               "VALUES ('2024-01-02T03:04:05.000+00:00', 'old', 'u-1', 'create', 1, '{}')")
    db.execute("COMMIT")
    db.close()


def test_migration_numbers_are_consecutive() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, SCHEMA_VERSION + 1))
    assert SCHEMA_VERSION >= 2


def test_a_schema_1_database_is_migrated_and_its_case_survives(tmp_path: Path) -> None:
    path = tmp_path / "gepnet.db"
    schema_1_file(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1

    store = open_store(path)
    assert store.schema_version == SCHEMA_VERSION
    case = store.get("u-1")
    assert case is not None
    assert (case.case_code, case.ki67_percent, case.revision) == ("OLD-1", 12.5, 3)
    assert case.comorbidities == ["heart_failure"]
    assert [(line.regimen, line.outcome) for line in case.lines] == [("lanreotide",
                                                                     "progression")]
    # the new schema works: derived recommendation refreshed, full-text search, updates
    assert store.stale_count() == 1
    assert store.refresh_derived() == 1
    assert store.search(CaseQuery(recommendation="node_pancreas"))[0].uuid == "u-1"
    assert [r.uuid for r in store.search(CaseQuery(text="upgrade"))] == ["u-1"]
    case.notes = "after the upgrade"
    saved = store.update(case)
    assert saved.revision == 4
    # this file's one audit row does not hold the case's values: when the hash chain began,
    # a baseline row recorded the values as found
    assert [e.action for e in store.history("u-1")] == ["create", "baseline", "update"]

    # the file was copied aside, untouched, before migrating
    copy = store.migrated_copy
    assert copy is not None and copy.exists()
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert conn.execute("SELECT case_code FROM cases").fetchall() == [("OLD-1",)]
    store.close()


def test_a_new_database_needs_no_copy(tmp_path: Path) -> None:
    store = open_store(tmp_path / "g.db")
    assert store.migrated_copy is None
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".db") == ["g.db"]
    store.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_newer_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "g.db"
    open_store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = (digest(path), path.stat().st_mtime_ns)
    with pytest.raises(NewerSchemaError) as info:
        Store.open(path, recommend=first_letter)
    message = str(info.value)
    assert "newer version" in message and str(path) in message and "not changed" in message
    assert (digest(path), path.stat().st_mtime_ns) == before
    # No copy was set aside (only the database and the note that it was created here).
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["g.db", marker(path).name])


def test_a_newer_database_in_wal_mode_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "g.db"
    store = open_store(path)
    store.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")  # still in the WAL file
    with pytest.raises(NewerSchemaError):
        Store.open(path)
    store.close()


def test_files_of_other_programs_are_refused(tmp_path: Path) -> None:
    text = tmp_path / "notes.db"
    text.write_text("not a database at all, but long enough to have a header " * 3)
    with pytest.raises(NotADatabaseError, match="not an SQLite file"):
        Store.open(text)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(NotADatabaseError, match=r"another program|other tables"):
        Store.open(other)
    with sqlite3.connect(other) as conn:
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("t",)]


def test_a_failing_migration_leaves_the_previous_schema(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "gepnet.db"
    schema_1_file(path)
    broken = Migration(2, "broken", ("ALTER TABLE cases ADD COLUMN extra TEXT",
                                     "THIS IS NOT SQL"))
    from gepnet_desktop.store import migrations

    monkeypatch.setattr(migrations, "MIGRATIONS", (MIGRATIONS[0], broken))
    db = connect(path)
    with pytest.raises(sqlite3.OperationalError):
        migrations.migrate(db, path, upto=2)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    assert "extra" not in {r[1] for r in db.execute("PRAGMA table_info(cases)")}
    db.close()


def test_a_damaged_file_is_refused_with_a_sentence(tmp_path: Path) -> None:
    from gepnet_desktop.store import StoreError

    path = tmp_path / "gepnet.db"
    schema_1_file(path)
    data = bytearray(path.read_bytes())
    data[4096:] = b"\xee" * (len(data) - 4096)  # every page after the header is garbage
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="could not be opened"):
        Store.open(path)
    assert path.read_bytes() == bytes(data)


def test_migrations_count_as_changes_except_the_first(tmp_path: Path) -> None:
    fresh = open_store(tmp_path / "new.db")
    assert fresh.change_counter() == SCHEMA_VERSION - 1  # migration 1 is not counted
    fresh.close()
    old = tmp_path / "old.db"
    schema_1_file(old)
    upgraded = open_store(old)
    assert upgraded.change_counter() == SCHEMA_VERSION - 1  # one per later migration
    again = migrate(upgraded.db, old)  # already current: nothing runs, nothing counted
    assert again is None and upgraded.change_counter() == SCHEMA_VERSION - 1
    upgraded.close()


def test_migration_5_adds_the_progression_date_of_a_line(tmp_path: Path) -> None:
    from gepnet_desktop.store.migrations import read_shape, schema_shape

    four, five = schema_shape(4), schema_shape(5)
    assert five.columns["lines"] == (*four.columns["lines"], "progression_date")
    assert {t: c for t, c in five.columns.items() if t != "lines"} == \
        {t: c for t, c in four.columns.items() if t != "lines"}
    assert (five.indexes, five.triggers) == (four.indexes, four.triggers)
    path = tmp_path / "gepnet.db"
    schema_1_file(path)
    store = open_store(path)  # 1 -> current, step by step: the shape `check` expects
    assert read_shape(store.db, SCHEMA_VERSION) == schema_shape(SCHEMA_VERSION)
    assert store.get("u-1").lines[0].progression_date is None
    store.close()


def test_the_shape_of_a_schema_is_read_in_memory_and_leaves_no_file(tmp_path: Path,
                                                                       monkeypatch) -> None:
    from gepnet_desktop.store.migrations import schema_shape

    monkeypatch.chdir(tmp_path)
    schema_shape.cache_clear()
    assert "cases" in schema_shape(SCHEMA_VERSION).columns
    assert list(tmp_path.iterdir()) == []


def test_migration_8_keeps_each_rows_pathway_label_once(tmp_path: Path) -> None:
    """A schema-7 file whose rows carry their pathway label as text: after migration 8 each
    label is stored once and the rows point to it, so the rows computed by the pathway in
    force stay current and only the others are stale."""
    path = tmp_path / "g.db"
    with open_store(path, recommend_version="kr@1") as store:
        from .helpers import random_cases

        for case in random_cases(12):
            store.create(case)
    seven = tmp_path / "seven.db"
    old = connect(seven)
    migrate(old, seven, upto=7)
    old.execute("ATTACH DATABASE ? AS new", (str(path),))
    old.execute("BEGIN")
    columns = ", ".join(c for c in (r[1] for r in old.execute("PRAGMA table_info(cases)"))
                        if c != "recommend_version")
    old.execute(f"INSERT INTO cases ({columns}, recommend_version) SELECT {columns}, "
                "CASE WHEN seq % 3 = 0 THEN 'kr@0' WHEN seq % 3 = 1 THEN 'kr@1' END "
                "FROM new.cases")
    old.execute("COMMIT")
    old.execute("DETACH DATABASE new")
    old.close()
    with open_store(seven, recommend_version="kr@1") as store:
        assert store.schema_version == SCHEMA_VERSION
        labels = dict(store.db.execute("SELECT label, id FROM pathway_labels"))
        assert set(labels) == {"kr@0", "kr@1"}
        rows = {r.case_code: r for r in store.iter_rows(CaseQuery())}
        by_seq = dict(store.db.execute("SELECT case_code, seq FROM cases"))
        assert {c for c, r in rows.items() if not r.stale} == \
            {c for c, s in by_seq.items() if s % 3 == 1}
        assert store.stale_count() == 8 and store.refresh_derived() == 8
        assert store.stale_count() == 0


def test_migration_10_keys_the_lines_once_and_drops_the_filter_sort_indexes(
        tmp_path: Path) -> None:
    """A schema-9 file with cases and lines: after migration 10 the lines are a WITHOUT ROWID
    table holding every line as before (still cascading from its case), the nine filter x sort
    indexes are gone and the deleted-cases index holds only deleted cases."""
    from gepnet_desktop.store.check import check_database

    from .helpers import random_cases

    path = tmp_path / "nine.db"
    db = connect(path)
    migrate(db, path, upto=9)
    db.close()
    with open_store(path) as store:  # a file opened by this version: migrated, then filled
        made = [store.create(case) for case in random_cases(25)]
    nine = tmp_path / "nine-old.db"
    old = connect(nine)
    migrate(old, nine, upto=9)
    old.execute("ATTACH DATABASE ? AS new", (str(path),))
    old.execute("BEGIN")
    for table in ("pathway_labels", "cases", "lines", "audit", "store_state"):
        columns = ", ".join(r[1] for r in old.execute(f"PRAGMA table_info({table})"))
        if table == "store_state":
            old.execute("DELETE FROM store_state")
        old.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM new.{table}")
    old.execute("COMMIT")
    lines_before = old.execute("SELECT * FROM lines ORDER BY case_uuid, position").fetchall()
    assert len(lines_before) > 25
    old.execute("DETACH DATABASE new")
    old.close()
    with open_store(nine) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.db.execute("SELECT * FROM lines ORDER BY case_uuid, position")\
            .fetchall() == lines_before
        sql = store.db.execute("SELECT sql FROM sqlite_master WHERE name = 'lines'").fetchone()[0]
        assert "WITHOUT ROWID" in sql and "ON DELETE CASCADE" in sql and "STRICT" in sql
        indexes = {r[0] for r in store.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases'")}
        assert not any(name.count("_") == 2 and name.startswith("cases_") and
                       name.split("_")[1] in ("site", "grade", "recommendation")
                       for name in indexes), indexes
        store.delete(made[0].uuid)
        assert store.db.execute("SELECT count(*) FROM cases INDEXED BY cases_deleted "
                                "WHERE deleted_at IS NOT NULL").fetchone()[0] == 1
        assert store.get(made[2].uuid) == made[2]
    assert check_database(nine) == []
    gone = next(c for c in made[1:] if c.lines)
    conn = sqlite3.connect(nine)  # the line's key still cascades from its case
    with conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("DELETE FROM audit WHERE case_uuid = ?", (gone.uuid,))
        conn.execute("DELETE FROM cases WHERE uuid = ?", (gone.uuid,))
    assert conn.execute("SELECT count(*) FROM lines WHERE case_uuid = ?",
                        (gone.uuid,)).fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM lines").fetchone()[0] == \
        len(lines_before) - len(gone.lines)
    conn.close()


def test_migration_10_keeps_a_line_whose_case_was_removed_outside_the_program(
        tmp_path: Path) -> None:
    """A line left without its case (the case row deleted with another tool) does not stop the
    upgrade: it is copied as it was, and `check` still reports it."""
    from gepnet_desktop.store.check import check_database

    nine = tmp_path / "nine.db"
    db = connect(nine)
    migrate(db, nine, upto=9)
    db.close()
    conn = sqlite3.connect(nine)  # foreign keys off, as in any SQLite tool by default
    with conn:
        conn.execute("INSERT INTO lines (case_uuid, position, regimen, outcome) "
                     "VALUES ('no-such-case', 1, 'everolimus', 'progression')")
    conn.close()
    with open_store(nine) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.db.execute("SELECT case_uuid, regimen FROM lines").fetchall() == \
            [("no-such-case", "everolimus")]
        assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    problems = check_database(nine)
    assert any("foreign" in p.lower() or "line" in p.lower() for p in problems), problems
