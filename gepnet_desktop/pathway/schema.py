"""Checks a pathway data file before it is used: every failure is one sentence naming the file
and the node, edge or section at fault."""

from __future__ import annotations

from collections import deque
from typing import Any

from ..case.fields import FIELDS_BY_KEY, REGIMENS
from .condition_check import DERIVED_FACTS, Scope, check_condition
from .schema_sections import check_sections

TOP_KEYS = {
    "id": True, "version": True, "schema": True, "title": True, "source": True,
    "reconstruction_notice": True, "authors": True, "changelog": True, "provenance_kinds": True,
    "thresholds": True, "conditions": True, "lines": True, "record_warnings": True,
    "final_rules": True, "common_cautions": True, "access_statuses": True,
    "nodes": True, "edges": True, "options": True,
    "cautions": True, "warnings": True, "symptom_control": True, "references": True,
    "newer_evidence": False,
}
NODE_KEYS = {"id", "kind", "label", "layout", "provenance", "question", "stop_when_missing",
             "warnings", "options", "citations", "filter_excluded", "alternatives"}
EDGE_KEYS = {"from", "to", "label", "when", "provenance", "trigger"}
OPTION_KEYS = {"name", "class", "dose", "citations", "access_kr", "cautions", "provenance",
               "access_rules", "common_cautions"}
CAUTION_KEYS = {"text", "citations", "provenance"}
SECTION_TYPES: dict[str, type] = {
    "nodes": list, "edges": list, "options": dict, "cautions": dict, "warnings": dict,
    "references": dict, "symptom_control": dict, "provenance_kinds": dict,
    "authors": list, "changelog": list, "newer_evidence": list, "thresholds": dict,
    "conditions": dict, "lines": dict, "record_warnings": list, "final_rules": list,
    "common_cautions": list, "access_statuses": dict,
    "title": dict, "source": dict, "reconstruction_notice": dict,
}
KINDS = ("start", "decision", "group", "treatment", "action")
SCHEMA_VERSION = 2

def _cycles(edges: list[Any]) -> list[str]:
    """One sentence per edge that closes a loop: the walk must always move on."""
    out_edges: dict[str, list[str]] = {}
    for edge in edges:
        if isinstance(edge, dict):
            out_edges.setdefault(edge.get("from"), []).append(edge.get("to"))
    state: dict[str, int] = {}  # 1 = on the current route, 2 = done
    found: list[str] = []

    def visit(route: list[str]) -> None:
        node = route[-1]
        state[node] = 1
        for nxt in out_edges.get(node, []):
            if state.get(nxt) == 1:
                loop = " -> ".join([*route[route.index(nxt):], nxt])
                found.append(f"edge {node}->{nxt}: closes a loop ({loop})")
            elif nxt not in state:
                visit([*route, nxt])
        state[node] = 2

    for start in list(out_edges):
        if start not in state:
            visit([start])
    return found


def _labels(v: Any) -> bool:
    return isinstance(v, dict) and isinstance(v.get("en"), str) and isinstance(v.get("ko"), str)


