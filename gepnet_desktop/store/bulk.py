"""New cases written in batches inside the caller's transaction: the rows of `cases` and
`lines` each with one executemany per batch, and one `import` audit row for the batch (the
cases' digests, audit.py) (an import of many cases)."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from ..case import Case
from . import audit
from .cases import Store
from .rows import LINE_SELECT, content, line_rows

BATCH = 1000
BYTES_A_RECORD = 400  # about the least an exported case takes in a file (for an estimate)
_TABLES = ("cases", "lines")


def large_against(db: Database, file_bytes: int) -> bool:
    """Whether a file of this size likely holds at least as many cases as the database: then
    rebuilding the secondary indexes after the import is cheaper than keeping them up."""
    stored = int(db.execute("SELECT count(*) FROM cases").fetchone()[0])
    return file_bytes // BYTES_A_RECORD >= stored


def drop_secondary_indexes(db: Database) -> list[str]:
    """Drop the non-unique indexes of cases and lines inside the caller's transaction and
    return their CREATE statements, for `recreate` before the commit (a rollback brings them
    back by itself). The unique ones stay: they keep uuids, codes and seqs unique."""
    found: list[str] = []
    for table in _TABLES:
        for _, name, unique, *_ in db.execute(f"PRAGMA index_list({table})").fetchall():
            sql = db.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
                             (name,)).fetchone()
            if not unique and sql and sql[0]:
                found.append(str(sql[0]))
                db.execute(f'DROP INDEX "{name}"')
    return found


def recreate(db: Database, statements: list[str]) -> None:
    """Build the dropped indexes again (one sort each: faster and denser than keeping them)."""
    for sql in statements:
        db.execute(sql)


class BulkInserts:
    """Buffered inserts of new cases. Call `flush` before any other write of the same
    transaction (and at its end): the buffered rows are not in the database until then."""

    def __init__(self, store: Store, size: int = BATCH) -> None:
        self.store, self.size = store, size
        self._cols: list[str] = []
        self._cases: list[list[object]] = []
        self._lines: list[tuple[Any, ...]] = []
        self._digests: list[bytes] = []
        self._first = self._seq = 0
        self._at = ""
        self._label: int | None = None

    def add(self, case: Case, *, uuid: str, revision: int, created_at: str, updated_at: str,
            deleted_at: str | None, at: str) -> None:
        """Buffer one new case (its digest goes into the batch's audit row)."""
        if not self._cases:
            self._seq = self.store._last_seq()
            self._first, self._at = self._seq + 1, at
            self._label = self.store._label_for_write()  # one look-up a batch
        self._seq += 1
        self._cols, values = self.store._case_row(
            case, uuid=uuid, seq=self._seq, revision=revision, created_at=created_at,
            updated_at=updated_at, deleted_at=deleted_at, label=self._label)
        self._cases.append(values)
        self._lines += line_rows(uuid, case.lines)
        self._digests.append(audit.import_digest(
            uuid=uuid, seq=self._seq, created_at=created_at, deleted_at=deleted_at,
            values=content(case), revision=revision, updated_at=updated_at))
        if len(self._cases) >= self.size:
            self.flush()

    def flush(self) -> None:
        """Write what is buffered."""
        if not self._cases:
            return
        conn = self.store.db.conn
        conn.executemany(f"INSERT INTO cases ({', '.join(self._cols)}) "
                         f"VALUES ({', '.join('?' * len(self._cols))})", self._cases)
        if self._lines:
            conn.executemany(
                f"INSERT INTO lines (case_uuid, position, {LINE_SELECT.split(', ', 1)[1]}) "
                f"VALUES ({', '.join('?' * len(self._lines[0]))})", self._lines)
        rows = audit.AuditBatch(self.store.db)
        rows.add({"at": self._at, "os_user": self.store.user, "clinician": self.store.clinician,
                  "case_uuid": None, "action": "import", "revision": None,
                  "changes": audit.batch_text(self._first, self._digests)})
        rows.flush()
        self._cases, self._lines, self._digests = [], [], []
