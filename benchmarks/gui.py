"""The window at clinic scale: start to first window shown (empty database and N cases, beside a
bare PySide6 window started in the same run, as a ratio; target <= 2x), case-list filter latency
(target < 100 ms), the longest GUI-thread stall while scrolling the whole list, the chart
redraw after a field change (target < 50 ms), and a pathway version change: every stored
recommendation recomputed in the background, with the longest GUI-thread stall meanwhile.

Run: `.venv/bin/python benchmarks/gui.py [N] [--runs R]`   (offscreen; prints figures, asserts
nothing). The N-case database is built once with the store's import and kept in the temp folder
(`gepnet-gui-bench-N/`) for later runs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Each child prints "SHOWN" at the first paint of its main window, then quits. The parent times
# from just before it starts the process to that line: interpreter start, imports, opening the
# database and building the window are all inside, for both.
FIRST_PAINT = """
from PySide6.QtCore import QEvent, QObject

class FirstPaint(QObject):
    def __init__(self, app, extra=None):
        super().__init__()
        self.app, self.extra, self.done = app, extra, False
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not self.done:
            self.done = True
            print("SHOWN", flush=True)
            if self.extra is None:
                self.app.quit()
            else:
                self.extra()
        return False
"""

BARE_CHILD = FIRST_PAINT + """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setWindowTitle("bare")
window.resize(1280, 820)
spy = FirstPaint(app)
window.installEventFilter(spy)
window.show()
app.exec()
"""

APP_CHILD = FIRST_PAINT + """
import argparse, sys
from gepnet_desktop import paths
paths.set_data_dir(sys.argv[1])
from gepnet_desktop.ui.window.app import _AfterFirstPaint, application, build_window
app = application()
window = build_window(argparse.Namespace(lang="en", lang_given=True))

def finish():  # what run_gui does after the first paint (without drafts and auto backup)
    window.finish_start()
    print("READY", flush=True)
    def check():
        if window.list_model.is_loaded():
            print("LISTED", flush=True)
            window.shutdown()
            app.quit()
    window.list_model.queryFinished.connect(check)
    check()

_AfterFirstPaint(window, finish)
spy = FirstPaint(app, lambda: None)
window.installEventFilter(spy)
window.resize(1280, 820)
window.show()
app.exec()
"""


# Children compile their modules once into this cache, as an installed program has its .pyc
# files (PYTHONDONTWRITEBYTECODE would otherwise make every start compile every module).
PYCACHE = Path(tempfile.gettempdir()) / "gepnet-gui-bench-pycache"


def child_env() -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPYCACHEPREFIX=str(PYCACHE))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_child(code: str, *args: str) -> dict[str, float]:
    """Seconds from process start to each line the child prints."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, cwd=ROOT, env=child_env())
    marks: dict[str, float] = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        marks[line.strip()] = time.perf_counter() - t0
    proc.wait(timeout=120)
    if "SHOWN" not in marks:
        raise RuntimeError("the child never showed its window")
    return marks


def database(n: int) -> Path:
    """A data dir holding n random cases (built once, then reused)."""
    from gepnet_desktop.case.sample import random_case_dict
    from gepnet_desktop.clinic import open_clinic
    from gepnet_desktop.store import SCHEMA_VERSION, CaseQuery, import_cases

    folder = Path(tempfile.gettempdir()) / f"gepnet-gui-bench-{n}-s{SCHEMA_VERSION}"
    db_path = folder / "gepnet.db"
    if db_path.exists():
        store = open_clinic(db_path)
        try:
            if store.count(CaseQuery()) == n:
                return folder
        finally:
            store.close()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("gepnet.db*"):
        old.unlink()
    rng = random.Random(2021)
    notes = ["liver metastases on MRI", "간 전이 확인", "reviewed at the tumour board",
             "chromogranin A rising", "follow-up CT in 3 months"]
    items = []
    for i in range(n):
        case = random_case_dict(rng, code=f"K-{i:06d}")
        if rng.random() < 0.5:
            case["notes"] = rng.choice(notes)
        items.append(case)
    source = folder / "cases.json"
    source.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    t0 = time.perf_counter()
    store = open_clinic(db_path)
    try:
        import_cases(store, source)
    finally:
        store.close()
    source.unlink()
    print(f"(built a database of {n:,} cases in {time.perf_counter() - t0:.0f} s: {folder})")
    return folder


