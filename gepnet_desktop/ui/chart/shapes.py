"""The drawing pieces that boxes and the legend share: a box's outline by kind, where its label
goes and the font that fits it, and the small tags (a rounded pill, a provenance badge).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF

from . import style

TEXT_FLAGS = int(Qt.AlignmentFlag.AlignCenter) | int(Qt.TextFlag.TextWordWrap)


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
