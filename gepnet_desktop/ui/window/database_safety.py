"""What the main window does so that no data is lost without a word: a missing or empty
database in a used data folder (offer the newest backup, or a new database, explicitly), a
damaged one (opened read-only under a red banner that offers the newest good backup), failed
automatic backups (in red in the status bar, and a dialog once), a log file that cannot be
written, and files that an export would replace (asked first; the database, its -wal/-shm and
backups never).

A part of MainWindow (a mixin): it uses the window's db_path, open_store, prompts, lang,
status bar and backup_label. No SQL here: the checks are the store's.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel

from ...i18n import tr
from ..common.shell_phrases import plain
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


if TYPE_CHECKING:  # the window as this part sees it
    from .host import WindowHost as _Host
else:
    _Host = object


class DatabaseSafety(_Host):
    """Missing and damaged databases, failed backups and logs, replacing files."""

    damage: DamagedDatabase | None = None
    _backup_failure_shown = False

    # -- the banner ------------------------------------------------------------------------
    def _build_banner(self) -> SafetyBanner:
        """The red banner over the window (hidden until a damaged database is opened)."""
        self.banner = SafetyBanner(self)
        self.banner.restoreRequested.connect(self.restore_newest_backup)
        return self.banner

    # -- opening ---------------------------------------------------------------------------
    def _open_checked(self, path: Path) -> Store | None:
        """Open `path` for the window: the quick check, a damaged file read-only (with the
        banner), a missing or empty one in a used folder only after the user chose to restore
        the newest backup or to start a new database. None: the user chose to quit."""
        from ...store import DamagedDatabase, MissingDatabase, restore_database

        opener = verified_opener if self._verify_at_open else self.open_store
        for _attempt in range(3):
            try:
                store = opener(path)
            except MissingDatabase as exc:
                answer = self.prompts.missing_database(self, self._missing_text(exc),
                                                       exc.backup is not None)
                if answer == RESTORE and exc.backup is not None:
                    log.info("restoring the newest automatic backup into a missing database")
                    restore_database(path, exc.backup)
                elif answer == NEW:
                    from ...clinic import open_clinic

                    log.info("a new database was started where the folder was used before")
                    open_clinic(path, refresh=False, new=True).close()
                else:
                    return None
                continue
            except DamagedDatabase as exc:
                log.error("the database is damaged; opened read-only")
                store = read_only_opener(path)
                self.open_store = read_only_opener
                self._show_damage(exc)
                return store
            self._clear_damage()
            return store
        return None

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

    def _clear_damage(self) -> None:
        """A healthy database is open again (after a restore): the banner goes."""
        if self.damage is None:
            return
        self.damage = None
        self.open_store = self._normal_opener
        self.banner.hide()

    def restore_newest_backup(self) -> None:
        """The banner's button: restore the newest good backup (asking first), or choose one."""
        backup = getattr(self, "_good_backup", None)
        if backup is None:
            self.choose_restore()
            return
        if self.prompts.confirm(self, plain(tr("ui.act.restore", self.lang)),
                                tr("ui.prompt.restore_db.text", self.lang, file=backup.name)):
            self.restore_from(backup)

    # -- failures the user must see --------------------------------------------------------
    def report_backup_failure(self, reason: str) -> None:
        """An automatic backup failed: the status bar says so in red; a dialog, once."""
        self.backup_label.setText(tr("ui.status.backup_failed", self.lang, reason=reason))
        self.backup_label.setStyleSheet(FAILED_CSS)
        self.backup_label.setToolTip(reason)
        if not self._backup_failure_shown:
            self._backup_failure_shown = True
            self.prompts.error(self, tr("ui.error.backup.title", self.lang),
                               tr("ui.error.backup.text", self.lang, reason=reason))

    def report_log_problem(self, sentence: str | None) -> None:
        """The log file cannot be written: a lasting note in the status bar and a dialog."""
        if not sentence:
            return
        self.log_label = QLabel(tr("ui.status.no_log", self.lang), self)
        self.log_label.setObjectName("noLogFile")
        self.log_label.setStyleSheet(FAILED_CSS)
        self.log_label.setToolTip(sentence)
        self.statusBar().addPermanentWidget(self.log_label)
        self.prompts.error(self, tr("ui.error.log.title", self.lang),
                           tr("ui.error.log.text", self.lang, reason=sentence))

    def _may_write(self, dest: Path, what_key: str) -> bool:
        """Whether a file may be written at `dest`: never the database, its -wal/-shm, a
        backup or a symbolic link (the user is told why); an existing file only when the
        user agrees to replace it."""
        from ...safe_files import WriteRefused, check_target

        title = plain(tr(what_key, self.lang))
        try:
            check_target(dest, replace=True)
        except WriteRefused as exc:
            self.prompts.error(self, title, str(exc))
            return False
        if Path(dest).exists():
            return self.prompts.confirm(self, title, tr("ui.prompt.replace.text", self.lang,
                                                        file=str(dest)))
        return True
