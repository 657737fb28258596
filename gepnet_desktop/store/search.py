"""The case list: what to list (CaseQuery), its rows (CaseRow), and the SQL that finds them.

Sorting and filtering use the indexes of migrations 2 and 4; text search the trigram index
over the search text (3 characters or more) or a scan of it (shorter).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from sqlite_utils import Database

from ..case.fields import LIST_COLUMNS
from .errors import StoreError

SORT_COLUMNS = LIST_COLUMNS  # the list sorts by each of its columns
# CaseQuery.recommendation for the cases whose walk stops for missing data: no recommendation
# is stored for them, but one was computed (a row never computed, or whose computation failed,
# has no recommend_version either, and is not one of them).
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


# The row's columns in CaseRow's order (CaseRow(*row) reads them so); every LIST_COLUMNS is one.
ROW_SELECT = ", ".join(f.name for f in fields(CaseRow))


def search_rows(db: Database, query: CaseQuery, offset: int = 0,
                limit: int = 200) -> list[CaseRow]:
    """One page of the case list, sorted as the query says (ties broken by case code)."""
    if limit <= 0:
        return []
    order = _order_by_clause(query)
    walk = False
    text = (query.text or "").strip()
    if text:
        sub, sub_params = _text_matches(text)
        matches = db.execute(f"SELECT count(*) FROM ({sub})", sub_params).fetchone()[0]
        if matches == 0:
            return []
        cases = db.execute("SELECT coalesce(max(seq), 0) FROM cases").fetchone()[0]
        walk = matches * matches > WALK_FACTOR * (offset + limit) * cases
    where, params = _where(query, for_page=True, walk_sort_index=walk)
    rows = db.execute(f"SELECT {ROW_SELECT} FROM cases {where} {order} LIMIT ? OFFSET ?",
                      (*params, limit, max(0, offset))).fetchall()
    return [CaseRow(*r) for r in rows]


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
    if not query.include_deleted:
        clauses.append("+deleted_at IS NULL" if for_page else "deleted_at IS NULL")
    for column, value in (("primary_site", query.site), ("who_grade", query.grade),
                          ("recommendation_node", query.recommendation)):
        if value == NEEDS_DATA and column == "recommendation_node":
            clauses.append("recommendation_node IS NULL AND recommend_version IS NOT NULL")
        elif value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    text = (query.text or "").strip()
    if text:
        sub, sub_params = _text_matches(text)
        clauses.append(f"{'+' if walk_sort_index else ''}seq IN ({sub})")
        params += sub_params
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


def _order_by_clause(query: CaseQuery) -> str:
    if query.sort not in SORT_COLUMNS:
        raise StoreError(f"sort: {query.sort!r} is not a column of the case list; allowed: "
                         f"{', '.join(SORT_COLUMNS)}.")
    direction = "DESC" if query.descending else "ASC"
    if query.sort == "case_code":
        return f"ORDER BY case_code {direction}"
    return f"ORDER BY {query.sort} {direction}, case_code {direction}"


__all__ = ["NEEDS_DATA", "ROW_SELECT", "SORT_COLUMNS", "CaseQuery", "CaseRow", "count_rows",
           "search_rows"]
