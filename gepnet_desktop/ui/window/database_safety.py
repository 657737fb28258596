"""What the main window does so that no data is lost without a word: a missing or empty
database in a used data folder (offer the newest backup, or a new database, explicitly), a
damaged one (opened read-only under a red banner that offers the newest good backup), failed
automatic backups (in red in the status bar, and a dialog once), a log file that cannot be
written, and files that an export would replace (asked first; the database, its -wal/-shm and
backups never).

A part of the main window: it receives the window's database and prompts; the status bar
shows a failed backup (StatusLabels). No SQL here: the checks are the store's.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QMainWindow

from ...i18n import tr
from ..common.shell_phrases import plain
from . import dialogs
from .database import OpenDatabase
from .safety_banner import SafetyBanner

if TYPE_CHECKING:
    from ...store import DamagedDatabase, MissingDatabase, Store

log = logging.getLogger(__name__)

RESTORE, NEW, QUIT = "restore", "new", "quit"
FAILED_CSS = "color: #b00020; font-weight: bold;"


def verified_opener(path: Path) -> Store:
    """The window's own store: SQLite's quick check first (damage raises DamagedDatabase)."""
    from ...clinic import open_clinic

    return open_clinic(path, refresh=False, verify=True)


def read_only_opener(path: Path) -> Store:
    """A damaged database, opened read-only: every write is refused with a sentence."""
    from ...clinic import open_clinic

    return open_clinic(path, refresh=False, read_only=True)


class DatabaseSafety(QObject):
    """Missing and damaged databases, failed backups and logs, replacing files. It owns the
    red banner (`banner`) and the status bar's note that the log cannot be written."""

    restoreRequested = Signal(object)  # the banner's button: a backup (Path) or None: choose

    def __init__(self, db: OpenDatabase, prompts: dialogs.Prompts, lang: str,
                 window: QMainWindow) -> None:
        super().__init__(window)
        self._db = db
        self.prompts = prompts
        self.lang = lang
        self._window = window  # the parent of dialogs; its status bar shows the log's note
        self.damage: DamagedDatabase | None = None
        self.log_label: QLabel | None = None
        self._good_backup: Path | None = None
        self._backup_failure_shown = False
        self.banner = SafetyBanner(window)  # hidden until a damaged database is opened
        self.banner.restoreRequested.connect(self.restore_newest_backup)

    # -- opening ---------------------------------------------------------------------------
    def open_checked(self, path: Path) -> Store | None:
        """Open `path` for the window: the quick check, a damaged file read-only (with the
        banner), a missing or empty one in a used folder only after the user chose to restore
        the newest backup or to start a new database. None: the user chose to quit. The quick
        check, an older file's upgrade and a restore run on a worker thread."""
        from ...store import DamagedDatabase, MissingDatabase

        restore: Path | None = None
        for _attempt in range(3):
            try:
                store = self._open_once(path, restore)
            except MissingDatabase as exc:
                answer = self.prompts.missing_database(self._window, self._missing_text(exc),
                                                       exc.backup is not None)
                restore = None
                if answer == RESTORE and exc.backup is not None:
                    log.info("restoring the newest automatic backup into a missing database")
                    restore = exc.backup  # on the worker, with the open that follows
                elif answer == NEW:
                    from ...clinic import open_clinic

                    log.info("a new database was started where the folder was used before")
                    open_clinic(path, refresh=False, new=True).close()
                else:
                    return None
                continue
            except DamagedDatabase as exc:  # checked once (on the worker, for the window)
                log.error("the database is damaged; opened read-only")
                store = read_only_opener(path)
                self._db.opener = read_only_opener
                self._show_damage(exc)
                return store
            self.clear_damage()
            return store
        return None

    def _open_once(self, path: Path, restore: Path | None) -> Store:
        """The worker step (`_upgrade_first`), then the window's own open of the file as it
        is now; raises MissingDatabase or DamagedDatabase from either."""
        done, aside = self._upgrade_first(path, restore)
        if not done:  # nothing to do on the worker: the open checks, as it does
            opener = verified_opener if self._db.verify_at_open else self._db.opener
            return opener(path)
        store = self._db.opener(path)
        if aside is not None:  # said once the window's store is open, as an open does
            from ...upgrade_notice import announce_upgrade

            store.migrated_copy = aside
            announce_upgrade(store)
        return store

    def _upgrade_first(self, path: Path,
                       restore: Path | None = None) -> tuple[bool, Path | None]:
        """The restore of `restore`, the quick check (the window's own open) and an older
        file's upgrade on a worker, under a progress dialog: (True, the copy kept aside by an
        upgrade, if any); (False, None) when there was nothing to do there (a missing, new or
        newer file: the open decides). Errors, damage included, are raised as the open raises
        them."""
        from ...store.upgrade import existing_database, pending_migrations
        from .database_upgrade import DatabaseUpgrade

        upgrading = bool(pending_migrations(path)) if restore is None else False
        if restore is None and (self._db.opener is read_only_opener or not (
                upgrading or (self._db.verify_at_open and existing_database(path)))):
            return False, None
        return True, DatabaseUpgrade(self._window, self.lang).run(
            path, verify=self._db.verify_at_open, upgrading=upgrading, restore=restore)

    def _missing_text(self, exc: MissingDatabase) -> str:
        from ...store.guard import evidence_words

        evidence = evidence_words(exc.evidence, self.lang)
        text = tr("ui.prompt.missing_db.text", self.lang, file=str(exc.path), evidence=evidence,
                  state=tr(f"ui.prompt.missing_db.{exc.state}", self.lang))
        if exc.backup is None:
            return text + tr("ui.prompt.missing_db.no_backup", self.lang)
        return text + tr("ui.prompt.missing_db.backup", self.lang, file=str(exc.backup),
                         n=exc.cases, when=exc.when)

    def _show_damage(self, exc: DamagedDatabase) -> None:
        from ...store import newest_good_backup

        self.damage = exc
        problem = "; ".join(exc.problems[:2])
        sentence = tr("ui.banner.damaged", self.lang, file=str(exc.path), problem=problem)
        newest = newest_good_backup(exc.path)
        self._good_backup = newest[0] if newest else None
        if newest:
            self.banner.show_damage(sentence, tr("ui.banner.damaged_backup", self.lang,
                                                 file=newest[0].name, n=newest[1],
                                                 when=newest[2]))
        else:
            self.banner.show_damage(sentence, plain(tr("ui.act.restore", self.lang)),
                                    tr("ui.banner.no_backup", self.lang))

    def clear_damage(self) -> None:
        """A healthy database is open again (after a restore): the banner goes."""
        if self.damage is None:
            return
        self.damage = None
        self._db.opener = self._db.normal_opener
        self.banner.hide()

    def open_other(self, path: Path) -> Store | None:
        """Open another database for the window (`open_checked`); when it cannot be opened
        (the user is told why) or the user gave up, the damage state of the current one stays
        and None is returned."""
        from ...store import StoreError

        previous = self._db.opener, self.damage
        self.clear_damage()
        try:
            store = self.open_checked(Path(path))
        except (StoreError, OSError) as exc:
            store = None
            self.prompts.error(self._window, tr("ui.error.open_db.title", self.lang), str(exc))
        if store is None:
            self._db.opener, self.damage = previous
            if self.damage is not None:
                self.banner.show()
        return store

    def restore_newest_backup(self) -> None:
        """The banner's button: restore the newest good backup (asking first), or choose one."""
        backup = self._good_backup
        if backup is None:
            self.restoreRequested.emit(None)
            return
        if self.prompts.confirm(self._window, plain(tr("ui.act.restore", self.lang)),
                                tr("ui.prompt.restore_db.text", self.lang, file=backup.name)):
            self.restoreRequested.emit(backup)

    # -- failures the user must see --------------------------------------------------------
    def report_backup_failure(self, reason: str) -> None:
        """An automatic backup failed: a dialog, once (the status bar says it each time)."""
        if not self._backup_failure_shown:
            self._backup_failure_shown = True
            self.prompts.error(self._window, tr("ui.error.backup.title", self.lang),
                               tr("ui.error.backup.text", self.lang, reason=reason))

    def report_log_problem(self, sentence: str | None) -> None:
        """The log file cannot be written: a lasting note in the status bar and a dialog."""
        if not sentence:
            return
        label = self.log_label = QLabel(tr("ui.status.no_log", self.lang), self._window)
        label.setObjectName("noLogFile")
        label.setStyleSheet(FAILED_CSS)
        label.setToolTip(sentence)
        self._window.statusBar().addPermanentWidget(label)
        self.prompts.error(self._window, tr("ui.error.log.title", self.lang),
                           tr("ui.error.log.text", self.lang, reason=sentence))

    def may_write(self, dest: Path, what_key: str) -> bool:
        """Whether a file may be written at `dest`: never the database, its -wal/-shm, a
        backup or a symbolic link (the user is told why); an existing file only when the
        user agrees to replace it."""
        from ...safe_files import WriteRefused, check_target

        title = plain(tr(what_key, self.lang))
        try:
            check_target(dest, replace=True)
        except WriteRefused as exc:
            self.prompts.error(self._window, title, str(exc))
            return False
        if Path(dest).exists():
            return self.prompts.confirm(self._window, title, tr("ui.prompt.replace.text", self.lang,
                                                        file=str(dest)))
        return True
