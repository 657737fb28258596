"""The editor for each kind of case field. Every editor has `value()` (the JSON value of
case-fields.md, `None` for unknown), `set_value()` (never emits), and an `edited` signal
emitted only for the user's own edits; what the user typed is passed on as typed, so that the
case validation can name the problem beside the field. Editors hold no clinical rule: value
sets, ranges and labels come from `case.fields`.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ...case.fields import FieldSpec
from .choice_fields import BoolCombo, ChecklistField, EnumCombo
from .date_field import DateField
from .number_field import NumberField
from .text_fields import NotesField, TextField

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
