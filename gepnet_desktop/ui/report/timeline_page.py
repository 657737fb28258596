"""The case's timeline on a report page (after the report's own pages, before its chart):
each line a bar over calendar time, drawn by ui/timeline/paint.py as vector graphics with
real text, in layout pixels (96 per inch) scaled to the device, the smallest text at 6 pt or
more. A timeline taller than the page (more than about 20 lines) is scaled down as far as
that allows, then cut at the page's foot."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QPainter

from ...case.model import Case
from ...case.timeline import case_events, line_spans
from ...pathway import Pathway
from ...pathway.line_history import nodes_before_lines
from ..chart import style
from ..timeline.layout import TimelineData
from ..timeline.paint import paint_timeline, timeline_height

TEXT_PX = 12      # 9 pt: the bar labels; the details under the bars are 10 px (7.5 pt)
LEAST_SCALE = 0.8  # the details at 8 px, 6 pt
HEADING_PX = 16   # 12 pt


def report_timeline(case: Case, pathway: Pathway, today: dt.date | None = None
                    ) -> TimelineData:
    """What the report's timeline shows: the lines, the dated events, the walk before each
    line (no board-decision markers: the case table gives the latest decision's date)."""
    today = today or dt.date.today()
    before = {s.index: s.recommendation_node for s in nodes_before_lines(case, pathway)}
    return TimelineData(line_spans(case, today), case_events(case, []), today, before)


def paint_timeline_page(painter: QPainter, page: QRectF, data: TimelineData,
                        pathway: Pathway, lang: str, heading: str) -> None:
    """Draw `heading` and the timeline of `data` in `page` (layout pixels; the painter
    already scaled from them to the device)."""
    family = style.resolved_family(lang)
    head = QFont(family)
    head.setPixelSize(HEADING_PX)
    head.setBold(True)
    painter.save()
    painter.setFont(head)
    painter.setPen(style.TEXT)
    top = HEADING_PX * 2.0
    painter.drawText(QRectF(page.left(), page.top(), page.width(), top),
                     int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), heading)
    body = QFont(family)
    body.setPixelSize(TEXT_PX)
    painter.setFont(body)
    room = page.height() - top
    height = timeline_height(data, page.width())
    k = max(LEAST_SCALE, min(1.0, room / height)) if height > 0 else 1.0
    painter.setClipRect(QRectF(page.left(), page.top() + top, page.width(), room))
    painter.translate(page.left(), page.top() + top)
    painter.scale(k, k)
    paint_timeline(painter, QRectF(0, 0, page.width() / k, height), data, pathway, lang)
    painter.restore()
