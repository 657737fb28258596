"""New cases written in batches inside the caller's transaction: the rows of `cases` and
`lines` each with one executemany per batch, and one `import` audit row for the batch (the
cases' digests, audit.py) (an import of many cases)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from . import audit
from .cases import Store, code_used_message, now
from .errors import RecordProblem
from .import_records import Prepared
from .rows import CASE_ROW_COLUMNS, INSERT_CASE, INSERT_LINE

BATCH = 1000
BYTES_A_RECORD = 400  # about the least an exported case takes in a file (for an estimate)
_TABLES = ("cases", "lines")
TEXT_TRIGGER = "case_text_insert"  # a new case's code and notes into case_text (the search)
log = logging.getLogger(__name__)


def large_against(db: Database, file_bytes: int) -> bool:
    """Whether a file of this size likely holds at least as many cases as the database: then
    rebuilding the secondary indexes after the import is cheaper than keeping them up."""
    stored = int(db.execute("SELECT count(*) FROM cases").fetchone()[0])
    return file_bytes // BYTES_A_RECORD >= stored


@dataclass(frozen=True)
class SetAside:
    """What an import of a large file leaves out while it writes (`set_aside`)."""

    indexes: list[str]  # the CREATE statements of the dropped indexes
    text_trigger: str | None  # the CREATE statement of the search text's insert trigger
    after_seq: int  # the cases numbered after this one are the import's new ones


def set_aside(store: Store) -> SetAside:
    """Drop the non-unique indexes of cases and lines, and the trigger that copies each new
    case's searchable text (migrations.py, schema 4), inside the caller's transaction: for
    `put_back` before the commit (a rollback brings them back by itself). The unique indexes
    stay: they keep uuids, codes and seqs unique."""
    db = store.db
    found: list[str] = []
    for table in _TABLES:
        for _, name, unique, *_ in db.execute(f"PRAGMA index_list({table})").fetchall():
            sql = db.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
                             (name,)).fetchone()
            if not unique and sql and sql[0]:
                found.append(str(sql[0]))
                db.execute(f'DROP INDEX "{name}"')
    trigger = db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                         (TEXT_TRIGGER,)).fetchone()
    if trigger:
        db.execute(f"DROP TRIGGER {TEXT_TRIGGER}")
    return SetAside(found, str(trigger[0]) if trigger else None, store._last_seq())


def put_back(db: Database, aside: SetAside) -> None:
    """The new cases' searchable text in one statement, then the trigger and the indexes again
    (one sort each: faster and denser than keeping them up row by row)."""
    if aside.text_trigger is not None:
        db.execute("INSERT INTO case_text (seq, case_code, notes) "
                   "SELECT seq, case_code, notes FROM cases WHERE seq > ?", (aside.after_seq,))
        db.execute(aside.text_trigger)
    for sql in aside.indexes:
        db.execute(sql)


class BulkInserts:
    """Buffered inserts of new cases. Call `flush` before any other write of the same
    transaction (and at its end): the buffered rows are not in the database until then.
    A buffered case whose code the database already holds is not written: its problem goes
    to `problems` (the import then writes nothing)."""

    def __init__(self, store: Store, problems: list[RecordProblem], size: int = BATCH) -> None:
        self.store, self.problems, self.size = store, problems, size
        self._cases: list[list[Any]] = []
        self._lines: list[Sequence[tuple[Any, ...]]] = []
        self._digests: list[bytes] = []
        self._positions: list[str] = []
        self.left_out: set[str] = set()  # the positions of the cases left out for their code
        self._first = self._seq = 0
        self._at = ""
        self._label: int | None = None

    def add(self, position: str, prep: Prepared) -> None:
        """Buffer one new case, prepared (import_records.prepare); a case the record gives no
        dates gets the time of its batch (its digest goes into the batch's audit row)."""
        if not self._cases:
            self._seq = self.store._last_seq()
            self._first, self._at = self._seq + 1, now()
            self._label = self.store._label_for_write() if self.store.recommend else None
        self._seq += 1
        uuid = prep.new_uuid
        created = prep.created_at or self._at
        updated = prep.updated_at or created
        if prep.recommend_failed:
            log.error("recommendation could not be computed for case %s (in an import): %s",
                      uuid, prep.recommend_failed)
        label = None if prep.recommend_failed else self._label
        self._cases.append([uuid, self._seq, prep.revision, created, updated, prep.deleted_at,
                            *prep.values, prep.node, prep.missing, label])
        self._lines.append(prep.lines)
        self._positions.append(position)
        self._digests.append(audit.digest_of_known(
            uuid=uuid, seq=self._seq, created_at=created, deleted_at=prep.deleted_at,
            known=prep.known, revision=prep.revision, updated_at=updated))
        if len(self._cases) >= self.size:
            self.flush()

    def flush(self) -> None:
        """Write what is buffered."""
        if not self._cases:
            return
        self._drop_codes_in_use()
        conn = self.store.db.conn
        if self._cases:
            conn.executemany(INSERT_CASE, self._cases)
            conn.executemany(INSERT_LINE, [row for rows in self._lines for row in rows])
            rows = audit.AuditBatch(self.store.db)
            rows.add({"at": self._at, "os_user": self.store.user,
                      "clinician": self.store.clinician, "case_uuid": None,
                      "action": "import", "revision": None,
                      "changes": audit.batch_text(self._first, self._digests)})
            rows.flush()
        self._cases, self._lines, self._digests, self._positions = [], [], [], []

    def check_codes(self) -> None:
        """The codes of the buffered cases checked, nothing written (an import that fails)."""
        if self._cases:
            self._drop_codes_in_use()

    def _drop_codes_in_use(self) -> None:
        """Leave out the buffered cases whose code a stored case has (one query a batch), each
        with its problem (the same sentence as a save's)."""
        code_at = CASE_ROW_COLUMNS.index("case_code")
        codes = [row[code_at] for row in self._cases]
        marks = ", ".join("?" * len(codes))
        used = {code: deleted for code, deleted in self.store.db.execute(
            f"SELECT case_code, deleted_at FROM cases WHERE case_code IN ({marks})", codes)}
        if not used:
            return
        keep = [i for i, code in enumerate(codes) if code not in used]
        for i, code in enumerate(codes):
            if code in used:
                self.left_out.add(self._positions[i])
                self.problems.append(RecordProblem(self._positions[i], code, "case_code",
                                                   code_used_message(code, bool(used[code]))))
        self._cases = [self._cases[i] for i in keep]
        self._lines = [self._lines[i] for i in keep]
        self._digests = [self._digests[i] for i in keep]
        self._positions = [self._positions[i] for i in keep]
