"""A case's board decisions: listed oldest first, recorded, edited, deleted with undo.

Writes go through gepnet_desktop/board.py (the snapshot of the recommendation) and
store/decisions.py; the panel holds no SQL. It works on the stored case: a decision is taken
against the recommendation the stored record gives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...case.decision import BoardDecision, decision_label, reason_label
from ...i18n import tr
from ...pathway import Pathway
from .dialog import PROBLEM_CSS, BoardDecisionDialog

if TYPE_CHECKING:
    from ...case import Case
    from ...store import Store

COLUMNS = ("date", "decision", "concordant", "reason", "attendees", "notes")


class DecisionsPanel(QWidget):
    """The decisions of one stored case. `changed` after every write."""

    changed = Signal()

    def __init__(self, pathway: Pathway, lang: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pathway = pathway
        self.lang = lang
        self.store: Store | None = None
        self.case: Case | None = None
        self._decisions: list[BoardDecision] = []
        self._deleted: str | None = None
        self.dialog: BoardDecisionDialog | None = None
        self.setObjectName("decisionsPanel")
        self._build()
        self._update_buttons()

    def _build(self) -> None:
        lang = self.lang
        self.title = QLabel(f"<b>{tr('board.decisions', lang)}</b>", self)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("decisionsTable")
        self.table.setHorizontalHeaderLabels([tr(f"decision.field.{c}", lang) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.setAccessibleName(tr("board.decisions", lang))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemActivated.connect(lambda _item: self.edit_selected())
        self.record_button = QPushButton(tr("board.record", lang), self)
        self.edit_button = QPushButton(tr("board.edit", lang), self)
        self.delete_button = QPushButton(tr("board.delete", lang), self)
        self.undo_button = QPushButton(tr("board.undo_delete", lang), self)
        self.record_button.clicked.connect(lambda: self.record())
        self.edit_button.clicked.connect(lambda: self.edit_selected())
        self.delete_button.clicked.connect(self.delete_selected)
        self.undo_button.clicked.connect(self.undo_delete)
        self.message = QLabel(self)
        self.message.setObjectName("decisionsMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(PROBLEM_CSS)
        self.message.hide()
        buttons = QHBoxLayout()
        for b in (self.record_button, self.edit_button, self.delete_button, self.undo_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.title)
        column.addWidget(self.table, 1)
        column.addLayout(buttons)
        column.addWidget(self.message)

    # the case
    def set_case(self, store: Store | None, case: Case | None) -> None:
        """Show the decisions of a stored case (None: none)."""
        same = case is not None and self.case is not None and case.uuid == self.case.uuid \
            and store is self.store
        if not same:
            self._deleted = None
        self.store, self.case = store, case if case is not None and case.uuid else None
        if not same:  # the same case again (the form changed): its decisions did not
            self.reload()

    def reload(self) -> None:
        from ...store.decisions import list_decisions

        self._decisions = list_decisions(self.store, self.case.uuid or "") \
            if self.store is not None and self.case is not None else []
        self.table.setRowCount(len(self._decisions))
        for row, d in enumerate(self._decisions):
            for col, words in enumerate(self._cells(d)):
                item = QTableWidgetItem(words)
                item.setToolTip(words)
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        self._update_buttons()

    def _cells(self, d: BoardDecision) -> list[str]:
        lang = self.lang
        reason = reason_label(d.reason, lang) if d.reason else ""
        if d.reason_text:
            reason = f"{reason}: {d.reason_text}" if reason else d.reason_text
        return [d.date, decision_label(d.decision, lang),
                tr("board.yes" if d.concordant else "board.no", lang), reason,
                d.attendees or "", d.notes or ""]

    def decisions(self) -> list[BoardDecision]:
        return list(self._decisions)

    def selected(self) -> BoardDecision | None:
        rows = self.table.selectionModel().selectedRows()
        return self._decisions[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        has_case = self.case is not None and self.store is not None
        self.record_button.setEnabled(has_case)
        self.edit_button.setEnabled(has_case and self.selected() is not None)
        self.delete_button.setEnabled(has_case and self.selected() is not None)
        self.undo_button.setEnabled(has_case and self._deleted is not None)

    def _say(self, words: str | None) -> None:
        self.message.setText(words or "")
        self.message.setVisible(bool(words))

    # commands
    def record(self) -> BoardDecisionDialog | None:
        """Open the dialog, prefilled with the recommendation of the stored case."""
        from ...board import snapshot_for

        if self.store is None or self.case is None:
            return None
        dialog = BoardDecisionDialog(snapshot_for(self.case, self.pathway), self.pathway,
                                     self.lang, parent=self)
        dialog.accepted.connect(lambda: self._save_new(dialog.fields()))
        return self._show(dialog)

    def edit_selected(self) -> BoardDecisionDialog | None:
        d = self.selected()
        if d is None or self.store is None:
            return None
        dialog = BoardDecisionDialog(d.snapshot, self.pathway, self.lang, decision=d,
                                     parent=self)
        dialog.accepted.connect(lambda: self._save_edit(d, dialog.fields()))
        return self._show(dialog)

    def _show(self, dialog: BoardDecisionDialog) -> BoardDecisionDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _store(self) -> Store:
        assert self.store is not None  # the commands are enabled with a stored case only
        return self.store

    def _write(self, job: Any) -> bool:
        from ...store import StoreError

        try:
            job()
        except StoreError as exc:
            self._say(str(exc))
            return False
        self._say(None)
        self.reload()
        self.changed.emit()
        return True

    def _case(self) -> Case:
        assert self.case is not None
        return self.case

    def _save_new(self, fields: dict[str, Any]) -> None:
        from ...board import record_board_decision

        self._write(lambda: record_board_decision(self._store(), self._case(), fields,
                                                          self.pathway))

    def _save_edit(self, old: BoardDecision, fields: dict[str, Any]) -> None:
        from ...store.decisions import edit_decision

        self._write(lambda: edit_decision(self._store(), old.with_changes(**fields)))

    def delete_selected(self) -> bool:
        """Delete the selected decision (Undo delete brings it back)."""
        from ...store.decisions import delete_decision

        d = self.selected()
        if d is None or d.uuid is None:
            return False
        if self._write(lambda: delete_decision(self._store(), d.uuid or "")):
            self._deleted = d.uuid
            self._update_buttons()
            return True
        return False

    def undo_delete(self) -> bool:
        from ...store.decisions import restore_decision

        uuid = self._deleted
        if uuid is None:
            return False
        self._deleted = None
        return self._write(lambda: restore_decision(self._store(), uuid))
