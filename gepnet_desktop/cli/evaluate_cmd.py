"""`evaluate FILE [--json]`: walk one case or a list of cases through the pathway."""

from __future__ import annotations

import argparse
import sys

from ..case import Case, validate_case
from ..pathway import PathwayError, default_pathway, evaluate, load_pathway
from ..pathway.summary import summary_lines
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


def validate_all(data: object) -> list[Case]:
    """Validate every case of a file's content; a CliError lists every problem of every case."""
    items = data if isinstance(data, list) else [data]
    cases: list[Case] = []
    problems: list[str] = []
    for i, item in enumerate(items, start=1):
        result = validate_case(item)
        if result.ok and result.case is not None:
            cases.append(result.case)
            continue
        code = item.get("case_code") if isinstance(item, dict) else None
        who = f"case {i}" + (f" ({code})" if isinstance(code, str) else "")
        problems.extend(f"{who}: {p}" for p in result.errors)
    if problems:
        raise CliError("\n".join(problems))
    return cases


def run(args: argparse.Namespace) -> int:
    try:
        pathway = load_pathway(args.pathway) if args.pathway else default_pathway()
    except PathwayError as exc:
        raise CliError("\n".join(exc.problems)) from None
    data = read_json(args.file)
    cases = validate_all(data)
    try:
        results = [evaluate(c, pathway, lang=args.lang) for c in cases]
    except PathwayError as exc:  # a data file that does not cover a case: its fault, not the case's
        raise CliError("\n".join(exc.problems)) from None
    if args.json:
        out = [r.to_json(explain=args.explain) for r in results]
        print_json(out if isinstance(data, list) else out[0])
        return 0
    for i, (case, ev) in enumerate(zip(cases, results, strict=True), start=1):
        title = f"Case {i}" + (f" ({case.case_code})" if case.case_code else "")
        sys.stdout.write(title + "\n" + "\n".join(f"  {line}" for line in
                                                   summary_lines(ev, pathway, args.lang)) + "\n\n")
    return 0
