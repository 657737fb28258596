"""The status bar's lasting labels: how many cases match, the data dir, and the time of the
last backup (in red while the last automatic backup failed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import QLabel, QStatusBar

from ...i18n import tr
from ..common.dates import date_time_text
from .database_safety import FAILED_CSS


class StatusLabels:
    """The three labels, added to `bar` (a part of the window's frame)."""

    def __init__(self, bar: QStatusBar, lang: str) -> None:
        self.lang = lang
        self.count_label = QLabel(tr("ui.status.opening", lang), bar)
        self.dir_label = QLabel(bar)
        self.backup_label = QLabel(bar)
        for label in (self.count_label, self.dir_label, self.backup_label):
            bar.addPermanentWidget(label)

    def show_count(self, count: int) -> None:
        key = "ui.status.count_one" if count == 1 else "ui.status.count"
        self.count_label.setText(tr(key, self.lang, n=count))

    def clear_count(self) -> None:
        """The database could not be opened: no count."""
        self.count_label.setText("")

    def show_database(self, db_path: Path) -> None:
        self.dir_label.setText(tr("ui.status.data_dir", self.lang, path=str(db_path.parent)))
        self.dir_label.setToolTip(str(db_path))

    def show_last_backup(self, when: dt.datetime | None) -> None:
        self.backup_label.setStyleSheet("")  # red only while the last automatic backup failed
        self.backup_label.setToolTip("")
        if when is None:
            self.backup_label.setText(tr("ui.status.no_backup", self.lang))
        else:
            self.backup_label.setText(tr("ui.status.last_backup", self.lang,
                                         when=date_time_text(when, self.lang)))

    def show_backup_failure(self, reason: str) -> None:
        """An automatic backup failed: said in red."""
        self.backup_label.setText(tr("ui.status.backup_failed", self.lang, reason=reason))
        self.backup_label.setStyleSheet(FAILED_CSS)
        self.backup_label.setToolTip(reason)
