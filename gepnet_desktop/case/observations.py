"""Dated observations of a case (issue 12): "Ki-67: 8% (2025-03-02)", for summaries, the
chart and the report. The pairs come from case/fields.py (OBSERVATION_DATES)."""

from __future__ import annotations

from typing import Protocol

from .fields import FIELDS_BY_KEY, OBSERVATION_DATES, label, value_label
from .model import Case


class Record(Protocol):
    """A case's fields by key: a dict, or the walk's facts."""

    def get(self, key: str, /) -> object: ...


def dated_value(case: Case, key: str, lang: str = "en") -> str:
    """A field's value with the date it was observed: "8% (2025-03-02)"; the value alone
    when no date is recorded."""
    return dated_label(key, case.get(key), case.to_dict(), lang)


def dated_label(key: str, value: object, record: Record, lang: str = "en") -> str:
    """`value` of field `key` as shown, with its observation date from `record` (a case's
    fields by key) when the field is a dated observation and the date is recorded."""
    shown = value_label(key, value, lang)
    date_key = OBSERVATION_DATES.get(key)
    day = record.get(date_key) if date_key else None
    return f"{shown} ({day})" if day else shown


def observation_lines(case: Case, lang: str = "en") -> list[str]:
    """One line per dated observation that has a date: "Ki-67: 8% (2025-03-02)"."""
    return [f"{label(FIELDS_BY_KEY[key].label, lang)}: {dated_value(case, key, lang)}"
            for key, date_key in OBSERVATION_DATES.items() if case.get(date_key)]
