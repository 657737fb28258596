"""Speed of the chart: building it, redrawing it after a field change, exports and reports.

Run: `QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/chart.py [--repeat N]`.
Prints the median and worst time of each step in milliseconds (target for the redraw after a
field change, evaluation included: under 50 ms). Nothing is asserted; the figures are the result.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from gepnet_desktop.case import validate_case  # noqa: E402
from gepnet_desktop.pathway import default_pathway, evaluate  # noqa: E402

VIGNETTES = ROOT.parent / "shared" / "clinical" / "vignettes.json"


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median and worst wall time of `fn`, in milliseconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), max(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])

    from gepnet_desktop.ui.chart import PathwayScene, export_chart, render_chart_image
    from gepnet_desktop.ui.chart.pathway_page import PathwayPage
    from gepnet_desktop.ui.report.case_report import write_report

    pathway = default_pathway()
    raw = [v["case"] for v in json.loads(VIGNETTES.read_text(encoding="utf-8"))]
    cases = [validate_case(c).case for c in raw]
    page = PathwayPage(pathway, "en")
    page.resize(1400, 900)
    page.show()
    app.processEvents()
    page.select_node("behaviour")
    state = {"i": 0}

    def field_change() -> None:
        # What the form does on each keystroke: validate, evaluate, restyle, repaint.
        state["i"] += 1
        item = dict(raw[state["i"] % len(raw)])
        result = validate_case(item)
        page.set_evaluation(evaluate(result.case, pathway))
        page.view.viewport().repaint()

    evaluations = [evaluate(c, pathway) for c in cases]

    def restyle() -> None:
        state["i"] += 1
        page.scene.set_evaluation(evaluations[state["i"] % len(evaluations)])

    rows = [
        ("scene built (26 boxes, 40 arrows)", lambda: PathwayScene(pathway, "en"), args.repeat),
        ("Pathway page built", lambda: PathwayPage(pathway, "en"), max(3, args.repeat // 4)),
        ("redraw after a field change (validate + evaluate + restyle + panel + paint)",
         field_change, args.repeat * 3),
        ("restyle only (scene.set_evaluation, evaluations made beforehand)", restyle,
         args.repeat * 3),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        ev = evaluate(cases[0], pathway)
        page.set_evaluation(ev)
        slow = max(3, args.repeat // 4)
        rows += [
            ("export SVG", lambda: export_chart(page.scene, out / "c.svg"), slow),
            ("export PNG (2x)", lambda: export_chart(page.scene, out / "c.png"), slow),
            ("export PDF (A3)", lambda: export_chart(page.scene, out / "c.pdf"), slow),
            ("render_chart_image (1x)", lambda: render_chart_image(pathway, ev), slow),
            ("report HTML", lambda: write_report(cases[0], ev, pathway, out / "r.html"), slow),
            ("report PDF", lambda: write_report(cases[0], ev, pathway, out / "r.pdf"), slow),
        ]
        print(f"{'step':<80} {'median ms':>10} {'worst ms':>10}")
        for name, fn, n in rows:
            med, worst = timed(fn, n)
            print(f"{name:<80} {med:>10.2f} {worst:>10.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
