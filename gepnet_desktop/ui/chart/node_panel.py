"""The side panel beside the chart: what a box asks, why the walk went its way, the options,
and what would change the recommendation."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from ...case.model import Case
from ...i18n import tr
from ...pathway import Evaluation, Pathway, text
from ...pathway.what_if import WhatIf
from ...pathway.what_if_text import what_if_lines
from .fragments import (
    Citations,
    current_regimen_html,
    esc,
    explanations_html,
    missing_html,
    option_block,
    options_html,
    symptom_html,
    warnings_html,
    what_if_html,
)

STYLE = """
h2 { font-size: 15pt; margin-bottom: 2px; }
h3 { font-size: 11pt; margin-top: 12px; margin-bottom: 4px; color: #1f3b5c; }
h3.stop { color: #c62828; }
.meta { color: #5f6b7a; font-size: 9pt; }
.status { font-weight: bold; }
.status-rec { color: #2e7d32; font-weight: bold; }
.status-stop { color: #c62828; font-weight: bold; }
.status-off { color: #5f6b7a; font-style: italic; }
.option { margin-top: 10px; margin-bottom: 8px; }
.dose { color: #1d2733; }
.caution { color: #8a4b00; }
.access { color: #37474f; font-size: 9pt; }
.hint { color: #5f6b7a; font-size: 9pt; }
.note { color: #8a4b00; font-weight: bold; }
.newer { color: #6a1b9a; }
ul.warn { color: #8a4b00; }
a { color: #1565c0; }
"""


def node_html(pathway: Pathway, node_id: str, ev: Evaluation | None, lang: str = "en", *,
              newer: bool = False, note: str = "", what_if: Sequence[str] = ()) -> str:
    """The panel's page for one box, for this patient's evaluation (or none); at the end of
    the path, `what_if` (lines of pathway/what_if_text) under the options or the missing data."""
    node = pathway.nodes[node_id]
    cites = Citations(pathway)
    prov = text(pathway.provenance_kinds.get(node.provenance), lang) or node.provenance
    out = [f"<h2>{esc(text(node.label, lang))}</h2>",
           f"<p class='meta'>{esc(tr('chart.kind.' + node.kind, lang))} · "
           f"{esc(tr('chart.provenance', lang))}: {esc(prov)}</p>"]
    if ev is None:
        out.append(f"<p class='note'>{esc(note)}</p>" if note
                   else f"<p class='status-off'>{esc(tr('chart.no_eval', lang))}</p>")
    elif node_id == ev.recommendation_node:
        out.append(f"<p class='status-rec'>★ {esc(tr('chart.is_rec', lang))}</p>")
    elif node_id == ev.stop_node:
        out.append(f"<p class='status-stop'>! {esc(tr('chart.is_stop', lang))}</p>")
    elif node_id in ev.path:
        out.append(f"<p class='status'>{esc(tr('chart.on_path', lang))}</p>")
    else:
        out.append(f"<p class='status-off'>{esc(tr('chart.off_path', lang))}</p>")
    if node.question:
        out.append(f"<h3>{esc(tr('chart.question', lang))}</h3>"
                   f"<p>{esc(text(node.question, lang))}</p>")
    if ev is not None and node_id in ev.path:
        out.append(explanations_html(ev, lang, node_id))
        if node_id == ev.stop_node:
            out.append(missing_html(ev, lang))
            out.append(what_if_html(list(what_if), lang))
    is_rec = ev is not None and node_id == ev.recommendation_node
    if is_rec and ev is not None:
        out.append(f"<h3>{esc(tr('chart.options', lang))}</h3>")
        out.append(options_html(pathway, ev, lang, cites))
        out.append(what_if_html(list(what_if), lang))
        out.append(symptom_html(pathway, ev, lang, cites))
        out.append(current_regimen_html(ev, lang))
    if ev is not None and node_id in ev.path:
        own = {r.code for r in node.warnings}
        shown = ev.warnings if node_id in (ev.recommendation_node, ev.stop_node) \
            else [w for w in ev.warnings if w in own]
        out.append(warnings_html(pathway, shown, lang))
    if not is_rec and node.kind == "treatment" and node.options:
        out.append(f"<h3>{esc(tr('chart.options.node', lang))}</h3>")
        seen: list[str] = []
        for ref in node.options:
            if ref.id not in seen:
                seen.append(ref.id)
                out.append(option_block(pathway, ref.id, (), lang, cites))
    if newer:
        for entry in pathway.newer_evidence:
            if node_id in entry.get("nodes", []):
                out.append(f"<h3 class='newer'>+ {esc(text(entry.get('title'), lang))}</h3>"
                           f"<p class='newer'>{esc(text(entry.get('text'), lang))}"
                           f"{cites.cite(tuple(entry.get('citations', ())))}</p>"
                           f"<p class='hint'>{esc(tr('chart.newer_note', lang))}</p>")
    if node.citations:
        cites.cite(node.citations)
    out.append(cites.html(lang))
    return "".join(part for part in out if part)


def overview_html(pathway: Pathway, ev: Evaluation | None, lang: str = "en", *,
                  note: str = "", what_if: Sequence[str] = ()) -> str:
    """The panel's page when no box is chosen: the patient's path and its end, then what
    would change it (`what_if`)."""
    if ev is None:
        body = f"<p class='note'>{esc(note)}</p>" if note else \
            f"<p class='status-off'>{esc(tr('chart.no_case', lang))}</p>"
        return body + f"<p class='hint'>{esc(tr('chart.select_hint', lang))}</p>"
    cites = Citations(pathway)
    out = []
    if ev.recommendation_node:
        rec = text(pathway.nodes[ev.recommendation_node].label, lang)
        out.append(f"<h2>{esc(tr('chart.recommendation', lang))}</h2>"
                   f"<p class='status-rec'>★ <a href='node:{esc(ev.recommendation_node)}'>"
                   f"{esc(rec)}</a></p>")
    else:
        stop = text(pathway.nodes[ev.path[-1]].label, lang)
        out.append(f"<h2>{esc(tr('chart.stopped', lang))}</h2>"
                   f"<p class='status-stop'>! <a href='node:{esc(ev.path[-1])}'>"
                   f"{esc(stop)}</a></p>")
        out.append(missing_html(ev, lang))
    out.append(f"<p class='meta'>{esc(tr('chart.report.grade', lang))}: "
               f"{esc(ev.who_grade or '—')}</p>")
    out.append(options_html(pathway, ev, lang, cites))
    out.append(what_if_html(list(what_if), lang))
    out.append(warnings_html(pathway, ev.warnings, lang))
    out.append(symptom_html(pathway, ev, lang, cites))
    out.append(current_regimen_html(ev, lang))
    steps = "".join(f"<li><a href='node:{esc(n)}'>{esc(text(pathway.nodes[n].label, lang))}"
                    "</a></li>" for n in ev.path)
    out.append(f"<h3>{esc(tr('chart.path', lang))}</h3><ol>{steps}</ol>")
    out.append(explanations_html(ev, lang, None, pathway))
    out.append(f"<p class='hint'>{esc(tr('chart.select_hint', lang))}</p>")
    out.append(cites.html(lang))
    return "".join(part for part in out if part)


class NodePanel(QWidget):
    """Shows one box's details for the current evaluation; links jump to form fields or boxes."""

    missingFieldActivated = Signal(str)  # a case field key, e.g. "sstr_status"
    nodeLinkActivated = Signal(str)  # a node id from the path list

    def __init__(self, pathway: Pathway, lang: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pathway = pathway
        self.lang = lang
        self._node: str | None = None
        self._ev: Evaluation | None = None
        self._note = ""
        self._newer = False
        self._what_if: tuple[Case, list[WhatIf]] | None = None
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("nodePanelText")
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        self.browser.document().setDefaultStyleSheet(STYLE)
        self.browser.anchorClicked.connect(self._on_link)
        self.browser.setAccessibleName("Node details")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        self.setMinimumWidth(260)
        self._render()

    def show_node(self, node_id: str | None, ev: Evaluation | None, *, note: str = "") -> None:
        """Show `node_id` (None: the overview of the path) for evaluation `ev`."""
        node = node_id if node_id in self.pathway.nodes else None
        same = node == self._node
        if ev is not self._ev:
            self._what_if = None  # the last walk's alternatives do not hold for this one
        self._node, self._ev, self._note = node, ev, note
        self._render(keep_scroll=same)

    def set_what_if(self, ev: Evaluation, case: Case, found: list[WhatIf]) -> None:
        """What would change `ev`'s recommendation for `case` (pathway/what_if); ignored when
        the panel shows another walk by now, and drawn only when it says something (the
        panel already shows this walk without it)."""
        if ev is self._ev:
            self._what_if = (case, found)
            if self._what_if_lines():
                self._render()

    def _what_if_lines(self) -> list[str]:
        if self._what_if is None or self._ev is None:
            return []
        case, found = self._what_if
        return what_if_lines(found, case, self._ev, self.pathway, self.lang)

    def current_node(self) -> str | None:
        return self._node

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self._render()

    def set_newer_evidence_visible(self, visible: bool) -> None:
        self._newer = visible
        self._render()

    def scroll_to_top(self) -> None:
        """Back to the page's start (the recommendation, in the overview)."""
        self.browser.verticalScrollBar().setValue(0)

    def plain_text(self) -> str:
        """What the panel says, as plain text."""
        return self.browser.toPlainText()

    def html(self) -> str:
        return self._html

    def _render(self, keep_scroll: bool = True) -> None:
        lines = self._what_if_lines()
        if self._node is None:
            self._html = overview_html(self.pathway, self._ev, self.lang, note=self._note,
                                       what_if=lines)
        else:
            self._html = node_html(self.pathway, self._node, self._ev, self.lang,
                                   newer=self._newer, note=self._note, what_if=lines)
        bar = self.browser.verticalScrollBar()
        keep = bar.value() if keep_scroll else 0
        self.browser.setHtml(f"<html><body>{self._html}</body></html>")
        bar.setValue(keep)

    def _on_link(self, url: QUrl) -> None:
        scheme, target = url.scheme(), url.path()
        if scheme == "field" and target:
            self.missingFieldActivated.emit(target)
        elif scheme == "node" and target in self.pathway.nodes:
            self.nodeLinkActivated.emit(target)


__all__ = ["NodePanel", "node_html", "overview_html"]
