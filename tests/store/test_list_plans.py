"""The case list's queries on a real database file, judged by SQLite's own plans (EXPLAIN
QUERY PLAN): every filter the window offers with every sort, first page and a keyed page, walks
an index in the list's order (never a sort of the matches, never a scan of the table), and
every index of the cases table serves one of these queries."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from gepnet_desktop.store import NEEDS_DATA, SORT_COLUMNS, CaseQuery, Store
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


@pytest.mark.parametrize("sort,descending", list(itertools.product(SORT_COLUMNS,
                                                                    (False, True))))
def test_every_filter_walks_an_index_in_the_sort_order(store: Store, sort: str,
                                                      descending: bool) -> None:
    for name, given in filters(store).items():
        query = CaseQuery(sort=sort, descending=descending, **given)
        found = page_plans(store, query)
        assert found, (name, sort)
        for sql, lines in found:
            text = " | ".join(lines)
            assert "TEMP B-TREE" not in text, (name, sort, descending, sql, text)
            assert "SCAN cases" not in text or "USING INDEX" in text or \
                "USING COVERING INDEX" in text, (name, sort, sql, text)
            if given:  # a filter is a range of an index, not a walk of every row
                assert "SEARCH cases USING INDEX" in text or \
                    "SEARCH cases USING COVERING INDEX" in text, (name, sort, sql, text)


def test_keyed_pages_give_every_row_once_in_order(store: Store) -> None:
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
                   lambda: list(store.iter_cases())):
        for _sql, lines in plans(store, action):
            used |= {w for line in lines for w in line.split() if w.startswith(
                ("cases_", "sqlite_autoindex_cases"))}
    indexes = {r[0] for r in store.db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases'")}
    assert indexes - used == set(), "indexes no query uses"
