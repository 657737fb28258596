"""A database of contract 1 (schema 4, 300 cases) in the version of contract 2: it checks as it
is, opens (migrated, the old file copied aside), keeps every field of every case, lists the
recommendations of the pathway in force, exports, and its backup restores into a newer database.

Recommendations are compared with `evaluate` at run time, never written down here: these tests
hold whichever pathway version is in force.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from gepnet_desktop.case import Case
from gepnet_desktop.clinic import open_clinic, recommendation_version
from gepnet_desktop.pathway import default_pathway, evaluate
from gepnet_desktop.store import (
    NEEDS_DATA,
    SCHEMA_VERSION,
    CaseQuery,
    Store,
    backup_database,
    check_database,
    database_summary,
    export_cases,
    import_cases,
    restore_database,
)
from gepnet_desktop.store.exchange_format import CSV_ENCODING

from .contract1 import OLD_NODE, OLD_VERSION, contract1_cases, old_schema_file, schema_4_file
from .helpers import make_case

N = 300


@pytest.fixture(scope="module")
def old_cases() -> list[Case]:
    return contract1_cases(N)


@pytest.fixture
def old_db(data_dir: Path, old_cases: list[Case]) -> Path:
    """The data dir's gepnet.db, as the contract-1 program left it."""
    return schema_4_file(data_dir / "gepnet.db", old_cases)


