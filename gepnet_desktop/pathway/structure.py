"""The structural check of a pathway data file: resources/pathways/pathway.schema.json, checked
with jsonschema, its errors said as sentences naming the node, edge or section.

The schema file is what an editor shows a clinician; the program validates with a compiled copy
of it, made once: references inlined, annotations dropped, and a condition checked at its first
level only (condition_check.py checks conditions in depth, with better sentences).

A sound file, the usual case, is recognised by `conforms`, a plain walk of the compiled copy
(the few keywords it uses), which takes a few milliseconds; jsonschema (about 90 ms to import,
10-20 ms to validate this file) is asked only when that walk finds a fault, and its errors are
what the sentences say. tests/pathway/test_structure.py holds the two to the same verdict.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..bundled import resource_path

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator, ValidationError

SCHEMA_FILE = "pathway.schema.json"
# Keywords that only describe; the compiled copy leaves them out (errorMessage stays: it is
# the sentence for a failing part, see _message).
ANNOTATIONS = frozenset({"description", "examples", "title", "$comment", "markdownDescription",
                         "default", "$schema", "$id"})
TYPE_WORDS = {"object": "a JSON object", "array": "a list", "string": "a text",
              "number": "a number", "integer": "a whole number", "boolean": "true or false",
              "null": "null"}
# Sections whose items are named by their key ("option 'everolimus'").
KEYED = {"options": "option", "cautions": "caution", "thresholds": "threshold",
         "conditions": "condition", "warnings": "warnings", "provenance_kinds":
         "provenance_kinds", "symptom_control": "symptom_control", "references": "references"}
# Lists whose items are named by their position ("final rule 1"), and list words in a place.
NUMBERED = {"record_warnings": "record warning", "final_rules": "final rule",
            "common_cautions": "common caution", "changelog": "changelog entry",
            "authors": "author", "access_rules": "access rule", "options": "option",
            "alternatives": "alternative", "warnings": "warning", "cautions": "caution",
            "citations": "citation", "current": "current rule", "stop_when_missing":
            "stop_when_missing", "nodes": "node", "edges": "edge"}


def schema_document() -> dict[str, Any]:
    """The schema file, as written."""
    text = resource_path("pathways", SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def compile_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy that validates the same structure faster: every local `$ref` inlined (a reference
    back into a definition being inlined is cut: the true schema), annotations left out, and
    subschemas that check nothing dropped."""
    defs: dict[str, Any] = schema.get("$defs", {})

    def walk(node: Any, inside: frozenset[str]) -> Any:
        if isinstance(node, list):
            return [walk(v, inside) for v in node]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        if "$ref" in node:
            name = node["$ref"].removeprefix("#/$defs/")
            if name not in inside:
                out.update(walk(defs[name], inside | {name}))
        for key, value in node.items():
            if key in ANNOTATIONS or key in ("$ref", "$defs"):
                continue
            if key in ("enum", "const", "required"):  # values, not schemas
                out[key] = value
                continue
            if key in ("properties", "patternProperties"):
                kept = {k: walk(v, inside) for k, v in value.items()}
                if "additionalProperties" not in node:
                    kept = {k: v for k, v in kept.items() if v != {}}
                out[key] = kept
            elif key in ("items", "additionalProperties") and walk(value, inside) == {}:
                continue
            else:
                out[key] = walk(value, inside)
        return out

    compiled: dict[str, Any] = walk(schema, frozenset())
    return compiled


KEYWORDS = frozenset({"type", "required", "properties", "additionalProperties", "items", "enum",
                      "const", "minLength", "minItems", "anyOf", "allOf", "not", "if", "then",
                      "else", "errorMessage"})
_TYPES: dict[str, Any] = {
    "object": lambda v: isinstance(v, dict), "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str), "null": lambda v: v is None,
    "boolean": lambda v: isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (
        isinstance(v, float) and v.is_integer()),
}


