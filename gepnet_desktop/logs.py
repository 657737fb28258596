"""Logging to a rotating file in the data dir. Never log case codes, notes or other identifiers:
log uuids and counts instead."""

from __future__ import annotations

import contextlib
import io
import logging
import logging.handlers
import os
import sys
import traceback
from pathlib import Path

from . import paths

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
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
    _sizes_at_start.setdefault(os.path.realpath(target), _size(target))
    try:
        handler = _PrivateFileHandler(target, maxBytes=1_000_000, backupCount=3,
                                      encoding="utf-8")
    except OSError as exc:
        return _no_log(target, exc.strerror or str(exc))
    handler.setFormatter(logging.Formatter(FORMAT))
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


def _say(text: str) -> None:
    """A line on standard error (a windowed program on Windows has none)."""
    if sys.stderr is not None:
        with contextlib.suppress(OSError, ValueError):
            print(text, file=sys.stderr, flush=True)


class _CommandLog(_PrivateFileHandler):
    """The command line's log file, made (with the data folder) at its first record: a command
    that logs nothing leaves no folder behind. When it cannot be written, that is said once on
    standard error, and warnings and errors go there instead, their first line (notices
    excepted: they are printed there already); nothing when the data folder itself cannot be
    used (the command says that when it needs it)."""

    def __init__(self, target: str) -> None:
        super().__init__(target, maxBytes=1_000_000, backupCount=3, encoding="utf-8",
                         delay=True)
        self.unwritable = self.folder_unusable = False
        self._short = _FirstLine("%(levelname)s: %(message)s")

    def emit(self, record: logging.LogRecord) -> None:
        if self.stream is None and not self.unwritable:
            try:
                target = str(paths.log_file())  # the data folder and its logs/, private
                if self.stream is None:  # (a notice said on the way may have opened it)
                    self.baseFilename = os.path.abspath(target)
                    _sizes_at_start.setdefault(os.path.realpath(self.baseFilename),
                                               _size(self.baseFilename))
                    self.stream = self._open()
            except paths.DataDirError as exc:  # the command says so when it needs the folder
                self.unwritable = self.folder_unusable = True
                _no_log(self.baseFilename, str(exc))
            except OSError as exc:
                self.unwritable = True
                _say(_no_log(self.baseFilename, exc.strerror or str(exc)))
        if not self.unwritable:
            super().emit(record)
        elif record.levelno >= logging.WARNING and not self.folder_unusable and \
                not record.name.startswith("gepnet_desktop.notices"):
            _say(self._short.format(record))


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def setup_command_logging() -> None:
    """The command line's logging (`_CommandLog`): the package's records in the data dir's
    log file, nothing of them on standard error while that file can be written."""
    global _configured, problem
    problem = None  # until the first record finds otherwise
    root = logging.getLogger("gepnet_desktop")
    for old in list(root.handlers):
        if getattr(old, "_gepnet", False):
            root.removeHandler(old)
            old.close()
    handler = _CommandLog(str(paths.data_dir(create=False) / "logs" / "gepnet.log"))
    handler.setFormatter(logging.Formatter(FORMAT))
    handler._gepnet = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    _configured = None  # the window's setup_logging sets up its own again


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
