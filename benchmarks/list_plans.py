"""The case list at registry scale: bytes per case by table and index (dbstat), and the first
page (200 rows) of every filter x sort, both directions, beside one raw indexed SELECT of 200
rows measured in the same run.

    build: .venv/bin/python benchmarks/list_plans.py build DB [N]   (N: 1,000,000 by default)
    measure: .venv/bin/python benchmarks/list_plans.py DB

`build` imports 100,000 cases through the store, multiplies the rows by SQL (new uuid, seq and
case code per copy; the audit is not copied), spreads updated_at over five years and puts
every case of the rarest site at the oldest updated_at (the walk's worst case: its matches at
the far end of the sort order). Prints tables; asserts nothing.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BASE = 100_000
PAGE = 200
FILTERS = (("site", "primary_site"), ("grade", "who_grade"),
           ("recommendation", "recommendation_node"))


def build(path: Path, n: int) -> None:
    from run import cases_file  # benchmarks/run.py

    from gepnet_desktop.clinic import open_clinic
    from gepnet_desktop.store import import_cases

    base = min(n, BASE)
    with tempfile.TemporaryDirectory() as tmp:
        source = cases_file(Path(tmp), base)
        store = open_clinic(path, new=True, user="bench")
        t0 = time.perf_counter()
        import_cases(store, source)
        store.close()
    print(f"imported {base:,} cases in {time.perf_counter() - t0:.0f} s", flush=True)
    conn = sqlite3.connect(path, isolation_level=None)
    case_cols = [r[1] for r in conn.execute("PRAGMA table_info(cases)")]
    line_cols = [r[1] for r in conn.execute("PRAGMA table_info(lines)")]
    # a copy's uuid: the version digit (4 in every uuid4) replaced by another, one per copy
    new_uuid = "substr({0}, 1, 14) || substr('012356789', :k, 1) || substr({0}, 16)"
    made = {"uuid": new_uuid.format("uuid"), "seq": "seq + :k * :base",
            "case_code": "'R' || :k || substr(case_code, 2)"}
    t0 = time.perf_counter()
    conn.execute("BEGIN")
    conn.execute("CREATE TEMP TABLE base_lines AS SELECT * FROM lines")
    conn.execute("CREATE TEMP TABLE base_cases AS SELECT * FROM cases")
    for k in range(1, (n + base - 1) // base):
        conn.execute(f"INSERT INTO cases ({', '.join(case_cols)}) SELECT "
                     f"{', '.join(made.get(c, c) for c in case_cols)} FROM base_cases",
                     {"k": k, "base": base})
        conn.execute(f"INSERT INTO lines ({', '.join(line_cols)}) SELECT "
                     f"{new_uuid.format('case_uuid')}, "
                     f"{', '.join(line_cols[1:])} FROM base_lines", {"k": k})
    conn.execute("UPDATE cases SET updated_at = strftime('%Y-%m-%dT%H:%M:%f', "
                 "1600000000 + abs(random()) % 157680000, 'unixepoch')")
    rare = conn.execute("SELECT primary_site FROM cases WHERE primary_site IS NOT NULL "
                        "GROUP BY 1 ORDER BY count(*) LIMIT 1").fetchone()[0]
    conn.execute("UPDATE cases SET updated_at = strftime('%Y-%m-%dT%H:%M:%f', "
                 "1500000000 + seq, 'unixepoch') WHERE primary_site = ?", (rare,))
    conn.execute("COMMIT")
    conn.execute("VACUUM")
    total = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    print(f"multiplied to {total:,} cases in {time.perf_counter() - t0:.0f} s; "
          f"site {rare!r} clustered at the oldest updated_at", flush=True)
    conn.close()


def sizes(path: Path) -> None:
    conn = sqlite3.connect(path)
    n = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name "
                        "ORDER BY 2 DESC").fetchall()
    total = sum(size for _name, size in rows)
    audit = sum(size for name, size in rows if name.startswith("audit"))
    print(f"\n{n:,} cases, schema {conn.execute('PRAGMA user_version').fetchone()[0]}: "
          "bytes per case")
    for name, size in rows:
        if size / n >= 1:
            print(f"  {name:36} {size / n:8.1f}")
    print(f"  {'total':36} {total / n:8.1f}\n  {'total without the audit':36} "
          f"{(total - audit) / n:8.1f}")
    conn.close()


def best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times) * 1000


def timings(path: Path) -> None:
    from gepnet_desktop.store import SORT_COLUMNS, CaseQuery
    from gepnet_desktop.store.db import connect
    from gepnet_desktop.store.search import search_page

    db = connect(path)
    anchor = best(lambda: db.execute("SELECT uuid, case_code, updated_at FROM cases "
                                     "INDEXED BY cases_updated ORDER BY updated_at DESC, "
                                     "case_code DESC LIMIT 200").fetchall(), 20)
    clustered = db.execute("SELECT primary_site FROM cases INDEXED BY cases_updated "
                           "ORDER BY updated_at LIMIT 1").fetchone()[0]
    values: list[tuple[str, str, str]] = []
    for attr, column in FILTERS:
        found = db.execute(f"SELECT {column}, count(*) FROM cases WHERE {column} IS NOT NULL "
                           "GROUP BY 1 ORDER BY 2 DESC").fetchall()
        for (value, n), which in ((found[0], "most common"), (found[-1], "rarest")):
            mark = ", clustered" if attr == "site" and value == clustered else ""
            values.append((attr, value, f"{attr} {which} ({n:,}{mark})"))
    print(f"\nfirst page of {PAGE} rows, ms (best of 3); anchor: one raw indexed SELECT of "
          f"{PAGE} rows {anchor:.2f} ms; clustered: every case of that site has an older "
          "updated_at than any other case")
    print(f"  {'filter':40}" + "".join(f"{s[:12]:>14}" for s in SORT_COLUMNS) + "   worst/anchor")
    worst_all = 0.0
    for attr, value, name in [("", "", "no filter"), *values]:
        cells, worst = [], 0.0
        for sort in SORT_COLUMNS:
            given = {attr: value} if attr else {}
            queries = [CaseQuery(sort=sort, descending=d, **given) for d in (False, True)]
            ms = max(best(lambda q=q: search_page(db, q, limit=PAGE)) for q in queries)
            cells.append(ms)
            worst = max(worst, ms)
        worst_all = max(worst_all, worst)
        print(f"  {name:40}" + "".join(f"{c:14.1f}" for c in cells) + f"{worst / anchor:14.0f}x")
    print(f"  worst of all: {worst_all:.1f} ms ({worst_all / anchor:.0f}x the anchor)")
    db.close()


def migrate_copy(path: Path, target: Path) -> None:
    from gepnet_desktop.store.db import connect
    from gepnet_desktop.store.migrations import SCHEMA_VERSION, migrate

    shutil.copy(path, target)
    db = connect(target)
    t0 = time.perf_counter()
    migrate(db, target, keep_copy=False)
    print(f"migrated {target.name} to schema {SCHEMA_VERSION} in "
          f"{time.perf_counter() - t0:.1f} s")
    db.execute("VACUUM")
    db.close()


def main() -> None:
    args = sys.argv[1:]
    if args and args[0] == "build":
        build(Path(args[1]), int(args[2]) if len(args) > 2 else 1_000_000)
        return
    if args and args[0] == "migrate":
        migrate_copy(Path(args[1]), Path(args[2]))
        return
    path = Path(args[0])
    sizes(path)
    timings(path)


if __name__ == "__main__":
    main()
