"""The clinic's database as commands open it: an older file is upgraded first, with a line per
step on standard error when it is a terminal (the copy aside in percent). Nothing is printed on
standard output, so JSON and listings stay as they are; pipes and scripts see no progress.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import paths

if TYPE_CHECKING:
    from ..store import Store
    from ..store.migrations import Migration


class _TerminalProgress:
    """Writes the upgrade's progress on standard error: the copy aside on one line that
    counts up, then one line per step."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._percent = -1

    def _write(self, text: str) -> None:
        sys.stderr.write(text)
        sys.stderr.flush()

    def copied(self, done: int, total: int) -> None:
        from ..store.upgrade import copy_sentence

        percent = min(100, done * 100 // total) if total > 0 else 100
        if percent != self._percent:
            self._percent = percent
            self._write("\r" + copy_sentence(self.lang, done, total) +
                        ("\n" if percent >= 100 else ""))

    def started(self, migration: Migration, number: int, count: int) -> None:
        from ..store.upgrade import step_sentence

        self._write(step_sentence(migration, number, count, self.lang) + "\n")


def open_database(lang: str, path: str | Path | None = None, **options: Any) -> Store:
    """`open_clinic(path, **options)`; an older database is first upgraded with its progress
    on a terminal (`lang`: the language of those lines). Raises what the open raises."""
    from ..clinic import open_clinic
    from ..store.upgrade import pending_migrations, upgrade

    target = Path(path) if path is not None else paths.database_path()
    aside = None
    if sys.stderr is not None and sys.stderr.isatty() and not options.get("read_only") \
            and pending_migrations(target):
        shown = _TerminalProgress(lang)
        aside = upgrade(target, verify=bool(options.get("verify")), on_copy=shown.copied,
                        on_start=shown.started)
        options["verify"] = False  # the quick check was just run, before the upgrade
    store = open_clinic(target, **options)
    if aside is not None:
        from ..upgrade_notice import announce_upgrade

        store.migrated_copy = aside
        announce_upgrade(store)
    return store
