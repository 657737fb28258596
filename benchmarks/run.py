"""One table of the program's figures at registry scale, each beside an anchor measured in the
same run on the same rows: import beside raw sqlite3 inserts, the database's bytes beside a
plain table, `evaluate --json` beside the hand-written walk's command (time and peak memory),
the walk in process beside the hand-written walk, listing every row beside one raw SELECT, a
backup beside `cp` of the database, the window's start beside a bare PySide6 window. Ratios
are given as min / median / max over the runs.

Run: `.venv/bin/python benchmarks/run.py [--big] [--runs R] [--only walk|import]`  (10,000 and
100,000 cases; --big adds 1,000,000; `--only walk` measures only the two in-process walk rows,
`--only import` only the import and bytes rows). Prints the table; asserts nothing. Offscreen,
in the temp folder.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from uuid import UUID

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from gui import APP_CHILD, BARE_CHILD, child_env, run_child  # noqa: E402  (benchmarks/gui.py)

from gepnet_desktop.case import CASE_FIELDS, LINE_FIELDS, validate_case  # noqa: E402
from gepnet_desktop.case.sample import random_case_dict  # noqa: E402
from gepnet_desktop.clinic import open_clinic  # noqa: E402
from gepnet_desktop.pathway import default_pathway, evaluate  # noqa: E402
from gepnet_desktop.store import backup_database, import_cases  # noqa: E402
from tests.pathway.reference_walk import reference_evaluate  # noqa: E402

WALK_CASES = 20_000  # the in-process walk is timed on at most this many cases (per case)
# A command's own peak memory: VmHWM of its process at exit (a forked child's ru_maxrss would
# start from this benchmark's own size).
PEAK = """
import atexit, sys
def _peak():
    with open("/proc/self/status") as fh:
        sys.stderr.write(next(ln for ln in fh if ln.startswith("VmHWM")))
atexit.register(_peak)
"""
EVALUATE_COMMAND = PEAK + """
import runpy
sys.argv = ["gepnet-desktop", *sys.argv[1:]]
runpy.run_module("gepnet_desktop", run_name="__main__", alter_sys=True)
"""
REFERENCE_COMMAND = PEAK + """
import json, sys
sys.path.insert(0, sys.argv[2])
from tests.pathway.reference_walk import reference_evaluate
with open(sys.argv[1], encoding="utf-8") as fh:
    cases = json.load(fh)
json.dump([reference_evaluate(c) for c in cases], sys.stdout, ensure_ascii=False, indent=2)
"""
SELECT_COMMAND = """
import json, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
cols = ("uuid", "case_code", "primary_site", "who_grade", "recommendation_node", "updated_at",
        "deleted_at")
rows = conn.execute(f"SELECT {', '.join(cols)} FROM cases WHERE deleted_at IS NULL "
                    "ORDER BY updated_at DESC, case_code").fetchall()
json.dump([dict(zip(cols, r)) for r in rows], sys.stdout, ensure_ascii=False, indent=2)
"""
CASE_COLUMNS = ("uuid", "revision", "created_at", "updated_at",
                *(f.key for f in CASE_FIELDS), "who_grade")
LINE_COLUMNS = ("case_uuid", "position", *(f.key for f in LINE_FIELDS))


class Table:
    """Rows of the printed table."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, ...]] = []

    def add(self, n: int, what: str, figures: list[float], anchor_name: str,
            anchors: list[float], unit: str = "s") -> None:
        ratios = sorted(f / a for f, a in zip(figures, anchors, strict=True))
        shown = f"{_number(statistics.median(figures))} {unit}"
        base = f"{_number(statistics.median(anchors))} {unit}"
        spread = (f"{ratios[0]:.2f} / {statistics.median(ratios):.2f} / {ratios[-1]:.2f}"
                  if len(ratios) > 1 else f"{ratios[0]:.2f}")
        self.rows.append((f"{n:,}", what, shown, anchor_name, base, spread))
        print(f"  {what}: {shown} beside {anchor_name} {base}: {spread}x", flush=True)

    def print(self) -> None:
        head = ("cases", "figure", "median", "anchor", "anchor median",
                "ratio min / median / max")
        widths = [max(len(r[i]) for r in [head, *self.rows]) for i in range(len(head))]
        line = "| " + " | ".join(f"{{:{w}}}" for w in widths) + " |"
        print(line.format(*head))
        print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        for row in self.rows:
            print(line.format(*row))


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def machine() -> str:
    """CPU, cores, RAM, Python and SQLite versions."""
    cpu = platform.processor() or platform.machine()
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                cpu = text.split(":", 1)[1].strip()
                break
        mem = next(int(t.split()[1]) for t in Path("/proc/meminfo").read_text().splitlines()
                   if t.startswith("MemTotal")) / 1024 / 1024
        ram = f"{mem:.1f} GB RAM"
    except (OSError, StopIteration):
        ram = "RAM unknown"
    return (f"{cpu}, {os.cpu_count()} cores, {ram}, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}")


