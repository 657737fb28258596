"""The cases due for review as a table model (lazy: rows are formatted as they are shown)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from .figures import due_header, due_words

if TYPE_CHECKING:
    from ...store.cohort import DueCase

Index = QModelIndex | QPersistentModelIndex
UUID_ROLE = Qt.ItemDataRole.UserRole + 1


class DueModel(QAbstractTableModel):
    def __init__(self, lang: str = "en", parent: Any = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.cases: Sequence[DueCase] = ()
        self._header = due_header(lang)
        self._cache: dict[str, tuple[str, str, str, str]] = {}

    def _words(self, case: DueCase) -> tuple[str, str, str, str]:
        found = self._cache.get(case.uuid)
        if found is None:
            if len(self._cache) > 2000:
                self._cache.clear()
            found = self._cache[case.uuid] = due_words(case, self.lang)
        return found

    def set_cases(self, cases: Sequence[DueCase]) -> None:
        self.beginResetModel()
        self.cases = cases
        self._cache.clear()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.cases)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._header)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        case = self.cases[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._words(case)[index.column()]
        if role == UUID_ROLE:
            return case.uuid
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._header[section]
        return None
