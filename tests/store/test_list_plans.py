"""The case list's queries on a real database file, judged by SQLite's own plans (EXPLAIN
QUERY PLAN): every filter the window offers with every sort, first page and a keyed page, reads
an index (never a scan of the table): a walk of the sort column's index in the list's order,
or the few matches of a narrow filter from its own index, sorted. Every plan gives the same
pages, and every index of the cases table serves one of these queries."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from gepnet_desktop.store import NEEDS_DATA, SORT_COLUMNS, CaseQuery, Store
from gepnet_desktop.store import search as search_module
from gepnet_desktop.store.cohort import compute_cohort
from gepnet_desktop.store.search import row_key

from .helpers import make_case, open_store, random_cases

N = 400


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    path = tmp_path_factory.mktemp("plans") / "g.db"
    s = open_store(path)
    for case in random_cases(N):
        s.create(case)
    s.create(make_case("Z-NEEDS", primary_site=None))  # the walk stops: needs data
    yield s
    s.close()


def plans(store: Store, action) -> list[tuple[str, list[str]]]:
    """Each SELECT on `cases` that `action` ran, with the lines of its query plan."""
    seen: list[str] = []
    store.db.conn.set_trace_callback(seen.append)
    try:
        result = action()
    finally:
        store.db.conn.set_trace_callback(None)
    out = []
    for sql in seen:
        if sql.lstrip().upper().startswith("SELECT") and "FROM cases" in sql:
            out.append((sql, [r[3] for r in store.db.execute(f"EXPLAIN QUERY PLAN {sql}")]))
    plans.result = result  # type: ignore[attr-defined]
    return out


def filters(store: Store) -> dict[str, dict[str, str]]:
    row = store.search(CaseQuery(), limit=1)[0]
    node = next(r.recommendation_node for r in store.iter_rows(CaseQuery())
                if r.recommendation_node)
    return {"none": {}, "site": {"site": row.primary_site or "pancreas"},
            "grade": {"grade": "G2"}, "recommendation": {"recommendation": node},
            "needs data": {"recommendation": NEEDS_DATA}}


def page_plans(store: Store, query: CaseQuery) -> list[tuple[str, list[str]]]:
    """The plans of the first page and of the page after it."""
    found = plans(store, lambda: store.search(query, limit=20))
    first = plans.result  # type: ignore[attr-defined]
    assert first, query
    found += plans(store, lambda: store.search(query, row_key(first[-1], query), 20))
    return [(sql, lines) for sql, lines in found if sql.lstrip().startswith("SELECT uuid")]


_OWN_INDEX = {"site": "cases_site", "grade": "cases_grade",
              "recommendation": "cases_recommendation", "needs data": "cases_recommendation"}
_SORT_INDEX = {"primary_site": "cases_site", "who_grade": "cases_grade",
               "recommendation_node": "cases_recommendation", "updated_at": "cases_updated"}


def walks(text: str, index: str | None) -> bool:
    """Whether a plan reads the cases through `index`."""
    return any(step.startswith(("SCAN cases USING", "SEARCH cases USING")) and
               step.split(" (")[0].endswith(f"INDEX {index}") for step in text.split(" | "))


def no_table_scan(text: str) -> bool:
    return all("USING" in step for step in text.split(" | ") if step.startswith("SCAN cases"))


@pytest.mark.parametrize("sort,descending", list(itertools.product(SORT_COLUMNS,
                                                                    (False, True))))
def test_every_filter_reads_an_index_in_the_sort_order_or_sorts_few(
        store: Store, sort: str, descending: bool) -> None:
    for name, given in filters(store).items():
        query = CaseQuery(sort=sort, descending=descending, **given)
        found = page_plans(store, query)
        assert found, (name, sort)
        for sql, lines in found:
            text = " | ".join(lines)
            assert no_table_scan(text), (name, sort, sql, text)
            if not given:  # the sort column's index, in the list's order
                assert "TEMP B-TREE" not in text, (name, sort, descending, sql, text)
            elif "TEMP B-TREE" in text:  # only the matches, from the filter's own index
                assert f"SEARCH cases USING INDEX {_OWN_INDEX[name]} " in text, (name, sql, text)
            else:  # the filter's index in code order, or a walk of the sort column's index
                assert walks(text, _OWN_INDEX[name]) or walks(text, _SORT_INDEX.get(sort)), \
                    (name, sql, text)


def test_a_narrow_filter_sorts_its_matches_a_common_one_walks_the_sort_index(
        store: Store) -> None:
    grades = [r.who_grade for r in store.iter_rows(CaseQuery())]
    assert grades.count("G2") < 10
    for sql, lines in page_plans(store, CaseQuery(grade="G2", sort="updated_at")):
        text = " | ".join(lines)
        assert "SEARCH cases USING INDEX cases_grade (who_grade=?)" in text, (sql, text)
        assert "TEMP B-TREE" in text and "cases_updated" not in text, (sql, text)
    common = max(set(grades), key=grades.count)
    assert grades.count(common) > N / 4
    for sql, lines in page_plans(store, CaseQuery(grade=common, sort="updated_at")):
        text = " | ".join(lines)
        assert walks(text, "cases_updated"), (sql, text)
        assert "TEMP B-TREE" not in text and "cases_grade" not in text, (sql, text)


def test_a_walk_tests_the_filters_in_the_sort_index(store: Store) -> None:
    """Each sort column's index holds every filter column and the deleted mark after the case
    code: a walk reads the table only for the rows it keeps (SQLite's deferred seek)."""
    filters_and_mark = {"primary_site", "who_grade", "recommendation_node", "deleted_at"}
    for sort, index in _SORT_INDEX.items():
        held = [r[2] for r in store.db.execute(f"PRAGMA index_info({index})")]
        assert held[:2] == [sort, "case_code"] and set(held[2:]) == filters_and_mark - {sort}
    grades = [r.who_grade for r in store.iter_rows(CaseQuery())]
    common = max(set(grades), key=grades.count)
    walk = CaseQuery(grade=common, site="pancreas")
    for sql, lines in page_plans(store, walk):  # the statements as run, their values inlined
        assert walks(" | ".join(lines), "cases_updated"), lines
        program = [r[1] for r in store.db.execute("EXPLAIN " + sql)]
        assert "DeferredSeek" in program, program


@pytest.mark.parametrize("factor", [None, 0.0, 1e9])
def test_keyed_pages_give_every_row_once_in_order(store: Store, monkeypatch: pytest.MonkeyPatch,
                                                  factor: float | None) -> None:
    if factor is not None:  # always walk the sort index, or always sort the matches
        monkeypatch.setattr(search_module, "WALK_FACTOR", factor)
    for (name, given), sort, descending in itertools.product(
            filters(store).items(), SORT_COLUMNS, (False, True)):
        query = CaseQuery(sort=sort, descending=descending, **given)
        everything = store.search(query, limit=N + 10)
        paged = list(store.iter_rows(query, batch=13))
        assert paged == everything, (name, sort, descending)
        assert len(paged) == store.count(query), (name, sort)
        keys = [("" if getattr(r, sort) is None else getattr(r, sort), r.case_code)
                for r in paged]
        assert keys == sorted(keys, reverse=descending), (name, sort, descending)
        skipped = store.search(query, limit=7, skip=11)
        assert skipped == everything[11:18], (name, sort, descending)


def test_a_text_search_with_many_matches_walks_the_sort_index(store: Store) -> None:
    for sort in SORT_COLUMNS:
        query = CaseQuery(text="R-00", sort=sort)  # every random case
        for sql, lines in page_plans(store, query):
            assert "TEMP B-TREE" not in " | ".join(lines), (sort, sql, lines)


def test_stale_recommendations_are_found_through_the_label_index(tmp_path: Path) -> None:
    path = tmp_path / "g.db"
    with open_store(path) as first:
        for case in random_cases(30):
            first.create(case)
    newer = open_store(path, recommend_version="test@2")
    try:
        for action in (newer.stale_count, newer.has_stale):
            for _sql, lines in plans(newer, action):
                assert all("USING COVERING INDEX cases_label" in line for line in lines
                           if "cases" in line), lines
        assert newer.has_stale() and newer.stale_count() == 30
        rows = newer.search(CaseQuery(), limit=50)
        assert len(rows) == 30 and all(r.stale for r in rows)
        progress = list(newer.refresh_batches(batch=8))
        assert progress == [(8, 30), (16, 30), (24, 30), (30, 30)]
        assert not newer.has_stale() and newer.stale_count() == 0
        assert not any(r.stale for r in newer.search(CaseQuery(), limit=50))
    finally:
        newer.close()


def test_every_index_of_the_cases_table_serves_a_query(store: Store) -> None:
    used = set()
    queries = [CaseQuery(sort=sort, descending=descending, **given)
               for given in filters(store).values() for sort in SORT_COLUMNS
               for descending in (False, True)]
    for query in queries:
        for _sql, lines in page_plans(store, query) + plans(store, lambda q=query:
                                                            store.count(q)):
            used |= {w for line in lines for w in line.split() if w.startswith(
                ("cases_", "sqlite_autoindex_cases"))}
    row = store.search(CaseQuery(), limit=1)[0]
    for action in (store.stale_count, lambda: store.get(row.uuid),
                   lambda: store.get_by_code(row.case_code),
                   lambda: store.search(CaseQuery(text="liver"), limit=5),
                   lambda: list(store.iter_cases()), lambda: compute_cohort(store)):
        for _sql, lines in plans(store, action):
            used |= {w for line in lines for w in line.split() if w.startswith(
                ("cases_", "sqlite_autoindex_cases"))}
    indexes = {r[0] for r in store.db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases'")}
    assert indexes - used == set(), "indexes no query uses"


def test_the_store_s_other_queries_on_cases_read_an_index(store: Store) -> None:
    """The cohort's figures, the cases due for review, the counts of the list, the stale
    recommendations, a case and its lines: no plan scans the cases table itself."""
    from gepnet_desktop.store.cohort import due_for_review

    row = store.search(CaseQuery(), limit=1)[0]
    actions = [lambda: compute_cohort(store), lambda: list(due_for_review(store)),
               store.stale_count, lambda: store.get(row.uuid),
               *(lambda q=q: store.count(q)
                 for q in [CaseQuery(**given) for given in filters(store).values()])]
    seen = 0
    for action in actions:
        for sql, lines in plans(store, action):
            seen += 1
            for line in lines:
                if line.startswith(("SCAN cases", "SCAN c ")) or line == "SCAN c":
                    assert "USING" in line, (sql, lines)
    assert seen >= len(actions)
