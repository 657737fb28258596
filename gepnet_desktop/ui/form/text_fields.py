"""Text editors: one line (a code; never truncated, validation says too long) and notes over a
few lines (Tab moves on). Empty means unknown.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget


class TextField(QLineEdit):
    """A one-line text; empty means unknown (None). Never truncates: validation says too long."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.textEdited.connect(lambda _t: self.edited.emit())

    def value(self) -> str | None:
        return self.text() or None

    def set_value(self, value: Any) -> None:
        text = value or ""
        if text != self.text():
            self.setText(text)


class NotesField(QPlainTextEdit):
    """Free text over a few lines; Tab moves on to the next control."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setUndoRedoEnabled(False)  # the form's undo stack does it
        self._quiet = False
        self.textChanged.connect(self._on_text)
        lines = 3
        self.setFixedHeight(self.fontMetrics().lineSpacing() * lines + 14)

    def _on_text(self) -> None:
        if not self._quiet:
            self.edited.emit()

    def value(self) -> str | None:
        return self.toPlainText() or None

    def set_value(self, value: Any) -> None:
        text = value or ""
        if text == self.toPlainText():
            return
        self._quiet = True
        try:
            cursor_at = self.textCursor().position()
            self.setPlainText(text)
            cursor = self.textCursor()
            cursor.setPosition(min(cursor_at, len(text)))
            self.setTextCursor(cursor)
        finally:
            self._quiet = False
