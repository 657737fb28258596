"""The slow part of opening the window's database on a worker thread: SQLite's quick check and,
for an older file, the upgrade, under a progress dialog that says what is happening (the check,
the copy aside, then each step by name). The window keeps repainting meanwhile; the dialog has
no Cancel: each upgrade step is one transaction.

The worker opens the file on a connection of its own and closes it; the window's normal open
that follows finds nothing left to check or migrate.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, QObject, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from ...i18n import tr
from .tasks import Task, progress_dialog

if TYPE_CHECKING:
    from ...store.migrations import Migration
    from ...store.progress import Progress

log = logging.getLogger(__name__)

CHECK_SHOWN_AFTER_MS = 400  # a quick check shows its dialog only when it takes a while


class DatabaseUpgrade(QObject):
    """One check-and-upgrade of the window's database; `labels` keeps every sentence it
    showed."""

    labelChanged = Signal(str)  # emitted on the worker, delivered on the GUI thread

    def __init__(self, parent: QWidget, lang: str) -> None:
        super().__init__(parent)
        self.setObjectName("databaseUpgrade")
        self._window = parent
        self.lang = lang
        self.labels: list[str] = []
        self._dialog: QProgressDialog | None = None
        self._note = ""
        self.labelChanged.connect(self._show)

    def _show(self, text: str) -> None:
        self.labels.append(text)
        if self._dialog is not None:
            self._dialog.setLabelText(f"{text}\n\n{self._note}" if self._note else text)

    def run(self, path: Path, *, verify: bool, upgrading: bool) -> Path | None:
        """Open `path` on a worker (the quick check first with `verify`; the upgrade when
        `upgrading`), waiting in a local event loop so the window repaints; returns the copy
        kept aside by an upgrade. Raises what the open raised."""
        from ...store.upgrade import check_sentence, copy_sentence, step_sentence, upgrade

        lang = self.lang

        def job(progress: Progress) -> Path | None:
            def copied(done: int, total: int) -> None:
                self.labelChanged.emit(copy_sentence(lang, done, total))
                progress(done, total)

            def started(migration: Migration, number: int, count: int) -> None:
                self.labelChanged.emit(step_sentence(migration, number, count, lang))
                progress(number - 1, count)

            aside = upgrade(path, verify=verify, on_copy=copied, on_start=started)
            progress(1, 1)
            return aside

        name = tr("store.upgrade.title" if upgrading else "store.upgrade.checking", lang)
        task = Task(name, job, self)
        first = check_sentence(lang) if verify else copy_sentence(lang)
        self._note = tr("store.upgrade.no_cancel", lang) if upgrading else ""
        dialog = progress_dialog(self._window, task, first, None,
                                 0 if upgrading else CHECK_SHOWN_AFTER_MS)
        dialog.setObjectName("databaseUpgradeDialog")
        self._dialog = dialog
        self._show(first)
        loop = QEventLoop(self)
        task.finished.connect(loop.quit)
        task.start()
        if upgrading:
            dialog.show()
        loop.exec()
        self._dialog = None
        dialog.reset()
        dialog.deleteLater()
        if task.outcome != "succeeded":
            raise task.error or RuntimeError("the database was not opened")
        result: Path | None = task.result
        if result is not None:
            log.info("database upgraded on a worker thread")
        return result
