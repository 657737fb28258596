"""The cohort's charts: horizontal bars (clickable, keyboard reachable) and Kaplan-Meier step
curves with their number-at-risk table. Each draws through `paint(painter, rect)`, which the
export to PNG and SVG uses too."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from ...i18n import tr
from ...store.cohort import AT_RISK_MONTHS, PfsGroup
from .figures import BarFigure, group_label, months

BAR_ROW = 24.0
PAD = 8.0
BAR_COLOUR = QColor("#1565c0")
# curve colours and dash styles: told apart without colour too
CURVE_STYLES = ((QColor("#1565c0"), Qt.PenStyle.SolidLine),
                (QColor("#c62828"), Qt.PenStyle.DashLine),
                (QColor("#2e7d32"), Qt.PenStyle.DotLine),
                (QColor("#6a1b9a"), Qt.PenStyle.DashDotLine),
                (QColor("#ef6c00"), Qt.PenStyle.DashDotDotLine),
                (QColor("#00838f"), Qt.PenStyle.SolidLine))


class BarChart(QWidget):
    """A figure's bars, one per row; a click, Enter or Space on one emits `barActivated(key)`;
    arrow keys move between the bars."""

    barActivated = Signal(str)

    def __init__(self, lang: str = "en", parent: QWidget | None = None, *,
                 clickable: bool = False) -> None:
        super().__init__(parent)
        self.lang = lang
        self.figure: BarFigure | None = None
        self.clickable = clickable
        self.current = -1
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)
        if clickable:
            self.setCursor(Qt.CursorShape.PointingHandCursor)

    def set_figure(self, figure: BarFigure) -> None:
        self.figure = figure
        self.current = min(self.current, len(figure.bars) - 1)
        self.setAccessibleName(figure.title)
        self.setFixedHeight(self.sizeHint().height())
        self.update()

    def sizeHint(self) -> QSize:
        rows = len(self.figure.bars) if self.figure else 0
        return QSize(480, int(max(rows, 1) * BAR_ROW + 2 * PAD))

    def bar_rect(self, row: int) -> QRectF:
        """Where row `row` is (its whole width: label, bar and words)."""
        return QRectF(0, PAD + row * BAR_ROW, self.width(), BAR_ROW)

    def row_at(self, pos: QPointF) -> int | None:
        rows = len(self.figure.bars) if self.figure else 0
        row = math.floor((pos.y() - PAD) / BAR_ROW)
        return row if 0 <= row < rows else None

    def paint(self, painter: QPainter, rect: QRectF, *, focused: int | None = None) -> None:
        """Draw the bars in `rect`: label column, bar, count and share."""
        painter.save()
        painter.fillRect(rect, QColor("#ffffff"))
        bars = self.figure.bars if self.figure else []
        metrics = QFontMetricsF(painter.font())
        label_w = min(max((metrics.horizontalAdvance(b.label) for b in bars), default=60) + 12,
                      rect.width() * 0.45)
        words_w = max((metrics.horizontalAdvance(b.words) for b in bars), default=40) + 12
        top = max((b.value for b in bars), default=1) or 1
        room = max(rect.width() - label_w - words_w - 2 * PAD, 20)
        if not bars:
            painter.setPen(QColor("#5f6b7a"))
            painter.drawText(rect.adjusted(PAD, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter,
                             tr("cohort.empty", self.lang))
        for i, b in enumerate(bars):
            y = rect.top() + PAD + i * BAR_ROW
            if i == focused:
                painter.fillRect(QRectF(rect.left(), y, rect.width(), BAR_ROW), QColor("#e3f2fd"))
            painter.setPen(QColor("#212121"))
            painter.drawText(QRectF(rect.left() + PAD, y, label_w - 8, BAR_ROW),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                             metrics.elidedText(b.label, Qt.TextElideMode.ElideRight,
                                                label_w - 8))
            x0 = rect.left() + PAD + label_w
            width = room * b.value / top
            box = QRectF(x0, y + 4, max(width, 1), BAR_ROW - 8)
            painter.fillRect(box, BAR_COLOUR.lighter(160))
            if b.part is not None:  # the solid part (concordant) and the hatched rest
                painter.fillRect(QRectF(x0, y + 4, room * b.part / top, BAR_ROW - 8), BAR_COLOUR)
                rest = QRectF(x0 + room * b.part / top, y + 4,
                              room * (b.value - b.part) / top, BAR_ROW - 8)
                painter.fillRect(rest, Qt.BrushStyle.BDiagPattern)
            else:
                painter.fillRect(box, BAR_COLOUR)
            painter.setPen(QColor("#212121"))
            painter.drawText(QRectF(x0 + width + 6, y, words_w, BAR_ROW),
                             Qt.AlignmentFlag.AlignVCenter, b.words)
        painter.restore()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        self.paint(painter, QRectF(self.rect()),
                   focused=self.current if self.hasFocus() and self.current >= 0 else None)
        painter.end()

    def focusInEvent(self, event: QFocusEvent) -> None:
        if self.current < 0 and self.figure and self.figure.bars:
            self.current = 0
        super().focusInEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        rows = len(self.figure.bars) if self.figure else 0
        key = event.key()
        if rows and key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            self.current = max(0, min(rows - 1, self.current + (1 if key == Qt.Key.Key_Down
                                                                 else -1)))
            self.setAccessibleDescription(self._words(self.current))
            self.update()
        elif rows and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) \
                and self.current >= 0:
            self.activate(self.current)
        else:
            super().keyPressEvent(event)

    def _words(self, row: int) -> str:
        if self.figure is None or not 0 <= row < len(self.figure.bars):
            return ""
        b = self.figure.bars[row]
        return f"{b.label}: {b.words}"

    def activate(self, row: int) -> None:
        """What a click on bar `row` does: emit its key (when the chart is clickable)."""
        if self.clickable and self.figure is not None and 0 <= row < len(self.figure.bars):
            self.current = row
            self.update()
            self.barActivated.emit(self.figure.bars[row].key)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        row = self.row_at(event.position())
        if row is not None and event.button() == Qt.MouseButton.LeftButton:
            self.activate(row)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        row = self.row_at(event.position())
        if row is not None:
            QToolTip.showText(event.globalPosition().toPoint(), self._words(row), self)
        super().mouseMoveEvent(event)


def with_unit(x: float | None, lang: str) -> str:
    """"28.7 months", or "not reached"."""
    return months(x, lang) if x is None else tr("cohort.months_value", lang, m=f"{x:.1f}")


class KmPlot(QWidget):
    """Kaplan-Meier step curves of a few PFS groups, a legend with each median and 95% CI,
    and the number at risk under the axis."""

    def __init__(self, lang: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.groups: list[PfsGroup] = []
        self.setMinimumHeight(360)
        self.setAccessibleName(tr("cohort.pfs", lang))

    def set_groups(self, groups: list[PfsGroup]) -> None:
        self.groups = groups[:len(CURVE_STYLES)]
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(640, 420)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        self.paint(painter, QRectF(self.rect()))
        painter.end()

    def max_months(self) -> float:
        return max((s.time for g in self.groups for s in g.curve.steps), default=12.0) or 12.0

    def paint(self, painter: QPainter, rect: QRectF) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(rect, QColor("#ffffff"))
        metrics = QFontMetricsF(painter.font())
        line = metrics.lineSpacing()
        legend_h = (len(self.groups) + 0.5) * line
        risk_h = (len(self.groups) + 1.5) * line
        left = rect.left() + 48
        right = rect.right() - 12
        top = rect.top() + 10 + legend_h
        bottom = rect.bottom() - risk_h - line * 1.6
        span = self.max_months()
        ticks = [t for t in (0, 6, 12, 18, 24, 36, 48, 60, 72, 96, 120) if t <= span * 1.05]

        def x(months_: float) -> float:
            return left + months_ / (span * 1.05) * (right - left)

        def y(s: float) -> float:
            return bottom - s * (bottom - top)

        painter.setPen(QPen(QColor("#9e9e9e"), 1))
        painter.drawLine(QPointF(left, bottom), QPointF(right, bottom))
        painter.drawLine(QPointF(left, top), QPointF(left, bottom))
        painter.setPen(QColor("#424242"))
        for s in (0, 0.25, 0.5, 0.75, 1.0):
            painter.drawText(QRectF(rect.left(), y(s) - line / 2, 44, line),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             f"{s:.2f}")
        for t in ticks:
            painter.drawText(QRectF(x(t) - 20, bottom + 2, 40, line),
                             Qt.AlignmentFlag.AlignCenter, str(t))
        painter.drawText(QRectF(left, bottom + line, right - left, line),
                         Qt.AlignmentFlag.AlignCenter, tr("cohort.months_axis", self.lang))
        painter.setPen(QPen(QColor("#bdbdbd"), 1, Qt.PenStyle.DotLine))
        painter.drawLine(QPointF(left, y(0.5)), QPointF(right, y(0.5)))
        for i, g in enumerate(self.groups):
            colour, dash = CURVE_STYLES[i]
            path = QPainterPath(QPointF(x(0), y(1.0)))
            value = 1.0
            for st in g.curve.steps:
                path.lineTo(QPointF(x(st.time), y(value)))
                value = st.survival
                path.lineTo(QPointF(x(st.time), y(value)))
            path.lineTo(QPointF(x(g.curve.steps[-1].time) if g.curve.steps else x(0), y(value)))
            painter.setPen(QPen(colour, 2, dash))
            painter.drawPath(path)
            painter.setPen(QPen(colour, 1.5))
            for st in g.curve.steps:  # censoring ticks
                if st.censored:
                    painter.drawLine(QPointF(x(st.time), y(st.survival) - 4),
                                     QPointF(x(st.time), y(st.survival) + 4))
            ly = rect.top() + 6 + i * line
            painter.setPen(QPen(colour, 2, dash))
            painter.drawLine(QPointF(left, ly + line / 2), QPointF(left + 28, ly + line / 2))
            painter.setPen(QColor("#212121"))
            c = g.curve
            painter.drawText(QRectF(left + 34, ly, right - left - 34, line),
                             Qt.AlignmentFlag.AlignVCenter,
                             tr("cohort.curve_legend", self.lang, group=group_label(g, self.lang),
                                n=c.n, events=c.events, median=with_unit(c.median, self.lang),
                                low=months(c.ci95[0], self.lang),
                                high=months(c.ci95[1], self.lang)))
        ry = bottom + line * 2.4
        painter.setPen(QColor("#424242"))
        painter.drawText(QRectF(rect.left() + 4, ry, 200, line), Qt.AlignmentFlag.AlignVCenter,
                         tr("cohort.at_risk", self.lang))
        for i, g in enumerate(self.groups):
            colour, _ = CURVE_STYLES[i]
            painter.setPen(colour)
            row_y = ry + (i + 1) * line
            painter.drawText(QRectF(rect.left() + 4, row_y, 40, line),
                             Qt.AlignmentFlag.AlignVCenter, f"{i + 1}")
            for t in AT_RISK_MONTHS:
                if t <= span * 1.05:
                    painter.drawText(QRectF(x(t) - 20, row_y, 40, line),
                                     Qt.AlignmentFlag.AlignCenter, str(g.curve.at_risk(t)))
        painter.restore()

