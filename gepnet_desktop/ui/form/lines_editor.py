"""The lines-of-therapy editor: the lines table with add, remove and reorder buttons, and the
list of the lines' problems under it. The model is in `lines_model`, the table and its cell
editors in `lines_table`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from ...case.fields import LINE_FIELDS, label
from ...case.validation import Problem, validate_case
from ...i18n import tr
from ..common.problem_style import ERROR, SEVERITY_COLOURS, display_message, problems_html
from .date_field import DateField
from .lines_model import KEYS, LinesModel, parse_line_path
from .lines_table import LineDelegate, LinesTable


class LinesEditor(QWidget):
    """The lines table with its buttons and the list of the lines' problems under it."""

    edited = Signal()

    def __init__(self, lang: str = "en", undo_stack: QUndoStack | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.model = LinesModel(lang, self)
        self.model.undo_stack = undo_stack
        self.model.edited.connect(self.edited)
        self.model.edited.connect(self._fit_height)

        self._problems: list[Problem] = []  # those of the committed lines
        self._case_source: Callable[[], dict[str, Any]] | None = None
        self.table = LinesTable(self)
        self.table.setModel(self.model)
        self.delegate = LineDelegate(lang, self.table)
        self.delegate.draftEdited.connect(self._check_draft)
        # An edit that ends (committed or cancelled) shows the committed lines' problems again.
        self.delegate.closeEditor.connect(lambda *_: self._show_problems(self._problems))
        self.table.setItemDelegate(self.delegate)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed
                                   | QAbstractItemView.EditTrigger.SelectedClicked)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.verticalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        for column, key in enumerate(KEYS):
            mode = (QHeaderView.ResizeMode.Stretch if key == "notes"
                    else QHeaderView.ResizeMode.Interactive)
            header.setSectionResizeMode(column, mode)
        self._set_column_widths()
        self.table.addRequested.connect(self.add_line)
        self.table.removeRequested.connect(self.remove_line)
        self.table.moveRequested.connect(self._move)

        self.add_button = QPushButton(tr("lines.add", lang), self)
        self.remove_button = QPushButton(tr("lines.remove", lang), self)
        self.up_button = QPushButton(tr("lines.up", lang), self)
        self.down_button = QPushButton(tr("lines.down", lang), self)
        style = self.style()
        icons = (QStyle.StandardPixmap.SP_FileDialogNewFolder, QStyle.StandardPixmap.SP_TrashIcon,
                 QStyle.StandardPixmap.SP_ArrowUp, QStyle.StandardPixmap.SP_ArrowDown)
        tips = ("lines.add_tip", "lines.remove_tip", "lines.up_tip", "lines.down_tip")
        buttons = (self.add_button, self.remove_button, self.up_button, self.down_button)
        for button, icon, tip in zip(buttons, icons, tips, strict=True):
            if button is not self.add_button:
                button.setIcon(style.standardIcon(icon))
            button.setToolTip(tr(tip, lang))
            button.setAutoDefault(False)
        self.add_button.clicked.connect(lambda: self.add_line())
        self.remove_button.clicked.connect(lambda: self.remove_line())
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(1))

        self.empty_label = QLabel(tr("lines.empty", lang), self)
        self.empty_label.setObjectName("linesEmpty")
        self.empty_label.setStyleSheet("color: #6b6b6b;")
        self.problems_label = QLabel(self)
        self.problems_label.setObjectName("linesProblems")
        self.problems_label.setWordWrap(True)
        self.problems_label.setTextFormat(Qt.TextFormat.RichText)
        self.problems_label.hide()

        buttons_row = QHBoxLayout()
        buttons_row.setContentsMargins(0, 0, 0, 0)
        buttons_row.setSpacing(6)
        for button in buttons:
            buttons_row.addWidget(button)
        buttons_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.table)
        layout.addWidget(self.empty_label)
        layout.addLayout(buttons_row)
        layout.addWidget(self.problems_label)
        self.setFocusProxy(self.table)
        self.table.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())
        self.model.rowsInserted.connect(lambda *_: self._update_buttons())
        self.model.rowsRemoved.connect(lambda *_: self._update_buttons())
        self.model.rowsMoved.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self.model.modelReset.connect(self._fit_height)
        self.table.horizontalScrollBar().rangeChanged.connect(lambda *_: self._fit_height())
        self._fit_height()
        self._update_buttons()

    def _set_column_widths(self) -> None:
        """Each column fits its header, its values with a problem icon, and its cell editor."""
        metrics = self.table.fontMetrics()
        date_editor = DateField(self.lang).minimumWidth()
        for column, spec in enumerate(LINE_FIELDS):
            if spec.key == "notes":
                continue
            texts = [label(spec.label, self.lang) + " *"]
            if spec.kind == "enum":
                texts += [label(spec.value_labels[v], self.lang) for v in spec.values]
            elif spec.kind == "date":
                texts += ["0000-00-00", tr("form.not_recorded", self.lang)]
            width = min(max(metrics.horizontalAdvance(t) for t in texts) + 40, 240)
            if spec.kind == "date":
                width = max(width, date_editor + 24)  # beside a problem icon
            self.table.setColumnWidth(column, width)

    def _fit_height(self) -> None:
        """The table grows with its lines (2 to 8 rows visible) so the form scrolls as a whole."""
        rows = max(2, min(8, self.model.rowCount()))
        header = self.table.horizontalHeader().sizeHint().height()
        row_height = self.table.verticalHeader().defaultSectionSize()
        frame = self.table.frameWidth() * 2
        bar = self.table.horizontalScrollBar()
        scroll = bar.sizeHint().height() if bar.maximum() > 0 else 0
        self.table.setFixedHeight(header + rows * row_height + frame + scroll + 2)
        self.empty_label.setVisible(self.model.rowCount() == 0)

    def _update_buttons(self) -> None:
        row = self.current_row()
        count = self.model.rowCount()
        self.remove_button.setEnabled(0 <= row < count)
        self.up_button.setEnabled(0 < row < count)
        self.down_button.setEnabled(0 <= row < count - 1)

    # -- public API -------------------------------------------------------------------------
    def current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def lines(self) -> list[dict[str, Any]]:
        return self.model.lines()

    def set_lines(self, lines: list[dict[str, Any]]) -> None:
        self.model.set_lines(lines)

    def set_case_source(self, source: Callable[[], dict[str, Any]]) -> None:
        """Where the rest of the case comes from when a date is checked as it is typed (the
        soft checks read `pace` and the other fields); without one the lines are checked alone."""
        self._case_source = source

    def set_problems(self, problems: list[Problem]) -> None:
        """Show the `lines...` problems on their rows and as a list under the table."""
        self._problems = _lines_problems(problems)
        self._show_problems(self._problems)

    def shown_problems(self) -> list[Problem]:
        """The problems shown now: the committed lines', or those of a date being typed."""
        return self.model.problems()

    def _check_draft(self, editor: QWidget, row: int, key: str, value: Any) -> None:
        """A date is being typed in a cell: check the lines as if it were committed, and show
        the result beside the line and on the cell's editor."""
        lines = self.model.lines()
        if not 0 <= row < len(lines):
            return
        lines[row][key] = value
        case = dict(self._case_source()) if self._case_source is not None else {}
        case["lines"] = lines
        result = validate_case(case)
        found = _lines_problems(result.errors + result.warnings)
        self._show_problems(found)
        own = [p for p in found if p.field == f"lines[{row + 1}].{key}"]
        own.sort(key=lambda p: p.severity != ERROR)
        field = label(LINE_FIELDS[KEYS.index(key)].label, self.lang)
        if own:
            _symbol, text, background = SEVERITY_COLOURS[own[0].severity]
            editor.setStyleSheet(f"QLineEdit {{ border: 2px solid {text}; "
                                 f"background: {background}; }}")
            editor.setToolTip("\n".join(display_message(p, field, self.lang) for p in own))
        else:
            editor.setStyleSheet("")
            editor.setToolTip(tr("form.date_tip", self.lang))
        editor.setProperty("problem", own[0].severity if own else "")

    def _show_problems(self, mine: list[Problem]) -> None:
        """These problems on their rows and cells, and as a list under the table."""
        self.model.set_problems(mine)
        items: list[tuple[tuple[int, bool], str, str, Problem]] = []
        for problem in mine:
            where = parse_line_path(problem.field)
            row, key = where if where is not None else (-1, None)
            head = tr("lines.line", self.lang, n=row + 1) if row >= 0 else ""
            field = label(LINE_FIELDS[KEYS.index(key)].label, self.lang) if key in KEYS else ""
            if field and not problem.needs_field_name:
                head = f"{head} · {field}"  # the message does not name its column
            items.append(((row, problem.severity != ERROR), head, field, problem))
        items.sort(key=lambda item: item[0])
        self.problems_label.setVisible(bool(items))
        self.problems_label.setText(problems_html([i[1:] for i in items], self.lang)
                                    if items else "")

    def select_cell(self, row: int, key: str | None = None) -> None:
        """Make a cell current and focus the table (used to jump to a problem)."""
        if not 0 <= row < self.model.rowCount():
            self.table.setFocus()
            return
        column = KEYS.index(key) if key in KEYS else 0
        index = self.model.index(row, column)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        self.table.setFocus()

    def add_line(self) -> int:
        """Add an empty line after the current one (at the end when none) and start editing
        its regimen."""
        current = self.current_row()
        row = self.model.add_line(current + 1 if current >= 0 else None)
        index = self.model.index(row, 0)
        self.table.setCurrentIndex(index)
        self.table.setFocus()
        return row

    def remove_line(self) -> bool:
        row = self.current_row()
        removed = self.model.remove_line(row)
        if removed and self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(min(row, self.model.rowCount() - 1),
                                                        max(0, self.table.currentIndex().column())))
        return removed

    def _move(self, offset: int) -> None:
        row = self.current_row()
        column = max(0, self.table.currentIndex().column())
        new = self.model.move_line(row, offset)
        if new != row:
            self.table.setCurrentIndex(self.model.index(new, column))


def _lines_problems(problems: list[Problem]) -> list[Problem]:
    """The problems that belong to the lines (`lines`, `lines[2].end_date`, ...)."""
    return [p for p in problems if p.field == "lines" or p.field.startswith("lines[")]
