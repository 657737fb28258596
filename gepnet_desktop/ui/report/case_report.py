"""The tumour-board report: case, evaluation (with what would change it), chart, citations
and banner, as HTML or PDF."""

from __future__ import annotations

import base64
import datetime as dt
import os
from pathlib import Path

from PySide6.QtWidgets import QWidget

from ... import APP_NAME, __version__
from ...case.model import Case
from ...case.validation import validate_case
from ...i18n import tr
from ...pathway import Evaluation, Pathway, text
from ...pathway.what_if_text import case_what_if_lines
from ..chart.export import atomic_target, ensure_app, png_bytes, render_chart_image
from ..chart.fragments import (
    Citations,
    current_regimen_html,
    esc,
    explanations_html,
    missing_html,
    newer_evidence_html,
    options_html,
    symptom_html,
    warnings_html,
    what_if_html,
)
from ..common.fonts import FAMILY
from .case_rows import case_table_html, chart_follows_html, lines_table_html, sign_off_html

REPORT_SUFFIXES = (".pdf", ".html")
# The bundled family first (its PDF text layer holds what is drawn: common/fonts.py).
STYLE = """
body { font-family: '""" + FAMILY + """', 'Segoe UI', Arial, 'DejaVu Sans', 'Noto Sans',
       'Noto Sans CJK KR', 'Malgun Gothic', sans-serif; color: #1d2733; font-size: 10pt; }
h1 { font-size: 17pt; margin-bottom: 2px; }
h2 { font-size: 13pt; color: #1f3b5c; margin-top: 14px; margin-bottom: 4px; }
h3 { font-size: 11pt; color: #1f3b5c; margin-top: 10px; margin-bottom: 3px; }
h3.stop { color: #c62828; }
table.grid { border-collapse: collapse; }
table.grid td, table.grid th { border: 1px solid #cfd5dc; padding: 3px 6px; text-align: left;
                               vertical-align: top; }
th { background-color: #eef3fb; }
.meta { color: #5f6b7a; font-size: 9pt; }
.rec { color: #2e7d32; font-weight: bold; }
.stopped { color: #c62828; font-weight: bold; }
.caution { color: #8a4b00; }
.access { color: #37474f; font-size: 9pt; }
.hint { color: #5f6b7a; font-size: 9pt; font-style: italic; }
h2.newer { color: #6a1b9a; }
ul.warn { color: #8a4b00; }
.option { margin-top: 8px; margin-bottom: 8px; }
img.chart { max-width: 100%; height: auto; }
"""


def chart_data_uri(pathway: Pathway, ev: Evaluation, lang: str, scale: float = 1.0) -> str:
    """The chart as a PNG data URI, so an HTML report is one self-contained file."""
    return "data:image/png;base64," + base64.b64encode(
        png_bytes(render_chart_image(pathway, ev, lang, scale))).decode("ascii")


def record_warnings_html(case: Case, lang: str) -> str:
    """The record's soft warnings (validation's, e.g. an unusual Ki-67), '' for none."""
    found = validate_case(case.to_dict()).warnings
    if not found:
        return ""
    items = "".join(f"<li>{esc(w.text(lang, labels=True))}</li>" for w in found)
    return f"<h3>{esc(tr('chart.record_warnings', lang))}</h3><ul class='warn'>{items}</ul>"


