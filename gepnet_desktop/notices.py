"""Sentences the program owes its user once per process: a site-policy problem, a second backup
folder that is not there, a database upgraded (with the name of the copy kept first).

Each one goes to the log, to standard error (the command line's channel), and to whoever
listens (the main window: its status bar, or an information message for an upgrade). The same
sentence is said only once per process. Callable from any thread.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

NOTE = "note"        # a status-bar line in the window
UPGRADE = "upgrade"  # an information message in the window

Listener = Callable[[str, str], None]  # (kind, sentence)

_lock = threading.Lock()
_said: list[tuple[str, str]] = []
_listeners: list[Listener] = []


def say(message: str, kind: str = NOTE) -> bool:
    """Tell the user `message` unless it was already said; True when it was said now."""
    with _lock:
        if (kind, message) in _said:
            return False
        _said.append((kind, message))
        listeners = list(_listeners)
    log.warning("%s", message)
    if sys.stderr is not None:  # a windowed program on Windows has none
        with contextlib.suppress(OSError, ValueError):
            print(message, file=sys.stderr, flush=True)
    for listener in listeners:
        try:
            listener(kind, message)
        except Exception:  # a listener going away (a window closing) never fails the caller
            log.debug("a notice listener failed", exc_info=True)
    return True


def listen(listener: Listener, *, replay: bool = True) -> Callable[[], None]:
    """Call `listener(kind, message)` for every sentence said from now on (and, with `replay`,
    for those said before); returns the function that stops it."""
    with _lock:
        _listeners.append(listener)
        earlier = list(_said) if replay else []
    for kind, message in earlier:
        listener(kind, message)

    def stop() -> None:
        with _lock:
            if listener in _listeners:
                _listeners.remove(listener)

    return stop


def said() -> list[tuple[str, str]]:
    """Every (kind, sentence) said so far in this process, oldest first."""
    with _lock:
        return list(_said)


def reset() -> None:
    """Forget what was said and who listens (tests)."""
    with _lock:
        _said.clear()
        _listeners.clear()
