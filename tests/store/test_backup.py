"""Backups, restore, rotating automatic backups and the database check, on real files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from gepnet_desktop.packed import readable_copy
from gepnet_desktop.store import (
    SCHEMA_VERSION,
    Cancelled,
    CaseQuery,
    NewerSchemaError,
    NotADatabaseError,
    Store,
    StoreError,
    auto_backup,
    backup_database,
    check_database,
    restore_database,
)
from gepnet_desktop.store.backup import (
    list_auto_backups,
    moved_unreadable,
    unchanged_since_auto_backup,
)
from gepnet_desktop.store.settings import save_setting

from .helpers import make_case, open_store, random_cases
from .test_migrations import schema_1_file


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = open_store(tmp_path / "data" / "gepnet.db")
    for case in random_cases(50):
        s.create(case)
    yield s
    s.close()


def codes(path: Path) -> list[str]:
    """The case codes a backup holds (a compressed one read from its unpacked copy)."""
    with readable_copy(path, path.parent) as plain, Store.open(plain) as s:
        return [r.case_code for r in s.search(CaseQuery(sort="case_code"), limit=10_000)]


def test_backup_while_the_database_is_open_is_complete(tmp_path: Path, store: Store) -> None:
    other = open_store(store.path)
    other.create(make_case("LATE-1"))  # committed by another connection, still in the WAL
    dest = backup_database(store, tmp_path / "usb" / "backup.db")
    assert dest.exists() and not Path(f"{dest}-wal").exists()
    assert check_database(dest) == []
    with sqlite3.connect(dest) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert codes(dest) == codes(store.path)
    assert "LATE-1" in codes(dest)
    other.close()


def test_backup_from_a_path_and_refusals(tmp_path: Path, store: Store) -> None:
    dest = backup_database(store.path, tmp_path / "b.db")
    assert len(codes(dest)) == 50
    with pytest.raises(StoreError, match="the database itself"):
        backup_database(store, store.path)
    with pytest.raises(StoreError, match="is a folder"):
        backup_database(store, tmp_path)
    with pytest.raises(NotADatabaseError, match="no database there"):
        backup_database(tmp_path / "missing.db", tmp_path / "c.db")


def test_cancelled_backup_leaves_no_file(tmp_path: Path, store: Store) -> None:
    for case in random_cases(400, prefix="X"):
        store.create(case)
    folder = tmp_path / "dest"
    folder.mkdir()
    with pytest.raises(Cancelled):
        backup_database(store, folder / "b.db", progress=lambda done, total: False)
    assert list(folder.iterdir()) == []
    seen: list[tuple[int, int]] = []
    backup_database(store, folder / "b.db", progress=lambda d, t: seen.append((d, t)) or True)
    assert seen[-1][0] == seen[-1][1] > 0


def test_restore_replaces_the_database_and_keeps_the_old_one(tmp_path: Path,
                                                             store: Store) -> None:
    backup = backup_database(store, tmp_path / "backup.db")
    before = codes(store.path)
    store.create(make_case("AFTER-BACKUP"))
    store.close()
    aside = restore_database(store.path, backup)
    assert codes(store.path) == before
    assert aside is not None and aside.parent == store.path.parent
    assert "AFTER-BACKUP" in codes(aside)
    assert check_database(store.path) == []


def test_restore_into_an_empty_data_dir(tmp_path: Path, store: Store) -> None:
    backup = backup_database(store, tmp_path / "backup.db")
    target = tmp_path / "new" / "gepnet.db"
    assert restore_database(target, backup) is None
    assert len(codes(target)) == 50


def test_restore_of_an_old_schema_backup_migrates_it(tmp_path: Path, store: Store) -> None:
    old = tmp_path / "old.db"
    schema_1_file(old)
    store.close()
    restore_database(store.path, old)
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert codes(store.path) == ["OLD-1"]
    with sqlite3.connect(old) as conn:  # the source is never changed
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1


def test_restore_verifies_the_file_first(tmp_path: Path, store: Store) -> None:
    store.close()
    before = codes(store.path)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"x" * 4096)
    with pytest.raises(NotADatabaseError):
        restore_database(store.path, junk)
    newer = backup_database(store.path, tmp_path / "newer.db")
    with sqlite3.connect(newer) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(NewerSchemaError):
        restore_database(store.path, newer)
    damaged = backup_database(store.path, tmp_path / "damaged.db")
    with sqlite3.connect(damaged) as conn:  # a line whose case is gone
        conn.execute("INSERT INTO lines (case_uuid, position, regimen, outcome) "
                     "VALUES ('ghost', 1, 'everolimus', 'ongoing')")
    with pytest.raises(StoreError, match="damaged") as info:
        restore_database(store.path, damaged)
    assert "foreign-key check" in str(info.value)
    assert codes(store.path) == before
    leftovers = [p.name for p in store.path.parent.iterdir() if p.name.startswith(".restore")]
    assert leftovers == []


def test_auto_backup_rotates_keeping_the_setting(store: Store) -> None:
    made = []
    for i in range(12):
        store.create(make_case(f"AUTO-{i}"))  # a change, so each start has something to keep
        made.append(auto_backup(store))
    kept = list_auto_backups(store.path)
    assert len(kept) == 10 and kept == made[-10:]  # the newest, in the order made
    save_setting(store.path.parent, "backups_to_keep", 3)
    auto_backup(store)
    assert len(list_auto_backups(store.path)) == 3
    assert check_database(list_auto_backups(store.path)[-1]) == []
    save_setting(store.path.parent, "backups_to_keep", 0)
    assert auto_backup(store) is None
    save_setting(store.path.parent, "backups_to_keep", "many")  # ignored: back to 10
    store.create(make_case("AUTO-LAST"))
    auto_backup(store)
    assert len(list_auto_backups(store.path)) == 4


def test_auto_backup_skips_when_nothing_changed_since_the_newest(store: Store) -> None:
    first = auto_backup(store)
    assert first is not None and unchanged_since_auto_backup(store) == first
    for _ in range(10):  # ten restarts without a change keep the older distinct backups
        with Store.open(store.path) as again:
            assert auto_backup(again) is None
    assert list_auto_backups(store.path) == [first]
    case = store.search(CaseQuery())[0]
    store.delete(case.uuid)  # any committed write is a change, a delete too
    assert unchanged_since_auto_backup(store) is None
    second = auto_backup(store)
    assert second is not None and list_auto_backups(store.path) == [first, second]
    assert auto_backup(store) is None
    second.write_bytes(b"damaged")  # an unreadable newest backup is not trusted
    third = auto_backup(store)
    assert third is not None and check_database(third) == []


def test_auto_backup_after_a_restore_of_an_older_state(tmp_path: Path, store: Store) -> None:
    older = backup_database(store, tmp_path / "older.db")
    store.create(make_case("NEWER"))
    newest = auto_backup(store)
    store.close()
    restore_database(store.path, older)
    with Store.open(store.path) as restored:  # not the state of the newest automatic backup
        made = auto_backup(restored)
    assert made is not None and made != newest and "NEWER" not in codes(made)


def test_check_reports_a_healthy_database(store: Store) -> None:
    assert check_database(store.path) == []


def test_check_finds_broken_links_and_records(tmp_path: Path, store: Store) -> None:
    case = store.search(CaseQuery())[0]
    store.close()
    with sqlite3.connect(store.path) as conn:
        conn.execute("INSERT INTO lines (case_uuid, position, regimen, outcome) "
                     "VALUES ('ghost', 1, 'everolimus', 'ongoing')")
        conn.execute("UPDATE cases SET ki67_percent = 150 WHERE uuid = ?", (case.uuid,))
    problems = check_database(store.path)
    assert any("foreign-key check" in p and "lines" in p for p in problems)
    assert any(case.case_code in p and "ki67_percent" in p for p in problems)


def test_check_finds_a_corrupted_file(tmp_path: Path, store: Store) -> None:
    store.close()
    copy = backup_database(store.path, tmp_path / "copy.db")
    data = bytearray(copy.read_bytes())
    for offset in range(4096 * 2, len(data), 4096):  # scribble over every page but the first
        data[offset + 10: offset + 200] = b"\xff" * 190
    copy.write_bytes(bytes(data))
    problems = check_database(copy)
    assert problems and all(str(copy) in p for p in problems)


def test_check_of_missing_and_foreign_files(tmp_path: Path) -> None:
    assert "no database there" in check_database(tmp_path / "none.db")[0]
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    assert "another program" in check_database(other)[0]
    old = tmp_path / "old.db"
    schema_1_file(old)
    assert check_database(old) == []  # an older schema is healthy; it migrates when opened


@pytest.mark.parametrize("damage", ["not_sqlite", "scribbled"])
def test_restore_over_an_unreadable_database_moves_it_aside(tmp_path: Path, store: Store,
                                                            damage: str) -> None:
    backup = backup_database(store, tmp_path / "backup.db")
    before = codes(backup)
    store.close()
    if damage == "not_sqlite":
        store.path.write_bytes(b"this is not a database\n" * 200)
    else:  # SQLite magic, pages scribbled over
        data = bytearray(store.path.read_bytes())
        for offset in range(0, len(data), 4096):
            data[offset + 100: offset + 400] = b"\xff" * 300
        store.path.write_bytes(bytes(data))
    Path(f"{store.path}-wal").write_bytes(b"stale log of the damaged file")
    damaged = store.path.read_bytes()
    aside = restore_database(store.path, backup)
    assert aside is not None and moved_unreadable(aside)
    assert aside.read_bytes() == damaged  # kept unchanged, with its log
    assert Path(f"{aside}-wal").read_bytes() == b"stale log of the damaged file"
    assert codes(store.path) == before
    assert check_database(store.path) == []


def test_restore_from_a_live_database_in_wal_mode_takes_its_recent_cases(
        tmp_path: Path) -> None:
    source = open_store(tmp_path / "other" / "gepnet.db")
    for case in random_cases(5, prefix="LIVE"):
        source.create(case)  # committed, still only in the source's -wal file
    assert Path(f"{source.path}-wal").stat().st_size > 0
    main_before = source.path.read_bytes()
    target = tmp_path / "data" / "gepnet.db"
    restore_database(target, source.path)
    assert sorted(codes(target)) == [f"LIVE-{i:05d}" for i in range(1, 6)]
    assert source.path.read_bytes() == main_before  # the source was only read
    assert len(source.search(CaseQuery())) == 5
    source.close()
