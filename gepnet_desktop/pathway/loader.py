"""Reads a pathway data file, checks it, and builds the Pathway the walk and the chart use."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..bundled import resource_path
from ..case.fields import VALUE_GROUPS
from .compiler import ConditionError, Predicate, compile_condition, compile_rank, named_order
from .conditions import resolve
from .facts import fact_reader
from .limits import limit_problems
from .model import (
    AccessRule,
    Edge,
    FinalRule,
    LineRules,
    Node,
    Option,
    OptionList,
    OptionRef,
    Pathway,
    Rule,
    StopRule,
)
from .schema import check_document
from .texts import fill_thresholds

DEFAULT_PATHWAY = "kr-gepnet-2021.json"


class PathwayError(Exception):
    """A pathway file that cannot be used; `problems` are sentences naming file and element."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


Compiler = Any  # Callable[[Condition | None], Predicate]


def _refs(items: list[dict[str, Any]], P: Compiler) -> tuple[OptionRef, ...]:
    return tuple(OptionRef(o["id"], o.get("when"), P(o.get("when"))) for o in items)


def _rule(raw: dict[str, Any], P: Compiler) -> Rule:
    return Rule(raw["code"], raw.get("when"), P(raw.get("when")))


def _node(raw: dict[str, Any], P: Compiler) -> Node:
    lay = raw["layout"]
    kind = raw["kind"]
    default_w, default_h = (200, 80) if kind == "treatment" else (190, 64)
    stops = tuple(StopRule(r, r, fact_reader(r)) if isinstance(r, str) else StopRule(
        r["field"], r.get("report", r["field"]), fact_reader(r["field"]))
        for r in raw.get("stop_when_missing", []))
    return Node(
        id=raw["id"], kind=kind, label=raw["label"], x=lay["x"], y=lay["y"],
        w=lay.get("w", default_w), h=lay.get("h", default_h), provenance=raw["provenance"],
        question=raw.get("question"), stop_when_missing=stops,
        warnings=tuple(_rule(w, P) for w in raw.get("warnings", [])),
        options=_refs(raw.get("options", []), P),
        citations=tuple(raw.get("citations", [])),
        filter_excluded=bool(raw.get("filter_excluded", True)),
        alternatives=tuple(OptionList(a.get("when"), _refs(a["options"], P), P(a.get("when")))
                           for a in raw.get("alternatives", [])),
    )


def _option(oid: str, raw: dict[str, Any], common: list[dict[str, Any]], P: Compiler) -> Option:
    shared = [{**c, "when": resolve_option(c.get("when"), oid)} for c in common] \
        if raw.get("common_cautions", True) else []
    return Option(
        oid, raw["name"], raw.get("class", "other"), raw.get("dose"),
        tuple(raw.get("citations", [])), raw.get("access_kr"),
        tuple(_rule(c, P) for c in [*shared, *raw.get("cautions", [])]),
        provenance=raw.get("provenance", "inferred"),
        access_rules=tuple(AccessRule(r["status"], r.get("when"), r["text"], r["as_of"],
                                      tuple(r.get("citations", [])), P(r.get("when")))
                           for r in raw.get("access_rules", [])),
    )


def resolve_option(cond: Any, option_id: str) -> Any:
    """A common caution's condition for one option: `"$option"` becomes its id."""
    if isinstance(cond, dict):
        return {k: resolve_option(v, option_id) for k, v in cond.items()}
    if isinstance(cond, list):
        return [resolve_option(v, option_id) for v in cond]
    return option_id if cond == "$option" else cond


def _line_rules(raw: dict[str, Any], R: Compiler) -> LineRules:
    return LineRules(
        progression_outcomes=tuple(raw["progression_outcomes"]),
        toxicity_outcomes=tuple(raw["toxicity_outcomes"]),
        progression_implies={k: tuple(v) for k, v in raw["progression_implies"].items()},
        kept_after_toxicity=tuple(raw["kept_after_toxicity"]),
        drugs={k: tuple(v) for k, v in raw["drugs"].items()},
        judged_by_condition=dict(raw["judged_by_condition"]),
        current=R(raw["current"]), current_rules=len(raw["current"]),
        progressing_paces=VALUE_GROUPS["progressing_pace"],
    )


def build_pathway(doc: Any, name: str = "<pathway>", path: Path | None = None) -> Pathway:
    """Check a parsed pathway document and build the Pathway; raises PathwayError."""
    problems = check_document(doc, name)
    if problems:
        raise PathwayError(problems)
    try:
        return _build(doc, path)
    except ConditionError as exc:  # refused by the checks first: never a walk that raises
        raise PathwayError([f"{name}: {exc}"]) from None


def _build(doc: Any, path: Path | None) -> Pathway:
    values = {k: t["value"] for k, t in doc["thresholds"].items()}
    doc = fill_thresholds(resolve(doc, values, VALUE_GROUPS), values)
    common = doc["common_cautions"]
    named: dict[str, Predicate] = {}

    def P(cond: Any) -> Predicate:
        return compile_condition(cond, named, conditions=doc["conditions"])

    for name in named_order(doc["conditions"]):  # each after those it refers to
        named[name] = P(doc["conditions"][name])
    pathway = Pathway(
        id=doc["id"], version=doc["version"], title=doc["title"], source=doc["source"],
        notice=doc["reconstruction_notice"], authors=doc["authors"], changelog=doc["changelog"],
        provenance_kinds=doc["provenance_kinds"],
        nodes={n["id"]: _node(n, P) for n in doc["nodes"]},
        edges=[Edge(e["from"], e["to"], e.get("label"), e.get("when"), e["provenance"],
                    e.get("trigger", ""), P(e.get("when"))) for e in doc["edges"]],
        options={oid: _option(oid, o, common, P) for oid, o in doc["options"].items()},
        cautions={code: c["text"] for code, c in doc["cautions"].items()},
        caution_citations={code: tuple(c["citations"]) for code, c in doc["cautions"].items()},
        warnings=doc["warnings"],
        symptom_control=doc["symptom_control"], references=doc["references"],
        newer_evidence=doc.get("newer_evidence", []),
        line_rules=_line_rules(doc["lines"], lambda c: compile_rank(c, named, doc["conditions"])),
        conditions=doc["conditions"],
        named_tests=named,
        thresholds=doc["thresholds"],
        record_warnings=tuple(_rule(w, P) for w in doc["record_warnings"]),
        final_rules=tuple(FinalRule(r.get("when"), r["put_first"], r["warning"], P(r.get("when")))
                          for r in doc["final_rules"]),
        path=path,
        access_statuses=doc["access_statuses"],
    )
    # The rule lists compiled now too: a condition that cannot be compiled stops the load,
    # never a walk.
    _ = pathway.caution_codes, pathway.record_codes, pathway.newer_codes, pathway.judged_tests
    return pathway


def load_pathway(path: str | Path) -> Pathway:
    """Load and check a pathway file; raises PathwayError with one sentence per problem."""
    path = Path(path)
    beyond = limit_problems(path)  # size, depth, counts, finite numbers: before anything else
    if beyond:
        raise PathwayError(beyond)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PathwayError([f"{path}: cannot be read ({exc.strerror or exc})"]) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PathwayError([f"{path}: is not valid JSON ({exc})"]) from None
    return build_pathway(doc, str(path), path)


@lru_cache(maxsize=1)
def default_pathway() -> Pathway:
    """The bundled Korean consensus pathway (loaded once)."""
    return load_pathway(resource_path("pathways", DEFAULT_PATHWAY))
