"""Where the timeline's parts go (no Qt): dates -> x, one row per line in date order.

`layout_timeline` takes the case's spans and events (case/timeline.py) and the room to draw
in; it returns plain numbers, so tests check the geometry without painting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ...case.timeline import Event, LineSpan

OPEN_END_DAYS = 14  # a line that stopped without an end date: a short stub after its start
MARKER_GAP = 18.0  # markers closer than this go to the next lane of the band
LANE = 18.0


@dataclass(frozen=True)
class TimelineData:
    """What the timeline shows: the spans by start date, the events, today, and for each line
    (by its index in the case) the node the walk gave with only the lines before it."""

    spans: list[LineSpan]
    events: list[Event]
    today: dt.date
    nodes_before: dict[int, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Bar:
    """One line's row: the bar from x0 to x1 (None: no start date), its progression mark."""

    span: LineSpan
    row: int
    top: float
    height: float
    x0: float | None
    x1: float | None
    progression_x: float | None
    open_end: bool = False  # stopped without an end date: drawn as a stub


@dataclass(frozen=True)
class Marker:
    """An event's marker at x, in lane `lane` of the marker band (centre at y)."""

    event: Event
    x: float
    y: float
    lane: int = 0


@dataclass(frozen=True)
class Layout:
    """The geometry of one timeline in the drawing's units."""

    left: float
    right: float
    first: dt.date
    last: dt.date
    bars: list[Bar]
    markers: list[Marker]
    ticks: list[tuple[float, str]]
    marker_y: float  # the centre of the first lane
    rows_top: float
    rows_bottom: float
    today_x: float

    def x_of(self, day: dt.date) -> float:
        return _x(day, self.first, self.last, self.left, self.right)


def _x(day: dt.date, first: dt.date, last: dt.date, left: float, right: float) -> float:
    span = max((last - first).days, 1)
    return left + (day - first).days / span * (right - left)


def date_range(data: TimelineData) -> tuple[dt.date, dt.date]:
    """The first and last day on the axis: every start, end, progression and event, and today
    when a line is still given; padded by a twentieth on each side."""
    days = [d for s in data.spans for d in (s.start, s.end, s.progression) if d is not None]
    days += [e.date for e in data.events]
    if any(s.continuing for s in data.spans) or not days:
        days.append(data.today)
    first, last = min(days), max(days)
    pad = dt.timedelta(days=max((last - first).days // 20, 15))
    return first - pad, last + pad


def ticks(first: dt.date, last: dt.date, left: float, right: float) -> list[tuple[float, str]]:
    """Year ticks (quarters as YYYY-MM when the axis spans under two years)."""
    months = 12 if (last - first).days > 730 else 3
    day = dt.date(first.year, 1, 1)
    out = []
    while day <= last:
        if day >= first:
            out.append((_x(day, first, last, left, right),
                        str(day.year) if months == 12 else day.strftime("%Y-%m")))
        month = day.month - 1 + months
        day = dt.date(day.year + month // 12, month % 12 + 1, 1)
    return out


def _lanes(xs: list[float]) -> list[int]:
    """A lane per marker (xs ascending): the first whose last marker is far enough left."""
    ends: list[float] = []
    out = []
    for x in xs:
        lane = next((i for i, end in enumerate(ends) if x - end >= MARKER_GAP), len(ends))
        if lane == len(ends):
            ends.append(x)
        ends[lane] = x
        out.append(lane)
    return out


def layout_timeline(data: TimelineData, *, left: float, right: float, top: float,
                    marker_band: float = 28, row_height: float = 44, bar_height: float = 16
                    ) -> Layout:
    """Markers in a band at `top`, then one row per span (in the order of `data.spans`)."""
    first, last = date_range(data)
    xs = [_x(e.date, first, last, left, right) for e in data.events]
    lanes = _lanes(xs)
    rows_top = top + marker_band + LANE * max(lanes, default=0)
    marker_y = top + marker_band / 2

    def x(day: dt.date | None) -> float | None:
        return None if day is None else _x(day, first, last, left, right)

    bars = []
    for row, span in enumerate(data.spans):
        x0, x1 = x(span.start), x(span.end)
        open_end = x0 is not None and x1 is None
        if open_end and span.start is not None:
            x1 = x(span.start + dt.timedelta(days=OPEN_END_DAYS))
        if x0 is not None and x1 is not None and x1 < x0:
            x1 = x0
        bars.append(Bar(span, row, rows_top + row * row_height + 4, bar_height, x0, x1,
                        x(span.progression), open_end))
    markers = [Marker(e, x, marker_y + lane * LANE, lane)
               for e, x, lane in zip(data.events, xs, lanes, strict=True)]
    return Layout(left, right, first, last, bars, markers, ticks(first, last, left, right),
                  marker_y, rows_top, rows_top + len(bars) * row_height,
                  _x(data.today, first, last, left, right))


__all__ = ["Bar", "Layout", "Marker", "TimelineData", "date_range", "layout_timeline",
           "ticks"]
