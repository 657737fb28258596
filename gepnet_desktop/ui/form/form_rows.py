"""One row of the case form: the field's label (with its mnemonic, its editor as buddy), the
editor with its unit, and the message shown under it; and the layout of a section.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...case.fields import FieldSpec, label
from .choice_fields import ChecklistField
from .field_editors import FieldEditor, make_editor
from .mnemonics import with_mnemonic
from .text_fields import NotesField


@dataclass
class FieldRow:
    """The widgets of one field's row."""

    editor: FieldEditor
    label: QLabel
    message: QLabel  # rich text; hidden while the field has no problem
    cell: QWidget    # the editor, its unit and its message

    def focusables(self) -> list[QWidget]:
        """The widgets the keyboard reaches, in order (each box of a checklist)."""
        editor = self.editor
        return list(editor.boxes) if isinstance(editor, ChecklistField) else [editor]


def section_layout(box: QGroupBox) -> QFormLayout:
    """A section's two columns: labels on the right of theirs, editors growing."""
    form = QFormLayout(box)
    form.setContentsMargins(10, 8, 10, 10)
    form.setHorizontalSpacing(12)
    form.setVerticalSpacing(6)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    return form


def field_row(spec: FieldSpec, lang: str, letter: str | None, box: QGroupBox) -> FieldRow:
    """The row of `spec`: label with mnemonic and buddy; editor (+ unit); its message under it.
    Added to no layout and connected to nothing yet."""
    editor = make_editor(spec, lang)
    editor.setObjectName(f"field_{spec.key}")
    text = label(spec.label, lang)
    if spec.key == "case_code":
        text += " *"
    field_label = QLabel(with_mnemonic(text, letter), box)
    field_label.setObjectName(f"label_{spec.key}")
    field_label.setBuddy(editor)
    field_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    anchor = editor.boxes[0] if isinstance(editor, ChecklistField) else editor
    if not isinstance(editor, NotesField):  # level with the editor, not the message
        field_label.setFixedHeight(anchor.sizeHint().height())
    help_text = label(spec.help, lang) if spec.help else ""
    if help_text:
        field_label.setToolTip(help_text)
        editor.setToolTip(help_text)
    editor.setAccessibleName(label(spec.label, lang))

    cell = QWidget(box)
    cell_layout = QVBoxLayout(cell)
    cell_layout.setContentsMargins(0, 0, 0, 0)
    cell_layout.setSpacing(2)
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(6)
    row.addWidget(editor)
    if spec.unit:
        unit = QLabel(spec.unit, cell)
        unit.setStyleSheet("color: #555;")
        row.addWidget(unit)
    if isinstance(editor, NotesField):
        editor.setSizePolicy(QSizePolicy.Policy.Expanding, editor.sizePolicy().verticalPolicy())
    else:
        if spec.kind == "text":  # a code: room for its 40 characters, not the whole width
            editor.setMinimumWidth(editor.fontMetrics().horizontalAdvance("M" * 12))
            editor.setMaximumWidth(editor.fontMetrics().horizontalAdvance("0" * 34))
        row.addStretch(1)
    cell_layout.addLayout(row)
    message = QLabel(cell)
    message.setObjectName(f"message_{spec.key}")
    message.setWordWrap(True)
    message.setTextFormat(Qt.TextFormat.RichText)
    message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    message.hide()
    cell_layout.addWidget(message)
    return FieldRow(editor, field_label, message, cell)
