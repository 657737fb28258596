"""Checks of the pathway file's rule sections (contract 2): named thresholds and conditions,
how lines are read, record warnings, final rules, common cautions, Korean access rules and the
newer-evidence layer; and the texts that show a threshold."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from ..case.fields import LINE_FIELDS_BY_KEY, REGIMENS
from .condition_check import Scope, check_condition
from .conditions import thresholds_named
from .texts import PATIENT_PLACEHOLDERS, number_text, placeholders

ACCESS_STATUSES = ("reimbursed", "self_paid", "not_approved", "unverified")
THRESHOLD_KEYS = {"value", "unit", "provenance", "citations", "label"}
LINE_KEYS = {"progression_outcomes", "toxicity_outcomes", "progression_implies",
             "kept_after_toxicity", "drugs", "judged_by_condition", "current", "citations"}


def _labels(v: Any) -> bool:
    return isinstance(v, dict) and isinstance(v.get("en"), str) and isinstance(v.get("ko"), str)


def _ref_cycles(named: Mapping[str, Any]) -> list[str]:
    """A named condition that refers back to itself, directly or not, never ends."""
    def refs(c: Any) -> set[str]:
        if isinstance(c, dict):
            own = {c["ref"]} if isinstance(c.get("ref"), str) else set()
            return own | {r for v in c.values() for r in refs(v)}
        return {r for v in c for r in refs(v)} if isinstance(c, list) else set()

    graph = {k: refs(v) & set(named) for k, v in named.items()}
    out = []
    for start in graph:
        seen, todo = set(), list(graph[start])
        while todo:
            cur = todo.pop()
            if cur == start:
                out.append(f"condition {start!r}: refers back to itself")
                break
            if cur not in seen:
                seen.add(cur)
                todo.extend(graph.get(cur, ()))
    return out


def _conditions_of(doc: dict[str, Any]) -> Iterator[Any]:
    """Every condition of the file (for the threshold-use check)."""
    yield from doc["conditions"].values()
    yield from (w.get("when") for w in doc["record_warnings"] if isinstance(w, dict))
    yield from (r.get("when") for r in doc["final_rules"] if isinstance(r, dict))
    yield from (c.get("when") for c in doc["common_cautions"] if isinstance(c, dict))
    yield from doc["lines"].get("current", [])
    yield from (e.get("when") for e in doc["edges"] if isinstance(e, dict))
    for node in doc["nodes"]:
        if isinstance(node, dict):
            yield node
    for opt in doc["options"].values():
        if isinstance(opt, dict):
            yield opt.get("cautions", [])
            yield opt.get("access_rules", [])


def _texts(obj: Any, where: str) -> Iterator[tuple[str, str]]:
    """(place, text) for every en/ko text below obj."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in ("en", "ko") and isinstance(v, str):
                yield where, v
            else:
                yield from _texts(v, where)
    elif isinstance(obj, list):
        for v in obj:
            yield from _texts(v, where)


def check_thresholds(doc: dict[str, Any], prov: Mapping[str, Any],
                     refs: Mapping[str, Any]) -> list[str]:
    """Each threshold is a number with a unit, a mark, citations and a label, and is used."""
    errs = []
    used = set().union(*(thresholds_named(c) for c in _conditions_of(doc)))
    for name, t in doc["thresholds"].items():
        where = f"threshold {name!r}"
        if not isinstance(t, dict) or set(t) != THRESHOLD_KEYS or not isinstance(
                t.get("value"), (int, float)) or isinstance(t.get("value"), bool) or not \
                _labels(t.get("label")) or not isinstance(t.get("citations"), list):
            errs.append(f"{where}: needs value (a number), unit, provenance, citations and a "
                        "label in en and ko")
            continue
        if t["provenance"] not in prov:
            errs.append(f"{where}: provenance {t['provenance']!r} is not one of {', '.join(prov)}")
        errs.extend(f"{where}: citation {c!r} is not in references" for c in t["citations"]
                    if c not in refs)
        if name not in used:
            errs.append(f"{where}: no condition uses it")
    return errs


def check_placeholders(doc: dict[str, Any]) -> list[str]:
    """Every `{name}` in a text names a threshold (or, in an access text, a patient value);
    a node's text never writes out a threshold its own conditions use."""
    errs = []
    known = set(doc["thresholds"])
    places: list[tuple[str, Any, tuple[str, ...]]] = [
        (f"node {n.get('id')!r}", {k: n.get(k) for k in ("label", "question")}, ())
        for n in doc["nodes"] if isinstance(n, dict)]
    places += [(f"edge {e.get('from')}->{e.get('to')}", e.get("label"), ())
               for e in doc["edges"] if isinstance(e, dict)]
    places += [(f"caution {k!r}", c.get("text"), ()) for k, c in doc["cautions"].items()
               if isinstance(c, dict)]
    places += [(f"warning {k!r}", w, ()) for k, w in doc["warnings"].items()]
    places += [(f"option {k!r} access rule", o.get("access_rules"), PATIENT_PLACEHOLDERS)
               for k, o in doc["options"].items() if isinstance(o, dict)]
    for where, obj, extra in places:
        for place, text in _texts(obj, where):
            errs.extend(f"{place}: text names unknown threshold {{{p}}}"
                        for p in placeholders(text) if p not in known and p not in extra)
    values = {k: t["value"] for k, t in doc["thresholds"].items()
              if isinstance(t, dict) and isinstance(t.get("value"), (int, float))}
    for node in doc["nodes"]:
        if not isinstance(node, dict):
            continue
        own = [node, *(e for e in doc["edges"] if isinstance(e, dict)
                       and e.get("from") == node.get("id"))]
        used = set().union(*(thresholds_named(c, doc["conditions"]) for c in own))
        for name in sorted(used & set(values)):
            literal = re.compile(rf"(?<![\d.{{]){re.escape(number_text(values[name]))}(?![\d.])")
            for place, text in _texts({k: node.get(k) for k in ("label", "question")},
                                      f"node {node.get('id')!r}"):
                if literal.search(re.sub(r"\{[a-z0-9_]+\}", "", text)):
                    errs.append(f"{place}: writes {number_text(values[name])} as a literal; "
                                f"write {{{name}}} so that the text follows the threshold")
    return errs


