"""Drafts: atomic files in the data dir, written while the form is dirty, read back after a
simulated crash, removed when the form is clean again."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from gepnet_desktop.case import Case, Line, validate_case
from gepnet_desktop.ui.form.case_form import CaseForm
from gepnet_desktop.ui.form.drafts import DraftAutosaver, DraftStore, default_folder


@pytest.fixture
def store(data_dir: Path) -> DraftStore:
    return DraftStore(default_folder())


def _form(qtbot) -> CaseForm:
    form = CaseForm("en")
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    form.activateWindow()
    return form


def _draft_on_disk(store: DraftStore, key: str) -> dict | None:
    path = store.path(key)
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))["data"]


def test_the_drafts_folder_is_in_the_data_dir(data_dir: Path) -> None:
    assert default_folder() == data_dir / "drafts"


def test_save_load_and_discard(store: DraftStore) -> None:
    assert store.load_all() == []
    first = {"case_code": "D-1", "ki67_percent": 4, "lines": []}
    second = {"uuid": "0f6c", "case_code": "환자-2", "notes": "메모", "lines": []}
    store.save("new", first)
    store.save("0f6c", second)
    store.save("new", {**first, "ki67_percent": 5})  # replaced, not added
    drafts = dict(store.load_all())
    assert drafts == {"new": {**first, "ki67_percent": 5}, "0f6c": second}
    assert not [p for p in store.folder.iterdir() if p.suffix == ".tmp"]
    store.discard("new")
    store.discard("new")  # twice is fine
    assert [key for key, _ in store.load_all()] == ["0f6c"]


def test_a_failed_write_keeps_the_previous_draft(store: DraftStore, monkeypatch) -> None:
    store.save("new", {"case_code": "old"})

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        store.save("new", {"case_code": "new"})
    monkeypatch.undo()
    assert store.load_all() == [("new", {"case_code": "old"})]
    assert [p.name for p in store.folder.iterdir()] == ["new.draft.json"]


def test_keys_cannot_leave_the_folder(store: DraftStore) -> None:
    for bad in ("../x", "", "a/b", "x" * 65):
        with pytest.raises(ValueError, match="draft key"):
            store.save(bad, {})


def test_an_unreadable_draft_is_skipped_and_logged_without_its_content(
        store: DraftStore, caplog) -> None:
    store.save("good", {"case_code": "G-1"})
    store.folder.joinpath("bad.draft.json").write_text('{"data": {"case_code": "SECRET-9"', "utf-8")
    with caplog.at_level(logging.WARNING, logger="gepnet_desktop"):
        assert store.load_all() == [("good", {"case_code": "G-1"})]
    assert "bad.draft.json" in caplog.text and "SECRET" not in caplog.text


def test_a_crash_loses_at_most_the_field_being_typed(qtbot, store: DraftStore) -> None:
    form = _form(qtbot)
    DraftAutosaver(form, store, delay_ms=10_000)  # only a change of field writes here
    form.focus_field("case_code")
    qtbot.keyClicks(form.editor("case_code"), "C-42")
    form.focus_field("ki67_percent")
    qtbot.keyClicks(form.editor("ki67_percent"), "1")
    # the first keystroke in the next field has kept the whole previous field
    assert _draft_on_disk(store, "new")["case_code"] == "C-42"
    qtbot.keyClicks(form.editor("ki67_percent"), "7")
    form.focus_field("sex")
    qtbot.keyClick(form.editor("sex"), Qt.Key.Key_Down)
    assert _draft_on_disk(store, "new")["ki67_percent"] == 17


def test_a_draft_is_written_soon_after_an_edit_and_restored_after_a_crash(
        qtbot, store: DraftStore) -> None:
    form = _form(qtbot)
    case = validate_case({"case_code": "R-1", "differentiation": "well", "ki67_percent": 4,
                          "lines": [{"regimen": "lanreotide", "outcome": "ongoing"}]}).case
    case.uuid, case.revision = "5e0c6b0e-1f0b-4a5e-9c4e-3f1f2a0b9d77", 2
    form.load(case)
    DraftAutosaver(form, store, delay_ms=50)
    form.focus_field("ki67_percent")
    qtbot.keyClick(form.editor("ki67_percent"), Qt.Key.Key_End)
    qtbot.keyClicks(form.editor("ki67_percent"), "2")
    form.lines_editor.add_line()
    form.lines_editor.model.setData(form.lines_editor.model.index(1, 0), "everolimus")
    expected = form.data()
    qtbot.waitUntil(lambda: _draft_on_disk(store, case.uuid) == expected)

    # the crash: the window is gone without saving; the next run reads the folder afresh
    form.close()
    drafts = DraftStore(store.folder).load_all()
    assert drafts == [(case.uuid, expected)]
    restored = _form(qtbot)
    restored.load(case)
    restored.set_data(drafts[0][1])
    assert restored.data() == expected
    assert restored.is_dirty()
    assert restored.editor("ki67_percent").lineEdit().text() == "42"
    assert restored.lines_editor.model.rowCount() == 2


def test_the_draft_goes_when_the_form_is_saved_or_undone(qtbot, store: DraftStore) -> None:
    form = _form(qtbot)
    saver = DraftAutosaver(form, store)
    form.focus_field("case_code")
    qtbot.keyClicks(form.editor("case_code"), "S-1")
    saver.flush()
    assert _draft_on_disk(store, "new") is not None
    saved = Case(case_code="S-1", uuid="9d1c", revision=1)
    form.mark_saved(saved)
    assert store.load_all() == []

    qtbot.keyClicks(form.editor("case_code"), "0")
    saver.flush()
    assert _draft_on_disk(store, "9d1c")["case_code"] == "S-10"
    form.undo_stack.undo()
    assert not form.is_dirty() and store.load_all() == []


def test_loading_another_case_keeps_no_draft_of_a_clean_form(qtbot, store: DraftStore) -> None:
    form = _form(qtbot)
    saver = DraftAutosaver(form, store)
    form.load(Case(case_code="A", uuid="aaaa", revision=1, lines=[Line("captem", "completed")]))
    saver.flush()
    assert store.load_all() == []
