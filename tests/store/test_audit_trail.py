"""The tamper-evident audit trail: the hash chain, the cases against it, restores and exports
as audited events, who is recorded; and `check_database` reading without writing."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from pathlib import Path

import pytest

from gepnet_desktop.store import Store, audit, backup_database, check_database, export_cases
from gepnet_desktop.store.backup import restore_database
from gepnet_desktop.store.db import connect
from gepnet_desktop.store.migrations import MIGRATIONS, migrate

from .helpers import make_case, open_store, random_cases, rewrite_changes


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = open_store(tmp_path / "data" / "gepnet.db")
    for case in random_cases(12):
        s.create(case)
    first = s.get_by_code("R-00001")
    assert first is not None
    first.notes = "edited once"
    s.update(first)
    s.delete(first.uuid or "")
    yield s
    s.close()
    audit.set_clinician(None)


def rows(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT id, action, hash FROM audit ORDER BY id").fetchall()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_write_extends_the_chain_and_moves_the_head(store: Store) -> None:
    chain = rows(store.path)
    assert [r[0] for r in chain] == list(range(1, 15))  # 12 creates, an update, a delete
    assert all(len(r[2]) == 64 for r in chain)
    head = store.db.execute("SELECT audit_head FROM store_state").fetchone()[0]
    assert head == chain[-1][2]
    assert audit.verify_chain(audit.chain_rows(store.db), head) is None
    assert check_database(store.path) == []


def test_the_hash_is_sha256_over_the_previous_hash_and_the_canonical_row(store: Store) -> None:
    cols = ", ".join(audit.ROW_COLUMNS)
    first, second = store.db.execute(f"SELECT {cols}, hash, packed FROM audit ORDER BY id "
                                     "LIMIT 2")
    row = dict(zip(audit.ROW_COLUMNS, second[:-2], strict=True))
    assert row["changes"] == "" and second[-1] is not None  # a whole new case: stored packed
    row["changes"] = audit.unpack("", second[-1])  # the hash covers the text, however stored
    assert json.loads(row["changes"])["case_code"]["new"]
    text = json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    assert second[-2] == hashlib.sha256((first[-2] + text).encode()).hexdigest()


@pytest.mark.parametrize("tamper, row", [
    ("UPDATE audit SET os_user = 'mallory' WHERE id = 5", 5),
    ("UPDATE audit SET changes = replace(changes, '\"new\":', '\"new\": ') WHERE id = 13", 13),
    ("UPDATE audit SET packed = zeroblob(length(packed)) WHERE id = 3", 3),  # garbled
    ("UPDATE audit SET packed = NULL WHERE id = 4", 4),  # the record dropped
    ("DELETE FROM audit WHERE id = 7", 8),  # the row after the gap no longer follows
    ("UPDATE audit SET at = '2020-01-01T00:00:00.000+00:00' WHERE id = 1", 1),
])
def test_a_row_changed_outside_the_program_breaks_the_chain_there(store: Store, tamper: str,
                                                                  row: int) -> None:
    store.close()
    with sqlite3.connect(store.path) as conn:
        conn.execute(tamper)
    problems = check_database(store.path)
    assert problems
    assert f"the audit trail is broken at row {row} (" in problems[0]


def test_a_packed_row_rewritten_with_another_record_breaks_the_chain_there(store: Store
                                                                          ) -> None:
    store.close()
    with sqlite3.connect(store.path) as conn:
        rewrite_changes(conn, 3, lambda text: text.replace('"new":', '"new": '))
    problems = check_database(store.path)
    assert problems and "the audit trail is broken at row 3 (" in problems[0]


def test_two_rows_swapped_break_the_chain(store: Store) -> None:
    store.close()
    with sqlite3.connect(store.path) as conn:
        cols = "at, os_user, clinician, case_uuid, action, revision, changes, packed, hash"
        two, three = (conn.execute(f"SELECT {cols} FROM audit WHERE id = ?", (i,)).fetchone()
                      for i in (2, 3))
        sets = ", ".join(f"{c} = ?" for c in cols.split(", "))
        conn.execute(f"UPDATE audit SET {sets} WHERE id = 2", three)
        conn.execute(f"UPDATE audit SET {sets} WHERE id = 3", two)
    problems = check_database(store.path)
    assert problems and "the audit trail is broken at row 2 (" in problems[0]


def test_rows_cut_off_the_end_are_found(store: Store) -> None:
    store.close()
    with sqlite3.connect(store.path) as conn:
        conn.execute("DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)")
    problems = check_database(store.path)
    assert any("ends at row 13" in p and "deleted from its end" in p for p in problems)


def test_a_case_changed_outside_the_program_differs_from_its_trail(store: Store) -> None:
    case = store.get_by_code("R-00002")
    assert case is not None
    store.close()
    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE cases SET pace = 'rapid', revision = 9 WHERE uuid = ?",
                     (case.uuid,))
        conn.execute("UPDATE cases SET deleted_at = NULL WHERE case_code = 'R-00001'")
    problems = check_database(store.path)
    two = [p for p in problems if "R-00002" in p and "audited" in p]
    assert len(two) == 1 and "pace, revision differ" in two[0]
    assert "latest audited values (its last audit row is 2)" in two[0]
    assert any("R-00001" in p and "deleted_at differs" in p for p in problems)
    assert not any("audit trail is broken" in p for p in problems)  # the chain itself holds


def test_check_never_writes_and_a_read_only_file_checks_fine(store: Store) -> None:
    store.close()
    folder = store.path.parent

    def files() -> dict[str, str]:
        return {p.name: file_digest(p) for p in folder.iterdir() if p.is_file()}

    before = files()
    os.chmod(store.path, 0o444)
    try:
        assert check_database(store.path) == []
    finally:
        os.chmod(store.path, 0o600)
    after = files()
    assert after["gepnet.db"] == before["gepnet.db"]
    # SQLite may leave the index of a write-ahead log for readers, and an empty log: no data
    assert set(after) - set(before) <= {"gepnet.db-wal", "gepnet.db-shm"}
    assert not Path(f"{store.path}-wal").exists() or Path(f"{store.path}-wal").stat().st_size == 0


def test_check_under_another_connections_write_lock_is_not_damage(store: Store) -> None:
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a writer at work (an import): readers still read
    other.execute("UPDATE store_state SET changes = changes + 1 WHERE id = 1")
    try:
        assert check_database(store.path, busy_timeout=0.2) == []
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_check_says_busy_when_readers_are_kept_out(store: Store) -> None:
    from gepnet_desktop.store import DatabaseBusy

    store.close()
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("PRAGMA locking_mode = EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    other.execute("UPDATE store_state SET changes = changes WHERE id = 1")
    started = time.monotonic()
    try:
        with pytest.raises(DatabaseBusy, match="is busy") as caught:
            check_database(store.path, busy_timeout=0.3)
        assert "damaged" not in str(caught.value)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert time.monotonic() - started < 5


def _pre_chain_file(path: Path) -> None:
    """A database of the schema before the chain: case A-1 matches its create row, case B-1
    was changed by hand after its create row."""
    chained = next(m.version for m in MIGRATIONS if m.run is not None and "audit" in m.name)
    db = connect(path)
    migrate(db, path, upto=chained - 1)
    db.execute("BEGIN")
    for seq, (uuid, code, site) in enumerate((("u-a", "A-1", "pancreas"),
                                              ("u-b", "B-1", "rectum")), start=1):
        db.execute("INSERT INTO cases (uuid, seq, case_code, primary_site, created_at, "
                   "updated_at, revision) VALUES (?, ?, ?, 'pancreas', "
                   "'2024-01-02T03:04:05.000+00:00', '2024-01-02T03:04:05.000+00:00', 1)",
                   (uuid, seq, code))
        changes = {"case_code": {"old": None, "new": code},
                   "primary_site": {"old": None, "new": site}}
        db.execute("INSERT INTO audit (at, os_user, case_uuid, action, revision, changes) "
                   "VALUES ('2024-01-02T03:04:05.000+00:00', 'old', ?, 'create', 1, ?)",
                   (uuid, json.dumps(changes)))
    db.execute("COMMIT")
    db.close()


def test_migration_hashes_existing_rows_and_records_a_baseline(tmp_path: Path) -> None:
    path = tmp_path / "gepnet.db"
    _pre_chain_file(path)
    with sqlite3.connect(path) as conn:
        assert "hash" not in {r[1] for r in conn.execute("PRAGMA table_info(audit)")}
    with open_store(path) as s:
        assert [e.action for e in s.history("u-a")] == ["create"]
        baseline = s.history("u-b")[-1]
        assert baseline.action == "baseline"
        assert baseline.changes == {"primary_site": {"old": "rectum", "new": "pancreas"}}
    chain = rows(path)
    assert [r[1] for r in chain] == ["create", "create", "baseline"]
    first = {"id": 1, "at": "2024-01-02T03:04:05.000+00:00", "os_user": "old",
             "clinician": None, "case_uuid": "u-a", "action": "create", "revision": 1}
    with sqlite3.connect(path) as conn:
        first["changes"] = conn.execute("SELECT changes FROM audit WHERE id = 1").fetchone()[0]
    assert chain[0][2] == audit.row_hash(audit.GENESIS, first)
    assert check_database(path) == []


def test_restore_is_recorded_in_the_restored_database(tmp_path: Path, store: Store) -> None:
    backup = backup_database(store, tmp_path / "backup.db")
    store.create(make_case("AFTER-1"))
    count, head = audit.head(store.db)
    store.close()
    restore_database(store.path, backup, user="restorer", clinician="Dr Kim")
    with sqlite3.connect(store.path) as conn:
        last = conn.execute("SELECT os_user, clinician, case_uuid, action, changes, packed "
                            "FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    assert last[:4] == ("restorer", "Dr Kim", None, "database_restore")
    details = json.loads(audit.unpack(last[4], last[5]))
    assert details["file"] == str(backup.resolve())
    assert details["replaced"] == {"existed": True, "schema": details["replaced"]["schema"],
                                   "cases": 13, "audit_rows": count, "audit_head": head}
    assert details["kept_as"] and Path(details["kept_as"]).exists()
    assert check_database(store.path) == []


def test_export_is_recorded_without_case_codes(tmp_path: Path, store: Store) -> None:
    out = tmp_path / "out.csv"
    n = export_cases(store, out)
    found = store.db.execute("SELECT case_uuid, action, changes, packed FROM audit "
                             "ORDER BY id DESC LIMIT 1").fetchone()
    last = (*found[:2], audit.unpack(found[2], found[3]))
    assert last[:2] == (None, "export")
    details = json.loads(last[2])
    assert details == {"file": str(out), "format": "csv", "cases": n, "include_deleted": False,
                       "sha256": file_digest(out), "as_of_audit_row": 14}
    assert "R-0" not in last[2]
    assert check_database(store.path) == []


def test_the_os_account_comes_from_the_system_not_logname(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    monkeypatch.setenv("LOGNAME", "someone-else")
    monkeypatch.setenv("USER", "someone-else")
    assert audit.os_user() != "someone-else"
    if hasattr(os, "getuid"):
        import pwd

        assert audit.os_user() == pwd.getpwuid(os.getuid()).pw_name
    with Store.open(tmp_path / "gepnet.db", clinician="Dr Lee") as s:
        case = s.create(make_case("A-1"))
        entry = s.history(case.uuid or "")[0]
    assert (entry.user, entry.clinician) == (audit.os_user(), "Dr Lee")


def test_the_session_clinician_is_recorded_and_checked(tmp_path: Path) -> None:
    audit.set_clinician("  Dr   Park ")
    try:
        with Store.open(tmp_path / "gepnet.db") as s:
            case = s.create(make_case("A-1"))
            assert s.history(case.uuid or "")[0].clinician == "Dr Park"
    finally:
        audit.set_clinician(None)
    for bad in ("x" * 81, "Dr\nKim", "Dr \ud800"):
        with pytest.raises(ValueError, match="clinician"):
            audit.set_clinician(bad)


def _three_lines() -> list[dict[str, object]]:
    return [{"regimen": "lanreotide", "outcome": "progression", "start_date": "2021-01-04"},
            {"regimen": "everolimus", "outcome": "ongoing", "start_date": "2022-03-01"},
            {"regimen": "telotristat", "outcome": "ongoing"}]


def test_a_line_edit_records_only_the_line_that_changed_and_the_trail_replays_it(
        store: Store) -> None:
    case = store.create(make_case("L-1", lines=_three_lines()))
    edited = case.copy()
    edited.lines[1].outcome = "toxicity"
    edited.lines[1].end_date = "2022-09-30"
    case = store.update(edited)
    last = store.history(case.uuid or "")[-1].changes["lines"]
    assert last["count"] == {"old": 3, "new": 3} and list(last["at"]) == ["2"]
    assert last["at"]["2"]["old"]["outcome"] == "ongoing"
    assert last["at"]["2"]["new"]["outcome"] == "toxicity"
    shorter = case.copy()
    shorter.lines = shorter.lines[:1]
    case = store.update(shorter)
    last = store.history(case.uuid or "")[-1].changes["lines"]
    assert last["count"] == {"old": 3, "new": 1} and sorted(last["at"]) == ["2", "3"]
    assert last["at"]["3"]["new"] is None
    assert check_database(store.path) == []  # the replay of per-line changes gives the row
    store.close()
    with sqlite3.connect(store.path) as conn:  # a line changed behind the audit's back
        conn.execute("UPDATE lines SET outcome = 'completed' WHERE case_uuid = ? AND "
                     "position = 1", (case.uuid,))
    problems = check_database(store.path)
    assert any("L-1" in p and "lines" in p for p in problems), problems


def test_an_import_record_is_stored_once_deflated_and_far_smaller(store: Store) -> None:
    full = make_case("Z-1", lines=_three_lines(), notes="first visit " * 5, ecog=1,
                     comorbidities=["uncontrolled_diabetes"])
    created = store.create(full)
    changes, packed = store.db.execute("SELECT changes, packed FROM audit WHERE case_uuid = ?",
                                       (created.uuid,)).fetchone()
    text = audit.unpack(changes, packed)
    assert changes == "" and len(packed) * 3 < len(text.encode())
    assert json.loads(text)["case_code"] == {"old": None, "new": "Z-1"}
