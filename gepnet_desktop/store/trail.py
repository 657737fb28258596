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

import bisect
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from .audit import (
    ACTIONS,
    AuditEntry,
    ImportBatch,
    apply_change,
    batch_for,
    diff,
    import_batches,
    import_digest,
    packed_column,
    revert_change,
    unpack,
)
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
    batch: int | None = None  # the import batch row whose digest the case does not match


@dataclass(frozen=True)
class StoredCase:
    """One case as stored: its values (content and deleted_at) and the store's keys."""

    uuid: str
    case_code: str | None
    values: dict[str, Any]
    revision: int
    seq: int | None
    created_at: str | None
    updated_at: str | None


Change = tuple[int, str, int | None, Any]  # an audit row of a case: id, action, revision, changes


def columns(db: Database, table: str) -> set[str]:
    """The columns a table has in this file (an older schema may lack newer ones)."""
    return set(db.table(table).columns_dict)


def select_list(db: Database, table: str, wanted: tuple[str, ...]) -> str:
    """A SELECT list of `wanted`, with NULL for the columns this file's table lacks."""
    have = columns(db, table)
    return ", ".join(c if c in have else f"NULL AS {c}" for c in wanted)


def _batched(db: Database, sql: str, params: tuple[Any, ...] = ()
             ) -> Iterator[tuple[Any, ...]]:
    cursor = db.execute(sql, params)
    while rows := cursor.fetchmany(BATCH):
        yield from rows


def stored_states(db: Database, where: str = "", params: tuple[Any, ...] = ()
                  ) -> Iterator[StoredCase]:
    """Every case as stored (or those `where` selects), in uuid order."""
    case_sql = (f"SELECT {select_list(db, 'cases', META_COLUMNS + FIELD_COLUMNS + ('seq',))} "
                f"FROM cases {where} ORDER BY uuid")
    line_sql = (f"SELECT {select_list(db, 'lines', ('case_uuid', *LINE_COLUMNS))} FROM lines "
                f"{where.replace('uuid', 'case_uuid')} ORDER BY case_uuid, position")
    lines = _batched(db, line_sql, params)
    pending = next(lines, None)
    for row in _batched(db, case_sql, params):
        uuid = row[0]
        own = []
        while pending is not None and pending[0] < uuid:
            pending = next(lines, None)  # lines of no case: the foreign-key check reports them
        while pending is not None and pending[0] == uuid:
            own.append(pending)
            pending = next(lines, None)
        case = row_to_case(row[:-1], own)
        yield StoredCase(uuid, case.case_code, content(case) | {"deleted_at": row[4]},
                         int(row[1]), row[-1], row[2], row[3])


def case_trails(db: Database, where: str = "", params: tuple[Any, ...] = ()
                ) -> Iterator[tuple[str, list[Change]]]:
    """(uuid, its audit rows that change its record, oldest first) of every audited case (or
    of those `where` selects), in uuid order; a row's changes as parsed (None: unreadable)."""
    current: str | None = None
    rows: list[Change] = []
    for uuid, row_id, action, revision, changes, packed in _batched(
            db, f"SELECT case_uuid, id, action, revision, changes, {packed_column(db)} "
                f"FROM audit WHERE case_uuid IS NOT NULL AND action IN ({_CASE_ACTIONS}) "
                f"{where} ORDER BY case_uuid, id", params):
        if uuid != current:
            if current is not None:
                yield current, rows
            current, rows = uuid, []
        try:
            parsed = json.loads(unpack(changes, packed))
        except ValueError:
            parsed = None
        rows.append((row_id, action, revision, parsed))
    if current is not None:
        yield current, rows


def replayed(start: dict[str, Any], rows: list[Change]) -> dict[str, Any]:
    """The values after the rows' changes, applied in order to `start`."""
    state = dict(start)
    for _, _, _, parsed in rows:
        if isinstance(parsed, dict):
            for key, change in parsed.items():
                if isinstance(change, dict):
                    try:
                        state[key] = apply_change(state.get(key), change)
                    except (KeyError, TypeError, ValueError, AttributeError):
                        state[key] = change  # malformed: differs from any stored value
    return state


def imported_state(stored: dict[str, Any], rows: list[Change]) -> dict[str, Any]:
    """A batch-imported case's values at its import: the stored ones with every later change
    undone, newest first (a malformed change leaves a value no digest matches)."""
    state = dict(stored)
    for _, _, _, parsed in reversed(rows):
        if not isinstance(parsed, dict):
            state["\x00"] = "unreadable audit row"
            continue
        for key, change in parsed.items():
            try:
                state[key] = revert_change(state.get(key), change)
            except (KeyError, TypeError, ValueError, AttributeError):
                state[key] = {"unreadable": change}
    return state


