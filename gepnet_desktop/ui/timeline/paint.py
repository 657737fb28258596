"""Drawing a timeline with a QPainter (the tab's widget, an image, the report's page).

Outcomes are told apart by colour, by fill pattern and by the words under each bar; the
legend shows all three. Markers differ by shape and letter as well as colour.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF

from ...case.fields import LINE_FIELDS_BY_KEY, value_label
from ...case.timeline import LineSpan
from ...i18n import tr
from ...pathway import Pathway, text
from .layout import Bar, Layout, TimelineData, layout_timeline

Pattern = Qt.BrushStyle
# outcome -> colour, fill pattern
OUTCOME_STYLE: dict[str, tuple[str, Pattern]] = {
    "ongoing": ("#2e7d32", Pattern.SolidPattern),
    "continued_after_progression": ("#2e7d32", Pattern.BDiagPattern),
    "progression": ("#c62828", Pattern.Dense4Pattern),
    "toxicity": ("#ef6c00", Pattern.DiagCrossPattern),
    "completed": ("#1565c0", Pattern.SolidPattern),
    "other": ("#616161", Pattern.HorPattern),
}
# marker kind -> colour, letter
MARKER_STYLE: dict[str, tuple[str, str]] = {
    "diagnosis": ("#4a148c", "D"), "ki67": ("#00695c", "K"), "sstr": ("#1565c0", "S"),
    "decision": ("#5d4037", "B"),
}
LABEL_COLUMN = 170.0
MARGIN = 10.0
ROW = 46.0
BAR = 16.0
MARKER_BAND = 30.0
AXIS = 22.0
LEGEND_ROW = 22.0


def smaller(font: QFont, factor: float, least_pt: float) -> QFont:
    """`font` at `factor` of its size, `least_pt` points at least. A font sized in pixels
    (a printed page's, drawn in layout pixels of 96 per inch) stays sized in pixels."""
    small = QFont(font)
    if font.pixelSize() > 0:
        small.setPixelSize(max(round(font.pixelSize() * factor), math.ceil(least_pt * 96 / 72)))
    else:
        small.setPointSizeF(max(font.pointSizeF() * factor, least_pt))
    return small


def outcome_label(outcome: str, lang: str) -> str:
    return value_label("outcome", outcome, lang)


def marker_label(kind: str, lang: str) -> str:
    return tr(f"timeline.marker.{kind}", lang)


def span_words(span: LineSpan, data: TimelineData, pathway: Pathway, lang: str) -> list[str]:
    """What a bar says under it and in its tooltip: outcome, dates, best response,
    progression-free time, and the pathway's node when the line began."""
    words = [outcome_label(span.outcome, lang)]
    if span.start is None:
        words.append(tr("timeline.no_dates", lang))
    elif span.continuing:
        words.append(tr("timeline.to_today", lang, start=span.start.isoformat()))
    elif span.end is not None:
        words.append(tr("timeline.range", lang, start=span.start.isoformat(),
                        end=span.end.isoformat()))
    else:
        words.append(tr("timeline.open_end", lang, start=span.start.isoformat()))
    if span.progression is not None:
        words.append(tr("timeline.progression_on", lang, date=span.progression.isoformat()))
    if span.best_response:
        words.append(tr("timeline.best_response", lang,
                        value=value_label("best_response", span.best_response, lang)))
    if span.pfs_months is not None:
        key = "timeline.pfs_event" if span.pfs_event else "timeline.pfs_censored"
        words.append(tr(key, lang, months=f"{span.pfs_months:.1f}"))
    node = data.nodes_before.get(span.index, "")
    if node != "":
        label = text(pathway.nodes[node].label, lang) if node in pathway.nodes else \
            tr("timeline.needs_data", lang)
        words.append(tr("timeline.node_before", lang, node=label))
    return words


def regimen_label(span: LineSpan, lang: str) -> str:
    return value_label(LINE_FIELDS_BY_KEY["regimen"].key, span.regimen, lang)


def legend_height(width: float) -> float:
    """Room for the legend: outcomes on one row, markers on the next (two each when narrow)."""
    return LEGEND_ROW * (2 if width >= 720 else 4) + MARGIN


def timeline_height(data: TimelineData, width: float) -> float:
    lay = layout_in(QRectF(0, 0, width, 100), data)
    return max(lay.rows_bottom, lay.rows_top + ROW) + AXIS + legend_height(width) + 4


def layout_in(rect: QRectF, data: TimelineData) -> Layout:
    """The layout of `data` in `rect` (the same numbers the widget and tests use)."""
    return layout_timeline(data, left=rect.left() + LABEL_COLUMN,
                           right=rect.right() - MARGIN - 8, top=rect.top() + MARGIN,
                           marker_band=MARKER_BAND, row_height=ROW, bar_height=BAR)


def paint_timeline(painter: QPainter, rect: QRectF, data: TimelineData, pathway: Pathway,
                   lang: str = "en", *, focused: int | None = None) -> Layout:
    """Draw the timeline of `data` in `rect`; `focused` is the row with keyboard focus.
    Returns the layout drawn."""
    lay = layout_in(rect, data)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(rect, QColor("#ffffff"))
    font = QFont(painter.font())
    small = smaller(font, 0.85, 7)
    bold = QFont(font)
    bold.setBold(True)
    _axis(painter, lay, small)
    if not data.spans:
        painter.setFont(font)
        painter.setPen(QColor("#5f6b7a"))
        painter.drawText(QRectF(rect.left() + MARGIN, lay.rows_top, rect.width() - 2 * MARGIN,
                                ROW), Qt.AlignmentFlag.AlignVCenter,
                         tr("timeline.no_lines", lang))
    for bar in lay.bars:
        _row(painter, rect, bar, data, pathway, lang, bar.row == focused, bold, small)
    for marker in lay.markers:
        _marker(painter, marker.x, marker.y, lay, marker.event.kind)
    _legend(painter, rect, lay, lang, small)
    painter.restore()
    return lay


def _axis(painter: QPainter, lay: Layout, font: QFont) -> None:
    painter.setFont(font)
    bottom = max(lay.rows_bottom, lay.rows_top + ROW)
    painter.setPen(QPen(QColor("#9e9e9e"), 1))
    painter.drawLine(QPointF(lay.left, bottom), QPointF(lay.right, bottom))
    for x, words in lay.ticks:
        painter.setPen(QPen(QColor("#e0e0e0"), 1))
        painter.drawLine(QPointF(x, lay.rows_top), QPointF(x, bottom))
        painter.setPen(QColor("#424242"))
        painter.drawText(QRectF(x - 40, bottom + 2, 80, AXIS - 4),
                         Qt.AlignmentFlag.AlignCenter, words)
    pen = QPen(QColor("#1565c0"), 1, Qt.PenStyle.DashLine)
    painter.setPen(pen)
    painter.drawLine(QPointF(lay.today_x, lay.rows_top - 6), QPointF(lay.today_x, bottom))


def _row(painter: QPainter, rect: QRectF, bar: Bar, data: TimelineData, pathway: Pathway,
         lang: str, focused: bool, bold: QFont, small: QFont) -> None:
    span = bar.span
    colour, pattern = OUTCOME_STYLE.get(span.outcome, OUTCOME_STYLE["other"])
    if focused:
        painter.fillRect(QRectF(rect.left() + 2, bar.top - 4, rect.width() - 4, ROW),
                         QColor("#e3f2fd"))
    painter.setFont(bold)
    painter.setPen(QColor("#212121"))
    name = QFontMetricsF(bold).elidedText(regimen_label(span, lang),
                                          Qt.TextElideMode.ElideRight, LABEL_COLUMN - 16)
    painter.drawText(QRectF(rect.left() + MARGIN, bar.top - 2, LABEL_COLUMN - 12, BAR + 4),
                     Qt.AlignmentFlag.AlignVCenter, name)
    if bar.x0 is not None and bar.x1 is not None:
        box = QRectF(bar.x0, bar.top, max(bar.x1 - bar.x0, 3), bar.height)
        painter.setPen(QPen(QColor(colour), 2.5 if focused else 1,
                            Qt.PenStyle.DashLine if bar.open_end else Qt.PenStyle.SolidLine))
        painter.setBrush(QBrush(QColor(colour).lighter(170)))
        painter.drawRect(box)
        painter.setBrush(QBrush(QColor(colour), pattern))
        painter.drawRect(box)
        if span.continuing:  # still given: an arrow head at today
            painter.setBrush(QColor(colour))
            tip = box.right() + 7
            painter.drawPolygon(QPolygonF([QPointF(box.right(), box.top()),
                                           QPointF(tip, box.center().y()),
                                           QPointF(box.right(), box.bottom())]))
    if bar.progression_x is not None:
        px = bar.progression_x
        painter.setPen(QPen(QColor("#b71c1c"), 2.5))
        painter.drawLine(QPointF(px, bar.top - 4), QPointF(px, bar.top + bar.height + 4))
        painter.setBrush(QColor("#b71c1c"))
        painter.drawPolygon(QPolygonF([QPointF(px - 5, bar.top - 9), QPointF(px + 5, bar.top - 9),
                                       QPointF(px, bar.top - 3)]))
    painter.setFont(small)
    painter.setPen(QColor("#37474f"))
    words = " · ".join(span_words(span, data, pathway, lang))
    line = QRectF(rect.left() + MARGIN, bar.top + bar.height + 2, rect.width() - 2 * MARGIN,
                  ROW - bar.height - 8)
    painter.drawText(line, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                     QFontMetricsF(small).elidedText(words, Qt.TextElideMode.ElideRight,
                                                     line.width()))
    painter.setBrush(Qt.BrushStyle.NoBrush)


def _marker(painter: QPainter, x: float, y: float, lay: Layout, kind: str) -> None:
    colour, letter = MARKER_STYLE[kind]
    bottom = max(lay.rows_bottom, lay.rows_top + ROW)
    painter.setPen(QPen(QColor(colour), 1, Qt.PenStyle.DotLine))
    painter.drawLine(QPointF(x, y + 8), QPointF(x, bottom))
    _badge(painter, QPointF(x, y), colour, letter, kind)


def _badge(painter: QPainter, centre: QPointF, colour: str, letter: str, kind: str) -> None:
    painter.setPen(QPen(QColor(colour), 1))
    painter.setBrush(QColor(colour))
    r = 8.0
    if kind == "diagnosis":
        painter.drawPolygon(QPolygonF([centre + QPointF(0, -r), centre + QPointF(r, 0),
                                       centre + QPointF(0, r), centre + QPointF(-r, 0)]))
    elif kind == "sstr":
        painter.drawPolygon(QPolygonF([centre + QPointF(0, -r), centre + QPointF(r, r * 0.8),
                                       centre + QPointF(-r, r * 0.8)]))
    elif kind == "decision":
        painter.drawRect(QRectF(centre.x() - r * 0.8, centre.y() - r * 0.8, r * 1.6, r * 1.6))
    else:
        painter.drawEllipse(centre, r * 0.85, r * 0.85)
    painter.setPen(QColor("#ffffff"))
    small = smaller(painter.font(), 0.8, 6)
    small.setBold(True)
    painter.setFont(small)
    painter.drawText(QRectF(centre.x() - r, centre.y() - r + 1, 2 * r, 2 * r),
                     Qt.AlignmentFlag.AlignCenter, letter)
    painter.setBrush(Qt.BrushStyle.NoBrush)


def _legend(painter: QPainter, rect: QRectF, lay: Layout, lang: str, font: QFont) -> None:
    top = max(lay.rows_bottom, lay.rows_top + ROW) + AXIS + 4
    entries: list[tuple[str, str]] = [("outcome", k) for k in OUTCOME_STYLE]
    entries += [("marker", k) for k in MARKER_STYLE] + [("progression", ""), ("today", "")]
    per_row = 6 if rect.width() >= 720 else 3
    cell = (rect.width() - 2 * MARGIN) / per_row
    metrics = QFontMetricsF(font)
    for i, (kind, key) in enumerate(entries):
        row, col = divmod(i, per_row)
        x = rect.left() + MARGIN + col * cell
        y = top + row * LEGEND_ROW
        painter.setFont(font)
        if kind == "outcome":
            colour, pattern = OUTCOME_STYLE[key]
            swatch = QRectF(x, y + 4, 24, 12)
            painter.setPen(QPen(QColor(colour), 1))
            painter.setBrush(QBrush(QColor(colour).lighter(170)))
            painter.drawRect(swatch)
            painter.setBrush(QBrush(QColor(colour), pattern))
            painter.drawRect(swatch)
            words = outcome_label(key, lang)
        elif kind == "marker":
            _badge(painter, QPointF(x + 12, y + 10), MARKER_STYLE[key][0], MARKER_STYLE[key][1],
                   key)
            painter.setFont(font)
            words = marker_label(key, lang)
        elif kind == "progression":
            painter.setPen(QPen(QColor("#b71c1c"), 2.5))
            painter.drawLine(QPointF(x + 12, y + 3), QPointF(x + 12, y + 18))
            words = tr("timeline.progression", lang)
        else:
            painter.setPen(QPen(QColor("#1565c0"), 1, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x + 12, y + 2), QPointF(x + 12, y + 18))
            words = tr("timeline.today", lang)
        painter.setPen(QColor("#212121"))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawText(QRectF(x + 30, y, cell - 32, LEGEND_ROW),
                         Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(words, Qt.TextElideMode.ElideRight, cell - 32))

