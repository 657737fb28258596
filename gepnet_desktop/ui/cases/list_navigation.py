"""The main window's case list: following the filters, selecting the open case's row, opening
the row the user picks (or the next or previous one), and noticing writes made elsewhere.

A part of MainWindow (a mixin): it uses the window's list_model, list_view, filter_bar, tabs
and store, and its open_case().
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer

log = logging.getLogger(__name__)


if TYPE_CHECKING:  # the window as this part sees it
    from ..window.host import WindowHost as _Host
else:
    _Host = object


class ListNavigation(_Host):
    """The case list's side of the main window."""

    def check_outside_changes(self) -> bool:
        """Refresh the list if the database changed since last seen; True when it had."""
        if self.store is None:
            return False
        try:
            changes = self.store.change_counter()
        except Exception as exc:  # a database being replaced (restore): try again later
            log.warning("change counter unreadable: %s", type(exc).__name__)
            return False
        if changes == self._seen_changes:
            return False
        self._seen_changes = changes
        self.list_model.refresh()
        return True

    def _on_filters(self, filters: dict[str, Any]) -> None:
        self.list_model.set_query(replace(self.list_model.query(), **filters))

    def _on_list_loaded(self) -> None:
        self._pending_row = None
        self._select_current_row()

    def _select_current_row(self) -> None:
        """Select the open case's row in the list if it is fetched, else clear the selection."""
        row = self.list_model.row_of(self._case.uuid) if self._case and self._case.uuid else None
        selection = self.list_view.selectionModel()
        self._selecting = True
        try:
            if row is None:
                selection.clear()
            else:
                index = self.list_model.index(row, 0)
                selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                          | QItemSelectionModel.SelectionFlag.Rows)
                self.list_view.scrollTo(index)
        finally:
            self._selecting = False

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._selecting or not current.isValid():
            return
        self._open_row(current.row())

    def _open_row(self, row: int) -> None:
        uuid = self.list_model.case_uuid(row)
        if uuid is None:  # the row's page is on its way: open it when it arrives
            self._pending_row = row
            return
        self._pending_row = None
        if not self.open_case(uuid):
            QTimer.singleShot(0, self._select_current_row)

    def _on_rows_arrived(self, top: QModelIndex, bottom: QModelIndex) -> None:
        row = self._pending_row
        if row is not None and top.row() <= row <= bottom.row():
            self._open_row(row)

    def step_case(self, step: int) -> None:
        """Open the next (1) or previous (-1) case of the list."""
        current = self.list_view.currentIndex()
        row = current.row() + step if current.isValid() else 0
        if 0 <= row < self.list_model.rowCount():
            self.list_view.setCurrentIndex(self.list_model.index(row, 0))

    def focus_search(self) -> None:
        self.filter_bar.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_bar.search.selectAll()

    def focus_list(self) -> None:
        self.list_view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_tab(self, index: int) -> None:
        """Show the case form (0) or the Pathway page (1) of the open case."""
        if self._open:
            self.tabs.setCurrentIndex(index)
