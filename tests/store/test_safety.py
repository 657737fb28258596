"""Never losing the clinic's data (issue 9), in the store and on real files: a missing or empty
database in a used folder, backup rotation, the one atomic writer and what it never writes over,
damage found at open, read-only and full databases, private modes, leftovers, and codes that
look like a resident registration number."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from pathlib import Path

import pytest

from gepnet_desktop import safe_files
from gepnet_desktop.store import (
    DamagedDatabase,
    MissingDatabase,
    Store,
    StoreError,
    ValidationFailed,
    auto_backup,
    backup_database,
    export_cases,
    import_cases,
    list_auto_backups,
    newest_good_backup,
)
from gepnet_desktop.store.settings import save_setting

from .helpers import make_case, open_store

POSIX = os.name == "posix"
RRN = "900101-1234567"  # the shape of a resident registration number (not a real one)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ten_backups(db: Path, cases: int = 3) -> list[Path]:
    """A database of `cases` cases with ten automatic backups, each of a different state."""
    with open_store(db) as store:
        for i in range(cases):
            store.create(make_case(f"BIG-{i:03d}"))
        made = []
        for i in range(10):
            store.create(make_case(f"STEP-{i:02d}"))
            made.append(auto_backup(store))
    assert list_auto_backups(db) == made
    return made


def damage(db: Path) -> None:
    """Overwrite one page of the full-text index (the middle of the file if it has none):
    SQLite opens the file and reads the cases, its quick check fails. The page is chosen,
    not guessed, so that the damage does not depend on how big the rows happen to be."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master "
                            "WHERE name = 'case_text_fts_data'").fetchone()
    finally:
        conn.close()
    size = db.stat().st_size
    offset = (root[0] - 1) * page_size if root else (size // page_size // 2) * page_size
    with open(db, "r+b") as fh:
        fh.seek(offset)
        fh.write(b"\xff" * page_size)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] != "ok"
    except sqlite3.DatabaseError:  # "malformed": damaged too
        pass
    finally:
        conn.close()


def damaged_database(db: Path) -> None:
    with open_store(db) as store:
        for i in range(300):
            store.create(make_case(f"D-{i:04d}", notes="x" * 200))
    damage(db)


# -- item 1: a missing or empty database in a used folder ---------------------------------------
@pytest.mark.parametrize("state", ["empty", "missing"])
def test_an_empty_or_missing_database_beside_backups_is_not_replaced(tmp_path, state):
    db = tmp_path / "gepnet.db"
    backups = ten_backups(db)
    before = {b: digest(b) for b in backups}
    if state == "empty":
        db.write_bytes(b"")
    else:
        db.unlink()
    with pytest.raises(MissingDatabase) as caught:
        Store.open(db)
    exc = caught.value
    assert exc.backup == backups[-1] and exc.cases == 13
    assert str(db) in str(exc) and str(backups[-1]) in str(exc)
    assert ("empty (0 bytes)" if state == "empty" else "is missing") in str(exc)
    assert "automatic backups" in str(exc)
    assert (db.exists() and db.stat().st_size == 0) if state == "empty" else not db.exists()
    assert {b: digest(b) for b in list_auto_backups(db)} == before  # none deleted or changed


def test_other_signs_of_earlier_use_count_and_a_fresh_folder_is_created(tmp_path):
    fresh = tmp_path / "fresh" / "gepnet.db"
    with Store.open(fresh) as store:  # nothing there before: created, as always
        assert fresh.is_file() and store.schema_version >= 1
    for sign in ("settings", "drafts", "logs"):
        folder = tmp_path / sign
        folder.mkdir()
        if sign == "settings":
            save_setting(folder, "backups_to_keep", 5)
        elif sign == "drafts":
            (folder / "drafts").mkdir()
            (folder / "drafts" / "new.draft.json").write_text("{}")
        else:
            (folder / "logs").mkdir()
            (folder / "logs" / "gepnet.log").write_text("2026-01-01 INFO window ready\n")
        with pytest.raises(MissingDatabase) as caught:
            Store.open(folder / "gepnet.db")
        assert sign in str(caught.value) and caught.value.backup is None
        assert "no readable automatic backup" in str(caught.value)
        assert not (folder / "gepnet.db").exists()
        with Store.open(folder / "gepnet.db", new=True) as store:  # explicitly: a new one
            assert store.schema_version >= 1


