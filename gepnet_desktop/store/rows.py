"""Between Case objects and the rows of the `cases` and `lines` tables."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from sqlite_utils import Database

from ..case import CASE_FIELDS, LINE_FIELDS, Case, Line

FIELD_COLUMNS: tuple[str, ...] = tuple(f.key for f in CASE_FIELDS)  # a column per case field
LINE_COLUMNS: tuple[str, ...] = tuple(f.key for f in LINE_FIELDS)
META_COLUMNS = ("uuid", "revision", "created_at", "updated_at", "deleted_at")
CASE_SELECT = ", ".join(META_COLUMNS + FIELD_COLUMNS)
LINE_SELECT = "case_uuid, " + ", ".join(LINE_COLUMNS)
_KINDS = {f.key: f.kind for f in CASE_FIELDS}
_LIST_JSON = json.JSONEncoder(ensure_ascii=False)  # a list field's column (as json.dumps)
_NUMBER_KEYS = tuple(key for key, kind in _KINDS.items() if kind == "number")
# The columns of a new case's row: the store's keys, case_values' (the fields, who_grade), then
# the stored recommendation (node, missing field, id of the pathway label).
CASE_ROW_COLUMNS: tuple[str, ...] = (
    "uuid", "seq", "revision", "created_at", "updated_at", "deleted_at", *FIELD_COLUMNS,
    "who_grade", "recommendation_node", "recommendation_missing", "recommend_label")
INSERT_CASE = (f"INSERT INTO cases ({', '.join(CASE_ROW_COLUMNS)}) "
               f"VALUES ({', '.join('?' * len(CASE_ROW_COLUMNS))})")
# A line row as line_rows gives it: case_uuid, position, then the line's fields.
INSERT_LINE = (f"INSERT INTO lines (case_uuid, position, {', '.join(LINE_COLUMNS)}) "
               f"VALUES ({', '.join('?' * (len(LINE_COLUMNS) + 2))})")


def select_list(columns: Sequence[str], present: Collection[str]) -> str:
    """A SELECT list of `columns` for a table holding only `present` ones: a column that an
    older schema does not have yet reads as NULL (unknown), as it would after its migration."""
    return ", ".join(c if c in present else f"NULL AS {c}" for c in columns)


def case_values(case: Case, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """The column values of a case's own fields (not uuid, revision, dates), then who_grade;
    `data`: the case's `content`, when the caller has it already."""
    data = content(case) if data is None else data
    out: dict[str, Any] = {}
    for key in FIELD_COLUMNS:
        value = data[key]
        kind = _KINDS[key]
        if kind == "bool" and value is not None:
            value = int(bool(value))
        elif kind == "enum_list":
            value = _LIST_JSON.encode(list(value or []))
        out[key] = value
    out["who_grade"] = case.who_grade
    return out


def line_select(present: Collection[str]) -> str:
    """LINE_SELECT for a lines table that has only the `present` columns (an older schema)."""
    return "case_uuid, " + select_list(LINE_COLUMNS, present)


def case_select(present: Collection[str]) -> str:
    """CASE_SELECT for a cases table that has only the `present` columns (an older schema)."""
    return select_list(META_COLUMNS + FIELD_COLUMNS, present)


def line_rows(uuid: str, lines: Sequence[Line]) -> list[tuple[Any, ...]]:
    """Rows of the lines table for one case, positions from 1 in list order."""
    return [(uuid, i, *(getattr(line, k) for k in LINE_COLUMNS))
            for i, line in enumerate(lines, start=1)]


def row_to_case(row: Sequence[Any], lines: Iterable[Sequence[Any]] = ()) -> Case:
    """A Case from a row selected with CASE_SELECT and its line rows (LINE_SELECT)."""
    meta = dict(zip(META_COLUMNS, row[: len(META_COLUMNS)], strict=True))
    values: dict[str, Any] = {}
    for key, value in zip(FIELD_COLUMNS, row[len(META_COLUMNS):], strict=True):
        kind = _KINDS[key]
        if kind == "bool" and value is not None:
            value = bool(value)
        elif kind == "enum_list":
            value = json.loads(value) if value else []
        values[key] = value
    case_lines = [Line(**dict(zip(LINE_COLUMNS, line[1:], strict=True))) for line in lines]
    return Case.of(values, lines=case_lines, uuid=meta["uuid"], revision=meta["revision"],
                created_at=meta["created_at"], updated_at=meta["updated_at"])


def load_cases(db: Database, uuids: Sequence[str]) -> list[tuple[Case, str | None]]:
    """The stored cases with these uuids, in the given order, each with its deleted_at."""
    if not uuids:
        return []
    marks = ", ".join("?" * len(uuids))
    rows = {r[0]: r for r in db.execute(
        f"SELECT {CASE_SELECT} FROM cases WHERE uuid IN ({marks})", list(uuids))}
    lines: dict[str, list[Any]] = {}
    for line in db.execute(f"SELECT {LINE_SELECT} FROM lines WHERE case_uuid IN ({marks}) "
                           "ORDER BY case_uuid, position", list(uuids)):
        lines.setdefault(line[0], []).append(line)
    return [(row_to_case(rows[u], lines.get(u, ())), rows[u][4]) for u in uuids if u in rows]


def content(case: Case) -> dict[str, Any]:
    """What a case says, without the store's keys: equal contents mean the same record."""
    data = case.to_dict()
    for key in _NUMBER_KEYS:
        if data[key] is not None:
            data[key] = float(data[key])
    return data
