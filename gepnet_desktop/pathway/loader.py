"""Reads a pathway data file, checks it, and builds the Pathway the walk and the chart use."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..bundled import resource_path
from .limits import limit_problems
from .model import Edge, Node, Option, OptionRef, Pathway, Rule, StopRule
from .schema import check_document

DEFAULT_PATHWAY = "kr-gepnet-2021.json"


class PathwayError(Exception):
    """A pathway file that cannot be used; `problems` are sentences naming file and element."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _node(raw: dict[str, Any]) -> Node:
    lay = raw["layout"]
    kind = raw["kind"]
    default_w, default_h = (200, 80) if kind == "treatment" else (190, 64)
    stops = tuple(StopRule(r, r) if isinstance(r, str) else StopRule(r["field"], r.get(
        "report", r["field"])) for r in raw.get("stop_when_missing", []))
    return Node(
        id=raw["id"], kind=kind, label=raw["label"], x=lay["x"], y=lay["y"],
        w=lay.get("w", default_w), h=lay.get("h", default_h), provenance=raw["provenance"],
        question=raw.get("question"), stop_when_missing=stops,
        warnings=tuple(Rule(w["code"], w.get("when")) for w in raw.get("warnings", [])),
        options=tuple(OptionRef(o["id"], o.get("when")) for o in raw.get("options", [])),
        citations=tuple(raw.get("citations", [])),
        filter_failed=bool(raw.get("filter_failed", True)),
    )


def build_pathway(doc: Any, name: str = "<pathway>", path: Path | None = None) -> Pathway:
    """Check a parsed pathway document and build the Pathway; raises PathwayError."""
    problems = check_document(doc, name)
    if problems:
        raise PathwayError(problems)
    fail = doc["failure"]
    return Pathway(
        id=doc["id"], version=doc["version"], title=doc["title"], source=doc["source"],
        notice=doc["reconstruction_notice"], authors=doc["authors"], changelog=doc["changelog"],
        provenance_kinds=doc["provenance_kinds"],
        nodes={n["id"]: _node(n) for n in doc["nodes"]},
        edges=[Edge(e["from"], e["to"], e.get("label"), e.get("when"), e["provenance"],
                    e.get("trigger", "")) for e in doc["edges"]],
        options={oid: Option(oid, o["name"], o.get("class", "other"), o.get("dose"),
                             tuple(o.get("citations", [])), o.get("access_kr"),
                             tuple(Rule(c["code"], c.get("when")) for c in o.get("cautions", [])))
                 for oid, o in doc["options"].items()},
        cautions={code: c["text"] for code, c in doc["cautions"].items()},
        caution_citations={code: tuple(c["citations"]) for code, c in doc["cautions"].items()},
        warnings=doc["warnings"],
        symptom_control=doc["symptom_control"], references=doc["references"],
        newer_evidence=doc.get("newer_evidence", []),
        failure_outcomes=tuple(fail.get("outcomes", ())),
        not_anti_tumour=tuple(fail.get("not_anti_tumour", ())),
        failure_implies=dict(fail.get("implies", {})),
        progression_paces=tuple(doc["progression_paces"]),
        path=path,
        access_statuses=doc.get("access_statuses", {}),
    )


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