def build_report_html(case: Case, ev: Evaluation, pathway: Pathway, lang: str = "en", *,
                      image_src: str | None = None, image_width: int = 1000,
                      printed: dt.datetime | None = None, board_date: str | None = None,
                      for_print: bool = False) -> str:
    """The whole report as one HTML page (the chart embedded unless `image_src` is given);
    `for_print` leaves the chart out (it is drawn on pages of its own: report_pages)."""
    printed = printed or dt.datetime.now()
    src = "" if for_print else (image_src if image_src is not None
                                else chart_data_uri(pathway, ev, lang))
    cites = Citations(pathway)
    notice = esc(text(pathway.notice, lang))
    banner = (f"<table width='100%' border='1' cellspacing='0' cellpadding='6' "
              f"style='border-color:#d39e00'><tr><td bgcolor='#fff4ce' "
              f"style='background-color:#fff4ce;color:#5c4400;font-weight:bold'>⚠ {notice}"
              f"</td></tr></table>")
    code = esc(case.case_code or "—")
    out = [f"<h1>{esc(tr('chart.report.title', lang))}: "
           f"{esc(tr('chart.report.case', lang))} {code}</h1>",
           f"<p class='meta'>{esc(tr('chart.report.printed', lang))}: "
           f"{esc(printed.strftime('%Y-%m-%d %H:%M'))} · {esc(tr('chart.report.app', lang))}: "
           f"{esc(APP_NAME)} {esc(__version__)} · {esc(tr('chart.report.pathway', lang))}: "
           f"{esc(pathway.id)} {esc(pathway.version)} — {esc(text(pathway.title, lang))}</p>",
           banner,
           f"<h2>{esc(tr('chart.report.case', lang))}</h2>",
           case_table_html(case, lang, board_date),
           f"<h2>{esc(tr('chart.report.lines', lang))}</h2>", lines_table_html(case, lang),
           f"<h2>{esc(tr('chart.report.summary', lang))}</h2>"]
    if ev.recommendation_node:
        rec = text(pathway.nodes[ev.recommendation_node].label, lang)
        out.append(f"<p class='rec'>★ {esc(tr('chart.recommendation', lang))}: {esc(rec)}"
                   f"{cites.cite(pathway.nodes[ev.recommendation_node].citations)}</p>")
        out.append(f"<h3>{esc(tr('chart.options', lang))}</h3>")
        out.append(options_html(pathway, ev, lang, cites))
    else:
        stop = text(pathway.nodes[ev.path[-1]].label, lang)
        out.append(f"<p class='stopped'>! {esc(tr('chart.status.stop', lang, node=stop))}</p>")
        out.append(missing_html(ev, lang, links=False))
        out.append(f"<p>{esc(tr('chart.report.no_options', lang))}</p>")
    out.append(what_if_html(case_what_if_lines(case, ev, pathway, lang), lang))
    out.append(symptom_html(pathway, ev, lang, cites))
    out.append(current_regimen_html(ev, lang))
    out.append(warnings_html(pathway, ev.warnings, lang))
    out.append(record_warnings_html(case, lang))
    out.append(explanations_html(ev, lang, None, pathway))
    path = " → ".join(text(pathway.nodes[n].label, lang) for n in ev.path)
    out.append(f"<p class='meta'>{esc(tr('chart.path', lang))}: {esc(path)}</p>")
    out.append(newer_evidence_html(pathway, ev, lang, cites))
    out.append(f"<h2>{esc(tr('chart.report.chart', lang))}</h2>")
    if for_print:
        out.append(chart_follows_html(lang))
    else:
        out.append(f"<p><img class='chart' src='{esc(src)}' width='{image_width}' "
                   f"alt='{esc(tr('chart.report.chart', lang))}'></p>")
    out.append(cites.html(lang, heading="h2"))
    out.append(banner)
    out.append(f"<p class='meta'>{esc(tr('chart.report.footer', lang))}</p>")
    out.append(sign_off_html(lang))
    body = "".join(part for part in out if part)
    title = f"{tr('chart.report.title', lang)}: {case.case_code or ''}".strip(": ")
    return (f"<!DOCTYPE html><html lang='{esc(lang)}'><head><meta charset='utf-8'>"
            f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>{body}</body></html>")


def report_title(case: Case, lang: str) -> str:
    """The report's document title: "Tumour board summary SNUH-0417"."""
    return f"{tr('chart.report.title', lang)} {case.case_code or ''}".strip()


def write_report(case: Case, ev: Evaluation, pathway: Pathway, path: str | os.PathLike[str],
                 lang: str = "en", *, replace: bool = False, board_date: str | None = None
                 ) -> Path:
    """Write the report to `path`: .html (one self-contained file) or .pdf (A4 pages, then the
    chart on landscape pages: report_pages). An existing file is replaced only with `replace`.
    `board_date` is the date of the board's latest decision on the case."""
    from .report_pages import ReportItem, write_pdf

    out = Path(path)
    with atomic_target(out, REPORT_SUFFIXES, "report", replace=replace) as tmp:
        if out.suffix.lower() == ".html":
            ensure_app()
            with open(tmp, "w", encoding="utf-8") as fh:  # the atomic writer's private file
                fh.write(build_report_html(case, ev, pathway, lang, board_date=board_date))
        else:
            write_pdf(tmp, [ReportItem(case, ev, board_date)], pathway, lang,
                      title=report_title(case, lang))
    return out


def print_report(case: Case, ev: Evaluation, pathway: Pathway, parent: QWidget | None = None,
                 lang: str = "en", *, printer=None, ask: bool = True,
                 board_date: str | None = None) -> bool:
    """Print the report; with `ask`, the print dialog first (False when cancelled).

    `printer` is a QPrinter to use (a new high-resolution one by default).
    """
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    from .report_pages import ReportItem, paint_reports

    if printer is None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(report_title(case, lang))
    if ask:
        dialog = QPrintDialog(printer, parent)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return False
    paint_reports(printer, [ReportItem(case, ev, board_date)], pathway, lang)
    return True
