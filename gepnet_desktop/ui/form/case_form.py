"""The case form: every field of case-fields.md in its section, the lines of therapy, live
validation beside each field, the live WHO grade, and one undo history for all of it.

The form holds no clinical rule: value sets, ranges and labels come from `case.fields`, every
message and the grade from `case.validation.check_case`, run once per change and shared
through `check()` with whatever else follows the form on `changed` (the live pathway).
Drafts: the form does not write files itself; attach a `drafts.DraftAutosaver(form, store)`
(or call `DraftStore.save(form.draft_key(), form.data())` on `changed`).
"""

from __future__ import annotations

import itertools
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QTextDocument, QUndoStack
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...case import validation
from ...case.fields import CASE_FIELDS, FIELDS_BY_KEY, SECTIONS, FieldSpec, label, value_label
from ...case.grading import GRADE_INPUTS
from ...case.model import Case
from ...case.validation import CaseCheck, Problem, ValidationResult, validate_case
from ...i18n import tr
from ..common.problem_style import ERROR, display_message, problem_html
from .field_editors import FieldEditor
from .field_highlight import FieldHighlight
from .form_rows import field_row, section_layout
from .form_undo import ReplaceDataCommand, SetFieldCommand, UndoKeyFilter
from .lines_editor import LinesEditor
from .lines_model import parse_line_path
from .mnemonics import assign_mnemonics, with_mnemonic

STYLE = """
QGroupBox { font-weight: bold; }
QGroupBox > QLabel, QGroupBox QWidget { font-weight: normal; }
QLabel#whoGrade { background: #e7eef8; color: #1d3a5f; border: 1px solid #b9cbe3;
                  border-radius: 3px; padding: 1px 10px; }
QCheckBox { border: 1px solid transparent; border-radius: 3px; padding: 1px 3px; }
QCheckBox:focus { border: 1px solid #1565c0; background: #e3edfb; }
"""  # the style sheet hides the style's own focus frame on check boxes: draw one


def _same(a: Any, b: Any) -> bool:
    return a == b and type(a) is type(b)


