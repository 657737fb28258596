"""The main window's File menu as a part of it: choosing files, opening another database,
and the long work (import, export, backup, restore, the automatic backup) on worker threads
with progress.

Each job opens its own store connection. While a restore replaces the file the window's store
is closed (`OpenDatabase.available()` is False). What the others do about it they do on this
part's signals.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from ...i18n import tr
from ..common.shell_phrases import plain
from . import dialogs
from .database import OpenDatabase
from .database_safety import DatabaseSafety
from .settings import AppSettings
from .tasks import Task, failure_sentence, run_with_progress

log = logging.getLogger(__name__)


class FileOperations(QObject):
    """File dialogs, another database, and the background file tasks."""

    releasing = Signal()          # the store is about to be closed or replaced: let go of it
    databaseOpened = Signal()     # another database, or the same one again after a restore
    availabilityChanged = Signal()  # a restore closed the store, or it is open again
    casesImported = Signal()
    backupTaken = Signal(object)  # when (datetime) the newest backup was written, or None
    backupFailed = Signal(str)    # an automatic backup failed: the reason
    taskFinished = Signal(str, str)  # task name, outcome ("succeeded", "failed", "cancelled")
    message = Signal(str, int)    # a sentence for the status bar, and for how long (ms)

    def __init__(self, db: OpenDatabase, safety: DatabaseSafety, settings: AppSettings,
                 prompts: dialogs.Prompts, lang: str, *, maybe_leave: Callable[[], bool],
                 window: QWidget) -> None:
        super().__init__(window)
        self._db = db
        self._safety = safety
        self.settings = settings
        self.prompts = prompts
        self.lang = lang
        self._maybe_leave = maybe_leave
        self._window = window  # the parent of dialogs and progress windows
        self.tasks: list[Task] = []
        self._last_backup: dt.datetime | None = None

    def last_backup(self) -> dt.datetime | None:
        """When the newest backup of this database was written (this session's or the newest
        automatic one's), if any."""
        return self._last_backup or self._find_last_backup()

    def _find_last_backup(self) -> dt.datetime | None:
        from ...store import list_auto_backups

        try:
            backups = list_auto_backups(self._db.path)
            return dt.datetime.fromtimestamp(backups[-1].stat().st_mtime) if backups else None
        except OSError:
            return None

    def _took_backup(self) -> None:
        self._last_backup = dt.datetime.now()
        self.backupTaken.emit(self._last_backup)

    def _ask_path(self, title_key: str, filter_key: str, *, save: bool,
                  suggested: str = "") -> Path | None:
        folder = self.settings.last_folder or str(Path.home())
        start = str(Path(folder) / suggested) if suggested else folder
        title = plain(tr(title_key, self.lang))
        if save:  # replacing a file is asked by may_write, which also refuses the database
            name, _ = QFileDialog.getSaveFileName(
                self._window, title, start, tr(filter_key, self.lang),
                options=QFileDialog.Option.DontConfirmOverwrite)
        else:
            name, _ = QFileDialog.getOpenFileName(self._window, title, start,
                                                  tr(filter_key, self.lang))
        if not name:
            return None
        path = Path(name)
        self.settings.last_folder = str(path.parent)
        return path

    def choose_database(self) -> None:
        path = self._ask_path("ui.act.open_db", "ui.dialog.filter_db", save=False)
        if path:
            self.open_database(path)

    def choose_backup(self) -> None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
        path = self._ask_path("ui.act.backup", "ui.dialog.filter_db", save=True,
                              suggested=f"gepnet-backup-{stamp}.db")
        if path:
            self.backup_to(path)

    def choose_restore(self) -> None:
        path = self._ask_path("ui.act.restore", "ui.dialog.filter_db", save=False)
        if path and self.prompts.confirm(
                self._window, plain(tr("ui.act.restore", self.lang)),
                tr("ui.prompt.restore_db.text", self.lang, file=path.name)):
            self.restore_from(path)

    def choose_import(self) -> None:
        path = self._ask_path("ui.act.import", "ui.dialog.filter_exchange", save=False)
        if path:
            self.import_from(path)

    def choose_export(self) -> None:
        path = self._ask_path("ui.act.export", "ui.dialog.filter_exchange", save=True,
                              suggested="gepnet-cases.json")
        if path:
            self.export_to(path)

    def ask_save_path(self, title_key: str, filter_key: str, suggested: str) -> Path | None:
        """A file to write, chosen by the user in the last folder used (None: cancelled)."""
        return self._ask_path(title_key, filter_key, save=True, suggested=suggested)

    def open_database(self, path: Path) -> bool:
        """Work on another database file from now on (created if it does not exist)."""
        if not self._maybe_leave():
            return False
        store = self._safety.open_other(Path(path))
        if store is None:
            return False
        self.releasing.emit()
        old, self._db.store = self._db.store, store
        if old is not None:  # None after a restore that could not open the database again
            old.close()
        self._db.path = Path(store.path)
        self._last_backup = None
        self.databaseOpened.emit()
        log.info("opened another database")
        return True

    def _run(self, name_key: str, job: Callable[[Any], Any],
             on_success: Callable[[Any], None] | None = None,
             on_end: Callable[[str], None] | None = None) -> Task:
        name = tr(name_key, self.lang)
        task = run_with_progress(self._window, name,
                                 tr("ui.task.working", self.lang, what=name), job,
                                 cancel_text=tr("ui.task.cancel", self.lang))
        self.tasks.append(task)

        def done(outcome: str) -> None:
            if task in self.tasks:
                self.tasks.remove(task)
            if on_end is not None:
                on_end(outcome)
            if outcome == "succeeded":
                if on_success is not None:
                    on_success(task.result)
                self.message.emit(tr("ui.status.done", self.lang, what=name), 10000)
            elif outcome == "cancelled":
                self.message.emit(tr("ui.status.cancelled", self.lang, what=name), 10000)
            else:
                self.prompts.error(self._window, tr("ui.error.task.title", self.lang, what=name),
                                   failure_sentence(task.error, self.lang))
            self.taskFinished.emit(name_key, outcome)

        task.succeeded.connect(lambda _r: done("succeeded"))
        task.cancelled.connect(lambda: done("cancelled"))
        task.failed.connect(lambda _e: done("failed"))
        return task

    def backup_to(self, dest: Path) -> Task | None:
        """Copy the database to `dest` on a worker thread (asking first before replacing a
        file; never over a database or backup). None when nothing is done."""
        from ...store import backup_database

        if not self._safety.may_write(Path(dest), "ui.act.backup"):
            return None
        db_path = self._db.path

        def finished(_result: Any) -> None:
            self._took_backup()

        return self._run("ui.task.backup", lambda progress: backup_database(
            db_path, Path(dest), progress=progress, replace=True), finished)

    def import_from(self, source: Path) -> Task:
        """Import cases from a JSON or CSV file on a worker thread (all or nothing)."""
        from ...store import import_cases

        def finished(report: Any) -> None:
            self.casesImported.emit()
            summary = getattr(report, "summary", None)
            if callable(summary):
                self.prompts.info(self._window, tr("ui.task.import", self.lang),
                                  summary(self.lang))
            elif report is not None:
                self.prompts.info(self._window, tr("ui.task.import", self.lang), str(report))

        return self._run("ui.task.import", lambda progress: self._db.with_store(
            lambda store: import_cases(store, Path(source), progress=progress)), finished)

    def export_to(self, dest: Path) -> Task | None:
        """Export every case to a JSON or CSV file (by its suffix) on a worker thread (asking
        first before replacing a file; never over the database or a backup). None when
        nothing is done."""
        from ...store import export_cases

        if not self._safety.may_write(Path(dest), "ui.act.export"):
            return None
        fmt = "csv" if Path(dest).suffix.lower() == ".csv" else "json"
        return self._run("ui.task.export", lambda progress: self._db.with_store(
            lambda store: export_cases(store, Path(dest), fmt=fmt, progress=progress,
                                       replace=True)))

    def restore_from(self, source: Path) -> Task | None:
        """Replace the database with a backup (the current file is copied aside first)."""
        from ...store import StoreError, restore_database

        if not self._maybe_leave():
            return None
        db = self._db
        db_path = db.path
        self.releasing.emit()
        db.closed = True  # at once: the progress window shows only after a while
        self.availabilityChanged.emit()
        db.require().close()

        def reopen(outcome: str) -> None:
            if outcome == "succeeded":  # a good backup replaced a damaged file: no banner
                self._safety.clear_damage()
            try:
                store = db.opener(db_path)
            except (StoreError, OSError) as exc:  # File > Open database stays available
                log.error("cannot open the database after a restore: %s", type(exc).__name__)
                db.store = None
                db.closed = False
                self.availabilityChanged.emit()
                self.prompts.error(self._window, tr("ui.error.open_db.title", self.lang), str(exc))
                return
            db.store = store
            db.closed = False
            self.availabilityChanged.emit()
            self.databaseOpened.emit()

        return self._run("ui.task.restore", lambda _progress: restore_database(
            db_path, Path(source)), on_end=reopen)

    def auto_backup(self) -> Task:
        """The rotating automatic backup in the data dir, quietly on a worker thread (the store
        skips it when nothing changed since the newest one; the label keeps that one's time)."""
        from ...store import auto_backup

        if self._safety.damage is not None:  # never copies of a damaged file among good ones
            task = Task("auto-backup", lambda _progress: None, self)
        else:
            task = Task("auto-backup", lambda _progress: self._db.with_store(auto_backup), self)
        self.tasks.append(task)

        def finished() -> None:
            if task in self.tasks:
                self.tasks.remove(task)
            if task.outcome == "succeeded" and task.result is not None:  # None: skipped
                self._took_backup()
            elif task.outcome == "failed":
                self.backupFailed.emit(failure_sentence(task.error, self.lang))
            self.taskFinished.emit("auto-backup", task.outcome or "failed")

        task.finished.connect(finished)
        task.start()
        return task

    def backup_at_close(self) -> Path | None:
        """The automatic backup when the window closes, after the last save (the store skips it
        when nothing changed since the newest one). Never stops the closing: a failure goes to
        the log (its kind and stack, no message) and is shown in a dialog (unless one was
        shown already in this session). Written on a worker while a progress dialog shows
        (close_wait.py). The backup's path or None."""
        if not self._db.available() or self._safety.damage is not None:
            return None
        from ...store import auto_backup
        from .close_wait import wait_with_progress

        store = self._db.require()  # used by the worker alone until it ends
        task = wait_with_progress(self._window, tr("ui.task.close_backup", self.lang),
                                  tr("ui.task.close_backup_label", self.lang),
                                  lambda progress: auto_backup(store, progress))
        if task.outcome != "succeeded":
            self.backupFailed.emit(failure_sentence(task.error, self.lang))
            return None
        dest = task.result
        if dest is not None:
            log.info("automatic backup taken at close")
        return dest

    def wait_for_tasks(self) -> None:
        """Block until every worker task has ended (at close)."""
        for task in list(self.tasks):
            task.wait()
