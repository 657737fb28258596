"""The lines-of-therapy editor: a table of the case's lines (oldest first) with add, remove and
reorder, every change an undoable command, and validation problems shown on their row.

Columns, value sets and labels come from `case.fields.LINE_FIELDS`; problems come from the form's
`validate_case` run (`lines[2].end_date` is row 2, column end date).
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..case.fields import LINE_FIELDS, REQUIRED_LINE_KEYS, label, value_label
from ..case.validation import Problem
from .field_widgets import (
    ERROR,
    WARNING,
    DateField,
    EnumCombo,
    problem_icon,
    problems_html,
    ui_text,
)
from .form_undo import InsertLineCommand, MoveLineCommand, RemoveLineCommand, SetCellCommand

KEYS: tuple[str, ...] = tuple(f.key for f in LINE_FIELDS)
_LINE_PATH = re.compile(r"lines\[(\d+)\](?:\.(\w+))?$")

_TEXT: dict[str, dict[str, str]] = {
    # No mnemonics: the form's labels need the letters; the table has keys for these.
    "add": {"en": "Add line", "ko": "라인 추가"},
    "remove": {"en": "Remove", "ko": "삭제"},
    "up": {"en": "Move up", "ko": "위로"},
    "down": {"en": "Move down", "ko": "아래로"},
    "add_tip": {"en": "Add a line after the current one (Insert)",
                "ko": "현재 라인 뒤에 추가 (Insert)"},
    "remove_tip": {"en": "Remove the current line (Delete)", "ko": "현재 라인 삭제 (Delete)"},
    "up_tip": {"en": "Move the current line up (Alt+Up)", "ko": "현재 라인을 위로 (Alt+Up)"},
    "down_tip": {"en": "Move the current line down (Alt+Down)",
                 "ko": "현재 라인을 아래로 (Alt+Down)"},
    "line": {"en": "Line {n}", "ko": "{n}차 라인"},
    "empty": {"en": "No line of systemic therapy recorded. Add one with Insert or “Add line”.",
              "ko": "기록된 전신 치료가 없습니다. Insert 키나 ‘라인 추가’로 추가하세요."},
    "cmd_add": {"en": "Add line", "ko": "라인 추가"},
    "cmd_remove": {"en": "Remove line {n}", "ko": "{n}차 라인 삭제"},
    "cmd_move": {"en": "Move line {n}", "ko": "{n}차 라인 이동"},
    "cmd_cell": {"en": "Line {n}: {field}", "ko": "{n}차 라인: {field}"},
}


def _t(key: str, lang: str, **kw: Any) -> str:
    words = _TEXT[key]
    return (words.get(lang) or words["en"]).format(**kw)


def empty_line() -> dict[str, Any]:
    """A new line: every value unknown (regimen and outcome must then be chosen)."""
    return dict.fromkeys(KEYS)


def parse_line_path(path: str) -> tuple[int, str | None] | None:
    """`lines[2].end_date` -> (1, "end_date"); `lines[3]` -> (2, None); else None."""
    match = _LINE_PATH.match(path)
    if not match:
        return None
    return int(match.group(1)) - 1, match.group(2)


class LinesModel(QAbstractTableModel):
    """The lines as a table; edits through `setData` become commands on `undo_stack`."""

    edited = Signal()  # after any change (edit, undo, redo)

    def __init__(self, lang: str = "en", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self._rows: list[dict[str, Any]] = []
        self._problems: dict[tuple[int, int], list[Problem]] = {}
        self._row_problems: dict[int, list[Problem]] = {}
        self.undo_stack: QUndoStack | None = None

    # -- contents ---------------------------------------------------------------------------
    def lines(self) -> list[dict[str, Any]]:
        """The lines as JSON objects (keys in case-fields.md order), oldest first."""
        return [{k: row.get(k) for k in KEYS} for row in self._rows]

    def set_lines(self, lines: list[dict[str, Any]]) -> None:
        """Replace every line (loading a case); not a command."""
        self.beginResetModel()
        self._rows = [{k: (line or {}).get(k) for k in KEYS} for line in lines]
        self._problems.clear()
        self._row_problems.clear()
        self.endResetModel()

    def set_problems(self, problems: list[Problem]) -> None:
        """Show these problems (fields `lines[i]...`) on their rows and cells."""
        cells: dict[tuple[int, int], list[Problem]] = {}
        rows: dict[int, list[Problem]] = {}
        for problem in problems:
            where = parse_line_path(problem.field)
            if where is None:
                continue
            row, key = where
            if key in KEYS:
                cells.setdefault((row, KEYS.index(key)), []).append(problem)
            else:
                rows.setdefault(row, []).append(problem)
        if cells == self._problems and rows == self._row_problems:
            return
        self._problems, self._row_problems = cells, rows
        if self._rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._rows) - 1, len(KEYS) - 1))
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, len(self._rows) - 1)

    def cell_problems(self, row: int, column: int) -> list[Problem]:
        """Problems shown in one cell (its own and its row's)."""
        return self._problems.get((row, column), []) + self._row_problems.get(row, [])

    # -- Qt model ---------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(KEYS)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsEditable)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(KEYS):
                text = label(LINE_FIELDS[section].label, self.lang)
                return text + (" *" if KEYS[section] in REQUIRED_LINE_KEYS else "")
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        if role == Qt.ItemDataRole.DecorationRole:
            severity = self._row_severity(section)
            return problem_icon(severity) if severity else None
        return None

    def _row_severity(self, row: int) -> str | None:
        found = [p for (r, _c), ps in self._problems.items() if r == row for p in ps]
        found += self._row_problems.get(row, [])
        if any(p.severity == ERROR for p in found):
            return ERROR
        return WARNING if found else None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        key = KEYS[index.column()]
        value = self._rows[index.row()].get(key)
        if role == Qt.ItemDataRole.EditRole:
            return value
        if role == Qt.ItemDataRole.DisplayRole:
            if value is None:
                if key == "notes":
                    return ""
                if key in REQUIRED_LINE_KEYS:
                    return "—"
                if key in ("start_date", "end_date"):
                    return ui_text("not_recorded", self.lang)
                return value_label(key, None, self.lang)
            if key == "notes":
                return str(value).replace("\n", " ")
            return value_label(key, value, self.lang) if key not in ("start_date", "end_date") \
                else str(value)
        if role == Qt.ItemDataRole.ForegroundRole and value is None and key != "notes":
            return QBrush(QColor("#808080"))
        problems = self.cell_problems(index.row(), index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            if problems:
                return "\n".join(p.text(self.lang) for p in problems)
            return str(value) if key == "notes" and value else None
        if role == Qt.ItemDataRole.BackgroundRole and problems:
            severe = any(p.severity == ERROR for p in problems)
            return QBrush(QColor("#fde2e1") if severe else QColor("#fff1cc"))
        if role == Qt.ItemDataRole.DecorationRole and self._problems.get(
                (index.row(), index.column())):
            severe = any(p.severity == ERROR for p in problems)
            return problem_icon(ERROR if severe else WARNING)
        return None

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        key = KEYS[index.column()]
        if isinstance(value, str) and key in ("notes",):
            value = value or None
        old = self._rows[index.row()].get(key)
        if old == value and type(old) is type(value):
            return False
        field = label(LINE_FIELDS[index.column()].label, self.lang)
        text = _t("cmd_cell", self.lang, n=index.row() + 1, field=field)
        command = SetCellCommand(self, index.row(), key, old, value, text)
        if self.undo_stack is not None:
            self.undo_stack.push(command)
        else:
            command.redo()
        return True

    # -- the LinesTarget interface (commands call these) -------------------------------------
    def apply_cell(self, row: int, key: str, value: Any) -> None:
        self._rows[row][key] = value
        column = KEYS.index(key)
        self.dataChanged.emit(self.index(row, column), self.index(row, column))
        self.edited.emit()

    def apply_insert(self, row: int, line: dict[str, Any]) -> None:
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, {k: line.get(k) for k in KEYS})
        self.endInsertRows()
        self.edited.emit()

    def apply_remove(self, row: int) -> dict[str, Any]:
        self.beginRemoveRows(QModelIndex(), row, row)
        line = self._rows.pop(row)
        self.endRemoveRows()
        self.edited.emit()
        return line

    def apply_move(self, source: int, target: int) -> None:
        if source == target:
            return
        # Qt's destination row is "before this row" in the old numbering.
        dest = target + 1 if target > source else target
        self.beginMoveRows(QModelIndex(), source, source, QModelIndex(), dest)
        self._rows.insert(target, self._rows.pop(source))
        self.endMoveRows()
        self.edited.emit()

    # -- user operations (commands) ---------------------------------------------------------
    def _push(self, command: Any) -> None:
        if self.undo_stack is not None:
            self.undo_stack.push(command)
        else:
            command.redo()

    def add_line(self, row: int | None = None) -> int:
        """Insert an empty line at `row` (default: the end); returns its row."""
        row = len(self._rows) if row is None else max(0, min(row, len(self._rows)))
        self._push(InsertLineCommand(self, row, empty_line(), _t("cmd_add", self.lang)))
        return row

    def remove_line(self, row: int) -> bool:
        if not 0 <= row < len(self._rows):
            return False
        self._push(RemoveLineCommand(self, row, _t("cmd_remove", self.lang, n=row + 1)))
        return True

    def move_line(self, row: int, offset: int) -> int:
        """Move a line by `offset` rows; returns its new row (unchanged when it cannot move)."""
        target = row + offset
        if not (0 <= row < len(self._rows) and 0 <= target < len(self._rows)):
            return row
        self._push(MoveLineCommand(self, row, target, _t("cmd_move", self.lang, n=row + 1)))
        return target


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
    """Combo boxes for value sets, date fields for dates, plain text for notes."""

    def __init__(self, lang: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lang = lang

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        spec = LINE_FIELDS[index.column()]
        if spec.kind == "enum":
            none_text = ui_text("choose", self.lang) if spec.key in REQUIRED_LINE_KEYS else None
            combo = _CellCombo.for_spec(spec, self.lang, none_text=none_text, parent=parent)

            def commit() -> None:
                if combo.chosen_from_popup:  # a click in the list ends the edit at once
                    combo.chosen_from_popup = False
                    self.commitData.emit(combo)
                    self.closeEditor.emit(combo, QStyledItemDelegate.EndEditHint.NoHint)

            combo.activated.connect(lambda _i: commit())
            return combo
        if spec.kind == "date":
            return DateField(self.lang, parent)
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, (EnumCombo, DateField)):
            editor.set_value(index.data(Qt.ItemDataRole.EditRole))
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

        self.table = LinesTable(self)
        self.table.setModel(self.model)
        self.table.setItemDelegate(LineDelegate(lang, self.table))
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

        self.add_button = QPushButton(_t("add", lang), self)
        self.remove_button = QPushButton(_t("remove", lang), self)
        self.up_button = QPushButton(_t("up", lang), self)
        self.down_button = QPushButton(_t("down", lang), self)
        style = self.style()
        icons = (QStyle.StandardPixmap.SP_FileDialogNewFolder, QStyle.StandardPixmap.SP_TrashIcon,
                 QStyle.StandardPixmap.SP_ArrowUp, QStyle.StandardPixmap.SP_ArrowDown)
        tips = ("add_tip", "remove_tip", "up_tip", "down_tip")
        buttons = (self.add_button, self.remove_button, self.up_button, self.down_button)
        for button, icon, tip in zip(buttons, icons, tips, strict=True):
            if button is not self.add_button:
                button.setIcon(style.standardIcon(icon))
            button.setToolTip(_t(tip, lang))
            button.setAutoDefault(False)
        self.add_button.clicked.connect(lambda: self.add_line())
        self.remove_button.clicked.connect(lambda: self.remove_line())
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(1))

        self.empty_label = QLabel(_t("empty", lang), self)
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
        metrics = self.table.fontMetrics()
        for column, spec in enumerate(LINE_FIELDS):
            if spec.key == "notes":
                continue
            texts = [label(spec.label, self.lang) + " *"]
            if spec.kind == "enum":
                texts += [label(spec.value_labels[v], self.lang) for v in spec.values]
            elif spec.kind == "date":
                texts.append("0000-00-00")
            width = max(metrics.horizontalAdvance(t) for t in texts) + 34
            self.table.setColumnWidth(column, min(width, 220))

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

    def set_problems(self, problems: list[Problem]) -> None:
        """Show the `lines...` problems on their rows and as a list under the table."""
        mine = [p for p in problems if p.field == "lines" or p.field.startswith("lines[")]
        self.model.set_problems(mine)
        items: list[tuple[tuple[int, bool], str, str, Problem]] = []
        for problem in mine:
            where = parse_line_path(problem.field)
            row, key = where if where is not None else (-1, None)
            head = _t("line", self.lang, n=row + 1) if row >= 0 else ""
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

    def move_up(self) -> None:
        self._move(-1)

    def move_down(self) -> None:
        self._move(1)
