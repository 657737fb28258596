"""New cases written in batches inside the caller's transaction: the rows of `cases`, `lines`
and `audit` each with one executemany per batch (an import of many cases)."""

from __future__ import annotations

from typing import Any

from ..case import Case
from . import audit
from .cases import Store
from .rows import LINE_SELECT, line_rows

BATCH = 500


class BulkInserts:
    """Buffered inserts of new cases. Call `flush` before any other write of the same
    transaction (and at its end): the buffered rows are not in the database until then."""

    def __init__(self, store: Store, size: int = BATCH) -> None:
        self.store, self.size = store, size
        self._cols: list[str] = []
        self._cases: list[list[object]] = []
        self._lines: list[tuple[Any, ...]] = []
        self._audit: audit.AuditBatch | None = None
        self._seq: int | None = None

    def add(self, case: Case, *, uuid: str, revision: int, created_at: str, updated_at: str,
            deleted_at: str | None, at: str, changes: dict[str, dict[str, Any]]) -> None:
        """Buffer one new case and its `import` audit row."""
        db = self.store.db
        if self._seq is None:
            self._seq = int(db.execute("SELECT coalesce(max(seq), 0) FROM cases").fetchone()[0])
            self._audit = audit.AuditBatch(db)
        self._seq += 1
        self._cols, values = self.store._case_row(
            case, uuid=uuid, seq=self._seq, revision=revision, created_at=created_at,
            updated_at=updated_at, deleted_at=deleted_at)
        self._cases.append(values)
        self._lines += line_rows(uuid, case.lines)
        assert self._audit is not None
        self._audit.add(audit.case_row(at=at, user=self.store.user, case_uuid=uuid,
                                       action="import", revision=revision, changes=changes,
                                       clinician=self.store.clinician))
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
        assert self._audit is not None
        self._audit.flush()
        self._cases, self._lines, self._audit, self._seq = [], [], None, None