def start_times(empty: Path, full: Path, n: int, runs: int) -> None:
    bare, app_empty, app_full, ready_full, listed_full = [], [], [], [], []
    run_child(BARE_CHILD)  # warm the file cache once
    run_child(APP_CHILD, str(empty))
    for _ in range(runs):  # interleaved, so a busy moment hurts all three alike
        bare.append(run_child(BARE_CHILD)["SHOWN"])
        app_empty.append(run_child(APP_CHILD, str(empty))["SHOWN"])
        marks = run_child(APP_CHILD, str(full))
        app_full.append(marks["SHOWN"])
        ready_full.append(marks.get("READY", float("nan")))
        listed_full.append(marks.get("LISTED", float("nan")))
    b = statistics.median(bare)
    e = statistics.median(app_empty)
    f = statistics.median(app_full)
    print(f"start to first window shown (median of {runs}, process start included):")
    print(f"  bare PySide6 window          {b * 1000:7.0f} ms")
    print(f"  GEP-NET Pathway, empty       {e * 1000:7.0f} ms   {e / b:.2f}x the bare window")
    print(f"  GEP-NET Pathway, {n:,} cases {f * 1000:7.0f} ms   {f / b:.2f}x the bare window"
          "   (target <= 2x)")
    print(f"  ... database open, form built {statistics.median(ready_full) * 1000:6.0f} ms")
    print(f"  ... first rows of the list   {statistics.median(listed_full) * 1000:7.0f} ms")


