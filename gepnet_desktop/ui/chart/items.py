"""The drawn pieces of the chart: a box per node, an arrow per edge, and the legend."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
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

from ...pathway.model import Edge, Node, text
from . import style
from .strings import tr

# Node states: how a box looks for the case shown.
PLAIN, PATH, RECOMMENDATION, STOP, DIMMED = "plain", "path", "recommendation", "stop", "dimmed"
HIGHLIGHTED = (PATH, RECOMMENDATION, STOP)
TEXT_FLAGS = int(Qt.AlignmentFlag.AlignCenter) | int(Qt.TextFlag.TextWordWrap)
ARROW = 9.0


def fit_font(label: str, rect: QRectF, lang: str, *, bold: bool = False) -> QFont:
    """The largest chart font (down to the minimum) at which `label` wraps inside `rect`."""
    for px in range(style.NODE_TEXT_PX, style.NODE_TEXT_MIN_PX - 1, -1):
        font = style.chart_font(lang, px, bold=bold)
        used = QFontMetricsF(font).boundingRect(rect, TEXT_FLAGS, label)
        if used.height() <= rect.height() and used.width() <= rect.width() + 0.5:
            return font
    return style.chart_font(lang, style.NODE_TEXT_MIN_PX, bold=bold)


def kind_outline(kind: str, r: QRectF) -> QPainterPath:
    """The outline of a box of `kind` filling `r`."""
    path = QPainterPath()
    if kind == "decision":  # hexagon
        inset = min(r.height() / 2, 18.0)
        path.addPolygon(QPolygonF([
            QPointF(r.left() + inset, r.top()), QPointF(r.right() - inset, r.top()),
            QPointF(r.right(), r.center().y()), QPointF(r.right() - inset, r.bottom()),
            QPointF(r.left() + inset, r.bottom()), QPointF(r.left(), r.center().y())]))
        path.closeSubpath()
    elif kind == "action":  # parallelogram
        skew = min(r.height() / 3, 16.0)
        path.addPolygon(QPolygonF([
            QPointF(r.left() + skew, r.top()), QPointF(r.right(), r.top()),
            QPointF(r.right() - skew, r.bottom()), QPointF(r.left(), r.bottom())]))
        path.closeSubpath()
    elif kind == "start":  # stadium
        rad = r.height() / 2
        path.addRoundedRect(r, rad, rad)
    elif kind == "group":
        path.addRoundedRect(r, 10, 10)
    else:  # treatment
        path.addRect(r)
    return path


def text_rect(kind: str, r: QRectF) -> QRectF:
    """Where a box's label may go, inside its outline."""
    if kind == "decision":
        inset = min(r.height() / 2, 18.0)
        return r.adjusted(inset * 0.8 + 3, 4, -inset * 0.8 - 3, -4)
    if kind == "action":
        skew = min(r.height() / 3, 16.0)
        return r.adjusted(skew + 4, 4, -skew - 4, -4)
    if kind == "start":
        return r.adjusted(r.height() / 3, 4, -r.height() / 3, -4)
    return r.adjusted(9, 5, -9, -5)


def draw_pill(painter: QPainter, anchor: QPointF, label: str, colour: QColor, fill: QColor,
              lang: str, *, align_right: bool = True, px: int = 10) -> QRectF:
    """A small rounded tag centred vertically on `anchor`, ending (or starting) there."""
    font = style.chart_font(lang, px, bold=True)
    width = QFontMetricsF(font).horizontalAdvance(label) + 12
    height = px + 7
    left = anchor.x() - width if align_right else anchor.x()
    rect = QRectF(left, anchor.y() - height / 2, width, height)
    painter.setPen(QPen(colour, 1.2))
    painter.setBrush(fill)
    painter.drawRoundedRect(rect, height / 2, height / 2)
    painter.setFont(font)
    painter.setPen(colour)
    painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), label)
    return rect


