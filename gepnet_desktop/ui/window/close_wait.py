"""Waiting for work the window must finish before it closes (the automatic backup at close):
the work runs on a worker thread while a progress dialog, without a Cancel button, shows how
far it is; the window keeps repainting instead of freezing."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from .tasks import Job, Task


def wait_with_progress(parent: QWidget, name: str, label: str, job: Job, *,
                       min_duration_ms: int = 300) -> Task:
    """Run `job(progress)` on a worker and wait for it, the event loop running; the dialog
    shows when it takes longer than `min_duration_ms`. Returns the ended task (its outcome,
    result or error)."""
    task = Task(name, job, parent)
    dialog = QProgressDialog(label, "", 0, 0, parent)  # busy until a total is known
    dialog.setCancelButton(None)  # the backup always completes
    dialog.setWindowTitle(name)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(min_duration_ms)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setValue(0)

    def show_progress(done: Any, total: Any) -> None:
        if total > 0:  # in thousandths: any total fits the dialog's int range
            dialog.setMaximum(1000)
            dialog.setValue(min(1000, done * 1000 // total))

    loop = QEventLoop()
    task.progressed.connect(show_progress)
    task.finished.connect(loop.quit)
    task.start()
    loop.exec()
    dialog.reset()
    dialog.deleteLater()
    return task


__all__ = ["wait_with_progress"]
