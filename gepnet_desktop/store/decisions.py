"""Tumour-board decisions per case, with the audit trail (issue 12).

Every write is one transaction holding the decision's row and its audit row (store/audit.py,
so that the audit trail, and any chain over it, covers them). Deleting is soft: a deleted
decision stays in the file and `restore_decision` brings it back. The snapshot of the
recommendation is given by the caller (the store knows no pathway; see gepnet_desktop/board.py)
and is never changed by an edit: a decision keeps the recommendation it was taken against.
Functions take the Store of the calling thread (one Store per thread).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from sqlite_utils import Database

from ..case.decision import BoardDecision, Snapshot, validate_decision
from . import audit, ids
from .cases import Store, now
from .db import read_transaction, write_transaction
from .errors import ConflictError, NotFoundError, StoreError

log = logging.getLogger(__name__)

# Audit actions of decisions (beside audit.ACTIONS of cases).
ACTIONS = ("decision_record", "decision_edit", "decision_delete", "decision_restore",
           "decision_import")
COLUMNS = ("uuid", "case_uuid", "date", "decision", "pathway_id", "pathway_version",
           "recommendation_node", "options", "concordant", "reason", "reason_text", "attendees",
           "notes", "revision", "created_at", "updated_at", "deleted_at")
SELECT = ", ".join(COLUMNS)


class DecisionInvalid(StoreError):
    """The decision has invalid fields; nothing was written. `problems` names each field."""

    def __init__(self, problems: Sequence[Any]) -> None:
        self.problems = list(problems)
        super().__init__("The board decision was not saved: correct these fields.\n"
                         + "\n".join(f"  {p}" for p in self.problems))


def row_to_decision(row: Sequence[Any]) -> BoardDecision:
    """A BoardDecision from a row selected with SELECT."""
    r = dict(zip(COLUMNS, row, strict=True))
    snapshot = Snapshot(r["pathway_id"] or "", r["pathway_version"] or "",
                        r["recommendation_node"], tuple(json.loads(r["options"] or "[]")))
    return BoardDecision(
        date=r["date"], decision=r["decision"], snapshot=snapshot, reason=r["reason"],
        reason_text=r["reason_text"], attendees=r["attendees"], notes=r["notes"],
        uuid=r["uuid"], case_uuid=r["case_uuid"], revision=r["revision"],
        created_at=r["created_at"], updated_at=r["updated_at"], deleted_at=r["deleted_at"])


def _values(d: BoardDecision) -> dict[str, Any]:
    return {"uuid": d.uuid, "case_uuid": d.case_uuid, "date": d.date, "decision": d.decision,
            "pathway_id": d.snapshot.pathway_id, "pathway_version": d.snapshot.pathway_version,
            "recommendation_node": d.snapshot.recommendation_node,
            "options": json.dumps(list(d.snapshot.options), ensure_ascii=False),
            "concordant": int(d.concordant), "reason": d.reason, "reason_text": d.reason_text,
            "attendees": d.attendees, "notes": d.notes, "revision": d.revision,
            "created_at": d.created_at, "updated_at": d.updated_at, "deleted_at": d.deleted_at}


def validated(decision: BoardDecision | dict[str, Any]) -> BoardDecision:
    """The decision checked (DecisionInvalid, naming each field, when it is not valid)."""
    obj = decision.to_dict(with_deleted=True) if isinstance(decision, BoardDecision) \
        else dict(decision)
    obj.pop("concordant", None)  # derived; recomputed from the decision and the snapshot
    result = validate_decision(obj)
    if not result.ok or result.decision is None:
        raise DecisionInvalid(result.errors)
    return result.decision


def _case_revision(db: Database, case_uuid: str) -> int:
    row = db.execute("SELECT revision, deleted_at FROM cases WHERE uuid = ?",
                     (case_uuid,)).fetchone()
    if row is None:
        raise NotFoundError("That case is not in this database; the board decision was not "
                            "saved.")
    return int(row[0])


def insert(store: Store, d: BoardDecision, *, action: str) -> None:
    """Insert a complete decision and its audit row (inside the caller's transaction)."""
    revision = _case_revision(store.db, d.case_uuid or "")
    values = _values(d)
    store.db.execute(f"INSERT INTO board_decisions ({SELECT}) "
                     f"VALUES ({', '.join('?' * len(COLUMNS))})", [values[c] for c in COLUMNS])
    changes = audit.diff(None, {"decision_uuid": d.uuid, **d.content()})
    if d.deleted_at is not None:
        changes["deleted_at"] = {"old": None, "new": d.deleted_at}
    audit.record(store.db, at=now(), user=store.user, case_uuid=d.case_uuid or "",
                 action=action, revision=revision, changes=changes)


def replace_content(store: Store, old: BoardDecision, new: BoardDecision, *, action: str
                    ) -> None:
    """Overwrite a stored decision's content and store keys, with its audit row (inside the
    caller's transaction)."""
    values = _values(new)
    sets = ", ".join(f"{c} = ?" for c in COLUMNS if c not in ("uuid", "case_uuid",
                                                                "deleted_at"))
    store.db.execute(f"UPDATE board_decisions SET {sets} WHERE uuid = ?",
                     [values[c] for c in COLUMNS if c not in ("uuid", "case_uuid",
                                                              "deleted_at")] + [old.uuid])
    changes = {"decision_uuid": {"old": old.uuid, "new": new.uuid},
               **audit.diff(old.content(), new.content())}
    audit.record(store.db, at=now(), user=store.user, case_uuid=old.case_uuid or "",
                 action=action, revision=_case_revision(store.db, old.case_uuid or ""),
                 changes=changes)


def record_decision(store: Store, case_uuid: str, decision: BoardDecision) -> BoardDecision:
    """Store a new decision about a case; returns the stored copy (uuid, revision 1, dates).

    `decision.snapshot` must hold the recommendation shown when it was taken. Raises
    DecisionInvalid or NotFoundError (nothing written)."""
    valid = validated(decision.with_changes(uuid=None, revision=None, created_at=None,
                                            updated_at=None, deleted_at=None))
    stamp = now()
    stored = valid.with_changes(uuid=ids.new_uuid(), case_uuid=case_uuid, revision=1,
                                created_at=stamp, updated_at=stamp)
    with write_transaction(store.db):
        if store.is_deleted(case_uuid):
            raise StoreError("That case is deleted; restore it before recording a board "
                             "decision. Nothing was saved.")
        insert(store, stored, action="decision_record")
    log.info("board decision %s recorded for case %s", stored.uuid, case_uuid)
    return stored


def get_decision(store: Store, decision_uuid: str) -> BoardDecision | None:
    """One decision (deleted or not), or None."""
    row = store.db.execute(f"SELECT {SELECT} FROM board_decisions WHERE uuid = ?",
                           (decision_uuid,)).fetchone()
    return row_to_decision(row) if row else None


def list_decisions(store: Store, case_uuid: str, *, include_deleted: bool = False
                   ) -> list[BoardDecision]:
    """The decisions about one case, oldest first (by date, then when recorded)."""
    where = "" if include_deleted else " AND deleted_at IS NULL"
    rows = store.db.execute(f"SELECT {SELECT} FROM board_decisions WHERE case_uuid = ?{where} "
                            "ORDER BY date, created_at, uuid", (case_uuid,)).fetchall()
    return [row_to_decision(r) for r in rows]


def latest_decision_date(store: Store, case_uuid: str | None) -> str | None:
    """The date of the board's latest decision about a case (None without one)."""
    if not case_uuid:
        return None
    row = store.db.execute("SELECT max(date) FROM board_decisions WHERE case_uuid = ? AND "
                           "deleted_at IS NULL", (case_uuid,)).fetchone()
    return row[0] if row else None


def decisions_by_case(store: Store, case_uuids: Iterable[str], *, include_deleted: bool = False
                      ) -> dict[str, list[BoardDecision]]:
    """The decisions of several cases (for exports in batches), oldest first per case."""
    uuids = list(case_uuids)
    out: dict[str, list[BoardDecision]] = {}
    if not uuids:
        return out
    where = "" if include_deleted else " AND deleted_at IS NULL"
    marks = ", ".join("?" * len(uuids))
    for row in store.db.execute(f"SELECT {SELECT} FROM board_decisions WHERE case_uuid IN "
                                f"({marks}){where} ORDER BY case_uuid, date, created_at, uuid",
                                uuids):
        d = row_to_decision(row)
        out.setdefault(d.case_uuid or "", []).append(d)
    return out


def has_decisions(store: Store, *, include_deleted: bool = False) -> bool:
    """Whether any decision would be exported (of a case that would be)."""
    deleted = "" if include_deleted else \
        " AND d.deleted_at IS NULL AND c.deleted_at IS NULL"
    found = store.db.execute(
        "SELECT EXISTS (SELECT 1 FROM board_decisions d JOIN cases c ON c.uuid = d.case_uuid "
        f"WHERE 1{deleted})").fetchone()[0]
    return bool(found)


def edit_decision(store: Store, decision: BoardDecision) -> BoardDecision:
    """Save changes to a stored decision (date, decision, reason, attendees, notes); the
    snapshot stays as recorded. `decision.revision` must be the stored one, else
    ConflictError. Returns the stored copy (revision + 1; unchanged when nothing changed)."""
    if not decision.uuid:
        raise NotFoundError("This board decision has not been recorded yet; record it instead.")
    with read_transaction(store.db):
        old = _must(store, decision.uuid)
    valid = validated(decision.with_changes(snapshot=old.snapshot))
    with write_transaction(store.db):
        old = _must(store, decision.uuid)
        if old.deleted_at is not None:
            raise ConflictError("This board decision was deleted after you opened it; nothing "
                                "was saved. Restore it first.")
        if decision.revision != old.revision:
            raise ConflictError(f"This board decision was changed after you opened it (your "
                                f"copy is revision {decision.revision}, the stored one "
                                f"revision {old.revision}); nothing was saved. Reload it.")
        if valid.content() == old.content():
            return old
        new = valid.with_changes(uuid=old.uuid, case_uuid=old.case_uuid,
                                 revision=(old.revision or 0) + 1, created_at=old.created_at,
                                 updated_at=now(), deleted_at=None)
        replace_content(store, old, new, action="decision_edit")
    log.info("board decision %s edited", decision.uuid)
    return new


def delete_decision(store: Store, decision_uuid: str) -> None:
    """Soft delete (see restore_decision)."""
    _set_deleted(store, decision_uuid, deleted=True)


def restore_decision(store: Store, decision_uuid: str) -> None:
    """Bring a soft-deleted decision back (the undo of delete_decision)."""
    _set_deleted(store, decision_uuid, deleted=False)


def _must(store: Store, decision_uuid: str) -> BoardDecision:
    found = get_decision(store, decision_uuid)
    if found is None:
        raise NotFoundError("That board decision is not in this database.")
    return found


def _set_deleted(store: Store, decision_uuid: str, *, deleted: bool) -> None:
    with write_transaction(store.db):
        old = _must(store, decision_uuid)
        if (old.deleted_at is not None) == deleted:
            return
        stamp = now()
        new = stamp if deleted else None
        store.db.execute("UPDATE board_decisions SET deleted_at = ? WHERE uuid = ?",
                         (new, decision_uuid))
        audit.record(store.db, at=stamp, user=store.user, case_uuid=old.case_uuid or "",
                     action="decision_delete" if deleted else "decision_restore",
                     revision=_case_revision(store.db, old.case_uuid or ""),
                     changes={"decision_uuid": {"old": decision_uuid, "new": decision_uuid},
                              "deleted_at": {"old": old.deleted_at, "new": new}})
    log.info("board decision %s %s", decision_uuid, "deleted" if deleted else "restored")


__all__ = ["ACTIONS", "DecisionInvalid", "decisions_by_case", "delete_decision",
           "edit_decision", "get_decision", "has_decisions", "list_decisions",
           "record_decision", "restore_decision"]
