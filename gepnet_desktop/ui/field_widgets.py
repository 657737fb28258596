"""Editors for one case field each, every one with an explicit "Unknown" / "Not recorded" state.

Each editor has `value()` (the JSON value of case-fields.md, `None` for unknown), `set_value()`
(never emits), and an `edited` signal emitted only for the user's own edits. What the user typed
is passed on as typed (a half-typed date, "-5"), so that the case validation can name the problem
beside the field; nothing is silently clamped or replaced by 0. The editors hold no clinical rule:
value sets, ranges and labels come from `case.fields`.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

from PySide6.QtCore import QDate, QLocale, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QIcon,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPen,
    QPixmap,
    QPolygonF,
    QValidator,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QWidget,
    QWidgetAction,
)

from ..case.fields import FieldSpec, label, value_label

_TEXT: dict[str, dict[str, str]] = {
    "not_recorded": {"en": "Not recorded", "ko": "기록 없음"},
    "yes": {"en": "Yes", "ko": "예"},
    "no": {"en": "No", "ko": "아니오"},
    "choose": {"en": "Choose…", "ko": "선택…"},
    "calendar": {"en": "Pick a date (Alt+Down)", "ko": "날짜 선택 (Alt+Down)"},
    "date_tip": {"en": "Type the date as YYYY-MM-DD (digits only is enough); leave empty when "
                       "not recorded. Alt+Down opens a calendar.",
                 "ko": "날짜를 YYYY-MM-DD로 입력하세요 (숫자만 입력해도 됩니다). 기록이 없으면 "
                       "비워 두세요. Alt+Down으로 달력을 엽니다."},
    "number_tip": {"en": "Leave empty when unknown. Up/Down change the value.",
                   "ko": "모르면 비워 두세요. 위/아래 키로 값을 바꿉니다."},
}


ERROR, WARNING = "error", "warning"
# Colours of the two severities: (symbol colour, text colour, cell background).
SEVERITY_COLOURS: dict[str, tuple[str, str, str]] = {
    ERROR: ("#c62828", "#b71c1c", "#fde2e1"),
    WARNING: ("#e08e00", "#7a4f00", "#fff1cc"),
}
SEVERITY_SYMBOL = {ERROR: "✖", WARNING: "⚠"}


def problem_icon(severity: str, size: int = 14, ratio: float = 2.0) -> QIcon:
    """A red disc with a cross (error) or an amber triangle with "!" (warning), drawn in code."""
    pix = QPixmap(int(size * ratio), int(size * ratio))
    pix.setDevicePixelRatio(ratio)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QColor(SEVERITY_COLOURS[severity][0])
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    s = float(size)
    white = QPen(QColor("white"), s / 7)
    white.setCapStyle(Qt.PenCapStyle.RoundCap)
    if severity == ERROR:
        painter.drawEllipse(QRectF(0.5, 0.5, s - 1, s - 1))
        painter.setPen(white)
        a, b = s * 0.32, s * 0.68
        painter.drawLine(QPointF(a, a), QPointF(b, b))
        painter.drawLine(QPointF(a, b), QPointF(b, a))
    else:
        painter.drawPolygon(QPolygonF([QPointF(s / 2, 0.5), QPointF(s - 0.5, s - 1),
                                       QPointF(0.5, s - 1)]))
        painter.setPen(white)
        painter.drawLine(QPointF(s / 2, s * 0.36), QPointF(s / 2, s * 0.62))
        painter.drawPoint(QPointF(s / 2, s * 0.80))
    painter.end()
    return QIcon(pix)


def problem_html(message: str, severity: str, head: str = "") -> str:
    """One problem as rich text: a coloured symbol, an optional bold head, the message."""
    symbol_colour, text_colour, _bg = SEVERITY_COLOURS[severity]
    head_html = f"<b>{html.escape(head)}:</b> " if head else ""
    return (f'<span style="color:{symbol_colour}">{SEVERITY_SYMBOL[severity]}</span>&nbsp;'
            f'<span style="color:{text_colour}">{head_html}{html.escape(message)}</span>')


def display_message(problem: Any, field_label: str, lang: str = "en") -> str:
    """A validation message as shown beside its field, in the form's language: "Case code is
    required; ...", "150 is out of range; ..." (the form's word for null is "empty")."""
    message = problem.text(lang).replace("or null for unknown", "or empty for unknown")
    if problem.needs_field_name:
        return f"{field_label} {message}" if lang == "en" else f"{field_label}: {message}"
    return message[:1].upper() + message[1:]


