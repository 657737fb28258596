"""A case over calendar time (issue 12): each line's span, its progression-free time, and the
dated events of the record (diagnosis, Ki-67, SSTR imaging, board decisions). Pure Python.

A line runs from its start date to its end date, or to today while it is ongoing or continued
after progression; a line that stopped without an end date ends at its progression date when
one is recorded, else it has no end on the time axis. Progression-free time is counted from the
start: to the progression date (an event), else to the end (censored: at least that long).
Months are days / DAYS_PER_MONTH, as in the cohort's Kaplan-Meier curves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .decision import BoardDecision
from .fields import CONTINUING_OUTCOMES
from .model import Case

DAYS_PER_MONTH = 30.4375
# The record's dated fields shown on the time axis, by marker kind.
EVENT_FIELDS = (("diagnosis", "diagnosis_date"), ("ki67", "ki67_date"),
                ("sstr", "sstr_imaging_date"))


@dataclass(frozen=True)
class LineSpan:
    """One line of therapy on the time axis (index: its place in the case's list)."""

    index: int
    regimen: str
    outcome: str
    start: dt.date | None
    end: dt.date | None
    continuing: bool  # drawn to today
    progression: dt.date | None
    best_response: str | None
    pfs_months: float | None
    pfs_event: bool  # True: progression after pfs_months; False: at least pfs_months


@dataclass(frozen=True)
class Event:
    """A dated marker: kind is "diagnosis", "ki67", "sstr" or "decision"."""

    kind: str
    date: dt.date
    decision: BoardDecision | None = None


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def months_between(start: dt.date, end: dt.date) -> float:
    """Months from `start` to `end` (days / DAYS_PER_MONTH; never negative)."""
    return max((end - start).days, 0) / DAYS_PER_MONTH


def line_spans(case: Case, today: dt.date | None = None) -> list[LineSpan]:
    """The case's lines on the time axis, by start date (undated lines last, in list order)."""
    today = today or dt.date.today()
    spans = []
    for i, line in enumerate(case.lines):
        start, progression = _day(line.start_date), _day(line.progression_date)
        continuing = line.outcome in CONTINUING_OUTCOMES and not line.end_date
        end = _day(line.end_date) or (today if continuing else progression)
        pfs, event = None, False
        if start is not None and progression is not None:
            pfs, event = months_between(start, progression), True
        elif start is not None and end is not None:
            pfs = months_between(start, end)
        spans.append(LineSpan(i, line.regimen, line.outcome, start, end, continuing,
                              progression, line.best_response, pfs, event))
    return sorted(spans, key=lambda s: (s.start is None, s.start or today, s.index))


def case_events(case: Case, decisions: Iterable[BoardDecision] = ()) -> list[Event]:
    """The dated events of the record and the board's decisions, by date."""
    events = [Event(kind, day) for kind, key in EVENT_FIELDS
              if (day := _day(case.get(key))) is not None]
    events += [Event("decision", day, d) for d in decisions
               if (day := _day(d.date)) is not None]
    return sorted(events, key=lambda e: e.date)


__all__ = ["DAYS_PER_MONTH", "Event", "LineSpan", "case_events", "line_spans",
           "months_between"]
