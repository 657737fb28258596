"""HTML pieces shared by the node panel and the tumour-board report.

Clinical words come only from the pathway data (names, doses, cautions, access notes,
references, warnings) and from the evaluation's explanations.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from ...case.fields import value_label
from ...i18n import tr
from ...pathway import AccessEntry, Evaluation, Pathway, text
from ...pathway.explain import field_label
from ...pathway.summary import access_by_option, access_status_word, option_name

# Access badge colours, (text, background) per status: dark on light, at least 7:1; the
# status word is always written in the badge, so the colour is never the only sign.
BADGE_COLOURS = {
    "reimbursed": ("#1b5e20", "#d5efd9"),
    "self_paid": ("#6b3a00", "#ffe3b8"),
    "not_approved": ("#8b1a1a", "#f9d3d3"),
    "unverified": ("#37474f", "#e3e7eb"),
}


def esc(value: object) -> str:
    """Text made safe for HTML."""
    return escape(str(value), quote=True)


class Citations:
    """Numbers references in the order they are first cited; renders the list at the end."""

    def __init__(self, pathway: Pathway) -> None:
        self.pathway = pathway
        self.keys: list[str] = []

    def cite(self, keys: tuple[str, ...] | list[str]) -> str:
        """' [1, 3]' for these reference keys ('' for none)."""
        nums = []
        for key in keys:
            if key not in self.pathway.references:
                continue
            if key not in self.keys:
                self.keys.append(key)
            nums.append(self.keys.index(key) + 1)
        return f" <sup>[{', '.join(map(str, nums))}]</sup>" if nums else ""

    def html(self, lang: str, heading: str = "h3") -> str:
        if not self.keys:
            return ""
        items = "".join(f"<li>{esc(self.pathway.references[k])}</li>" for k in self.keys)
        return f"<{heading}>{esc(tr('chart.citations', lang))}</{heading}><ol>{items}</ol>"


def _sentences(words: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?。])\s+", words.strip()) if s]


def _plain(words: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", words).casefold().split())


def beyond(note: str, said: str) -> str:
    """The sentences of `note` that `said` does not already contain ('' when it says it all)."""
    known = _plain(said)
    return " ".join(s for s in _sentences(note) if _plain(s) not in known)


def same_fact(note: dict[str, Any], entry: AccessEntry) -> bool:
    """Whether a note and an access entry state the same fact: a note is dated by the fact it
    states and cited to its source, so the same date and a shared source are the same fact."""
    return note.get("as_of") == entry.as_of and bool(
        set(note.get("citations", ())) & set(entry.citations))


def access_note(pathway: Pathway, option_id: str, lang: str, cites: Citations,
                entry: AccessEntry | None = None) -> str:
    """The dated Korean access note of an option, or ''; beside `entry` (this patient's access),
    only what the entry does not already say (nothing when both state the same dated fact),
    headed as a further note."""
    opt = pathway.options.get(option_id)
    access = opt.access_kr if opt else None
    if not access or (entry is not None and same_fact(access, entry)):
        return ""
    words = text(access.get("text"), lang)
    if entry is not None:
        words = beyond(words, entry.text)
    if not words:
        return ""
    key = "chart.access" if entry is None else "chart.access.more"
    head = tr(key, lang, date=access.get("as_of", "?"))
    return (f"<div class='access'><i>{esc(head)}:</i> {esc(words)}"
            f"{cites.cite(tuple(access.get('citations', ())))}</div>")


def access_badge(pathway: Pathway, status: str, lang: str) -> str:
    """The access status as a coloured badge that names it ("Self-paid")."""
    fg, bg = BADGE_COLOURS.get(status, BADGE_COLOURS["unverified"])
    word = access_status_word(pathway, status, lang)
    title = esc(tr("chart.access.badge", lang))
    return (f"<span class='badge badge-{esc(status)}' title='{title}' "
            f"style='color:{fg}; background-color:{bg}; font-weight:bold; "
            f"border-radius:3px'>&nbsp;{esc(word)}&nbsp;</span>")


def access_entry_html(entry: AccessEntry, lang: str, cites: Citations) -> str:
    """This patient's Korean access to one option: its text, date and citations."""
    head = tr("chart.access.patient", lang, date=entry.as_of) if entry.as_of \
        else tr("chart.access.patient_undated", lang)
    return (f"<div class='access'><i>{esc(head)}:</i> {esc(entry.text)}"
            f"{cites.cite(entry.citations)}</div>")


def option_block(pathway: Pathway, option_id: str, cautions: tuple[str, ...], lang: str,
                 cites: Citations, access: AccessEntry | None = None) -> str:
    """One option: name and citations, with this patient's access badge, access text and
    what the option's dated note adds to it; typical dose; cautions in plain words. Without
    an access entry (a box off the path, symptom control) the dated note comes last."""
    opt = pathway.options.get(option_id)
    name = esc(option_name(pathway, option_id, lang))
    badge = f" {access_badge(pathway, access.status, lang)}" if access else ""
    parts = [f"<div class='option'><b>{name}</b>"
             f"{cites.cite(opt.citations) if opt else ''}{badge}"]
    if access is not None:  # this patient's access, then whatever the note adds to it
        parts.append(access_entry_html(access, lang, cites))
        parts.append(access_note(pathway, option_id, lang, cites, access))
    if opt and opt.dose:
        parts.append(f"<div class='dose'>{esc(tr('chart.dose', lang))}: {esc(text(opt.dose, lang))}"
                     "</div>")
    if cautions:
        items = "".join(f"<li>{esc(text(pathway.cautions.get(c), lang) or c)}"
                        f"{cites.cite(pathway.caution_citations.get(c, ()))}</li>"
                        for c in cautions)
        parts.append(f"<div class='caution'><b>⚠ {esc(tr('chart.cautions', lang))}:</b>"
                     f"<ul>{items}</ul></div>")
    if access is None:
        parts.append(access_note(pathway, option_id, lang, cites))
    parts.append("</div>")
    return "".join(parts)


def options_html(pathway: Pathway, ev: Evaluation, lang: str, cites: Citations) -> str:
    """The evaluation's options, each with its access badge and text, dose and cautions."""
    access = access_by_option(ev)
    return "".join(option_block(pathway, o.id, o.cautions, lang, cites, access.get(o.id))
                   for o in ev.options)


def _why_listed(entry: dict[str, Any], lang: str) -> str:
    words = text(entry.get("applies_text"), lang)
    return f"<br><span class='hint'>{esc(words)}</span>" if words else ""


def newer_evidence_html(pathway: Pathway, ev: Evaluation, lang: str, cites: Citations,
                        heading: str = "h2") -> str:
    """The post-paper trials the evaluation says apply to this patient, marked as outside the
    reconstructed figure; says so when none applies."""
    entries = {e.get("id"): e for e in pathway.newer_evidence}
    items = "".join(
        f"<li><b>{esc(text(entry.get('title'), lang))}</b>: {esc(text(entry.get('text'), lang))}"
        f"{cites.cite(tuple(entry.get('citations', ())))}{_why_listed(entry, lang)}</li>"
        for entry in (entries[i] for i in ev.newer_evidence if i in entries))
    body = f"<ul class='newer'>{items}</ul>" if items \
        else f"<p>{esc(tr('chart.newer.none', lang))}</p>"
    return (f"<{heading} class='newer'>{esc(tr('chart.newer.title', lang))}</{heading}>"
            f"<p class='hint'>{esc(tr('chart.newer.outside', lang))}</p>{body}")


def symptom_html(pathway: Pathway, ev: Evaluation, lang: str, cites: Citations,
                 heading: str = "h3") -> str:
    """Symptom-control options for the functional syndrome ('' when there are none)."""
    if not ev.symptom_control:
        return ""
    blocks = "".join(option_block(pathway, s, (), lang, cites) for s in ev.symptom_control)
    return f"<{heading}>{esc(tr('chart.symptom', lang))}</{heading}>{blocks}"


def warnings_html(pathway: Pathway, codes: list[str], lang: str, heading: str = "h3") -> str:
    """The warnings, in plain words ('' for none)."""
    if not codes:
        return ""
    items = "".join(f"<li>{esc(text(pathway.warnings.get(c), lang) or c)}</li>" for c in codes)
    return f"<{heading}>{esc(tr('chart.warnings', lang))}</{heading}><ul class='warn'>{items}</ul>"


def current_regimen_html(ev: Evaluation, lang: str) -> str:
    if not ev.current_regimen:
        return ""
    return (f"<p><b>{esc(tr('chart.current', lang))}:</b> "
            f"{esc(value_label('regimen', ev.current_regimen, lang))}</p>")


def missing_html(ev: Evaluation, lang: str, links: bool = True) -> str:
    """The fields the walk needs, each a `field:KEY` link when `links`."""
    if not ev.missing:
        return ""
    items = []
    for key in ev.missing:
        name = esc(field_label(key, lang))
        items.append(f"<li><a href='field:{esc(key)}'>{name}</a></li>" if links
                     else f"<li>{name}</li>")
    hint = f"<p class='hint'>{esc(tr('chart.missing.hint', lang))}</p>" if links else ""
    return (f"<h3 class='stop'>{esc(tr('chart.missing', lang))}</h3>"
            f"<ul>{''.join(items)}</ul>{hint}")


def explanations_html(ev: Evaluation, lang: str, node_id: str | None = None,
                      pathway: Pathway | None = None) -> str:
    """Why the walk went its way: at one node, or at every node (with the node's name)."""
    rows = [e for e in ev.explanations if node_id is None or e.node == node_id]
    if not rows:
        return ""
    items = []
    for e in rows:
        where = ""
        if node_id is None and pathway is not None and e.node in pathway.nodes:
            name = text(pathway.nodes[e.node].label, lang)
            if not e.text.startswith(name):  # "SSTR imaging: Positive" names its box already
                where = f"<b>{esc(name)}</b>: "
        items.append(f"<li>{where}{esc(e.text)}</li>")
    return f"<h3>{esc(tr('chart.why', lang))}</h3><ul>{''.join(items)}</ul>"




def what_if_html(lines: list[str], lang: str, heading: str = "h3") -> str:
    """"What would change it": one item per line of pathway/what_if_text ('' for none)."""
    if not lines:
        return ""
    items = "".join(f"<li>{esc(line)}</li>" for line in lines)
    return (f"<{heading} class='whatif'>{esc(tr('whatif.title', lang))}</{heading}>"
            f"<ul class='whatif'>{items}</ul>"
            f"<p class='hint'>{esc(tr('whatif.hint', lang))}</p>")
