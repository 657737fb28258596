"""The issue-12 screens at clinic scale: the Cohort view's refresh at N cases (default 100,000,
with board decisions for three in ten; target under 2 s) and the longest GUI-thread stall
meanwhile (a zero-interval QTimer tick meter; target under 50 ms), and the timeline draw of a
case with 12 lines. Each beside an anchor measured in the same run: the refresh beside a raw
sqlite3 pass over the same tables, the stall beside the meter's longest gap while the event
loop idles, the timeline beside a bare widget's paint of the same size.

Run: .venv/bin/python benchmarks/cohort_gui.py [N]     (offscreen; prints figures, asserts
nothing). The database is built once in the temp folder (gepnet-cohort-gui-N-sV/) and reused.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from cohort import ANCHOR, add_decisions  # noqa: E402
from gui import StallMeter  # noqa: E402
from store import cases_file  # noqa: E402


def database(n: int) -> Path:
    """A database of n random cases with board decisions (built once, then reused)."""
    from gepnet_desktop.clinic import open_clinic
    from gepnet_desktop.store import SCHEMA_VERSION, CaseQuery, import_cases

    folder = Path(tempfile.gettempdir()) / f"gepnet-cohort-gui-{n}-s{SCHEMA_VERSION}"
    path = folder / "gepnet.db"
    if path.exists():
        with open_clinic(path, user="bench") as store:
            if store.count(CaseQuery()) == n:
                return path
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("gepnet.db*"):
        old.unlink()
    t0 = time.perf_counter()
    with open_clinic(path, user="bench") as store:
        source = cases_file(folder, n)
        import_cases(store, source)
        source.unlink()
        decided = add_decisions(store)
    print(f"(built {n:,} cases and {decided:,} board decisions in "
          f"{time.perf_counter() - t0:.0f} s: {folder})")
    return path


def raw_anchor(path: Path) -> float:
    """Milliseconds of a raw sqlite3 GROUP BY over the cases and one pass over the lines."""
    conn = sqlite3.connect(path)
    try:
        t0 = time.perf_counter()
        for sql in ANCHOR:
            conn.execute(sql).fetchall()
        return (time.perf_counter() - t0) * 1000
    finally:
        conn.close()


def cohort_refresh(app, path: Path, runs: int = 3) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    from gepnet_desktop.clinic import open_clinic
    from gepnet_desktop.pathway import default_pathway
    from gepnet_desktop.ui.cohort.tab import CohortTab, compute

    tab = CohortTab(lambda: open_clinic(path, refresh=False), default_pathway(), "en")
    tab.resize(1000, 800)
    tab.show()
    app.processEvents()
    idle = StallMeter()  # the anchor: the meter's gaps while nothing runs
    loop = QEventLoop()
    QTimer.singleShot(1000, loop.quit)
    idle.start()
    loop.exec()
    idle.stop()

    def refresh(meter: StallMeter | None) -> float:
        loop = QEventLoop()
        tab.refreshed.connect(loop.quit)
        t0 = time.perf_counter()
        if meter is not None:
            meter.start()
        tab.refresh()
        loop.exec()
        took = (time.perf_counter() - t0) * 1000
        app.processEvents()  # the layout of the result is part of the refresh's stall
        if meter is not None:
            meter.stop()
        tab.refreshed.disconnect(loop.quit)
        return took

    refresh(None)  # warms the file cache
    with open_clinic(path, refresh=False) as store:  # the store's figures alone, no thread
        t0 = time.perf_counter()
        compute(store, None, None)
        alone = (time.perf_counter() - t0) * 1000
    took, stalls, anchors, metered = [], [], [], []
    for _ in range(runs):
        anchors.append(raw_anchor(path))
        took.append(refresh(None))  # the event loop idle, as in the window
        meter = StallMeter()  # a zero-interval timer: the GUI thread asks for the GIL always
        metered.append(refresh(meter))
        stalls.append(max(meter.gaps))
    c = tab.cohort()
    assert c is not None
    ms, anchor = statistics.median(took), statistics.median(anchors)
    print(f"cohort refresh at {c.cases:,} cases (worker + layout, median of {runs}): "
          f"{ms:.0f} ms (target < 2,000 ms); raw sqlite3 anchor {anchor:.0f} ms, "
          f"ratio {ms / anchor:.1f}")
    print(f"  the same figures computed on one thread without Qt: {alone:.0f} ms")
    print(f"  with the stall meter ticking: {statistics.median(metered):.0f} ms; longest "
          f"GUI-thread stall meanwhile {max(stalls):.1f} ms (median of the runs' longest "
          f"{statistics.median(stalls):.1f} ms; target < 50 ms); the idle event loop's longest "
          f"gap {max(idle.gaps):.1f} ms")
    print(f"  {c.decisions:,} decisions, {len(tab.due_cases()):,} due for review, "
          f"{len(c.pfs)} PFS groups")
    tab.shutdown()
    tab.close()


def twelve_lines():
    from gepnet_desktop.case import validate_case

    lines = [{"regimen": r, "outcome": "progression", "start_date": f"{2012 + i}-01-10",
              "end_date": f"{2012 + i}-12-20", "progression_date": f"{2012 + i}-12-01",
              "best_response": "SD"}
             for i, r in enumerate(["lanreotide", "everolimus", "sunitinib", "prrt_lu177",
                                    "captem", "octreotide_lar", "cabozantinib", "folfox",
                                    "folfiri", "temozolomide", "clinical_trial",
                                    "platinum_etoposide"])]
    lines[-1] = {**lines[-1], "outcome": "ongoing", "end_date": None,
                 "progression_date": None}
    case = validate_case({"case_code": "TL-12", "primary_site": "pancreas",
                          "differentiation": "well", "ki67_percent": 12,
                          "ki67_date": "2011-12-01", "sstr_status": "positive",
                          "sstr_imaging_date": "2011-12-15", "diagnosis_date": "2011-11-20",
                          "hepatic_burden": "le25", "pace": "slow_progression",
                          "lines": lines}).case
    assert case is not None
    return case


def timeline_draw(app, repeat: int = 40) -> None:
    import datetime as dt

    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtWidgets import QWidget

    from gepnet_desktop.pathway import default_pathway
    from gepnet_desktop.ui.timeline.paint import paint_timeline
    from gepnet_desktop.ui.timeline.tab import timeline_data
    from gepnet_desktop.ui.timeline.view import TimelineView

    pathway = default_pathway()
    case = twelve_lines()
    t0 = time.perf_counter()
    data = timeline_data(case, pathway, [], dt.date.today())
    prepare = (time.perf_counter() - t0) * 1000
    view = TimelineView(pathway, "en")
    view.resize(1000, 400)
    view.set_data(data)
    view.show()

    class Bare(QWidget):
        def paintEvent(self, event) -> None:  # a fill and one line of text
            painter = QPainter(self)
            painter.fillRect(self.rect(), QColor("#ffffff"))
            painter.drawText(10, 20, "bare widget")
            painter.end()

    bare = Bare()
    bare.resize(view.size())
    bare.show()
    app.processEvents()

    def repaint_ms(widget: QWidget) -> float:
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            widget.repaint()
            times.append((time.perf_counter() - t0) * 1000)
        return statistics.median(times[5:])

    anchor, drawn = repaint_ms(bare), repaint_ms(view)
    image = QImage(view.size(), QImage.Format.Format_ARGB32)
    times = []
    for _ in range(repeat):
        painter = QPainter(image)
        t0 = time.perf_counter()
        paint_timeline(painter, QRectF(image.rect()), data, pathway, "en")
        times.append((time.perf_counter() - t0) * 1000)
        painter.end()
    print(f"timeline of a case with 12 lines ({view.width()}x{view.height()}): widget repaint "
          f"{drawn:.1f} ms median beside a bare widget's {anchor:.2f} ms (ratio "
          f"{drawn / anchor:.0f}); paint_timeline into an image {statistics.median(times):.1f} "
          f"ms; its data (12 walks, one per line) {prepare:.0f} ms")
    view.close()
    bare.close()


def main() -> None:
    from gepnet_desktop.ui.window.app import application

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    app = application()
    path = database(n)
    timeline_draw(app)
    cohort_refresh(app, path)


if __name__ == "__main__":
    main()
