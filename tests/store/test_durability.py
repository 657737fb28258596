"""A process killed in the middle of a write leaves the last committed state."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from gepnet_desktop.store import CaseQuery, Store, check_database

from .helpers import make_case, open_store, random_cases

CHILD = textwrap.dedent("""
    import sys
    from gepnet_desktop.store import Store, import_cases

    store = Store.open(sys.argv[1])

    def progress(done, total):
        if done > total // 2:  # writing: the import's transaction is open
            print("writing", flush=True)
            sys.stdin.readline()  # hold the transaction open until killed
        return True

    import_cases(store, sys.argv[2], progress=progress)
""")


def test_killed_during_an_import_keeps_the_last_commit(tmp_path: Path) -> None:
    db = tmp_path / "gepnet.db"
    with open_store(db) as store:
        kept = store.create(make_case("KEPT-1"))
    source = tmp_path / "cases.json"
    source.write_text(json.dumps([c.to_dict() for c in random_cases(1500)]), encoding="utf-8")
    with subprocess.Popen([sys.executable, "-c", CHILD, str(db), str(source)],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as child:
        try:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "writing"
        finally:
            child.kill()
            child.wait(timeout=30)
    assert check_database(db) == []
    with Store.open(db) as store:
        assert [r.uuid for r in store.search(CaseQuery(include_deleted=True))] == [kept.uuid]
        assert store.create(make_case("AFTER-1")).revision == 1
