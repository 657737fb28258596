"""The window never loses the clinic's data without a word (issue 9), on real widgets and
real files: a missing or empty database beside backups, a damaged one (read-only, red banner,
restore offered), exports that would replace files, failed backups, drafts and logs that
cannot be written, a read-only database and a full disk on Ctrl+S."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest

from gepnet_desktop import logs, paths
from gepnet_desktop.clinic import open_clinic
from gepnet_desktop.store import CaseQuery, auto_backup, list_auto_backups
from gepnet_desktop.ui.window import dialogs
from gepnet_desktop.ui.window.database_safety import NEW, QUIT, RESTORE
from gepnet_desktop.ui.window.main_window import MainWindow
from tests.store.helpers import make_case
from tests.store.test_safety import damage
from tests.ui.test_main_window import ScriptedPrompts, type_into


class Prompts(ScriptedPrompts):
    """The main window tests' scripted prompts, plus the missing-database question."""

    def missing_database(self, parent, text, has_backup):
        self.calls.append(("missing_database", text, has_backup))
        return self._answer("missing_database", QUIT)


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def start_window(qtbot):
    """Start a window the way the program does (its own open, quick check included)."""
    made: list[MainWindow] = []

    def start(prompts: Prompts | None = None, expect: bool = True) -> MainWindow:
        window = MainWindow(db_path=paths.database_path(), prompts=prompts or Prompts())
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        made.append(window)
        assert window.finish_start() is expect
        if expect:
            qtbot.waitUntil(window.list_model.is_loaded, timeout=5000)
        return window

    yield start
    for window in made:
        window.prompts.answers["unsaved"] = [dialogs.DISCARD]
        window.shutdown()
        if window.store is not None:
            window.store.close()


def ten_backups(n_cases: int = 10) -> list:
    with open_clinic(paths.database_path()) as store:
        made = []
        for i in range(n_cases):
            store.create(make_case(f"W-{i:03d}"))
            made.append(auto_backup(store))
    return made


# -- item 1 -------------------------------------------------------------------------------------
def test_a_zero_byte_database_beside_ten_backups_offers_the_newest(start_window):
    backups = ten_backups()
    before = {b: digest(b) for b in backups}
    db = paths.database_path()
    db.write_bytes(b"")
    prompts = Prompts()
    prompts.answers["missing_database"] = [RESTORE]
    window = start_window(prompts)
    kind, text, has_backup = prompts.calls[0]
    assert kind == "missing_database" and has_backup
    assert str(db) in text and str(backups[-1]) in text and "empty (0 bytes)" in text
    assert "10 cases" in text
    assert window.list_model.total() == 10 and window.store.get_by_code("W-009") is not None
    assert {b: digest(b) for b in list_auto_backups(db)} == before  # no backup deleted
    assert window.damage is None and not window.banner.isVisible()


def test_quitting_at_the_missing_database_question_creates_nothing(start_window):
    backups = ten_backups(2)
    db = paths.database_path()
    db.unlink()
    prompts = Prompts()
    window = start_window(prompts, expect=False)
    assert [c[0] for c in prompts.calls] == ["missing_database"]
    assert "is missing" in prompts.calls[0][1]
    assert not db.exists() and not window.is_ready()
    assert list_auto_backups(db) == backups


def test_a_new_database_only_when_asked_for_and_then_backups_are_kept(start_window):
    backups = ten_backups(3)
    db = paths.database_path()
    db.unlink()
    prompts = Prompts()
    prompts.answers["missing_database"] = [NEW]
    window = start_window(prompts)
    assert window.list_model.total() == 0 and db.stat().st_size > 0
    assert list_auto_backups(db) == backups


def test_the_korean_question_is_in_korean(start_window):
    ten_backups(1)
    paths.database_path().unlink()
    prompts = Prompts()
    window = MainWindow(db_path=paths.database_path(), prompts=prompts, lang="ko")
    try:
        assert not window.finish_start()
        assert "데이터베이스" in prompts.calls[0][1] and "자동 백업" in prompts.calls[0][1]
    finally:
        window.shutdown()


