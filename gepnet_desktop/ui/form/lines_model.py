"""The lines of therapy as a table model: one row per line (oldest first), columns from
`case.fields.LINE_FIELDS`, each change (a cell, add, remove, move) an undoable command, and
validation problems on their row and cell (`lines[2].end_date` is row 2, column end date).
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QUndoStack

from ...case.fields import LINE_FIELDS, REQUIRED_LINE_KEYS, label, value_label
from ...case.validation import Problem
from ...i18n import tr
from ..common.problem_style import ERROR, WARNING, problem_icon
from .form_undo import InsertLineCommand, MoveLineCommand, RemoveLineCommand, SetCellCommand

KEYS: tuple[str, ...] = tuple(f.key for f in LINE_FIELDS)
DATE_KEYS: frozenset[str] = frozenset(f.key for f in LINE_FIELDS if f.kind == "date")
_LINE_PATH = re.compile(r"lines\[(\d+)\](?:\.(\w+))?$")


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
        self._shown: list[Problem] = []
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
        self._shown = []
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
        self._shown = list(problems)
        if cells == self._problems and rows == self._row_problems:
            return
        self._problems, self._row_problems = cells, rows
        if self._rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._rows) - 1, len(KEYS) - 1))
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, len(self._rows) - 1)

    def problems(self) -> list[Problem]:
        """The problems shown now, as given to `set_problems`."""
        return list(self._shown)

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
                if key in DATE_KEYS:
                    return tr("form.not_recorded", self.lang)
                return value_label(key, None, self.lang)
            if key == "notes":
                return str(value).replace("\n", " ")
            return str(value) if key in DATE_KEYS else value_label(key, value, self.lang)
        if role == Qt.ItemDataRole.ForegroundRole and value is None and key != "notes":
            return QBrush(QColor("#808080"))
        problems = self.cell_problems(index.row(), index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            if problems:
                return "\n".join(p.text(self.lang, labels=True) for p in problems)
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
        text = tr("lines.cmd_cell", self.lang, n=index.row() + 1, field=field)
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
        self._push(InsertLineCommand(self, row, empty_line(), tr("lines.cmd_add", self.lang)))
        return row

    def remove_line(self, row: int) -> bool:
        if not 0 <= row < len(self._rows):
            return False
        self._push(RemoveLineCommand(self, row, tr("lines.cmd_remove", self.lang, n=row + 1)))
        return True

    def move_line(self, row: int, offset: int) -> int:
        """Move a line by `offset` rows; returns its new row (unchanged when it cannot move)."""
        target = row + offset
        if not (0 <= row < len(self._rows) and 0 <= target < len(self._rows)):
            return row
        self._push(MoveLineCommand(self, row, target, tr("lines.cmd_move", self.lang, n=row + 1)))
        return target
