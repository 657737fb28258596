"""Exchange files: export of cases as JSON or CSV (formats: exchange_format.py), exactly
round-tripping with import (exchange_import.py).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..safe_files import WriteRefused, atomic_open, check_target
from . import audit
from .cases import CaseQuery, Store, now
from .db import read_transaction, write_transaction
from .decisions import has_decisions, list_decisions
from .errors import Cancelled, StoreError
from .exchange_format import (
    CSV_COLUMNS,
    CSV_ENCODING,
    FORMATS,
    DecisionsOf,
    StoredCase,
    format_for,
    read_records,
    write_csv,
    write_json,
)
from .exchange_import import ImportReport, RecordNote, import_cases
from .progress import Progress, keep_going

log = logging.getLogger(__name__)


def export_cases(store: Store, path: str | Path, fmt: str | None = None,
                 progress: Progress | None = None, *, include_deleted: bool = False,
                 replace: bool = False) -> int:
    """Write every case to `path`; returns how many. The audit trail is not exported, but the
    export is recorded in it (file, SHA-256, count; no case codes).

    Deleted cases are left out, unless `include_deleted`: then they are written too, and every
    record carries `deleted_at` (null when not deleted), which import keeps. The file appears
    only when complete: a cancel (progress returning False) or an error leaves no file. Cases
    are read from one consistent snapshot. An existing file is replaced only with `replace`,
    and never the database, its -wal/-shm, a backup or a symbolic link (safe_files).
    """
    path = Path(os.path.abspath(Path(path).expanduser()))  # a final link is refused, not followed
    fmt = format_for(path, fmt)
    try:
        if not path.is_symlink() and not path.is_dir():
            path.parent.mkdir(parents=True, exist_ok=True)
        check_target(path, replace=replace)
    except OSError as exc:
        raise StoreError(f"{path}: cannot be written ({exc.strerror or exc}).") from None
    except WriteRefused as exc:
        raise StoreError(str(exc)) from None
    try:
        with atomic_open(path, "w", replace=replace,
                         encoding="utf-8" if fmt == "json" else CSV_ENCODING,
                         newline="") as fh, read_transaction(store.db):
            total = store.count(CaseQuery(include_deleted=include_deleted))
            cases = _with_progress(store.iter_cases_with_state(include_deleted=include_deleted),
                                   total, progress)
            write = write_json if fmt == "json" else write_csv
            n = write(fh, cases, with_deleted=include_deleted,
                      decisions=_decisions_of(store, include_deleted))
            upto = store.db.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0]
    except WriteRefused as exc:
        raise StoreError(str(exc)) from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot be written ({exc.strerror or exc}); check the "
                         "folder and free space.") from None
    _record_export(store, path, fmt, n, include_deleted, int(upto))
    log.info("exported %d cases as %s", n, fmt)
    return n


def _decisions_of(store: Store, include_deleted: bool) -> DecisionsOf | None:
    """The board decisions of each exported case (None when the file carries none)."""
    if not has_decisions(store, include_deleted=include_deleted):
        return None

    def of(case_uuid: str) -> list[dict[str, Any]]:
        return [d.to_dict(with_deleted=include_deleted) for d in
                list_decisions(store, case_uuid, include_deleted=include_deleted)]

    return of


def _record_export(store: Store, path: Path, fmt: str, n: int, include_deleted: bool,
                   upto: int) -> None:
    """The export as an audit row: the file, its SHA-256, how many cases and the audit row
    their state is from (no case codes). When it cannot be recorded, the file is removed."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    details = {"file": str(path), "format": fmt, "cases": n, "include_deleted": include_deleted,
               "sha256": digest.hexdigest(), "as_of_audit_row": upto}
    try:
        with write_transaction(store.db):
            audit.record_event(store.db, at=now(), user=store.user, action="export",
                               details=details, clinician=store.clinician)
    except StoreError as exc:
        path.unlink(missing_ok=True)
        raise StoreError(f"{path}: the export could not be recorded in the audit trail, so the "
                         f"file was removed. {exc}") from None


def _with_progress(cases: Iterable[StoredCase], total: int, progress: Progress | None
                   ) -> Iterable[StoredCase]:
    for i, case in enumerate(cases, start=1):
        yield case
        if (i % 100 == 0 or i == total) and not keep_going(progress, i, total):
            raise Cancelled("The export was cancelled; no file was written.")


__all__ = ["CSV_COLUMNS", "FORMATS", "ImportReport", "RecordNote", "export_cases",
           "import_cases", "read_records"]
