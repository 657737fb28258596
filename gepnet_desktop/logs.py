"""Logging to a rotating file in the data dir. Never log case codes, notes or other identifiers:
log uuids and counts instead."""

from __future__ import annotations

import logging
import logging.handlers
import traceback

from . import paths

_configured: str | None = None


def setup_logging(level: int = logging.INFO) -> None:
    """Send log records to the data dir's log file (once per data dir)."""
    global _configured
    target = str(paths.log_file())
    if _configured == target:
        return
    root = logging.getLogger("gepnet_desktop")
    for handler in list(root.handlers):
        if getattr(handler, "_gepnet", False):
            root.removeHandler(handler)
            handler.close()
    handler = logging.handlers.RotatingFileHandler(target, maxBytes=1_000_000, backupCount=3,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._gepnet = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    _configured = target


def log_exception(logger: logging.Logger, what: str, exc: BaseException) -> None:
    """Log an exception's type and stack, leaving out its message (which may hold typed values:
    no identifiers in logs)."""
    stack = "".join(traceback.format_tb(exc.__traceback__))
    logger.error("%s: %s.%s\n%s", what, type(exc).__module__, type(exc).__qualname__,
                 stack.rstrip())
