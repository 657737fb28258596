"""Exchange files: export of cases as JSON or CSV (formats: exchange_format.py), exactly
round-tripping with import (exchange_import.py).
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .cases import CaseQuery, Store
from .db import read_transaction
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
                 progress: Progress | None = None, *, include_deleted: bool = False) -> int:
    """Write every case to `path`; returns how many. The audit trail is not exported.

    Deleted cases are left out, unless `include_deleted`: then they are written too, and every
    record carries `deleted_at` (null when not deleted), which import keeps. The file appears
    only when complete: a cancel (progress returning False) or an error leaves no file. Cases
    are read from one consistent snapshot.
    """
    path = Path(path).expanduser().resolve()
    fmt = format_for(path, fmt)
    if path.is_dir():
        raise StoreError(f"{path} is a folder; give the name of the file to write.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".partial")
    except OSError as exc:
        raise StoreError(f"{path}: cannot be written ({exc.strerror or exc}).") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8" if fmt == "json" else CSV_ENCODING,
                       newline="") as fh, read_transaction(store.db):
            total = store.count(CaseQuery(include_deleted=include_deleted))
            cases = _with_progress(store.iter_cases_with_state(include_deleted=include_deleted),
                                   total, progress)
            write = write_json if fmt == "json" else write_csv
            n = write(fh, cases, with_deleted=include_deleted,
                      decisions=_decisions_of(store, include_deleted))
        os.replace(tmp, path)
    except OSError as exc:
        raise StoreError(f"{path}: cannot be written ({exc.strerror or exc}); check the "
                         "folder and free space.") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
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


def _with_progress(cases: Iterable[StoredCase], total: int, progress: Progress | None
                   ) -> Iterable[StoredCase]:
    for i, case in enumerate(cases, start=1):
        yield case
        if (i % 100 == 0 or i == total) and not keep_going(progress, i, total):
            raise Cancelled("The export was cancelled; no file was written.")


__all__ = ["CSV_COLUMNS", "FORMATS", "ImportReport", "RecordNote", "export_cases",
           "import_cases", "read_records"]
