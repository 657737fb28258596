"""The audit trail: who changed which case, when, field by field; a tamper-evident chain.

Each row carries `hash`, the SHA-256 (hex) of the previous row's hash and the row's own content:
``sha256(prev_hash + canonical_json(row))`` where the row is the object of its fields (id, at,
os_user, clinician, case_uuid, action, revision, and `changes` as the stored text), written with
sorted keys, no spaces and ASCII escapes; the first row's previous hash is 64 zeros. The newest
hash is also kept in `store_state.audit_head`, so rows cut off the end are found too. Changing,
deleting or inserting a row with any SQLite tool breaks the chain at that row (`verify_chain`).

Database-level events (a restore, an export) are rows without a case (`case_uuid` NULL).

Compact storage (schema 9): a long `changes` text (an import's or a new case's whole record, a
restore's details) is kept deflated in `packed` (a format byte, then raw deflate with a frozen
preset dictionary) and `changes` is left empty. The hash covers the text itself, whichever form
stores it, so an edited `packed` breaks the chain like an edited `changes`. A line edit records
only the lines that differ (`line_changes`).

Import batches (issue 13): the new cases of one batch of an import are recorded by ONE row
without a case (action `import`): their number, first and last `seq`, and for each case in seq
order a 16-byte digest of what it was when imported (`import_digest`). The case rows themselves
hold the records; the trail (trail.py) and `history` rebuild each case's imported values from
its row, undoing the audited changes after the import, and check them against the digest.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from json.encoder import encode_basestring_ascii
from typing import Any

from sqlite_utils import Database

ACTIONS = ("create", "update", "delete", "restore", "import", "baseline")
EVENTS = ("database_restore", "export")  # rows without a case
GENESIS = "0" * 64
ROW_COLUMNS = ("id", "at", "os_user", "clinician", "case_uuid", "action", "revision", "changes")
MAX_CLINICIAN = 80
_session_clinician: str | None = None
PACK_FROM = 160  # characters: shorter texts are stored as they are
_PACKED_V1 = b"\x01"
# Frozen with format 1: rows written with it are read with it forever (a new dictionary is a
# new format byte, never an edit of this one).
_PACK_DICT_1 = (
    '{"old":null,"new":[{"regimen":"","start_date":"20","end_date":"20","outcome":"progression"'
    ',"progression_date":"20","best_response":"SD","notes":null},{"regimen":"","start_date":"20'
    '","end_date":"20","outcome":"progression","progression_date":"20","best_response":"SD","no'
    'tes":null}]},"case_code":{"old":null,"new":null},"sex":{"old":null,"new":"F""M""other"},"b'
    'irth_year":{"old":null,"new":null},"diagnosis_date":{"old":null,"new":null},"notes":{"old"'
    ':null,"new":null},"primary_site":{"old":null,"new":"pancreas""stomach""duodenum""jejunum_i'
    'leum""appendix""colon""rectum""unknown_primary"},"differentiation":{"old":null,"new":"well'
    '""poor""minen"},"nec_subtype":{"old":null,"new":"small_cell""large_cell"},"ki67_percent":{'
    '"old":null,"new":null},"ki67_date":{"old":null,"new":null},"mitoses_per_2mm2":{"old":null,'
    '"new":null},"functional_syndrome":{"old":null,"new":"none""carcinoid""insulinoma""gastrino'
    'ma""glucagonoma""vipoma""other"},"sstr_status":{"old":null,"new":"positive""negative"},"ss'
    'tr_imaging_date":{"old":null,"new":null},"sstr_heterogeneous":{"old":null,"new":null},"hep'
    'atic_burden":{"old":null,"new":"none""le25""26to50""gt50"},"bulk_symptoms":{"old":null,"ne'
    'w":null},"pace":{"old":null,"new":"stable""slow_progression""rapid_progression"},"ecog":{"'
    'old":null,"new":null},"egfr_ml_min":{"old":null,"new":null},"comorbidities":{"old":null,"n'
    'ew":"uncontrolled_diabetes""uncontrolled_hypertension""heart_failure""dpd_deficiency"}'
).encode("ascii")


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
            if key == "lines" and isinstance(before, list) and isinstance(after, list) \
                    and before:
                out[key] = line_changes(before, after)
            else:
                out[key] = {"old": before, "new": after}
    return out


def line_changes(old: list[Any], new: list[Any]) -> dict[str, Any]:
    """The lines that differ between two line lists, by position from 1, and the counts:
    {"count": {"old": 3, "new": 2}, "at": {"2": {"old": {...}, "new": {...} or null}}}."""
    at = {str(i): {"old": old[i - 1] if i <= len(old) else None,
                   "new": new[i - 1] if i <= len(new) else None}
          for i in range(1, max(len(old), len(new)) + 1)
          if (old[i - 1] if i <= len(old) else None) != (new[i - 1] if i <= len(new) else None)}
    return {"count": {"old": len(old), "new": len(new)}, "at": at}


def apply_change(value: Any, change: Any) -> Any:
    """A field's value after one recorded change (a whole new value, or per-line changes
    applied to the line list before). KeyError/TypeError/ValueError for a malformed change."""
    if "new" in change:
        return change["new"]
    lines = list(value) if isinstance(value, list) else []
    count = int(change["count"]["new"])
    lines += [None] * (count - len(lines))
    for pos, one in change["at"].items():
        if 1 <= int(pos) <= count:
            lines[int(pos) - 1] = one["new"]
    return lines[:count]


def revert_change(value: Any, change: Any) -> Any:
    """A field's value before one recorded change (the inverse of `apply_change`).
    KeyError/TypeError/ValueError for a malformed change."""
    if "new" in change:
        return change["old"]
    lines = list(value) if isinstance(value, list) else []
    count = int(change["count"]["old"])
    lines += [None] * (count - len(lines))
    for pos, one in change["at"].items():
        if 1 <= int(pos) <= count:
            lines[int(pos) - 1] = one["old"]
    return lines[:count]


def _known(values: dict[str, Any]) -> dict[str, Any]:
    """A record's fields as an import digest covers them: the known ones (a field added by a
    later schema reads as null in older rows), the lines without their null keys."""
    out = {key: value for key, value in values.items() if value is not None and value != []}
    lines = out.get("lines")
    if isinstance(lines, list):
        out["lines"] = [{k: v for k, v in line.items() if v is not None}
                        if isinstance(line, dict) else line for line in lines]
    return out


# The digest's JSON (keys sorted, no spaces, ASCII), one encoder for every record.
_DIGEST_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def known_json(values: dict[str, Any]) -> str:
    """A record's fields as an import digest covers them (`_known`), as the digest's JSON."""
    return _DIGEST_JSON.encode(_known(values))


def import_digest(*, uuid: str, seq: int, created_at: str | None, deleted_at: str | None,
                  values: dict[str, Any], revision: int | None, updated_at: str | None) -> bytes:
    """The 16 bytes an import batch records for one new case: 8 bytes of SHA-256 over what can
    be rebuilt after later audited changes (uuid, seq, created_at, deleted_at and the record's
    fields as `content` gives them), then 8 over that digest with the revision and updated_at
    at import (checked while no audit row of the case came after; then its last row's
    revision is)."""
    return digest_of_known(uuid=uuid, seq=seq, created_at=created_at, deleted_at=deleted_at,
                           known=known_json(values), revision=revision, updated_at=updated_at)


def digest_of_known(*, uuid: str, seq: int, created_at: str | None, deleted_at: str | None,
                    known: str, revision: int | None, updated_at: str | None) -> bytes:
    """`import_digest` of a record whose fields are given as `known_json` made them (by an
    import's worker process): the same JSON list, written out."""
    head = f"{_json_text(uuid)},{int(seq)},{_json_text(created_at)},{_json_text(deleted_at)}"
    core = hashlib.sha256(f"[{head},{known}]".encode("ascii")).digest()
    stamps = f"{revision}\x00{updated_at}".encode()
    return core[:8] + hashlib.sha256(core + stamps).digest()[:8]


def _json_text(text: str | None) -> str:
    """A text (or null) as the digest's JSON writes it (json.dumps, ensure_ascii)."""
    return "null" if text is None else encode_basestring_ascii(text)


def batch_text(first_seq: int, digests: list[bytes]) -> str:
    """The `changes` text of an import batch row (header first, then the digests in hex)."""
    return _encode({"cases": len(digests), "first_seq": first_seq,
                    "last_seq": first_seq + len(digests) - 1,
                    "digests": b"".join(digests).hex()})


@dataclass(frozen=True)
class ImportBatch:
    """One import batch row as read back: its id, when and by whom, and its cases' digests."""

    id: int
    at: str
    user: str
    clinician: str | None
    first_seq: int
    digests: bytes  # 16 bytes a case, in seq order

    @property
    def last_seq(self) -> int:
        return self.first_seq + len(self.digests) // 16 - 1

    def digest(self, seq: int) -> bytes:
        """The digest recorded for the case with this seq (inside the batch)."""
        at = (seq - self.first_seq) * 16
        return self.digests[at:at + 16]


_BATCH_SQL = ("SELECT id, at, os_user, {clinician}, changes, {packed} FROM audit "
              "WHERE case_uuid IS NULL AND action = 'import' {where} ORDER BY id")


def _batch_of(row: tuple[Any, ...]) -> ImportBatch | None:
    """An import batch from its row (None when its text is not a batch's: edited by hand, or
    readable only as a broken chain shows)."""
    try:
        found = json.loads(unpack(row[4], row[5]))
        first, digests = int(found["first_seq"]), bytes.fromhex(found["digests"])
        if len(digests) != 16 * int(found["cases"]) or \
                int(found["last_seq"]) != first + int(found["cases"]) - 1:
            return None
    except (ValueError, TypeError, KeyError):
        return None
    return ImportBatch(row[0], row[1], row[2], row[3], first, digests)


def import_batches(db: Database) -> list[ImportBatch | int]:
    """Every import batch row, oldest first (the id alone of a row that is not readable as
    one); about 16 bytes of memory a case."""
    sql = _BATCH_SQL.format(clinician=_clinician_column(db), packed=packed_column(db), where="")
    return [_batch_of(r) or int(r[0]) for r in db.execute(sql)]


def last_batch_seq(db: Database) -> int:
    """The highest seq the newest import batch recorded (0 when there is none): a new case is
    numbered after it even when that case's row is gone, so the gap stays the batch's."""
    sql = _BATCH_SQL.format(clinician=_clinician_column(db), packed=packed_column(db),
                            where="") + " DESC LIMIT 1"
    row = db.execute(sql).fetchone()
    batch = _batch_of(row) if row else None
    return batch.last_seq if batch else 0


def batch_for(db: Database, seq: int) -> ImportBatch | None:
    """The import batch that recorded the case with this seq, or None. Batches are written in
    rising seq order, so a binary search reads a few of them."""
    ids = [r[0] for r in db.execute("SELECT id FROM audit WHERE case_uuid IS NULL AND "
                                    "action = 'import' ORDER BY id")]
    sql = _BATCH_SQL.format(clinician=_clinician_column(db), packed=packed_column(db),
                            where="AND id = ?")
    lo, hi = 0, len(ids) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        row = db.execute(sql, (ids[mid],)).fetchone()
        batch = _batch_of(row) if row else None
        if batch is None:
            break  # an unreadable row: look at every one
        if seq < batch.first_seq:
            hi = mid - 1
        elif seq > batch.last_seq:
            lo = mid + 1
        else:
            return batch
    else:
        return None
    return next((b for b in import_batches(db) if isinstance(b, ImportBatch)
                 and b.first_seq <= seq <= b.last_seq), None)


def canonical(row: dict[str, Any]) -> str:
    """The canonical JSON of an audit row's fields (what its hash covers)."""
    return json.dumps({k: row.get(k) for k in ROW_COLUMNS}, sort_keys=True,
                      separators=(",", ":"), ensure_ascii=True)


def row_hash(prev: str, row: dict[str, Any]) -> str:
    """The chained hash of one row: SHA-256 of the previous hash and the row's canonical JSON."""
    return hashlib.sha256((prev + canonical(row)).encode("ascii")).hexdigest()


def _encode(changes: Any) -> str:
    return json.dumps(changes, ensure_ascii=False, separators=(",", ":"))


def pack(text: str) -> tuple[str, bytes | None]:
    """(changes, packed) as stored: a long text deflated into `packed`, `changes` left empty."""
    if len(text) < PACK_FROM:
        return text, None
    squeeze = _SQUEEZE.copy()  # primed with the dictionary once, copied per row
    return "", _PACKED_V1 + squeeze.compress(text.encode("utf-8")) + squeeze.flush()


def unpack(changes: str, packed: bytes | None) -> str:
    """The `changes` text of a stored row, whichever form stores it (a `packed` that cannot
    be read gives a text no hash matches)."""
    if packed is None:
        return changes
    try:
        if packed[:1] != _PACKED_V1:
            raise ValueError("unknown format")
        inflate = zlib.decompressobj(-15, _PACK_DICT_1)
        return (inflate.decompress(packed[1:]) + inflate.flush()).decode("utf-8")
    except (zlib.error, ValueError):
        return "\x00 unreadable packed changes"


_SQUEEZE = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, _PACK_DICT_1)