def test_rotation_keeps_the_last_backups_of_a_larger_database(tmp_path):
    db = tmp_path / "gepnet.db"
    with open_store(db) as store:
        for i in range(25):
            store.create(make_case(f"REAL-{i:03d}"))
        real = [auto_backup(store) for _ in range(1)]
        for i in range(9):
            store.create(make_case(f"MORE-{i}"))
            real.append(auto_backup(store))
    assert len(list_auto_backups(db)) == 10
    db.unlink()
    for i in range(9):  # nine ordinary starts on a new database, one case saved each
        with open_store(db, new=True) as store:
            store.create(make_case(f"SMALL-{i}"))
            auto_backup(store)
    kept = list_auto_backups(db)
    assert set(real) <= set(kept)  # all ten backups of the real database are still there
    assert len(kept) == 19
    with open_store(db) as store:  # ordinary rotation among the small one's own copies
        for i in range(3):
            store.create(make_case(f"SMALL-MORE-{i}"))
            auto_backup(store)
    kept = list_auto_backups(db)
    assert set(real) <= set(kept) and len(kept) == 20


def test_newest_good_backup_skips_a_damaged_one(tmp_path):
    db = tmp_path / "gepnet.db"
    backups = ten_backups(db)
    backups[-1].write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    found = newest_good_backup(db)
    assert found is not None and found[0] == backups[-2] and found[1] == 12


# -- item 2: one atomic writer; never over the database, a backup or through a link -------------
def test_the_atomic_writer_replaces_whole_files_privately(tmp_path):
    target = tmp_path / "out.json"
    safe_files.write_text(target, "first")
    if POSIX:
        assert target.stat().st_mode & 0o777 == 0o600
    with pytest.raises(safe_files.WriteRefused) as caught:
        safe_files.write_text(target, "second")
    assert caught.value.exists and "already exists" in str(caught.value)
    with pytest.raises(RuntimeError), safe_files.atomic_open(target, replace=True) as fh:
        fh.write("half")
        raise RuntimeError("the disk went away")
    assert target.read_text() == "first"
    safe_files.write_text(target, "second", replace=True)
    assert target.read_text() == "second"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temporary file left


def test_the_atomic_writer_refuses_links_databases_and_backups(tmp_path):
    db = tmp_path / "gepnet.db"
    ten_backups(db, cases=1)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "link.json"
    link.symlink_to(victim)
    for target, words in ((link, "symbolic link"), (db, "database"),
                          (Path(f"{db}-wal"), "wal"), (list_auto_backups(db)[0], "database"),
                          (tmp_path, "folder")):
        with pytest.raises(safe_files.WriteRefused) as caught:
            safe_files.write_text(target, "[]", replace=True)
        assert words in str(caught.value), target
    assert victim.read_text() == "keep me" and link.is_symlink()


def test_export_and_backup_never_write_over_the_database_or_a_backup(tmp_path):
    db = tmp_path / "gepnet.db"
    backups = ten_backups(db, cases=1)
    before = {p: digest(p) for p in (db, *backups)}
    with open_store(db) as store:
        for target in (db, backups[0], Path(f"{db}-shm")):
            with pytest.raises(StoreError):
                export_cases(store, target, fmt="json", replace=True)
            with pytest.raises(StoreError):
                backup_database(store, target, replace=True)
    assert {p: digest(p) for p in (db, *backups)} == before  # nothing changed, not even a byte
    with open_store(db) as store:
        out = tmp_path / "cases.json"
        export_cases(store, out)
        with pytest.raises(StoreError, match="already exists"):
            export_cases(store, out)
        assert export_cases(store, out, replace=True) == 11
        if POSIX:
            assert out.stat().st_mode & 0o777 == 0o600
    assert {p: digest(p) for p in backups} == {p: before[p] for p in backups}


