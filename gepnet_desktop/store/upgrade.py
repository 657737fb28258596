"""Upgrading an older database ahead of its normal open, with progress: the window does it on a
worker thread, the command line with a line per step on a terminal. The normal open that
follows finds nothing left to migrate.
"""

from __future__ import annotations

from pathlib import Path

from ..i18n import tr
from .cases import Store
from .db import APPLICATION_ID, probe
from .errors import StoreError
from .migrations import MIGRATIONS, SCHEMA_VERSION, CopyProgress, Migration, StepStart


def _version_of_ours(path: Path) -> int | None:
    """The schema of an existing database of ours that this program can open, read without
    writing; None for a missing, empty, newer or foreign file (its normal open says why)."""
    try:
        header = probe(Path(path).expanduser().resolve())
    except StoreError:
        return None
    if header is None or header.application_id != APPLICATION_ID or \
            not 1 <= header.user_version <= SCHEMA_VERSION:
        return None
    return header.user_version


def existing_database(path: Path) -> bool:
    """Whether `path` is an existing database of ours, of this schema or an older one."""
    return _version_of_ours(path) is not None


def pending_migrations(path: Path) -> tuple[Migration, ...]:
    """The migrations an existing database of ours needs (none for a missing, new, current,
    newer or foreign file: its normal open decides about those), read without writing."""
    version = _version_of_ours(path)
    if version is None:
        return ()
    return tuple(m for m in MIGRATIONS if m.version > version)


def upgrade(path: Path, *, verify: bool = False, on_copy: CopyProgress | None = None,
            on_start: StepStart | None = None) -> Path | None:
    """Bring the database at `path` to the current schema on a connection of its own (closed
    again); returns the copy kept aside, if one was made. `verify`: SQLite's quick check first
    (damage raises DamagedDatabase, nothing is changed). Errors are Store.open's."""
    store = Store.open(path, verify=verify, on_copy=on_copy, on_start=on_start)
    try:
        return store.migrated_copy
    finally:
        store.close()


def check_sentence(lang: str) -> str:
    """"Checking the database before opening it"."""
    return tr("store.upgrade.checking", lang)


def copy_sentence(lang: str, done: int = 0, total: int = 0) -> str:
    """"Copying the database aside before the upgrade", with the percentage once known."""
    if total <= 0:
        return tr("store.upgrade.copying", lang)
    return tr("store.upgrade.copying_percent", lang, percent=min(100, done * 100 // total))


def step_sentence(migration: Migration, number: int, count: int, lang: str) -> str:
    """"Upgrading the database: step 2 of 3 (what it does)"."""
    name = tr(f"store.upgrade.migration.{migration.version}", lang)  # every one is named
    return tr("store.upgrade.step", lang, n=number, count=count, name=name)
