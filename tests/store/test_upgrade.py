"""Upgrading ahead of the normal open: which files need it, and the progress an upgrade reports
(the copy aside page by page, each step before it runs), against real files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from gepnet_desktop.store import CaseQuery, Store, migrations
from gepnet_desktop.store.db import probe
from gepnet_desktop.store.migrations import MIGRATIONS, SCHEMA_VERSION
from gepnet_desktop.store.upgrade import existing_database, pending_migrations, upgrade
from tests.store.contract1 import contract1_cases, old_schema_file


def test_only_an_older_database_of_ours_has_pending_migrations(tmp_path: Path) -> None:
    old = old_schema_file(tmp_path / "old.db", contract1_cases(3), 4)
    assert [m.version for m in pending_migrations(old)] == list(range(5, SCHEMA_VERSION + 1))
    current = tmp_path / "current.db"
    Store.open(current, new=True).close()
    assert pending_migrations(current) == () and existing_database(current)
    newer = tmp_path / "newer.db"
    Store.open(newer, new=True).close()
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    assert pending_migrations(newer) == () and not existing_database(newer)
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    (tmp_path / "text.db").write_text("not a database")
    for path in (foreign, tmp_path / "text.db", tmp_path / "missing.db"):
        assert pending_migrations(path) == () and not existing_database(path)


def test_an_upgrade_reports_the_copy_and_each_step(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(migrations, "COPY_PAGES", 2)  # several reports from a small file
    path = old_schema_file(tmp_path / "old.db", contract1_cases(40), 4)
    copied: list[tuple[int, int]] = []
    started: list[tuple[int, int, int]] = []
    aside = upgrade(path, on_copy=lambda d, t: copied.append((d, t)),
                    on_start=lambda m, n, c: started.append((m.version, n, c)))
    count = SCHEMA_VERSION - 4
    assert started == [(m.version, n, count) for n, m in enumerate(MIGRATIONS[4:], 1)]
    assert len(copied) > 2
    assert [d for d, _t in copied] == sorted(d for d, _t in copied)
    assert copied[-1][0] == copied[-1][1] > 0
    assert aside is not None and probe(aside).user_version == 4
    assert probe(path).user_version == SCHEMA_VERSION
    assert upgrade(path) is None  # nothing left to do: no second copy
    with Store.open(path) as store:
        assert store.count(CaseQuery()) == 40


def test_every_migration_is_named_in_the_catalogue_in_both_languages() -> None:
    """A step of the upgrade dialog is named in the user's language, never only in English:
    `tr` falls back to English, so the Korean name must differ from the English one."""
    from gepnet_desktop.i18n import has, tr
    from gepnet_desktop.store.upgrade import step_sentence

    for m in MIGRATIONS:
        key = f"store.upgrade.migration.{m.version}"
        assert has(key), m.version
        english, korean = tr(key, "en"), tr(key, "ko")
        assert korean != english, m.version
        assert english in step_sentence(m, 1, 1, "en")
        said = step_sentence(m, 1, 1, "ko")
        assert korean in said and english not in said and m.name not in said
