"""The tumour-board report: case, evaluation, chart, citations and banner, as HTML or PDF."""

from __future__ import annotations

import base64
import datetime as dt
import os
from pathlib import Path

from PySide6.QtCore import QMarginsF, QUrl
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QWidget

from ... import APP_NAME, __version__
from ...case.fields import FIELDS_BY_KEY, LINE_FIELDS_BY_KEY, value_label
from ...case.model import Case
from ...case.validation import validate_case
from ...i18n import tr
from ...pathway import Evaluation, Pathway, text
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
)

REPORT_SUFFIXES = (".pdf", ".html")
PRINT_MARGIN_MM = 20.0  # QTextDocument.print_ lays a document out with 2 cm margins
CHART_URL = "gepnet-chart.png"
# The fields a tumour board reads, in the order of the form (no notes, no birth data).
CASE_ROWS = ("case_code", "primary_site", "differentiation", "nec_subtype", "ki67_percent",
             "mitoses_per_2mm2", "who_grade", "functional_syndrome", "sstr_status",
             "sstr_heterogeneous", "hepatic_burden", "bulk_symptoms", "pace", "ecog",
             "egfr_ml_min", "comorbidities")
LINE_COLUMNS = ("regimen", "start_date", "end_date", "outcome", "best_response")
# Latin families first: where 'Noto Sans' is missing Qt takes Noto Sans CJK for Latin text too,
# and its PDF then loses the digits from the text layer (copy, search, pdftotext).
STYLE = """
body { font-family: 'Segoe UI', Arial, 'DejaVu Sans', 'Noto Sans', 'Noto Sans CJK KR',
       'Malgun Gothic', sans-serif; color: #1d2733; font-size: 10pt; }
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


def _value(case: Case, key: str, lang: str) -> str:
    if key == "who_grade":
        return case.who_grade or value_label("who_grade", None, lang)
    value = case.get(key)
    if key == "comorbidities":
        return ", ".join(value_label(key, v, lang) for v in value) or tr("chart.none", lang)
    return value_label(key, value, lang)


def _field_name(key: str, lang: str) -> str:
    if key == "who_grade":
        return tr("chart.report.grade", lang)
    spec = FIELDS_BY_KEY[key]
    return spec.label.get(lang) or spec.label["en"]


def case_table_html(case: Case, lang: str) -> str:
    """The case's pathway-relevant fields as a two-column table."""
    rows = "".join(f"<tr><th>{esc(_field_name(k, lang))}</th><td>{esc(_value(case, k, lang))}"
                   "</td></tr>" for k in CASE_ROWS
                   if not (k == "nec_subtype" and case.nec_subtype is None))
    return f"<table class='grid' border='1' cellspacing='0' cellpadding='4'>{rows}</table>"


