"""Logging to a rotating file in the data dir. Never log case codes, notes or other identifiers:
log uuids and counts instead."""

from __future__ import annotations

import logging
import logging.handlers

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
