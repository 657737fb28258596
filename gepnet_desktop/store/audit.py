"""The audit trail: who changed which case, when, field by field."""

from __future__ import annotations

import getpass
import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

ACTIONS = ("create", "update", "delete", "restore", "import")


@dataclass(frozen=True)
class AuditEntry:
    """One recorded change: `changes` maps a field to {"old": ..., "new": ...}."""

    id: int
    at: str
    user: str
    case_uuid: str
    action: str
    revision: int | None
    changes: dict[str, dict[str, Any]]


def os_user() -> str:
    """The operating-system user name, or "unknown" when the system does not say."""
    try:
        return getpass.getuser() or "unknown"
    except Exception:
        return "unknown"


def diff(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Field-level changes between two case contents (None: the case did not exist)."""
    old = old or {}
    new = new or {}
    out: dict[str, dict[str, Any]] = {}
    for key in list(new) + [k for k in old if k not in new]:
        before, after = old.get(key), new.get(key)
        if before in ([], None) and after in ([], None):
            continue
        if before != after:
            out[key] = {"old": before, "new": after}
    return out


def record(db: Database, *, at: str, user: str, case_uuid: str, action: str,
           revision: int | None, changes: dict[str, dict[str, Any]]) -> None:
    """Write one audit row (inside the caller's transaction)."""
    db.execute("INSERT INTO audit (at, os_user, case_uuid, action, revision, changes) "
               "VALUES (?, ?, ?, ?, ?, ?)",
               (at, user, case_uuid, action, revision,
                json.dumps(changes, ensure_ascii=False, separators=(",", ":"))))


def history(db: Database, case_uuid: str) -> list[AuditEntry]:
    """Every recorded change of one case, oldest first."""
    rows = db.execute("SELECT id, at, os_user, case_uuid, action, revision, changes FROM audit "
                      "WHERE case_uuid = ? ORDER BY id", (case_uuid,)).fetchall()
    return [AuditEntry(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6])) for r in rows]