def cases_file(folder: Path, n: int) -> Path:
    rng = random.Random(2021)
    path = folder / "cases.json"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("[\n")
        for i in range(n):
            fh.write(("" if i == 0 else ",\n") + json.dumps(
                random_case_dict(rng, code=f"R-{i:07d}"), ensure_ascii=False))
        fh.write("\n]\n")
    return path


def seconds(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def command(argv: list[str]) -> tuple[float, float]:
    """Seconds and peak memory (MB; 0 when the command does not report it) of one command,
    its output thrown away."""
    t0 = time.perf_counter()
    with open(os.devnull, "w") as null:
        proc = subprocess.run(argv, stdout=null, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                              env=child_env())
    took = time.perf_counter() - t0
    if proc.returncode:
        raise RuntimeError(f"{argv[:4]} failed: {proc.stderr[-2000:]}")
    peak = next((ln.split()[1] for ln in proc.stderr.splitlines()
                 if ln.startswith("VmHWM")), "0")
    return took, int(peak) / 1024


def raw_insert(source: Path, target: Path) -> None:
    """The anchor of import: the same rows into plain tables with executemany, one
    transaction, no validation, no index. The values are stored as the program stores them
    (36-character uuids, stamps with their UTC offset), so the bytes compare like for like."""
    conn = sqlite3.connect(target)
    conn.execute(f"CREATE TABLE cases ({', '.join(CASE_COLUMNS)})")
    conn.execute(f"CREATE TABLE lines ({', '.join(LINE_COLUMNS)})")
    with source.open(encoding="utf-8") as fh:
        items = json.load(fh)
    cases, lines = [], []
    for i, item in enumerate(items):
        uuid = str(UUID(int=i))
        row = {**item, "uuid": uuid, "revision": 1, "created_at": "2026-01-01T00:00:00.000+00:00",
               "updated_at": "2026-01-01T00:00:00.000+00:00",
               "comorbidities": json.dumps(item.get("comorbidities") or [])}
        cases.append([row.get(k) for k in CASE_COLUMNS])
        lines += [[uuid, p, *(ln.get(k) for k in LINE_COLUMNS[2:])]
                  for p, ln in enumerate(item.get("lines") or [], start=1)]
    with conn:
        conn.executemany(f"INSERT INTO cases VALUES ({', '.join('?' * len(CASE_COLUMNS))})",
                         cases)
        conn.executemany(f"INSERT INTO lines VALUES ({', '.join('?' * len(LINE_COLUMNS))})",
                         lines)
    conn.execute("VACUUM")
    conn.close()


def size_of(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return int(conn.execute("PRAGMA page_count").fetchone()[0]
                   * conn.execute("PRAGMA page_size").fetchone()[0])
    finally:
        conn.close()


def measure_walk(source: Path, runs: int, table: Table, n: int) -> None:
    """The walk in process, and validation + walk, beside the hand-written walk (per case)."""
    with source.open(encoding="utf-8") as fh:
        dicts = json.load(fh)[:WALK_CASES]
    pathway = default_pathway()
    valid = [validate_case(d).case for d in dicts]
    walk, checked, ref = [], [], []

    def hand_written() -> None:
        for d in dicts:
            reference_evaluate(d)

    def walked() -> None:
        for c in valid:
            evaluate(c, pathway, explain_steps=False, with_access=False)

    def validated_and_walked() -> None:
        for d in dicts:
            evaluate(validate_case(d).case, pathway, explain_steps=False, with_access=False)

    for _ in range(runs):
        ref.append(seconds(hand_written))
        walk.append(seconds(walked))
        checked.append(seconds(validated_and_walked))
    per = 1e6 / len(dicts)
    table.add(n, f"walk in process (per case, {len(dicts):,} cases)", [w * per for w in walk],
              "hand-written walk", [r * per for r in ref], unit="µs")
    table.add(n, "validation + walk in process (per case)", [c * per for c in checked],
              "hand-written walk", [r * per for r in ref], unit="µs")


def measure(n: int, runs: int, table: Table, folder: Path, only: str | None = None) -> None:
    print(f"{n:,} cases, {runs} runs", flush=True)
    source = cases_file(folder, n)
    if only == "walk":
        measure_walk(source, runs, table, n)
        return
    imports, raws, data_dir = [], [], folder / "data"
    for run in range(runs):
        shutil.rmtree(data_dir, ignore_errors=True)
        plain = folder / f"plain-{run}.db"
        raws.append(seconds(lambda p=plain: raw_insert(source, p)))
        store = open_clinic(data_dir / "gepnet.db", new=True, user="bench")
        imports.append(seconds(lambda s=store: import_cases(s, source)))
        store.close()
    table.add(n, "import (validated, walked, audited, one transaction)", imports,
              "raw sqlite3 executemany", raws)
    db = data_dir / "gepnet.db"
    table.add(n, "database bytes per case", [size_of(db) / n], "plain tables",
              [size_of(folder / "plain-0.db") / n], unit="B")
    if only == "import":
        _clean(folder, data_dir)
        return

    py = sys.executable
    ours = [command([py, "-c", EVALUATE_COMMAND, "evaluate", str(source), "--json"])
            for _ in range(runs)]
    theirs = [command([py, "-c", REFERENCE_COMMAND, str(source), str(ROOT)])
              for _ in range(runs)]
    table.add(n, "`evaluate FILE --json` time", [t for t, _ in ours],
              "hand-written walk's command", [t for t, _ in theirs])
    table.add(n, "`evaluate FILE --json` peak memory", [m for _, m in ours],
              "hand-written walk's command", [m for _, m in theirs], unit="MB")

    measure_walk(source, runs, table, n)

    listing = [command([py, "-m", "gepnet_desktop", "--data-dir", str(data_dir), "cases",
                        "list", "--json"])[0] for _ in range(runs)]
    select = [command([py, "-c", SELECT_COMMAND, str(db)])[0] for _ in range(runs)]
    table.add(n, "`cases list --json` (every row)", listing, "one raw SELECT (a command)",
              select)

    store = open_clinic(db, user="bench")
    backups = [seconds(lambda r=r: backup_database(store, folder / f"backup-{r}.db"))
               for r in range(runs)]
    store.close()
    copies = [seconds(lambda r=r: subprocess.run(["cp", str(db), str(folder / f"cp-{r}.db")],
                                                 check=True)) for r in range(runs)]
    table.add(n, "backup", backups, "`cp` of the database", copies)

    run_child(BARE_CHILD)  # the file cache warmed once
    bare = [run_child(BARE_CHILD)["SHOWN"] for _ in range(runs)]
    shown = [run_child(APP_CHILD, str(data_dir))["SHOWN"] for _ in range(runs)]
    table.add(n, "window shown (start to first paint)", shown, "bare PySide6 window", bare)
    _clean(folder, data_dir)


def _clean(folder: Path, data_dir: Path) -> None:
    """The files of one size removed before the next."""
    for leftover in folder.iterdir():
        if leftover.is_file():
            leftover.unlink()
    shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", action="store_true", help="add 1,000,000 cases")
    parser.add_argument("--runs", type=int, help="runs per figure (default: 3 at 10,000 cases "
                        "and fewer, 2 at 100,000, 1 at 1,000,000)")
    parser.add_argument("--sizes", type=int, nargs="*", help="other numbers of cases")
    parser.add_argument("--only", choices=["walk", "import"],
                        help="only the in-process walk rows, or only the import and bytes rows")
    args = parser.parse_args()
    sizes = args.sizes or [10_000, 100_000, *([1_000_000] if args.big else [])]
    print(machine(), flush=True)
    table = Table()
    with tempfile.TemporaryDirectory(prefix="gepnet-run-") as tmp:
        for n in sizes:
            runs = args.runs or (3 if n <= 10_000 else 2 if n < 1_000_000 else 1)
            measure(n, runs, table, Path(tmp), args.only)
    print()
    print(machine())
    table.print()


if __name__ == "__main__":
    main()
