"""Field editors for choices from a value set: a combo box whose first entry means unknown
(EnumCombo, BoolCombo for Unknown / Yes / No) and a list of values to tick (ChecklistField).
Values and labels come from `case.fields`.
"""

from __future__ import annotations

from typing import Any, Self

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QWidget

from ...case.fields import FieldSpec, label
from ...i18n import tr
from .field_common import NoWheelUnlessFocused, unknown_text


class EnumCombo(NoWheelUnlessFocused, QComboBox):
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
                 parent: QWidget | None = None) -> Self:
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
        super().__init__((True, False), [tr("form.yes", lang), tr("form.no", lang)],
                         unknown_text(lang), parent)


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