class CaseForm(QWidget):
    """The case being edited. See the module docstring; API used by the main window:
    `load`, `data`, `validation`, `is_dirty`, `mark_saved`, `focus_field`, `set_data`,
    `check`, `undo_stack`, signals `changed`, `dirtyChanged`, `fieldEdited`."""

    changed = Signal()  # after any change: typing, choices, lines, undo/redo, load, set_data
    dirtyChanged = Signal(bool)
    fieldEdited = Signal(str)  # the key changed ("lines" for the table, "*" for everything)

    def __init__(self, lang: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self._undo_keys = UndoKeyFilter(self.undo_stack, self)
        self._editors: dict[str, FieldEditor] = {}
        self._labels: dict[str, QLabel] = {}
        self._messages: dict[str, QLabel] = {}
        self._cells: dict[str, QWidget] = {}
        self._values: dict[str, Any] = {}
        self._meta: dict[str, Any] = {"uuid": None, "revision": None}
        self._session = 0
        self._check = validation.check_case({})
        self._result = ValidationResult(None)
        self._pending_key: str | None = None
        self._loading = False
        self._code_left = False  # "Case code is required" waits until the user leaves it
        self._highlight = FieldHighlight(self)
        self.fieldEdited.connect(self._highlight.clear_if)  # the field is being fixed
        self.undo_stack.indexChanged.connect(self._on_index_changed)
        self._build()
        self.load(None)

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        content = QWidget(self.scroll_area)
        content.setObjectName("caseFormContent")
        content.setStyleSheet(STYLE)
        column = QVBoxLayout(content)
        column.setContentsMargins(8, 8, 8, 8)
        column.setSpacing(10)

        self.general_problems = QLabel(content)
        self.general_problems.setObjectName("generalProblems")
        self.general_problems.setWordWrap(True)
        self.general_problems.setTextFormat(Qt.TextFormat.RichText)
        self.general_problems.hide()
        column.addWidget(self.general_problems)

        english = [label(spec.label, "en") for spec in CASE_FIELDS] + [
            tr("form.lines_label", "en")]
        letters = dict(zip([s.key for s in CASE_FIELDS] + ["lines"],
                           assign_mnemonics(english), strict=True))
        order: list[QWidget] = []
        for section, titles in SECTIONS.items():
            box = QGroupBox(label(titles, self.lang), content)
            box.setObjectName(f"section_{section}")
            form = section_layout(box)
            for spec in CASE_FIELDS:
                if spec.section != section:
                    continue
                order += self._add_field(form, box, spec, letters[spec.key])
                if spec.key == GRADE_INPUTS[-1]:
                    self._add_grade_row(form, box)
            column.addWidget(box)

        lines_box = QGroupBox(tr("form.lines", self.lang), content)
        lines_box.setObjectName("section_lines")
        lines_layout = QVBoxLayout(lines_box)
        lines_layout.setContentsMargins(10, 8, 10, 10)
        self.lines_editor = LinesEditor(self.lang, self.undo_stack, lines_box)
        self.lines_editor.edited.connect(lambda: self._note_change("lines"))
        self.lines_editor.set_case_source(self.data)  # a date typed in a line is checked whole
        lines_label = QLabel(with_mnemonic(tr("form.lines_label", self.lang), letters["lines"]),
                             lines_box)
        lines_label.setBuddy(self.lines_editor.table)
        self._labels["lines"] = lines_label
        lines_layout.addWidget(lines_label)
        lines_layout.addWidget(self.lines_editor)
        column.addWidget(lines_box)
        column.addStretch(1)
        self._align_labels()
        self.scroll_area.setWidget(content)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.unprotected_label = QLabel(self)  # the draft of these edits cannot be written
        self.unprotected_label.setObjectName("unprotectedEdits")
        self.unprotected_label.setWordWrap(True)
        self.unprotected_label.setStyleSheet("background: #b00020; color: white; "
                                             "padding: 6px; font-weight: bold;")
        self.unprotected_label.hide()
        outer.addWidget(self.unprotected_label)
        outer.addWidget(self.scroll_area)

        editor = self.lines_editor
        order += [editor.table, editor.add_button, editor.remove_button, editor.up_button,
                  editor.down_button]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        editor.table.installEventFilter(self._undo_keys)

    def _align_labels(self) -> None:
        """One label column for every section, so the fields line up down the form."""
        widest = max(lab.sizeHint().width() for key, lab in self._labels.items()
                     if key != "lines")
        widest = max(widest, self._grade_caption.sizeHint().width())
        for key, lab in self._labels.items():
            if key != "lines":
                lab.setMinimumWidth(widest)
        self._grade_caption.setMinimumWidth(widest)


    def _add_field(self, form: QFormLayout, box: QGroupBox, spec: FieldSpec,
                   letter: str | None) -> list[QWidget]:
        """One field's row (form_rows.field_row), wired to the form; its focusable widgets."""
        row = field_row(spec, self.lang, letter, box)
        form.addRow(row.label, row.cell)
        row.editor.edited.connect(lambda key=spec.key: self._on_edited(key))
        self._editors[spec.key] = row.editor
        self._labels[spec.key] = row.label
        self._messages[spec.key] = row.message
        self._cells[spec.key] = row.cell
        focusables = row.focusables()
        for widget in focusables:
            widget.installEventFilter(self)
            widget.installEventFilter(self._undo_keys)
        return focusables

    def _add_grade_row(self, form: QFormLayout, box: QGroupBox) -> None:
        self.grade_label = QLabel(box)
        self.grade_label.setObjectName("whoGrade")
        self.grade_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.grade_label.setToolTip(tr("form.grade_tip", self.lang))
        self.grade_label.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        caption = QLabel(tr("form.who_grade", self.lang), box)
        caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        caption.setToolTip(tr("form.grade_tip", self.lang))
        self._grade_caption = caption
        form.addRow(caption, self.grade_label)

    def _on_clean_changed(self, clean: bool) -> None:
        self.dirtyChanged.emit(not clean)

    # -- edits ------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self._session += 1  # leaving a field ends its run of merged typing
            if not (self._code_left or self._loading) and \
                    watched is self._editors.get("case_code"):
                self._reveal_required_code()
        return False

    def _reveal_required_code(self) -> None:
        """From now on, a missing case code is said under its field (no new check)."""
        self._code_left = True
        self._show_problems()

    def _on_edited(self, key: str) -> None:
        new = self._editors[key].value()
        old = self._values.get(key)
        if _same(old, new):
            return
        spec = FIELDS_BY_KEY[key]
        # Consecutive edits of one field (typing, arrowing through a list) are one undo step
        # until the user leaves the field.
        merge_id = SetFieldCommand.MERGE_BASE + list(FIELDS_BY_KEY).index(key)
        text = label(spec.label, self.lang)
        self.undo_stack.push(SetFieldCommand(self, key, old, new, text, merge_id, self._session))

    def apply_value(self, key: str, value: Any) -> None:
        """Show `value` in the field (a command's redo/undo); not itself an edit."""
        editor = self._editors[key]
        if not _same(editor.value(), value):
            editor.set_value(value)
            self.scroll_area.ensureWidgetVisible(self._cells[key], 20, 40)
        self._values[key] = list(value) if isinstance(value, list) else value
        self._note_change(key)

    def apply_data(self, data: dict[str, Any]) -> None:
        """Show a whole case object (a draft restored, or undone)."""
        self._put(data)
        self._note_change("*")

    def _put(self, data: dict[str, Any]) -> None:
        for spec in CASE_FIELDS:
            value = data.get(spec.key)
            if spec.kind == "enum_list":
                value = list(value or [])
            self._editors[spec.key].set_value(value)
            self._values[spec.key] = value
        lines = data.get("lines")
        self.lines_editor.set_lines(list(lines) if isinstance(lines, list) else [])

    def _note_change(self, key: str) -> None:
        """A command changed `key`; the signals follow once the stack has moved (so that
        `is_dirty()` is already right in their handlers)."""
        self._pending_key = key if self._pending_key in (None, key) else "*"

    def _on_index_changed(self, _index: int = 0) -> None:
        if self._loading:
            return
        key = self._pending_key or "*"
        self._pending_key = None
        self._after_change(key)

    def _after_change(self, key: str) -> None:
        self._revalidate()
        self.fieldEdited.emit(key)
        self.changed.emit()

    # -- validation display -----------------------------------------------------------------
    def _revalidate(self) -> None:
        # through the module, so that a test can count the checks of one edit
        self._check = validation.check_case(self.data())
        self._result = self._check.store
        self._show_problems()

    def _show_problems(self) -> None:
        """The last check's problems beside their fields (a missing case code only once the
        user has left the field or saved)."""
        problems = [p for p in self._result.errors + self._result.warnings
                    if self._code_left or not _is_missing_code(p)]
        by_field: dict[str, list[Problem]] = {}
        general: list[Problem] = []
        for problem in problems:
            if problem.field in self._messages:
                by_field.setdefault(problem.field, []).append(problem)
            elif parse_line_path(problem.field) is None and problem.field != "lines":
                general.append(problem)
        for key, message in self._messages.items():
            found = by_field.get(key, [])
            found.sort(key=lambda p: p.severity != ERROR)
            text = "<br>".join(problem_html(display_message(p, self._plain_label(key), self.lang),
                                            p.severity) for p in found)
            message.setText(text)
            message.setVisible(bool(found))
            severity = found[0].severity if found else ""
            message.setProperty("severity", severity)
            self._editors[key].setProperty("problem", severity)
        self.lines_editor.set_problems(problems)
        self.general_problems.setVisible(bool(general))
        self.general_problems.setText("<br>".join(
            problem_html(p.text(self.lang, labels=True), p.severity, p.field) for p in general))
        self._show_grade()

    def _plain_label(self, key: str) -> str:
        return label(FIELDS_BY_KEY[key].label, self.lang)

    def _show_grade(self) -> None:
        if self._check.grade_blocked:
            text, tip = tr("form.grade_blocked", self.lang), tr("form.grade_blocked_tip", self.lang)
        else:
            grade = self._check.grade
            text = grade if grade else value_label("", None, self.lang)
            tip = tr("form.grade_tip", self.lang)
        self.grade_label.setText(f"<b>{text}</b>")
        self.grade_label.setToolTip(tip)

    # -- public API -------------------------------------------------------------------------
    def load(self, case: Case | None) -> None:
        """Show `case` (None: a new empty case); clears the undo history; not dirty."""
        data = case.to_dict() if case is not None else {}
        self._meta = {"uuid": case.uuid if case else None,
                      "revision": case.revision if case else None}
        self._loading = True
        try:
            self._put(data)
            self.undo_stack.clear()
            self.undo_stack.setClean()
        finally:
            self._loading = False
        self._pending_key = None
        self._session += 1
        self._code_left = False
        self._after_change("*")

    def data(self) -> dict[str, Any]:
        """The case as a JSON object (case-fields.md) with the loaded case's uuid and revision."""
        out: dict[str, Any] = dict(self._meta)
        for spec in CASE_FIELDS:
            value = self._values.get(spec.key)
            out[spec.key] = list(value) if isinstance(value, list) else value
        out["lines"] = self.lines_editor.lines()
        return out

    def validation(self) -> ValidationResult:
        """The whole form validated now as the store will (case code required), as at a
        save: a missing case code is said under its field from now on."""
        if not self._code_left:
            self._reveal_required_code()
        return validate_case(self.data(), require_code=True)

    def check(self) -> CaseCheck:
        """The check of the content as it is (made once by the last change)."""
        return self._check

    def who_grade_text(self) -> str:
        """The grade as shown (G1, G2, G3, NEC, MiNEN, Unknown, or a dash)."""
        return self.grade_label.text().replace("<b>", "").replace("</b>", "")

    def is_dirty(self) -> bool:
        return not self.undo_stack.isClean()

    def mark_saved(self, case: Case) -> None:
        """After a successful save: take the store's uuid and revision; not dirty."""
        self._meta = {"uuid": case.uuid, "revision": case.revision}
        self.undo_stack.setClean()

    def set_unprotected(self, message: str | None) -> None:
        """Say (in red, above the fields) that the edits are not protected by a draft, or
        nothing when `message` is None."""
        self.unprotected_label.setText(message or "")
        self.unprotected_label.setVisible(bool(message))

    def draft_key(self) -> str:
        """The key of this case's draft: its uuid, or "new" for a case never saved."""
        return self._meta["uuid"] or "new"

    def set_data(self, data: dict[str, Any]) -> None:
        """Show a case object (a restored draft) as one undoable edit; the form becomes dirty."""
        self._meta = {"uuid": data.get("uuid"), "revision": data.get("revision")}
        clean = {spec.key: data.get(spec.key) for spec in CASE_FIELDS}
        clean["lines"] = data.get("lines") or []
        self.undo_stack.push(ReplaceDataCommand(self, self.data(), clean,
                                                tr("form.restore", self.lang)))

    def focus_field(self, key: str) -> None:
        """Scroll to a field and give it the keyboard focus ("ki67_percent", "lines",
        "lines[2].end_date", "who_grade" goes to differentiation)."""
        if key == "who_grade":
            key = GRADE_INPUTS[0]
        if key in self._editors:
            self.scroll_area.ensureWidgetVisible(self._cells[key], 20, 60)
            self._editors[key].setFocus(Qt.FocusReason.OtherFocusReason)
            return
        where = parse_line_path(key)
        if key == "lines" or where is not None:
            self.scroll_area.ensureWidgetVisible(self.lines_editor, 20, 60)
            row, column = where if where else (-1, None)
            self.lines_editor.select_cell(row, column)

    def highlight_field(self, key: str) -> None:
        """Mark a field for a moment (the one a missing-data link sent the user to)."""
        if key == "who_grade":
            key = GRADE_INPUTS[0]
        if key in self._labels:
            self._highlight.show(key, self._labels[key])

    def highlighted_field(self) -> str | None:
        return self._highlight.key

    def problems_for(self, key: str) -> list[Problem]:
        """The problems currently shown for one field key (for tests and tooltips)."""
        return [p for p in self._result.errors + self._result.warnings if p.field == key]

    def message_text(self, key: str) -> str:
        """The plain text of the message under a field ("" when none is shown)."""
        message = self._messages[key]
        if message.isHidden():
            return ""
        doc = QTextDocument()
        doc.setHtml(message.text())
        return doc.toPlainText()

    def editor(self, key: str) -> FieldEditor:
        """The editor widget of a field (for the main window's and tests' use)."""
        return self._editors[key]


def _is_missing_code(problem: Problem) -> bool:
    """The case code not typed yet (not shown before the user leaves the field or saves)."""
    return problem.field == "case_code" and bool(problem.parts) \
        and problem.parts[0][0] in ("required", "blank")
