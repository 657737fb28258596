"""The database from the command line: `cases list|show|history`, `import`, `export`,
`backup`, `restore`, `check`. Exit codes: 0 done, 1 a finding (check problems, import
conflicts), 2 bad input; never a traceback."""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .. import paths
from ..case import CASE_FIELDS, FIELDS_BY_KEY, LINE_FIELDS
from ..case.fields import SECTIONS, WHO_GRADES, label, value_label
from ..i18n import tr
from ..store import (
    NEEDS_DATA,
    SORT_COLUMNS,
    CaseQuery,
    CaseRow,
    DatabaseBusy,
    Store,
    StoreError,
    backup_database,
    check_database,
    database_summary,
    export_cases,
    import_cases,
    missing_database,
    moved_unreadable,
    restore_database,
)
from .errors import CliError
from .io import print_json, stream_json, terminal_progress

PAGE = 1000
# a line of `cases list`: fixed widths (rows are printed as they are read); longer cells push
_LIST_LINE = "{:<14}  {:<22}  {:<6}  {:<44}  {}"


def _store_errors(func: Callable[[argparse.Namespace], int]) -> Callable[..., int]:
    """A StoreError becomes the user's sentence and exit code 2."""

    @functools.wraps(func)
    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except StoreError as exc:
            raise CliError(str(exc), 2) from None

    return run


def _open(args: argparse.Namespace, *, writing: bool = False) -> Store:
    """The data dir's store; `writing` commands first run SQLite's quick check (a damaged
    file is refused with a sentence, exit 2). A missing or empty database in a folder used
    before is never replaced (exit 2 naming the newest backup). Stale recommendations are
    not recomputed here: a list marks them, `show` recomputes its one case."""
    from .open_db import open_database

    return open_database(args.lang, verify=writing, refresh=False)


def new_file(path: str | Path, force: bool) -> Path:
    """`path` when the command may write it: refused (exit 2) for the database, its -wal/-shm,
    a backup, a symbolic link or a folder; an existing file needs --force."""
    from ..safe_files import WriteRefused, check_target

    try:
        return check_target(Path(path), replace=force)
    except WriteRefused as exc:
        if exc.exists:
            raise CliError(f"{Path(path).expanduser().absolute()} already exists; nothing was "
                           "written. Add --force to replace it.", 2) from None
        raise CliError(str(exc), 2) from None


def register(sub: argparse._SubParsersAction) -> None:
    cases = sub.add_parser("cases", help="list, show and trace the cases in the database",
                           description="The cases in the database of the data dir.")
    csub = cases.add_subparsers(dest="cases_command", metavar="ACTION", required=True)
    lst = csub.add_parser("list", help="list the cases (newest change first)")
    lst.add_argument("--json", action="store_true", help="print JSON rows")
    lst.add_argument("--search", metavar="TEXT", default="",
                     help="part of the case code, or text in the notes")
    lst.add_argument("--site", choices=FIELDS_BY_KEY["primary_site"].values, help="primary site")
    lst.add_argument("--grade", choices=WHO_GRADES, help="WHO grade")
    lst.add_argument("--recommendation", metavar="NODE", help="pathway node id of the "
                     f"current recommendation, or {NEEDS_DATA} for walks that stop for "
                     "missing data")
    lst.add_argument("--deleted", action="store_true", help="include deleted cases")
    lst.add_argument("--sort", choices=SORT_COLUMNS, default="updated_at")
    lst.add_argument("--ascending", action="store_true")
    lst.set_defaults(func=_store_errors(run_list))
    show = csub.add_parser("show", help="show one case by its code")
    show.add_argument("code", metavar="CODE")
    show.add_argument("--json", action="store_true", help="print the case object")
    show.set_defaults(func=_store_errors(run_show))
    hist = csub.add_parser("history", help="who changed a case, when and what (audit trail)")
    hist.add_argument("code", metavar="CODE")
    hist.add_argument("--json", action="store_true")
    hist.set_defaults(func=_store_errors(run_history))

    imp = sub.add_parser("import", help="import cases from a JSON or CSV file (all or nothing)",
                         description="Import a JSON or CSV export. Any invalid record: nothing "
                                     "is written, every problem is listed, exit code 2. "
                                     "Conflicts (same revision, different content) are "
                                     "listed and not applied; exit code 1.")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--format", choices=("json", "csv"), help="default: from the suffix")
    imp.set_defaults(func=_store_errors(run_import))
    exp = sub.add_parser("export", help="export every case to a JSON or CSV file",
                         description="Export the cases, ordered by case code. Deleted cases "
                                     "are left out unless --include-deleted; the audit trail "
                                     "is never exported (see `cases history`).")
    exp.add_argument("file", metavar="FILE")
    exp.add_argument("--format", choices=("json", "csv"),
                     help="default: csv for a .csv file, else json")
    exp.add_argument("--include-deleted", action="store_true",
                     help="export the deleted cases too; every record then carries deleted_at, "
                          "and import keeps them deleted")
    exp.add_argument("--force", action="store_true",
                     help="replace FILE when it exists (never the database or a backup)")
    exp.set_defaults(func=_store_errors(run_export))
    bak = sub.add_parser("backup", help="write a consistent copy of the database to FILE")
    bak.add_argument("file", metavar="FILE")
    bak.add_argument("--force", action="store_true",
                     help="replace FILE when it exists (never the database or a backup)")
    bak.set_defaults(func=_store_errors(run_backup))
    res = sub.add_parser("restore", help="replace the database by a backup (verified first; "
                                         "the current database is kept aside)")
    res.add_argument("file", metavar="FILE")
    res.set_defaults(func=_store_errors(run_restore))
    chk = sub.add_parser("check", help="check the database without changing it (integrity, "
                                       "foreign keys, search index, records, audit trail): "
                                       "exit 0 healthy, 1 with the problems, 3 busy")
    chk.set_defaults(func=_store_errors(run_check))


