"""The case list: what to list (CaseQuery), its rows (CaseRow), and the SQL that finds them.

Pages are keyset pages (`search_page`, `iter_rows`) from the key of the row before: few
matches of a filter or text are taken from their own index and sorted, many are found walking
the sort column's index (`_plan`). Text search uses the trigram index over the search text
(3 characters or more) or a scan of it (shorter).
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
# A page either walks the sort column's index testing each case against the criteria, or starts
# from the matches of one criterion (a filter, or the text) and sorts them; walking one case
# costs about WALK_FACTOR times as much as taking and sorting one match (measured by
# benchmarks/store.py at 100,000 cases).
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
# The index of each filter and of each sort: (column, case_code, the other filter columns,
# deleted_at), migration 10.
_FILTER_INDEX = {"primary_site": "cases_site", "who_grade": "cases_grade",
                 "recommendation_node": "cases_recommendation"}
_SORT_INDEX = {**_FILTER_INDEX, "updated_at": "cases_updated"}


def row_key(row: CaseRow, query: CaseQuery) -> RowKey:
    """Where the page after `row` starts, in the order of `query`."""
    return (getattr(row, _sort_column(query)), row.case_code)


def search_page(db: Database, query: CaseQuery, after: RowKey | None = None,
                limit: int = 200, *, skip: int = 0, label: int | None = None) -> list[CaseRow]:
    """The `limit` rows after the row whose key is `after` (None: from the first row), first
    passing over `skip` of them; sorted as the query says, ties broken by case code.

    A keyset page from the key on, by the plan `_plan` chooses: the few matches of a filter
    (or text) taken from its own index and sorted, or a walk of the sort column's index testing
    each row's filters in the index (it holds them; the table is read for the rows kept only).
    Its worst case, matches clustered at the far end of the sort order, is one pass over that
    index (about 100 ms at 1,000,000 cases; benchmarks/list_plans.py). A sort column that may
    be empty is read in two parts (the empty ones sort first ascending, last descending), each a
    range of its index. `label` is the current pathway label's id (a row computed by another
    is marked stale); None marks none.
    """
    if limit <= 0:
        return []
    sort = _sort_column(query)
    driver, walk = _plan(db, query, sort, skip + limit)
    rows: list[CaseRow] = []
    parts = _parts(sort, query.descending)
    if after is not None:
        parts = parts[parts.index(_part_of(sort, after)):]
    for part in parts:
        key_after, after = after, None  # the key holds in its own part; later ones start at top
        found = _read(db, query, sort, part, key_after, None if walk else driver,
                      limit - len(rows), skip)
        if skip and not found:  # the part held fewer rows than skipped: pass over them all
            skip -= min(skip, _count_part(db, query, sort, part, key_after))
        else:
            skip = 0
        rows += [list_row(r, label) for r in found]
        if len(rows) >= limit:
            break
    return rows


def _read(db: Database, query: CaseQuery, sort: str, part: bool | None, after: RowKey | None,
          driver: str | None, limit: int, skip: int = 0) -> list[tuple[Any, ...]]:
    """Rows of one part after the key: from the matches of `driver` (a filter column, or
    "text"), sorted; None: along the sort column's index, each row tested."""
    where, params = _where(query, driver=driver or "")
    key, key_params = _key_clause(sort, part, after, query.descending)
    clause = " AND ".join(c for c in (where, key) if c)
    # a filter's matches through its index; the text's by seq (SQLite's choice)
    index = _FILTER_INDEX.get(driver) if driver else _SORT_INDEX.get(sort)
    indexed = f" INDEXED BY {index}" if index else ""
    return list(db.execute(
        f"SELECT {ROW_SELECT}, recommend_label FROM cases{indexed} "
        f"{'WHERE ' + clause if clause else ''} {_order(sort, query.descending)} "
        "LIMIT ? OFFSET ?", (*params, *key_params, limit, skip)).fetchall())


def _count_part(db: Database, query: CaseQuery, sort: str, part: bool | None,
                after: RowKey | None) -> int:
    where, params = _where(query)
    key, key_params = _key_clause(sort, part, after, query.descending)
    clause = " AND ".join(c for c in (where.removeprefix("WHERE "), key) if c)
    return int(db.execute(f"SELECT count(*) FROM cases {'WHERE ' + clause if clause else ''}",
                          (*params, *key_params)).fetchone()[0])


