"""The cohort figures at clinic scale (issue 12): `compute_cohort` over N cases (default
100,000) with board decisions, as a ratio to a raw sqlite3 anchor measured in the same run (one
GROUP BY over the cases and one pass over the lines with the same date arithmetic), and the
peak Python memory of the computation (tracemalloc), which stays flat as N grows.

Run: .venv/bin/python benchmarks/cohort.py [N]     (prints figures; asserts nothing)
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from store import cases_file

from gepnet_desktop.case.decision import DECISIONS, REASONS, BoardDecision, Snapshot
from gepnet_desktop.clinic import open_clinic
from gepnet_desktop.store import import_cases
from gepnet_desktop.store.cohort import compute_cohort
from gepnet_desktop.store.db import write_transaction
from gepnet_desktop.store.decisions import insert

ANCHOR = ("SELECT recommendation_node, count(*) FROM cases WHERE deleted_at IS NULL GROUP BY 1",
          "SELECT regimen, count(*), sum(julianday(coalesce(progression_date, end_date, "
          "'2026-01-01')) - julianday(start_date)) FROM lines WHERE start_date IS NOT NULL "
          "GROUP BY regimen")


def timed(fn: Callable[[], object], repeat: int = 5) -> float:
    """Median milliseconds of `repeat` runs after one warm-up."""
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def add_decisions(store, share: float = 0.3) -> int:
    """Board decisions for a share of the cases, in one audited transaction."""
    rng = random.Random(12)
    rows = store.db.execute("SELECT uuid, recommendation_node FROM cases").fetchall()
    n = 0
    with write_transaction(store.db):
        for case_uuid, node in rows:
            if rng.random() >= share:
                continue
            options = ("lanreotide", "everolimus") if node else ()
            decision = rng.choice([*options, *DECISIONS[:6]])
            day = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randint(0, 1400))
            d = BoardDecision(day.isoformat(), decision, Snapshot("kr", "2.0.0", node, options),
                              reason=None if decision in options else rng.choice(REASONS),
                              reason_text="bench")
            stamp = "2026-01-01T00:00:00.000+00:00"
            insert(store, d.with_changes(uuid=str(uuid.uuid4()), case_uuid=case_uuid,
                                         revision=1, created_at=stamp, updated_at=stamp),
                   action="decision_record")
            n += 1
    return n


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = cases_file(folder, n)
        db_path = folder / "data" / "gepnet.db"
        with open_clinic(db_path, user="bench") as store:
            t0 = time.perf_counter()
            import_cases(store, source)
            print(f"setup: {n:,} cases imported in {time.perf_counter() - t0:.1f} s")
            decisions = add_decisions(store)
            print(f"setup: {decisions:,} board decisions recorded")

            def cohort() -> object:
                return compute_cohort(store)

            ms = timed(cohort, repeat=3)
            tracemalloc.start()
            result = compute_cohort(store)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        raw = sqlite3.connect(db_path)

        def anchor() -> object:
            return [raw.execute(sql).fetchall() for sql in ANCHOR]

        anchor_ms = timed(anchor, repeat=3)
        raw.close()
        print(f"cohort figures at {n:,} cases: {ms:.0f} ms (target < 2,000 ms); raw sqlite3 "
              f"anchor {anchor_ms:.0f} ms; ratio {ms / anchor_ms:.1f}")
        print(f"  peak Python memory of one computation: {peak / 1e6:.1f} MB; "
              f"{len(result.pfs)} PFS groups, {result.decisions:,} decisions, "
              f"{result.due_for_review:,} due for review")


if __name__ == "__main__":
    main()