# -- item 2 -------------------------------------------------------------------------------------
def test_exports_ask_before_replacing_and_never_write_over_the_database(qtbot, start_window,
                                                                        tmp_path):
    backups = ten_backups(2)
    window = start_window()
    db = paths.database_path()
    with qtbot.waitSignal(window.taskFinished, timeout=10000):
        window.auto_backup()
    files = [db, *list_auto_backups(db)]
    for target in (db, backups[0]):
        assert window.export_to(target) is None
        assert window.backup_to(target) is None
        assert window.prompts.calls[-1][0] == "error"
        assert "nothing is ever written over" in window.prompts.calls[-1][2]
    window.open_case(window.store.get_by_code("W-001").uuid)
    assert not window.export_report_to(db)
    out = tmp_path / "cases.json"
    out.write_text("my notes")
    window.prompts.answers["confirm"] = [False]
    assert window.export_to(out) is None
    assert window.prompts.calls[-1][0] == "confirm" and str(out) in window.prompts.calls[-1][2]
    assert out.read_text() == "my notes"
    window.prompts.answers["confirm"] = [True]
    with qtbot.waitSignal(window.taskFinished, timeout=10000) as done:
        window.export_to(out)
    assert done.args == ["ui.task.export", "succeeded"]
    assert len(json.loads(out.read_text())) == 2
    chart = tmp_path / "chart.svg"
    chart.write_text("old")
    window.prompts.answers["confirm"] = [True]
    assert window.export_chart_to(chart) and chart.read_text() != "old"
    assert all(f.exists() for f in files)


# -- item 3 -------------------------------------------------------------------------------------
def test_a_damaged_database_opens_read_only_with_a_red_banner_and_the_restore(qtbot,
                                                                             start_window):
    with open_clinic(paths.database_path()) as store:
        good = store.create(make_case("GOOD-1"))
        auto_backup(store)
        for i in range(300):
            store.create(make_case(f"D-{i:04d}", notes="x" * 200))
    db = paths.database_path()
    damage(db)
    before = digest(db)
    window = start_window()
    assert window.banner.isVisible() and window.damage is not None
    assert "damaged" in window.banner.text() and "read-only" in window.banner.text()
    assert "1 cases" in window.banner.button_text()
    window.new_case()
    type_into(qtbot, window, "case_code", "NEW-1")
    assert not window.save()
    kind, title, text = window.prompts.calls[-1]
    assert (kind, title) == ("error", "Not saved") and "read-only because it is damaged" in text
    assert window.form.data()["case_code"] == "NEW-1" and window.has_unsaved_changes()
    with qtbot.waitSignal(window.taskFinished, timeout=10000) as done:
        window.auto_backup()
    assert list_auto_backups(db) and len(list_auto_backups(db)) == 1  # no copy of the damage
    assert digest(db) == before
    window.prompts.answers["unsaved"] = [dialogs.DISCARD]
    window.prompts.answers["confirm"] = [True]
    with qtbot.waitSignal(window.taskFinished, timeout=20000) as done:
        window.banner.click_restore()
    assert done.args == ["ui.task.restore", "succeeded"]
    qtbot.waitUntil(lambda: window.store_available(), timeout=5000)
    assert not window.banner.isVisible() and window.damage is None
    assert window.store.get(good.uuid) is not None
    assert not window.store.read_only


# -- item 4 -------------------------------------------------------------------------------------
def test_a_failed_automatic_backup_is_red_in_the_status_bar_and_told_once(qtbot, start_window):
    ten_backups(1)
    backups = paths.data_dir() / "backups"
    shutil.rmtree(backups)
    backups.write_text("a file where the folder should be")  # the backup cannot be written
    window = start_window()
    window.new_case()
    type_into(qtbot, window, "case_code", "B-1")
    assert window.save()
    with qtbot.waitSignal(window.taskFinished, timeout=10000) as done:
        window.auto_backup()
    assert done.args == ["auto-backup", "failed"]
    assert window.backup_label.text().startswith("Automatic backup FAILED")
    assert "b00020" in window.backup_label.styleSheet()
    assert [c[:2] for c in window.prompts.calls] == [("error", "The automatic backup failed")]
    window.new_case()
    type_into(qtbot, window, "case_code", "B-2")
    assert window.save()
    with qtbot.waitSignal(window.taskFinished, timeout=10000):
        window.auto_backup()
    assert len(window.prompts.calls) == 1  # the dialog once; the red status stays
    assert "b00020" in window.backup_label.styleSheet()
    backups.unlink()  # fixed: the next backup works and the status is no longer red
    window.new_case()
    type_into(qtbot, window, "case_code", "B-3")
    assert window.save()
    with qtbot.waitSignal(window.taskFinished, timeout=10000) as done:
        window.auto_backup()
    assert done.args == ["auto-backup", "succeeded"]
    assert window.backup_label.text().startswith("Last backup: 20")
    assert window.backup_label.styleSheet() == ""


