"""Checks a pathway data file before it is used: every failure is one sentence naming the file
and the node, edge or section at fault.

The structure (keys, types, required parts) is the JSON Schema's, resources/pathways/
pathway.schema.json (structure.py); what the structure means is checked here, once the structure
is sound: ids, ends of edges, reachability, loops, dead ends, conditions against the case fields,
provenance marks, citations, and the rule sections (schema_sections.py).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from typing import Any

from ..case.fields import FIELDS_BY_KEY, REGIMENS
from .condition_check import DERIVED_FACTS, Scope, check_condition
from .schema_sections import check_sections
from .structure import check_structure

Doc = dict[str, Any]


def _cycles(edges: list[dict[str, Any]]) -> list[str]:
    """One sentence per edge that closes a loop: the walk must always move on."""
    out_edges: dict[str, list[str]] = {}
    for edge in edges:
        out_edges.setdefault(edge["from"], []).append(edge["to"])
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


class _Checker:
    """The meaning checks of one structurally sound document; `errs` collects sentences."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.refs: Mapping[str, Any] = doc["references"]
        self.prov: Mapping[str, Any] = doc["provenance_kinds"]
        self.scope = Scope(thresholds=doc["thresholds"], named=doc["conditions"])
        self.errs: list[str] = []

    def cites(self, where: str, items: list[str]) -> None:
        self.errs.extend(f"{where}: citation {c!r} is not in references" for c in items
                         if c not in self.refs)

    def provenance(self, where: str, mark: Any) -> None:
        if mark not in self.prov:
            self.errs.append(f"{where}: provenance {mark!r} is not one of {', '.join(self.prov)}")

    def condition(self, cond: Any, where: str) -> None:
        self.errs.extend(check_condition(cond, where, self.scope))

    def cautions(self) -> None:
        for code, caution in self.doc["cautions"].items():
            where = f"caution {code!r}"
            self.provenance(where, caution["provenance"])
            self.cites(where, caution["citations"])

    def stops(self, where: str, rules: list[Any]) -> None:
        for rule in rules:
            field, report = (rule["field"], rule.get("report", rule["field"])) \
                if isinstance(rule, dict) else (rule, rule)
            for f in dict.fromkeys((field, report)):
                if f not in FIELDS_BY_KEY and f not in DERIVED_FACTS:
                    self.errs.append(f"{where}: stop_when_missing names unknown case field {f!r}")

    def treatment(self, where: str, node: dict[str, Any]) -> None:
        options = self.doc["options"]
        alternatives = node.get("alternatives", [])
        for alt in alternatives:
            if "when" in alt:
                self.condition(alt["when"], f"{where} alternative")
        for ref in [*node["options"], *(r for a in alternatives for r in a["options"])]:
            if ref["id"] not in options:
                self.errs.append(f"{where}: option {ref['id']!r} is not in the options section")
            elif "when" in ref:
                self.condition(ref["when"], f"{where} option {ref['id']}")

    def nodes(self) -> list[str]:
        """The node checks; returns the node ids in file order."""
        ids: list[str] = []
        for node in self.doc["nodes"]:
            nid = node["id"]
            where = f"node {nid!r}"
            if nid in ids:
                self.errs.append(f"{where}: duplicate node id")
            ids.append(nid)
            self.provenance(where, node["provenance"])
            self.stops(where, node.get("stop_when_missing", []))
            for rule in node.get("warnings", []):
                if rule["code"] not in self.doc["warnings"]:
                    self.errs.append(f"{where}: warning {rule!r} is not in the warnings section")
                elif "when" in rule:
                    self.condition(rule["when"], f"{where} warning {rule['code']}")
            if node["kind"] == "treatment":
                self.treatment(where, node)
            self.cites(where, node.get("citations", []))
        return ids

    def edges(self, known: set[str]) -> None:
        seen: set[tuple[str, str]] = set()
        for edge in self.doc["edges"]:
            src, dst = edge["from"], edge["to"]
            where = f"edge {src}->{dst}"
            for end in (src, dst):
                if end not in known:
                    self.errs.append(f"{where}: refers to unknown node {end!r}")
            if (src, dst) in seen:
                self.errs.append(f"{where}: duplicate edge")
            seen.add((src, dst))
            self.provenance(where, edge["provenance"])
            if "when" in edge:
                self.condition(edge["when"], where)

    def graph(self, ids: list[str]) -> None:
        """One start, every node reached from it, no loop, no dead end."""
        nodes, edges = self.doc["nodes"], self.doc["edges"]
        starts = [n["id"] for n in nodes if n["kind"] == "start"]
        if len(starts) != 1:
            self.errs.append(f"nodes: there must be exactly one start node, found {len(starts)}")
        else:
            reach, queue = {starts[0]}, deque([starts[0]])
            while queue:
                cur = queue.popleft()
                for edge in edges:
                    if edge["from"] == cur and edge["to"] not in reach:
                        reach.add(edge["to"])
                        queue.append(edge["to"])
            self.errs.extend(f"node {nid!r}: unreachable from the start node" for nid in ids
                             if nid not in reach)
        self.errs.extend(_cycles(edges))
        kinds = {n["id"]: n["kind"] for n in nodes}
        for edge in edges:
            if edge.get("trigger") == "exhausted" and kinds.get(edge["from"]) != "treatment":
                self.errs.append(f"edge {edge['from']}->{edge['to']}: only a treatment node "
                                 "can have an 'exhausted' edge")
        sources = {e["from"] for e in edges}
        for node in nodes:
            if node["id"] not in sources and node["kind"] != "treatment" and \
                    not node.get("stop_when_missing"):
                self.errs.append(f"node {node['id']!r}: has no edge out, so it must be a "
                                 "treatment node or stop for missing data")

    def options(self) -> None:
        for oid, opt in self.doc["options"].items():
            where = f"option {oid!r}"
            if oid not in REGIMENS:
                self.errs.append(f"{where}: not in the regimen vocabulary")
            self.cites(where, opt.get("citations", []))
            if opt.get("access_kr"):
                self.cites(where, opt["access_kr"].get("citations", []))
            for rule in opt.get("cautions", []):
                if rule["code"] not in self.doc["cautions"]:
                    self.errs.append(f"{where}: caution {rule!r} is not in the cautions section")
                else:
                    self.condition(rule["when"], f"{where} caution {rule['code']}")
            self.provenance(where, opt.get("provenance", "inferred"))

    def symptom_control(self) -> None:
        syndromes = FIELDS_BY_KEY["functional_syndrome"].values
        for syn, ids in self.doc["symptom_control"].items():
            if syn not in syndromes:
                self.errs.append(f"symptom_control {syn!r}: not a functional_syndrome value")
            self.errs.extend(f"symptom_control {syn!r}: option {o!r} is not in the options "
                             "section" for o in ids if o not in self.doc["options"])
        for item in self.doc.get("newer_evidence", []):
            self.cites(f"newer_evidence {item['id']!r}", item.get("citations", []))


def check_meaning(doc: Doc) -> list[str]:
    """Every problem of meaning in a structurally sound document (no file name)."""
    checker = _Checker(doc)
    checker.cautions()
    ids = checker.nodes()
    checker.edges(set(ids))
    checker.graph(ids)
    checker.options()
    checker.symptom_control()
    return [*checker.errs, *check_sections(doc, checker.scope, checker.refs)]


def check_document(doc: Any, name: str) -> list[str]:
    """Every problem with a pathway document, one sentence each, prefixed with the file name:
    the structural ones if there are any, else those of meaning."""
    errs = check_structure(doc) or check_meaning(doc)
    return [f"{name}: {e}" for e in errs]
