"""Waiting for work the window must finish before it closes (the automatic backup at close):
the work runs on a worker thread while a progress dialog, without a Cancel button, shows how
far it is; the window keeps repainting instead of freezing."""

from __future__ import annotations

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QWidget

from .tasks import Job, Task, progress_dialog


def wait_with_progress(parent: QWidget, name: str, label: str, job: Job, *,
                       min_duration_ms: int = 300) -> Task:
    """Run `job(progress)` on a worker and wait for it, the event loop running; the dialog
    shows when it takes longer than `min_duration_ms`. Returns the ended task (its outcome,
    result or error)."""
    task = Task(name, job, parent)
    dialog = progress_dialog(parent, task, label, None, min_duration_ms)
    loop = QEventLoop()
    task.finished.connect(loop.quit)
    task.start()
    loop.exec()
    dialog.reset()
    dialog.deleteLater()
    return task


__all__ = ["wait_with_progress"]
