"""The store's log lines never carry case codes or notes, not even inside an exception."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from gepnet_desktop.case import Case
from gepnet_desktop.store import (
    CaseQuery,
    Store,
    auto_backup,
    backup_database,
    export_cases,
    import_cases,
    restore_database,
)

from .helpers import make_case

CODE = "SECRET-7731"
NOTE = "patient Kim, seen on Tuesday"


def failing_recommend(case: Case) -> str | None:
    raise ValueError(f"cannot evaluate {case.case_code}: {case.notes}")


def test_no_identifier_reaches_the_log(tmp_path: Path, caplog: pytest.LogCaptureFixture
                                       ) -> None:
    caplog.set_level(logging.DEBUG, logger="gepnet_desktop")
    store = Store.open(tmp_path / "data" / "gepnet.db", recommend=failing_recommend,
                       recommend_version="test@1", user="tester")
    saved = store.create(make_case(CODE, notes=NOTE))
    assert store.search(CaseQuery())[0].recommendation_node is None  # the failure was logged
    saved.notes = NOTE + " again"
    store.update(saved)
    export_cases(store, tmp_path / "cases.json")
    store.delete(saved.uuid)
    import_cases(store, tmp_path / "cases.json")
    backup = backup_database(store, tmp_path / "backup.db")
    auto_backup(store)
    store.close()
    restore_database(tmp_path / "data" / "gepnet.db", backup)
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert failures and "ValueError" in failures[0].getMessage()
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "")
        assert CODE not in text and "Kim" not in text, text
        assert record.exc_info is None  # a stack with its message is never attached
