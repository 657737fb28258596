"""The case list's filter bar: a search box (debounced) and filters by primary site, WHO grade
and recommendation, including the cases whose walk stops for missing data."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from ...case.fields import FIELDS_BY_KEY, WHO_GRADES, label
from ...i18n import tr
from ...pathway import Pathway
from .case_list import node_display

# The recommendation filter's value for cases whose walk stops for missing data (the store's
# NEEDS_DATA; the store is imported only once the window is shown).
NEEDS_DATA = "needs_data"


def recommendation_choices(pathway: Pathway, lang: str) -> list[tuple[str, str]]:
    """(value, label) for the recommendation filter: the nodes a walk can end on, in chart
    order, then the cases whose walk stops for missing data (shown as in the list)."""
    ends = sorted((n for n in pathway.nodes.values() if n.kind in ("treatment", "action")),
                  key=lambda n: (n.y, n.x))
    return [(n.id, node_display(pathway, n.id, lang)) for n in ends] + [
        (NEEDS_DATA, tr("ui.list.no_recommendation", lang))]


class CaseFilterBar(QWidget):
    """A search box (debounced) and filters for site, grade and recommendation node."""

    queryChanged = Signal(object)  # a dict of CaseQuery fields (text, site, grade, ...)

    def __init__(self, pathway: Pathway, lang: str = "en", *, debounce_ms: int = 250,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(tr("ui.list.search", lang))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(tr("ui.list.search", lang))
        self.site = self._combo(tr("ui.list.all_sites", lang), tr("ui.list.filter_site", lang), [
            (v, label(lbl, lang)) for v, lbl in FIELDS_BY_KEY["primary_site"].value_labels.items()
        ])
        self.grade = self._combo(tr("ui.list.all_grades", lang), tr("ui.list.filter_grade", lang),
                                 [(g, g) for g in WHO_GRADES])
        self.node = self._combo(tr("ui.list.all_nodes", lang), tr("ui.list.filter_node", lang),
                                recommendation_choices(pathway, lang))
        self.node.setMinimumContentsLength(12)
        self.node.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self._emit)
        self.search.textChanged.connect(self._timer.start)
        self.search.returnPressed.connect(self._emit_now)
        for combo in (self.site, self.grade, self.node):
            combo.currentIndexChanged.connect(self._emit_now)
        rows = QVBoxLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(4)
        rows.addWidget(self.search)
        combos = QHBoxLayout()
        combos.setContentsMargins(0, 0, 0, 0)
        combos.addWidget(self.site, 3)
        combos.addWidget(self.grade, 2)
        combos.addWidget(self.node, 4)
        rows.addLayout(combos)

    def _combo(self, everything: str, tip: str, items: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox(self)
        combo.addItem(everything, None)
        for value, name in items:
            combo.addItem(name, value)
            combo.setItemData(combo.count() - 1, name, Qt.ItemDataRole.ToolTipRole)
        combo.setToolTip(tip)
        combo.setAccessibleName(tip)
        return combo

    def filters(self) -> dict[str, Any]:
        """The current filters as CaseQuery fields."""
        return {"text": self.search.text().strip(), "site": self.site.currentData(),
                "grade": self.grade.currentData(), "recommendation": self.node.currentData()}

    def _emit_now(self) -> None:
        self._timer.stop()
        self._emit()

    def _emit(self) -> None:
        self.queryChanged.emit(self.filters())

    def set_filter(self, combo: QComboBox, value: str | None) -> None:
        """Select `value` in one of the filter combos (None: all)."""
        combo.setCurrentIndex(0 if value is None else max(0, combo.findData(value)))
