"""The report's tables, derived from case/fields.py: the case's fields (with the dates of its
dated observations, the age at diagnosis and the WHO grade beside the fields they come from, and
the board's date), the lines of therapy, and the sign-off lines."""

from __future__ import annotations

import datetime as dt

from ...case.fields import FIELDS_BY_KEY, LINE_FIELDS, OBSERVATION_DATES, label, value_label
from ...case.model import Case
from ...case.observations import dated_value
from ...i18n import tr
from ..chart.fragments import esc

# Every case field but the free-text notes and the birth year (shown as the age at diagnosis);
# a dated observation's date is shown beside its value, not as a row.
LEFT_OUT = ("notes", "birth_year", *OBSERVATION_DATES.values())
# Rows derived from a field, shown after it.
DERIVED_AFTER = {"sex": "age_at_diagnosis", "mitoses_per_2mm2": "who_grade"}
CASE_ROWS = tuple(row for key in FIELDS_BY_KEY if key not in LEFT_OUT
                  for row in (key, DERIVED_AFTER.get(key)) if row)
LINE_COLUMNS = tuple(f for f in LINE_FIELDS if f.key != "notes")
SIGN_OFF = ("report.sign_name", "report.sign_role", "report.sign_date")
GRID = "class='grid' border='1' cellspacing='0' cellpadding='4'"


def age_at_diagnosis(case: Case) -> int | None:
    """Years from the birth year to the diagnosis date's year (None when either is unknown)."""
    if case.birth_year is None or not case.diagnosis_date:
        return None
    return dt.date.fromisoformat(str(case.diagnosis_date)).year - case.birth_year


def row_value(case: Case, key: str, lang: str) -> str:
    """A row's value as printed: "8% (2025-03-02)" for a dated observation."""
    if key == "who_grade":
        return case.who_grade or value_label("who_grade", None, lang)
    if key == "age_at_diagnosis":
        age = age_at_diagnosis(case)
        return (value_label(key, None, lang) if age is None else
                tr("report.age_value", lang, age=age, year=case.birth_year))
    if key == "comorbidities":
        return ", ".join(value_label(key, v, lang) for v in case.comorbidities) or \
            tr("report.no_comorbidity", lang)
    return dated_value(case, key, lang)


def row_name(key: str, lang: str) -> str:
    """A row's label: the field's, or the derived row's."""
    if key == "who_grade":
        return tr("summary.grade", lang)
    if key in FIELDS_BY_KEY:
        return label(FIELDS_BY_KEY[key].label, lang)
    return tr(f"report.{key}", lang)


def case_rows(case: Case, lang: str, board_date: str | None = None) -> list[tuple[str, str]]:
    """(label, value) of each row of the case table; the board's date last."""
    rows = [(row_name(k, lang), row_value(case, k, lang)) for k in CASE_ROWS
            if not (k == "nec_subtype" and case.nec_subtype is None)]
    rows.append((row_name("board_date", lang), board_date or tr("report.board_none", lang)))
    return rows


def case_table_html(case: Case, lang: str, board_date: str | None = None) -> str:
    """The case table as HTML (two columns)."""
    cells = "".join(f"<tr><th>{esc(name)}</th><td>{esc(value)}</td></tr>"
                    for name, value in case_rows(case, lang, board_date))
    return f"<table {GRID}>{cells}</table>"


def lines_table_html(case: Case, lang: str) -> str:
    """The lines of therapy, oldest first, every line field but the notes."""
    if not case.lines:
        return f"<p>{esc(tr('report.no_line', lang))}</p>"
    head = "".join(f"<th>{esc(label(f.label, lang))}</th>" for f in LINE_COLUMNS)
    body = []
    for i, line in enumerate(case.lines, start=1):
        cells = []
        for f in LINE_COLUMNS:
            value = getattr(line, f.key)
            cells.append("—" if value is None and f.key != "outcome"
                         else value_label(f.key, value, lang))
        body.append(f"<tr><td>{i}</td>" + "".join(f"<td>{esc(v)}</td>" for v in cells) + "</tr>")
    return f"<table {GRID}><tr><th>#</th>{head}</tr>{''.join(body)}</table>"


def sign_off_html(lang: str) -> str:
    """Room for the clinician who signs the handout off: name, role and date, in one row (a
    row is never split across pages)."""
    cells = "".join(f"<td width='33%'><b>{esc(tr(k, lang))}</b><br><br><br></td>"
                    for k in SIGN_OFF)
    return (f"<h2>{esc(tr('report.sign_off', lang))}</h2><table class='grid' "
            f"width='100%' border='1' cellspacing='0' cellpadding='6'><tr>{cells}</tr></table>")


def chart_follows_html(lang: str) -> str:
    """Where a printed report's chart is: on landscape pages of its own."""
    return f"<p>{esc(tr('report.chart_follows', lang))}</p>"
