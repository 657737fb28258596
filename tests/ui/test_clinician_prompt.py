"""The start-up prompt for the clinician's name (setting `ask_clinician`)."""

from __future__ import annotations

import json
from pathlib import Path

from gepnet_desktop.store import Store, audit
from gepnet_desktop.ui.window.clinician_prompt import ask_clinician

from ..store.helpers import make_case


def settings(folder: Path, **values: object) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.json").write_text(json.dumps(values), encoding="utf-8")


def test_the_name_typed_at_start_is_recorded_and_offered_next_time(tmp_path: Path) -> None:
    settings(tmp_path, ask_clinician=True)
    asked: list[str] = []

    def ask(_parent, _title, label, default):
        asked.append(default)
        assert audit.os_user() in label
        return "  Dr  Kim "

    try:
        assert ask_clinician(None, tmp_path, ask=ask) == "Dr Kim"
        with Store.open(tmp_path / "db" / "gepnet.db") as store:
            case = store.create(make_case("A-1"))
            assert store.history(case.uuid or "")[0].clinician == "Dr Kim"
        assert json.loads((tmp_path / "settings.json").read_text())["clinician"] == "Dr Kim"
        ask_clinician(None, tmp_path, ask=lambda *_: None)  # cancelled: the last name stays
        assert audit.session_clinician() == "Dr Kim"
        ask_clinician(None, tmp_path, ask=ask)
        assert asked == ["", "Dr Kim"]
    finally:
        audit.set_clinician(None)


def test_without_the_setting_nobody_is_asked(tmp_path: Path) -> None:
    settings(tmp_path, clinician="Dr Lee")

    def never(*_args):
        raise AssertionError("asked")

    try:
        assert ask_clinician(None, tmp_path, ask=never) == "Dr Lee"
    finally:
        audit.set_clinician(None)
    settings(tmp_path)
    assert ask_clinician(None, tmp_path, ask=never) is None
