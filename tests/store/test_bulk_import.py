"""Streaming bulk import (issue 13): all or nothing whatever the file's size, the WAL given
back after the commit, memory flat in the number of records."""

from __future__ import annotations

import csv
import json
import random
import sqlite3
import tracemalloc
from pathlib import Path

import pytest

from gepnet_desktop.case.sample import random_case_dict
from gepnet_desktop.store import (
    CaseQuery,
    ImportFailed,
    Store,
    check_database,
    export_cases,
    import_cases,
)

from .helpers import open_store


def _records(n: int, seed: int = 13) -> list[dict]:
    rng = random.Random(seed)
    return [random_case_dict(rng, code=f"BULK-{i:06d}") for i in range(n)]


def _write_json(path: Path, records: list[dict]) -> Path:
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = open_store(tmp_path / "db" / "gepnet.db")
    yield s
    s.close()


def test_a_bad_last_record_writes_nothing_and_names_the_case_and_field(
        tmp_path: Path, store: Store) -> None:
    records = _records(1200)
    records[-1]["ki67_percent"] = 150
    with pytest.raises(ImportFailed) as failed:
        import_cases(store, _write_json(tmp_path / "cases.json", records))
    text = str(failed.value)
    assert "record 1200 (BULK-001199): ki67_percent" in text and "150" in text
    assert store.count(CaseQuery(include_deleted=True)) == 0
    assert store.db.execute("SELECT count(*) FROM audit").fetchone()[0] == 0
    assert store.db.execute("SELECT count(*) FROM lines").fetchone()[0] == 0


def test_a_bad_last_csv_row_writes_nothing(tmp_path: Path, store: Store) -> None:
    import_cases(store, _write_json(tmp_path / "cases.json", _records(700)))
    exported = tmp_path / "good.csv"
    export_cases(store, exported)
    with exported.open(encoding="utf-8-sig", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    target = tmp_path / "bad.csv"
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for i, row in enumerate(rows):  # the same cases as new ones, the last one wrong
            cells = dict(zip(header, row, strict=True)) | {"uuid": "", "revision": "",
                                                          "case_code": f"NEW-{i}"}
            if i == len(rows) - 1:
                cells["ecog"] = "7"
            writer.writerow([cells[k] for k in header])
    before = store.db.execute("SELECT count(*) FROM audit").fetchone()[0]
    with pytest.raises(ImportFailed, match=r"row 701 \(NEW-699\): ecog"):
        import_cases(store, target)
    assert store.count(CaseQuery(include_deleted=True)) == 700
    assert store.db.execute("SELECT count(*) FROM audit").fetchone()[0] == before


def test_an_import_commits_every_record_checks_healthy_and_truncates_the_wal(
        tmp_path: Path, store: Store) -> None:
    report = import_cases(store, _write_json(tmp_path / "cases.json", _records(1500)))
    assert report.added == 1500 and report.total == 1500
    assert store.count(CaseQuery()) == 1500
    wal = store.path.with_name(store.path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    store.close()
    assert check_database(store.path) == []  # the chain and every case's trail hold
    with sqlite3.connect(store.path) as conn:
        codes = [r[0] for r in conn.execute("SELECT case_code FROM cases ORDER BY seq")]
    assert codes == [f"BULK-{i:06d}" for i in range(1500)]  # file order kept


def _import_peak(tmp_path: Path, n: int) -> int:
    source = _write_json(tmp_path / f"cases-{n}.json", _records(n, seed=n))
    with open_store(tmp_path / f"db-{n}" / "gepnet.db") as store:
        tracemalloc.start()
        try:
            assert import_cases(store, source).added == n
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


def test_import_memory_stays_flat_in_the_number_of_records(tmp_path: Path) -> None:
    _import_peak(tmp_path, 50)  # the pathway, the modules: loaded once before measuring
    small, large = _import_peak(tmp_path, 400), _import_peak(tmp_path, 4000)
    assert large < 3 * small, (small, large)  # ten times the records, far from ten times
