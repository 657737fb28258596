"""Autosaved drafts of the case being edited, so that a crash loses at most the field being typed.

`DraftStore` keeps one JSON file per draft key in a folder of the data dir (`drafts/`), each
written atomically (`safe_files.write_text`: a private temporary file, flushed, renamed).
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
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from ... import paths
from ...safe_files import WriteRefused, write_text

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
        try:
            write_text(target, text, replace=True)
        except WriteRefused as exc:  # a link or a folder where the draft goes
            raise OSError(str(exc)) from None

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
    """Saves `form`'s draft while it is dirty; removes it when the form is clean again.

    `failed(reason)` is emitted when a draft cannot be written (the edits are then not
    protected against a crash: the window says so), `protected()` when one is written again.
    """

    failed = Signal(str)
    protected = Signal()

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
        self.unprotected = False  # the last draft could not be written
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
            self.unprotected = True
            self.failed.emit(_reason(exc, self.store.folder))
            return
        if self.unprotected:
            self.unprotected = False
            self.protected.emit()
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
        if self.unprotected:  # saved or discarded: nothing is at risk any more
            self.unprotected = False
            self.protected.emit()
        if self._saved_key is not None:
            with contextlib.suppress(OSError):
                self.store.discard(self._saved_key)
            self._saved_key = None


def _reason(exc: OSError, folder: Path) -> str:
    """Why a draft could not be written, naming the folder."""
    return f"{folder}: {exc.strerror or exc}"
