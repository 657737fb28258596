"""The case list as a part of the main window: the filter bar over the lazy table, following
the filters, selecting the open case's row, telling which case the user picks (or the next or
previous one), and noticing writes made elsewhere (another window, the command line)."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ...pathway import Pathway
from .case_filters import CaseFilterBar
from .case_list import CaseListModel
from .case_table import make_case_table

if TYPE_CHECKING:
    from ..window.database import OpenDatabase

log = logging.getLogger(__name__)

WATCH_INTERVAL_MS = 3000


class CaseListPane(QWidget):
    """The left side of the window. It never opens a case itself: it says `caseChosen`."""

    caseChosen = Signal(str)    # uuid of the row the user picked
    countChanged = Signal(int)  # cases matching the filters
    queryFailed = Signal(str)   # a sentence for the status bar

    def __init__(self, db: OpenDatabase, pathway: Pathway, lang: str, *, page_size: int = 200,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._uuid: str | None = None  # the stored case open in the editor
        self._selecting = False
        self._pending_row: int | None = None
        self._seen_changes = -1
        self.filter_bar = CaseFilterBar(pathway, lang, parent=self)
        self.model = CaseListModel(db.connect, pathway, lang, page_size=page_size,
                                   active=False, parent=self)
        self.view = make_case_table(self.model, lang, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 6)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.view, 1)
        # Writes by others: refresh when the database's change counter moves (one single-row
        # read every few seconds).
        self._watch = QTimer(self)
        self._watch.setInterval(WATCH_INTERVAL_MS)
        self._watch.timeout.connect(self.check_outside_changes)
        self.filter_bar.queryChanged.connect(self._on_filters)
        self.model.queryFinished.connect(self._on_list_loaded)
        self.model.dataChanged.connect(self._on_rows_arrived)
        self.model.countChanged.connect(self.countChanged)
        self.model.queryFailed.connect(self.queryFailed)
        self.view.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.view.activated.connect(lambda index: self._open_row(index.row()))

    # -- the database --------------------------------------------------------------------------
    def start(self) -> None:
        """The database is open: list it, and watch it for writes made elsewhere."""
        self._follow_store()
        self.model.start()

    def reconnect(self) -> None:
        """Another database (or the same one restored) is open: list it from now on."""
        self._follow_store()
        self.model.set_store_opener(self._db.connect)

    def release(self) -> None:
        """Before a restore replaces the file: stop watching and close the list's connection."""
        self._watch.stop()
        self.model.release_store()

    def _follow_store(self) -> None:
        store = self._db.require()
        self._seen_changes = store.change_counter()
        self._watch.start()

    def is_watching(self) -> bool:
        """True while writes made elsewhere are looked for."""
        return self._watch.isActive()

    def check_outside_changes(self) -> bool:
        """Refresh the list if the database changed since last seen; True when it had."""
        if self._db.store is None:
            return False
        try:
            changes = self._db.store.change_counter()
        except Exception as exc:  # a database being replaced (restore): try again later
            log.warning("change counter unreadable: %s", type(exc).__name__)
            return False
        if changes == self._seen_changes:
            return False
        self._seen_changes = changes
        self.model.refresh()
        return True

    def refresh(self) -> None:
        """Read the list again (after a save, a delete, an import)."""
        self.model.refresh()

    def shutdown(self) -> None:
        """Stop watching and stop the list's worker thread (idempotent)."""
        self._watch.stop()
        self.model.shutdown()

    # -- the open case -------------------------------------------------------------------------
    def show_case(self, uuid: str) -> None:
        """The editor shows the stored case `uuid` ("" for a new case or none): select its row."""
        self._uuid = uuid or None
        self._select_open_row()

    def reselect_later(self) -> None:
        """The picked case was not opened: select the open case's row again, after this event."""
        QTimer.singleShot(0, self._select_open_row)

    def _on_filters(self, filters: dict[str, Any]) -> None:
        self.model.set_query(replace(self.model.query(), **filters))

    def _on_list_loaded(self) -> None:
        self._pending_row = None
        self._select_open_row()

    def _select_open_row(self) -> None:
        """Select the open case's row if it is fetched, else clear the selection."""
        row = self.model.row_of(self._uuid) if self._uuid else None
        selection = self.view.selectionModel()
        self._selecting = True
        try:
            if row is None:
                selection.clear()
            else:
                index = self.model.index(row, 0)
                selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                          | QItemSelectionModel.SelectionFlag.Rows)
                self.view.scrollTo(index)
        finally:
            self._selecting = False

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._selecting or not current.isValid():
            return
        self._open_row(current.row())

    def _open_row(self, row: int) -> None:
        uuid = self.model.case_uuid(row)
        if uuid is None:  # the row's page is on its way: open it when it arrives
            self._pending_row = row
            return
        self._pending_row = None
        self.caseChosen.emit(uuid)

    def _on_rows_arrived(self, top: QModelIndex, bottom: QModelIndex) -> None:
        row = self._pending_row
        if row is not None and top.row() <= row <= bottom.row():
            self._open_row(row)

    # -- the keyboard --------------------------------------------------------------------------
    def step(self, step: int) -> None:
        """Pick the next (1) or previous (-1) case of the list."""
        current = self.view.currentIndex()
        row = current.row() + step if current.isValid() else 0
        if 0 <= row < self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(row, 0))

    def focus_search(self) -> None:
        self.filter_bar.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_bar.search.selectAll()

    def focus_list(self) -> None:
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def set_usable(self, usable: bool) -> None:
        """Enable or disable the filters and the table (opening a row reads the store)."""
        for widget in (self.filter_bar, self.view):
            widget.setEnabled(usable)