# -- item 3: damage found at open ---------------------------------------------------------------
def test_a_damaged_database_is_refused_for_writing_and_opens_read_only(tmp_path):
    db = tmp_path / "gepnet.db"
    damaged_database(db)
    before = digest(db)
    with pytest.raises(DamagedDatabase) as caught:
        Store.open(db, verify=True)
    assert str(db) in str(caught.value) and "damaged" in str(caught.value)
    with Store.open(db, read_only=True) as store:
        assert store.read_only
        with pytest.raises(StoreError, match="read-only because it is damaged"):
            store.create(make_case("NEW-1"))
    assert digest(db) == before


# -- item 4: read-only database and full disk: a sentence, nothing written ----------------------
def test_a_read_only_connection_and_a_full_disk_give_sentences(tmp_path):
    db = tmp_path / "gepnet.db"
    with open_store(db) as store:
        kept = store.create(make_case("KEEP-1"))
        store.db.execute("PRAGMA query_only = ON")  # SQLite answers as for a read-only file
        with pytest.raises(StoreError, match="read-only; nothing was saved") as caught:
            store.create(make_case("RO-1"))
        assert str(db) in str(caught.value)
        store.db.execute("PRAGMA query_only = OFF")
        pages = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.db.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full now
        with pytest.raises(StoreError, match="full; nothing was saved"):
            for i in range(200):
                store.create(make_case(f"FULL-{i:03d}", notes="n" * 2000))
    with Store.open(db) as store:
        assert store.get(kept.uuid) is not None


# -- item 7: private modes, leftovers, resident registration numbers ----------------------------
@pytest.mark.skipif(not POSIX, reason="file modes are POSIX")
def test_database_and_its_logs_are_private_and_modes_are_fixed_at_open(tmp_path):
    db = tmp_path / "gepnet.db"
    with open_store(db) as store:
        store.create(make_case("P-1"))
        for f in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            assert f.stat().st_mode & 0o777 == 0o600, f
    os.chmod(db, 0o644)
    with open_store(db):
        assert db.stat().st_mode & 0o777 == 0o600


@pytest.mark.skipif(not POSIX, reason="file modes are POSIX")
def test_the_data_dir_is_private(data_dir):
    from gepnet_desktop import paths

    assert paths.data_dir().stat().st_mode & 0o777 == 0o700
    os.chmod(data_dir, 0o755)
    assert paths.data_dir().stat().st_mode & 0o777 == 0o700


def test_leftover_temporary_files_are_removed_but_not_young_ones(tmp_path):
    (tmp_path / "drafts").mkdir()
    (tmp_path / "backups").mkdir()
    old = [tmp_path / ".restore-abc.db", tmp_path / ".restore-abc.db-journal",
           tmp_path / "drafts" / ".x1y2.tmp", tmp_path / f".cases.json.k3{safe_files.TMP_SUFFIX}",
           tmp_path / "backups" / ".gepnet-auto-1.db-x.partial"]
    young = tmp_path / "drafts" / ".young.tmp"
    keep = [tmp_path / "gepnet.db", tmp_path / "drafts" / "new.draft.json", young]
    for f in old + keep:
        f.write_text("patient data")
    then = time.time() - 3600
    for f in old + keep[:-1]:
        os.utime(f, (then, then))
    assert sorted(safe_files.remove_leftovers(tmp_path)) == sorted(old)
    assert all(not f.exists() for f in old) and all(f.exists() for f in keep)


def test_a_code_like_a_resident_registration_number_is_refused(tmp_path):
    db = tmp_path / "gepnet.db"
    with open_store(db) as store:
        with pytest.raises(ValidationFailed) as caught:
            store.create(make_case(RRN))
        assert caught.value.problems[0].field == "case_code"
        assert "resident registration number" in str(caught.value)
        assert RRN not in str(caught.value)
        source = tmp_path / "in.json"
        source.write_text(json.dumps([{"case_code": "OK-1"}, {"case_code": f"X{RRN}"}]))
        with pytest.raises(StoreError) as caught:
            import_cases(store, source)
        assert "record 2" in str(caught.value) and "resident registration" in str(caught.value)
        assert RRN not in str(caught.value)
        assert store.get_by_code("OK-1") is None  # all or nothing