def check_document(doc: Any, name: str) -> list[str]:
    """Every problem with a pathway document, one sentence each, prefixed with the file name."""
    if not isinstance(doc, dict):
        return [f"{name}: the file must hold a JSON object"]
    errs: list[str] = []
    for key in doc:
        if key not in TOP_KEYS:
            errs.append(f"unknown top-level key {key!r}")
    for key, required in TOP_KEYS.items():
        if required and key not in doc:
            errs.append(f"missing top-level key {key!r}")
    if errs:
        return [f"{name}: {e}" for e in errs]
    for key in ("id", "version"):
        if not isinstance(doc[key], str) or not doc[key]:
            errs.append(f"{key} must be a non-empty text")
    for key, kind in SECTION_TYPES.items():
        if key in doc and not isinstance(doc[key], kind):
            errs.append(f"{key} must be a {'list' if kind is list else 'JSON object'}")
    if errs:
        return [f"{name}: {e}" for e in errs]
    if doc["schema"] != SCHEMA_VERSION:
        return [f"{name}: schema {doc['schema']!r} is not supported (this program reads "
                f"schema {SCHEMA_VERSION})"]
    refs = doc["references"] if isinstance(doc["references"], dict) else {}
    prov = doc["provenance_kinds"] if isinstance(doc["provenance_kinds"], dict) else {}
    options = doc["options"] if isinstance(doc["options"], dict) else {}
    cautions = doc["cautions"] if isinstance(doc["cautions"], dict) else {}
    warnings = doc["warnings"] if isinstance(doc["warnings"], dict) else {}
    scope = Scope(thresholds={k: t for k, t in doc["thresholds"].items() if isinstance(t, dict)},
                  named=frozenset(doc["conditions"]))

    def cites(where: str, items: Any) -> None:
        if not isinstance(items, list):
            errs.append(f"{where}: citations must be a list")
            return
        errs.extend(f"{where}: citation {c!r} is not in references" for c in items if c not in refs)

    for section in ("warnings", "provenance_kinds"):
        for code, labels in (doc[section] or {}).items():
            if not _labels(labels):
                errs.append(f"{section} {code!r}: needs texts in en and ko")
    for code, caution in cautions.items():
        where = f"caution {code!r}"
        if not isinstance(caution, dict) or set(caution) - CAUTION_KEYS:
            errs.append(f"{where}: needs only text, citations and provenance")
            continue
        if not _labels(caution.get("text")):
            errs.append(f"{where}: text needs en and ko")
        if caution.get("provenance") not in prov:
            errs.append(f"{where}: provenance {caution.get('provenance')!r} is not one of "
                        f"{', '.join(prov)}")
        cites(where, caution.get("citations"))
    nodes = doc["nodes"] if isinstance(doc["nodes"], list) else []
    ids: list[str] = []
    for i, node in enumerate(nodes):
        nid = node.get("id") if isinstance(node, dict) else None
        where = f"node {nid!r}" if isinstance(nid, str) else f"node #{i + 1}"
        if not isinstance(node, dict) or not isinstance(nid, str) or not nid:
            errs.append(f"{where}: must be an object with a text id")
            continue
        if nid in ids:
            errs.append(f"{where}: duplicate node id")
        ids.append(nid)
        errs.extend(f"{where}: unknown key {k!r}" for k in node if k not in NODE_KEYS)
        if node.get("kind") not in KINDS:
            errs.append(f"{where}: kind {node.get('kind')!r} is not one of {', '.join(KINDS)}")
        if not _labels(node.get("label")):
            errs.append(f"{where}: label needs texts in en and ko")
        if "question" in node and not _labels(node["question"]):
            errs.append(f"{where}: question needs texts in en and ko")
        lay = node.get("layout")
        if not isinstance(lay, dict) or not all(
                isinstance(lay.get(k), (int, float)) for k in ("x", "y")) or set(lay) - {
                "x", "y", "w", "h"}:
            errs.append(f"{where}: layout needs numbers x and y (and optionally w, h)")
        if node.get("provenance") not in prov:
            errs.append(f"{where}: provenance {node.get('provenance')!r} is not one of "
                        f"{', '.join(prov)}")
        for rule in node.get("stop_when_missing", []):
            if isinstance(rule, dict):
                field, report = rule.get("field"), rule.get("report", rule.get("field"))
            else:
                field = report = rule
            for f in dict.fromkeys((field, report)):
                if f not in FIELDS_BY_KEY and f not in DERIVED_FACTS:
                    errs.append(f"{where}: stop_when_missing names unknown case field {f!r}")
        for rule in node.get("warnings", []):
            if not isinstance(rule, dict) or rule.get("code") not in warnings:
                errs.append(f"{where}: warning {rule!r} is not in the warnings section")
            elif "when" in rule:
                errs.extend(check_condition(rule["when"], f"{where} warning {rule['code']}",
                                            scope))
        if node.get("kind") == "treatment":
            opts = node.get("options")
            if not isinstance(opts, list) or not opts:
                errs.append(f"{where}: a treatment node needs a non-empty options list")
                opts = []
            alternatives = node.get("alternatives", [])
            if not isinstance(alternatives, list) or not all(
                    isinstance(a, dict) and set(a) <= {"when", "options"} and isinstance(
                        a.get("options"), list) and a["options"] for a in alternatives):
                errs.append(f"{where}: alternatives must be a list of objects with a non-empty "
                            "options list and an optional condition")
                alternatives = []
            for alt in alternatives:
                if "when" in alt:
                    errs.extend(check_condition(alt["when"], f"{where} alternative", scope))
            for ref in [*opts, *(r for a in alternatives for r in a["options"])]:
                oid = ref.get("id") if isinstance(ref, dict) else None
                if oid not in options:
                    errs.append(f"{where}: option {oid!r} is not in the options section")
                elif "when" in ref:
                    errs.extend(check_condition(ref["when"], f"{where} option {oid}", scope))
        elif "options" in node or "alternatives" in node:
            errs.append(f"{where}: only treatment nodes list options")
        cites(where, node.get("citations", []))

    known = set(ids)
    seen_edges: set[tuple[str, str]] = set()
    edges = doc["edges"] if isinstance(doc["edges"], list) else []
    for edge in edges:
        if not isinstance(edge, dict):
            errs.append("edge: must be an object")
            continue
        src, dst = edge.get("from"), edge.get("to")
        where = f"edge {src}->{dst}"
        errs.extend(f"{where}: unknown key {k!r}" for k in edge if k not in EDGE_KEYS)
        for end in (src, dst):
            if end not in known:
                errs.append(f"{where}: refers to unknown node {end!r}")
        if (src, dst) in seen_edges:
            errs.append(f"{where}: duplicate edge")
        seen_edges.add((src, dst))
        if "label" in edge and not _labels(edge["label"]):
            errs.append(f"{where}: label needs texts in en and ko")
        if edge.get("provenance") not in prov:
            errs.append(f"{where}: provenance {edge.get('provenance')!r} is not one of "
                        f"{', '.join(prov)}")
        if "trigger" in edge and edge["trigger"] != "exhausted":
            errs.append(f"{where}: trigger {edge['trigger']!r} is not 'exhausted'")
        if "when" in edge:
            errs.extend(check_condition(edge["when"], where, scope))

    starts = [n["id"] for n in nodes if isinstance(n, dict) and n.get("kind") == "start"]
    if len(starts) != 1:
        errs.append(f"nodes: there must be exactly one start node, found {len(starts)}")
    else:
        reach, queue = {starts[0]}, deque([starts[0]])
        while queue:
            cur = queue.popleft()
            for edge in edges:
                if not isinstance(edge, dict) or edge.get("from") != cur:
                    continue
                if edge.get("to") not in reach:
                    reach.add(edge["to"])
                    queue.append(edge["to"])
        errs.extend(f"node {nid!r}: unreachable from the start node" for nid in ids
                    if nid not in reach)
    errs.extend(_cycles(edges))
    kinds = {n["id"]: n.get("kind") for n in nodes if isinstance(n, dict) and "id" in n}
    sources = {e.get("from") for e in edges if isinstance(e, dict)}
    for edge in edges:
        if isinstance(edge, dict) and edge.get("trigger") == "exhausted" and \
                kinds.get(edge.get("from")) != "treatment":
            errs.append(f"edge {edge.get('from')}->{edge.get('to')}: only a treatment node "
                        "can have an 'exhausted' edge")
    for node in nodes:
        if isinstance(node, dict) and node.get("id") not in sources and \
                node.get("kind") != "treatment" and not node.get("stop_when_missing"):
            errs.append(f"node {node.get('id')!r}: has no edge out, so it must be a treatment "
                        "node or stop for missing data")

    for oid, opt in options.items():
        where = f"option {oid!r}"
        if oid not in REGIMENS:
            errs.append(f"{where}: not in the regimen vocabulary")
        if not isinstance(opt, dict):
            errs.append(f"{where}: must be an object")
            continue
        errs.extend(f"{where}: unknown key {k!r}" for k in opt if k not in OPTION_KEYS)
        if not _labels(opt.get("name")):
            errs.append(f"{where}: name needs texts in en and ko")
        if opt.get("dose") is not None and not _labels(opt["dose"]):
            errs.append(f"{where}: dose needs texts in en and ko, or null")
        cites(where, opt.get("citations", []))
        note = opt.get("access_kr")
        if note is not None and (not isinstance(note, dict) or not isinstance(
                note.get("as_of"), str) or not _labels(note.get("text"))):
            errs.append(f"{where}: access_kr needs as_of and a text in en and ko, or null")
        elif note:
            cites(where, note.get("citations", []))
        for rule in opt.get("cautions", []):
            if not isinstance(rule, dict) or rule.get("code") not in cautions:
                errs.append(f"{where}: caution {rule!r} is not in the cautions section")
            else:
                errs.extend(check_condition(rule.get("when"), f"{where} caution {rule['code']}",
                                            scope))
        if opt.get("provenance", "inferred") not in prov:
            errs.append(f"{where}: provenance {opt.get('provenance')!r} is not one of "
                        f"{', '.join(prov)}")

    syndromes = FIELDS_BY_KEY["functional_syndrome"].values
    for syn, ids_ in (doc["symptom_control"] or {}).items():
        if syn not in syndromes:
            errs.append(f"symptom_control {syn!r}: not a functional_syndrome value")
        errs.extend(f"symptom_control {syn!r}: option {o!r} is not in the options section"
                    for o in ids_ if o not in options)
    for item in doc.get("newer_evidence", []):
        cites(f"newer_evidence {item.get('id')!r}", item.get("citations", []))
    errs.extend(check_sections(doc, scope, refs))
    return [f"{name}: {e}" for e in errs]
