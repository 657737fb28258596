"""An import's audit stored by reference (issue 13): one `import` row per batch of new cases,
holding each case's digest; the case rows hold the records. `check_database` finds a case
changed, removed or renumbered behind the program's back and a batch row edited or removed;
history shows the import as before; older databases with a row per imported case still
verify."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest

from gepnet_desktop.case.sample import random_case_dict
from gepnet_desktop.cli import main
from gepnet_desktop.store import ImportFailed, Store, audit, check_database, import_cases
from gepnet_desktop.store.bulk import BATCH
from gepnet_desktop.store.db import write_transaction
from gepnet_desktop.store.rows import content

from .helpers import open_store, rewrite_changes

N = BATCH + 200  # two batches


def _records(n: int, seed: int = 5) -> list[dict]:
    rng = random.Random(seed)
    out = [random_case_dict(rng, code=f"IMP-{i:05d}") for i in range(n)]
    out[3]["deleted_at"] = "2025-01-02T03:04:05.000+00:00"  # exported with its deletion
    out[4]["lines"] = [{"regimen": "octreotide_lar", "start_date": "2020-01-01",
                        "outcome": "progression", "progression_date": "2021-01-01"},
                       {"regimen": "everolimus", "start_date": "2021-02-01",
                        "outcome": "ongoing"}]
    return out


def _file(tmp_path: Path, records: list[dict]) -> Path:
    path = tmp_path / "import.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding one import of N cases, closed (copied by each test that alters it)."""
    folder = tmp_path_factory.mktemp("imported")
    store = open_store(folder / "gepnet.db")
    import_cases(store, _file(folder, _records(N)))
    store.close()
    return folder / "gepnet.db"


