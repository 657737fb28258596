"""The command line: the same features without a window (evaluate, import, export, ...).

Each subcommand lives in its own module with a `register(subparsers)` function; the module is
listed in COMMAND_MODULES. A command returns an exit code or raises CliError.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from .. import APP_NAME, __version__, paths, site_policy
from .errors import CliError

COMMAND_MODULES = ("evaluate_cmd", "chart_cmds", "store_cmds", "board_cmds", "cohort_cmd",
                   "site_cmds")
log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="gepnet-desktop",
        description=f"{APP_NAME}: the Korean consensus pathway (Yoo et al. 2021, Fig. 1) for "
                    "advanced GEP-NETs. Without a subcommand, opens the main window.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--data-dir", metavar="DIR",
                        help=f"folder of the database and logs (default: ${paths.ENV_VAR}, "
                             "else the user data dir)")
    parser.add_argument("--lang", choices=("en", "ko"), default=None,
                        help="language of explanations and labels (default: from the system)")
    parser.add_argument("--clinician", metavar="NAME",
                        help="the clinician's name recorded in the audit trail beside the "
                             "operating-system account (default: the setting `clinician` in "
                             "the data dir's settings.json)")
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation (example cases, a temporary database, the "
                             "chart) and exit: 0 when all pass, 1 naming what failed")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def system_language() -> str:
    """'ko' when the environment's locale is Korean, else 'en'."""
    import locale
    import os

    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if os.environ.get(var):
            return "ko" if os.environ[var].lower().startswith("ko") else "en"
    loc = (locale.getlocale()[0] or "").lower()
    return "ko" if loc.startswith("ko") else "en"


def _show_startup_error(message: str) -> None:
    """A window started by a double click has no terminal: say it in a message box too."""
    import os

    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":  # nobody would see it
        return
    try:
        from PySide6.QtWidgets import QApplication, QMessageBox

        app = QApplication.instance() or QApplication(sys.argv)
        QMessageBox.critical(None, APP_NAME, message)
        del app
    except Exception:  # no display: the terminal message is all there is
        pass


def _remove_leftovers() -> None:
    """Temporary files an interrupted restore, draft or export left in the data dir (they hold
    patient data): removed at every start."""
    try:
        folder = paths.data_dir(create=False)
        if folder.is_dir():
            from ..safe_files import remove_leftovers

            for leftover in remove_leftovers(folder):
                log.info("removed a leftover temporary file (%s)", leftover.name)
    except Exception:  # never a reason not to start
        pass


def _set_clinician(args: argparse.Namespace) -> None:
    """The clinician recorded with this command's changes: --clinician, else the setting."""
    from ..store import audit
    from ..store.settings import clinician_setting

    name = args.clinician
    if name is None:
        name = clinician_setting(paths.data_dir(create=False))
    try:
        audit.set_clinician(name)
    except ValueError as exc:
        raise CliError(f"--clinician {str(exc).removeprefix('clinician: ')}", 2) from None


def _start_logging(args: argparse.Namespace) -> None:
    """Every run records the package's log records (no identifiers) in the data dir's log
    file, readable by its owner only: a command from its first record on (logs.py says on
    standard error when it cannot), the window at once (it says so itself). Not the
    self-test: its lines, about a temporary database, would read as an earlier use of the
    data folder."""
    from .. import logs

    if args.self_test:
        return
    if args.command is None:
        logs.setup_logging()
    else:
        logs.setup_command_logging()


def main(argv: list[str] | None = None) -> int:
    """Run the program; returns the exit code (0 ok, 1 failure found, 2 bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.data_dir:
        paths.set_data_dir(args.data_dir)
    args.lang_given = args.lang is not None  # the window prefers it to its saved choice
    args.lang = args.lang or system_language()
    site_lang = site_policy.fixed_language(args.lang if args.lang_given else None)
    if site_lang is not None:  # the site policy fixes it (and says so when --lang differs)
        args.lang, args.lang_given = site_lang, True
    _start_logging(args)
    _remove_leftovers()
    try:
        if args.self_test:
            from ..selftest import run_self_test

            return run_self_test()
        if args.command is None:
            from ..ui.window.app import run_gui

            return run_gui(args)
        _set_clinician(args)
        return int(args.func(args) or 0)
    except CliError as exc:
        print(exc.message, file=sys.stderr)
        return exc.code
    except paths.DataDirError as exc:
        print(exc, file=sys.stderr)
        if args.command is None and not args.self_test:
            _show_startup_error(str(exc))
        return 2
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`... | head`): stop quietly, as command-line tools do.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        try:
            from .. import logs

            logs.log_exception(log, f"unexpected error in command {args.command}", exc)
            where = "" if logs.problem else f" The details are in {paths.log_file()}."
        except Exception:
            where = ""
        print(f"{APP_NAME} met an unexpected error and stopped.{where}", file=sys.stderr)
        return 1