def _order(sort: str, descending: bool) -> str:
    direction = "DESC" if descending else "ASC"
    return (f"ORDER BY case_code {direction}" if sort == "case_code"
            else f"ORDER BY {sort} {direction}, case_code {direction}")


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


def _plan(db: Database, query: CaseQuery, sort: str, wanted: int) -> tuple[str | None, bool]:
    """How to read a page: (driver, walk). The driver is the criterion with the fewest
    matches (a filter column, or "text"; None: no criterion). Walk (True): along the sort
    column's index testing each row, best when matches are many; otherwise from the driver's
    matches, sorted (their index is in code order: a sort by case code is never a walk)."""
    criteria = _criteria(query)
    if not criteria:
        return None, True
    cases = db.execute("SELECT coalesce(max(seq), 0) FROM cases").fetchone()[0]
    # Walk when matches * matches > WALK_FACTOR * wanted * cases: each driver's matches are
    # counted only up to that bound (a common value at 1,000,000 cases is not counted through).
    enough = math.isqrt(int(WALK_FACTOR * wanted * cases)) + 1
    counts = {name: _bounded_count(db, sql, params, enough) for name, sql, params in criteria}
    fewest = min(counts, key=lambda name: (counts[name], name == "text"))
    if sort == "case_code" and fewest != "text":
        return fewest, False
    return fewest, counts[fewest] >= enough


def _criteria(query: CaseQuery) -> list[tuple[str, str, list[Any]]]:
    """Each criterion that can drive a page: (name, subquery of its matches, params)."""
    out: list[tuple[str, str, list[Any]]] = []
    for column, attr in _FILTERS:
        value = getattr(query, attr)
        if value is None:
            continue
        index = _FILTER_INDEX[column]
        if value == NEEDS_DATA and column == "recommendation_node":
            out.append((column, f"SELECT 1 FROM cases INDEXED BY {index} WHERE "
                                "recommendation_node IS NULL AND recommend_label IS NOT NULL", []))
        else:
            out.append((column, f"SELECT 1 FROM cases INDEXED BY {index} WHERE {column} = ?",
                        [value]))
    text = (query.text or "").strip()
    if text:
        sub, sub_params = _text_matches(text)
        out.append(("text", sub, sub_params))
    return out


def _bounded_count(db: Database, sql: str, params: list[Any], bound: int) -> int:
    """The number of rows of `sql`, counted up to `bound`."""
    return int(db.execute(f"SELECT count(*) FROM ({sql} LIMIT ?)", [*params, bound])
               .fetchone()[0])


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


def _where(query: CaseQuery, *, driver: str | None = None) -> tuple[str, list[Any]]:
    """The WHERE clause of a query (without the word WHERE when `driver` is given).

    None: for a count, every criterion free to use its index. For a page, `driver` names the
    one criterion whose index the plan starts from (a filter column, or "text"); "" none (a
    walk of the sort column's index). The others are tested on each row: the unary + keeps
    their indexes out of the plan.
    """
    clauses: list[str] = []
    params: list[Any] = []
    text = (query.text or "").strip()

    def keep(name: str) -> str:
        return "" if driver is None or driver == name else "+"

    if not query.include_deleted:  # a count of a text search starts from the matches too
        clauses.append("+deleted_at IS NULL" if driver is not None or text
                       else "deleted_at IS NULL")
    for column, attr in _FILTERS:
        value = getattr(query, attr)
        if value == NEEDS_DATA and column == "recommendation_node":
            clauses.append(f"{keep(column)}recommendation_node IS NULL "
                           "AND +recommend_label IS NOT NULL")
        elif value is not None:
            clauses.append(f"{keep(column)}{column} = ?")
            params.append(value)
    if text:
        sub, sub_params = _text_matches(text)
        clauses.append(f"{keep('text')}seq IN ({sub})")
        params += sub_params
    where = " AND ".join(clauses)
    if driver is None:
        return ("WHERE " + where if where else ""), params
    return where, params


__all__ = ["NEEDS_DATA", "ROW_SELECT", "SORT_COLUMNS", "CaseQuery", "CaseRow", "RowKey",
           "count_rows", "iter_pages", "row_key", "search_page"]