def problems_html(items: list[tuple[str, str, Any]], lang: str = "en") -> str:
    """Several problems as (head, field label, Problem), one a line, in the order given."""
    return "<br>".join(problem_html(display_message(p, field, lang), p.severity, head)
                       for head, field, p in items)


def ui_text(key: str, lang: str) -> str:
    """One of the editors' own words in `lang` (English fallback)."""
    words = _TEXT[key]
    return words.get(lang) or words["en"]


def unknown_text(lang: str) -> str:
    """The label of the unknown state ("Unknown" / "알 수 없음")."""
    return value_label("", None, lang)


class _NoWheelUnlessFocused:
    """Mixin: the mouse wheel scrolls the form instead of changing an unfocused control."""

    def wheelEvent(self, event: QWheelEvent) -> None:
        if not self.hasFocus():  # type: ignore[attr-defined]
            event.ignore()
            return
        super().wheelEvent(event)  # type: ignore[misc]


class EnumCombo(_NoWheelUnlessFocused, QComboBox):
    """A choice from a value set, the first entry meaning unknown (None)."""

    edited = Signal()

    def __init__(self, values: tuple[Any, ...], labels: list[str], none_text: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.addItem(none_text, None)
        self.setItemData(0, QColor("#6b6b6b"), Qt.ItemDataRole.ForegroundRole)
        for value, text in zip(values, labels, strict=True):
            self.addItem(text, value)
        self._quiet = False
        self.currentIndexChanged.connect(self._on_index)

    @classmethod
    def for_spec(cls, spec: FieldSpec, lang: str, none_text: str | None = None,
                 parent: QWidget | None = None) -> EnumCombo:
        labels = [label(spec.value_labels[v], lang) if v in spec.value_labels else v
                  for v in spec.values]
        return cls(spec.values, labels, none_text or unknown_text(lang), parent)

    def _on_index(self, _index: int) -> None:
        if not self._quiet:
            self.edited.emit()

    def value(self) -> Any:
        return self.currentData()

    def set_value(self, value: Any) -> None:
        index = self._index_of(value)
        if index < 0:  # a value outside the set (an old draft): show it, validation names it
            self.addItem(str(value), value)
            index = self.count() - 1
        self._quiet = True
        try:
            self.setCurrentIndex(index)
        finally:
            self._quiet = False

    def _index_of(self, value: Any) -> int:
        for i in range(self.count()):
            data = self.itemData(i)
            if data is value or (data == value and type(data) is type(value)):
                return i
        return -1


class BoolCombo(EnumCombo):
    """Unknown / Yes / No."""

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__((True, False), [ui_text("yes", lang), ui_text("no", lang)],
                         unknown_text(lang), parent)


_NUMBER_TEXT = re.compile(r"-?\d*([.,]\d*)?")
_INT_TEXT = re.compile(r"-?\d*")


class NumberField(_NoWheelUnlessFocused, QAbstractSpinBox):
    """A spin box whose empty state means unknown; what is typed is kept, never clamped.

    Up/Down (and the arrows) step within the field's range; a typed value outside it is passed
    on so that the validation names it ("150 is out of range ...").
    """

    edited = Signal()

    def __init__(self, spec: FieldSpec, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._whole = spec.kind == "int"
        self._low = spec.minimum
        self._high = dt.date.today().year if spec.key == "birth_year" else spec.maximum
        self._start = self._high if spec.key == "birth_year" else spec.minimum
        self.setAccelerated(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue)
        self.lineEdit().setPlaceholderText(unknown_text(lang))
        self.setToolTip(ui_text("number_tip", lang))
        self.lineEdit().textEdited.connect(lambda _t: self.edited.emit())
        digits = 4 if self._whole else 6
        width = self.fontMetrics().horizontalAdvance("0" * digits + unknown_text(lang)[:3])
        self.setMinimumWidth(max(90, width))

    # -- value ------------------------------------------------------------------------------
    def value(self) -> int | float | str | None:
        """The number typed, None when empty, or the raw text when it is not a number yet."""
        text = self.lineEdit().text().strip().replace(",", ".")
        if not text:
            return None
        try:
            number = int(text) if self._whole or re.fullmatch(r"-?\d+", text) else float(text)
        except ValueError:
            return text
        return number

    def set_value(self, value: Any) -> None:
        if value is None:
            text = ""
        elif isinstance(value, float) and value.is_integer():
            text = str(int(value))
        else:
            text = str(value)
        if text != self.lineEdit().text():
            self.lineEdit().setText(text)

    # -- QAbstractSpinBox -------------------------------------------------------------------
    def validate(self, text: str, pos: int) -> QValidator.State:
        pattern = _INT_TEXT if self._whole else _NUMBER_TEXT
        if pattern.fullmatch(text.strip()):
            return QValidator.State.Acceptable
        return QValidator.State.Invalid

    def fixup(self, text: str) -> str:
        return text

    def _number(self) -> float | None:
        value = self.value()
        return float(value) if isinstance(value, (int, float)) else None

    def stepBy(self, steps: int) -> None:
        current = self._number()
        if current is None:
            new = self._start if self._start is not None else 0
        else:
            new = current + steps
            if self._low is not None:
                new = max(self._low, new)
            if self._high is not None:
                new = min(self._high, new)
        self.set_value(int(new) if float(new).is_integer() else new)
        self.lineEdit().selectAll()
        self.edited.emit()

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:
        flags = QAbstractSpinBox.StepEnabledFlag
        current = self._number()
        if current is None:
            return flags.StepUpEnabled | flags.StepDownEnabled
        enabled = flags.StepNone
        if self._high is None or current < self._high:
            enabled |= flags.StepUpEnabled
        if self._low is None or current > self._low:
            enabled |= flags.StepDownEnabled
        return enabled


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
        self.setPlaceholderText(ui_text("not_recorded", lang))
        self.setClearButtonEnabled(True)
        self.setToolTip(ui_text("date_tip", lang))
        self._calendar_action = QAction(_calendar_icon(), ui_text("calendar", lang), self)
        self._calendar_action.triggered.connect(self.open_calendar)
        self.addAction(self._calendar_action, QLineEdit.ActionPosition.TrailingPosition)
        self.textEdited.connect(lambda _t: self.edited.emit())
        width = self.fontMetrics().horizontalAdvance("0000-00-00") + 64
        self.setMinimumWidth(max(width, self.fontMetrics().horizontalAdvance(
            ui_text("not_recorded", lang)) + 56))
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


class ChecklistField(QWidget):
    """A list of values to tick (no duplicates); an empty list means none recorded."""

    edited = Signal()

    def __init__(self, spec: FieldSpec, lang: str, columns: int = 2,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._values = spec.values
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(2)
        self.boxes: list[QCheckBox] = []
        for i, value in enumerate(spec.values):
            box = QCheckBox(label(spec.value_labels[value], lang), self)
            box.clicked.connect(lambda _c: self.edited.emit())
            grid.addWidget(box, i // columns, i % columns)
            self.boxes.append(box)
        if self.boxes:
            self.setFocusProxy(self.boxes[0])

    def value(self) -> list[str]:
        return [v for v, box in zip(self._values, self.boxes, strict=True) if box.isChecked()]

    def set_value(self, value: Any) -> None:
        chosen = set(value or [])
        for v, box in zip(self._values, self.boxes, strict=True):
            box.setChecked(v in chosen)


FieldEditor = EnumCombo | NumberField | DateField | TextField | NotesField | ChecklistField


def make_editor(spec: FieldSpec, lang: str, parent: QWidget | None = None) -> FieldEditor:
    """The editor that fits the field's kind (case-fields.md value sets)."""
    if spec.kind == "enum":
        return EnumCombo.for_spec(spec, lang, parent=parent)
    if spec.kind == "bool":
        return BoolCombo(lang, parent)
    if spec.kind in ("int", "number"):
        return NumberField(spec, lang, parent)
    if spec.kind == "date":
        return DateField(lang, parent)
    if spec.kind == "enum_list":
        return ChecklistField(spec, lang, parent=parent)
    if spec.max_length and spec.max_length > 200:
        return NotesField(parent)
    return TextField(parent)


def undo_keys(event: QKeyEvent) -> str | None:
    """"undo" or "redo" when the key event is the platform's undo/redo key, else None."""
    if event.matches(QKeySequence.StandardKey.Undo):
        return "undo"
    if event.matches(QKeySequence.StandardKey.Redo) or (
            event.key() == Qt.Key.Key_Y
            and event.modifiers() == Qt.KeyboardModifier.ControlModifier):
        return "redo"
    return None
