"""The window's save path killed (SIGKILL) at the worst moments, in a child process on a real
database: inside the write transaction, and just after Ctrl+S returned. Nothing half-done,
nothing that returned lost, and the typed case kept as a draft until it is saved."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from gepnet_desktop import paths
from gepnet_desktop.store import CaseQuery, Store
from gepnet_desktop.ui.form.drafts import DraftStore

CHILD = textwrap.dedent("""
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtTest import QTest
    from gepnet_desktop import paths
    from gepnet_desktop.store import audit
    from gepnet_desktop.ui.window.app import application
    from gepnet_desktop.ui.window.main_window import MainWindow

    where, code = sys.argv[1], sys.argv[2]
    real_record = audit.record

    def held_record(*args, **kwargs):  # inside the save's write transaction
        real_record(*args, **kwargs)
        print("writing", flush=True)
        sys.stdin.readline()  # held open until killed

    if where == "inside":
        audit.record = held_record
    app = application()
    window = MainWindow(db_path=paths.database_path())
    window.show()
    assert window.finish_start()
    window.new_case()
    window.form.focus_field("case_code")
    QTest.keyClicks(window.form.editor("case_code"), code)
    window.form.focus_field("notes")
    QTest.keyClicks(window.form.editor("notes"), "typed before the kill")
    window.save_draft()
    assert window.save()
    print("saved", flush=True)
    sys.stdin.readline()  # killed here
""")


def kill_after(line: str, *args: str) -> None:
    """Run the child until it prints `line`, then SIGKILL it."""
    with subprocess.Popen([sys.executable, "-c", CHILD, *args], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True,
                          env=os.environ | {paths.ENV_VAR: str(paths.data_dir())}) as child:
        try:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == line
        finally:
            child.kill()
            child.wait(timeout=30)


def stored_codes() -> list[str]:
    with Store.open(paths.database_path(), verify=True) as store:
        return sorted(r.case_code for r in store.search(CaseQuery(include_deleted=True)))


def draft_codes() -> list[str]:
    drafts = DraftStore(paths.data_dir() / "drafts")
    return [data.get("case_code") for _key, data in drafts.load_all()]


def test_a_save_killed_inside_its_transaction_leaves_no_trace_and_keeps_the_draft():
    kill_after("saved", "after", "KEPT-1")  # a first case, saved before the kill
    assert stored_codes() == ["KEPT-1"]
    assert draft_codes() == []  # saved: its draft went with it
    kill_after("writing", "inside", "LOST-1")
    assert stored_codes() == ["KEPT-1"]  # the killed save left nothing, not half a case
    assert draft_codes() == ["LOST-1"]  # the typed case comes back at the next start
    drafts = DraftStore(paths.data_dir() / "drafts").load_all()
    assert json.dumps(drafts, ensure_ascii=False).count("typed before the kill") == 1
    assert not list(Path(paths.data_dir()).glob(".restore-*"))
