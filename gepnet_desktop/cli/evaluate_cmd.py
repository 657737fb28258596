"""`evaluate FILE [--json]`: walk one case or a list of cases through the pathway."""

from __future__ import annotations

import argparse
import sys

from ..case import Case, ValidationResult, validate_case
from ..case.observations import observation_lines
from ..case.validation import SURROGATE
from ..i18n import tr
from ..pathway import PathwayError, default_pathway, evaluate, load_pathway
from ..pathway.explain import field_label
from ..pathway.summary import summary_lines
from ..pathway.what_if import what_if
from .errors import CliError
from .io import print_json, read_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluate", help="walk cases through the pathway and print the result",
                       description="Evaluate one case object or a list of them. Any invalid case: "
                                   "exit code 2, every problem on stderr, nothing on stdout.")
    p.add_argument("file", metavar="FILE", help="JSON file with a case or a list of cases; - for "
                                                "standard input")
    p.add_argument("--json", action="store_true", help="print the contract's JSON")
    p.add_argument("--explain", action="store_true",
                   help="with --json, add the pathway id and version and the reasons per decision")
    p.add_argument("--pathway", metavar="FILE", help="use another pathway data file")
    p.set_defaults(func=run)


def validate_all(data: object) -> list[ValidationResult]:
    """Validate every case of a file's content; a CliError lists every problem of every case.

    The results keep each valid case's soft warnings (shown, never blocking)."""
    items = data if isinstance(data, list) else [data]
    results: list[ValidationResult] = []
    problems: list[str] = []
    for i, item in enumerate(items, start=1):
        result = validate_case(item)
        if result.ok and result.case is not None:
            results.append(result)
            continue
        code = item.get("case_code") if isinstance(item, dict) else None
        shown = isinstance(code, str) and not SURROGATE.search(code)
        who = f"case {i}" + (f" ({code})" if shown else "")
        problems.extend(f"{who}: {p}" for p in result.errors)
    if problems:
        raise CliError("\n".join(problems))
    return results


def run(args: argparse.Namespace) -> int:
    try:
        pathway = load_pathway(args.pathway) if args.pathway else default_pathway()
    except PathwayError as exc:
        raise CliError("\n".join(exc.problems)) from None
    data = read_json(args.file)
    checked = validate_all(data)
    cases: list[Case] = [r.case for r in checked if r.case is not None]
    try:
        results = [evaluate(c, pathway, lang=args.lang) for c in cases]
    except PathwayError as exc:  # a data file that does not cover a case: its fault, not the case's
        raise CliError("\n".join(exc.problems)) from None
    if args.json:
        out = [r.to_json(explain=args.explain) for r in results]
        if args.explain:  # the record's soft warnings, beside the contract's keys
            for item, check in zip(out, checked, strict=True):
                item["record_warnings"] = [{"field": w.field, "text": w.text(args.lang)}
                                           for w in check.warnings]
            for item, case, ev in zip(out, cases, results, strict=True):
                item["what_if"] = [w.to_json() for w in what_if(case, pathway, ev)]
        print_json(out if isinstance(data, list) else out[0])
        return 0
    check_word = tr("cli.check_record", args.lang)
    for i, (case, ev, check) in enumerate(zip(cases, results, checked, strict=True), start=1):
        title = f"Case {i}" + (f" ({case.case_code})" if case.case_code else "")
        lines = [f"{check_word}: {field_label(w.field, args.lang)}: {w.text(args.lang)}"
                 for w in check.warnings] + observation_lines(case, args.lang) + \
            summary_lines(ev, pathway, args.lang)
        sys.stdout.write(title + "\n" + "\n".join(f"  {line}" for line in lines) + "\n\n")
    return 0