def run_list(args: argparse.Namespace) -> int:
    """The cases, streamed: each keyset page is printed as it is read, its stale
    recommendations recomputed first (see Store.iter_rows)."""
    from ..pathway import default_pathway, text

    query = CaseQuery(text=args.search, site=args.site, grade=args.grade,
                      recommendation=args.recommendation, include_deleted=args.deleted,
                      sort=args.sort, descending=not args.ascending)
    lang = args.lang
    with _open(args) as store:
        if (query.recommendation is not None or query.sort == "recommendation_node") and \
                store.has_stale():  # recomputing may move a row: all of them first
            store.refresh_derived(terminal_progress(lang))
        rows = store.iter_rows(query, PAGE, refresh=True)
        if args.json:
            stream_json(asdict(r) for r in rows)
            return 0
        nodes = default_pathway().nodes
        stale = " " + tr("cli.list.stale", lang)
        sites: dict[str | None, str] = {None: "-"}
        shown: dict[str | None, str] = {None: "-"}
        sys.stdout.write(_LIST_LINE.format(*(tr(f"cli.list.col.{c}", lang) for c in (
            "code", "site", "grade", "recommendation", "updated"))).rstrip() + "\n")
        deleted = " " + tr("cli.list.deleted", lang)
        n = 0
        for page in _pages(rows, PAGE):
            out = []
            for r in page:
                site = sites.get(r.primary_site) or sites.setdefault(
                    r.primary_site, value_label("primary_site", r.primary_site, lang))
                node = r.recommendation_node
                rec = shown.get(node) or shown.setdefault(
                    node, text(nodes[node].label, lang) if node in nodes else str(node))
                out.append(_LIST_LINE.format(
                    r.case_code + (deleted if r.deleted_at else ""), site,
                    r.who_grade or "-", rec + stale if r.stale else rec,
                    r.updated_at[:10]).rstrip() + "\n")
            sys.stdout.write("".join(out))
            n += len(out)
    sys.stdout.write(tr("cli.list.count_one" if n == 1 else "cli.list.count", lang, n=n) + "\n")
    return 0


def _pages(rows: Iterator[CaseRow], size: int) -> Iterator[list[CaseRow]]:
    """The rows in lists of `size` (printed a list at a time)."""
    page: list[CaseRow] = []
    for row in rows:
        page.append(row)
        if len(page) == size:
            yield page
            page = []
    if page:
        yield page


def _find(store: Store, code: str):
    case = store.get_by_code(code, include_deleted=True)
    if case is None:
        raise CliError(f"No case with the code {code!r} in {store.path}; `cases list` shows "
                       "the codes.", 2)
    return case


