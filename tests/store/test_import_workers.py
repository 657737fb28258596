"""An import prepared by worker processes (issue 13): the same report, the same problems and
the same stored rows as one prepared in the importing process; a worker that cannot be used
leaves the work to the importing process."""

from __future__ import annotations

import json
import logging
import random
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from gepnet_desktop.case import Case
from gepnet_desktop.case.decision import BoardDecision, Snapshot
from gepnet_desktop.case.sample import random_case_dict
from gepnet_desktop.clinic import open_clinic
from gepnet_desktop.pathway import default_pathway, evaluate
from gepnet_desktop.store import (
    CaseQuery,
    ImportFailed,
    Store,
    check_database,
    export_cases,
    import_cases,
)

from .helpers import first_letter, open_store

STAMP = "2026-03-01T09:00:00.000+00:00"
SNAP = Snapshot("kr-gepnet-2021", "2.0.0", "ssa_first_line", ("lanreotide", "octreotide_lar"))


def first_letter_factory() -> tuple[Any, str]:
    """The test store's recommendation, as a worker makes it again."""
    return first_letter, "test@1"


def another_pathway_factory() -> tuple[Any, str]:
    """A recommendation whose label is not the store's: its workers must not be used."""
    return (lambda case: "node_wrong"), "other@2"


def broken_factory() -> tuple[Any, str]:
    """A worker that cannot start (its pathway file gone, say)."""
    raise RuntimeError("the pathway cannot be loaded")


def _store(path: Path, factory: Any = first_letter_factory) -> Store:
    store = open_store(path)
    store.recommend_factory = factory
    return store


def _records(n: int, seed: int, prefix: str) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [random_case_dict(rng, code=f"{prefix}-{i:05d}") for i in range(n)]


