"""Undo commands of the case form and its lines editor, and the keys that reach them.

A command changes the form through a small target interface, so that redo and undo go through
the same code as loading a value. Consecutive typing in one field merges into one command until
the user leaves the field.
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QUndoCommand, QUndoStack


class FieldTarget(Protocol):
    """What a field command changes: the form."""

    def apply_value(self, key: str, value: Any) -> None: ...

    def apply_data(self, data: dict[str, Any]) -> None: ...


class LinesTarget(Protocol):
    """What a lines command changes: the lines model."""

    def apply_cell(self, row: int, key: str, value: Any) -> None: ...

    def apply_insert(self, row: int, line: dict[str, Any]) -> None: ...

    def apply_remove(self, row: int) -> dict[str, Any]: ...

    def apply_move(self, source: int, target: int) -> None: ...


def _same(a: Any, b: Any) -> bool:
    return a == b and type(a) is type(b)


class SetFieldCommand(QUndoCommand):
    """One field changed from `old` to `new`; typing in the same field merges."""

    MERGE_BASE = 1000

    def __init__(self, target: FieldTarget, key: str, old: Any, new: Any, text: str,
                 merge_id: int = -1, session: int = 0) -> None:
        super().__init__(text)
        self.target, self.key, self.old, self.new = target, key, old, new
        self._merge_id = merge_id
        self._session = session

    def id(self) -> int:
        return self._merge_id

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetFieldCommand) or other.key != self.key:
            return False
        if other._session != self._session:
            return False
        self.new = other.new
        self.setObsolete(_same(self.old, self.new))
        return True

    def redo(self) -> None:
        self.target.apply_value(self.key, self.new)

    def undo(self) -> None:
        self.target.apply_value(self.key, self.old)


class ReplaceDataCommand(QUndoCommand):
    """The whole form replaced (a draft restored)."""

    def __init__(self, target: FieldTarget, old: dict[str, Any], new: dict[str, Any],
                 text: str) -> None:
        super().__init__(text)
        self.target, self.old, self.new = target, old, new

    def redo(self) -> None:
        self.target.apply_data(self.new)

    def undo(self) -> None:
        self.target.apply_data(self.old)


class SetCellCommand(QUndoCommand):
    """One cell of the lines table changed."""

    def __init__(self, target: LinesTarget, row: int, key: str, old: Any, new: Any,
                 text: str) -> None:
        super().__init__(text)
        self.target, self.row, self.key, self.old, self.new = target, row, key, old, new

    def redo(self) -> None:
        self.target.apply_cell(self.row, self.key, self.new)

    def undo(self) -> None:
        self.target.apply_cell(self.row, self.key, self.old)


class InsertLineCommand(QUndoCommand):
    """A line added at `row`."""

    def __init__(self, target: LinesTarget, row: int, line: dict[str, Any], text: str) -> None:
        super().__init__(text)
        self.target, self.row, self.line = target, row, dict(line)

    def redo(self) -> None:
        self.target.apply_insert(self.row, dict(self.line))

    def undo(self) -> None:
        self.target.apply_remove(self.row)


class RemoveLineCommand(QUndoCommand):
    """The line at `row` removed (its values kept for undo)."""

    def __init__(self, target: LinesTarget, row: int, text: str) -> None:
        super().__init__(text)
        self.target, self.row = target, row
        self.line: dict[str, Any] = {}

    def redo(self) -> None:
        self.line = self.target.apply_remove(self.row)

    def undo(self) -> None:
        self.target.apply_insert(self.row, dict(self.line))


class MoveLineCommand(QUndoCommand):
    """The line at `source` moved to `target` (the others shift)."""

    def __init__(self, target: LinesTarget, source: int, dest: int, text: str) -> None:
        super().__init__(text)
        self.target, self.source, self.dest = target, source, dest

    def redo(self) -> None:
        self.target.apply_move(self.source, self.dest)

    def undo(self) -> None:
        self.target.apply_move(self.dest, self.source)


def undo_keys(event: QKeyEvent) -> str | None:
    """"undo" or "redo" when the key event is the platform's undo/redo key, else None."""
    if event.matches(QKeySequence.StandardKey.Undo):
        return "undo"
    if event.matches(QKeySequence.StandardKey.Redo) or (
            event.key() == Qt.Key.Key_Y
            and event.modifiers() == Qt.KeyboardModifier.ControlModifier):
        return "redo"
    return None


class UndoKeyFilter(QObject):
    """Sends Ctrl+Z / Ctrl+Shift+Z (Ctrl+Y) in a control to the form's stack, not the control's
    own undo, so that typing, choices and lines share one history."""

    def __init__(self, stack: QUndoStack, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.stack = stack

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) and isinstance(
                event, QKeyEvent):
            which = undo_keys(event)
            if which is None:
                return False
            if kind == QEvent.Type.ShortcutOverride:
                event.accept()  # deliver it to us as a key press, not to a window shortcut
                return True
            if which == "undo":
                self.stack.undo()
            else:
                self.stack.redo()
            return True
        return False
