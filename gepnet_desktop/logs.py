"""Logging to a rotating file in the data dir. Never log case codes, notes or other identifiers:
log uuids and counts instead."""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import traceback
from pathlib import Path

from . import paths

_configured: str | None = None
_sizes_at_start: dict[str, int] = {}  # log file -> its size before this process wrote to it
problem: str | None = None  # why the log file cannot be written, when it cannot


def setup_logging(level: int = logging.INFO) -> str | None:
    """Send log records to the data dir's log file (once per data dir).

    Returns None, or (when the log file cannot be written) a sentence saying so: the program
    then runs on without a log file and should show that sentence (`problem` keeps it).
    """
    global _configured, problem
    try:
        target = str(paths.log_file())
    except paths.DataDirError as exc:
        return _no_log(str(paths.data_dir(create=False) / "logs" / "gepnet.log"), str(exc))
    if _configured == target:
        return problem
    root = logging.getLogger("gepnet_desktop")
    for handler in list(root.handlers):
        if getattr(handler, "_gepnet", False):
            root.removeHandler(handler)
            handler.close()
    try:
        _sizes_at_start.setdefault(os.path.realpath(target), os.path.getsize(target))
    except OSError:
        _sizes_at_start.setdefault(os.path.realpath(target), 0)
    try:
        handler = logging.handlers.RotatingFileHandler(target, maxBytes=1_000_000,
                                                       backupCount=3, encoding="utf-8")
    except OSError as exc:
        return _no_log(target, exc.strerror or str(exc))
    if os.name == "posix":
        with contextlib.suppress(OSError):
            os.chmod(target, 0o600)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._gepnet = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    _configured = target
    problem = None
    return None


def _no_log(target: str, reason: str) -> str:
    """Run on without a log file; the sentence that says so."""
    global problem
    problem = (f"The log file {target} cannot be written ({reason}); the program works, but "
               "keeps no log. Check the data folder's permissions and free space.")
    return problem


def earlier_log(folder: Path) -> bool:
    """True when `folder`/logs holds log lines written before this process started."""
    logs = Path(folder) / "logs"
    if not logs.is_dir():
        return False
    for file in logs.glob("gepnet.log*"):
        try:
            size = _sizes_at_start.get(os.path.realpath(file), file.stat().st_size)
        except OSError:
            continue
        if size > 0:
            return True
    return False


def log_exception(logger: logging.Logger, what: str, exc: BaseException) -> None:
    """Log an exception's type and stack, leaving out its message (which may hold typed values:
    no identifiers in logs)."""
    stack = "".join(traceback.format_tb(exc.__traceback__))
    logger.error("%s: %s.%s\n%s", what, type(exc).__module__, type(exc).__qualname__,
                 stack.rstrip())
