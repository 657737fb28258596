"""The chart's legend: the key to box shapes, line styles, path states and provenance tags.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from ...i18n import tr
from . import style
from .shapes import draw_badge, draw_pill, kind_outline


class LegendItem(QGraphicsItem):
    """The key to shapes, line styles, states and provenance tags."""

    ROW = 22.0
    COL = 250.0

    def __init__(self, provenance: dict[str, str], exhausted_label: str, lang: str = "en") -> None:
        super().__init__()
        self.lang = lang
        self.provenance = provenance  # kind -> label, in lang
        self.exhausted_label = exhausted_label
        self.show_newer = False
        self.setZValue(0)

    def set_language(self, lang: str, provenance: dict[str, str], exhausted_label: str) -> None:
        self.lang = lang
        self.provenance = provenance
        self.exhausted_label = exhausted_label
        self.update()

    def set_newer(self, visible: bool) -> None:
        self.show_newer = visible
        self.update()

    def _rows(self) -> int:
        return max(5, 5, len(self.provenance) + 1 + (1 if self.show_newer else 0))

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, 3 * self.COL + 16, 40 + self._rows() * self.ROW + 6)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        lang = self.lang
        box = self.boundingRect()
        painter.setPen(QPen(style.DIM_BORDER, 1))
        painter.setBrush(style.WHITE)
        painter.drawRoundedRect(box.adjusted(0.5, 0.5, -0.5, -0.5), 8, 8)
        painter.setFont(style.chart_font(lang, 13, bold=True))
        painter.setPen(style.TEXT)
        painter.drawText(QRectF(12, 6, box.width() - 24, 24),
                         int(Qt.AlignmentFlag.AlignVCenter), tr("chart.legend", lang))
        body = style.chart_font(lang, 11)

        def row(col: int, i: int) -> tuple[QRectF, QRectF]:
            y = 36 + i * self.ROW
            x = 12 + col * self.COL
            return QRectF(x, y + 2, 44, self.ROW - 6), QRectF(x + 54, y, self.COL - 62, self.ROW)

        def caption(rect: QRectF, words: str) -> None:
            painter.setFont(body)
            painter.setPen(style.TEXT)
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignVCenter), words)

        for i, kind in enumerate(("start", "decision", "group", "treatment", "action")):
            icon, text_rect = row(0, i)
            fill, border, width = style.KIND_STYLE[kind]
            pen = QPen(border, min(width, 2.2))
            if kind == "action":
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(fill)
            painter.drawPath(kind_outline(kind, icon))
            caption(text_rect, tr("chart.kind." + kind, lang))
        lines = [(style.PATH, 3.0, Qt.PenStyle.SolidLine, tr("chart.legend.path", lang)),
                 (style.EDGE, 1.4, Qt.PenStyle.SolidLine, tr("chart.legend.other", lang)),
                 (style.EDGE, 1.4, Qt.PenStyle.DashLine, self.exhausted_label)]
        for i, (colour, width, pen_style, words) in enumerate(lines):
            icon, rect = row(1, i)
            painter.setPen(QPen(colour, width, pen_style))
            y = icon.center().y()
            painter.drawLine(QPointF(icon.left(), y), QPointF(icon.right() - 4, y))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            tip = icon.right()
            painter.drawPolygon(QPolygonF([QPointF(tip, y), QPointF(tip - 8, y - 4),
                                           QPointF(tip - 8, y + 4)]))
            caption(rect, words)
        for i, (fill, border, words) in enumerate(
                [(style.REC_FILL, style.REC, tr("chart.legend.rec", lang)),
                 (style.STOP_FILL, style.STOP, tr("chart.legend.stop", lang))], start=3):
            icon, rect = row(1, i)
            painter.setPen(QPen(border, 3))
            painter.setBrush(fill)
            painter.drawRect(icon.adjusted(4, 1, -4, -1))
            caption(rect, words)
        icon, rect = row(2, 0)
        caption(QRectF(icon.left(), rect.top(), self.COL - 20, self.ROW),
                tr("chart.legend.provenance", lang))
        for i, (kind, words) in enumerate(self.provenance.items(), start=1):
            icon, rect = row(2, i)
            draw_badge(painter, QPointF(icon.left() + 12, icon.center().y()),
                       style.provenance_letter(kind), style.provenance_colour(kind), lang)
            caption(rect, words)
        if self.show_newer:
            icon, rect = row(2, len(self.provenance) + 1)
            draw_pill(painter, QPointF(icon.left(), icon.center().y()), "+", style.NEWER,
                      style.NEWER_FILL, lang, align_right=False)
            caption(rect, tr("chart.legend.newer", lang))
