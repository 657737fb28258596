"""The case list's table view: one row selected at a time, sortable by column, columns sized for
what they hold (the recommendation takes the space left), newest change first."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from ...i18n import tr
from .case_list import COLUMNS, CaseListModel

# The widest value a fixed column usually shows (a column without one is as wide as its title).
SAMPLES = {"case_code": "MMMM-00000", "primary_site": "Jejunum / ileum", "who_grade": "MiNEN",
           "updated_at": "2026-12-31"}


def make_case_table(model: CaseListModel, lang: str, parent: QWidget | None = None) -> QTableView:
    """A read-only table over `model`, sorted by the date of the last change (newest first)."""
    view = QTableView(parent)
    view.setObjectName("caseList")
    view.setAccessibleName(tr("ui.list.name", lang))
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    rows = view.verticalHeader()
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    metrics = view.fontMetrics()
    header.setMinimumSectionSize(metrics.horizontalAdvance("MMMM"))
    header.setStretchLastSection(False)
    for col, name in enumerate(COLUMNS):
        if name == "recommendation_node":
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        else:
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            title = model.headerData(col, Qt.Orientation.Horizontal)
            width = max(metrics.horizontalAdvance(SAMPLES.get(name, "")),
                        metrics.horizontalAdvance(title) + 16)
            header.resizeSection(col, width + 14)
    header.setSortIndicator(COLUMNS.index("updated_at"), Qt.SortOrder.DescendingOrder)
    view.setSortingEnabled(True)
    return view