def lines_table_html(case: Case, lang: str) -> str:
    """The lines of therapy, oldest first (without their notes)."""
    if not case.lines:
        return f"<p>{esc(tr('chart.report.no_lines', lang))}</p>"
    head = "".join(f"<th>{esc(LINE_FIELDS_BY_KEY[c].label.get(lang) or c)}</th>"
                   for c in LINE_COLUMNS)
    body = []
    for i, line in enumerate(case.lines, start=1):
        cells = []
        for c in LINE_COLUMNS:
            value = getattr(line, c)
            cells.append("—" if value is None and c != "outcome" else value_label(c, value, lang))
        body.append(f"<tr><td>{i}</td>" + "".join(f"<td>{esc(v)}</td>" for v in cells) + "</tr>")
    return (f"<table class='grid' border='1' cellspacing='0' cellpadding='4'><tr><th>#</th>{head}"
            f"</tr>{''.join(body)}</table>")


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
                      printed: dt.datetime | None = None) -> str:
    """The whole report as one HTML page (the chart embedded unless `image_src` is given)."""
    printed = printed or dt.datetime.now()
    src = image_src if image_src is not None else chart_data_uri(pathway, ev, lang)
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
           f"<h2>{esc(tr('chart.report.case', lang))}</h2>", case_table_html(case, lang),
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
    out.append(symptom_html(pathway, ev, lang, cites))
    out.append(current_regimen_html(ev, lang))
    out.append(warnings_html(pathway, ev.warnings, lang))
    out.append(record_warnings_html(case, lang))
    out.append(explanations_html(ev, lang, None, pathway))
    path = " → ".join(text(pathway.nodes[n].label, lang) for n in ev.path)
    out.append(f"<p class='meta'>{esc(tr('chart.path', lang))}: {esc(path)}</p>")
    out.append(newer_evidence_html(pathway, ev, lang, cites))
    out.append(f"<h2>{esc(tr('chart.report.chart', lang))}</h2>")
    out.append(f"<p><img class='chart' src='{esc(src)}' width='{image_width}' "
               f"alt='{esc(tr('chart.report.chart', lang))}'></p>")
    out.append(cites.html(lang, heading="h2"))
    out.append(banner)
    out.append(f"<p class='meta'>{esc(tr('chart.report.footer', lang))}</p>")
    body = "".join(part for part in out if part)
    title = f"{tr('chart.report.title', lang)}: {case.case_code or ''}".strip(": ")
    return (f"<!DOCTYPE html><html lang='{esc(lang)}'><head><meta charset='utf-8'>"
            f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>{body}</body></html>")


def column_width(layout: QPageLayout) -> float:
    """The text column of a printed page, in the report's 96-dpi pixels: the page's paint
    rectangle less the 2 cm margin QTextDocument.print_ adds on each side."""
    millimetres = layout.paintRect(QPageLayout.Unit.Millimeter).width() - 2 * PRINT_MARGIN_MM
    return max(200.0, millimetres / 25.4 * 96)


def report_document(case: Case, ev: Evaluation, pathway: Pathway, lang: str = "en",
                    text_width: float = 680.0) -> QTextDocument:
    """The report laid out by Qt, ready to print or write as PDF."""
    ensure_app()
    doc = QTextDocument()
    doc.setDocumentMargin(0)
    doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(CHART_URL),
                    render_chart_image(pathway, ev, lang, scale=1.5))
    doc.setHtml(build_report_html(case, ev, pathway, lang, image_src=CHART_URL,
                                  image_width=int(text_width)))
    doc.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle,
                           f"{tr('chart.report.title', lang)} {case.case_code or ''}".strip())
    return doc


def write_report(case: Case, ev: Evaluation, pathway: Pathway, path: str | os.PathLike[str],
                 lang: str = "en", *, replace: bool = False) -> Path:
    """Write the report to `path`: .html (one self-contained file) or .pdf (A4). An existing
    file is replaced only with `replace`."""
    out = Path(path)
    with atomic_target(out, REPORT_SUFFIXES, "report", replace=replace) as tmp:
        if out.suffix.lower() == ".html":
            ensure_app()
            with open(tmp, "w", encoding="utf-8") as fh:  # the atomic writer's private file
                fh.write(build_report_html(case, ev, pathway, lang))
        else:
            writer = QPdfWriter(str(tmp))
            writer.setCreator(f"{APP_NAME} {__version__}")
            writer.setTitle(f"{tr('chart.report.title', lang)} {case.case_code or ''}".strip())
            writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                             QPageLayout.Orientation.Portrait,
                                             QMarginsF(15, 15, 15, 15),
                                             QPageLayout.Unit.Millimeter))
            doc = report_document(case, ev, pathway, lang, column_width(writer.pageLayout()))
            doc.print_(writer)
    return out


def print_report(case: Case, ev: Evaluation, pathway: Pathway, parent: QWidget | None = None,
                 lang: str = "en", *, printer=None, ask: bool = True) -> bool:
    """Print the report; with `ask`, the print dialog first (False when cancelled).

    `printer` is a QPrinter to use (a new high-resolution one by default).
    """
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    if printer is None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(f"{tr('chart.report.title', lang)} {case.case_code or ''}".strip())
    if ask:
        dialog = QPrintDialog(printer, parent)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return False
    report_document(case, ev, pathway, lang, column_width(printer.pageLayout())).print_(printer)
    return True
