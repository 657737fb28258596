"""The timeline widget: paints the case's timeline, moves a keyboard focus between the bars
(arrow keys, Home/End, Tab inside the rows) and shows each bar's details as its tooltip."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QFocusEvent,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from ...i18n import tr
from ...pathway import Pathway
from .layout import Layout, TimelineData
from .paint import (
    ROW,
    layout_in,
    marker_label,
    paint_timeline,
    regimen_label,
    span_words,
    timeline_height,
)


class TimelineView(QWidget):
    """One case's timeline; `currentChanged(row)` when the focused bar moves (-1: none)."""

    currentChanged = Signal(int)

    def __init__(self, pathway: Pathway, lang: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pathway = pathway
        self.lang = lang
        self._data: TimelineData | None = None
        self._current = -1
        self.setObjectName("timelineView")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(tr("timeline.accessible", lang))
        self.setMinimumWidth(420)

    # data
    def set_data(self, data: TimelineData | None) -> None:
        self._data = data
        rows = len(data.spans) if data else 0
        self._current = min(self._current, rows - 1) if rows else -1
        self.updateGeometry()
        self.setFixedHeight(self.sizeHint().height())
        self.update()
        self.currentChanged.emit(self._current)

    def data(self) -> TimelineData | None:
        return self._data

    def bar_layout(self) -> Layout | None:
        """The geometry as drawn now (None without a case)."""
        return layout_in(QRectF(self.rect()), self._data) if self._data else None

    def current(self) -> int:
        return self._current

    def set_current(self, row: int) -> None:
        rows = len(self._data.spans) if self._data else 0
        row = max(-1, min(row, rows - 1))
        if row != self._current:
            self._current = row
            self.update()
            self.setAccessibleDescription(self.details(row))
            self.currentChanged.emit(row)

    def details(self, row: int) -> str:
        """The words of one bar (its tooltip), or "" for none."""
        if self._data is None or not 0 <= row < len(self._data.spans):
            return ""
        span = self._data.spans[row]
        return "\n".join([regimen_label(span, self.lang),
                          *span_words(span, self._data, self.pathway, self.lang)])

    # painting and size
    def sizeHint(self) -> QSize:
        width = self.width() if self.width() > 100 else 640
        height = timeline_height(self._data, width) if self._data else 120
        return QSize(width, int(height))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        height = self.sizeHint().height()  # the legend wraps on a narrow width
        if height != self.height():
            self.setFixedHeight(height)

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._data is None:
            return
        painter = QPainter(self)
        focused = self._current if self.hasFocus() or self._current >= 0 else None
        paint_timeline(painter, QRectF(self.rect()), self._data, self.pathway, self.lang,
                       focused=focused)
        painter.end()

    # keyboard and mouse
    def keyPressEvent(self, event: QKeyEvent) -> None:
        rows = len(self._data.spans) if self._data else 0
        step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Right: 1, Qt.Key.Key_Up: -1,
                Qt.Key.Key_Left: -1}.get(Qt.Key(event.key()))
        if rows and step is not None:
            self.set_current(max(0, min(rows - 1, self._current + step)))
        elif rows and event.key() == Qt.Key.Key_Home:
            self.set_current(0)
        elif rows and event.key() == Qt.Key.Key_End:
            self.set_current(rows - 1)
        else:
            super().keyPressEvent(event)

    def focusNextPrevChild(self, forward: bool) -> bool:
        """Tab and Shift+Tab go from bar to bar, then on to the next widget."""
        rows = len(self._data.spans) if self._data else 0
        target = self._current + (1 if forward else -1)
        if self.hasFocus() and 0 <= target < rows and self._current >= 0:
            self.set_current(target)
            return True
        return super().focusNextPrevChild(forward)

    def focusInEvent(self, event: QFocusEvent) -> None:
        if self._current < 0 and self._data and self._data.spans:
            self.set_current(len(self._data.spans) - 1
                             if event.reason() == Qt.FocusReason.BacktabFocusReason else 0)
        super().focusInEvent(event)
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        row = self.row_at(event.position())
        if row is not None:
            self.set_current(row)
        super().mousePressEvent(event)

    def row_at(self, pos: QPointF) -> int | None:
        lay = self.bar_layout()
        if lay is None:
            return None
        for bar in lay.bars:
            if bar.top - 6 <= pos.y() < bar.top - 6 + ROW:
                return bar.row
        return None

    def tip_at(self, pos: QPointF) -> str:
        """A marker's words near `pos`, else the bar's of that row."""
        lay = self.bar_layout()
        if lay is None:
            return ""
        near = [self._marker_words(m.event.kind, m.event.date.isoformat(), m.event.decision)
                for m in lay.markers if abs(m.x - pos.x()) <= 9 and abs(m.y - pos.y()) <= 9]
        if near:
            return "\n".join(near)
        row = self.row_at(pos)
        return self.details(row) if row is not None else ""

    def _marker_words(self, kind: str, day: str, decision: object) -> str:
        from ...case.decision import decision_label

        words = f"{marker_label(kind, self.lang)}: {day}"
        if decision is not None:
            words += " · " + decision_label(getattr(decision, "decision", None), self.lang)
        return words

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            tip = self.tip_at(QPointF(event.pos()))
            if tip:
                QToolTip.showText(event.globalPos(), tip, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)


__all__ = ["TimelineView"]
