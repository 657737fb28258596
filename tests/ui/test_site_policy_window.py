"""The site policy and the upgrade notice through the main window (pytest-qt, offscreen)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from gepnet_desktop import __version__, paths, site_policy
from gepnet_desktop.i18n import tr
from gepnet_desktop.store.db import connect
from gepnet_desktop.store.migrations import migrate
from gepnet_desktop.ui.window import dialogs
from gepnet_desktop.ui.window.app import choose_language, start_session
from gepnet_desktop.ui.window.main_window import MainWindow
from tests.site.test_site_policy import write_site
from tests.ui.test_main_window import ScriptedPrompts


@pytest.fixture
def started(qtbot):
    """Start main windows as the program does (start_session); closed at the end."""
    made: list[MainWindow] = []

    def make() -> MainWindow:
        window = MainWindow(db_path=paths.database_path(), prompts=ScriptedPrompts())
        made.append(window)
        window.show()
        qtbot.waitExposed(window)
        with qtbot.waitSignal(window.taskFinished, timeout=10000,
                              check_params_cb=lambda name, _o: name == "auto-backup"):
            assert start_session(window)
        qtbot.wait(50)  # queued notices
        return window

    yield make
    for window in made:
        window.prompts.answers["unsaved"] = [dialogs.DISCARD]
        window.close()
        window.shutdown()
        if window.store is not None:
            window.store.close()
        window.deleteLater()


def test_the_window_uses_the_site_data_folder_and_second_backup_folder(
        started, no_site_policy: Path, tmp_path: Path) -> None:
    site_dir, usb = tmp_path / "clinic", tmp_path / "usb"
    usb.mkdir()
    write_site(no_site_policy, data_dir=site_dir, second_backup_dir=usb)
    window = started()
    assert window.db_path == site_dir / "gepnet.db"
    assert str(site_dir) in window.dir_label.text()
    copies = list((usb / site_policy.os_user()).glob("gepnet-auto-*.db.gz"))
    assert len(copies) == 1
    assert copies[0].name == sorted((site_dir / "backups").iterdir())[-1].name


def test_the_window_notes_a_missing_second_folder_and_goes_on(
        started, no_site_policy: Path, tmp_path: Path) -> None:
    gone = tmp_path / "usb-out"
    write_site(no_site_policy, second_backup_dir=gone)
    window = started()
    assert window.is_ready() and list((paths.data_dir() / "backups").iterdir())
    label = window.findChild(QLabel, "noticeLabel")
    assert label is not None and label.isVisible()
    assert f"The second backup folder {gone} (site policy) is not there" in label.toolTip()
    assert "is not there" in window.statusBar().currentMessage()
    assert "error" not in window.prompts.kinds()


def test_a_bad_site_value_is_noted_in_the_window(started, no_site_policy: Path) -> None:
    write_site(no_site_policy, backups_to_keep="-3")
    window = started()
    label = window.findChild(QLabel, "noticeLabel")
    assert "backups_to_keep = '-3' is ignored" in label.toolTip()


def test_the_site_language_beats_the_saved_choice_and_the_menu(
        qtbot, no_site_policy: Path) -> None:
    write_site(no_site_policy, language="ko")
    args = argparse.Namespace(lang="en", lang_given=True)
    assert choose_language(args, "en") == "ko"
    window = MainWindow(db_path=paths.database_path(), lang="ko", prompts=ScriptedPrompts())
    qtbot.addWidget(window)
    from gepnet_desktop.ui.window.site_notes import attach

    attach(window)
    assert not window.commands["lang_en"].isEnabled()
    # said in the window's language, naming the policy file
    assert window.commands["lang_ko"].toolTip() == tr(
        "ui.site_policy.fixed", "ko", path=site_policy.current().path)
    assert "사이트 정책" in window.commands["lang_ko"].toolTip()


def test_an_upgrade_is_said_once_in_an_information_message(started) -> None:
    path = paths.database_path()
    db = connect(path)
    migrate(db, path, upto=4)
    db.close()
    window = started()
    infos = [c for c in window.prompts.calls if c[0] == "info"]
    [copy] = path.parent.glob(f"gepnet.before-{__version__}-from-schema4-*.db")
    assert len(infos) == 1
    assert infos[0][2].startswith(f"GEP-NET Pathway {__version__} upgraded the database {path} "
                                  "from schema 4")
    assert str(copy) in infos[0][2]