def test_drafts_that_cannot_be_written_are_said_in_the_form(qtbot, start_window):
    ten_backups(1)
    drafts = paths.data_dir() / "drafts"
    drafts.write_text("a file where the folder should be")
    window = start_window()
    window.new_case()
    type_into(qtbot, window, "case_code", "U-1")
    window.save_draft()
    label = window.form.unprotected_label
    assert label.isVisible() and "NOT protected" in label.text() and str(drafts) in label.text()
    drafts.unlink()  # the folder can be made again: the next draft is written
    type_into(qtbot, window, "notes", "more")
    window.save_draft()
    assert not label.isVisible()
    assert window.save()


def test_a_log_file_that_cannot_be_written_is_said_and_the_window_runs(qtbot):
    import argparse

    from gepnet_desktop.ui.window.app import build_window, start_session

    (paths.data_dir() / "logs").write_text("a file where the folder should be")
    window = build_window(argparse.Namespace(lang="en", lang_given=True))
    window.prompts = Prompts()  # the program's own start, with scripted answers
    qtbot.addWidget(window)
    try:
        assert window.log_problem and "cannot be written" in window.log_problem
        window.show()
        assert start_session(window)
        assert window.log_label.isVisible() and window.log_label.text().startswith("No log")
        assert ("error", "No log file") in [c[:2] for c in window.prompts.calls]
        assert "gepnet.log" in window.log_label.toolTip()
        assert "(cannot be written)" in window.about_info()["log_file"]
        window.new_case()
        type_into(qtbot, window, "case_code", "L-1")
        assert window.save()
    finally:
        window.shutdown()
        window.wait_for_tasks()
        window.store.close()
        window.exception_handler.uninstall()
        logs._configured = None


def test_a_read_only_database_or_a_full_disk_on_save_keeps_the_edit(qtbot, start_window):
    ten_backups(1)
    window = start_window()
    window.new_case()
    type_into(qtbot, window, "case_code", "RO-1")
    window.store.db.execute("PRAGMA query_only = ON")  # SQLite refuses as for a read-only file
    assert not window.save()
    kind, title, text = window.prompts.calls[-1]
    assert (kind, title) == ("error", "Not saved")
    assert "read-only; nothing was saved" in text and str(paths.database_path()) in text
    assert window.form.data()["case_code"] == "RO-1" and window.has_unsaved_changes()
    window.store.db.execute("PRAGMA query_only = OFF")
    window.store.db.execute("VACUUM")  # no free page left over from the migrations
    pages = window.store.db.execute("PRAGMA page_count").fetchone()[0]
    window.store.db.execute(f"PRAGMA max_page_count = {pages}")
    window.form.focus_field("notes")
    qtbot.keyClicks(window.form.editor("notes"), "n" * 5000)
    assert not window.save()
    assert "is full; nothing was saved" in window.prompts.calls[-1][2]
    assert window.form.data()["case_code"] == "RO-1" and window.has_unsaved_changes()
    assert window.store.get_by_code("RO-1") is None


# -- item 7 -------------------------------------------------------------------------------------
def test_the_form_refuses_a_resident_registration_number(qtbot, start_window):
    window = start_window()
    window.new_case()
    type_into(qtbot, window, "case_code", "900101-1234567")
    assert not window.save()
    kind, title, text = window.prompts.calls[-1]
    assert (kind, title) == ("error", "Not saved") and "resident registration number" in text
    assert window.store.count(CaseQuery(include_deleted=True)) == 0