class AuditBatch:
    """Audit rows added at the end of the chain in one go: hashed in memory, written with one
    executemany, the head moved once (inside the caller's transaction)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.rows: list[tuple[Any, ...]] = []
        self._packs = _has_column(db, "packed")
        last = db.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        self.next_id: int = int(last[0]) + 1 if last else 1
        self.head: str = str(last[1]) if last else GENESIS

    def add(self, row: dict[str, Any]) -> None:
        """One row (ROW_COLUMNS but id, `changes` as text); its id and hash are given here."""
        row["id"] = self.next_id
        self.head = row_hash(self.head, row)
        self.next_id += 1
        changes, packed = pack(row["changes"]) if self._packs else (row["changes"], None)
        values = [row[c] for c in ROW_COLUMNS[:-1]] + [changes, self.head]
        self.rows.append((*values, packed) if self._packs else tuple(values))

    def flush(self) -> None:
        """Write the rows added since the last flush."""
        if not self.rows:
            return
        cols = (*ROW_COLUMNS, "hash", *(("packed",) if self._packs else ()))
        self.db.conn.executemany(f"INSERT INTO audit ({', '.join(cols)}) "
                                 f"VALUES ({', '.join('?' * len(cols))})", self.rows)
        self.db.execute("UPDATE store_state SET audit_head = ? WHERE id = 1", (self.head,))
        self.rows = []


def _append(db: Database, row: dict[str, Any]) -> None:
    """Insert one row at the end of the chain and move the head (inside the caller's
    transaction)."""
    batch = AuditBatch(db)
    batch.add(row)
    batch.flush()


def case_row(*, at: str, user: str, case_uuid: str, action: str, revision: int | None,
             changes: dict[str, dict[str, Any]], clinician: str | None = None
             ) -> dict[str, Any]:
    """The fields of one case's audit row, for `record` or an AuditBatch."""
    return {"at": at, "os_user": user, "clinician": clinician, "case_uuid": case_uuid,
            "action": action, "revision": revision, "changes": _encode(changes)}


