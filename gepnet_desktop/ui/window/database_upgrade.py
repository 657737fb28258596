"""The slow part of opening the window's database on a worker thread: SQLite's quick check and,
for an older file, the upgrade (after a restore of a backup the restore too), under a progress
dialog that says what is happening (the restore, the check, the copy aside, then each step by
name). The window keeps repainting meanwhile but takes no input and refuses to close; the
dialog has no Cancel: each upgrade step is one transaction. When the application quits
meanwhile, the open still waits for the worker to end.

The worker opens the file on a connection of its own and closes it; the window's normal open
that follows finds nothing left to check or migrate.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QEventLoop, QObject, Signal
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
    stepStarted = Signal(int, int)  # the bar's value and maximum as a step starts (likewise)

    def __init__(self, parent: QWidget, lang: str) -> None:
        super().__init__(parent)
        self.setObjectName("databaseUpgrade")
        self._window = parent
        self.lang = lang
        self.labels: list[str] = []
        self._dialog: QProgressDialog | None = None
        self._note = ""
        self.labelChanged.connect(self._show)
        self.stepStarted.connect(self._step)

    def _show(self, text: str) -> None:
        self.labels.append(text)
        if self._dialog is not None:
            self._dialog.setLabelText(f"{text}\n\n{self._note}" if self._note else text)

    def _step(self, value: int, maximum: int) -> None:
        """Each step moves the bar (never thinned out as the copy's many reports are)."""
        if self._dialog is not None:
            self._dialog.setMaximum(maximum)
            self._dialog.setValue(value)

    def run(self, path: Path, *, verify: bool, upgrading: bool,
            restore: Path | None = None) -> Path | None:
        """Open `path` on a worker (first the restore of the backup `restore`, if given; the
        quick check with `verify`; the upgrade when `upgrading`), waiting in a local event loop
        so the window repaints; returns the copy kept aside by an upgrade. Raises what the
        restore or the open raised."""
        from ...store import restore_database
        from ...store.upgrade import (
            check_sentence,
            copy_sentence,
            pending_migrations,
            step_sentence,
            upgrade,
        )

        lang = self.lang

        def job(progress: Progress) -> Path | None:
            # One bar for the whole upgrade: the copy aside is its first share, each step one
            # more (the bar never runs to the end for the copy and back for the steps).
            share = 1000
            whole: list[int] = []

            def scale() -> int:
                if not whole:
                    whole.append(share * (len(pending_migrations(path)) + 1))
                return whole[0]

            def copied(done: int, total: int) -> None:
                self.labelChanged.emit(copy_sentence(lang, done, total))
                progress(share * done // max(total, 1), scale())

            def started(migration: Migration, number: int, count: int) -> None:
                self.labelChanged.emit(step_sentence(migration, number, count, lang))
                self.stepStarted.emit(share * number, share * (count + 1))

            if restore is not None:
                restore_database(path, restore, progress)
                if verify:
                    self.labelChanged.emit(check_sentence(lang))
            aside = upgrade(path, verify=verify, on_copy=copied, on_start=started)
            progress(1, 1)
            return aside

        at_once = upgrading or restore is not None  # a quick check alone may take no time
        if restore is not None:
            name = tr("ui.task.restore", lang)
            first = tr("store.upgrade.restoring", lang, file=restore.name)
        else:
            name = tr("store.upgrade.title" if upgrading else "store.upgrade.checking", lang)
            first = check_sentence(lang) if verify else copy_sentence(lang)
        task = Task(name, job, self)
        self._note = tr("store.upgrade.no_cancel", lang) if upgrading else ""
        dialog = progress_dialog(self._window, task, first, None,
                                 0 if at_once else CHECK_SHOWN_AFTER_MS)
        dialog.setObjectName("databaseUpgradeDialog")
        self._dialog = dialog
        self._show(first)
        self._wait(task, dialog, at_once)
        if task.error is not None:
            raise task.error
        result: Path | None = task.result
        if result is not None:
            log.info("database upgraded on a worker thread")
        return result

    def _wait(self, task: Task, dialog: QProgressDialog, show: bool) -> None:
        """Run `task` and wait for its end, the event loop running, the window disabled (no
        input reaches it) and refusing to close; `show`: the dialog at once."""
        window = self._window
        enabled = window.isEnabled()
        window.setEnabled(False)
        dialog.setEnabled(True)  # a window of its own: not greyed with the main window
        window.installEventFilter(self)
        loop = QEventLoop(self)
        task.finished.connect(loop.quit)
        try:
            task.start()
            if show:
                dialog.show()
            loop.exec()
            if task.is_running():  # the application quits: its event loops end at once
                log.info("the application quits while the database is opened; waiting")
                task.wait()
        finally:
            window.removeEventFilter(self)
            window.setEnabled(enabled)
            self._dialog = None
            dialog.reset()
            dialog.deleteLater()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """While the open runs the window refuses to close (the dialog shows why)."""
        if watched is self._window and event.type() == QEvent.Type.Close:
            event.ignore()
            if self._dialog is not None:
                self._dialog.show()
            return True
        return super().eventFilter(watched, event)
