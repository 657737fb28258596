"""A field the user was sent to (a missing-data link on the Pathway page) is marked for a
moment: its label on a yellow ground, until the user edits it or HIGHLIGHT_MS pass."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel

HIGHLIGHT_MS = 2500
CSS = "QLabel { background: #ffe680; border-radius: 3px; font-weight: bold; }"


class FieldHighlight(QObject):
    """Marks one field's label at a time."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(HIGHLIGHT_MS)
        self._timer.timeout.connect(self.clear)
        self._label: QLabel | None = None
        self._old = ""
        self.key: str | None = None

    def show(self, key: str, label: QLabel) -> None:
        """Mark `key`'s `label` (the mark on another field goes)."""
        self.clear()
        self.key, self._label, self._old = key, label, label.styleSheet()
        label.setStyleSheet(CSS)
        self._timer.start()

    def clear(self) -> None:
        self._timer.stop()
        if self._label is not None:
            self._label.setStyleSheet(self._old)
        self.key, self._label = None, None

    def clear_if(self, key: str) -> None:
        """Clear the mark when `key` (a field just edited) is the marked one."""
        if key == self.key:
            self.clear()
