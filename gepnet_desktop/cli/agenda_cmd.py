"""`board agenda --date D --out FILE.pdf (--due | --cases C1,C2,...)`: the tumour board's
agenda, one PDF (a cover page listing the cases, then each case's report).

Bad input (a date that is not a date, an unknown case code, a file name not ending in .pdf, a
missing folder, an existing file without --force): a sentence naming the option, exit 2,
nothing written."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from ..i18n import tr
from ..pathway import default_pathway, evaluate
from ..store import Store
from ..store.cohort import DueCase, due_for_review
from ..store.decisions import latest_decision_date
from .errors import CliError


def register(bsub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `agenda` to the `board` command's actions."""
    p = bsub.add_parser("agenda", help="write the board's agenda: a cover page, then each "
                                       "case's report, as one PDF",
                        description="The tumour board's agenda as one PDF: a cover page "
                                    "listing the cases, then each case's report.")
    p.add_argument("--date", required=True, help="the board's date, YYYY-MM-DD")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF file to write")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--due", action="store_true",
                       help="every case due for review (progression after its last board "
                            "decision, or progressing with none yet)")
    which.add_argument("--cases", metavar="C1,C2,...", help="these case codes, in this order")
    p.add_argument("--force", action="store_true",
                   help="replace the --out file when it exists (never the database or a "
                        "backup)")
    p.set_defaults(func=run_agenda)


def _date(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise CliError(f"--date {value}: not a date; give the board's date as YYYY-MM-DD",
                       2) from None


def _codes(value: str) -> list[str]:
    codes = [c.strip() for c in value.split(",") if c.strip()]
    if not codes:
        raise CliError("--cases: give one or more case codes separated by commas", 2)
    return codes


def _due_reason(due: DueCase, lang: str) -> str:
    if due.why == "progression_after_decision":
        return tr("report.due_progression_after_decision", lang,
                  progression=due.last_progression or "?", decision=due.last_decision or "?")
    return tr("report.due_progressing_no_decision", lang)


def _entries(store: Store, args: argparse.Namespace) -> list:
    from ..ui.report.agenda import AgendaEntry
    from ..ui.report.report_pages import ReportItem

    pathway = default_pathway()
    if args.due:
        picked = [(store.get(d.uuid), _due_reason(d, args.lang)) for d in due_for_review(store)]
        if not picked:
            raise CliError(f"--due: no case is due for review in {store.path}; nothing "
                           "written (name the cases with --cases)", 1)
    else:
        picked = []
        for code in _codes(args.cases):
            case = store.get_by_code(code)
            if case is None:
                raise CliError(f"--cases: no case with the code {code!r} in {store.path} (or "
                               "it is deleted); `cases list` shows the codes", 2)
            picked.append((case, tr("report.agenda_chosen", args.lang)))
    return [AgendaEntry(ReportItem(case, evaluate(case, pathway, lang=args.lang),
                                   latest_decision_date(store, case.uuid)), reason)
            for case, reason in picked if case is not None]


def run_agenda(args: argparse.Namespace) -> int:
    from .board_cmds import _open
    from .chart_cmds import _check_out

    date = _date(args.date)
    if args.cases is not None:
        _codes(args.cases)
    out = _check_out(args.out, (".pdf",), "board agenda", args.force)
    with _open(args.lang) as store:
        entries = _entries(store, args)
    from ..ui.chart import ExportError
    from ..ui.report.agenda import write_agenda

    try:
        write_agenda(out, date, entries, default_pathway(), args.lang, replace=args.force)
    except ExportError as exc:
        raise CliError(str(exc), 1) from None
    sys.stdout.write(f"{out}\n")
    return 0
