"""Help > User guide (F1): the guide shipped in resources/guide/<lang>.md, shown in the window's
language in a QTextBrowser (offline: no link leaves the program)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from ... import i18n
from ...bundled import resource_path

if TYPE_CHECKING:
    from .main_window import MainWindow


def guide_file(lang: str) -> Path:
    """The guide in `lang` (the English one when there is none in that language)."""
    path = resource_path("guide", f"{i18n.language(lang)}.md")
    return path if path.is_file() else resource_path("guide", "en.md")


class UserGuide(QDialog):
    """The guide in a window of its own, beside the main window."""

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("userGuide")
        self.setWindowTitle(i18n.tr("guide.title", lang))
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("userGuideText")
        self.browser.setOpenLinks(False)  # no link opens anything: the guide has none outside
        self.browser.setOpenExternalLinks(False)
        self.browser.anchorClicked.connect(self._follow)
        self.browser.setMarkdown(guide_file(lang).read_text(encoding="utf-8"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(720, 640)

    def _follow(self, url: QUrl) -> None:
        if url.hasFragment() and not url.scheme():
            self.browser.scrollToAnchor(url.fragment())

    def text(self) -> str:
        return self.browser.toPlainText()


def show_user_guide(window: MainWindow) -> UserGuide:
    """Open (or bring forward) the guide of `window`."""
    guide = window.findChild(UserGuide, "userGuide")
    if not isinstance(guide, UserGuide):
        guide = UserGuide(window.lang, window)
    guide.resize(guide.size().boundedTo(window.screen().availableGeometry().size()))
    guide.show()
    guide.raise_()
    return guide


def attach(window: MainWindow) -> QAction:
    """Help > User guide (F1), first in the Help menu and in `window.commands`."""
    action = QAction(i18n.tr("window.act.user_guide", window.lang), window)
    action.setObjectName("action_user_guide")
    action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
    action.triggered.connect(lambda _c=False: show_user_guide(window))
    help_menu = window.menus["help"]
    first = help_menu.actions()[0]  # the Help menu is never empty
    help_menu.insertAction(first, action)
    window.commands["user_guide"] = action
    return action