def _same(a: Any, b: Any) -> bool:
    """JSON equality, where true is not 1 (as jsonschema's enum and const)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return bool(a == b)


def _holds(key: str, want: Any, schema: dict[str, Any], value: Any) -> bool:
    """Whether one keyword of a compiled schema holds for `value`."""
    if key == "type":
        return any(_TYPES[t](value) for t in ([want] if isinstance(want, str) else want))
    if key in ("enum", "const"):
        return any(_same(value, w) for w in (want if key == "enum" else [want]))
    if isinstance(value, dict):
        if key == "required":
            return all(k in value for k in want)
        if key == "properties":
            return all(conforms(sub, value[k]) for k, sub in want.items() if k in value)
        if key == "additionalProperties":
            known = schema.get("properties", {})
            return all(conforms(want, v) for k, v in value.items() if k not in known)
    if isinstance(value, list):
        if key == "items":
            return all(conforms(want, v) for v in value)
        if key == "minItems":
            return bool(len(value) >= want)
    if key == "minLength":
        return not isinstance(value, str) or bool(len(value) >= want)
    if key == "anyOf":
        return any(conforms(sub, value) for sub in want)
    if key == "allOf":
        return all(conforms(sub, value) for sub in want)
    if key == "not":
        return not conforms(want, value)
    if key == "if":
        branch = schema.get("then" if conforms(want, value) else "else")
        return branch is None or conforms(branch, value)
    return True  # then and else (read with if), errorMessage, or a keyword of another type


def conforms(schema: Any, value: Any) -> bool:
    """Whether `value` fits a compiled schema (compile_schema), by the keywords it uses."""
    if isinstance(schema, bool):
        return schema
    return all(_holds(key, want, schema, value) for key, want in schema.items())


@lru_cache(maxsize=1)
def compiled() -> dict[str, Any]:
    """The compiled copy of the schema file, made once per process."""
    schema = compile_schema(schema_document())
    unknown = _keywords(schema) - KEYWORDS
    if unknown:  # a keyword `conforms` does not read: say so rather than pass a broken file
        raise ValueError(f"keywords {', '.join(sorted(unknown))} are not supported")
    return schema


def _keywords(schema: Any) -> set[str]:
    """Every keyword used in a compiled schema."""
    if not isinstance(schema, dict):
        return set()
    found = set(schema)
    for key, sub in schema.items():
        if key in ("properties", "patternProperties"):
            found |= {k for s in sub.values() for k in _keywords(s)}
        elif key in ("anyOf", "allOf"):
            found |= {k for s in sub for k in _keywords(s)}
        elif key in ("items", "additionalProperties", "not", "if", "then", "else"):
            found |= _keywords(sub)
    return found


@lru_cache(maxsize=1)
def validator() -> Draft202012Validator:
    """The structural validator, compiled once per process."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(compiled())


def _item_name(doc: dict[str, Any], section: str, index: int) -> str:
    """How a list item is named: nodes by id, edges by their ends, others by position."""
    items = doc[section]
    item = items[index] if index < len(items) else None
    if section == "nodes" and isinstance(item, dict) and isinstance(item.get("id"), str):
        return f"node {item['id']!r}"
    if section == "edges" and isinstance(item, dict):
        return f"edge {item.get('from')}->{item.get('to')}"
    if section == "newer_evidence" and isinstance(item, dict) and "id" in item:
        return f"newer_evidence {item['id']!r}"
    if section in ("nodes", "edges"):
        return f"{NUMBERED[section]} #{index + 1}"
    return f"{NUMBERED.get(section, section)} {index + 1}"


def place(doc: Any, path: Sequence[str | int]) -> tuple[str, str]:
    """(element, the part inside it) for a place in the document: ("node 'grade'", "layout"),
    ("option 'prrt_lu177' access rule 1", "status"); ("nodes", "") for a top-level section."""
    if not path:
        return "", ""
    head, rest = path[0], list(path[1:])
    element = ""
    if isinstance(head, str) and rest and isinstance(rest[0], int) and \
            isinstance(doc.get(head), list):
        element, rest = _item_name(doc, head, rest[0]), rest[1:]
    elif isinstance(head, str) and head in KEYED and rest:
        element, rest = f"{KEYED[head]} {rest[0]!r}", rest[1:]
        if head == "options" and len(rest) >= 2 and rest[0] == "access_rules":
            element, rest = f"{element} access rule {int(rest[1]) + 1}", rest[2:]
    else:
        element = str(head)
    words: list[str] = []
    for i, part in enumerate(rest):
        if isinstance(part, int):
            continue
        nxt = rest[i + 1] if i + 1 < len(rest) else None
        words.append(f"{NUMBERED.get(part, part)} {nxt + 1}" if isinstance(nxt, int) else part)
    return element, " ".join(words)


