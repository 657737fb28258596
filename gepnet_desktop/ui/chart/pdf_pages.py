"""The chart on PDF pages (a report's or a chart export's), as vector graphics with real text:
the scene drawn through QPainter onto each page, fit to the printable area, its heading and the
reconstruction notice on the same page.

When the whole chart's smallest text would be under MIN_TEXT_PT, a second page shows the
patient's path (or, when that is still too large, the end of the path and the steps before it
that fit) at MIN_TEXT_PT or more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPagedPaintDevice, QPageLayout, QPainter, QPen

from ...i18n import tr
from ...pathway import text
from . import style
from .export import footer_text
from .path_frame import path_end, path_rect
from .scene import PathwayScene

MIN_TEXT_PT = 6.0
MAX_ZOOM_OVER_MIN = 1.6  # a short path is shown at most this much above MIN_TEXT_PT
LANDSCAPE = QPageLayout.Orientation.Landscape


@dataclass(frozen=True)
class ChartPage:
    """What one chart page shows: the scene rectangle, and its smallest text in points."""

    source: QRectF
    smallest_text_pt: float
    whole: bool


def _font(point_size: float, *, bold: bool = False) -> QFont:
    font = QFont(style.resolved_family("en"))
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


def _line(painter: QPainter, y: float, width: float, words: str, font: QFont,
          colour) -> float:
    """Draw one line of `words` at `y`, elided to `width`; returns the y below it."""
    painter.setFont(font)
    painter.setPen(colour)
    metrics = QFontMetricsF(font, painter.device())
    shown = metrics.elidedText(words, Qt.TextElideMode.ElideRight, width)
    painter.drawText(QRectF(0, y, width, metrics.height()),
                     int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), shown)
    return y + metrics.height() * 1.25


def _chrome(painter: QPainter, scene: PathwayScene, heading: Callable[[QRectF], str],
            width: float, height: float, pt: float) -> QRectF:
    """Heading, notice and source lines at the top, footer at the bottom; returns the room left
    for the chart (device units; `pt` device units per point). The heading's words are asked
    for with that room (whether the page is readable depends on it)."""
    lang, pathway = scene.lang, scene.pathway
    device = painter.device()
    heading_font = _font(14, bold=True)
    y = QFontMetricsF(heading_font, device).height() * 1.25
    notice_font = _font(10, bold=True)
    box = QRectF(0, y, width, QFontMetricsF(notice_font, device).height() + 6 * pt)
    painter.setPen(QPen(style.BANNER_BORDER, 0.8 * pt))
    painter.setBrush(style.BANNER_FILL)
    painter.drawRect(box)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.save()
    painter.translate(6 * pt, y + 3 * pt)
    _line(painter, 0, width - 12 * pt, text(pathway.notice, lang), notice_font, style.BANNER_TEXT)
    painter.restore()
    y = box.bottom() + 3 * pt
    y = _line(painter, y, width, text(pathway.title, lang), _font(9), style.MUTED)
    footer = _font(8)
    bottom = height - QFontMetricsF(footer, device).height() * 1.25
    _line(painter, bottom, width, footer_text(pathway, lang), footer, style.MUTED)
    room = QRectF(0, y + 2 * pt, width, bottom - y - 4 * pt)
    _line(painter, 0, width, heading(room), heading_font, style.TEXT)
    return room


def _scale(area: QRectF, source: QRectF) -> float:
    return min(area.width() / source.width(), area.height() / source.height())


def _detail_source(scene: PathwayScene, area: QRectF, least: float) -> QRectF:
    """The path (or its end) framed to fill `area` at `least` device units per scene unit or
    more (at most MAX_ZOOM_OVER_MIN times that)."""
    path = path_rect(scene)
    if path.isEmpty():
        path = scene.chart_rect()
    k = min(_scale(area, path), least * MAX_ZOOM_OVER_MIN)
    if k < least:
        k = least
        path = path_end(scene, area.width() / k - 60, area.height() / k - 60)
    w, h = area.width() / k, area.height() / k
    return QRectF(path.center().x() - w / 2, path.center().y() - h / 2, w, h)


def _render(painter: QPainter, scene: PathwayScene, area: QRectF, source: QRectF,
            whole: bool) -> None:
    """Draw `source` of the scene into `area`; on a detail page only the items wholly inside
    `source`, so that no text lies beyond the page."""
    hidden = [] if whole else [i for i in scene.items() if i.parentItem() is None
                               and i.isVisible()
                               and not source.contains(i.sceneBoundingRect())]
    selected = scene.selected_node()
    scene.set_selected_node(None)
    for item in hidden:
        item.setVisible(False)
    painter.save()
    painter.setClipRect(area)
    try:
        scene.render(painter, area, source, Qt.AspectRatioMode.KeepAspectRatio)
    finally:
        painter.restore()
        for item in hidden:
            item.setVisible(True)
        scene.set_selected_node(selected)


def paint_chart_pages(device: QPagedPaintDevice, painter: QPainter, scene: PathwayScene,
                      heading: str, *, new_page: bool) -> list[ChartPage]:
    """Draw the chart on landscape pages of `device` (begun by `painter`): the whole chart,
    then, when its text would be under MIN_TEXT_PT, the patient's path. `new_page` starts a new
    page first (the device has drawn pages before)."""
    resolution = device.logicalDpiX()
    pt = resolution / 72.0
    least = MIN_TEXT_PT * pt / style.SMALLEST_TEXT_PX
    pages: list[ChartPage] = []
    for whole in (True, False):
        layout = device.pageLayout()
        layout.setOrientation(LANDSCAPE)
        device.setPageLayout(layout)
        if new_page or pages:
            device.newPage()
        rect = layout.paintRectPixels(resolution)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        def words(room: QRectF, whole: bool = whole) -> str:
            if not whole:
                return f"{heading} — {tr('report.chart_detail', scene.lang)}"
            if _scale(room, scene.chart_rect()) < least:
                return f"{heading} — {tr('report.chart_overview', scene.lang)}"
            return heading

        area = _chrome(painter, scene, words, rect.width(), rect.height(), pt)
        source = scene.chart_rect() if whole else _detail_source(scene, area, least)
        k = _scale(area, source)
        _render(painter, scene, area, source, whole)
        pages.append(ChartPage(source, style.SMALLEST_TEXT_PX * k / pt, whole))
        if k >= least:
            break
    return pages
