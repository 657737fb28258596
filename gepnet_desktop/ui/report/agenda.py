"""A tumour board's agenda as one PDF: a cover page listing the cases (code, recommendation,
why each is on the agenda), then each case's report with its chart pages (report_pages)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ... import APP_NAME, __version__
from ...i18n import tr
from ...pathway import Pathway, text
from ..chart.export import atomic_target
from ..chart.fragments import esc
from .case_report import STYLE
from .case_rows import GRID
from .report_pages import ReportItem, write_pdf

AGENDA_SUFFIXES = (".pdf",)


@dataclass(frozen=True)
class AgendaEntry:
    """A case on the agenda and why it is there (a sentence)."""

    item: ReportItem
    reason: str


def recommendation_words(item: ReportItem, pathway: Pathway, lang: str) -> str:
    """The box the walk ends on, or that the walk needs data."""
    node = item.ev.recommendation_node
    return text(pathway.nodes[node].label, lang) if node else tr("report.agenda_needs_data", lang)


def agenda_html(date: str, entries: Sequence[AgendaEntry], pathway: Pathway, lang: str) -> str:
    """The cover page: the board's date and one row per case."""
    head = "".join(f"<th>{esc(tr(k, lang))}</th>" for k in (
        "report.agenda_code", "report.agenda_recommendation", "report.agenda_reason"))
    rows = "".join(
        f"<tr><td>{i}</td><td>{esc(e.item.case.case_code or '—')}</td>"
        f"<td>{esc(recommendation_words(e.item, pathway, lang))}</td><td>{esc(e.reason)}</td></tr>"
        for i, e in enumerate(entries, start=1))
    notice = esc(text(pathway.notice, lang))
    meta = tr("report.agenda_meta", lang, app=f"{APP_NAME} {__version__}",
              pathway=f"{pathway.id} {pathway.version}",
              printed=dt.datetime.now().strftime("%Y-%m-%d %H:%M"))
    return (f"<html><head><style>{STYLE}</style></head><body>"
            f"<h1>{esc(tr('report.agenda_title', lang, date=date))}</h1>"
            f"<p class='meta'>{esc(meta)}</p>"
            f"<p>{esc(tr('report.agenda_count', lang, n=len(entries)))}</p>"
            f"<table {GRID} width='100%'><tr><th>#</th>{head}</tr>{rows}</table>"
            f"<p class='hint'>{notice}</p></body></html>")


def write_agenda(path: str | os.PathLike[str], date: str, entries: Sequence[AgendaEntry],
                 pathway: Pathway, lang: str = "en", *, replace: bool = False) -> Path:
    """Write the agenda PDF to `path` (atomically; an existing file only with `replace`)."""
    out = Path(path)
    title = tr("report.agenda_title", lang, date=date)
    with atomic_target(out, AGENDA_SUFFIXES, "board agenda", replace=replace) as tmp:
        write_pdf(tmp, [e.item for e in entries], pathway, lang, title=title,
                  cover_html=agenda_html(date, entries, pathway, lang), cover_title=title)
    return out
