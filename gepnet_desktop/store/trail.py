"""The cases against their audit trail: replaying each case's audit rows gives its latest
audited values, which must equal the stored row (fields, lines, deleted state, revision).

How the audit records a case: `create` and a new case's `import` list every non-empty field as
{"old": null, "new": value} (and deleted_at when the file had one); `update` and a newer
revision's `import` list the changed fields (a line edit only the lines that differ); `delete`
and `restore` list deleted_at; `baseline` (written once, when the hash chain began) the
fields where an older database's trail and its rows disagreed. Each row's `revision` is the
case's revision after it. Everything is streamed in uuid order, so memory stays flat whatever
the number of cases.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from .audit import ACTIONS, apply_change, packed_column, unpack
from .rows import FIELD_COLUMNS, LINE_COLUMNS, META_COLUMNS, content, row_to_case

BATCH = 2000
# Only the rows that change a case's own record are replayed (a board decision's rows name
# their case too, and their `notes` are the decision's, not the case's).
_CASE_ACTIONS = ", ".join(f"'{a}'" for a in ACTIONS)


@dataclass(frozen=True)
class Mismatch:
    """A case whose stored row differs from its audit trail."""

    uuid: str
    case_code: str | None
    fields: tuple[str, ...]  # the fields that differ ("revision" too)
    audit_row: int | None  # the case's last audit row, None when it has none
    revision: int  # the stored revision
    stored: dict[str, Any]  # the stored values (fields, lines, deleted_at)
    audited: dict[str, Any]  # the values the trail gives


def columns(db: Database, table: str) -> set[str]:
    """The columns a table has in this file (an older schema may lack newer ones)."""
    return {r[1] for r in db.execute(f"PRAGMA table_info({table})")}


def select_list(db: Database, table: str, wanted: tuple[str, ...]) -> str:
    """A SELECT list of `wanted`, with NULL for the columns this file's table lacks."""
    have = columns(db, table)
    return ", ".join(c if c in have else f"NULL AS {c}" for c in wanted)


def _batched(db: Database, sql: str) -> Iterator[tuple[Any, ...]]:
    cursor = db.execute(sql)
    while rows := cursor.fetchmany(BATCH):
        yield from rows


def stored_states(db: Database) -> Iterator[tuple[str, str | None, dict[str, Any], int]]:
    """(uuid, case code, stored values, revision) of every case, in uuid order."""
    case_sql = (f"SELECT {select_list(db, 'cases', META_COLUMNS + FIELD_COLUMNS)} "
                "FROM cases ORDER BY uuid")
    line_sql = (f"SELECT {select_list(db, 'lines', ('case_uuid', *LINE_COLUMNS))} "
                "FROM lines ORDER BY case_uuid, position")
    lines = _batched(db, line_sql)
    pending = next(lines, None)
    for row in _batched(db, case_sql):
        uuid = row[0]
        own = []
        while pending is not None and pending[0] < uuid:
            pending = next(lines, None)  # lines of no case: the foreign-key check reports them
        while pending is not None and pending[0] == uuid:
            own.append(pending)
            pending = next(lines, None)
        case = row_to_case(row, own)
        values = content(case) | {"deleted_at": row[4]}
        yield uuid, case.case_code, values, int(row[1])


def audited_states(db: Database) -> Iterator[tuple[str, dict[str, Any], int, int | None]]:
    """(uuid, audited values, last audit row id, last revision) of every audited case."""
    current: str | None = None
    state: dict[str, Any] = {}
    last_id, last_rev = 0, None
    for uuid, row_id, revision, changes, packed in _batched(
            db, f"SELECT case_uuid, id, revision, changes, {packed_column(db)} FROM audit "
                f"WHERE case_uuid IS NOT NULL AND action IN ({_CASE_ACTIONS}) "
                "ORDER BY case_uuid, id"):
        if uuid != current:
            if current is not None:
                yield current, state, last_id, last_rev
            current, state = uuid, {}
        try:
            parsed = json.loads(unpack(changes, packed))
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            for key, change in parsed.items():
                if isinstance(change, dict):
                    try:
                        state[key] = apply_change(state.get(key), change)
                    except (KeyError, TypeError, ValueError, AttributeError):
                        state[key] = change  # malformed: differs from any stored value
        last_id, last_rev = row_id, revision
    if current is not None:
        yield current, state, last_id, last_rev


def normal(value: Any) -> Any:
    """A value as compared: empty lists and nulls alike, null keys of objects left out (a
    field added later reads as null in older rows)."""
    if value is None or value == []:
        return None
    if isinstance(value, list):
        return [normal(v) for v in value]
    if isinstance(value, dict):
        out = {k: normal(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v is not None}
    return value


def same(stored: Any, audited: Any) -> bool:
    """Whether a stored value and an audited one say the same (see `normal`)."""
    return stored == audited or normal(stored) == normal(audited)


def mismatches(db: Database) -> Iterator[Mismatch]:
    """Every case whose stored row differs from its audit trail, in uuid order."""
    audited = audited_states(db)
    trail = next(audited, None)
    for uuid, code, stored, revision in stored_states(db):
        while trail is not None and trail[0] < uuid:
            trail = next(audited, None)  # rows of no case: the foreign-key check reports them
        if trail is None or trail[0] != uuid:
            yield Mismatch(uuid, code, tuple(stored), None, revision, stored, {})
            continue
        _, state, last_id, last_rev = trail
        differ = tuple(k for k in stored if not same(stored[k], state.get(k)))
        if last_rev != revision:
            differ += ("revision",)
        if differ:
            yield Mismatch(uuid, code, differ, last_id, revision, stored, state)


__all__ = ["Mismatch", "columns", "mismatches", "normal", "select_list"]