def _digest(case: StoredCase, start: dict[str, Any]) -> bytes:
    values = {k: v for k, v in start.items() if k != "deleted_at"}
    return import_digest(uuid=case.uuid, seq=case.seq or 0, created_at=case.created_at,
                         deleted_at=start.get("deleted_at"), values=values,
                         revision=case.revision, updated_at=case.updated_at)


def matches_batch(case: StoredCase, start: dict[str, Any], batch: ImportBatch,
                  later_rows: bool) -> bool:
    """Whether a case's imported state is the one its batch recorded (the revision and
    updated_at too while no audit row came after the import)."""
    found, recorded = _digest(case, start), batch.digest(case.seq or 0)
    return found == recorded if not later_rows else found[:8] == recorded[:8]


def imported_revision(case: StoredCase, rows: list[Change]) -> int | None:
    """The revision a batch-imported case had at its import, as far as its later rows tell."""
    if not rows:
        return case.revision
    _, action, revision, _ = rows[0]
    if revision is None or action == "import":
        return None  # replaced by a newer revision: the one before is not recorded
    return revision - 1 if action == "update" else revision


def imported_entry(db: Database, uuid: str, entries: list[AuditEntry]) -> AuditEntry | None:
    """The `import` entry of a case imported in a batch, its values rebuilt from its row (None
    for a case with its own import or create row)."""
    if entries and entries[0].action == "create":
        return None
    case = next(stored_states(db, "WHERE uuid = ?", (uuid,)), None)
    batch = batch_for(db, case.seq) if case is not None and case.seq is not None else None
    if case is None or batch is None:
        return None
    rows = next(case_trails(db, "AND case_uuid = ?", (uuid,)), (uuid, []))[1]
    start = imported_state(case.values, rows)
    return AuditEntry(batch.id, batch.at, batch.user, uuid, "import",
                      imported_revision(case, rows), diff(None, start), batch.clinician)


class _Batches:
    """The import batches (their digests: 16 bytes a case), found by seq."""

    def __init__(self, db: Database) -> None:
        self.batches = [b for b in import_batches(db) if isinstance(b, ImportBatch)]
        self.batches.sort(key=lambda b: b.first_seq)
        self.firsts = [b.first_seq for b in self.batches]

    def find(self, seq: int | None) -> ImportBatch | None:
        if seq is None:
            return None
        i = bisect.bisect_right(self.firsts, seq) - 1
        return self.batches[i] if i >= 0 and seq <= self.batches[i].last_seq else None


def missing_imported(db: Database) -> Iterator[tuple[int, int]]:
    """(batch row id, seq) of every case an import batch recorded that is not in the table
    (deleted outside the program, or its seq changed), the seqs streamed in order."""
    batches = _Batches(db).batches
    seqs = _batched(db, "SELECT seq FROM cases WHERE seq IS NOT NULL ORDER BY seq")
    pending = next(seqs, None)
    for batch in batches:
        for seq in range(batch.first_seq, batch.last_seq + 1):
            while pending is not None and pending[0] < seq:
                pending = next(seqs, None)
            if pending is None or pending[0] != seq:
                yield batch.id, seq


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
    return bool(stored == audited or normal(stored) == normal(audited))


def mismatches(db: Database) -> Iterator[Mismatch]:
    """Every case whose stored row differs from its audit trail, in uuid order."""
    batches = _Batches(db)
    trails = case_trails(db)
    trail = next(trails, None)
    for case in stored_states(db):
        while trail is not None and trail[0] < case.uuid:
            trail = next(trails, None)  # rows of no case: the foreign-key check reports them
        rows = trail[1] if trail is not None and trail[0] == case.uuid else []
        batch = batches.find(case.seq)
        if batch is None and not rows:
            yield Mismatch(case.uuid, case.case_code, tuple(case.values), None, case.revision,
                           case.values, {})
            continue
        start: dict[str, Any] = {}
        if batch is not None:
            start = imported_state(case.values, rows)
            if not matches_batch(case, start, batch, bool(rows)):
                yield Mismatch(case.uuid, case.case_code, ("record",), batch.id,
                               case.revision, case.values, start, batch=batch.id)
                continue
            if not rows:
                continue  # nothing changed it since: its digest covered all of it
        state = replayed(start, rows)
        differ = tuple(k for k in case.values if not same(case.values[k], state.get(k)))
        if rows and rows[-1][2] != case.revision:
            differ += ("revision",)
        if differ:
            last = rows[-1][0] if rows else batch.id if batch is not None else None
            yield Mismatch(case.uuid, case.case_code, differ, last, case.revision, case.values,
                           state)


__all__ = ["Mismatch", "StoredCase", "columns", "imported_entry", "mismatches",
           "missing_imported", "normal", "select_list"]
