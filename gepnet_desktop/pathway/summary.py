"""A plain-text summary of an evaluation, for the terminal and the tumour-board report.

Its words are the `summary.*` messages of the catalogue (resources/i18n)."""

from __future__ import annotations

from ..case.fields import value_label
from ..i18n import tr
from .explain import field_label
from .model import Pathway, text
from .walk import AccessEntry, Evaluation

# The access statuses, each with its badge word (message `summary.status.<status>`) for when
# the pathway file does not carry `access_statuses` (the file's words come first).
ACCESS_STATUSES = ("reimbursed", "self_paid", "not_approved", "unverified")


def option_name(pathway: Pathway, option_id: str, lang: str) -> str:
    """Display name of an option."""
    opt = pathway.options.get(option_id)
    return text(opt.name, lang) if opt else value_label("regimen", option_id, lang)


def access_status_word(pathway: Pathway, status: str, lang: str) -> str:
    """The badge word of an access status, from the pathway file; never the status code."""
    fallback = status if status in ACCESS_STATUSES else "unverified"
    return (text(pathway.access_statuses.get(status), lang)
            or tr(f"summary.status.{fallback}", lang))


def access_by_option(ev: Evaluation) -> dict[str, AccessEntry]:
    """The evaluation's Korean access entries, by option id."""
    return {a.option: a for a in ev.access}


def access_line(pathway: Pathway, entry: AccessEntry, lang: str) -> str:
    """One option's access as a line: 'Korean access: Self-paid (as of 2022-03-01): ...'."""
    date = f" ({tr('summary.as_of', lang, date=entry.as_of)})" if entry.as_of else ""
    words = f": {entry.text}" if entry.text else ""
    return f"{tr('summary.access', lang)}: {access_status_word(pathway, entry.status, lang)}" \
        f"{date}{words}"


def summary_lines(ev: Evaluation, pathway: Pathway, lang: str = "en",
                  what_if: list[str] | None = None) -> list[str]:
    """The evaluation as indented lines of text; `what_if` (lines of what_if_text) comes
    under the options, headed "What would change it" (nothing when empty)."""
    grade = ev.who_grade or value_label("who_grade", None, lang)
    out = [f"{tr('summary.grade', lang)}: {grade}"]
    if ev.status == "recommendation" and ev.recommendation_node:
        node = text(pathway.nodes[ev.recommendation_node].label, lang)
        out.append(f"{tr('summary.rec', lang)}: {node}")
    else:
        missing = ", ".join(field_label(m, lang) for m in ev.missing)
        out.append(f"{tr('summary.stop', lang)} ({tr('summary.missing', lang)}: {missing})")
    out.append(f"{tr('summary.path', lang)}: "
               + " → ".join(text(pathway.nodes[n].label, lang) for n in ev.path))
    if ev.options:
        out.append(f"{tr('summary.options', lang)}:")
        access = access_by_option(ev)
        for opt in ev.options:
            info = pathway.options[opt.id]
            dose = f" — {text(info.dose, lang)}" if info.dose else ""
            out.append(f"  - {text(info.name, lang)}{dose}")
            out.extend(f"      {tr('summary.caution', lang)}: {text(pathway.cautions[c], lang)}"
                       for c in opt.cautions)
            if opt.id in access:
                out.append(f"      {access_line(pathway, access[opt.id], lang)}")
    if what_if:
        out.append(f"{tr('whatif.title', lang)}:")
        out.extend(f"  - {line}" for line in what_if)
    if ev.symptom_control:
        out.append(f"{tr('summary.symptom', lang)}: "
                   + ", ".join(option_name(pathway, s, lang) for s in ev.symptom_control))
    if ev.current_regimen:
        current = value_label("regimen", ev.current_regimen, lang)
        out.append(f"{tr('summary.current', lang)}: {current}")
    if ev.warnings:
        out.append(f"{tr('summary.warnings', lang)}:")
        out.extend(f"  - {text(pathway.warnings.get(w), lang) or w}" for w in ev.warnings)
    if ev.explanations:
        out.append(f"{tr('summary.why', lang)}:")
        out.extend(f"  - {_why(text(pathway.nodes[e.node].label, lang), e.text)}"
                   for e in ev.explanations)
    out.append(text(pathway.notice, lang))
    return out


def _why(node_label: str, sentence: str) -> str:
    """A reason under its box's label, unless the sentence already starts with that label
    ("SSTR imaging: Positive", not "SSTR imaging: SSTR imaging: Positive")."""
    return sentence if sentence.startswith(node_label) else f"{node_label}: {sentence}"
