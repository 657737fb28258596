"""The repository API against a real SQLite file: writes, locking, soft delete, search."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest

from gepnet_desktop.case import Line
from gepnet_desktop.store import (
    NEEDS_DATA,
    CaseQuery,
    ConflictError,
    DatabaseBusy,
    DuplicateCodeError,
    NotFoundError,
    Store,
    StoreError,
    ValidationFailed,
)
from gepnet_desktop.store.search import row_key

from .helpers import make_case, open_store, random_cases


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = open_store(tmp_path / "gepnet.db")
    yield s
    s.close()


def test_create_returns_the_stored_copy(store: Store) -> None:
    case = make_case("A-001", notes="first visit", comorbidities=["heart_failure"],
                     sstr_heterogeneous=True,
                     lines=[{"regimen": "lanreotide", "outcome": "progression",
                             "start_date": "2022-01-01", "end_date": "2023-01-01"},
                            {"regimen": "everolimus", "outcome": "ongoing"}])
    saved = store.create(case)
    assert saved.uuid and saved.revision == 1
    assert saved.created_at == saved.updated_at
    assert saved.to_dict() == case.to_dict()
    assert store.get(saved.uuid) == saved
    assert store.get_by_code("A-001") == saved
    assert [line.regimen for line in saved.lines] == ["lanreotide", "everolimus"]
    assert saved.sstr_heterogeneous is True and saved.comorbidities == ["heart_failure"]
    row = store.search(CaseQuery())[0]
    assert (row.case_code, row.who_grade, row.recommendation_node, row.revision) == (
        "A-001", "G2", "node_jejunum_ileum", 1)


def test_invalid_case_is_refused_naming_the_field(store: Store) -> None:
    counter = store.change_counter()
    bad = make_case("A-001")
    bad.ki67_percent = 180
    with pytest.raises(ValidationFailed) as info:
        store.create(bad)
    assert [p.field for p in info.value.problems] == ["ki67_percent"]
    assert "ki67_percent" in str(info.value) and "0 to 100" in str(info.value)
    no_code = make_case("X")
    no_code.case_code = None
    with pytest.raises(ValidationFailed, match="case_code: is required"):
        store.create(no_code)
    assert store.count(CaseQuery(include_deleted=True)) == 0
    assert store.change_counter() == counter


def test_case_codes_are_unique(store: Store) -> None:
    first = store.create(make_case("A-001"))
    with pytest.raises(DuplicateCodeError, match="A-001 is already used"):
        store.create(make_case("A-001"))
    second = store.create(make_case("A-002"))
    second.case_code = "A-001"
    with pytest.raises(DuplicateCodeError):
        store.update(second)
    store.delete(first.uuid)
    with pytest.raises(DuplicateCodeError, match="deleted case"):
        store.create(make_case("A-001"))


def test_update_bumps_the_revision_and_records_field_changes(store: Store) -> None:
    saved = store.create(make_case("A-001"))
    saved.ki67_percent = 25
    saved.lines = [Line("captem", "ongoing")]
    updated = store.update(saved)
    assert updated.revision == 2 and updated.ki67_percent == 25
    assert updated.updated_at >= saved.updated_at
    assert store.search(CaseQuery())[0].who_grade == "G3"
    entries = store.history(saved.uuid)
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].user == "tester" and entries[1].revision == 2
    assert entries[1].changes["ki67_percent"] == {"old": 4.0, "new": 25.0}
    assert entries[1].changes["lines"]["new"][0]["regimen"] == "captem"
    assert set(entries[1].changes) == {"ki67_percent", "lines"}
    assert entries[0].changes["case_code"] == {"old": None, "new": "A-001"}


def test_saving_without_changes_keeps_the_revision(store: Store) -> None:
    saved = store.create(make_case("A-001"))
    counter = store.change_counter()
    again = store.update(saved.copy())
    assert again == saved
    assert len(store.history(saved.uuid)) == 1
    assert store.change_counter() == counter


def test_a_stale_revision_is_a_conflict_not_an_overwrite(tmp_path: Path, store: Store) -> None:
    saved = store.create(make_case("A-001"))
    other = open_store(tmp_path / "gepnet.db", user="colleague")
    theirs = other.get(saved.uuid)
    theirs.notes = "colleague's change"
    other.update(theirs)
    mine = saved.copy()
    mine.ki67_percent = 9
    with pytest.raises(ConflictError) as info:
        store.update(mine)
    assert "colleague" in str(info.value) and "revision 1" in str(info.value)
    current = store.get(saved.uuid)
    assert current.ki67_percent == 4 and current.notes == "colleague's change"
    other.close()


def test_soft_delete_and_restore(store: Store) -> None:
    saved = store.create(make_case("A-001"))
    store.create(make_case("A-002"))
    store.delete(saved.uuid)
    assert store.get(saved.uuid) is None
    assert store.get(saved.uuid, include_deleted=True) is not None
    assert store.get_by_code("A-001") is None
    assert store.is_deleted(saved.uuid)
    assert [r.case_code for r in store.search(CaseQuery())] == ["A-002"]
    rows = store.search(CaseQuery(include_deleted=True, sort="case_code", descending=False))
    assert [(r.case_code, r.deleted_at is not None) for r in rows] == [("A-001", True),
                                                                      ("A-002", False)]
    with pytest.raises(ConflictError, match="deleted"):
        store.update(saved)
    store.restore(saved.uuid)
    assert store.get(saved.uuid) == saved
    assert [e.action for e in store.history(saved.uuid)] == ["create", "delete", "restore"]
    with pytest.raises(NotFoundError):
        store.delete("no-such-uuid")


def test_update_of_an_unknown_case_is_refused(store: Store) -> None:
    case = make_case("A-001")
    with pytest.raises(NotFoundError, match="not been saved"):
        store.update(case)
    case.uuid, case.revision = "not-in-this-file", 1
    with pytest.raises(NotFoundError, match="not in this database"):
        store.update(case)


def test_change_counter_grows_with_writes_from_any_connection(tmp_path: Path,
                                                              store: Store) -> None:
    other = open_store(tmp_path / "gepnet.db")
    start = store.change_counter()
    saved = other.create(make_case("A-001"))
    assert store.change_counter() > start
    mid = store.change_counter()
    store.delete(saved.uuid)
    assert other.change_counter() > mid
    other.close()


def test_search_filters_sorts_and_pages(store: Store) -> None:
    cases = random_cases(120)
    for case in cases:
        store.create(case)
    live = {c.case_code: c for c in cases}
    assert store.count(CaseQuery()) == 120

    by_code = CaseQuery(sort="case_code", descending=False)
    rows = store.search(by_code, limit=50)
    rows += store.search(by_code, row_key(rows[-1], by_code), 50)
    rows += store.search(by_code, row_key(rows[-1], by_code), 50)
    assert [r.case_code for r in rows] == sorted(live)
    assert store.search(by_code, limit=3, skip=50) == rows[50:53]

    site = next(c.primary_site for c in cases if c.primary_site)
    got = store.search(CaseQuery(site=site, sort="case_code", descending=False), limit=500)
    assert [r.case_code for r in got] == sorted(c.case_code for c in cases
                                                if c.primary_site == site)
    assert store.count(CaseQuery(site=site)) == len(got)

    grade = next(c.who_grade for c in cases if c.who_grade)
    got = store.search(CaseQuery(grade=grade), limit=500)
    assert {r.case_code for r in got} == {c.case_code for c in cases if c.who_grade == grade}

    node = f"node_{site}"
    assert store.count(CaseQuery(recommendation=node)) == sum(c.primary_site == site
                                                              for c in cases)
    both = CaseQuery(site=site, grade=grade)
    assert store.count(both) == sum(c.primary_site == site and c.who_grade == grade
                                    for c in cases)

    for sort in ("primary_site", "who_grade", "recommendation_node", "updated_at"):
        for descending in (False, True):
            got = store.search(CaseQuery(sort=sort, descending=descending), limit=500)
            keys = [(getattr(r, sort) or "", r.case_code) for r in got]
            assert keys == sorted(keys, reverse=descending), sort
    with pytest.raises(StoreError, match="sort: 'ki67' is not a column"):
        store.search(CaseQuery(sort="ki67"))


def test_text_search_in_codes_and_notes(store: Store) -> None:
    store.create(make_case("SNU-0001", notes="Liver metastases on MRI"))
    store.create(make_case("SNU-0002", notes="간 전이 확인, 100% \"quoted\" text_here"))
    store.create(make_case("AMC-0003"))

    def codes(text: str) -> list[str]:
        return sorted(r.case_code for r in store.search(CaseQuery(text=text)))

    assert codes("SNU") == ["SNU-0001", "SNU-0002"]
    assert codes("0003") == ["AMC-0003"]
    assert codes("metastases") == ["SNU-0001"]
    assert codes("LIVER") == ["SNU-0001"]  # case-insensitive
    assert codes("간 전이") == ["SNU-0002"]
    assert codes('"quoted"') == ["SNU-0002"]
    assert codes("100%") == ["SNU-0002"]
    assert codes("t_h") == ["SNU-0002"]  # LIKE wildcards are taken literally
    assert codes("%") == ["SNU-0002"]
    assert codes("1") == ["SNU-0001", "SNU-0002"]
    assert codes("nothing like it") == []
    assert codes("   ") == ["AMC-0003", "SNU-0001", "SNU-0002"]
    assert store.count(CaseQuery(text="SNU", site="jejunum_ileum")) == 2
    saved = store.get_by_code("SNU-0001")
    saved.notes = "no longer the same words"
    store.update(saved)
    assert codes("metastases") == []
    assert codes("same words") == ["SNU-0001"]


def test_refresh_derived_recomputes_rows_of_another_pathway_version(tmp_path: Path) -> None:
    path = tmp_path / "g.db"
    first = open_store(path, recommend_version="pathway@1")
    for case in random_cases(30):
        first.create(case)
    first.close()
    calls: list[str] = []

    def recommend(case):  # a new pathway version recommends differently
        calls.append(case.case_code)
        return "new_node"

    second = Store.open(path, recommend=recommend, recommend_version="pathway@2")
    assert second.stale_count() == 30
    seen: list[tuple[int, int]] = []
    assert second.refresh_derived(progress=lambda d, t: seen.append((d, t)) or True,
                                  batch=10) == 30
    assert seen == [(10, 30), (20, 30), (30, 30)]
    assert second.count(CaseQuery(recommendation="new_node")) == 30
    assert second.stale_count() == 0 and second.refresh_derived() == 0
    assert len(calls) == 30
    second.close()


def test_needs_data_selects_the_cases_whose_walk_stops(tmp_path: Path) -> None:
    path = tmp_path / "g.db"
    store = open_store(path)  # the stand-in recommends nothing for a case without a site
    for i in range(3):
        store.create(make_case(f"S-{i}"))
    stopped = [store.create(make_case(f"N-{i}", primary_site=None)) for i in range(4)]
    store.delete(stopped[0].uuid)
    store.close()

    def broken(case):
        raise RuntimeError("pathway bug")

    failing = Store.open(path, recommend=broken, recommend_version="test@1")
    failing.create(make_case("F-1", primary_site=None))  # no recommendation computed yet
    failing.close()

    store = open_store(path)
    try:
        query = CaseQuery(recommendation=NEEDS_DATA, sort="case_code", descending=False)
        rows = store.search(query)
        assert [r.case_code for r in rows] == ["N-1", "N-2", "N-3"]
        assert all(r.recommendation_node is None for r in rows)
        assert store.count(query) == 3
        assert store.count(replace(query, include_deleted=True)) == 4
        assert [r.case_code for r in store.search(query, limit=1, skip=1)] == ["N-2"]
        assert [r.case_code for r in store.search(replace(query, text="N-3"))] == ["N-3"]
        assert store.count(replace(query, grade="G2")) == 3  # Ki-67 4%
        assert store.count(replace(query, grade="G3")) == 0
        assert store.refresh_derived() == 1  # once computed, F-1 is one of them
        assert store.count(query) == 4
    finally:
        store.close()


def test_a_failing_recommendation_does_not_block_saving(tmp_path: Path) -> None:
    def broken(case):
        raise RuntimeError("pathway bug")

    store = Store.open(tmp_path / "g.db", recommend=broken, recommend_version="v")
    saved = store.create(make_case("A-001"))
    assert store.search(CaseQuery())[0].recommendation_node is None
    assert store.stale_count() == 1  # retried at the next refresh
    assert saved.revision == 1
    store.close()


def test_a_busy_database_gives_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "g.db"
    holder = open_store(path)
    waiter = open_store(path, busy_timeout=0.05)
    holder.db.execute("BEGIN IMMEDIATE")
    with pytest.raises(DatabaseBusy, match="busy"):
        waiter.create(make_case("A-001"))
    holder.db.execute("ROLLBACK")
    assert waiter.create(make_case("A-001")).revision == 1
    holder.close()
    waiter.close()


def test_stores_in_two_threads_share_the_file(tmp_path: Path) -> None:
    path = tmp_path / "g.db"
    main = open_store(path)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with open_store(path) as mine:
                for case in random_cases(40, prefix="W"):
                    mine.create(case)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=worker)
    thread.start()
    for case in random_cases(40, prefix="M"):
        main.create(case)
    thread.join()
    assert errors == []
    assert main.count(CaseQuery()) == 80
    main.close()


@pytest.mark.parametrize("factor", [0.0, 1e9])  # always walk the sort index / always sort
def test_both_text_search_plans_give_the_same_pages(store: Store, factor: float,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from gepnet_desktop.store import search as search_module

    monkeypatch.setattr(search_module, "WALK_FACTOR", factor)
    made = []
    for i, case in enumerate(random_cases(90)):
        case.notes = "common words" if i % 3 else "rare words, common too"
        made.append(store.create(case))
    store.delete(made[5].uuid)
    expect = sorted(((c.primary_site or "", c.case_code) for c in made[:5] + made[6:]),
                    reverse=True)
    query = CaseQuery(text="common", sort="primary_site")
    pages = [store.search(query, limit=20, skip=offset) for offset in range(0, 100, 20)]
    assert [((r.primary_site or ""), r.case_code) for page in pages for r in page] == expect
    keyed = list(store.iter_rows(query, batch=7))
    assert [((r.primary_site or ""), r.case_code) for r in keyed] == expect
    assert store.count(query) == 89
    rare = store.search(CaseQuery(text="rare", sort="case_code", descending=False), limit=200)
    assert [r.case_code for r in rare] == [c.case_code for i, c in enumerate(made)
                                           if i % 3 == 0 and i != 5]
    short = store.search(CaseQuery(text="on", sort="case_code", descending=False), limit=5,
                         skip=10)
    assert [r.case_code for r in short] == [c.case_code for i, c in enumerate(made)
                                            if i != 5][10:15]
