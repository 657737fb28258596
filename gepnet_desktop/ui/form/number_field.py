"""The number editor: a spin box whose empty state means unknown; what is typed is passed on as
typed (never clamped) so that the case validation names a value out of range.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QAbstractSpinBox, QWidget

from ...case.fields import FieldSpec
from ...i18n import tr
from .field_common import NoWheelUnlessFocused, unknown_text

_NUMBER_TEXT = re.compile(r"-?\d*([.,]\d*)?")
_INT_TEXT = re.compile(r"-?\d*")


class NumberField(NoWheelUnlessFocused, QAbstractSpinBox):
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
        self.setToolTip(tr("form.number_tip", lang))
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
    # PySide6 takes the state alone; its stubs want the C++ (state, text, pos) tuple.
    def validate(self, text: str, pos: int) -> QValidator.State:  # type: ignore[override]
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
