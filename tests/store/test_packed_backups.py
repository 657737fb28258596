"""Compressed backups on real files: automatic backups are gzip files of the page-for-page
copy with a manifest; restore and check read them and the plain backups of older versions;
rotation keeps within a total size; nothing is ever written over a backup."""

from __future__ import annotations

import gzip
import json
import random
import sqlite3
import stat
from pathlib import Path

import pytest

from gepnet_desktop.cli import main
from gepnet_desktop.packed import is_packed, read_manifest, readable_copy
from gepnet_desktop.store import (
    CaseQuery,
    Store,
    StoreError,
    auto_backup,
    backup_database,
    check_database,
    list_auto_backups,
    restore_database,
    unchanged_since_auto_backup,
)
from gepnet_desktop.store.settings import save_setting

from .helpers import make_case, open_store, random_cases


@pytest.fixture
def store(data_dir: Path) -> Store:
    data_dir.mkdir(parents=True)
    s = open_store(data_dir / "gepnet.db")
    for case in random_cases(60):
        s.create(case)
    yield s
    s.close()


def codes(path: Path) -> list[str]:
    with readable_copy(path, path.parent) as plain, Store.open(plain) as s:
        return [r.case_code for r in s.search(CaseQuery(sort="case_code"), limit=10_000)]


def test_an_automatic_backup_is_a_gzip_of_the_database_with_a_manifest(store: Store) -> None:
    progress: list[tuple[int, int]] = []
    dest = auto_backup(store, lambda done, total: progress.append((done, total)) and False)
    assert dest is not None and dest.name.endswith(".db.gz") and is_packed(dest)
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    raw = gzip.decompress(dest.read_bytes())  # any gzip tool unpacks it
    assert raw.startswith(b"SQLite format 3\x00")
    assert len(raw) > 2 * dest.stat().st_size  # compressed
    manifest = read_manifest(dest)
    assert manifest is not None and manifest["cases"] == 60 and manifest["schema"] >= 8
    assert codes(dest) == sorted((r.case_code for r in store.iter_rows(CaseQuery())),
                                 reverse=True)
    assert progress[-1] == (2000, 2000)  # a False answer did not cancel an automatic backup
    assert [d for d, _t in progress] == sorted(d for d, _t in progress)
    assert unchanged_since_auto_backup(store) == dest
    assert auto_backup(store) is None  # nothing changed: skipped
    assert not [p for p in dest.parent.iterdir() if p.name.startswith(".")]  # no leftovers


def test_restore_and_check_read_both_kinds(store: Store, tmp_path: Path) -> None:
    plain = backup_database(store, tmp_path / "old-style.db")  # as earlier versions wrote
    packed = backup_database(store, tmp_path / "new-style.db.gz")
    assert not is_packed(plain) and is_packed(packed)
    assert check_database(plain) == [] and check_database(packed) == []
    store.create(make_case("AFTER-BACKUP"))
    store.close()
    for source in (packed, plain):
        restore_database(store.path, source)
        with open_store(store.path) as back:
            assert back.get_by_code("AFTER-BACKUP") is None
            assert back.count(CaseQuery()) == 60
        assert check_database(store.path) == []
    assert is_packed(packed) and not is_packed(plain)  # neither source changed


def test_a_damaged_compressed_backup_is_refused_with_a_sentence(store: Store,
                                                                tmp_path: Path) -> None:
    packed = backup_database(store, tmp_path / "b.db.gz")
    data = bytearray(packed.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 64] = bytes(64)
    damaged = tmp_path / "damaged.db.gz"
    damaged.write_bytes(bytes(data))
    [problem] = check_database(damaged)
    assert str(damaged) in problem and "damaged" in problem
    store.close()
    before = store.path.read_bytes()
    with pytest.raises(StoreError, match="compressed backup is damaged"):
        restore_database(store.path, damaged)
    assert store.path.read_bytes() == before  # nothing was restored


def test_nothing_is_written_over_a_compressed_backup(store: Store) -> None:
    dest = auto_backup(store)
    assert dest is not None
    other = dest.with_name("elsewhere.db.gz")
    other.write_bytes(dest.read_bytes())
    with pytest.raises(StoreError, match="nothing is ever written over"):
        backup_database(store, other, replace=True)


def test_rotation_keeps_the_backups_within_their_total_size(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    rng = random.Random(5)
    with open_store(data_dir / "gepnet.db") as store:
        save_setting(data_dir, "backups_max_mb", 1)
        for i in range(30):  # notes that do not compress: each backup about 0.36 MB
            store.create(make_case(f"B-{i}", notes="".join(
                rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(2000))))
        sizes = []
        for n in range(5):
            store.create(make_case(f"N-{n}"))
            dest = auto_backup(store)
            assert dest is not None
            sizes.append(dest.stat().st_size)
        kept = list_auto_backups(store.path)
    assert min(sizes) > 250_000 and max(sizes) < 500_000
    assert kept[-1] == dest  # the newest is always kept
    assert sum(p.stat().st_size for p in kept) <= 1024 * 1024
    assert len(kept) == 1024 * 1024 // max(sizes) or len(kept) == 1024 * 1024 // min(sizes)


def test_the_size_setting_is_checked(data_dir: Path, caplog) -> None:
    from gepnet_desktop.store.settings import DEFAULT_BACKUPS_MAX_MB, backups_max_bytes

    data_dir.mkdir(parents=True)
    save_setting(data_dir, "backups_max_mb", "a lot")
    assert backups_max_bytes(data_dir) == DEFAULT_BACKUPS_MAX_MB * 1024 * 1024
    assert "backups_max_mb='a lot' ignored; allowed: a whole number" in caplog.text
    save_setting(data_dir, "backups_max_mb", 0)
    assert backups_max_bytes(data_dir) is None  # 0: bounded by their number only


def test_the_cli_backs_up_compressed_and_restores_it(store: Store, tmp_path: Path,
                                                     capsys) -> None:
    store.close()
    target = tmp_path / "usb.db.gz"
    assert main(["backup", str(target)]) == 0
    assert is_packed(target)
    assert main(["backup", str(target), "--force"]) == 2  # never over a backup
    capsys.readouterr()
    assert main(["restore", str(target)]) == 0
    assert "restored from" in capsys.readouterr().out
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 60
    assert json.loads(json.dumps(read_manifest(target)))["cases"] == 60
