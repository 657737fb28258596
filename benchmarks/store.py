"""The store at clinic scale: import of 100,000 cases (target < 60 s), search at 100,000 cases
(< 50 ms), one save (< 20 ms); also export, backup, check, a pathway refresh, automatic
backup (made, then skipped) and restore.

Run: .venv/bin/python benchmarks/store.py [N]     (prints figures; asserts nothing)
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from gepnet_desktop.case import validate_case
from gepnet_desktop.case.sample import random_case_dict
from gepnet_desktop.clinic import open_clinic
from gepnet_desktop.store import (
    CaseQuery,
    auto_backup,
    backup_database,
    check_database,
    export_cases,
    import_cases,
    restore_database,
)

NOTES = ["liver metastases on MRI", "간 전이 확인", "reviewed at the tumour board",
         "octreotide scan positive", "follow-up CT in 3 months", "chromogranin A rising",
         "Ki-67 re-biopsy planned", "PRRT discussed with nuclear medicine", "수술 불가 판정"]


def cases_file(folder: Path, n: int) -> Path:
    rng = random.Random(2021)
    items = []
    for i in range(n):
        case = random_case_dict(rng, code=f"K-{i:06d}")
        if rng.random() < 0.6:
            case["notes"] = " ".join(rng.sample(NOTES, rng.randint(1, 3)))
        items.append(case)
    path = folder / "cases.json"
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    return path


def timed(fn: Callable[[], object], repeat: int = 5) -> tuple[float, object]:
    """Median milliseconds of `repeat` runs (after one warm-up run), and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), result


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = cases_file(folder, n)
        store = open_clinic(folder / "data" / "gepnet.db", user="bench")

        t0 = time.perf_counter()
        report = import_cases(store, source)
        took = time.perf_counter() - t0
        assert report.added == n
        print(f"import of {n:,} cases (JSON, validated, evaluated, audited, one transaction): "
              f"{took:.1f} s  (target < 60 s)")

        queries = {
            "first page, newest first": (CaseQuery(), 0),
            "first page by case code": (CaseQuery(sort="case_code", descending=False), 0),
            "first page by site": (CaseQuery(sort="primary_site"), 0),
            "first page by grade": (CaseQuery(sort="who_grade", descending=False), 0),
            "first page by recommendation": (CaseQuery(sort="recommendation_node"), 0),
            "last page (offset n-200)": (CaseQuery(), max(0, n - 200)),
            "site = pancreas": (CaseQuery(site="pancreas"), 0),
            "site + grade, by code": (CaseQuery(site="pancreas", grade="G2",
                                                sort="case_code"), 0),
            "recommendation = ssa_first_line": (CaseQuery(recommendation="ssa_first_line"), 0),
            "text: a case code 'K-012345'": (CaseQuery(text="K-012345"), 0),
            "text: common words 'metastases'": (CaseQuery(text="metastases"), 0),
            "text: Korean '간 전이'": (CaseQuery(text="간 전이"), 0),
            "text: no match 'zzzz'": (CaseQuery(text="zzzz"), 0),
            "text: 2 characters 'K-'": (CaseQuery(text="K-"), 0),
            "text: rare 2 characters '불가'": (CaseQuery(text="불가"), 0),
            "text + site, by grade": (CaseQuery(text="tumour", site="rectum",
                                                sort="who_grade"), 0),
        }
        print(f"search at {n:,} cases (page of 200, median of 5; target < 50 ms):")
        worst = 0.0
        for label, (query, offset) in queries.items():
            ms_page, _ = timed(lambda q=query, o=offset: store.search(q, limit=200, skip=o))
            ms_count, count = timed(lambda q=query: store.count(q))
            worst = max(worst, ms_page, ms_count)
            print(f"  {label:36s} page {ms_page:6.1f} ms   count {ms_count:6.1f} ms "
                  f"({count:,} rows)")
        print(f"  slowest: {worst:.1f} ms")

        rng = random.Random(7)
        creates, updates = [], []
        for i in range(200):
            case = validate_case(random_case_dict(rng, code=f"S-{i:04d}"),
                                 require_code=True).case
            t0 = time.perf_counter()
            saved = store.create(case)
            creates.append((time.perf_counter() - t0) * 1000)
            saved.notes = "edited"
            t0 = time.perf_counter()
            store.update(saved)
            updates.append((time.perf_counter() - t0) * 1000)
        print(f"one save at {n:,} cases (synchronous=FULL): create median "
              f"{statistics.median(creates):.1f} ms, p95 "
              f"{sorted(creates)[int(len(creates) * 0.95)]:.1f} ms; update median "
              f"{statistics.median(updates):.1f} ms, p95 "
              f"{sorted(updates)[int(len(updates) * 0.95)]:.1f} ms  (target < 20 ms)")

        for fmt in ("json", "csv"):
            t0 = time.perf_counter()
            export_cases(store, folder / f"export.{fmt}")
            print(f"export {fmt}: {time.perf_counter() - t0:.1f} s "
                  f"({(folder / f'export.{fmt}').stat().st_size / 1e6:.0f} MB)")
        t0 = time.perf_counter()
        backup_database(store, folder / "backup.db")
        print(f"backup (online backup API): {time.perf_counter() - t0:.1f} s "
              f"({(folder / 'backup.db').stat().st_size / 1e6:.0f} MB)")
        t0 = time.perf_counter()
        problems = check_database(store.path)
        print(f"check (integrity, foreign keys, search index, every record): "
              f"{time.perf_counter() - t0:.1f} s, {len(problems)} problems")
        store.recommend_version = "changed@2"
        t0 = time.perf_counter()
        refreshed = store.refresh_derived()
        print(f"refresh of the stored recommendation after a pathway change: "
              f"{time.perf_counter() - t0:.1f} s for {refreshed:,} cases")
        t0 = time.perf_counter()
        auto_backup(store)
        made = time.perf_counter() - t0
        t0 = time.perf_counter()
        skipped = auto_backup(store) is None
        print(f"automatic backup at start: {made:.1f} s; at the next start without a change: "
              f"{(time.perf_counter() - t0) * 1000:.0f} ms ({'skipped' if skipped else 'made'})")
        store.close()
        t0 = time.perf_counter()
        restore_database(store.path, folder / "backup.db")
        print(f"restore (verify, keep the current database aside, write): "
              f"{time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
