"""Logging to a rotating file in the data dir. Never log case codes, notes or other identifiers:
log uuids and counts instead."""

from __future__ import annotations

import contextlib
import io
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
        handler = _PrivateFileHandler(target, maxBytes=1_000_000, backupCount=3,
                                      encoding="utf-8")
    except OSError as exc:
        return _no_log(target, exc.strerror or str(exc))
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._gepnet = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    _configured = target
    problem = None
    return None


class _PrivateFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log file readable by its owner only, the new file after a rollover too."""

    def _open(self) -> io.TextIOWrapper:  # the stdlib's hook that opens the file
        if os.name == "posix":
            os.close(os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
            with contextlib.suppress(OSError):
                os.chmod(self.baseFilename, 0o600)
        return super()._open()


class _FirstLine(logging.Formatter):
    """A record's first line only (a stack stays for the log file)."""

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).split("\n", 1)[0]


def setup_command_logging() -> str | None:
    """The command line's logging: the log file (`setup_logging`), nothing of it on standard
    error (a notice is printed there already). When the log file cannot be written, warnings
    and errors go to standard error instead, notices excepted; returns that sentence."""
    root = logging.getLogger("gepnet_desktop")
    for handler in list(root.handlers):
        if getattr(handler, "_gepnet", False) and not isinstance(handler, _PrivateFileHandler):
            root.removeHandler(handler)
    sentence = setup_logging()
    if sentence is not None:
        fallback = logging.StreamHandler()  # sys.stderr as it is when a record comes
        fallback.setLevel(logging.WARNING)
        fallback.addFilter(lambda record: not record.name.startswith("gepnet_desktop.notices"))
        fallback.setFormatter(_FirstLine("%(levelname)s: %(message)s"))
        fallback._gepnet = True  # type: ignore[attr-defined]
        root.addHandler(fallback)
    return sentence


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
