"""Export and import: exact round trips, all-or-nothing imports, the uuid rules."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gepnet_desktop.case import validate_case
from gepnet_desktop.store import (
    Cancelled,
    CaseQuery,
    ImportFailed,
    Store,
    StoreError,
    export_cases,
    import_cases,
)
from gepnet_desktop.store.exchange import CSV_COLUMNS
from tests.strategies import valid_cases

from .helpers import make_case, open_store, random_cases


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = open_store(tmp_path / "one" / "gepnet.db")
    yield s
    s.close()


def fill(store: Store, n: int = 60) -> None:
    for case in random_cases(n):
        store.create(case)
    awkward = make_case("Q,\"x\"", notes='commas, "quotes",\nnew lines;\tand 한국어 text')
    store.create(awkward)
    deleted = store.create(make_case("GONE-1"))
    store.delete(deleted.uuid)
    edited = store.get_by_code("R-00001")
    edited.notes = "edited once"
    store.update(edited)


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_import_export_gives_identical_files(tmp_path: Path, store: Store,
                                                    fmt: str) -> None:
    fill(store)
    first = tmp_path / f"first.{fmt}"
    assert export_cases(store, first) == 61  # the deleted case is not exported
    empty = open_store(tmp_path / "two" / "gepnet.db")
    report = import_cases(empty, first)
    assert (report.total, report.added, report.conflicts) == (61, 61, [])
    second = tmp_path / f"second.{fmt}"
    export_cases(empty, second)
    assert first.read_bytes() == second.read_bytes()
    original = store.get_by_code("R-00001")
    copy = empty.get(original.uuid)
    assert copy == original and copy.revision == 2
    assert empty.search(CaseQuery(text="edited"))[0].uuid == original.uuid
    empty.close()


def test_json_export_is_a_list_of_case_objects(tmp_path: Path, store: Store) -> None:
    fill(store, 5)
    path = tmp_path / "cases.json"
    export_cases(store, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [d["case_code"] for d in data] == sorted(d["case_code"] for d in data)
    for obj in data:
        assert {"uuid", "revision", "created_at", "updated_at", "who_grade"} <= set(obj)
        assert validate_case(obj, require_code=True).ok


def test_csv_carries_lines_as_json_and_comorbidities_separated(tmp_path: Path,
                                                               store: Store) -> None:
    store.create(make_case("L-1", comorbidities=["heart_failure", "dpd_deficiency"],
                           lines=[{"regimen": "lanreotide", "outcome": "progression"},
                                  {"regimen": "prrt_lu177", "outcome": "ongoing",
                                   "start_date": "2024-02-01"}]))
    path = tmp_path / "cases.csv"
    export_cases(store, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert rows[0]["comorbidities"] == "heart_failure;dpd_deficiency"
    lines = json.loads(rows[0]["lines"])
    assert [line["regimen"] for line in lines] == ["lanreotide", "prrt_lu177"]
    assert rows[0]["bulk_symptoms"] == "false" and rows[0]["sex"] == ""


def test_a_hand_written_csv_imports(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "new.csv"
    path.write_text("case_code,primary_site,differentiation,ki67_percent,bulk_symptoms,"
                    "comorbidities,lines,ecog\n"
                    "N-1,pancreas,well,12,TRUE,heart_failure; dpd_deficiency,,1\n"
                    "N-2,rectum,,,,,\"[{\"\"regimen\"\":\"\"everolimus\"\",\"\"outcome\"\":"
                    "\"\"ongoing\"\"}]\",\n", encoding="utf-8")
    report = import_cases(store, path)
    assert report.added == 2
    one = store.get_by_code("N-1")
    assert (one.ki67_percent, one.bulk_symptoms, one.ecog) == (12, True, 1)
    assert one.comorbidities == ["heart_failure", "dpd_deficiency"]
    assert store.get_by_code("N-2").lines[0].regimen == "everolimus"
    assert [e.action for e in store.history(one.uuid)] == ["import"]


@pytest.mark.parametrize(("text", "row"), [
    ('case_code,notes\nA-1,fine\nB-2,"never closed\nC-3,swallowed\n', "row 3"),
    ('case_code\n"A-1\n', "row 2"),  # was read as the code "A-1" + a new line
    ('case_code,notes\n"A-1"x,text after the closing quote\n', "row 2"),
])
def test_a_malformed_csv_is_refused_naming_the_row(tmp_path: Path, store: Store, text: str,
                                                   row: str) -> None:
    path = tmp_path / "malformed.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFailed) as info:
        import_cases(store, path)
    [problem] = info.value.problems
    assert problem.position == row and problem.field == "row"
    assert "not well-formed CSV" in str(info.value) and "nothing was imported" in str(info.value)
    assert store.count(CaseQuery(include_deleted=True)) == 0


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_cells_that_look_like_spreadsheet_formulas_round_trip_unchanged(
        tmp_path: Path, store: Store, fmt: str) -> None:
    risky = {"=1+1": "@SUM(A1:A9)", "+82-10": "-5 mg daily", "@home": "=HYPERLINK(\"x\")"}
    for code, note in risky.items():
        store.create(make_case(code, notes=note))
    first = tmp_path / f"first.{fmt}"
    export_cases(store, first)
    other = open_store(tmp_path / "other" / "gepnet.db")
    import_cases(other, first)
    assert {r.case_code: other.get(r.uuid).notes
            for r in other.search(CaseQuery(), limit=10)} == risky  # no prefix added or kept
    second = tmp_path / f"second.{fmt}"
    export_cases(other, second)
    assert first.read_bytes() == second.read_bytes()
    other.close()


def test_one_bad_record_among_thousands_writes_nothing(tmp_path: Path, store: Store) -> None:
    store.create(make_case("KEEP-1"))
    counter = store.change_counter()
    records = [c.to_dict() for c in random_cases(2000)]
    records[1233]["ki67_percent"] = "high"
    path = tmp_path / "big.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    with pytest.raises(ImportFailed) as info:
        import_cases(store, path)
    assert [(p.position, p.case_code, p.field) for p in info.value.problems] == [
        ("record 1234", "R-01234", "ki67_percent")]
    message = str(info.value)
    assert "record 1234 (R-01234): ki67_percent" in message and "nothing was imported" in message
    assert store.count(CaseQuery(include_deleted=True)) == 1
    assert store.change_counter() == counter


def test_every_error_is_listed_with_its_row(tmp_path: Path, store: Store) -> None:
    store.create(make_case("TAKEN"))
    path = tmp_path / "bad.csv"
    header = "case_code,ki67_percent,sex,lines,sstr_heterogeneous\n"
    path.write_text(header +
                    "OK-1,5,F,,\n"
                    "BAD-1,abc,F,,\n"
                    "BAD-2,5,X,,maybe\n"
                    "BAD-3,5,F,[not json,\n"
                    "TAKEN,5,F,,\n"
                    "OK-1,5,F,,\n"
                    "BAD-4,5\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as info:
        import_cases(store, path)
    found = {(p.position, p.case_code, p.field) for p in info.value.problems}
    assert found == {("row 3", "BAD-1", "ki67_percent"), ("row 4", "BAD-2", "sex"),
                     ("row 4", "BAD-2", "sstr_heterogeneous"), ("row 5", "BAD-3", "lines"),
                     ("row 6", "TAKEN", "case_code"), ("row 7", "OK-1", "case_code"),
                     ("row 8", None, "row")}
    text = str(info.value)
    assert '"abc" is not a number' in text and "TAKEN is already used" in text
    assert "the same case code as row 2" in text
    assert store.count(CaseQuery()) == 1


def test_unknown_csv_columns_are_refused(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "cols.csv"
    path.write_text("case_code,ki67,ki67\nA,1,2\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as info:
        import_cases(store, path)
    assert {(p.position, p.field) for p in info.value.problems} == {("row 1", "ki67")}
    assert "unknown column" in str(info.value) and "the column appears twice" in str(info.value)


def test_unreadable_files_give_a_sentence(tmp_path: Path, store: Store) -> None:
    with pytest.raises(StoreError, match="no such file"):
        import_cases(store, tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text('[{"case_code": "A"', encoding="utf-8")
    with pytest.raises(StoreError, match=r"not valid JSON \(line 1"):
        import_cases(store, broken)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("case_code,notes\nA,caf\xe9\n".encode("latin-1"))
    with pytest.raises(StoreError, match="not UTF-8"):
        import_cases(store, latin)
    with pytest.raises(StoreError, match="format: 'xml'"):
        export_cases(store, tmp_path / "x.xml", fmt="xml")


def test_uuid_rules_newer_replaces_older_skips_same_conflicts(tmp_path: Path,
                                                              store: Store) -> None:
    a = store.create(make_case("A-1"))
    b = store.create(make_case("B-1"))
    c = store.create(make_case("C-1"))
    d = store.create(make_case("D-1"))
    b.notes = "rev 2 in the database"
    b = store.update(b)

    newer = a.to_dict(meta=True) | {"revision": 5, "notes": "from the other workstation"}
    older = b.to_dict(meta=True) | {"revision": 1, "notes": "stale copy"}
    clash = c.to_dict(meta=True) | {"notes": "same revision, other content"}
    same = d.to_dict(meta=True)
    fresh = make_case("E-1").to_dict()
    path = tmp_path / "merge.json"
    path.write_text(json.dumps([newer, older, clash, same, fresh]), encoding="utf-8")

    report = import_cases(store, path)
    assert (report.added, report.replaced, report.unchanged) == (1, 1, 1)
    assert [n.case_code for n in report.skipped_older] == ["B-1"]
    assert [(n.position, n.case_code, n.uuid) for n in report.conflicts] == [
        ("record 3", "C-1", c.uuid)]
    assert "notes" in report.conflicts[0].message and "C-1" in report.summary()

    replaced = store.get(a.uuid)
    assert (replaced.revision, replaced.notes) == (5, "from the other workstation")
    assert store.get(b.uuid).notes == "rev 2 in the database"
    assert store.get(c.uuid).notes is None
    assert store.get_by_code("E-1").revision == 1
    history = store.history(a.uuid)
    assert history[-1].action == "import"
    assert history[-1].changes == {"notes": {"old": None, "new": "from the other workstation"}}


def test_a_newer_revision_of_a_deleted_case_is_reported_still_deleted(tmp_path: Path,
                                                                      store: Store) -> None:
    gone = store.create(make_case("GONE-1"))
    store.delete(gone.uuid)
    newer = gone.to_dict(meta=True) | {"revision": 3, "notes": "edited elsewhere"}
    path = tmp_path / "newer.json"
    path.write_text(json.dumps([newer]), encoding="utf-8")
    report = import_cases(store, path)
    assert report.replaced == 0
    assert [(n.case_code, n.uuid) for n in report.replaced_still_deleted] == [
        ("GONE-1", gone.uuid)]
    assert "1 replaced but still deleted" in report.summary()
    assert "record 1 (GONE-1)" in report.summary() and "restore" in report.summary()
    assert store.get(gone.uuid) is None  # still deleted: the import does not restore it
    kept = store.get(gone.uuid, include_deleted=True)
    assert (kept.revision, kept.notes) == (3, "edited elsewhere")


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_with_deleted_cases_round_trips_and_keeps_them_deleted(
        tmp_path: Path, store: Store, fmt: str) -> None:
    fill(store)
    first = tmp_path / f"first.{fmt}"
    assert export_cases(store, first, include_deleted=True) == 62
    gone = store.get_by_code("GONE-1", include_deleted=True)
    empty = open_store(tmp_path / "two" / "gepnet.db")
    report = import_cases(empty, first)
    assert (report.added, report.conflicts) == (62, [])
    assert empty.get(gone.uuid) is None and empty.is_deleted(gone.uuid)
    assert empty.row(gone.uuid).deleted_at == store.row(gone.uuid).deleted_at
    assert empty.get(gone.uuid, include_deleted=True) == gone
    assert empty.count(CaseQuery()) == 61
    second = tmp_path / f"second.{fmt}"
    export_cases(empty, second, include_deleted=True)
    assert first.read_bytes() == second.read_bytes()
    plain = tmp_path / f"plain.{fmt}"
    export_cases(empty, plain)  # without deleted cases: as before, no deleted_at at all
    assert b"deleted_at" not in plain.read_bytes() and b"GONE-1" not in plain.read_bytes()
    empty.close()


def test_import_keeps_the_database_s_deleted_state_of_a_known_case(tmp_path: Path,
                                                                  store: Store) -> None:
    live = store.create(make_case("LIVE-1"))
    record = live.to_dict(meta=True) | {"revision": 2, "notes": "newer",
                                        "deleted_at": "2024-05-01T09:30:00.000+00:00"}
    path = tmp_path / "marked.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    report = import_cases(store, path)
    assert report.replaced == 1 and store.get(live.uuid).notes == "newer"  # not deleted here
    assert [n.case_code for n in report.deleted_elsewhere] == ["LIVE-1"]
    assert "Deleted in the file but not in this database" in report.summary()


def test_a_bad_deleted_at_is_named(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("case_code,deleted_at\nA-1,yesterday\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"row 2 \(A-1\): deleted_at: 'yesterday' is not"):
        import_cases(store, path)
    assert store.count(CaseQuery(include_deleted=True)) == 0


def test_the_same_uuid_twice_in_a_file_is_an_error(tmp_path: Path, store: Store) -> None:
    uuid = "0f6c1a52-3b9e-4f3e-9a51-2d3c4b5a6f70"
    one = make_case("A-1").to_dict() | {"uuid": uuid, "revision": 1}
    two = make_case("A-2").to_dict() | {"uuid": uuid, "revision": 2}
    path = tmp_path / "twice.json"
    path.write_text(json.dumps([one, two]), encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"record 2 \(A-2\): uuid: the same uuid as record 1"):
        import_cases(store, path)


def test_cancelled_import_writes_nothing(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "cases.json"
    path.write_text(json.dumps([c.to_dict() for c in random_cases(500)]), encoding="utf-8")
    calls: list[tuple[int, int]] = []

    def cancel_while_writing(done: int, total: int) -> bool:
        calls.append((done, total))
        return done < total // 2  # the records are checked and written as they are read

    with pytest.raises(Cancelled, match="nothing was written"):
        import_cases(store, path, progress=cancel_while_writing)
    size = path.stat().st_size
    assert calls[-1][0] >= size // 2 and calls[-1][1] == size and len(calls) >= 2
    assert store.count(CaseQuery(include_deleted=True)) == 0


def test_a_cancel_that_comes_after_the_commit_does_not_claim_nothing_was_written(
        tmp_path: Path, store: Store) -> None:
    path = tmp_path / "cases.json"
    path.write_text(json.dumps([c.to_dict() for c in random_cases(3)]), encoding="utf-8")
    finals: list[int] = []

    def cancel_once_the_work_is_done(done: int, total: int) -> bool:
        # Cancel is pressed while the last report is on its way: the import has committed.
        if done == total:
            finals.append(done)
        return len(finals) < 2

    report = import_cases(store, path, progress=cancel_once_the_work_is_done)
    assert report.added == 3 and len(finals) == 2
    assert store.count(CaseQuery()) == 3


def test_cancelled_export_leaves_no_file(tmp_path: Path, store: Store) -> None:
    fill(store, 300)
    target = tmp_path / "out"
    target.mkdir()
    with pytest.raises(Cancelled):
        export_cases(store, target / "cases.csv", progress=lambda done, total: done < 200)
    assert list(target.iterdir()) == []
    seen: list[tuple[int, int]] = []
    assert export_cases(store, target / "cases.csv",
                        progress=lambda d, t: seen.append((d, t)) or True) == 301
    assert seen[-1] == (301, 301)
    assert [p.name for p in target.iterdir()] == ["cases.csv"]


def test_an_export_of_an_empty_database_imports(tmp_path: Path, store: Store) -> None:
    for fmt in ("json", "csv"):
        path = tmp_path / f"empty.{fmt}"
        assert export_cases(store, path) == 0
        assert import_cases(store, path).total == 0


notes = st.one_of(st.none(), st.text(min_size=1, max_size=60).filter(
    str.strip))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(valid_cases(), notes), min_size=1, max_size=4))
def test_any_valid_cases_round_trip_through_csv_and_json(tmp_path_factory, items) -> None:
    base = tmp_path_factory.mktemp("rt")
    source = Store.open(base / "a.db")
    for i, (data, note) in enumerate(items):
        data = data | {"case_code": f"H-{i}", "notes": note}
        source.create(validate_case(data, require_code=True).case)
    for fmt in ("json", "csv"):
        first = base / f"1.{fmt}"
        export_cases(source, first)
        target = Store.open(base / f"b-{fmt}.db")
        import_cases(target, first)
        second = base / f"2.{fmt}"
        export_cases(target, second)
        assert first.read_bytes() == second.read_bytes()
        for case in source.iter_cases():
            assert target.get(case.uuid) == case
        target.close()
    source.close()
