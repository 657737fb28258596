"""`chart` and `report`: a case's chart (SVG, PNG, PDF) or tumour-board report (PDF, HTML)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from ..case import Case, validate_case
from ..i18n import tr
from ..pathway import Pathway, PathwayError, default_pathway, evaluate, load_pathway
from .errors import CliError
from .io import read_json

log = logging.getLogger(__name__)
CHART_SUFFIXES = (".svg", ".png", ".pdf")
REPORT_SUFFIXES = (".pdf", ".html")


def register(sub: argparse._SubParsersAction) -> None:
    for name, what, suffixes, run in (
            ("chart", "the pathway chart with the case's path", CHART_SUFFIXES, run_chart),
            ("report", "the tumour-board report (case, evaluation, chart, citations)",
             REPORT_SUFFIXES, run_report)):
        p = sub.add_parser(name, help=f"write {what}",
                           description=f"Write {what} for one case: a case JSON file, or the "
                                       "case_code of a case in the clinic's database.")
        p.add_argument("source", metavar="FILE_OR_CODE",
                       help="a JSON file holding one case, or a case code in the database")
        p.add_argument("--out", required=True, metavar="PATH",
                       help=f"the file to write: {' / '.join(suffixes)} (by its ending)")
        p.add_argument("--pathway", metavar="FILE", help="use another pathway data file")
        p.add_argument("--force", action="store_true",
                       help="replace the --out file when it exists (never the database or a "
                            "backup)")
        p.set_defaults(func=run)


def _check_out(out: str, suffixes: tuple[str, ...], what: str, force: bool = False) -> Path:
    from .store_cmds import new_file

    path = Path(out)
    if path.suffix.lower() not in suffixes:
        raise CliError(f"--out {out}: a {what} is written as {', '.join(suffixes)}; give a file "
                       "name ending in one of them")
    if not path.parent.is_dir():
        raise CliError(f"--out {out}: the folder {path.parent} does not exist; choose an "
                       "existing folder")
    new_file(path, force)
    return path


def _pathway(args: argparse.Namespace) -> Pathway:
    try:
        return load_pathway(args.pathway) if args.pathway else default_pathway()
    except PathwayError as exc:
        raise CliError("\n".join(exc.problems)) from None


def _case_from_file(source: str) -> Case:
    data = read_json(source)
    if isinstance(data, list):
        if len(data) != 1:
            raise CliError(f"{source}: holds {len(data)} cases; give a file with one case")
        data = data[0]
    result = validate_case(data)
    if not result.ok or result.case is None:
        raise CliError("\n".join(f"{source}: {p}" for p in result.errors))
    return result.case


def _case_from_store(code: str, lang: str) -> tuple[Case, str | None]:
    from .. import paths

    db = paths.database_path()
    from ..store import missing_database

    missing = missing_database(db)
    if missing is not None:
        raise CliError(str(missing), 2)
    if not Path(db).is_file():
        raise CliError(f"{code}: no such file, and there is no database at {db} to look the "
                       "case code up in; give a case JSON file or use --data-dir")
    try:
        from ..store import StoreError
        from ..store.decisions import latest_decision_date
    except ImportError:  # pragma: no cover - the store ships with the app
        raise CliError(f"{code}: no such file; give a case JSON file") from None
    try:
        from .open_db import open_database

        with open_database(lang, db) as store:
            case = store.get_by_code(code)
            board_date = latest_decision_date(store, case.uuid) if case is not None else None
    except StoreError as exc:
        raise CliError(str(exc)) from None
    if case is None:
        raise CliError(f"{code}: no such file, and no case with that code in {db}; give a case "
                       "JSON file or an existing case code")
    return case, board_date


def load_case_and_board_date(source: str, lang: str = "en") -> tuple[Case, str | None]:
    """A validated case from a JSON file, else from the store by its case code; with the
    date of the board's latest decision about it (None from a file)."""
    if source == "-" or Path(source).is_file() or source.lower().endswith(".json"):
        return _case_from_file(source), None
    return _case_from_store(source, lang)


def load_case(source: str, lang: str = "en") -> Case:
    """A validated case from a JSON file, else from the store by its case code."""
    return load_case_and_board_date(source, lang)[0]


def run_chart(args: argparse.Namespace) -> int:
    out = _check_out(args.out, CHART_SUFFIXES, "chart", args.force)
    pathway = _pathway(args)
    case = load_case(args.source, args.lang)
    ev = evaluate(case, pathway, lang=args.lang)
    from ..ui.chart import ExportError, PathwayScene, ensure_app, export_chart

    ensure_app()
    scene = PathwayScene(pathway, args.lang)
    scene.set_evaluation(ev)
    caption = tr("cli.chart_caption", args.lang, code=case.case_code) if case.case_code else ""
    try:
        export_chart(scene, out, caption=caption, replace=args.force)
    except ExportError as exc:
        raise CliError(str(exc), 1) from None
    sys.stdout.write(f"{out}\n")
    return 0


def run_report(args: argparse.Namespace) -> int:
    out = _check_out(args.out, REPORT_SUFFIXES, "report", args.force)
    pathway = _pathway(args)
    case, board_date = load_case_and_board_date(args.source, args.lang)
    ev = evaluate(case, pathway, lang=args.lang)
    from ..ui.chart import ExportError
    from ..ui.report.case_report import write_report

    try:
        write_report(case, ev, pathway, out, args.lang, replace=args.force,
                     board_date=board_date)
    except ExportError as exc:
        raise CliError(str(exc), 1) from None
    sys.stdout.write(f"{out}\n")
    return 0