def _schema_chain(error: ValidationError) -> list[tuple[dict[str, Any], int]]:
    """The subschemas from the root to the failing keyword, each with how many steps of the
    document's path lie above it."""
    node: Any = validator().schema
    depth, chain = 0, [(node, 0)]
    parts = list(error.absolute_schema_path)[:-1]
    i = 0
    while i < len(parts) and isinstance(node, dict):
        key = parts[i]
        if key in ("properties", "patternProperties", "prefixItems"):
            node, depth, i = node[key][parts[i + 1]], depth + 1, i + 2
        elif key in ("items", "additionalProperties", "contains"):
            node, depth, i = node[key], depth + 1, i + 1
        elif key in ("allOf", "anyOf", "oneOf"):
            node, i = node[key][parts[i + 1]], i + 2
        elif key in ("not", "if", "then", "else"):
            node, i = node[key], i + 1
        else:  # a keyword this walk does not know: keep what was found
            break
        chain.append((node, depth))
    return chain


def _join(element: str, inner: str, text: str) -> str:
    """"node 'grade': layout needs ...", "nodes must be a list", "node 'x': unknown key 'y'"."""
    if inner:
        return f"{element}: {inner} {text}" if element else f"{inner} {text}"
    if not element:
        return text
    return f"{element} {text}" if text.startswith("must ") else f"{element}: {text}"


def _message(doc: Any, error: ValidationError) -> Iterator[str]:
    """The sentences for one jsonschema error (without the file name)."""
    path = list(error.absolute_path)
    said = [(s, d) for s, d in _schema_chain(error) if "errorMessage" in s]
    if said:  # the schema's own sentence for the part that failed
        owner, depth = said[-1]
        element, inner = place(doc, path[:depth])
        yield _join(element, inner, owner["errorMessage"])
        return
    element, inner = place(doc, path)
    # jsonschema types these as "or unset"; an error from iter_errors always has them.
    value: Any = error.validator_value
    failing: Any = error.schema
    kind, instance = error.validator, error.instance
    if kind == "additionalProperties" and isinstance(instance, dict):
        known = failing.get("properties", {})
        for key in (k for k in instance if k not in known):
            if not path:
                yield f"unknown top-level key {key!r}"
            else:
                yield _join(element, "", f"{inner} has unknown key {key!r}" if inner else
                            f"unknown key {key!r}")
    elif kind == "required" and isinstance(instance, dict):
        for key in (k for k in value if k not in instance):
            yield f"missing top-level key {key!r}" if not path else \
                _join(element, inner, f"needs {key}")
    elif kind == "type":
        wanted = [value] if isinstance(value, str) else list(value)
        words = " or ".join(TYPE_WORDS.get(t, t) for t in wanted)
        yield "the file must hold a JSON object" if not path else \
            _join(element, inner, f"must be {words}")
    elif kind in ("enum", "const"):
        name = inner or element
        parent = element if inner else ""
        if kind == "const":
            text = f"{instance!r} is not supported (this program reads {name} {value!r})"
        elif len(value) == 1:
            text = f"{instance!r} is not {value[0]!r}"
        else:
            text = f"{instance!r} is not one of {', '.join(map(str, value))}"
        yield _join(parent, name, text)
    elif kind == "minLength":
        yield _join(element, inner, "must be a non-empty text")
    elif kind == "minItems":
        yield _join(element, inner, "must be a non-empty list")
    else:
        yield _join(element, inner, f"does not fit the pathway format ({error.message})")


def check_structure(doc: Any) -> list[str]:
    """Every structural problem of a pathway document, one sentence each (no file name), in
    the order of the document; [] when the structure is sound."""
    try:
        if conforms(compiled(), doc):
            return []
        v = validator()
    except (OSError, ValueError) as exc:  # the program's own file: a damaged installation
        where = resource_path("pathways", SCHEMA_FILE)
        return [f"cannot be checked: the program's {where} cannot be read ({exc}); reinstall "
                "the program"]
    errors = sorted(v.iter_errors(doc),
                    key=lambda e: [(isinstance(p, str), p) for p in e.absolute_path])
    return list(dict.fromkeys(s for e in errors for s in _message(doc, e)))
