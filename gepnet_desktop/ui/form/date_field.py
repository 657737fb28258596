"""The date editor: YYYY-MM-DD typed (dashes put in as the user types) or picked from a
calendar (Alt+Down); empty means not recorded. A half-typed date is passed on as typed.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QDate, QLocale, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QKeyEvent, QPainter, QPen, QPixmap, QValidator
from PySide6.QtWidgets import QCalendarWidget, QLineEdit, QMenu, QWidget, QWidgetAction

from ...i18n import tr


def _calendar_icon(size: int = 16, ratio: float = 2.0) -> QIcon:
    """A small calendar glyph drawn in code (no icon file, crisp at 200%)."""
    pix = QPixmap(int(size * ratio), int(size * ratio))
    pix.setDevicePixelRatio(ratio)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    ink = QColor("#55606e")
    painter.setPen(QPen(ink, 1.2))
    body = QRect(2, 3, size - 4, size - 5)
    painter.drawRoundedRect(body, 1.5, 1.5)
    painter.fillRect(QRect(2, 3, size - 4, 3), ink)
    painter.setPen(QPen(ink, 1.6))
    for x in (5, size - 6):
        painter.drawLine(QPoint(x, 1), QPoint(x, 4))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(ink)
    for row in range(2):
        for col in range(3):
            painter.drawRect(QRect(4 + col * 3, 8 + row * 3, 2, 2))
    painter.end()
    return QIcon(pix)


class _DateTextValidator(QValidator):
    """Digits and dashes only; dashes are put in as the user types (20230514 -> 2023-05-14)."""

    def validate(self, text: str, pos: int) -> object:
        text = text.replace("/", "-").replace(".", "-").strip()  # 2023/05/14, 2023.05.14
        pos = min(pos, len(text))
        if not re.fullmatch(r"[\d-]*", text):
            return QValidator.State.Invalid
        digits = text.replace("-", "")
        if len(digits) > 8:
            return QValidator.State.Invalid
        out = digits[:4]
        if len(digits) > 4 or (len(digits) == 4 and text.endswith("-") and pos == len(text)):
            out += "-" + digits[4:6]
        if len(digits) > 6 or (len(digits) == 6 and text.endswith("-") and pos == len(text)):
            out += "-" + digits[6:]
        before = len(text[:pos].replace("-", ""))
        new_pos, seen = 0, 0
        while new_pos < len(out) and seen < before:
            if out[new_pos] != "-":
                seen += 1
            new_pos += 1
        if pos == len(text):
            new_pos = len(out)
        return QValidator.State.Acceptable, out, new_pos


class DateField(QLineEdit):
    """A date typed as YYYY-MM-DD, with a calendar; empty means not recorded (None)."""

    edited = Signal()

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lang = lang
        self.setValidator(_DateTextValidator(self))
        self.setPlaceholderText(tr("form.not_recorded", lang))
        self.setClearButtonEnabled(True)
        self.setToolTip(tr("form.date_tip", lang))
        self._calendar_action = QAction(_calendar_icon(), tr("form.calendar", lang), self)
        self._calendar_action.triggered.connect(self.open_calendar)
        self.addAction(self._calendar_action, QLineEdit.ActionPosition.TrailingPosition)
        self.textEdited.connect(lambda _t: self.edited.emit())
        width = self.fontMetrics().horizontalAdvance("0000-00-00") + 64
        self.setMinimumWidth(max(width, self.fontMetrics().horizontalAdvance(
            tr("form.not_recorded", lang)) + 56))
        self._popup: QMenu | None = None

    def value(self) -> str | None:
        text = self.text().strip()
        return text or None

    def set_value(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if text != self.text():
            self.setText(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        opens = (event.key() == Qt.Key.Key_Down and event.modifiers()
                 & Qt.KeyboardModifier.AltModifier) or event.key() == Qt.Key.Key_F4
        if opens:
            self.open_calendar()
            return
        super().keyPressEvent(event)

    def open_calendar(self) -> QCalendarWidget:
        """Show the calendar below the field; choosing a day sets it (an edit)."""
        menu = QMenu(self)
        calendar = QCalendarWidget(menu)
        calendar.setGridVisible(False)
        calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        calendar.setMaximumDate(QDate.currentDate())
        if self._lang == "ko":
            calendar.setLocale(QLocale(QLocale.Language.Korean))
        shown = QDate.fromString(self.value() or "", "yyyy-MM-dd")
        calendar.setSelectedDate(shown if shown.isValid() else QDate.currentDate())
        action = QWidgetAction(menu)
        action.setDefaultWidget(calendar)
        menu.addAction(action)

        def choose(day: QDate) -> None:
            menu.close()
            self.setText(day.toString("yyyy-MM-dd"))
            self.edited.emit()
            self.setFocus()

        calendar.activated.connect(choose)
        calendar.clicked.connect(choose)
        self._popup = menu
        menu.aboutToShow.connect(calendar.setFocus)
        menu.popup(self.mapToGlobal(QPoint(0, self.height())))
        return calendar
