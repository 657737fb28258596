"""The main window's File menu: choosing files, opening another database, and the long work
(import, export, backup, restore, the automatic backup) on worker threads with progress.

A part of MainWindow (a mixin): it uses the window's store, db_path, open_store, settings,
list_model, prompts, tasks and status bar. Each job opens its own store connection. While a
restore replaces the file the window's store is closed (`store_available()` is False).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog

from ...logs import log_exception
from ..common.dates import date_time_text
from ..common.shell_phrases import plain, tr
from .tasks import Task, failure_sentence, run_with_progress

if TYPE_CHECKING:
    from ...store import Store

log = logging.getLogger(__name__)


if TYPE_CHECKING:  # the window as this part sees it
    from .host import WindowHost as _Host
else:
    _Host = object


class FileOperations(_Host):
    """File dialogs, another database, and the background file tasks."""

    def store_available(self) -> bool:
        """True when the database is open: not while a restore replaces its file, nor after
        it could not be opened again."""
        return self.store is not None and not self._store_closed

    def _set_store_closed(self, closed: bool) -> None:
        """While the store is closed (a restore), nothing that uses it can be reached."""
        self._store_closed = closed
        self._update_actions()

    def _update_backup_label(self) -> None:
        when = self._last_backup or (self._find_last_backup() if self.is_ready() else None)
        self.backup_label.setStyleSheet("")  # red only while the last automatic backup failed
        self.backup_label.setToolTip("")
        if when is None:
            self.backup_label.setText(tr("status.no_backup", self.lang))
        else:
            self.backup_label.setText(tr("status.last_backup", self.lang,
                                         when=date_time_text(when, self.lang)))

    def _find_last_backup(self) -> dt.datetime | None:
        """When the newest automatic backup of this database was written, if any."""
        from ...store import list_auto_backups

        try:
            backups = list_auto_backups(self.db_path)
            return dt.datetime.fromtimestamp(backups[-1].stat().st_mtime) if backups else None
        except OSError:
            return None

    def _ask_path(self, title_key: str, filter_key: str, *, save: bool,
                  suggested: str = "") -> Path | None:
        folder = self.settings.last_folder or str(Path.home())
        start = str(Path(folder) / suggested) if suggested else folder
        title = plain(tr(title_key, self.lang))
        if save:  # replacing a file is asked by _may_write, which also refuses the database
            name, _ = QFileDialog.getSaveFileName(
                self, title, start, tr(filter_key, self.lang),
                options=QFileDialog.Option.DontConfirmOverwrite)
        else:
            name, _ = QFileDialog.getOpenFileName(self, title, start, tr(filter_key, self.lang))
        if not name:
            return None
        path = Path(name)
        self.settings.last_folder = str(path.parent)
        return path

    def choose_database(self) -> None:
        path = self._ask_path("act.open_db", "dialog.filter_db", save=False)
        if path:
            self.open_database(path)

    def choose_backup(self) -> None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
        path = self._ask_path("act.backup", "dialog.filter_db", save=True,
                              suggested=f"gepnet-backup-{stamp}.db")
        if path:
            self.backup_to(path)

    def choose_restore(self) -> None:
        path = self._ask_path("act.restore", "dialog.filter_db", save=False)
        if path and self.prompts.confirm(self, plain(tr("act.restore", self.lang)),
                                         tr("prompt.restore_db.text", self.lang, file=path.name)):
            self.restore_from(path)

    def choose_import(self) -> None:
        path = self._ask_path("act.import", "dialog.filter_exchange", save=False)
        if path:
            self.import_from(path)

    def choose_export(self) -> None:
        path = self._ask_path("act.export", "dialog.filter_exchange", save=True,
                              suggested="gepnet-cases.json")
        if path:
            self.export_to(path)

    def choose_export_chart(self) -> None:
        path = self._ask_path("act.export_chart", "dialog.filter_chart", save=True,
                              suggested="pathway.svg")
        if path:
            self.export_chart_to(path)

    def choose_export_report(self) -> None:
        path = self._ask_path("act.export_report", "dialog.filter_report", save=True,
                              suggested="case-report.pdf")
        if path:
            self.export_report_to(path)

    def open_database(self, path: Path) -> bool:
        """Work on another database file from now on (created if it does not exist)."""
        if not self.maybe_leave():
            return False
        from ...store import StoreError

        previous = self.open_store, self.damage
        self._clear_damage()
        try:
            store = self._open_checked(Path(path))
        except (StoreError, OSError) as exc:
            store = None
            self.prompts.error(self, tr("error.open_db.title", self.lang), str(exc))
        if store is None:
            self.open_store, self.damage = previous
            if self.damage is not None:
                self.banner.show()
            return False
        self._stop_refresh()
        old, self.store = self.store, store
        self._close_editor()
        if old is not None:  # None after a restore that could not open the database again
            old.close()
        self._seen_changes = store.change_counter()
        db_path = self.db_path = Path(store.path)
        self.list_model.set_store_opener(lambda: self.open_store(db_path))
        self._last_backup = None
        self._update_dir_label()
        self._update_backup_label()
        self.refresh_recommendations()
        log.info("opened another database")
        return True

    def _run(self, name_key: str, job: Callable[[Any], Any],
             on_success: Callable[[Any], None] | None = None,
             on_end: Callable[[str], None] | None = None) -> Task:
        name = tr(name_key, self.lang)
        task = run_with_progress(self, name, tr("task.working", self.lang, what=name), job,
                                 cancel_text=tr("task.cancel", self.lang))
        self.tasks.append(task)

        def done(outcome: str) -> None:
            if task in self.tasks:
                self.tasks.remove(task)
            if on_end is not None:
                on_end(outcome)
            if outcome == "succeeded":
                if on_success is not None:
                    on_success(task.result)
                self.statusBar().showMessage(tr("status.done", self.lang, what=name), 10000)
            elif outcome == "cancelled":
                self.statusBar().showMessage(tr("status.cancelled", self.lang, what=name), 10000)
            else:
                self.prompts.error(self, tr("error.task.title", self.lang, what=name),
                                   failure_sentence(task.error))
            self.taskFinished.emit(name_key, outcome)

        task.succeeded.connect(lambda _r: done("succeeded"))
        task.cancelled.connect(lambda: done("cancelled"))
        task.failed.connect(lambda _e: done("failed"))
        return task

    def _with_store(self, fn: Callable[[Store], Any]) -> Any:
        db_path = self.db_path
        store = self.open_store(db_path)
        try:
            return fn(store)
        finally:
            store.close()

    def backup_to(self, dest: Path) -> Task | None:
        """Copy the database to `dest` on a worker thread (asking first before replacing a
        file; never over a database or backup). None when nothing is done."""
        from ...store import backup_database

        if not self._may_write(Path(dest), "act.backup"):
            return None
        db_path = self.db_path

        def finished(_result: Any) -> None:
            self._last_backup = dt.datetime.now()
            self._update_backup_label()

        return self._run("task.backup", lambda progress: backup_database(
            db_path, Path(dest), progress=progress, replace=True), finished)

    def import_from(self, source: Path) -> Task:
        """Import cases from a JSON or CSV file on a worker thread (all or nothing)."""
        from ...store import import_cases

        def finished(report: Any) -> None:
            self.list_model.refresh()
            summary = getattr(report, "summary", None)
            if callable(summary):
                self.prompts.info(self, tr("task.import", self.lang), summary())
            elif report is not None:
                self.prompts.info(self, tr("task.import", self.lang), str(report))

        return self._run("task.import", lambda progress: self._with_store(
            lambda store: import_cases(store, Path(source), progress=progress)), finished)

    def export_to(self, dest: Path) -> Task | None:
        """Export every case to a JSON or CSV file (by its suffix) on a worker thread (asking
        first before replacing a file; never over the database or a backup). None when
        nothing is done."""
        from ...store import export_cases

        if not self._may_write(Path(dest), "act.export"):
            return None
        fmt = "csv" if Path(dest).suffix.lower() == ".csv" else "json"
        return self._run("task.export", lambda progress: self._with_store(
            lambda store: export_cases(store, Path(dest), fmt=fmt, progress=progress,
                                       replace=True)))

    def restore_from(self, source: Path) -> Task | None:
        """Replace the database with a backup (the current file is copied aside first)."""
        from ...store import StoreError, restore_database

        if not self.maybe_leave():
            return None
        self._close_editor()
        db_path = self.db_path
        self._watch_timer.stop()
        self._stop_refresh()
        self._set_store_closed(True)  # at once: the progress window shows only after a while
        self.list_model.release_store()
        self.store.close()

        def reopen(outcome: str) -> None:
            if outcome == "succeeded":  # a good backup replaced a damaged file: no banner
                self._clear_damage()
            try:
                store = self.open_store(db_path)
            except (StoreError, OSError) as exc:  # File > Open database stays available
                log.error("cannot open the database after a restore: %s", type(exc).__name__)
                self.store = None
                self._set_store_closed(False)
                self.prompts.error(self, tr("error.open_db.title", self.lang), str(exc))
                return
            self.store = store
            self._seen_changes = store.change_counter()
            self._watch_timer.start()
            self.list_model.set_store_opener(lambda: self.open_store(db_path))
            self._set_store_closed(False)
            self.refresh_recommendations()

        return self._run("task.restore", lambda _progress: restore_database(
            db_path, Path(source)), on_end=reopen)

    def auto_backup(self) -> Task:
        """The rotating automatic backup in the data dir, quietly on a worker thread (the store
        skips it when nothing changed since the newest one; the label keeps that one's time)."""
        from ...store import auto_backup

        if self.damage is not None:  # never copies of a damaged file among the good ones
            task = Task("auto-backup", lambda _progress: None, self)
        else:
            task = Task("auto-backup", lambda _progress: self._with_store(auto_backup), self)
        self.tasks.append(task)

        def finished() -> None:
            if task in self.tasks:
                self.tasks.remove(task)
            if task.outcome == "succeeded" and task.result is not None:  # None: skipped
                self._last_backup = dt.datetime.now()
                self._update_backup_label()
            elif task.outcome == "failed":
                self.report_backup_failure(failure_sentence(task.error))
            self.taskFinished.emit("auto-backup", task.outcome or "failed")

        task.finished.connect(finished)
        task.start()
        return task

    def backup_at_close(self) -> Path | None:
        """The automatic backup when the window closes, after the last save (the store skips it
        when nothing changed since the newest one). Never stops the closing: a failure goes to
        the log (its kind and stack, no message) and is shown in a dialog (unless one was
        shown already in this session). The backup's path or None."""
        if not self.store_available() or self.damage is not None:
            return None
        from ...store import auto_backup

        try:
            dest = auto_backup(self.store)
        except Exception as exc:
            log_exception(log, "automatic backup at close failed", exc)
            self.report_backup_failure(failure_sentence(exc))
            return None
        if dest is not None:
            log.info("automatic backup taken at close")
        return dest

    def wait_for_tasks(self) -> None:
        """Block until every worker task has ended (at close)."""
        for task in list(self.tasks):
            task.wait()
