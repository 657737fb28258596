"""What would change the recommendation, as readable lines (issue 12, item 5).

One line per field of `what_if`'s list: for an unknown field, the box each of its values leads
to, values that lead to the same box grouped ("SSTR imaging: if Positive → Somatostatin
analogue first line; if Negative → …"); for a known number near a threshold, the crossing
("Ki-67 9%: at 10% or more → Active first line (pNET)"). A field none of whose values changes
the result (the same box, or the same stop) gives no line. Labels only, never codes: fields and
values from case/fields.py, boxes from the pathway file; the words are the `whatif.*` messages.
"""

from __future__ import annotations

from typing import Any

from ..case.fields import FIELDS_BY_KEY, value_label
from ..case.model import Case
from ..i18n import tr
from .explain import field_label
from .model import Pathway, text
from .walk import Evaluation
from .what_if import WhatIf, what_if

ARROW = " → "


def result_words(item: WhatIf, pathway: Pathway, lang: str) -> str:
    """The box the trial walk ends in, or that it would still stop for a missing field."""
    if item.recommendation_node and item.recommendation_node in pathway.nodes:
        return text(pathway.nodes[item.recommendation_node].label, lang)
    missing = field_label(item.missing, lang) if item.missing else ""
    return tr("whatif.still_stops", lang, field=missing)


def _numeric(key: str) -> bool:
    spec = FIELDS_BY_KEY.get(key)
    return spec is not None and spec.kind in ("int", "number")


def _unknown_clauses(items: list[WhatIf], pathway: Pathway, lang: str) -> list[str]:
    """'if A or B → box' per result, in the order the values come; a number's values are
    the first of each range (what_if keeps a value where the result changes), said as ranges."""
    if _numeric(items[0].field):
        ordered = sorted(items, key=lambda w: float(w.value))
        clauses = []
        for i, item in enumerate(ordered):
            nxt = ordered[1] if len(ordered) > 1 else None
            if i == 0 and nxt is not None and nxt.starts_above is not None:
                cond = tr("whatif.at_most", lang,
                          value=value_label(item.field, nxt.starts_above, lang))
            elif i == 0 and nxt is not None:
                cond = tr("whatif.below", lang, value=value_label(item.field, nxt.value, lang))
            elif item.starts_above is not None:
                cond = tr("whatif.above", lang,
                          value=value_label(item.field, item.starts_above, lang))
            else:
                cond = tr("whatif.at_least", lang, value=value_label(item.field, item.value,
                                                                     lang))
            clauses.append(f"{cond}{ARROW}{result_words(item, pathway, lang)}")
        return clauses
    groups: dict[tuple[str | None, str | None], list[WhatIf]] = {}
    for item in items:
        groups.setdefault((item.recommendation_node, item.missing), []).append(item)
    return [tr("whatif.if", lang, value=tr("join.or", lang).join(
                value_label(w.field, w.value, lang) for w in group))
            + ARROW + result_words(group[0], pathway, lang)
            for group in groups.values()]


def _crossing(item: WhatIf, current: Any, pathway: Pathway, lang: str) -> str:
    """'at 10% or more → box': the side of the threshold the tried value lies on."""
    limit = (pathway.thresholds.get(item.threshold or "") or {}).get("value", item.value)
    if item.value > current:
        key = "whatif.at_least" if item.value == limit else "whatif.above"
    else:
        key = "whatif.below" if item.value < limit else "whatif.at_most"
    cond = tr(key, lang, value=value_label(item.field, limit, lang))
    return f"{cond}{ARROW}{result_words(item, pathway, lang)}"


def _result(node: str | None, missing: str | None) -> tuple[str | None, str | None]:
    return (node, None) if node else (None, missing)


def what_if_lines(items: list[WhatIf], case: Case, ev: Evaluation, pathway: Pathway,
                  lang: str = "en") -> list[str]:
    """`what_if(case, pathway, ev)` as lines, one per field that can change the result
    ([] when none can)."""
    now = _result(ev.recommendation_node, ev.missing[0] if ev.missing else None)
    out: list[str] = []
    unknown: dict[str, list[WhatIf]] = {}
    for item in items:
        if item.kind == "unknown":
            unknown.setdefault(item.field, []).append(item)
    for key, group in unknown.items():
        if all(_result(w.recommendation_node, w.missing) == now for w in group):
            continue
        out.append(f"{field_label(key, lang)}: " + "; ".join(
            _unknown_clauses(group, pathway, lang)))
    near: dict[str, list[WhatIf]] = {}
    for item in items:
        if item.kind == "near_threshold":
            near.setdefault(item.field, []).append(item)
    for key, group in near.items():
        current = case.get(key)
        head = f"{field_label(key, lang)} {value_label(key, current, lang)}"
        out.append(f"{head}: " + "; ".join(_crossing(w, current, pathway, lang)
                                           for w in group))
    return out


def case_what_if_lines(case: Case, ev: Evaluation, pathway: Pathway,
                       lang: str = "en") -> list[str]:
    """What would change `ev` (the walk of `case`), computed and said: for the report."""
    return what_if_lines(what_if(case, pathway, ev), case, ev, pathway, lang)


__all__ = ["case_what_if_lines", "result_words", "what_if_lines"]
