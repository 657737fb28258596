"""HTML pieces shared by the node panel and the tumour-board report.

Clinical words come only from the pathway data (names, doses, cautions, access notes,
references, warnings) and from the evaluation's explanations.
"""

from __future__ import annotations

from html import escape

from ...case.fields import label as field_label_text
from ...case.fields import value_label
from ...pathway import Evaluation, Pathway, text
from ...pathway.explain import field_label
from ...pathway.summary import option_name
from .strings import tr


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
        return f"<{heading}>{esc(tr('citations', lang))}</{heading}><ol>{items}</ol>"


def access_note(pathway: Pathway, option_id: str, lang: str, cites: Citations) -> str:
    """The dated Korean access note of an option, or ''."""
    opt = pathway.options.get(option_id)
    access = opt.access_kr if opt else None
    if not access:
        return ""
    words = text(access.get("text"), lang)
    if not words:
        return ""
    head = tr("access", lang, date=access.get("as_of", "?"))
    return (f"<div class='access'><i>{esc(head)}:</i> {esc(words)}"
            f"{cites.cite(tuple(access.get('citations', ())))}</div>")


def option_block(pathway: Pathway, option_id: str, cautions: tuple[str, ...], lang: str,
                 cites: Citations) -> str:
    """One option: name, typical dose, cautions in plain words, Korean access, citations."""
    opt = pathway.options.get(option_id)
    name = esc(option_name(pathway, option_id, lang))
    parts = [f"<div class='option'><b>{name}</b>"
             f"{cites.cite(opt.citations) if opt else ''}"]
    if opt and opt.dose:
        parts.append(f"<div class='dose'>{esc(tr('dose', lang))}: {esc(text(opt.dose, lang))}"
                     "</div>")
    if cautions:
        items = "".join(f"<li>{esc(text(pathway.cautions.get(c), lang) or c)}"
                        f"{cites.cite(pathway.caution_citations.get(c, ()))}</li>"
                        for c in cautions)
        parts.append(f"<div class='caution'><b>⚠ {esc(tr('cautions', lang))}:</b>"
                     f"<ul>{items}</ul></div>")
    parts.append(access_note(pathway, option_id, lang, cites))
    parts.append("</div>")
    return "".join(parts)


def options_html(pathway: Pathway, ev: Evaluation, lang: str, cites: Citations) -> str:
    """The evaluation's options, each with dose, cautions and access note."""
    return "".join(option_block(pathway, o.id, o.cautions, lang, cites) for o in ev.options)


def symptom_html(pathway: Pathway, ev: Evaluation, lang: str, cites: Citations,
                 heading: str = "h3") -> str:
    """Symptom-control options for the functional syndrome ('' when there are none)."""
    if not ev.symptom_control:
        return ""
    blocks = "".join(option_block(pathway, s, (), lang, cites) for s in ev.symptom_control)
    return f"<{heading}>{esc(tr('symptom', lang))}</{heading}>{blocks}"


def warnings_html(pathway: Pathway, codes: list[str], lang: str, heading: str = "h3") -> str:
    """The warnings, in plain words ('' for none)."""
    if not codes:
        return ""
    items = "".join(f"<li>{esc(text(pathway.warnings.get(c), lang) or c)}</li>" for c in codes)
    return f"<{heading}>{esc(tr('warnings', lang))}</{heading}><ul class='warn'>{items}</ul>"


def current_regimen_html(ev: Evaluation, lang: str) -> str:
    if not ev.current_regimen:
        return ""
    return (f"<p><b>{esc(tr('current', lang))}:</b> "
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
    hint = f"<p class='hint'>{esc(tr('missing.hint', lang))}</p>" if links else ""
    return (f"<h3 class='stop'>{esc(tr('missing', lang))}</h3><ul>{''.join(items)}</ul>{hint}")


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
            where = f"<b>{esc(text(pathway.nodes[e.node].label, lang))}</b>: "
        items.append(f"<li>{where}{esc(e.text)}</li>")
    return f"<h3>{esc(tr('why', lang))}</h3><ul>{''.join(items)}</ul>"


def case_field_label(key: str, lang: str) -> str:
    """A case field's label."""
    from ...case.fields import FIELDS_BY_KEY

    spec = FIELDS_BY_KEY.get(key)
    return field_label_text(spec.label, lang) if spec else key