def run_show(args: argparse.Namespace) -> int:
    from ..pathway import default_pathway, text

    with _open(args) as store:
        case = _find(store, args.code)
        store.refresh_rows([case.uuid or ""])  # its recommendation by the pathway in force
        row = store.row(case.uuid or "")
    deleted = bool(row and row.deleted_at)
    node = row.recommendation_node if row else None
    if args.json:
        print_json(case.to_dict(meta=True) | {"recommendation_node": node,
                                               "deleted": deleted})
        return 0
    lang = args.lang
    out = [f"Case {case.case_code}" + ("  [deleted]" if deleted else ""),
           f"  uuid {case.uuid}, revision {case.revision}, created {case.created_at}, "
           f"updated {case.updated_at}",
           f"  WHO grade: {case.who_grade or value_label('who_grade', None, lang)}"]
    section = None
    for spec in CASE_FIELDS:
        if spec.section != section:
            section = spec.section
            out.append(label(SECTIONS[section], lang))
        value = case.get(spec.key)
        shown = ", ".join(value_label(spec.key, v, lang) for v in value) if \
            isinstance(value, list) else value_label(spec.key, value, lang)
        out.append(f"  {label(spec.label, lang)}: {shown or '-'}")
    out.append(tr("cli.lines_of_therapy", lang))
    for i, line in enumerate(case.lines, start=1):
        parts = [f"{label(s.label, lang)}: {value_label(s.key, getattr(line, s.key), lang)}"
                 for s in LINE_FIELDS[1:] if getattr(line, s.key) is not None]
        out.append(f"  {i}. {value_label('regimen', line.regimen, lang)}; " + "; ".join(parts))
    if not case.lines:
        out.append("  -")
    pathway = default_pathway()
    rec = text(pathway.nodes[node].label, lang) if node in pathway.nodes else None
    out.append(f"Recommendation: {rec} ({node})" if rec else
               "Recommendation: none yet (the pathway needs more data; see `evaluate`)")
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def run_history(args: argparse.Namespace) -> int:
    with _open(args) as store:
        case = _find(store, args.code)
        entries = store.history(case.uuid or "")
    if args.json:
        print_json([asdict(e) for e in entries])
        return 0
    for e in entries:
        fields = ", ".join(e.changes) or "-"
        who = f"{e.user} ({e.clinician})" if e.clinician else e.user
        sys.stdout.write(f"{e.at}  {who}  {e.action}  revision {e.revision}: {fields}\n")
    return 0


def run_import(args: argparse.Namespace) -> int:
    with _open(args, writing=True) as store:
        report = import_cases(store, args.file, fmt=args.format)
    sys.stdout.write(report.summary(args.lang) + "\n")
    return 1 if report.conflicts else 0


def run_export(args: argparse.Namespace) -> int:
    new_file(args.file, args.force)
    with _open(args, writing=True) as store:
        deleted = store.count(CaseQuery(include_deleted=True)) - store.count(CaseQuery())
        n = export_cases(store, args.file, fmt=args.format,
                         include_deleted=args.include_deleted, replace=args.force)
    text = f"{n} case{'s' if n != 1 else ''} written to {args.file}"
    if args.include_deleted:
        text += f", {deleted} of them deleted (marked by deleted_at)" if deleted else ""
        text += "; not exported: the audit trail (`cases history`)."
    elif deleted:
        text += (f"; not exported: {deleted} deleted case{'s' if deleted != 1 else ''} (add "
                 "--include-deleted to export them too) and the audit trail "
                 "(`cases history`).")
    else:
        text += "; not exported: the audit trail (`cases history`)."
    sys.stdout.write(text + "\n")
    return 0


def _existing_database() -> Any:
    path = paths.database_path()
    missing = missing_database(path)
    if missing is not None:
        raise CliError(str(missing), 2)
    if not path.exists():
        raise CliError(f"There is no database in {path.parent} yet, so there is nothing to back "
                       "up; it is created when the program first opens.", 2)
    return path


def run_backup(args: argparse.Namespace) -> int:
    target = Path(args.file).expanduser()
    if target.is_dir():
        raise CliError(f"{target}: is a folder; give the name of the backup file to write, "
                       f"e.g. {target / 'gepnet-backup.db'}", 2)
    if not target.parent.is_dir():
        raise CliError(f"{target}: the folder {target.parent} does not exist; check the path "
                       "(is the USB stick mounted?) or create the folder first", 2)
    source = _existing_database()
    new_file(target, args.force)
    dest = backup_database(source, target, replace=args.force)
    sys.stdout.write(f"Backup written to {dest}\n")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    target = paths.database_path()
    aside = restore_database(target, args.file)
    if moved_unreadable(aside):
        kept = (f"; the previous database could not be read, so it was moved aside unchanged "
                f"as {aside} (with its -wal and -shm files, if any)")
    else:
        kept = f"; the previous database is kept as {aside}" if aside else ""
    sys.stdout.write(f"Database {target} restored from {args.file}{kept}.\n")
    return 0


def run_check(args: argparse.Namespace) -> int:
    path = paths.database_path()
    missing = missing_database(path)  # the same sentence as every command (issue 9, item 1)
    if missing is not None:
        raise CliError(str(missing), 2)
    try:
        problems = check_database(path)
        n = 0 if problems else database_summary(path)["cases"]
    except DatabaseBusy as exc:  # another program keeps readers out: not a finding
        raise CliError(str(exc), 3) from None
    if problems:
        raise CliError(f"{path}: {len(problems)} problem{'s' if len(problems) != 1 else ''} "
                       "found:\n" + "\n".join(f"  {p}" for p in problems) +
                       "\nRestore a recent backup (`restore FILE`) or ask your IT support.", 1)
    sys.stdout.write(f"{path}: healthy ({n} case{'s' if n != 1 else ''}; integrity, "
                     "foreign keys, search index, records and audit trail checked).\n")
    return 0
