"""Autosaved drafts of the case being edited, so that a crash loses at most the field being typed.

`DraftStore` keeps one JSON file per draft key in a folder of the data dir (`drafts/`), each
written atomically (a temporary file in the same folder, flushed to disk, then `os.replace`).
`DraftAutosaver` watches a `CaseForm`: while the form is dirty it saves the form's data at most
`delay_ms` after an edit, at once when the user moves on to another field, and it removes its
draft when the form becomes clean again (saved, reverted, or another case loaded). At the next
start the main window reads `DraftStore.load_all()` and offers to restore each draft.

Drafts hold the case as typed, identifiers included, like the database beside them; their file
names are the case's uuid (or "new") and nothing about them is logged but the key.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

from .. import paths

if TYPE_CHECKING:
    from .case_form import CaseForm

log = logging.getLogger(__name__)

SUFFIX = ".draft.json"
FORMAT = 1
_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")


def default_folder() -> Path:
    """The drafts folder in the data dir."""
    return paths.data_dir() / "drafts"


class DraftStore:
    """Drafts on disk: one file per key (a case uuid, or "new")."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def path(self, key: str) -> Path:
        """The file of a draft; keys are letters, digits, "-" and "_" (a uuid, "new")."""
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise ValueError(f"draft key {key!r} is not allowed; allowed: 1 to 64 letters, "
                             "digits, '-' or '_' (a case uuid, or 'new')")
        return self.folder / f"{key}{SUFFIX}"

    def save(self, key: str, data: dict[str, Any]) -> None:
        """Write the draft of `key` atomically: the old draft or the new one, never half."""
        target = self.path(key)
        self.folder.mkdir(parents=True, exist_ok=True)
        payload = {"format": FORMAT, "key": key,
                   "saved_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                   "data": data}
        text = json.dumps(payload, ensure_ascii=False, indent=1)
        handle, temp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise

    def load_all(self) -> list[tuple[str, dict[str, Any]]]:
        """Every readable draft (oldest first), as (key, case data); unreadable ones are
        logged by file name and skipped."""
        if not self.folder.is_dir():
            return []
        found: list[tuple[float, str, dict[str, Any]]] = []
        for file in self.folder.glob(f"*{SUFFIX}"):
            key = file.name[: -len(SUFFIX)]
            try:
                payload = json.loads(file.read_text(encoding="utf-8"))
                data = payload["data"]
                if not isinstance(data, dict) or payload.get("key") != key:
                    raise ValueError("not a draft")
                found.append((file.stat().st_mtime, key, data))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                log.warning("draft file %s could not be read (%s); skipped", file.name,
                            type(exc).__name__)
        found.sort(key=lambda item: (item[0], item[1]))
        return [(key, data) for _mtime, key, data in found]

    def discard(self, key: str) -> None:
        """Remove the draft of `key` (nothing happens when there is none)."""
        with contextlib.suppress(FileNotFoundError):
            self.path(key).unlink()


class DraftAutosaver(QObject):
    """Saves `form`'s draft while it is dirty; removes it when the form is clean again."""

    def __init__(self, form: CaseForm, store: DraftStore, delay_ms: int = 300,
                 parent: QObject | None = None) -> None:
        super().__init__(parent or form)
        self.form = form
        self.store = store
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.flush)
        self._pending: str | None = None
        self._saved_key: str | None = None
        form.fieldEdited.connect(self._on_edit)
        form.dirtyChanged.connect(self._on_dirty)

    def _on_edit(self, key: str) -> None:
        if self._pending is not None and key != self._pending:
            self.flush()  # the previous field is complete: keep it now
        self._pending = key
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        """Write the draft now (when the form has unsaved changes)."""
        self._timer.stop()
        self._pending = None
        if not self.form.is_dirty():
            return
        key = self.form.draft_key()
        try:
            self.store.save(key, self.form.data())
        except OSError as exc:
            log.error("draft %s could not be written: %s", key, type(exc).__name__)
            return
        if self._saved_key not in (None, key):
            self.store.discard(self._saved_key)
        self._saved_key = key

    def _on_dirty(self, dirty: bool) -> None:
        if dirty:
            if not self._timer.isActive():
                self._timer.start()
            return
        self._timer.stop()
        self._pending = None
        if self._saved_key is not None:
            self.store.discard(self._saved_key)
            self._saved_key = None
