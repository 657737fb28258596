"""`check` through the command line on real files: a tampered audit trail (exit 1 naming the
row), another process's locks ("busy", exit 3; never "damaged"), a read-only database; the
clinician's name in the audit trail (`--clinician`, the setting)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gepnet_desktop.cli import main
from gepnet_desktop.store import audit
from gepnet_desktop.store import check as check_module
from tests.store.helpers import rewrite_changes

CASES = [{"case_code": f"T-{i}", "primary_site": "pancreas", "differentiation": "well",
          "ki67_percent": 2 + i} for i in range(1, 6)]


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def cli(argv: list[str], data_dir: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, GEPNET_DATA_DIR=str(data_dir))
    return subprocess.run([sys.executable, "-m", "gepnet_desktop", *argv], env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def database(tmp_path: Path, data_dir: Path, capsys) -> Path:
    """The data dir's database with five imported cases, one of them edited."""
    source = tmp_path / "cases.json"
    source.write_text(json.dumps(CASES), encoding="utf-8")
    assert run(["import", str(source)], capsys)[0] == 0
    yield data_dir / "gepnet.db"
    audit.set_clinician(None)


def test_an_audit_row_changed_with_sqlite3_makes_check_exit_1_naming_the_row(
        database: Path, data_dir: Path) -> None:
    assert cli(["check"], data_dir).returncode == 0

    def third_as_first(text: str) -> str:  # the import's digests, kept packed
        found = json.loads(text)
        found["digests"] = found["digests"][:64] + found["digests"][:32] + found["digests"][96:]
        return json.dumps(found)

    with sqlite3.connect(database) as conn:
        rewrite_changes(conn, 1, third_as_first)
    proc = cli(["check"], data_dir)
    assert proc.returncode == 1, proc.stderr
    assert "the audit trail is broken at row 1 (import at " in proc.stderr
    assert "case T-3 (" in proc.stderr and "T-1" not in proc.stderr  # rows vs the import
    assert "differ from those the import recorded (audit row 1)" in proc.stderr
    assert "unexpected error" not in proc.stderr and "Traceback" not in proc.stderr


def test_a_case_row_changed_with_sqlite3_is_named(database: Path, data_dir: Path,
                                                  capsys) -> None:
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE cases SET ki67_percent = 3.5 WHERE case_code = 'T-1'")
    code, _, err = run(["check"], capsys)
    assert code == 1
    assert "case T-1 (" in err and "differ from those the import recorded" in err
    with sqlite3.connect(database) as conn:  # the value put back: the digest matches again
        conn.execute("UPDATE cases SET ki67_percent = 3 WHERE case_code = 'T-1'")
    assert run(["check"], capsys)[0] == 0


HOLD = textwrap.dedent("""
    import sqlite3, sys, time
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    if sys.argv[2] == "exclusive":  # keeps readers out too
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
    else:  # the write lock an import or a save holds
        conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE store_state SET changes = changes + 1 WHERE id = 1")
    print("locked", flush=True)
    sys.stdin.readline()
    conn.execute("ROLLBACK")
""")


def hold_lock(path: Path, kind: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path), kind], text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def release(proc: subprocess.Popen) -> None:
    proc.communicate("\n", timeout=30)  # closes its pipes too


def test_a_healthy_database_under_another_process_exclusive_lock_is_busy_not_damaged(
        database: Path, data_dir: Path) -> None:
    holder = hold_lock(database, "exclusive")
    try:
        proc = cli(["check"], data_dir)
    finally:
        release(holder)
    assert proc.returncode == 3, proc.stderr
    assert "is busy" in proc.stderr and "nothing was checked" in proc.stderr
    assert "damaged" not in proc.stderr.replace("says nothing about damage", "")
    assert "Restore" not in proc.stderr
    assert cli(["check"], data_dir).returncode == 0  # and healthy once it is free


def test_a_healthy_database_under_another_process_write_lock_checks_healthy(
        database: Path, capsys) -> None:
    holder = hold_lock(database, "immediate")  # readers are not kept out by a writer (WAL)
    try:
        code, out, err = run(["check"], capsys)
    finally:
        release(holder)
    assert (code, err) == (0, "")
    assert "healthy (5 cases" in out


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root may write any file")
def test_a_read_only_database_checks_fine(database: Path, data_dir: Path) -> None:
    before = database.read_bytes()
    database.chmod(0o444)
    data_dir.chmod(0o555)
    try:
        proc = cli(["check"], data_dir)
    finally:
        data_dir.chmod(0o700)
        database.chmod(0o600)
    assert proc.returncode == 0, proc.stderr
    assert "healthy (5 cases" in proc.stdout
    assert database.read_bytes() == before


def test_a_read_only_wal_database_is_read_as_immutable(database: Path, capsys,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """What SQLite says for a read-only file whose -shm it cannot create (root cannot make
    such a file): the check then opens it immutable, since it has no -wal."""
    real = check_module._connect
    calls: list[bool] = []

    def readonly_unless_immutable(path: Path, timeout: float, *, immutable: bool):
        calls.append(immutable)
        if not immutable:
            raise sqlite3.OperationalError("attempt to write a readonly database")
        return real(path, timeout, immutable=immutable)

    monkeypatch.setattr(check_module, "_connect", readonly_unless_immutable)
    code, out, err = run(["check"], capsys)
    assert (code, err) == (0, ""), err
    assert "healthy (5 cases" in out and True in calls


def test_clinician_from_the_option_or_the_setting(database: Path, data_dir: Path, tmp_path: Path,
                                                  capsys) -> None:
    edit = tmp_path / "edit.json"
    code, out, _ = run(["cases", "show", "T-1", "--json"], capsys)
    case = json.loads(out)
    case.pop("recommendation_node")
    case.pop("deleted")
    case["revision"] += 1
    case["notes"] = "board review"
    edit.write_text(json.dumps([case]), encoding="utf-8")
    code, _, err = run(["--clinician", "Dr Kim", "import", str(edit)], capsys)
    assert code == 0, err
    (data_dir / "settings.json").write_text(json.dumps({"clinician": "Dr Lee"}),
                                            encoding="utf-8")
    case["revision"] += 1
    case["notes"] = "second review"
    edit.write_text(json.dumps([case]), encoding="utf-8")
    assert run(["import", str(edit)], capsys)[0] == 0
    code, out, _ = run(["cases", "history", "T-1"], capsys)
    lines = out.splitlines()
    account = audit.os_user()
    assert f"  {account}  import" in lines[0]
    assert f"  {account} (Dr Kim)  import" in lines[1]
    assert f"  {account} (Dr Lee)  import" in lines[2]
    code, _, err = run(["--clinician", "Dr\tKim", "cases", "list"], capsys)
    assert code == 2 and err.startswith("--clinician the name must be plain text")
