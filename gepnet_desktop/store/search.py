"""The case list: what to list (CaseQuery), its rows (CaseRow), and the SQL that finds them.

Pages are keyset pages (`search_page`, `iter_rows`): each walks the index of migration 8 that
serves its filter together with its sort, from the key of the row before. Text search uses the
trigram index over the search text (3 characters or more) or a scan of it (shorter).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Any

from sqlite_utils import Database

from ..case.fields import LIST_COLUMNS
from .errors import StoreError

SORT_COLUMNS = LIST_COLUMNS  # the list sorts by each of its columns
# CaseQuery.recommendation for the cases whose walk stops for missing data: no recommendation
# is stored for them, but one was computed (a row never computed, or whose computation failed,
# has no recommend_label either, and is not one of them).
NEEDS_DATA = "needs_data"
MIN_FTS_CHARS = 3  # the trigram index finds substrings of 3 characters or more
# A text search either walks the sort column's index testing each case against the matches, or
# starts from the matches and sorts them; walking one case costs about WALK_FACTOR times as much
# as taking and sorting one match (measured by benchmarks/store.py at 100,000 cases).
WALK_FACTOR = 0.15


@dataclass
class CaseQuery:
    """What to list; every given criterion must hold (AND)."""

    text: str = ""  # part of the case_code, or text in the notes
    site: str | None = None
    grade: str | None = None  # a who_grade: G1, G2, G3, NEC, MiNEN
    recommendation: str | None = None  # a pathway node id, or NEEDS_DATA
    include_deleted: bool = False
    sort: str = "updated_at"  # one of SORT_COLUMNS
    descending: bool = True


@dataclass(frozen=True)
class CaseRow:
    """One line of the case list."""

    uuid: str
    case_code: str
    primary_site: str | None
    who_grade: str | None
    recommendation_node: str | None
    updated_at: str
    revision: int
    deleted_at: str | None
    stale: bool = False  # the recommendation comes from another pathway version (recomputing)


# The row's stored columns in CaseRow's order (every LIST_COLUMNS is one); `stale` is derived.
ROW_SELECT = ", ".join(f.name for f in fields(CaseRow) if f.name != "stale")


RowKey = tuple[Any, str]  # (sort value, case code) of a row: the next page starts after it
_NULLABLE = frozenset({"primary_site", "who_grade", "recommendation_node"})
_FILTERS = (("primary_site", "site"), ("who_grade", "grade"),
            ("recommendation_node", "recommendation"))


def row_key(row: CaseRow, query: CaseQuery) -> RowKey:
    """Where the page after `row` starts, in the order of `query`."""
    return (getattr(row, _sort_column(query)), row.case_code)


def search_page(db: Database, query: CaseQuery, after: RowKey | None = None,
                limit: int = 200, *, skip: int = 0, label: int | None = None) -> list[CaseRow]:
    """The `limit` rows after the row whose key is `after` (None: from the first row), first
    passing over `skip` of them; sorted as the query says, ties broken by case code.

    A keyset page: each query walks the index of its filter and sort from the key, so the
    cost is that of the rows read, never of the rows before them. A sort column that may be
    empty is read in two parts (the empty ones sort first ascending, last descending), each a
    range of its index. `label` is the current pathway label's id (a row computed by another
    is marked stale); None marks none.
    """
    if limit <= 0:
        return []
    sort = _sort_column(query)
    direction = "DESC" if query.descending else "ASC"
    order = (f"ORDER BY case_code {direction}" if sort == "case_code"
             else f"ORDER BY {sort} {direction}, case_code {direction}")
    where, params = _where(query, for_page=True, walk_sort_index=_walk(db, query, skip + limit))
    where = where.removeprefix("WHERE ")
    rows: list[CaseRow] = []
    parts = _parts(sort, query.descending)
    if after is not None:
        parts = parts[parts.index(_part_of(sort, after)):]
    for part in parts:
        key, key_params = _key_clause(sort, part, after, query.descending)
        after = None  # the key holds in its own part only; the later ones start at their top
        clause = " AND ".join(c for c in (where, key) if c)
        sql_where = f"WHERE {clause}" if clause else ""
        found = db.execute(f"SELECT {ROW_SELECT}, recommend_label FROM cases {sql_where} "
                           f"{order} LIMIT ? OFFSET ?",
                           (*params, *key_params, limit - len(rows), skip)).fetchall()
        rows += [list_row(r, label) for r in found]
        if len(rows) >= limit:
            break
        if skip and not found:  # the part held fewer rows than skipped: pass over them all
            skip -= min(skip, db.execute(f"SELECT count(*) FROM cases {sql_where}",
                                         (*params, *key_params)).fetchone()[0])
        else:
            skip = 0
    return rows


def iter_pages(db: Database, query: CaseQuery, batch: int = 1000, *,
               label: int | None = None) -> Iterator[list[CaseRow]]:
    """Every row the query matches, in its order, a keyset page at a time (memory stays flat;
    the first rows come before the last are read)."""
    after: RowKey | None = None
    while page := search_page(db, query, after, batch, label=label):
        yield page
        if len(page) < batch:
            return
        after = row_key(page[-1], query)


def list_row(found: tuple[Any, ...], label: int | None) -> CaseRow:
    """A CaseRow from the columns of ROW_SELECT and the row's label id (`label`: the current
    pathway's)."""
    # the stored columns (ROW_SELECT, CaseRow's order), then `stale` from the label id
    return CaseRow(*found[:-1], stale=label is not None and found[-1] != label)  # type: ignore[misc]


