"""`board record|list`: the tumour board's decisions about a case, from the command line
(`board agenda`: agenda_cmd.py).

Bad input (an unknown case code, an invalid field): a sentence naming the field, exit code 2,
nothing written."""

from __future__ import annotations

import argparse
import sys

from ..case import Case
from ..case.decision import BoardDecision, decision_label, reason_label
from ..i18n import tr
from ..pathway import default_pathway, text
from ..store import Store, StoreError
from ..store.decisions import DecisionInvalid, list_decisions
from . import agenda_cmd
from .errors import CliError
from .io import print_json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    board = sub.add_parser("board", help="record and list tumour-board decisions",
                           description="Tumour-board decisions about a case, each with the "
                                       "pathway's recommendation at that moment.")
    bsub = board.add_subparsers(dest="board_command", metavar="ACTION", required=True)
    rec = bsub.add_parser("record", help="record a board decision about a case")
    rec.add_argument("code", metavar="CODE", help="the case code")
    rec.add_argument("--date", required=True, help="the board's date, YYYY-MM-DD")
    rec.add_argument("--decision", required=True, metavar="ID",
                     help="an option id (e.g. everolimus), or watchful_waiting, surgery, "
                          "liver_directed_therapy, other")
    rec.add_argument("--reason", metavar="R",
                     help="why the decision departs from the recommendation: "
                          "patient_preference, frailty_or_comorbidity, access_or_reimbursement, "
                          "trial_enrolment, clinical_judgement, other")
    rec.add_argument("--reason-text", metavar="T", help="the reason in words")
    rec.add_argument("--attendees", metavar="T", help="who attended")
    rec.add_argument("--note", metavar="T", help="notes")
    rec.set_defaults(func=run_record)
    lst = bsub.add_parser("list", help="list the board decisions about a case")
    lst.add_argument("code", metavar="CODE")
    lst.add_argument("--json", action="store_true", help="print JSON objects")
    lst.set_defaults(func=run_list)
    agenda_cmd.register(bsub)


def _open(lang: str) -> Store:
    from .open_db import open_database

    try:
        return open_database(lang)
    except StoreError as exc:
        raise CliError(str(exc), 2) from None


def _case(store: Store, code: str) -> Case:
    case = store.get_by_code(code)
    if case is None:
        raise CliError(f"CODE: no case with the code {code!r} in {store.path} (or it is "
                       "deleted); `cases list` shows the codes.", 2)
    return case


def _node_text(d: BoardDecision, lang: str) -> str:
    node = d.snapshot.recommendation_node
    pathway = default_pathway()
    name = text(pathway.nodes[node].label, lang) if node in pathway.nodes else (
        node or tr("cli.board.needs_data", lang))
    return f"{name}; " + tr("cli.board.pathway", lang, id=d.snapshot.pathway_id,
                            version=d.snapshot.pathway_version)


def describe(d: BoardDecision, code: str, lang: str, head_key: str = "cli.board.recorded") -> str:
    """One decision as a sentence (`head_key`: cli.board.recorded or cli.board.listed)."""
    head = tr(head_key, lang, code=code, date=d.date, decision=decision_label(d.decision, lang))
    if d.concordant:
        return f"{head}, {tr('cli.board.concordant', lang, node=_node_text(d, lang))}"
    reason = reason_label(d.reason, lang) + (f" ({d.reason_text})" if d.reason_text else "")
    return f"{head}, {tr('cli.board.departs', lang, node=_node_text(d, lang), reason=reason)}"


def run_record(args: argparse.Namespace) -> int:
    from ..board import record_board_decision

    fields = {"date": args.date, "decision": args.decision, "reason": args.reason,
              "reason_text": args.reason_text, "attendees": args.attendees, "notes": args.note}
    with _open(args.lang) as store:
        case = _case(store, args.code)
        try:
            stored = record_board_decision(store, case, fields)
        except DecisionInvalid as exc:
            raise CliError("\n".join(f"board record {args.code}: {p.text(args.lang)}"
                                     for p in exc.problems), 2) from None
        except StoreError as exc:
            raise CliError(str(exc), 2) from None
    sys.stdout.write(describe(stored, args.code, args.lang) + "\n")
    return 0


def run_list(args: argparse.Namespace) -> int:
    with _open(args.lang) as store:
        case = _case(store, args.code)
        decisions = list_decisions(store, case.uuid or "")
    if args.json:
        print_json([d.to_dict() for d in decisions])
        return 0
    if not decisions:
        sys.stdout.write(tr("cli.board.none", args.lang, code=args.code) + "\n")
    for d in decisions:
        sys.stdout.write(describe(d, args.code, args.lang, "cli.board.listed") + "\n")
    return 0
