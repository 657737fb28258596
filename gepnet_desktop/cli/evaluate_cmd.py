"""`evaluate FILE [--json]`: walk one case or a list of cases through the pathway."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile

from ..case import Case, ValidationResult, validate_case
from ..case.observations import observation_lines
from ..case.validation import SURROGATE
from ..i18n import tr
from ..pathway import PathwayError, default_pathway, evaluate, load_pathway
from ..pathway.explain import field_label
from ..pathway.model import Pathway
from ..pathway.summary import summary_lines
from ..pathway.what_if import what_if
from .errors import CliError
from .io import json_items, json_piece


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


def _problems(i: int, item: object, result: ValidationResult) -> list[str]:
    """The lines naming an invalid case's problems: `case N (CODE): field: ...`."""
    code = item.get("case_code") if isinstance(item, dict) else None
    shown = isinstance(code, str) and not SURROGATE.search(code)
    who = f"case {i}" + (f" ({code})" if shown else "")
    return [f"{who}: {p}" for p in result.errors]


def run(args: argparse.Namespace) -> int:
    """Validate and walk the cases one at a time, each result written as it comes to a
    temporary file that reaches standard output only when every case was valid (memory stays
    flat whatever the number of cases)."""
    try:
        pathway = load_pathway(args.pathway) if args.pathway else default_pathway()
    except PathwayError as exc:
        raise CliError("\n".join(exc.problems)) from None
    wordy = args.explain or not args.json  # the sentences and access texts, only when shown
    problems: list[str] = []
    is_list, n = True, 0
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as out:
        for items, item in json_items(args.file):
            n += 1
            check = validate_case(item)
            if not check.ok or check.case is None:
                problems += _problems(n, item, check)
            elif not problems:  # once a case is refused, nothing more is walked
                is_list = bool(items.is_list)
                try:
                    out.write(_result(args, pathway, check, n, is_list, wordy))
                except PathwayError as exc:  # a data file that does not cover a case
                    raise CliError("\n".join(exc.problems)) from None
        if problems:
            raise CliError("\n".join(problems))
        if args.json and is_list:
            out.write("\n]\n" if n else "[]\n")
        out.seek(0)
        shutil.copyfileobj(out, sys.stdout)
    return 0


def _result(args: argparse.Namespace, pathway: Pathway, check: ValidationResult, i: int,
            is_list: bool, wordy: bool) -> str:
    """The text of one valid case's result: a JSON piece, or the readable summary."""
    case: Case = check.case  # type: ignore[assignment]  # checked by the caller
    ev = evaluate(case, pathway, lang=args.lang, explain_steps=wordy, with_access=wordy)
    if args.json:
        item = ev.to_json(explain=args.explain)
        if args.explain:  # the record's soft warnings and what would change, beside the keys
            item["record_warnings"] = [{"field": w.field, "text": w.text(args.lang)}
                                       for w in check.warnings]
            item["what_if"] = [w.to_json() for w in what_if(case, pathway, ev)]
        if not is_list:
            return json.dumps(item, ensure_ascii=False, indent=2) + "\n"
        return json_piece(item, first=i == 1)
    title = f"Case {i}" + (f" ({case.case_code})" if case.case_code else "")
    lines = [f"{tr('cli.check_record', args.lang)}: {field_label(w.field, args.lang)}: "
             f"{w.text(args.lang)}" for w in check.warnings] + \
        observation_lines(case, args.lang) + summary_lines(ev, pathway, args.lang)
    return title + "\n" + "\n".join(f"  {line}" for line in lines) + "\n\n"