def _walk(db: Database, query: CaseQuery, wanted: int) -> bool:
    """With a text search, whether to walk the sort column's index testing each case against
    the matches (many matches) rather than start from the matches and sort them (few)."""
    text = (query.text or "").strip()
    if not text:
        return False
    sub, sub_params = _text_matches(text)
    cases = db.execute("SELECT coalesce(max(seq), 0) FROM cases").fetchone()[0]
    # Walk when matches * matches > WALK_FACTOR * wanted * cases: the matches are counted only
    # up to that bound (a common word at 1,000,000 cases is not counted to the end).
    enough = math.isqrt(int(WALK_FACTOR * wanted * cases)) + 1
    matches = db.execute(f"SELECT count(*) FROM ({sub} LIMIT ?)",
                         [*sub_params, enough]).fetchone()[0]
    return bool(matches >= enough)


def _sort_column(query: CaseQuery) -> str:
    """The column that orders the rows: the query's sort, or the case code when a filter
    holds the sort column to one value (the index of that filter is then in code order)."""
    if query.sort not in SORT_COLUMNS:
        raise StoreError(f"sort: {query.sort!r} is not a column of the case list; allowed: "
                         f"{', '.join(SORT_COLUMNS)}.")
    for column, attr in _FILTERS:
        if column == query.sort and getattr(query, attr) is not None:
            return "case_code"
    return query.sort


def _parts(sort: str, descending: bool) -> list[bool | None]:
    """The parts a sort reads in order: None (one part), True (empty values), False (others)."""
    if sort not in _NULLABLE:
        return [None]
    return [False, True] if descending else [True, False]


def _part_of(sort: str, key: RowKey) -> bool | None:
    return None if sort not in _NULLABLE else key[0] is None


def _key_clause(sort: str, part: bool | None, after: RowKey | None,
                descending: bool) -> tuple[str, list[Any]]:
    """The condition of one part, and of the rows after the key within it."""
    beyond = "<" if descending else ">"
    if part is True:
        if after is None:
            return f"{sort} IS NULL", []
        return f"{sort} IS NULL AND case_code {beyond} ?", [after[1]]
    if after is None:
        return (f"{sort} IS NOT NULL" if part is False else ""), []
    if sort == "case_code":
        return f"case_code {beyond} ?", [after[1]]
    return f"({sort}, case_code) {beyond} (?, ?)", [after[0], after[1]]


def count_rows(db: Database, query: CaseQuery) -> int:
    """How many cases the query matches."""
    where, params = _where(query)
    return int(db.execute(f"SELECT count(*) FROM cases {where}", params).fetchone()[0])


def _text_matches(text: str) -> tuple[str, list[Any]]:
    """A subquery of the `seq` of cases whose code or notes contain `text` (any case).

    3 characters or more: the trigram index. Shorter: a scan of the narrow case_text table.
    """
    if len(text) >= MIN_FTS_CHARS:
        return ("SELECT rowid FROM case_text_fts WHERE case_text_fts MATCH ?",
                ['"' + text.replace('"', '""') + '"'])
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return ("SELECT seq FROM case_text WHERE case_code LIKE ? ESCAPE '\\' "
            "OR notes LIKE ? ESCAPE '\\'", [pattern, pattern])


def _where(query: CaseQuery, *, for_page: bool = False,
           walk_sort_index: bool = False) -> tuple[str, list[Any]]:
    """The WHERE clause of a query.

    For a page, the deleted_at index is kept out of the plan (the unary +), so SQLite walks the
    sort column's index and stops after one page. With a text search, `walk_sort_index` keeps
    walking that index (testing each case against the matches: best when matches are many);
    otherwise the plan starts from the matches and sorts them (best when they are few).
    """
    clauses: list[str] = []
    params: list[Any] = []
    text = (query.text or "").strip()
    if not query.include_deleted:  # a count of a text search starts from the matches too
        clauses.append("+deleted_at IS NULL" if for_page or text else "deleted_at IS NULL")
    for column, value in (("primary_site", query.site), ("who_grade", query.grade),
                          ("recommendation_node", query.recommendation)):
        if value == NEEDS_DATA and column == "recommendation_node":
            clauses.append("recommendation_node IS NULL AND recommend_label IS NOT NULL")
        elif value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if text:
        sub, sub_params = _text_matches(text)
        clauses.append(f"{'+' if walk_sort_index else ''}seq IN ({sub})")
        params += sub_params
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


__all__ = ["NEEDS_DATA", "ROW_SELECT", "SORT_COLUMNS", "CaseQuery", "CaseRow", "RowKey",
           "count_rows", "iter_pages", "row_key", "search_page"]