def check_lines(doc: dict[str, Any], scope: Scope) -> list[str]:
    """The `lines` section: outcomes, regimens, drugs, named conditions, current-line rules."""
    raw = doc["lines"]
    if set(raw) - LINE_KEYS or set(LINE_KEYS) - {"citations"} - set(raw):
        return [f"lines: needs exactly {', '.join(sorted(LINE_KEYS - {'citations'}))} "
                "(and optionally citations)"]
    errs = []
    outcomes = LINE_FIELDS_BY_KEY["outcome"].values
    for key in ("progression_outcomes", "toxicity_outcomes"):
        errs.extend(f"lines {key}: {o!r} is not a line outcome" for o in raw[key]
                    if o not in outcomes)
    regimens = [*raw["progression_implies"], *(r for rs in raw["progression_implies"].values()
                                               for r in rs), *raw["kept_after_toxicity"],
                *raw["drugs"], *raw["judged_by_condition"]]
    errs.extend(f"lines: {r!r} is not in the regimen vocabulary" for r in regimens
                if r not in REGIMENS)
    errs.extend(f"lines judged_by_condition {r!r}: names unknown condition {c!r}"
                for r, c in raw["judged_by_condition"].items() if c not in doc["conditions"])
    line_scope = replace(scope, line=True)
    for i, rule in enumerate(raw["current"], start=1):
        errs.extend(check_condition(rule, f"lines current rule {i}", line_scope))
    return errs


def check_rules(doc: dict[str, Any], scope: Scope) -> list[str]:
    """Named conditions, record warnings, final rules and common cautions."""
    errs = []
    for name, cond in doc["conditions"].items():
        errs.extend(check_condition(cond, f"condition {name!r}", scope))
    errs.extend(_ref_cycles(doc["conditions"]))
    for rule in doc["record_warnings"]:
        if not isinstance(rule, dict) or rule.get("code") not in doc["warnings"]:
            errs.append(f"record_warnings: {rule!r} is not in the warnings section")
        else:
            errs.extend(check_condition(rule.get("when"), f"record warning {rule['code']}",
                                        scope))
    for rule in doc["final_rules"]:
        if not isinstance(rule, dict) or rule.get("put_first") not in doc["options"] or \
                rule.get("warning") not in doc["warnings"]:
            errs.append(f"final_rules: {rule!r} needs an option (put_first) and a warning")
        elif "when" in rule:
            errs.extend(check_condition(rule["when"], "final rule", scope))
    common = replace(scope, option_placeholder=True)
    for rule in doc["common_cautions"]:
        if not isinstance(rule, dict) or rule.get("code") not in doc["cautions"]:
            errs.append(f"common_cautions: {rule!r} is not in the cautions section")
        else:
            errs.extend(check_condition(rule.get("when"), f"common caution {rule['code']}",
                                        common))
    return errs


def check_access(doc: dict[str, Any], scope: Scope, refs: Mapping[str, Any]) -> list[str]:
    """Status words, access rules and notes' statuses; newer evidence's conditions."""
    errs = []
    words = doc["access_statuses"]
    if set(words) != set(ACCESS_STATUSES) or not all(_labels(v) for v in words.values()):
        errs.append(f"access_statuses: needs en and ko words for {', '.join(ACCESS_STATUSES)}")
    for oid, opt in doc["options"].items():
        if not isinstance(opt, dict):
            continue
        note = opt.get("access_kr") or {}
        if isinstance(note, dict) and note.get("status", "unverified") not in ACCESS_STATUSES:
            errs.append(f"option {oid!r}: access_kr status {note.get('status')!r} is not one of "
                        f"{', '.join(ACCESS_STATUSES)}")
        for i, rule in enumerate(opt.get("access_rules", []), start=1):
            where = f"option {oid!r} access rule {i}"
            if not isinstance(rule, dict) or rule.get("status") not in ACCESS_STATUSES or \
                    not _labels(rule.get("text")) or not isinstance(rule.get("as_of"), str):
                errs.append(f"{where}: needs a status, a text in en and ko and an as_of date")
                continue
            errs.extend(f"{where}: citation {c!r} is not in references"
                        for c in rule.get("citations", []) if c not in refs)
            if "when" in rule:
                errs.extend(check_condition(rule["when"], where, scope))
    for item in doc.get("newer_evidence", []):
        where = f"newer_evidence {item.get('id')!r}" if isinstance(item, dict) else \
            "newer_evidence"
        if not isinstance(item, dict) or "applies_when" not in item or not _labels(
                item.get("applies_text")):
            errs.append(f"{where}: needs applies_when and an applies_text in en and ko")
            continue
        errs.extend(check_condition(item["applies_when"], where, scope))
    return errs


def check_sections(doc: dict[str, Any], scope: Scope, refs: Mapping[str, Any]) -> list[str]:
    """Every problem of the rule sections (one sentence each, without the file name)."""
    prov = doc["provenance_kinds"]
    return [*check_thresholds(doc, prov, refs), *check_placeholders(doc),
            *check_lines(doc, scope), *check_rules(doc, scope), *check_access(doc, scope, refs)]
