"""The command line never loses the clinic's data (issue 9): a missing or empty database in a
used data dir, exports onto the database or a backup, --force, damage, a full disk,
leftover temporary files. Real files; the CLI through main() and, once, a subprocess."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gepnet_desktop import paths
from gepnet_desktop.cli import main
from gepnet_desktop.store import Store, auto_backup, list_auto_backups
from tests.store.helpers import make_case, open_store
from tests.store.test_safety import damage

NEEDS_DATABASE = (["cases", "list"], ["check"], ["cases", "show", "C-000"],
                  ["export", "OUT/out.json"],
                  ["import", "OUT/in.json"], ["backup", "OUT/copy.db"],
                  ["report", "C-000", "--out", "OUT/r.html"],
                  ["chart", "C-000", "--out", "OUT/c.svg"])


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def clinic_with_ten_backups(data_dir: Path) -> list[Path]:
    db = data_dir / "gepnet.db"
    data_dir.mkdir(parents=True, exist_ok=True)
    with open_store(db) as store:
        made = []
        for i in range(10):
            store.create(make_case(f"C-{i:03d}"))
            made.append(auto_backup(store))
    return made


def test_a_zero_byte_database_beside_ten_backups_exits_2_naming_the_newest(data_dir, tmp_path,
                                                                           capsys):
    backups = clinic_with_ten_backups(data_dir)
    before = {b: digest(b) for b in backups}
    db = data_dir / "gepnet.db"
    db.write_bytes(b"")
    (tmp_path / "in.json").write_text(json.dumps([{"case_code": "NEW-1"}]))
    sentences = set()
    for argv in NEEDS_DATABASE:
        argv = [a.replace("OUT", str(tmp_path)) for a in argv]
        code, out, err = run(argv, capsys)
        assert code == 2, (argv, err)
        assert str(db) in err and str(backups[-1]) in err and "empty (0 bytes)" in err, argv
        assert "unexpected error" not in err
        sentences.add(err)
    assert len(sentences) == 1  # the same sentence for every command
    assert db.stat().st_size == 0
    assert {b: digest(b) for b in list_auto_backups(db)} == before  # no backup deleted
    assert not (tmp_path / "out.json").exists() and not (tmp_path / "copy.db").exists()
    # the way out that the sentence names
    code, out, err = run(["restore", str(backups[-1])], capsys)
    assert code == 0, err
    code, out, err = run(["cases", "list"], capsys)
    assert code == 0 and "10 cases" in out


def test_the_same_through_a_subprocess(data_dir, tmp_path):
    backups = clinic_with_ten_backups(data_dir)
    (data_dir / "gepnet.db").unlink()
    done = subprocess.run([sys.executable, "-m", "gepnet_desktop", "cases", "list"],
                          capture_output=True, text=True, timeout=60,
                          env=os.environ | {paths.ENV_VAR: str(data_dir)})
    assert done.returncode == 2 and str(backups[-1]) in done.stderr
    assert "is missing" in done.stderr and not (data_dir / "gepnet.db").exists()


def test_export_onto_the_database_or_a_backup_is_refused_and_nothing_changes(data_dir,
                                                                             tmp_path, capsys):
    backups = clinic_with_ten_backups(data_dir)
    db = data_dir / "gepnet.db"
    files = [db, *backups]
    before = {f: digest(f) for f in files}
    for target in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), backups[3]):
        for force in ([], ["--force"]):
            code, out, err = run(["export", str(target), *force], capsys)
            assert code == 2 and "nothing is ever written over" in err, (target, err)
            assert out == ""
            code, out, err = run(["backup", str(target), *force], capsys)
            assert code == 2, (target, err)
    assert {f: digest(f) for f in files} == before
    assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size >= 0


def test_an_existing_file_needs_force_and_a_link_is_refused(data_dir, tmp_path, capsys):
    clinic_with_ten_backups(data_dir)
    out_file = tmp_path / "cases.json"
    out_file.write_text("my notes")
    for argv in (["export", str(out_file)], ["backup", str(tmp_path / "cases.json")],
                 ["report", "C-001", "--out", str(tmp_path / "r.html")],
                 ["chart", "C-001", "--out", str(tmp_path / "c.svg")]):
        target = Path(argv[-1])
        target.write_text("my notes")
        code, _out, err = run(argv, capsys)
        assert code == 2 and "already exists" in err and "--force" in err, argv
        assert target.read_text() == "my notes"
        code, _out, err = run([*argv, "--force"], capsys)
        assert code == 0, (argv, err)
        assert target.read_bytes() != b"my notes"
        if os.name == "posix":
            assert target.stat().st_mode & 0o777 == 0o600
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "link.json"
    link.symlink_to(victim)
    for argv in (["export", str(link), "--force"], ["backup", str(link), "--force"]):
        code, _out, err = run(argv, capsys)
        assert code == 2 and "symbolic link" in err, argv
    assert victim.read_text() == "keep me" and link.is_symlink()


def test_a_damaged_database_refuses_import_with_a_sentence(data_dir, tmp_path, capsys):
    data_dir.mkdir(parents=True)
    db = data_dir / "gepnet.db"
    with open_store(db) as store:
        for i in range(300):
            store.create(make_case(f"D-{i:04d}", notes="x" * 200))
    damage(db)
    before = digest(db)
    source = tmp_path / "in.json"
    source.write_text(json.dumps([{"case_code": "NEW-1"}]))
    code, out, err = run(["import", str(source)], capsys)
    assert code == 2 and "damaged" in err and str(db) in err and out == ""
    assert digest(db) == before


def test_a_full_disk_on_import_exits_2_with_a_sentence(data_dir, tmp_path, capsys):
    clinic_with_ten_backups(data_dir)
    real_open = Store.open.__func__
    patch = pytest.MonkeyPatch()  # its own: undoing it leaves the test's data dir alone

    def full_disk_open(cls, *args, **kwargs):
        store = real_open(cls, *args, **kwargs)
        pages = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.db.execute(f"PRAGMA max_page_count = {pages}")  # SQLite: database or disk full
        return store

    patch.setattr(Store, "open", classmethod(full_disk_open))
    source = tmp_path / "in.json"
    source.write_text(json.dumps([{"case_code": f"F-{i:04d}", "notes": "n" * 3000}
                                  for i in range(300)]))
    try:
        code, out, err = run(["import", str(source)], capsys)
    finally:
        patch.undo()
    assert code == 2 and "is full; nothing was saved" in err, err
    assert "unexpected error" not in err
    code, out, _err = run(["cases", "list"], capsys)
    assert code == 0 and "10 cases" in out


def test_leftover_temporary_files_are_removed_at_start(data_dir, capsys):
    clinic_with_ten_backups(data_dir)
    leftovers = [data_dir / ".restore-k2j3.db", data_dir / "drafts" / ".a1b2.tmp"]
    leftovers[1].parent.mkdir()
    for f in leftovers:
        f.write_text("patient data")
        then = time.time() - 600
        os.utime(f, (then, then))
    code, _out, _err = run(["cases", "list"], capsys)
    assert code == 0 and not any(f.exists() for f in leftovers)


def test_a_resident_registration_number_is_refused_by_import(data_dir, tmp_path, capsys):
    source = tmp_path / "in.json"
    source.write_text(json.dumps([{"case_code": "9001011234567"}]))
    code, _out, err = run(["import", str(source)], capsys)
    assert code == 2 and "resident registration number" in err and "9001011234567" not in err


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_the_cli_creates_a_private_database_and_data_dir(data_dir, tmp_path, capsys):
    source = tmp_path / "in.json"
    source.write_text(json.dumps([{"case_code": "P-1"}]))
    code, _out, err = run(["import", str(source)], capsys)
    assert code == 0, err
    assert data_dir.stat().st_mode & 0o777 == 0o700
    assert (data_dir / "gepnet.db").stat().st_mode & 0o777 == 0o600


def test_a_database_made_only_from_the_command_line_is_never_replaced(tmp_path: Path,
                                                                      capsys) -> None:
    """No window, no backups, no settings: the folder still remembers that a database was
    created there, so an emptied file is refused, not replaced by a new empty one."""
    data = tmp_path / "data"
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps([make_case("C-001").to_dict()]), encoding="utf-8")
    assert run(["--data-dir", str(data), "import", str(cases)], capsys)[0] == 0
    database = data / "gepnet.db"
    database.write_bytes(b"")
    code, out, err = run(["--data-dir", str(data), "cases", "list"], capsys)
    assert code == 2 and out == ""
    assert str(database) in err and "used before" in err
    assert database.stat().st_size == 0  # nothing was created in its place


def test_a_database_emptied_to_a_file_without_tables_is_refused_too(tmp_path: Path,
                                                                    capsys) -> None:
    import sqlite3

    data = tmp_path / "data"
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps([make_case("C-001").to_dict()]), encoding="utf-8")
    assert run(["--data-dir", str(data), "import", str(cases)], capsys)[0] == 0
    database = data / "gepnet.db"
    database.unlink()
    conn = sqlite3.connect(database)  # a valid SQLite file, 0 tables, not 0 bytes
    conn.execute("PRAGMA page_size = 8192")
    conn.execute("VACUUM")
    conn.close()
    before = digest(database)
    for argv in (["cases", "list"], ["import", str(cases)]):
        code, out, err = run(["--data-dir", str(data), *argv], capsys)
        assert code == 2 and out == "" and "no tables" in err and str(database) in err, (argv, err)
    assert digest(database) == before


def test_the_copy_set_aside_before_a_migration_is_private(tmp_path: Path) -> None:
    import stat

    from tests.store.contract1 import contract1_cases, old_schema_file

    path = old_schema_file(tmp_path / "gepnet.db", contract1_cases(3), 4)
    with open_store(path):
        pass
    copies = list(tmp_path.glob("gepnet.before-*.db"))
    assert len(copies) == 1
    assert stat.S_IMODE(copies[0].stat().st_mode) == 0o600
