"""The red banner over the main window while a damaged database is open read-only: a sentence
naming the file and its problem, and a button that asks for the newest good backup."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

BANNER_CSS = "background: #b00020; color: white; padding: 6px; font-weight: bold;"


class SafetyBanner(QWidget):
    """Hidden until `show_damage`; its button emits `restoreRequested`."""

    restoreRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("damageBanner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # a subclass paints it
        self.setStyleSheet(BANNER_CSS)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 4, 6, 4)
        self._label = QLabel(self)
        self._label.setWordWrap(True)
        self._button = QPushButton(self)
        self._button.setObjectName("restoreNewestBackup")
        self._button.setStyleSheet("background: white; color: #b00020;")
        self._button.clicked.connect(self.restoreRequested)
        row.addWidget(self._label, 1)
        row.addWidget(self._button)
        self.hide()

    def show_damage(self, sentence: str, button_text: str, button_tip: str = "") -> None:
        """Show the banner with `sentence` and a restore button labelled `button_text`."""
        self._label.setText(sentence)
        self._button.setText(button_text)
        self._button.setToolTip(button_tip)
        self.show()

    def text(self) -> str:
        """The banner's sentence."""
        return self._label.text()

    def button_text(self) -> str:
        """The restore button's label."""
        return self._button.text()

    def click_restore(self) -> None:
        """Press the restore button (as the user would)."""
        self._button.click()
