"""Dates and times as the window shows them: in Korean in the Korean way ("2026. 3. 2.", the
locale's short form with the year in full), in English as ISO 8601 ("2026-03-02", the one
form no reader takes for another day); times on the 24-hour clock."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QLocale


def date_format(lang: str) -> str:
    """The Qt date format of `lang`: the locale's short one, four-digit year."""
    if lang != "ko":
        return "yyyy-MM-dd"
    short = QLocale(QLocale.Language.Korean, QLocale.Country.SouthKorea).dateFormat(
        QLocale.FormatType.ShortFormat)
    return short if "yyyy" in short else short.replace("yy", "yyyy")


def date_text(day: dt.date, lang: str) -> str:
    """`day` as the window writes it in `lang`."""
    return QDate(day.year, day.month, day.day).toString(date_format(lang))


def date_time_text(when: dt.datetime, lang: str) -> str:
    """`when` (local time) as date and 24-hour time: "2026. 3. 2. 14:05"."""
    return f"{date_text(when.date(), lang)} {when:%H:%M}"
