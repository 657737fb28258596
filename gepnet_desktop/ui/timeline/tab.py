"""The Timeline tab of a case: the timeline (scrolls with many lines), the focused line's
details, and the case's board decisions below."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QSplitter, QVBoxLayout, QWidget

from ...case.timeline import case_events, line_spans
from ...i18n import tr
from ...pathway import Pathway
from ...pathway.line_history import nodes_before_lines
from ..board.panel import DecisionsPanel
from .layout import TimelineData
from .view import TimelineView

if TYPE_CHECKING:
    from ...case import Case
    from ...store import Store


def timeline_data(case: Case, pathway: Pathway, decisions: list, today: dt.date
                  ) -> TimelineData:
    """What the timeline of `case` shows (the walk before each line included)."""
    before = {s.index: s.recommendation_node for s in nodes_before_lines(case, pathway)}
    return TimelineData(line_spans(case, today), case_events(case, decisions), today, before)


class TimelineTab(QWidget):
    """What the main window embeds as its "Timeline" tab."""

    def __init__(self, pathway: Pathway, lang: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pathway = pathway
        self.lang = lang
        self.setObjectName("timelineTab")
        self.note = QLabel(tr("timeline.no_case", lang), self)
        self.note.setWordWrap(True)
        self.view = TimelineView(pathway, lang, self)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(self.view)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.details = QLabel(self)
        self.details.setObjectName("timelineDetails")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = QLabel(tr("timeline.keys", lang), self)
        self.hint.setStyleSheet("QLabel { color: #5f6b7a; }")
        self.decisions = DecisionsPanel(pathway, lang, self)
        top = QWidget(self)
        column = QVBoxLayout(top)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.note)
        column.addWidget(self.scroll_area, 1)
        column.addWidget(self.hint)
        column.addWidget(self.details)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.decisions)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.splitter)
        self.view.currentChanged.connect(self._show_details)
        self.decisions.changed.connect(self._reload_markers)
        self._case: Case | None = None
        self._today = dt.date.today()

    def show_case(self, case: Case | None, store: Store | None = None, *,
                  stored: Case | None = None, note: str = "",
                  today: dt.date | None = None) -> None:
        """Show the timeline of `case` (the form's content) and the decisions of `stored`
        (the stored record; None for a new case). None with a note: nothing to draw."""
        self._today = today or dt.date.today()
        self._case = case
        self.decisions.set_case(store, stored)
        self._redraw(note)

    def _redraw(self, note: str = "") -> None:
        case = self._case
        if case is None:
            self.view.set_data(None)
            self.view.hide()
            self.note.setText(note or tr("timeline.no_case", self.lang))
            self.note.show()
            return
        self.view.set_data(timeline_data(case, self.pathway, self.decisions.decisions(),
                                         self._today))
        self.view.show()
        self.note.setVisible(bool(note))
        self.note.setText(note)

    def _reload_markers(self) -> None:
        self._redraw()

    def _show_details(self, row: int) -> None:
        self.details.setText(self.view.details(row).replace("\n", " · "))
