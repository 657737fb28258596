"""The sentence said once when a newer program upgrades an older database (notices: one line on
standard error for the command line, an information message in the window)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from . import APP_NAME, __version__, notices

if TYPE_CHECKING:
    from .store import Store


def _schema_of(path: Path) -> int | None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def upgrade_sentence(db_path: Path, copy: Path, new_schema: int) -> str:
    """What the user is told: which file, from which schema to which, and where the copy is."""
    old = _schema_of(copy)
    was = f"schema {old}" if old is not None else "an older schema"
    return (f"{APP_NAME} {__version__} upgraded the database {db_path} from {was} to schema "
            f"{new_schema}; a copy of it as it was is kept as {copy}.")


def announce_upgrade(store: Store) -> None:
    """Say, once, that `store` (just opened) was upgraded and where its copy from before is."""
    if store.migrated_copy is not None:
        notices.say(upgrade_sentence(Path(store.path), Path(store.migrated_copy),
                                     store.schema_version), notices.UPGRADE)