def record(db: Database, *, at: str, user: str, case_uuid: str, action: str,
           revision: int | None, changes: dict[str, dict[str, Any]],
           clinician: str | None = None) -> None:
    """Write one audit row for a case, extending the chain (inside the caller's transaction)."""
    _append(db, case_row(at=at, user=user, case_uuid=case_uuid, action=action,
                         revision=revision, changes=changes, clinician=clinician))


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
    return _has_column(db, "hash")


def _has_column(db: Database, name: str) -> bool:
    """Whether this file's audit table has the column (an older schema may lack it)."""
    return name in db.table("audit").columns_dict


def packed_column(db: Database) -> str:
    """`packed`, or NULL for a schema before compact storage."""
    return "packed" if _has_column(db, "packed") else "NULL"


def chain_rows(db: Database, batch: int = 2000) -> Iterator[tuple[dict[str, Any], str]]:
    """Every audit row with its stored hash, oldest first, read in batches (`changes` as
    text, unpacked)."""
    cursor = db.execute(f"SELECT {', '.join(ROW_COLUMNS)}, {packed_column(db)}, hash "
                        "FROM audit ORDER BY id")
    while rows := cursor.fetchmany(batch):
        for r in rows:
            row = dict(zip(ROW_COLUMNS, r[:-2], strict=True))
            row["changes"] = unpack(row["changes"], r[-2])
            yield row, r[-1]


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


def _clinician_column(db: Database) -> str:
    return "clinician" if _has_column(db, "clinician") else "NULL"


def history(db: Database, case_uuid: str) -> list[AuditEntry]:
    """Every recorded change of one case, oldest first. A case imported in a batch starts with
    its `import` entry, its imported values rebuilt from its row (see trail.imported_state)."""
    rows = db.execute("SELECT id, at, os_user, case_uuid, action, revision, changes, "
                      f"{_clinician_column(db)}, {packed_column(db)} FROM audit "
                      "WHERE case_uuid = ? ORDER BY id", (case_uuid,)).fetchall()
    entries = [AuditEntry(r[0], r[1], r[2], r[3], r[4], r[5], _parsed(unpack(r[6], r[8])),
                          r[7]) for r in rows]
    from .trail import imported_entry  # the trail reads this module

    first = imported_entry(db, case_uuid, entries)
    return [first, *entries] if first is not None else entries


def _parsed(text: str) -> dict[str, dict[str, Any]]:
    try:
        found = json.loads(text)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
