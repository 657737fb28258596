"""Text search: the store's own FTS5 arrangement against sqlite-utils' `enable_fts`, same rows.

Issue 10 asked whether sqlite-utils' full-text support (`Table.enable_fts(..., tokenize="trigram",
create_triggers=True)` and `Table.search`) should replace the hand-written one of migration 4 (a
narrow `case_text` table keyed by the stable `seq`, its trigram index, triggers on the text
columns only). Both are built on copies of one database of N cases (a real store, rows inserted
with raw SQL), and measured in the same run:

- a page of 200 search hits sorted by last change, for a rare text (one case code) and a common one
  (a word in a third of the notes); the store through `Store.search`, sqlite-utils through
  `Table.search(order_by=...)`;
- a recommendation refresh: one non-text column updated on every row (what a pathway update does);
- correctness after deleting 1% of the cases and a VACUUM (which renumbers the implicit rowids of a
  table without an INTEGER PRIMARY KEY, as `cases` is): do the hits still name the right cases?

Run: `.venv/bin/python benchmarks/fts_choice.py [N ...] [--runs R]`   (prints figures, asserts
nothing; default N = 100000).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlite_utils import Database  # noqa: E402

from gepnet_desktop.store import CaseQuery, Store  # noqa: E402

WORDS = ("liver", "octreotide", "flushing", "carcinoid", "pancreas", "ileum", "board", "stable")


def build(path: Path, n: int) -> str:
    """A real store of `n` cases inserted with raw SQL (the triggers fill the search text)."""
    Store.open(path).close()
    rng = random.Random(7)
    rare = ""
    with sqlite3.connect(path) as conn:
        rows = []
        for i in range(n):
            code = f"SNUH-{i:07d}"
            rare = code if i == n // 2 else rare
            notes = " ".join(rng.choice(WORDS[1:]) for _ in range(6))
            if i % 3 == 0:
                notes += " liver"
            stamp = f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T10:{i % 60:02d}:00Z"
            rows.append((str(uuid.UUID(int=rng.getrandbits(128), version=4)), code, notes,
                         stamp, stamp, 1, i + 1))
        conn.executemany("INSERT INTO cases (uuid, case_code, notes, created_at, updated_at, "
                         "revision, seq) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    return rare


def to_sqlite_utils(path: Path) -> None:
    """The same database with the store's search tables replaced by sqlite-utils' own."""
    db = Database(path)
    for trigger in ("case_text_insert", "case_text_update", "case_text_fts_insert",
                    "case_text_fts_delete"):
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    db.execute("DROP TABLE IF EXISTS case_text_fts")
    db.execute("DROP TABLE IF EXISTS case_text")
    db["cases"].enable_fts(["case_code", "notes"], tokenize="trigram", create_triggers=True)
    db.conn.commit()
    db.close()


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def ours_page(store: Store, text: str) -> list[str]:
    return [r.case_code for r in store.search(CaseQuery(text=text), None, 200)]


def theirs_page(db: Database, text: str) -> list[str]:
    return [r["case_code"] for r in db["cases"].search(
        f'"{text}"', order_by="original.updated_at desc, original.case_code desc",
        columns=["case_code", "updated_at"], limit=200, where="deleted_at IS NULL")]


def refresh(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE cases SET recommendation_node = 'ssa_first_line', "
                     "recommend_label = 1")


def after_vacuum(path: Path, code: str, ours: bool) -> bool:
    """Delete 1% of the cases, VACUUM, then look one surviving case up by its code."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("DELETE FROM audit")
        conn.execute("DELETE FROM cases WHERE seq % 100 = 1")
    with sqlite3.connect(path) as conn:
        conn.execute("VACUUM")
    if ours:
        store = Store.open(path)
        try:
            return ours_page(store, code) == [code]
        finally:
            store.close()
    db = Database(path)
    try:
        return theirs_page(db, code) == [code]
    finally:
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="*", type=int, default=[100_000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"SQLite {sqlite3.sqlite_version}; medians of {args.runs} runs")
    for n in args.n:
        with tempfile.TemporaryDirectory() as tmp:
            ours, theirs = Path(tmp, "ours.db"), Path(tmp, "theirs.db")
            rare = build(ours, n)
            shutil.copy(ours, theirs)
            to_sqlite_utils(theirs)
            print(f"\n{n:,} cases")
            store, db = Store.open(ours), Database(theirs)
            for label, text in (("rare text (one case code)", rare),
                                ("common text (a third of the notes)", "liver")):
                a = median_ms(lambda s=store, t=text: ours_page(s, t), args.runs)
                b = median_ms(lambda d=db, t=text: theirs_page(d, t), args.runs)
                same = ours_page(store, text) == theirs_page(db, text)
                print(f"  page of 200, {label}: store {a:8.1f} ms   sqlite-utils {b:8.1f} ms"
                      f"   ratio {b / a:5.2f}   same page: {same}")
            store.close()
            db.close()
            a = median_ms(lambda p=ours: refresh(p), 1)
            b = median_ms(lambda p=theirs: refresh(p), 1)
            print(f"  recommendation refresh of every row: store {a:8.0f} ms   sqlite-utils "
                  f"{b:8.0f} ms   ratio {b / a:5.2f}")
            sizes = [p.stat().st_size / n for p in (ours, theirs)]
            print(f"  bytes per case: store {sizes[0]:.0f}   sqlite-utils {sizes[1]:.0f}")
            survivor = f"SNUH-{n - 2:07d}"
            print(f"  after deleting 1% and VACUUM, a case found by its code: "
                  f"store {after_vacuum(ours, survivor, True)}   sqlite-utils "
                  f"{after_vacuum(theirs, survivor, False)}")


if __name__ == "__main__":
    main()
