"""What the main window does for a database it opens: bring the stored recommendations up to
date after a pathway version change (on a worker, progress in the status bar), and offer the
fictitious demonstration cases at the first start (again from Help at any time).

A part of the main window: it receives the window's database, settings and prompts, and says
through signals what the others show.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QProgressBar, QWidget

from ...i18n import tr
from . import dialogs
from .database import OpenDatabase
from .settings import AppSettings
from .tasks import Task, failure_sentence

log = logging.getLogger(__name__)


class DatabaseUpkeep(QObject):
    """Stored recommendations kept current; the demonstration cases. It owns the status bar's
    progress bar of the background update (`refresh_bar`)."""

    recommendationsRefreshed = Signal(str, int)  # outcome, rows recomputed
    casesChanged = Signal()     # cases were added or their recommendations recomputed
    message = Signal(str, int)  # a sentence for the status bar, and for how long (ms)

    def __init__(self, db: OpenDatabase, settings: AppSettings, prompts: dialogs.Prompts,
                 lang: str, window: QWidget) -> None:
        super().__init__(window)
        self._db = db
        self.settings = settings
        self.prompts = prompts
        self.lang = lang
        self._window = window  # the parent of dialogs
        self.tasks: list[Task] = []
        self._refresh_task: Task | None = None
        bar = self.refresh_bar = QProgressBar(window)
        bar.setObjectName("refreshProgress")
        bar.setRange(0, 1000)
        bar.setFormat(tr("ui.status.refreshing", lang))
        bar.setToolTip(tr("ui.status.refreshing_tip", lang))
        bar.setMaximumWidth(bar.fontMetrics().horizontalAdvance(bar.format()) + 60)
        bar.hide()

    def refresh_recommendations(self) -> Task:
        """Recompute, on a worker thread with its own connection, the stored recommendation of
        the cases computed by another pathway version (after the pathway data changed: about
        6 s at 100,000 cases). Progress shows in the status bar; the list refreshes at the end.
        """
        self.stop_refresh()
        opener, db_path = self._db.opener, self._db.path

        def job(progress: Any) -> int:
            store = opener(db_path)
            try:
                stale = store.stale_count()
                if not stale or store.read_only:  # a damaged file opened read-only: no writes
                    return 0
                log.info("recomputing the recommendation of %d cases", stale)
                progress(0, stale)
                return store.refresh_derived(progress)
            finally:
                store.close()

        task = Task("refresh-recommendations", job, self)
        self.tasks.append(task)
        self._refresh_task = task
        task.progressed.connect(self._show_refresh_progress)

        def finished() -> None:
            if task in self.tasks:
                self.tasks.remove(task)
            if self._refresh_task is task:
                self._refresh_task = None
                self.refresh_bar.hide()
            done = task.result if task.outcome == "succeeded" else 0
            # stopped by the window (another database, a restore): what was done is kept; the
            # window refreshes the list itself, the rest is done at the next start
            if task.outcome == "succeeded" and done and not task.is_cancelled():
                self.casesChanged.emit()
                self.message.emit(tr("ui.status.refreshed", self.lang, n=done), 10000)
            elif task.outcome == "failed":
                self.message.emit(tr("ui.status.refresh_failed", self.lang,
                                     reason=failure_sentence(task.error, self.lang)), 30000)
            self.recommendationsRefreshed.emit(task.outcome or "failed", done or 0)

        task.finished.connect(finished)
        task.start()
        return task

    def _show_refresh_progress(self, done: int, total: int) -> None:
        if total > 0 and done < total:
            self.refresh_bar.setValue(min(1000, done * 1000 // total))
            self.refresh_bar.show()

    def stop_refresh(self) -> None:
        """Stop the background update after its current batch (each batch is committed; the
        rest is done at the next start)."""
        task = self._refresh_task
        if task is not None:
            task.cancel()
            task.wait()

    def offer_demo_cases(self) -> bool:
        """At the first start on an empty database (no case, not even a deleted one), ask once
        whether to load the fictitious demonstration cases; True when they were loaded."""
        store = self._db.store
        if store is None or self.settings.demo_offered or store.read_only:
            return False
        from ... import demo
        from ...store import CaseQuery

        if store.count(CaseQuery(include_deleted=True)):
            return False
        self.settings.demo_offered = True  # asked once, whatever the answer
        self.settings.sync()
        try:
            n = len(demo.demo_cases())
        except demo.DemoDataError as exc:
            log.error("demonstration cases unreadable: %s", exc)
            return False
        if not self.prompts.offer_demo(self._window, demo.offer_text(n, self.lang)):
            return False
        return self.load_demo_cases() > 0

    def load_demo_cases(self) -> int:
        """Help > Load demonstration cases: add those not in the database yet (one transaction)
        and refresh the list; the number added."""
        from ... import demo
        from ...store import StoreError

        if self._db.store is None:
            return 0
        try:
            added = demo.load_demo_cases(self._db.store)
        except (demo.DemoDataError, StoreError) as exc:
            self.prompts.error(self._window, tr("ui.error.demo.title", self.lang), str(exc))
            return 0
        if added:
            log.info("loaded %d demonstration cases", added)
            self.casesChanged.emit()
            self.message.emit(tr("ui.status.demo_loaded", self.lang, n=added), 10000)
        else:
            self.message.emit(tr("ui.status.demo_present", self.lang), 10000)
        return added