class StallMeter:
    """Gaps between turns of the GUI event loop (a zero-interval timer), in ms."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self._last) * 1000)
        self._last = now

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start(0)

    def stop(self) -> None:
        self._timer.stop()


def wait_for(app, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    end = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > end:
            raise TimeoutError("the window did not answer in time")
        app.processEvents()


def in_window(folder: Path, n: int) -> None:
    from PySide6.QtCore import QEventLoop, Qt
    from PySide6.QtTest import QTest

    from gepnet_desktop import paths
    from gepnet_desktop.clinic import open_clinic
    from gepnet_desktop.ui.window.app import application
    from gepnet_desktop.ui.window.main_window import MainWindow

    app = application()
    paths.set_data_dir(folder)
    store = open_clinic(folder / "gepnet.db")
    window = MainWindow(store, lang="en")
    window.resize(1280, 820)
    window.show()
    wait_for(app, window.list_model.is_loaded)

    shown_at: list[float] = []

    def first_rows() -> None:
        window.list_view.viewport().repaint()  # the rows painted
        shown_at.append(time.perf_counter())

    window.list_model.firstRowsShown.connect(first_rows)

    def until_loaded(change: Callable[[], None]) -> float:
        """Milliseconds from the change to the first rows painted (the count may come later;
        the time to both is kept in `counted`)."""
        loop = QEventLoop()
        window.list_model.queryFinished.connect(loop.quit)
        shown_at.clear()
        t0 = time.perf_counter()
        change()
        loop.exec()
        window.list_model.queryFinished.disconnect(loop.quit)
        app.processEvents()
        counted.append((time.perf_counter() - t0) * 1000)
        return ((shown_at[-1] if shown_at else time.perf_counter()) - t0) * 1000

    counted: list[float] = []

    bar = window.filter_bar
    combos = {"site": bar.site, "grade": bar.grade, "node": bar.node}

    def current(field: str) -> str | None:
        return (bar.search.text() or None) if field == "text" else combos[field].currentData()

    def apply(field: str, value: str | None) -> None:
        if field == "text":
            bar.search.setText(value or "")
            bar._emit_now()  # what the 250 ms debounce does once typing pauses
        else:
            bar.set_filter(combos[field], value)

    def set_state(state: dict[str, str | None]) -> None:
        for field in ("text", "site", "grade", "node"):
            value = state.get(field)
            if current(field) != value:
                until_loaded(lambda f=field, v=value: apply(f, v))

    scenarios = [
        ("site = pancreas", {}, ("site", "pancreas")),
        ("+ grade = G2", {"site": "pancreas"}, ("grade", "G2")),
        ("+ recommendation", {"site": "pancreas", "grade": "G2"},
         ("node", "pnet_after_progression")),
        ("grade = G3", {}, ("grade", "G3")),
        ("recommendation = SSA", {}, ("node", "ssa_first_line")),
        ("recommendation = needs data", {}, ("node", "needs_data")),
        ("clear the site filter", {"site": "rectum"}, ("site", None)),
        ("text 'metastases'", {}, ("text", "metastases")),
        ("text 'K-0123'", {}, ("text", "K-0123")),
        ("text '간 전이'", {}, ("text", "간 전이")),
        ("text + site", {"site": "stomach"}, ("text", "tumour")),
    ]
    print(f"case list at {n:,} cases, filter change to the first rows painted (median of 3; "
          "target < 100 ms; typing adds the 250 ms debounce), and to the count in:")
    worst = 0.0
    for name, setup, (field, value) in scenarios:
        times, totals = [], []
        for _ in range(3):
            set_state({})
            set_state(setup)
            times.append(until_loaded(lambda f=field, v=value: apply(f, v)))
            totals.append(counted[-1])
        worst = max(worst, statistics.median(times))
        print(f"  {name:26s} {statistics.median(times):6.1f} ms  (count in at "
              f"{statistics.median(totals):6.1f} ms: {window.list_model.total():,} rows)")
    set_state({})
    asc, desc = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder
    for name, column, order in (("sort by code", 0, asc), ("sort by recommendation", 3, desc),
                                ("sort by updated", 4, desc)):
        ms = until_loaded(lambda c=column, o=order: window.list_view.sortByColumn(c, o))
        worst = max(worst, ms)
        print(f"  {name:26s} {ms:6.1f} ms  (count in at {counted[-1]:6.1f} ms)")
    print(f"  slowest: {worst:.1f} ms")

    # Scrolling: jump through the whole list; the GUI thread must never stall.
    stalls = StallMeter()
    stalls.start()
    bar_ = window.list_view.verticalScrollBar()
    t0 = time.perf_counter()
    for step in range(0, 101):
        bar_.setValue(bar_.maximum() * step // 100)
        QTest.qWait(15)
    wait_for(app, lambda: window.list_model.case_uuid(window.list_model.rowCount() - 1)
             is not None)
    stalls.stop()
    print(f"scrolling top to bottom in 100 jumps ({(time.perf_counter() - t0):.1f} s): longest "
          f"GUI-thread stall {max(stalls.gaps):.1f} ms, median "
          f"{statistics.median(stalls.gaps):.2f} ms; "
          f"pages kept {len(window.list_model._pages)}")

    # Chart redraw after a field change: keystroke -> validation -> walk -> chart restyled and
    # painted (the Pathway tab visible).
    bar_.setValue(0)
    wait_for(app, lambda: window.list_model.case_uuid(0) is not None)
    window.open_case(window.list_model.case_uuid(0))
    window.form.set_data({**window.form.data(), "differentiation": "well", "nec_subtype": None,
                          "ki67_percent": 4, "mitoses_per_2mm2": 1, "sstr_status": "positive",
                          "hepatic_burden": "le25", "bulk_symptoms": False, "pace": "stable",
                          "birth_year": 1960, "diagnosis_date": None, "lines": []})
    wait_for(app, lambda: window.form.validation().ok)
    window.tabs.setCurrentWidget(window.page)
    wait_for(app, lambda: window.page.evaluation() is not None)
    editor = window.form.editor("ki67_percent")
    times = []
    for i in range(30):
        before = window.page.evaluation()
        window.form.focus_field("ki67_percent")
        t0 = time.perf_counter()
        QTest.keyClick(editor, Qt.Key.Key_1 if i % 2 == 0 else Qt.Key.Key_Backspace)
        wait_for(app, lambda b=before: window.page.evaluation() is not b)
        window.page.view.viewport().repaint()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(f"chart redraw after a field change (keystroke to chart painted, 30 changes): median "
          f"{statistics.median(times):.1f} ms, worst {times[-1]:.1f} ms  (target < 50 ms)")
    window.form.load(None)
    window.close()
    window.shutdown()
    store.close()


def background_refresh(folder: Path, n: int) -> None:
    """Every row made stale (as after a pathway data update), then the window started on it:
    how long the background update takes and the longest GUI-thread stall meanwhile."""
    import sqlite3

    from PySide6.QtCore import QEventLoop

    from gepnet_desktop import paths
    from gepnet_desktop.ui.window.app import application
    from gepnet_desktop.ui.window.main_window import MainWindow

    app = application()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "gepnet.db"
        with sqlite3.connect(folder / "gepnet.db") as src, sqlite3.connect(copy) as dst:
            src.backup(dst)
            dst.execute("UPDATE cases SET recommend_label = NULL")  # every row stale
        src.close()
        dst.close()
        paths.set_data_dir(tmp)
        window = MainWindow(db_path=copy, lang="en")
        window.resize(1280, 820)
        window.show()
        wait_for(app, lambda: window.isVisible())
        stalls = StallMeter()
        loop = QEventLoop()
        outcome: list = []
        window.recommendationsRefreshed.connect(lambda o, k: (outcome.append((o, k)),
                                                              loop.quit()))
        t0 = time.perf_counter()
        window.finish_start()
        opened = time.perf_counter() - t0
        stalls.start()
        loop.exec()
        stalls.stop()
        took = time.perf_counter() - t0
        print(f"pathway version change at {n:,} cases: database opened and editor built in "
              f"{opened * 1000:.0f} ms on the GUI thread; {outcome[0][1]:,} recommendations "
              f"recomputed in the background in {took:.1f} s ({outcome[0][0]}); longest "
              f"GUI-thread stall meanwhile {max(stalls.gaps):.1f} ms")
        window.close()
        window.shutdown()
        window.store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    full = database(args.n)
    with tempfile.TemporaryDirectory() as tmp:
        start_times(Path(tmp), full, args.n, args.runs)
    in_window(full, args.n)
    background_refresh(full, args.n)


if __name__ == "__main__":
    main()
