"""Long work (import, export, backup, restore) on a worker thread, with progress and Cancel.

A job is a function `job(progress) -> result`, where `progress(done, total) -> bool` reports how
far it got and returns False once the user pressed Cancel (the store's exchange and backup
functions take exactly this callback). The job must open its own store connection: SQLite
connections belong to the thread that made them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from ...i18n import tr
from ...logs import log_exception

if TYPE_CHECKING:  # the store loads after the window is first shown
    from ...store.progress import Progress

log = logging.getLogger(__name__)

Job = Callable[["Progress"], Any]


class _Worker(QThread):
    def __init__(self, task: Task) -> None:
        super().__init__()
        self._task = task

    def run(self) -> None:
        self._task._run_job()


class Task(QObject):
    """One job on its own thread. Connect to the signals, then `start()`.

    Exactly one of `succeeded(result)` (the job returned, even after a late Cancel),
    `failed(exception)` or `cancelled()` (the job raised the store's `Cancelled`) is emitted,
    then `finished()`; all are delivered on the GUI thread.
    """

    progressed = Signal(object, object)  # done, total (Python ints: no 32-bit limit)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    finished = Signal()

    def __init__(self, name: str, job: Job, parent: QObject | None = None, *,
                 min_interval: float = 0.05) -> None:
        super().__init__(parent)
        self.name = name
        self._job = job
        self._cancel = threading.Event()
        self._min_interval = min_interval
        self._last_emit = 0.0
        self._thread = _Worker(self)
        self._thread.finished.connect(self._on_thread_finished)
        self.outcome: str | None = None  # "succeeded", "failed", "cancelled" once finished
        self.result: Any = None
        self.error: BaseException | None = None

    def start(self) -> None:
        """Run the job on its thread."""
        self._thread.start()

    def cancel(self) -> None:
        """Ask the job to stop: its next `progress()` call returns False."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def wait(self, msecs: int = -1) -> bool:
        """Block until the thread ends (used at close); True when it has ended."""
        if msecs < 0:
            return self._thread.wait()
        return self._thread.wait(msecs)

    def _progress(self, done: int, total: int) -> bool:
        now = time.monotonic()
        if done >= total or now - self._last_emit >= self._min_interval:
            self._last_emit = now
            self.progressed.emit(done, total)
        return not self._cancel.is_set()

    def _run_job(self) -> None:
        # A job that returns did its work, even when Cancel came too late to stop it (an
        # import after its commit); one that stopped raises the store's Cancelled.
        try:
            self.result = self._job(self._progress)
            self.outcome = "succeeded"
        except BaseException as exc:  # reported on the GUI thread as a sentence
            from ...store import Cancelled

            self.error = exc
            self.outcome = "cancelled" if isinstance(exc, Cancelled) else "failed"
            if self.outcome == "failed":
                log_exception(log, f"task {self.name} failed", exc)

    def _on_thread_finished(self) -> None:
        if self.outcome == "succeeded":
            self.succeeded.emit(self.result)
        elif self.outcome == "cancelled":
            self.cancelled.emit()
        else:
            self.failed.emit(self.error)
        self.finished.emit()


def failure_sentence(exc: BaseException | None, lang: str = "en") -> str:
    """What to tell the user about a failed job: a store error's or OS error's own sentence;
    for anything else its kind and where the log with the details is."""
    from ... import paths
    from ...store import StoreError

    if isinstance(exc, StoreError | OSError):
        return str(exc)
    return tr("ui.task.failed_kind", lang, kind=type(exc).__name__, log=paths.log_file())


def progress_dialog(parent: QWidget, task: Task, label: str, cancel_text: str | None,
                    min_duration_ms: int) -> QProgressDialog:
    """A window-modal dialog following `task`'s progress (busy until a total is known),
    shown when the task runs longer than `min_duration_ms`; without a Cancel button when
    `cancel_text` is None."""
    dialog = QProgressDialog(label, cancel_text or "", 0, 0, parent)
    if cancel_text is None:
        dialog.setCancelButton(None)
    dialog.setWindowTitle(task.name)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(min_duration_ms)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setValue(0)

    def show_progress(done: int, total: int) -> None:
        if total > 0:  # in thousandths: any total fits the dialog's int range
            dialog.setMaximum(1000)
            dialog.setValue(min(1000, done * 1000 // total))

    task.progressed.connect(show_progress)
    return dialog


def run_with_progress(parent: QWidget, name: str, label: str, job: Job, *,
                      cancel_text: str = "Cancel", min_duration_ms: int = 400) -> Task:
    """Start `job` on a worker thread with a window-modal progress dialog that can cancel it.

    The dialog appears only when the job runs longer than `min_duration_ms`; it closes itself
    when the job ends. Returns the started task (connect to its signals before the event loop
    runs again; they are queued).
    """
    task = Task(name, job, parent)
    dialog = progress_dialog(parent, task, label, cancel_text, min_duration_ms)
    dialog.canceled.connect(task.cancel)
    task.finished.connect(dialog.reset)
    task.finished.connect(dialog.deleteLater)
    task.dialog = dialog  # type: ignore[attr-defined]
    task.start()
    return task