def user_version(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listed(store: Store, query: CaseQuery | None = None) -> list:
    return list(store.iter_rows(query or CaseQuery(sort="case_code", descending=False), 100))


def expected_nodes(cases: list[Case]) -> dict[str, str | None]:
    """case_code -> the recommendation of the pathway in force."""
    pathway = default_pathway()
    return {c.case_code or "": evaluate(c, pathway).recommendation_node for c in cases}


def assert_same_cases(store: Store, old_cases: list[Case]) -> None:
    """Every field of every case as written at schema 4; every line has no progression date."""
    for old in old_cases:
        new = store.get(old.uuid or "")
        assert new is not None, old.case_code
        before, after = old.to_dict(meta=True), new.to_dict(meta=True)
        assert list(after) == list(before)
        for key, value in before.items():
            if key != "lines":
                assert after[key] == value, (old.case_code, key)
                assert type(after[key]) is type(value) or isinstance(value, int | float), key
        assert len(after["lines"]) == len(before["lines"]), old.case_code
        for i, (a, b) in enumerate(zip(after["lines"], before["lines"], strict=True), 1):
            for key, value in b.items():
                assert a[key] == value, (old.case_code, i, key)
            assert a["progression_date"] is None


def test_the_contract_1_cases_are_realistic(old_cases: list[Case]) -> None:
    outcomes = {line.outcome for c in old_cases for line in c.lines}
    assert outcomes <= {"ongoing", "progression", "toxicity", "completed", "other"}
    assert len(outcomes) == 5 and sum(len(c.lines) for c in old_cases) > N
    assert all(line.progression_date is None for c in old_cases for line in c.lines)


def test_a_schema_4_database_checks_healthy_as_it_is(old_db: Path) -> None:
    before = digest(old_db)
    assert check_database(old_db) == []
    assert database_summary(old_db) == {"schema": 4, "cases": N, "deleted": 0, "audit": N}
    assert digest(old_db) == before and user_version(old_db) == 4  # check changes nothing


def test_it_opens_migrated_keeping_every_field_and_lists_current_recommendations(
        old_db: Path, old_cases: list[Case]) -> None:
    with open_clinic(old_db) as store:
        assert store.schema_version == SCHEMA_VERSION
        copy = store.migrated_copy
        assert copy is not None and user_version(copy) == 4
        assert database_summary(copy)["cases"] == N
        assert_same_cases(store, old_cases)

        expected = expected_nodes(old_cases)
        rows = listed(store)
        assert {r.case_code: r.recommendation_node for r in rows} == expected
        assert store.stale_count() == 0
        version = recommendation_version(default_pathway())
        assert version != OLD_VERSION
        assert store.db.execute("SELECT count(*) FROM cases JOIN pathway_labels l "
                                "ON l.id = recommend_label WHERE l.label = ? "
                                "AND recommendation_node IS NOT ?",
                                (version, OLD_NODE)).fetchone()[0] == N
        assert not any(r.stale for r in rows)
        for node in {*expected.values(), NEEDS_DATA} - {None}:  # the filter, node by node
            want = {code for code, n in expected.items()
                    if n == node or (node == NEEDS_DATA and n is None)}
            got = {r.case_code for r in listed(store, CaseQuery(recommendation=node))}
            assert got == want, node
        assert listed(store, CaseQuery(recommendation=OLD_NODE)) == []
    assert check_database(old_db) == []


def test_opening_without_refresh_leaves_rows_stale_until_refreshed(old_db: Path,
                                                                   old_cases: list[Case]) -> None:
    """The GUI's path: open at once, recompute on a worker."""
    with open_clinic(old_db, refresh=False) as store:
        assert store.stale_count() == N
        assert store.refresh_derived(batch=64) == N
        assert store.stale_count() == 0
        assert {r.case_code: r.recommendation_node for r in listed(store)} == \
            expected_nodes(old_cases)


def test_a_new_contract_2_line_is_saved_in_the_migrated_database(old_db: Path) -> None:
    with open_clinic(old_db) as store:
        case = store.get_by_code("C1-00001")
        assert case is not None
        saved = store.update(make_case(
            "C1-00001", uuid=case.uuid, revision=case.revision, pace="slow_progression",
            lines=[{"regimen": "octreotide_lar", "outcome": "continued_after_progression",
                    "start_date": "2021-01-05", "progression_date": "2022-03-01"},
                   {"regimen": "everolimus", "outcome": "ongoing",
                    "start_date": "2022-03-10"}]))
        assert saved.lines[0].progression_date == "2022-03-01"
        assert saved.lines[0].outcome == "continued_after_progression"
        assert store.row(saved.uuid or "").recommendation_node == \
            evaluate(saved).recommendation_node
    assert check_database(old_db) == []


def test_a_schema_4_backup_restores_into_a_newer_database(
        tmp_path: Path, old_db: Path, old_cases: list[Case]) -> None:
    backup = backup_database(old_db, tmp_path / "usb" / "before-upgrade.db")
    assert user_version(backup) == 4 and user_version(old_db) == 4
    assert check_database(backup) == []

    newer = tmp_path / "newer" / "gepnet.db"
    with open_clinic(newer) as store:
        store.create(make_case("NEW-1"))
    kept = restore_database(newer, backup)
    assert kept is not None and [r.case_code for r in listed(Store.open(kept))] == ["NEW-1"]
    assert user_version(newer) == SCHEMA_VERSION and user_version(backup) == 4
    assert check_database(newer) == []
    with open_clinic(newer) as store:
        assert_same_cases(store, old_cases)
        assert {r.case_code: r.recommendation_node for r in listed(store)} == \
            expected_nodes(old_cases)
        for fmt in ("json", "csv"):
            first = tmp_path / f"export.{fmt}"
            assert export_cases(store, first) == N
            with open_clinic(tmp_path / f"other-{fmt}" / "gepnet.db") as other:
                assert import_cases(other, first).added == N
                second = tmp_path / f"again.{fmt}"
                export_cases(other, second)
            assert second.read_bytes() == first.read_bytes()


def _contract_1_export(path: Path, fmt: str) -> Path:
    """The export `path` as the contract-1 program wrote it: lines without progression_date."""
    out = path.with_name(f"contract1.{fmt}")
    if fmt == "json":
        items = json.loads(path.read_text(encoding="utf-8"))
        for item in items:
            for line in item["lines"]:
                assert line.pop("progression_date") is None
        out.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        return out
    text = path.read_text(encoding=CSV_ENCODING)
    assert text.count(',""progression_date"":null') > N  # more lines than cases
    out.write_text(text.replace(',""progression_date"":null', ""), encoding=CSV_ENCODING)
    assert "progression_date" not in out.read_text(encoding=CSV_ENCODING)
    return out


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_contract_1_export_imports_unchanged(tmp_path: Path, old_db: Path, fmt: str) -> None:
    with open_clinic(old_db) as store:
        export = tmp_path / f"export.{fmt}"
        export_cases(store, export)
        old_export = _contract_1_export(export, fmt)
        report = import_cases(store, old_export)  # the same cases: nothing to do
        assert (report.unchanged, report.added, report.conflicts) == (N, 0, [])
    with open_clinic(tmp_path / "fresh" / "gepnet.db") as fresh:
        assert import_cases(fresh, old_export).added == N
        again = tmp_path / f"again.{fmt}"
        export_cases(fresh, again)
    assert again.read_bytes() == export.read_bytes()


# Files that earlier programs wrote: up to schema 5 (from schema 6 on, the audit rows carry a
# hash chain that only this program writes, so raw rows are not a file anyone had).
@pytest.mark.parametrize("version", range(1, 6))
def test_a_file_of_any_readable_schema_is_healthy_and_opens(tmp_path: Path, version: int,
                                                            old_cases: list[Case]) -> None:
    path = old_schema_file(tmp_path / f"v{version}.db", old_cases[:20], version)
    assert user_version(path) == version
    assert check_database(path) == []
    with open_clinic(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert_same_cases(store, old_cases[:20])
        assert [r.uuid for r in store.search(CaseQuery(text="C1-00007"))] == \
            [old_cases[6].uuid]
    assert check_database(path) == []


def test_check_reports_what_a_file_lacks_of_its_schema(tmp_path: Path,
                                                      old_cases: list[Case]) -> None:
    four = schema_4_file(tmp_path / "four.db", old_cases[:5])
    with sqlite3.connect(four) as conn:
        conn.execute("DROP TRIGGER case_text_insert")
        conn.execute("DROP INDEX cases_search")
    problems = check_database(four)
    assert any("trigger case_text_insert is missing (schema 4)" in p for p in problems)
    assert any("index cases_search is missing (schema 4)" in p for p in problems)

    five = tmp_path / "five.db"
    with open_clinic(five) as store:
        store.create(make_case("X-1"))
    with sqlite3.connect(five) as conn:
        conn.execute("ALTER TABLE lines DROP COLUMN progression_date")
    problems = check_database(five)
    assert len(problems) == 1 and "table lines lacks the column progression_date " \
        f"(schema {SCHEMA_VERSION})" in problems[0], problems
