"""The case and its evaluation as plain text (Case > Copy summary as text): the case table's
rows, the lines of therapy, then the evaluation's summary (recommendation, options with their
doses as published, cautions, Korean access, what would change it, reasons, the reconstruction
notice)."""

from __future__ import annotations

from ...case.fields import label, value_label
from ...case.model import Case
from ...i18n import tr
from ...pathway import Evaluation, Pathway
from ...pathway.summary import summary_lines
from ...pathway.what_if_text import case_what_if_lines
from .case_rows import LINE_COLUMNS, case_rows


def summary_text(case: Case, ev: Evaluation, pathway: Pathway, lang: str = "en",
                 board_date: str | None = None) -> str:
    """The summary as lines of text, ending in a newline."""
    out = [tr("report.text_title", lang, code=case.case_code or "—")]
    out += [f"  {name}: {value}" for name, value in case_rows(case, lang, board_date)]
    out.append(f"{tr('report.text_lines', lang)}:")
    for i, line in enumerate(case.lines, start=1):
        parts = [f"{label(f.label, lang)}: {value_label(f.key, getattr(line, f.key), lang)}"
                 for f in LINE_COLUMNS if getattr(line, f.key) is not None]
        out.append(f"  {i}. " + "; ".join(parts))
    if not case.lines:
        out.append(f"  {tr('report.no_line', lang)}")
    found = case_what_if_lines(case, ev, pathway, lang)
    out += summary_lines(ev, pathway, lang, found)
    return "\n".join(out) + "\n"
