"""Every command records the package's warnings and errors in the data dir's log file (readable
by its owner only, no case codes), not on standard error, where a notice is said once; when the
log file cannot be written, the command says so and the warnings reach standard error."""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path

import pytest

from gepnet_desktop import clinic, logs, paths
from gepnet_desktop.cli import main
from tests.conftest import EXAMPLES
from tests.store.contract1 import contract1_cases, old_schema_file

SAID = "recommendation could not be computed for case"


@pytest.fixture(autouse=True)
def fresh_logging():
    """Each test configures the package's logging anew, and leaves no handler behind."""
    def forget() -> None:
        root = logging.getLogger("gepnet_desktop")
        for handler in list(root.handlers):
            if getattr(handler, "_gepnet", False):
                root.removeHandler(handler)
                handler.close()
        logs._configured = None

    forget()
    yield
    forget()


def _cases_file(tmp_path: Path) -> Path:
    examples = json.loads((EXAMPLES / "cases.json").read_text(encoding="utf-8"))[:2]
    path = tmp_path / "cases.json"
    path.write_text(json.dumps([c | {"case_code": f"LOG-CODE-{i}", "notes": ""}
                                for i, c in enumerate(examples)]), encoding="utf-8")
    return path


def _failing_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kw: object) -> None:
        raise ValueError("the walk failed")

    monkeypatch.setattr(clinic, "evaluate", broken)


def test_a_warning_during_an_import_is_in_the_log_file_not_on_stderr(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    _failing_walk(monkeypatch)
    code = main(["import", str(_cases_file(tmp_path))])
    out, err = capsys.readouterr()
    assert code == 0 and "2 added" in out
    assert err == ""
    text = paths.log_file().read_text(encoding="utf-8")
    assert text.count(SAID) == 2
    assert "LOG-CODE" not in text  # no identifiers
    if os.name == "posix":
        assert stat.S_IMODE(paths.log_file().stat().st_mode) == 0o600


def test_an_upgrade_notice_is_said_once_on_stderr_and_recorded(capsys) -> None:
    old_schema_file(paths.database_path(), contract1_cases(3), 5)
    code = main(["cases", "list", "--json"])
    out, err = capsys.readouterr()
    assert code == 0 and len(json.loads(out)) == 3
    [notice] = err.splitlines()
    assert "upgraded the database" in notice and "from schema 5" in notice
    assert notice in paths.log_file().read_text(encoding="utf-8")


def test_a_log_file_that_cannot_be_written_is_said_and_warnings_reach_stderr(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    logs_folder = paths.data_dir() / "logs"
    logs_folder.write_text("")  # a file where the log folder should be
    _failing_walk(monkeypatch)
    code = main(["import", str(_cases_file(tmp_path))])
    out, err = capsys.readouterr()
    assert code == 0 and "2 added" in out
    lines = err.splitlines()
    assert lines[0] == logs.problem and "cannot be written" in lines[0]
    assert sum(SAID in line for line in lines) == 2 and "LOG-CODE" not in err
    assert len(lines) == 3


def test_the_log_file_stays_private_after_it_rolls_over() -> None:
    assert logs.setup_logging() is None
    [handler] = [h for h in logging.getLogger("gepnet_desktop").handlers
                 if getattr(h, "_gepnet", False)]
    assert isinstance(handler, logging.handlers.RotatingFileHandler)
    logging.getLogger("gepnet_desktop.test").warning("before the rollover")
    old_umask = os.umask(0o022)
    try:
        handler.doRollover()
    finally:
        os.umask(old_umask)
    logging.getLogger("gepnet_desktop.test").warning("after the rollover")
    current, rolled = paths.log_file(), Path(f"{paths.log_file()}.1")
    assert "after the rollover" in current.read_text(encoding="utf-8")
    assert "before the rollover" in rolled.read_text(encoding="utf-8")
    if os.name == "posix":
        assert stat.S_IMODE(current.stat().st_mode) == 0o600
        assert stat.S_IMODE(rolled.stat().st_mode) == 0o600


def test_a_command_that_logs_nothing_leaves_no_data_folder(capsys) -> None:
    code = main(["evaluate", str(EXAMPLES / "cases.json"), "--json"])
    out, err = capsys.readouterr()
    assert code == 0 and json.loads(out) and err == ""
    assert not paths.data_dir(create=False).exists()
    logging.getLogger("gepnet_desktop.test").warning("a later warning")  # the file made now
    assert "a later warning" in paths.log_file().read_text(encoding="utf-8")
