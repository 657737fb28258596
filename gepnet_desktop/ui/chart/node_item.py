"""A box of the chart: its shape says its kind, its colours its part in the patient's path; with
its provenance badge, recommendation or stop tag, and newer-evidence tag.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from ...i18n import tr
from ...pathway.model import Node, text
from . import style
from .shapes import TEXT_FLAGS, draw_badge, draw_pill, fit_font, kind_outline, text_rect
from .states import DIMMED, HIGHLIGHTED, PATH, PLAIN, RECOMMENDATION, STOP

WIDE_BOX_WIDTH = 600.0  # a box wider than this is a bar across the chart
ANCHORED_LABEL_WIDTH = 260.0

class NodeItem(QGraphicsItem):
    """One box: its shape says its kind, its colours say its part in the patient's path."""

    def __init__(self, node: Node, lang: str = "en", provenance_label: str = "") -> None:
        super().__init__()
        self.node = node
        self.state = PLAIN
        self.selected_mark = False
        self.newer_titles: list[str] = []
        self.show_newer = False
        self.lang = lang
        self.label_anchor: float | None = None  # scene x where a wide box shows its label
        self._provenance_label = provenance_label
        self._rect = QRectF(-node.w / 2, -node.h / 2, node.w, node.h)
        self._outline = kind_outline(node.kind, self._rect)
        self._text_rect = text_rect(node.kind, self._rect)
        self.setPos(node.x, node.y)
        self.setZValue(10)
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.set_language(lang, provenance_label)

    # geometry, in scene coordinates
    @property
    def node_id(self) -> str:
        return self.node.id

    def scene_box(self) -> QRectF:
        """The box's rectangle in the scene."""
        return self._rect.translated(self.pos())

    def bottom_anchor(self) -> QPointF:
        box = self.scene_box()
        return QPointF(box.center().x(), box.bottom())

    def side_anchor(self, right: bool) -> QPointF:
        """Middle of the left or right side, on the outline."""
        box = self.scene_box()
        inset = min(box.height() / 3, 16.0) / 2 if self.node.kind == "action" else 0.0
        x = box.right() - inset if right else box.left() + inset
        return QPointF(x, box.center().y())

    # text
    def set_language(self, lang: str, provenance_label: str | None = None) -> None:
        """Show the label in `lang`, fitted to the box."""
        self.lang = lang
        if provenance_label is not None:
            self._provenance_label = provenance_label
        self.label = text(self.node.label, lang)
        self.font = fit_font(self.label, self._text_rect, lang,
                             bold=self.node.kind in ("treatment", "start"))
        tip = [f"<b>{self.label}</b>",
               f"{tr('chart.kind.' + self.node.kind, lang)}"
               f" · {tr('chart.provenance', lang)}: {self._provenance_label}"]
        if self.node.question:
            tip.append(text(self.node.question, lang))
        self.setToolTip("<br>".join(tip))
        self.update()

    def label_fits(self) -> bool:
        """Whether the label, at its chosen font, lies inside the box."""
        used = QFontMetricsF(self.font).boundingRect(self._text_rect, TEXT_FLAGS, self.label)
        return used.height() <= self._text_rect.height() + 0.5 and \
            used.width() <= self._text_rect.width() + 0.5

    def set_label_anchor(self, x: float | None) -> None:
        """Centre the label of a wide box (the later-lines bar) under scene x, where the
        patient's path comes in; None centres it on the box."""
        if x is not None and self._rect.width() <= WIDE_BOX_WIDTH:
            x = None
        if x != self.label_anchor:
            self.label_anchor = x
            self.update()

    def label_rect(self) -> QRectF:
        """Where the label is drawn, in item coordinates."""
        if self.label_anchor is None:
            return self._text_rect
        half = min(ANCHORED_LABEL_WIDTH, self._text_rect.width()) / 2
        centre = min(max(self.label_anchor - self.pos().x(), self._text_rect.left() + half),
                     self._text_rect.right() - half)
        return QRectF(centre - half, self._text_rect.top(), 2 * half, self._text_rect.height())

    # state
    def set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.update()

    def set_selected_mark(self, on: bool) -> None:
        if on != self.selected_mark:
            self.selected_mark = on
            self.update()

    def set_newer(self, titles: list[str], visible: bool) -> None:
        self.prepareGeometryChange()
        self.newer_titles = titles
        self.show_newer = visible and bool(titles)
        self.update()

    def _newer_label(self) -> str:
        return "+ " + ", ".join(self.newer_titles)

    def _newer_rect(self) -> QRectF:
        """Where the newer-evidence tag goes: straddling the bottom-right corner."""
        font = style.chart_font(self.lang, 9, bold=True)
        width = QFontMetricsF(font).horizontalAdvance(self._newer_label()) + 12
        return QRectF(self._rect.right() + 6 - width, self._rect.bottom() - 8, width, 16)

    @property
    def highlighted(self) -> bool:
        return self.state in HIGHLIGHTED

    # painting
    def boundingRect(self) -> QRectF:
        rect = self._rect.adjusted(-16, -16, 16, 16)
        return rect.united(self._newer_rect().adjusted(-2, -2, 2, 2)) if self.show_newer \
            else rect

    def shape(self) -> QPainterPath:
        return self._outline

    def colours(self) -> tuple[QColor, QColor, float, QColor]:
        """Fill, border, border width and text colour for the current state."""
        fill, border, width = style.KIND_STYLE.get(self.node.kind, style.KIND_STYLE["group"])
        if self.state == PATH:
            return style.PATH_FILL, style.PATH, width + 1.2, style.TEXT
        if self.state == RECOMMENDATION:
            return style.REC_FILL, style.REC, max(width, 2.0) + 2.0, style.TEXT
        if self.state == STOP:
            return style.STOP_FILL, style.STOP, width + 2.0, style.TEXT
        if self.state == DIMMED:
            return style.DIM_FILL, style.DIM_BORDER, min(width, 1.6), style.TEXT_DIM
        return fill, border, width, style.TEXT

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        fill, border, width, text_colour = self.colours()
        if self.selected_mark:
            painter.setPen(QPen(style.PATH, 1.5, Qt.PenStyle.DotLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(self._rect.adjusted(-7, -7, 7, 7), 8, 8)
        pen = QPen(border, width)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        if self.node.kind == "action":
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(QBrush(fill))
        painter.drawPath(self._outline)
        painter.setFont(self.font)
        painter.setPen(text_colour)
        label_rect = self.label_rect()
        painter.drawText(label_rect, TEXT_FLAGS, self.label)
        dim = self.state == DIMMED
        badge = style.provenance_colour(self.node.provenance)
        draw_badge(painter, QPointF(self._rect.left() + 2, self._rect.top() + 1),
                   style.provenance_letter(self.node.provenance),
                   style.DIM_BORDER if dim else badge, self.lang)
        right = self._rect.right() if self.label_anchor is None else label_rect.right()
        top_right = QPointF(right - 6, self._rect.top())
        if self.state == RECOMMENDATION:
            draw_pill(painter, top_right, "★ " + tr("chart.tag.rec", self.lang), style.REC,
                      style.WHITE, self.lang)
        elif self.state == STOP:
            draw_pill(painter, top_right, "! " + tr("chart.tag.stop", self.lang), style.STOP,
                      style.WHITE, self.lang)
        if self.show_newer:
            draw_pill(painter, QPointF(self._rect.right() + 6, self._rect.bottom()),
                      self._newer_label(), style.NEWER, style.NEWER_FILL, self.lang, px=9)
