"""The lines table's view and cell editors: combo boxes for value sets, date fields for dates,
plain text for notes; Insert adds, Delete removes, Alt+Up/Down move the current line.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from ...case.fields import LINE_FIELDS, REQUIRED_LINE_KEYS
from ...i18n import tr
from .choice_fields import EnumCombo
from .date_field import DateField


class _CellCombo(EnumCombo):
    """A combo box in a cell that knows whether the choice came from its open list."""

    chosen_from_popup = False

    def hidePopup(self) -> None:
        self.chosen_from_popup = True
        super().hidePopup()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self.chosen_from_popup = False
        super().keyPressEvent(event)


class LineDelegate(QStyledItemDelegate):
    """Combo boxes for value sets, date fields for dates, plain text for notes.

    `draftEdited(editor, row, key, value)` is emitted as the user types in a date cell, before
    the value is committed, so that the editor can check it as it is typed.
    """

    draftEdited = Signal(object, int, str, object)

    def __init__(self, lang: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lang = lang

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        spec = LINE_FIELDS[index.column()]
        if spec.kind == "enum":
            none_text = tr("form.choose", self.lang) if spec.key in REQUIRED_LINE_KEYS else None
            combo = _CellCombo.for_spec(spec, self.lang, none_text=none_text, parent=parent)

            def commit() -> None:
                if combo.chosen_from_popup:  # a click in the list ends the edit at once
                    combo.chosen_from_popup = False
                    self.commitData.emit(combo)
                    self.closeEditor.emit(combo, QStyledItemDelegate.EndEditHint.NoHint)

            combo.activated.connect(lambda _i: commit())
            return combo
        if spec.kind == "date":
            field = DateField(self.lang, parent)
            where = QPersistentModelIndex(index)
            field.edited.connect(lambda: self.draftEdited.emit(
                field, where.row(), spec.key, field.value()) if where.isValid() else None)
            return field
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, (EnumCombo, DateField)):
            # The view calls this again whenever the row repaints (problems shown as a date is
            # typed): keep what the user typed unless the stored value itself changed.
            value = index.data(Qt.ItemDataRole.EditRole)
            if editor.property("stored") != [value]:
                editor.setProperty("stored", [value])
                editor.set_value(value)
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,
                     index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, (EnumCombo, DateField)):
            model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)


class LinesTable(QTableView):
    """The table, with keys: Insert adds, Delete removes, Alt+Up/Down move the current line."""

    addRequested = Signal()
    removeRequested = Signal()
    moveRequested = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.state() != QAbstractItemView.State.EditingState:
            key, mods = event.key(), event.modifiers()
            alt = mods & Qt.KeyboardModifier.AltModifier
            if key == Qt.Key.Key_Insert:
                self.addRequested.emit()
                return
            if key == Qt.Key.Key_Delete or event.matches(QKeySequence.StandardKey.Delete):
                self.removeRequested.emit()
                return
            if alt and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self.moveRequested.emit(-1 if key == Qt.Key.Key_Up else 1)
                return
        super().keyPressEvent(event)