@pytest.fixture
def db_path(imported: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy" / "gepnet.db"
    target.parent.mkdir()
    with sqlite3.connect(imported) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def _uuid(conn: sqlite3.Connection, code: str) -> str:
    return str(conn.execute("SELECT uuid FROM cases WHERE case_code = ?", (code,)).fetchone()[0])


def test_an_import_is_one_audit_row_per_batch_and_checks_healthy(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT case_uuid, action, changes, packed FROM audit "
                            "ORDER BY id").fetchall()
    assert [(r[0], r[1]) for r in rows] == [(None, "import"), (None, "import")]
    first, second = (json.loads(audit.unpack(r[2], r[3])) for r in rows)
    assert (first["cases"], second["cases"]) == (BATCH, N - BATCH)
    assert (first["first_seq"], first["last_seq"], second["first_seq"]) == (1, BATCH, BATCH + 1)
    assert len(first["digests"]) == 32 * BATCH
    assert sum(len(r[3]) for r in rows) < 20 * N  # about 16 bytes a case, deflated
    assert check_database(db_path) == []


@pytest.mark.parametrize("tamper, names", [
    ("UPDATE cases SET ecog = coalesce(ecog, 0) + 1 WHERE case_code = 'IMP-00010'",
     "IMP-00010"),
    ("UPDATE lines SET outcome = 'completed' WHERE position = 2 AND case_uuid = "
     "(SELECT uuid FROM cases WHERE case_code = 'IMP-00004')", "IMP-00004"),
    ("UPDATE cases SET deleted_at = NULL WHERE case_code = 'IMP-00003'", "IMP-00003"),
    ("UPDATE cases SET created_at = '2020-01-01T00:00:00.000+00:00' "
     "WHERE case_code = 'IMP-00020'", "IMP-00020"),
    ("UPDATE cases SET updated_at = '2020-01-01T00:00:00.000+00:00' "
     "WHERE case_code = 'IMP-00021'", "IMP-00021"),
    ("UPDATE cases SET revision = 7 WHERE case_code = 'IMP-00022'", "IMP-00022"),
    (f"UPDATE cases SET seq = {N + 50} WHERE case_code = 'IMP-00030'", "number 31"),
])
def test_a_case_changed_outside_the_program_is_named(db_path: Path, tamper: str,
                                                      names: str) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute(tamper)
    problems = check_database(db_path)
    assert problems and any(names in p for p in problems), problems
    assert not any("audit trail is broken" in p for p in problems)


def test_two_cases_swapping_numbers_are_both_named(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE cases SET seq = -1 WHERE seq = 5")
        conn.execute("UPDATE cases SET seq = 5 WHERE seq = 6")
        conn.execute("UPDATE cases SET seq = 6 WHERE seq = -1")
    problems = check_database(db_path)
    assert any("IMP-00004" in p for p in problems) and any("IMP-00005" in p for p in problems)


def test_a_case_row_deleted_outside_the_program_is_found(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        uuid = _uuid(conn, "IMP-00040")
        conn.execute("DELETE FROM lines WHERE case_uuid = ?", (uuid,))
        conn.execute("DELETE FROM cases WHERE uuid = ?", (uuid,))
    problems = check_database(db_path)
    missing = [p for p in problems if "case number 41" in p]
    assert len(missing) == 1 and "audit row 1" in missing[0] and "missing" in missing[0], problems


def test_a_removed_last_case_of_a_batch_stays_missing_after_a_new_case(db_path: Path) -> None:
    """The newest batch's last case removed outside the program: a case added afterwards gets a
    number of its own, so `check` still names the gap and blames no innocent case."""
    with sqlite3.connect(db_path) as conn:
        last, code = conn.execute("SELECT max(seq), case_code FROM cases").fetchone()
        uuid = _uuid(conn, code)
        conn.execute("DELETE FROM lines WHERE case_uuid = ?", (uuid,))
        conn.execute("DELETE FROM cases WHERE uuid = ?", (uuid,))
    with open_store(db_path) as store:
        rng = random.Random(11)
        from gepnet_desktop.case import validate_case

        new = store.create(validate_case(random_case_dict(rng, code="NEW-1")).case)
        seq = store.db.execute("SELECT seq FROM cases WHERE uuid = ?", (new.uuid,)).fetchone()[0]
    assert seq == last + 1
    problems = check_database(db_path)
    assert [p for p in problems if f"case number {last}" in p and "missing" in p], problems
    assert not [p for p in problems if "NEW-1" in p], problems


def test_a_batch_row_edited_or_deleted_is_found(db_path: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(db_path) as conn, sqlite3.connect(other) as dst:
        conn.backup(dst)

    def edit(text: str) -> str:  # one case's digest replaced by another's
        found = json.loads(text)
        found["digests"] = found["digests"][32:64] + found["digests"][32:]
        return json.dumps(found)

    with sqlite3.connect(db_path) as conn:
        rewrite_changes(conn, 1, edit)
    problems = check_database(db_path)
    assert "audit trail is broken at row 1" in problems[0], problems
    assert any("IMP-00000" in p and "audit row 1" in p for p in problems), problems

    with sqlite3.connect(other) as conn:
        conn.execute("DELETE FROM audit WHERE id = 2")
    problems = check_database(other)
    assert "recorded end is another row" in problems[0], problems
    orphans = [p for p in problems if "no audit rows" in p]  # the second batch's cases
    assert orphans and all(int(p.split("IMP-")[1][:5]) >= BATCH for p in orphans), problems


def test_history_of_a_batch_imported_then_edited_case(db_path: Path) -> None:
    store = open_store(db_path)
    case = store.get_by_code("IMP-00004")
    assert case is not None
    imported_values = content(case)
    case.notes = "seen at the board"
    case.lines[1].outcome = "completed"
    case.lines[1].end_date = "2022-01-01"
    store.update(case)
    edited = store.get_by_code("IMP-00004")
    assert edited is not None
    edited.lines = edited.lines[:1]
    store.update(edited)
    store.delete(case.uuid or "")
    history = store.history(case.uuid or "")
    store.close()
    assert [e.action for e in history] == ["import", "update", "update", "delete"]
    first = history[0]
    assert (first.revision, first.id, first.user, first.case_uuid) == (1, 1, "tester", case.uuid)
    assert first.changes == audit.diff(None, imported_values)
    assert first.changes["lines"]["new"][1]["outcome"] == "ongoing"
    assert history[1].changes["notes"] == {"old": None, "new": "seen at the board"}
    assert check_database(db_path) == []


def test_a_batch_imported_case_replaced_by_a_newer_revision_verifies(db_path: Path,
                                                                      tmp_path: Path) -> None:
    store = open_store(db_path)
    case = store.get_by_code("IMP-00007")
    assert case is not None
    newer = case.to_dict(meta=True) | {"revision": 5, "notes": "from the registry"}
    report = import_cases(store, _file(tmp_path, [newer]))
    history = store.history(case.uuid or "")
    store.close()
    assert report.replaced == 1
    assert [(e.action, e.revision) for e in history] == [("import", None), ("import", 5)]
    assert history[0].changes == audit.diff(None, content(case))
    assert check_database(db_path) == []


def _old_style_import(store: Store, records: list[dict]) -> None:
    """New cases recorded as imports were before issue 13: a row per case with its record."""
    from gepnet_desktop.case import validate_case

    with write_transaction(store.db):
        for i, record in enumerate(records):
            deleted_at = record.pop("deleted_at", None)
            case = validate_case(record, require_code=True).case
            assert case is not None
            uuid, stamp = f"00000000-0000-4000-8000-{i:012d}", "2024-03-01T10:00:00.000+00:00"
            store._insert(case, uuid=uuid, revision=1, created_at=stamp, updated_at=stamp,
                          deleted_at=deleted_at)
            changes = audit.diff(None, content(case))
            if deleted_at is not None:
                changes["deleted_at"] = {"old": None, "new": deleted_at}
            audit.record(store.db, at=stamp, user=store.user, case_uuid=uuid,
                         action="import", revision=1, changes=changes)


def test_an_older_database_with_a_row_per_imported_case_still_verifies(tmp_path: Path) -> None:
    path = tmp_path / "old" / "gepnet.db"
    store = open_store(path)
    _old_style_import(store, _records(30))
    newer = [r | {"case_code": f"NEW-{i}"} for i, r in enumerate(_records(20, seed=9))]
    import_cases(store, _file(tmp_path, newer))
    old = store.get_by_code("IMP-00004")
    assert old is not None
    assert [e.action for e in store.history(old.uuid or "")] == ["import"]
    counts = store.db.execute("SELECT count(*), count(case_uuid) FROM audit").fetchone()
    store.close()
    assert tuple(counts) == (31, 30)  # 30 per-case rows, then one batch
    assert check_database(path) == []
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE cases SET ecog = 9 WHERE case_code = 'IMP-00002'")
    assert any("IMP-00002" in p and "ecog" in p for p in check_database(path))


def test_cases_history_reads_the_same_for_a_batch_imported_case(tmp_path: Path,
                                                               data_dir: Path, capsys) -> None:
    records = _records(8)
    path = _file(tmp_path, records)
    assert main(["import", str(path)]) == 0
    capsys.readouterr()
    old_db = tmp_path / "old" / "gepnet.db"
    store = open_store(old_db)
    _old_style_import(store, _records(8))
    store.close()
    for code in ("IMP-00003", "IMP-00004", "IMP-00006"):
        assert main(["cases", "history", code]) == 0
        new_text = capsys.readouterr().out
        assert main(["cases", "history", code, "--json"]) == 0
        new = json.loads(capsys.readouterr().out)
        assert main(["--data-dir", str(old_db.parent), "cases", "history", code, "--json"]) == 0
        old = json.loads(capsys.readouterr().out)
        strip = ("id", "at", "case_uuid", "user")
        assert [{k: v for k, v in e.items() if k not in strip} for e in new] == \
            [{k: v for k, v in e.items() if k not in strip} for e in old]
        entry = new[0]
        assert new_text == (f"{entry['at']}  {entry['user']}  import  revision 1: "
                            f"{', '.join(entry['changes'])}\n")


def _indexes(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                            "ORDER BY name").fetchall()


def test_a_large_import_rebuilds_the_indexes_it_dropped(imported: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh" / "gepnet.db"
    open_store(fresh).close()
    assert len(_indexes(fresh)) > 3 and _indexes(fresh) == _indexes(imported)


def test_a_failed_large_import_keeps_every_index(tmp_path: Path) -> None:
    path = tmp_path / "failed" / "gepnet.db"
    store = open_store(path)
    before = _indexes(path)
    records = _records(50)
    records[-1]["primary_site"] = "nowhere"
    with pytest.raises(ImportFailed):
        import_cases(store, _file(tmp_path, records))
    store.close()
    assert _indexes(path) == before and check_database(path) == []


@pytest.mark.parametrize("tamper", ["UPDATE cases SET sex = 'other' WHERE uuid = ?",
                                    "UPDATE cases SET notes = 'x' WHERE uuid = ?",
                                    "UPDATE cases SET revision = 9 WHERE uuid = ?",
                                    "DELETE FROM lines WHERE position = 2 AND case_uuid = ?"])
def test_a_case_edited_after_its_import_then_changed_outside_is_named_once(
        db_path: Path, tamper: str) -> None:
    store = open_store(db_path)
    case = store.get_by_code("IMP-00004")
    assert case is not None
    case.notes, case.ecog = "first edit", 2
    store.update(case)
    store.close()
    assert check_database(db_path) == []
    with sqlite3.connect(db_path) as conn:
        conn.execute(tamper, (case.uuid,))
    problems = check_database(db_path)
    assert len(problems) == 1 and "IMP-00004" in problems[0], problems