def _write(path: Path, records: list[dict[str, Any]], layout: str = "export") -> Path:
    """The records as a JSON file: laid out as export writes it, or all on one line."""
    text = _export_layout(records) if layout == "export" else json.dumps(records,
                                                                         ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def _base(tmp_path: Path) -> tuple[Path, list[dict[str, Any]]]:
    """A database of 40 cases (one of them deleted), and their export."""
    db = tmp_path / "base" / "gepnet.db"
    store = _store(db)
    import_cases(store, _write(tmp_path / "base.json", _records(40, 1, "OLD")), workers=0)
    victim = store.get_by_code("OLD-00003")
    store.delete(victim.uuid)
    export_cases(store, tmp_path / "export.json", include_deleted=True)
    store.close()
    return db, json.loads((tmp_path / "export.json").read_text(encoding="utf-8"))


def _mixed_file(tmp_path: Path, exported: list[dict[str, Any]], layout: str = "export"
                ) -> Path:
    """New cases (some with their own uuid, stamps, a deleted_at, board decisions) and stored
    ones at a higher, the same and a lower revision."""
    records = _records(700, 2, "NEW")
    records[5] |= {"uuid": "0f6c1a52-3b9e-4f3e-9a51-2d3c4b5a6f70", "revision": 4,
                   "created_at": STAMP, "updated_at": STAMP}
    records[6]["deleted_at"] = STAMP
    records[7]["board_decisions"] = [BoardDecision("2025-03-02", "lanreotide", SNAP).to_dict()]
    newer = dict(exported[0], revision=exported[0]["revision"] + 1, notes="seen again")
    deleted_newer = next(r for r in exported if r["case_code"] == "OLD-00003")
    deleted_newer = dict(deleted_newer, revision=deleted_newer["revision"] + 1, ecog=1)
    older = dict(exported[1], revision=0 + 1, notes="older")  # same revision, other content
    same = dict(exported[2])
    for extra in (newer, deleted_newer, older, same):
        extra.pop("deleted_at", None)
    records[100:100] = [newer, older]
    records[400:400] = [same, deleted_newer]
    return _write(tmp_path / "mixed.json", records, layout)


def _copy(db: Path, folder: Path) -> Path:
    target = folder / "gepnet.db"
    target.parent.mkdir(parents=True)
    shutil.copy(db, target)
    return target


def _stored(db: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The cases' and lines' rows by case code, without what an import gives anew each time
    (a new case's uuid, its stamps when the record has none, the audit's row times)."""
    conn = sqlite3.connect(db)
    try:
        cols = [r[1] for r in conn.execute("PRAGMA table_info(cases)")
                if r[1] not in ("uuid", "seq", "created_at", "updated_at")]
        cases = conn.execute(f"SELECT {', '.join(cols)}, uuid = '0f6c1a52-3b9e-4f3e-9a51-"
                             "2d3c4b5a6f70' FROM cases ORDER BY case_code").fetchall()
        lines = conn.execute("SELECT c.case_code, l.* FROM lines l JOIN cases c ON "
                             "c.uuid = l.case_uuid ORDER BY c.case_code, l.position").fetchall()
        return cases, [line[:1] + line[2:] for line in lines]
    finally:
        conn.close()


def _import_into(db: Path, source: Path, workers: int, factory: Any = first_letter_factory
                 ) -> str:
    store = _store(db, factory)
    try:
        return import_cases(store, source, workers=workers).summary()
    finally:
        store.close()


@pytest.mark.parametrize("layout", ["export", "one line"])
def test_workers_give_the_same_report_and_rows_as_the_importing_process(
        tmp_path: Path, layout: str) -> None:
    db, exported = _base(tmp_path)
    source = _mixed_file(tmp_path, exported, layout)
    here, there = _copy(db, tmp_path / "here"), _copy(db, tmp_path / "there")
    report_here = _import_into(here, source, workers=0)
    report_there = _import_into(there, source, workers=2)
    assert report_there == report_here
    assert "704 records read; 700 added, 1 replaced by a newer revision, 1 replaced but still " \
        "deleted, 1 already present" in report_here
    cases_here, lines_here = _stored(here)
    cases_there, lines_there = _stored(there)
    assert len(cases_there) == 40 + 700 and cases_there == cases_here
    assert lines_there == lines_here and lines_there
    assert check_database(there) == []  # the audit trail proves each imported case
    store = _store(there)
    try:  # the search text, copied in one statement after a large import, and on a replace
        assert [r.case_code for r in store.search(CaseQuery(text="seen again"))] == \
            ["OLD-00000"]
        assert [r.case_code for r in store.search(CaseQuery(text="NEW-00123"))] == \
            ["NEW-00123"]
    finally:
        store.close()


@pytest.mark.parametrize("layout", ["export", "one line"])
def test_workers_report_the_same_problems_and_nothing_is_written(tmp_path: Path,
                                                                 layout: str) -> None:
    db, _ = _base(tmp_path)
    records = _records(600, 3, "BAD")
    records[10]["ki67_percent"] = 150
    records[20]["case_code"] = "BAD-00011"  # the code of record 12 as well
    records[30]["case_code"] = "OLD-00007"  # a stored case's code
    records[40]["deleted_at"] = "yesterday"
    records[50]["uuid"] = "NOT-A-UUID"
    records[60]["board_decisions"] = "follows"
    records[599]["ecog"] = 9
    source = _write(tmp_path / "bad.json", records, layout)
    problems = []
    for workers, folder in ((0, "here"), (2, "there")):
        target = _copy(db, tmp_path / folder)
        with pytest.raises(ImportFailed) as failed:
            _import_into(target, source, workers=workers)
        problems.append([str(p) for p in failed.value.problems])
        conn = sqlite3.connect(target)
        assert conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 40
        conn.close()
    assert problems[1] == problems[0]
    fields = " ".join(problems[0])
    for expected in ("record 11 (BAD-00010): ki67_percent", "record 21 (BAD-00011): case_code",
                     "record 31 (OLD-00007): case_code", "record 41 (BAD-00040): deleted_at",
                     "record 51 (BAD-00050): uuid", "record 61 (BAD-00060): board_decisions",
                     "record 600 (BAD-00599): ecog"):
        assert expected in fields


def test_workers_of_another_pathway_are_not_used(tmp_path: Path, caplog) -> None:
    db, exported = _base(tmp_path)
    source = _mixed_file(tmp_path, exported)
    here, there = _copy(db, tmp_path / "here"), _copy(db, tmp_path / "there")
    _import_into(here, source, workers=0)
    with caplog.at_level(logging.WARNING, logger="gepnet_desktop.store.import_workers"):
        _import_into(there, source, workers=1, factory=another_pathway_factory)
    assert "pathway is not the store's" in caplog.text
    assert _stored(there) == _stored(here)
    conn = sqlite3.connect(there)
    assert conn.execute("SELECT count(*) FROM cases WHERE recommendation_node = "
                        "'node_wrong'").fetchone()[0] == 0
    conn.close()


def test_the_clinics_workers_store_the_pathways_recommendation(tmp_path: Path) -> None:
    store = open_clinic(tmp_path / "clinic" / "gepnet.db", new=True, user="tester")
    try:
        assert store.recommend_factory is not None
        import_cases(store, _write(tmp_path / "c.json", _records(300, 4, "CL")), workers=2)
        rows = store.db.execute("SELECT case_code, recommendation_node, "
                                "recommend_label FROM cases").fetchall()
        assert len(rows) == 300 and all(label is not None for _, _, label in rows)
        pathway = default_pathway()
        for code, node, _ in rows:
            case: Case = store.get_by_code(code)
            expected = evaluate(case, pathway, explain_steps=False, with_access=False)
            assert node == expected.recommendation_node, code
        assert not store.has_stale()
    finally:
        store.close()


def test_a_cancelled_import_with_workers_writes_nothing_and_the_next_one_works(
        tmp_path: Path) -> None:
    from gepnet_desktop.store import Cancelled

    source = _write(tmp_path / "c.json", _records(1500, 5, "CAN"))
    store = _store(tmp_path / "db" / "gepnet.db")
    calls: list[int] = []

    def cancel_at_the_third_tick(done: int, total: int) -> bool:
        calls.append(done)
        return len(calls) < 3

    try:
        with pytest.raises(Cancelled):
            import_cases(store, source, progress=cancel_at_the_third_tick, workers=2)
        assert store.db.execute("SELECT count(*) FROM cases").fetchone()[0] == 0
        assert store.db.execute("SELECT count(*) FROM audit").fetchone()[0] == 0
        assert import_cases(store, source, workers=2).added == 1500
    finally:
        store.close()


def _export_layout(records: list[dict[str, Any]]) -> str:
    """A JSON array as export writes it: "[", one object a line, "]"."""
    return "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n]\n"


@pytest.mark.parametrize("layout", ["one line", "indented", "two a line", "blank lines"])
def test_any_json_layout_imports_as_the_exports_does(tmp_path: Path, layout: str) -> None:
    records = _records(300, 6, "LAY")
    texts = {"one line": json.dumps(records), "indented": json.dumps(records, indent=2),
             "two a line": "[\n" + ",\n".join(
                 json.dumps(records[i]) + ", " + json.dumps(records[i + 1])
                 for i in range(0, 300, 2)) + "\n]",
             "blank lines": _export_layout(records).replace(",\n", ",\n\n", 1)}
    reports, stored = [], []
    for name, text in (("export", _export_layout(records)), (layout, texts[layout])):
        source = tmp_path / f"{name}.json"
        source.write_text(text, encoding="utf-8")
        db = tmp_path / name / "gepnet.db"
        store = _store(db)
        try:
            reports.append(import_cases(store, source, workers=1).summary()
                           .replace(str(source), "FILE"))
        finally:
            store.close()
        stored.append(_stored(db))
    assert reports[1] == reports[0] and "300 added" in reports[0]
    assert stored[1] == stored[0]


@pytest.mark.parametrize("workers", [0, 1])
def test_a_broken_line_of_an_export_is_named_as_json_reads_it(tmp_path: Path,
                                                              workers: int) -> None:
    from gepnet_desktop.store import StoreError

    lines = _export_layout(_records(50, 7, "BRK")).splitlines()
    lines[31] = lines[31].replace('"case_code"', '"case_code"::', 1)  # record 31, line 32
    source = tmp_path / "broken.json"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(source.read_text(encoding="utf-8"))
    store = _store(tmp_path / "db" / "gepnet.db")
    try:
        with pytest.raises(StoreError) as failed:
            import_cases(store, source, workers=workers)
        assert f"line {expected.value.lineno}, column {expected.value.colno}" in str(failed.value)
        assert expected.value.lineno == 32
        assert store.db.execute("SELECT count(*) FROM cases").fetchone()[0] == 0
    finally:
        store.close()


@pytest.mark.parametrize("workers", [0, 2])
def test_a_csv_row_that_cannot_be_read_still_reports_the_rows_before_it(
        tmp_path: Path, workers: int) -> None:
    db, _ = _base(tmp_path)
    target = _copy(db, tmp_path / "here")
    store = _store(target)
    try:
        export_cases(store, tmp_path / "all.csv")
    finally:
        store.close()
    header, *rows = (tmp_path / "all.csv").read_text(encoding="utf-8-sig").splitlines()
    columns = header.split(",")
    fresh = [row.split(",") for row in rows]
    for cells in fresh:  # the same cases as new ones: no uuid, no revision
        cells[columns.index("uuid")] = cells[columns.index("revision")] = ""
    for i, cells in enumerate(fresh):
        cells[columns.index("case_code")] = "OLD-00005" if i == 700 % len(fresh) else f"CSV-{i}"
    lines = [header, *(",".join(cells) for cells in fresh), 'CSV-X,"never closed']
    source = tmp_path / "broken.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = _store(target)
    try:
        with pytest.raises(ImportFailed) as failed:
            import_cases(store, source, workers=workers)
    finally:
        store.close()
    text = str(failed.value)
    assert "OLD-00005 is already used" in text  # a row buffered when the reading stopped
    assert f"row {len(lines)}" in text and "not well-formed CSV" in text


def test_workers_that_cannot_start_leave_the_work_to_the_importing_process(
        tmp_path: Path, caplog) -> None:
    db, exported = _base(tmp_path)
    source = _mixed_file(tmp_path, exported)
    here, there = _copy(db, tmp_path / "here"), _copy(db, tmp_path / "there")
    report_here = _import_into(here, source, workers=0)
    with caplog.at_level(logging.INFO, logger="gepnet_desktop.store.import_workers"):
        report_there = _import_into(there, source, workers=2, factory=broken_factory)
    assert "a worker process failed; preparing here" in caplog.text
    assert "import: 0 records prepared by 2 worker processes" in caplog.text
    assert report_there == report_here and _stored(there) == _stored(here)


@pytest.mark.parametrize("workers", [0, 2])
def test_a_case_with_board_decisions_and_a_code_in_use_is_refused_whole(
        tmp_path: Path, workers: int) -> None:
    db, _ = _base(tmp_path)
    records = _records(300, 8, "DEC")
    records[150] |= {"case_code": "OLD-00009",
                     "board_decisions": [BoardDecision("2025-03-02", "lanreotide", SNAP).to_dict()]}
    target = _copy(db, tmp_path / "here")
    with pytest.raises(ImportFailed) as failed:
        _import_into(target, _write(tmp_path / "dec.json", records), workers=workers)
    assert [str(p) for p in failed.value.problems] == [
        "record 151 (OLD-00009): case_code: OLD-00009 is already used by another case; "
        "choose another code."]
    conn = sqlite3.connect(target)
    assert conn.execute("SELECT count(*) FROM board_decisions").fetchone()[0] == 0
    conn.close()
