"""An arrow of the chart: routed orthogonally from one box to another, with its label, drawn
thick on the patient's path, dashed for the way taken once a line of therapy is exhausted.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from ...i18n import tr
from ...pathway.model import Edge, text
from . import style
from .node_item import NodeItem
from .states import DIMMED, HIGHLIGHTED, PLAIN

ARROW = 9.0  # arrowhead length


class EdgeItem(QGraphicsItem):
    """An arrow from the bottom of one box to the top of another, with its label."""

    def __init__(self, edge: Edge, source: NodeItem, target: NodeItem, bus_y: float | None,
                 lang: str = "en", provenance_label: str = "") -> None:
        super().__init__()
        self.edge = edge
        self.source_item = source
        self.target_item = target
        self.state = PLAIN
        self.lang = lang
        self._provenance_label = provenance_label
        self.points, self._label_anchor, self._label_above = self._route(bus_y)
        self._path = QPainterPath(self.points[0])
        for p in self.points[1:]:
            self._path.lineTo(p)
        self.setZValue(1)
        self.set_language(lang, provenance_label)

    @property
    def edge_id(self) -> str:
        return self.edge.id

    @property
    def exhausted(self) -> bool:
        return self.edge.trigger == "exhausted"

    @property
    def highlighted(self) -> bool:
        return self.state in HIGHLIGHTED

    def _route(self, bus_y: float | None) -> tuple[list[QPointF], QPointF, bool]:
        """Orthogonal points, and where the label sits (on the last leg, or above a side leg)."""
        s, t = self.source_item.scene_box(), self.target_item.scene_box()
        if t.top() >= s.bottom() + 8:  # downwards: bottom of source to top of target
            start = self.source_item.bottom_anchor()
            tx = t.center().x()
            if t.width() > 2.5 * s.width():  # a wide bar: enter straight below the source
                tx = min(max(start.x(), t.left() + 20), t.right() - 20)
            end = QPointF(tx, t.top())
            if abs(start.x() - tx) < 0.5:
                pts = [start, end]
                y = end.y() - 16 if self.exhausted else (start.y() + end.y()) / 2
                return pts, QPointF(tx, y), False
            by = bus_y if bus_y is not None else (start.y() + end.y()) / 2
            pts = [start, QPointF(start.x(), by), QPointF(tx, by), end]
            # Just below the branch, clear of any tag on the target's top border.
            return pts, QPointF(tx, by + style.EDGE_TEXT_PX * 0.75 + 3), False
        right = t.center().x() >= s.center().x()  # same row: side to side
        start = self.source_item.side_anchor(right)
        end = self.target_item.side_anchor(not right)
        if abs(start.y() - end.y()) < 0.5:
            pts = [start, end]
        else:
            mx = (start.x() + end.x()) / 2
            pts = [start, QPointF(mx, start.y()), QPointF(mx, end.y()), end]
        return pts, QPointF((start.x() + end.x()) / 2, end.y()), True

    def set_language(self, lang: str, provenance_label: str | None = None) -> None:
        self.prepareGeometryChange()
        self.lang = lang
        if provenance_label is not None:
            self._provenance_label = provenance_label
        self.label = text(self.edge.label, lang)
        self._label_rect = self._compute_label_rect()
        src = text(self.source_item.node.label, lang)
        dst = text(self.target_item.node.label, lang)
        tip = f"{src} → {dst}" + (f"<br><b>{self.label}</b>" if self.label else "")
        self.setToolTip(f"{tip}<br>{tr('chart.provenance', lang)}: {self._provenance_label}")
        self.update()

    def _font(self) -> QFont:
        return style.chart_font(self.lang, style.EDGE_TEXT_PX - (1 if self.exhausted else 0),
                                bold=self.state in HIGHLIGHTED, italic=self.exhausted)

    def _compute_label_rect(self) -> QRectF:
        if not self.label:
            return QRectF()
        font = style.chart_font(self.lang, style.EDGE_TEXT_PX, bold=True)
        fm = QFontMetricsF(font)
        w, h = fm.horizontalAdvance(self.label) + 8, fm.height() + 2
        a = self._label_anchor
        if self._label_above:
            return QRectF(a.x() - w / 2, a.y() - h - 3, w, h)
        return QRectF(a.x() - w / 2, a.y() - h / 2, w, h)

    def set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.setZValue(2 if state in HIGHLIGHTED else 1)
            self.update()

    def boundingRect(self) -> QRectF:
        rect = self._path.boundingRect().adjusted(-ARROW - 4, -ARROW - 4, ARROW + 4, ARROW + 4)
        return rect.united(self._label_rect) if self.label else rect

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(8)
        out = stroker.createStroke(self._path)
        if self.label:
            out.addRect(self._label_rect)
        return out

    def colour_and_width(self) -> tuple[QColor, float]:
        if self.state in HIGHLIGHTED:
            return style.PATH, 3.0
        if self.state == DIMMED:
            return style.EDGE_DIM, 1.2
        return (style.EDGE.lighter(125) if self.exhausted else style.EDGE), 1.4

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        colour, width = self.colour_and_width()
        pen = QPen(colour, width)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        if self.exhausted:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        # Stop the line short of the tip so the arrowhead stays sharp.
        last, prev = self.points[-1], self.points[-2]
        d = last - prev
        length = max((d.x() ** 2 + d.y() ** 2) ** 0.5, 1e-6)
        ux, uy = d.x() / length, d.y() / length
        shaft = QPainterPath(self.points[0])
        for p in self.points[1:-1]:
            shaft.lineTo(p)
        size = ARROW + width
        shaft.lineTo(QPointF(last.x() - ux * size * 0.8, last.y() - uy * size * 0.8))
        painter.drawPath(shaft)
        head = QPolygonF([
            last,
            QPointF(last.x() - ux * size - uy * size * 0.5, last.y() - uy * size + ux * size * 0.5),
            QPointF(last.x() - ux * size + uy * size * 0.5, last.y() - uy * size - ux * size * 0.5),
        ])
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPolygon(head)
        if not self.label:
            return
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(style.WHITE)
        painter.drawRoundedRect(self._label_rect, 4, 4)
        painter.setFont(self._font())
        if self.state in HIGHLIGHTED:
            painter.setPen(style.PATH)
        elif self.state == DIMMED:
            painter.setPen(style.TEXT_DIM)
        else:
            painter.setPen(style.MUTED)
        painter.drawText(self._label_rect, int(Qt.AlignmentFlag.AlignCenter), self.label)
