"""The shell's dialogs: About, and the questions the window asks (unsaved changes, restoring a
draft, a conflict, the demonstration cases, confirmations).

The window asks every question through a `Prompts` object, so tests replace it with one that
answers from a script instead of opening a modal box.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from ...i18n import tr

SAVE, DISCARD, CANCEL = "save", "discard", "cancel"
RELOAD, OVERWRITE = "reload", "overwrite"


class AboutDialog(QDialog):
    """Version, pathway id and version, database, data folder and log file."""

    def __init__(self, info: dict[str, str], lang: str = "en",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("ui.about.title", lang))
        layout = QVBoxLayout(self)
        title = QLabel(f"<h3>{info.get('name', '')}</h3><p>{info.get('notice', '')}</p>", self)
        title.setWordWrap(True)
        layout.addWidget(title)
        form = QFormLayout()
        self.values: dict[str, QLabel] = {}
        for key in ("version", "pathway", "database", "data_dir", "log_file"):
            value = QLabel(info.get(key, ""), self)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            self.values[key] = value
            form.addRow(tr(f"ui.about.{key}", lang) + ":", value)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)


class Prompts:
    """The questions the main window asks, as modal message boxes."""

    def __init__(self, lang: str = "en") -> None:
        self.lang = lang

    def _box(self, parent: QWidget | None, icon: QMessageBox.Icon, title: str,
             text: str) -> QMessageBox:
        box = QMessageBox(icon, tr(title, self.lang) if title in _TITLES else title, text,
                          QMessageBox.StandardButton.NoButton, parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        return box

    def unsaved(self, parent: QWidget | None, case: str) -> str:
        """Save, discard or cancel the unsaved changes of `case` (a code or "New case")."""
        box = self._box(parent, QMessageBox.Icon.Warning, "ui.prompt.unsaved.title",
                        tr("ui.prompt.unsaved.text", self.lang, case=case))
        buttons = QMessageBox.StandardButton
        box.setStandardButtons(buttons.Save | buttons.Discard | buttons.Cancel)
        box.setDefaultButton(buttons.Save)
        box.setEscapeButton(buttons.Cancel)
        answer = box.exec()
        return {buttons.Save: SAVE, buttons.Discard: DISCARD}.get(
            buttons(answer), CANCEL)

    def restore_draft(self, parent: QWidget | None, case: str, others: int) -> bool:
        """Restore the draft of `case` left by a previous run? (`others`: further drafts kept)."""
        text = tr("ui.prompt.drafts.text", self.lang, case=case)
        if others:
            text += " " + tr("ui.prompt.drafts.more", self.lang, n=others)
        box = self._box(parent, QMessageBox.Icon.Question, "ui.prompt.drafts.title", text)
        restore = box.addButton(tr("ui.prompt.restore_draft", self.lang),
                                QMessageBox.ButtonRole.AcceptRole)
        box.addButton(tr("ui.prompt.discard_draft", self.lang),
                      QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(restore)
        box.exec()
        return box.clickedButton() is restore

    def conflict(self, parent: QWidget | None, case: str) -> str:
        """The case changed elsewhere: reload the stored version, overwrite it, or cancel."""
        box = self._box(parent, QMessageBox.Icon.Warning, "ui.prompt.conflict.title",
                        tr("ui.prompt.conflict.text", self.lang, case=case))
        reload = box.addButton(tr("ui.prompt.conflict.reload", self.lang),
                               QMessageBox.ButtonRole.DestructiveRole)
        overwrite = box.addButton(tr("ui.prompt.conflict.overwrite", self.lang),
                                  QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setEscapeButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        return RELOAD if clicked is reload else OVERWRITE if clicked is overwrite else CANCEL

    def offer_demo(self, parent: QWidget | None, text: str) -> bool:
        """Load the fictitious demonstration cases? (`text` says how many and what they are.)"""
        box = self._box(parent, QMessageBox.Icon.Question, "ui.prompt.demo.title", text)
        load = box.addButton(tr("ui.prompt.demo.load", self.lang),
                             QMessageBox.ButtonRole.AcceptRole)
        skip = box.addButton(tr("ui.prompt.demo.skip", self.lang),
                             QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(load)
        box.setEscapeButton(skip)
        box.exec()
        return box.clickedButton() is load

    def missing_database(self, parent: QWidget | None, text: str, has_backup: bool) -> str:
        """The database is missing or empty in a used folder: "restore" the newest backup,
        start a "new" database (explicitly), or "quit"."""
        box = self._box(parent, QMessageBox.Icon.Warning, "ui.prompt.missing_db.title", text)
        restore = box.addButton(tr("ui.prompt.missing_db.restore", self.lang),
                                QMessageBox.ButtonRole.AcceptRole) if has_backup else None
        new = box.addButton(tr("ui.prompt.missing_db.new", self.lang),
                            QMessageBox.ButtonRole.DestructiveRole)
        quit_ = box.addButton(tr("ui.prompt.missing_db.quit", self.lang),
                              QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(restore or quit_)
        box.setEscapeButton(quit_)
        box.exec()
        clicked = box.clickedButton()
        if restore is not None and clicked is restore:
            return "restore"
        return "new" if clicked is new else "quit"

    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        """Yes or no."""
        box = self._box(parent, QMessageBox.Icon.Question, title, text)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        """Tell the user why something was not done."""
        self._box(parent, QMessageBox.Icon.Warning, title, text).exec()

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        """Tell the user something finished."""
        self._box(parent, QMessageBox.Icon.Information, title, text).exec()


_TITLES = {"ui.prompt.unsaved.title", "ui.prompt.drafts.title", "ui.prompt.conflict.title",
           "ui.prompt.demo.title", "ui.prompt.missing_db.title"}