def draw_badge(painter: QPainter, centre: QPointF, letter: str, colour: QColor, lang: str) -> None:
    """A provenance tag: a letter in a small circle."""
    painter.setPen(QPen(style.WHITE, 1.2))
    painter.setBrush(colour)
    painter.drawEllipse(centre, 7.5, 7.5)
    painter.setFont(style.chart_font(lang, 10, bold=True))
    painter.setPen(style.WHITE)
    painter.drawText(QRectF(centre.x() - 7.5, centre.y() - 7.5, 15, 15),
                     int(Qt.AlignmentFlag.AlignCenter), letter)


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

    def top_anchor(self, x: float | None = None) -> QPointF:
        box = self.scene_box()
        return QPointF(box.center().x() if x is None else x, box.top())

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
        tip = [f"<b>{self.label}</b>", f"{tr('kind.' + self.node.kind, lang)}"
                                       f" · {tr('provenance', lang)}: {self._provenance_label}"]
        if self.node.question:
            tip.append(text(self.node.question, lang))
        self.setToolTip("<br>".join(tip))
        self.update()

    def label_fits(self) -> bool:
        """Whether the label, at its chosen font, lies inside the box."""
        used = QFontMetricsF(self.font).boundingRect(self._text_rect, TEXT_FLAGS, self.label)
        return used.height() <= self._text_rect.height() + 0.5 and \
            used.width() <= self._text_rect.width() + 0.5

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
        painter.drawText(self._text_rect, TEXT_FLAGS, self.label)
        dim = self.state == DIMMED
        badge = style.provenance_colour(self.node.provenance)
        draw_badge(painter, QPointF(self._rect.left() + 2, self._rect.top() + 1),
                   style.provenance_letter(self.node.provenance),
                   style.DIM_BORDER if dim else badge, self.lang)
        top_right = QPointF(self._rect.right() - 6, self._rect.top())
        if self.state == RECOMMENDATION:
            draw_pill(painter, top_right, "★ " + tr("tag.rec", self.lang), style.REC,
                      style.WHITE, self.lang)
        elif self.state == STOP:
            draw_pill(painter, top_right, "! " + tr("tag.stop", self.lang), style.STOP,
                      style.WHITE, self.lang)
        if self.show_newer:
            draw_pill(painter, QPointF(self._rect.right() + 6, self._rect.bottom()),
                      self._newer_label(), style.NEWER, style.NEWER_FILL, self.lang, px=9)


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
        self.setToolTip(f"{tip}<br>{tr('provenance', lang)}: {self._provenance_label}")
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
                         int(Qt.AlignmentFlag.AlignVCenter), tr("legend", lang))
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
            icon, words = row(0, i)
            fill, border, width = style.KIND_STYLE[kind]
            pen = QPen(border, min(width, 2.2))
            if kind == "action":
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(fill)
            painter.drawPath(kind_outline(kind, icon))
            caption(words, tr("kind." + kind, lang))
        lines = [(style.PATH, 3.0, Qt.PenStyle.SolidLine, tr("legend.path", lang)),
                 (style.EDGE, 1.4, Qt.PenStyle.SolidLine, tr("legend.other", lang)),
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
                [(style.REC_FILL, style.REC, tr("legend.rec", lang)),
                 (style.STOP_FILL, style.STOP, tr("legend.stop", lang))], start=3):
            icon, rect = row(1, i)
            painter.setPen(QPen(border, 3))
            painter.setBrush(fill)
            painter.drawRect(icon.adjusted(4, 1, -4, -1))
            caption(rect, words)
        icon, rect = row(2, 0)
        caption(QRectF(icon.left(), rect.top(), self.COL - 20, self.ROW),
                tr("legend.provenance", lang))
        for i, (kind, words) in enumerate(self.provenance.items(), start=1):
            icon, rect = row(2, i)
            draw_badge(painter, QPointF(icon.left() + 12, icon.center().y()),
                       style.provenance_letter(kind), style.provenance_colour(kind), lang)
            caption(rect, words)
        if self.show_newer:
            icon, rect = row(2, len(self.provenance) + 1)
            draw_pill(painter, QPointF(icon.left(), icon.center().y()), "+", style.NEWER,
                      style.NEWER_FILL, lang, align_right=False)
            caption(rect, tr("legend.newer", lang))
