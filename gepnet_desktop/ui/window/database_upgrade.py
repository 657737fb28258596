"""An older database upgraded on a worker thread before the window opens it, under a progress
dialog that says what is happening (the copy aside, then each step by name). The window keeps
repainting meanwhile; the dialog has no Cancel: each step is one transaction.

The worker upgrades on a connection of its own and closes it; the window's normal open that
follows finds nothing left to migrate.
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


class DatabaseUpgrade(QObject):
    """One upgrade of the window's database; `labels` keeps every sentence it showed."""

    labelChanged = Signal(str)  # emitted on the worker, delivered on the GUI thread

    def __init__(self, parent: QWidget, lang: str) -> None:
        super().__init__(parent)
        self.setObjectName("databaseUpgrade")
        self._window = parent
        self.lang = lang
        self.labels: list[str] = []
        self._dialog: QProgressDialog | None = None
        self.labelChanged.connect(self._show)

    def _show(self, text: str) -> None:
        self.labels.append(text)
        if self._dialog is not None:
            self._dialog.setLabelText(f"{text}\n\n{tr('store.upgrade.no_cancel', self.lang)}")

    def run(self, path: Path, *, verify: bool) -> Path | None:
        """Upgrade `path` (the quick check first with `verify`), waiting in a local event loop
        so the window repaints; returns the copy kept aside. Raises what the open raised."""
        from ...store.upgrade import copy_sentence, step_sentence, upgrade

        lang = self.lang

        def job(progress: Progress) -> Path | None:
            def copied(done: int, total: int) -> None:
                self.labelChanged.emit(copy_sentence(lang, done, total))
                progress(done, total)

            def started(migration: Migration, number: int, count: int) -> None:
                self.labelChanged.emit(step_sentence(migration, number, count, lang))
                progress(number - 1, count)

            return upgrade(path, verify=verify, on_copy=copied, on_start=started)

        task = Task(tr("store.upgrade.title", lang), job, self)
        dialog = progress_dialog(self._window, task, copy_sentence(lang), None, 0)
        dialog.setObjectName("databaseUpgradeDialog")
        self._dialog = dialog
        self._show(copy_sentence(lang))
        loop = QEventLoop(self)
        task.finished.connect(loop.quit)
        task.start()
        dialog.show()
        loop.exec()
        self._dialog = None
        dialog.reset()
        dialog.deleteLater()
        if task.outcome != "succeeded":
            raise task.error or RuntimeError("the upgrade did not finish")
        log.info("database upgraded on a worker thread")
        result: Path | None = task.result
        return result
