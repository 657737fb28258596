"""The cohort's figures as labelled rows (no Qt): what each chart draws and each CSV holds.

Every label is a word of the catalogue, of the field table or of the pathway file; codes are
kept only as keys (a node id to filter the case list by).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...case.decision import reason_label
from ...case.fields import value_label
from ...i18n import tr
from ...pathway import Pathway, text
from ...pathway.explain import field_label
from ...store.cohort import NOT_RECORDED

if TYPE_CHECKING:
    from ...store.cohort import Cohort, DueCase, PfsGroup


@dataclass(frozen=True)
class BarItem:
    """One bar: `key` (a node id, a field, a quarter...), its label, its value; `part` is the
    share drawn solid (the concordant decisions of a quarter), `words` what is written."""

    key: str
    label: str
    value: int
    words: str
    part: int | None = None


@dataclass(frozen=True)
class BarFigure:
    name: str  # "by_recommendation", "needs_data", "by_quarter", "reasons"
    title: str
    bars: list[BarItem]
    header: tuple[str, ...]
    rows: list[tuple[object, ...]] = field(default_factory=list)


def node_label(pathway: Pathway, node: str, lang: str) -> str:
    found = pathway.nodes.get(node)
    return text(found.label, lang) if found else tr("cohort.other_version_node", lang)


def bar_figures(c: Cohort, pathway: Pathway, lang: str) -> list[BarFigure]:
    """Cases by recommendation, needs data by field, decisions by quarter, reasons."""
    def count(n: int, of: int) -> str:
        return tr("cohort.count_share", lang, n=f"{n:,}", share=f"{100 * n / of:.0f}") \
            if of else f"{n:,}"

    recs = [BarItem(node, node_label(pathway, node, lang), n, count(n, c.cases))
            for node, n in c.by_recommendation.items()]
    missing = [BarItem(f, tr("cohort.not_recorded", lang) if f == NOT_RECORDED
                       else field_label(f, lang), n, count(n, c.cases))
               for f, n in c.needs_data.items()]
    quarters = [BarItem(q.quarter, q.quarter, q.decisions,
                        tr("cohort.quarter_words", lang, n=q.decisions, k=q.concordant,
                           share=f"{100 * (q.share or 0):.0f}"), q.concordant)
                for q in c.by_quarter]
    reasons = [BarItem(r, reason_label(r, lang), n, f"{n:,}") for r, n in c.reasons.items()]
    head = tr("cohort.csv_count", lang)
    return [
        BarFigure("by_recommendation", tr("cohort.by_recommendation", lang, n=f"{c.cases:,}"),
                  recs, (tr("cohort.csv_recommendation", lang), head),
                  [(b.label, b.value) for b in recs]),
        BarFigure("needs_data", tr("cohort.needs_data", lang), missing,
                  (tr("cohort.csv_missing", lang), head), [(b.label, b.value) for b in missing]),
        BarFigure("by_quarter", tr("cohort.by_quarter", lang, n=f"{c.decisions:,}",
                                   k=f"{c.concordant:,}",
                                   share=f"{100 * c.concordant / c.decisions:.0f}"
                                   if c.decisions else "—"),
                  quarters, (tr("cohort.csv_quarter", lang), tr("cohort.csv_decisions", lang),
                             tr("cohort.csv_concordant", lang), tr("cohort.csv_share", lang)),
                  [(q.quarter, q.decisions, q.concordant,
                    "" if q.share is None else f"{q.share:.3f}") for q in c.by_quarter]),
        BarFigure("reasons", tr("cohort.reasons", lang), reasons,
                  (tr("cohort.csv_reason", lang), head), [(b.label, b.value) for b in reasons]),
    ]


def group_label(g: PfsGroup, lang: str) -> str:
    """"Everolimus, line 2"."""
    return tr("cohort.group", lang, regimen=value_label("regimen", g.regimen, lang), line=g.line)


def months(x: float | None, lang: str) -> str:
    return tr("cohort.not_reached", lang) if x is None else f"{x:.1f}"


def pfs_summary(groups: list[PfsGroup], lang: str) -> tuple[tuple[str, ...], list[tuple]]:
    """The table of PFS groups: regimen, line, n, events, median, 95% CI."""
    header = tuple(tr(f"cohort.pfs_col.{k}", lang) for k in
                   ("regimen", "line", "n", "events", "median", "ci_low", "ci_high"))
    rows = [(value_label("regimen", g.regimen, lang), g.line, g.curve.n, g.curve.events,
             months(g.curve.median, lang), months(g.curve.ci95[0], lang),
             months(g.curve.ci95[1], lang)) for g in groups]
    return header, rows


def pfs_steps(groups: list[PfsGroup], lang: str) -> tuple[tuple[str, ...], list[tuple]]:
    """The curves' steps, for the CSV of the plot."""
    header = tuple(tr(f"cohort.step_col.{k}", lang) for k in
                   ("group", "months", "at_risk", "events", "censored", "survival", "lower",
                    "upper"))
    rows = [(group_label(g, lang), f"{s.time:.2f}", s.at_risk, s.events, s.censored,
             f"{s.survival:.4f}", f"{s.lower:.4f}",
             "" if s.upper != s.upper else f"{s.upper:.4f}")
            for g in groups for s in g.curve.steps]
    return header, rows


def due_words(d: DueCase, lang: str) -> tuple[str, str, str, str]:
    """Code, why, last decision, last progression of a case due for review."""
    return (d.case_code, tr(f"cohort.due_why.{d.why}", lang), d.last_decision or "—",
            d.last_progression or "—")


def due_header(lang: str) -> tuple[str, ...]:
    return tuple(tr(f"cohort.due_col.{k}", lang) for k in ("code", "why", "decision",
                                                          "progression"))
