"""The audit trail: who changed which case, when, field by field; a tamper-evident chain.

Each row carries `hash`, the SHA-256 (hex) of the previous row's hash and the row's own content:
``sha256(prev_hash + canonical_json(row))`` where the row is the object of its fields (id, at,
os_user, clinician, case_uuid, action, revision, and `changes` as the stored text), written with
sorted keys, no spaces and ASCII escapes; the first row's previous hash is 64 zeros. The newest
hash is also kept in `store_state.audit_head`, so rows cut off the end are found too. Changing,
deleting or inserting a row with any SQLite tool breaks the chain at that row (`verify_chain`).

Database-level events (a restore, an export) are rows without a case (`case_uuid` NULL).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

ACTIONS = ("create", "update", "delete", "restore", "import", "baseline")
EVENTS = ("database_restore", "export")  # rows without a case
GENESIS = "0" * 64
ROW_COLUMNS = ("id", "at", "os_user", "clinician", "case_uuid", "action", "revision", "changes")
MAX_CLINICIAN = 80
_session_clinician: str | None = None


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
    clinician: str | None = None


def os_user() -> str:
    """The operating-system account running the program, asked of the system (never only the
    $LOGNAME / $USER variables, which anyone can set); "unknown" when the system does not say."""
    try:
        if sys.platform == "win32":
            import ctypes

            size = ctypes.c_ulong(257)
            buf = ctypes.create_unicode_buffer(size.value)
            if ctypes.windll.advapi32.GetUserNameW(buf, ctypes.byref(size)):  # type: ignore
                return buf.value or "unknown"
        else:
            import pwd

            return pwd.getpwuid(os.getuid()).pw_name or f"uid {os.getuid()}"
    except (KeyError, OSError, AttributeError, ImportError):
        if sys.platform != "win32":
            return f"uid {os.getuid()}"  # an account without a name: its number, not $LOGNAME
    try:
        return getpass.getuser() or "unknown"
    except Exception:
        return "unknown"


def clean_clinician(name: str | None) -> str | None:
    """The clinician's name as recorded (trimmed; None when empty). ValueError with a sentence
    for a name that is too long or holds control characters."""
    if name is None:
        return None
    bad = any(not c.isprintable() for c in name)  # controls, line breaks, lone surrogates
    name = " ".join(name.split())
    if not name:
        return None
    if bad or len(name) > MAX_CLINICIAN:
        raise ValueError(f"clinician: the name must be plain text of at most {MAX_CLINICIAN} "
                         "characters (as typed at the start of the program).")
    return name


def set_clinician(name: str | None) -> None:
    """The clinician's name typed at the start of this session (recorded with every change by
    stores opened afterwards); None: not given."""
    global _session_clinician
    _session_clinician = clean_clinician(name)


def session_clinician() -> str | None:
    """The clinician's name of this session, or None."""
    return _session_clinician


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


def canonical(row: dict[str, Any]) -> str:
    """The canonical JSON of an audit row's fields (what its hash covers)."""
    return json.dumps({k: row.get(k) for k in ROW_COLUMNS}, sort_keys=True,
                      separators=(",", ":"), ensure_ascii=True)


def row_hash(prev: str, row: dict[str, Any]) -> str:
    """The chained hash of one row: SHA-256 of the previous hash and the row's canonical JSON."""
    return hashlib.sha256((prev + canonical(row)).encode("ascii")).hexdigest()


def _encode(changes: Any) -> str:
    return json.dumps(changes, ensure_ascii=False, separators=(",", ":"))


def _append(db: Database, row: dict[str, Any]) -> None:
    """Insert one row at the end of the chain and move the head (inside the caller's
    transaction)."""
    last = db.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    row["id"] = (last[0] + 1) if last else 1
    row["hash"] = row_hash(last[1] if last else GENESIS, row)
    cols = (*ROW_COLUMNS, "hash")
    db.execute(f"INSERT INTO audit ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
               [row[c] for c in cols])
    db.execute("UPDATE store_state SET audit_head = ? WHERE id = 1", (row["hash"],))


def record(db: Database, *, at: str, user: str, case_uuid: str, action: str,
           revision: int | None, changes: dict[str, dict[str, Any]],
           clinician: str | None = None) -> None:
    """Write one audit row for a case, extending the chain (inside the caller's transaction)."""
    _append(db, {"at": at, "os_user": user, "clinician": clinician, "case_uuid": case_uuid,
                 "action": action, "revision": revision, "changes": _encode(changes)})


def record_event(db: Database, *, at: str, user: str, action: str, details: dict[str, Any],
                 clinician: str | None = None) -> None:
    """Write one database-level audit row (a restore, an export), inside the caller's
    transaction. `details` must hold no patient identifiers."""
    _append(db, {"at": at, "os_user": user, "clinician": clinician, "case_uuid": None,
                 "action": action, "revision": None, "changes": _encode(details)})


def head(db: Database) -> tuple[int, str | None]:
    """The number of audit rows and the newest hash (None before the chain exists)."""
    count = db.execute("SELECT count(*) FROM audit").fetchone()[0]
    if not has_chain(db):
        return int(count), None
    last = db.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    return int(count), (last[0] if last else None)


def has_chain(db: Database) -> bool:
    """Whether this database's audit rows carry hashes (schemas before the chain do not)."""
    return any(r[1] == "hash" for r in db.execute("PRAGMA table_info(audit)"))


def chain_rows(db: Database, batch: int = 2000) -> Iterator[tuple[dict[str, Any], str]]:
    """Every audit row with its stored hash, oldest first, read in batches."""
    cursor = db.execute(f"SELECT {', '.join(ROW_COLUMNS)}, hash FROM audit ORDER BY id")
    while rows := cursor.fetchmany(batch):
        for r in rows:
            yield dict(zip(ROW_COLUMNS, r[:-1], strict=True)), r[-1]


def verify_chain(rows: Iterable[tuple[dict[str, Any], str]], stored_head: str | None
                 ) -> str | None:
    """The first break of the chain as a sentence naming the row, or None when it holds."""
    prev = GENESIS
    last_id = 0
    for row, stored in rows:
        expected = row_hash(prev, row)
        if stored != expected:
            return (f"the audit trail is broken at row {row['id']} ({row['action']} at "
                    f"{row['at']}): the row does not match its hash, so it was changed, or a "
                    "row before it removed or added, outside the program")
        prev, last_id = stored, row["id"]
    if stored_head != (prev if last_id else None):
        end = f"ends at row {last_id}" if last_id else "is empty"
        return (f"the audit trail {end}, but its recorded end is another row: rows were "
                "deleted from its end outside the program")
    return None


def history(db: Database, case_uuid: str) -> list[AuditEntry]:
    """Every recorded change of one case, oldest first."""
    clinician = "clinician" if any(r[1] == "clinician"
                                   for r in db.execute("PRAGMA table_info(audit)")) else "NULL"
    rows = db.execute("SELECT id, at, os_user, case_uuid, action, revision, changes, "
                      f"{clinician} FROM audit WHERE case_uuid = ? ORDER BY id",
                      (case_uuid,)).fetchall()
    return [AuditEntry(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), r[7])
            for r in rows]
