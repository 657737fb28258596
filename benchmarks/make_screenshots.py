"""Screenshots of the issue-12 screens for the README: the Timeline tab of a fictitious case
with five lines and two board decisions, and the Cohort panel over 600 fictitious cases, each
in English and Korean (offscreen; the Korean needs a CJK font such as fonts-noto-cjk).

Run: .venv/bin/python benchmarks/make_screenshots.py   (writes resources/screenshots/*.png)
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
OUT = ROOT / "resources" / "screenshots"

CASE = {
    "case_code": "DEMO-TL", "primary_site": "pancreas", "differentiation": "well",
    "ki67_percent": 12, "ki67_date": "2020-02-10", "sstr_status": "positive",
    "sstr_imaging_date": "2020-02-24", "diagnosis_date": "2020-01-28",
    "hepatic_burden": "26to50", "bulk_symptoms": False, "pace": "slow_progression", "ecog": 1,
    "egfr_ml_min": 85, "notes": "FICTITIOUS DEMONSTRATION CASE - not a real patient.",
    "lines": [
        {"regimen": "lanreotide", "outcome": "progression", "start_date": "2020-03-05",
         "end_date": "2021-09-01", "progression_date": "2021-08-20", "best_response": "SD"},
        {"regimen": "everolimus", "outcome": "toxicity", "start_date": "2021-09-15",
         "end_date": "2022-02-10", "best_response": "SD"},
        {"regimen": "sunitinib", "outcome": "progression", "start_date": "2022-03-01",
         "end_date": "2023-04-15", "progression_date": "2023-04-02", "best_response": "PR"},
        {"regimen": "prrt_lu177", "outcome": "completed", "start_date": "2023-05-10",
         "end_date": "2023-11-20", "best_response": "PR"},
        {"regimen": "captem", "outcome": "ongoing", "start_date": "2025-06-02",
         "best_response": "SD"}],
}


def fill(store) -> str:
    """The timeline's case and 600 random cases with decisions; returns the case's uuid."""
    from gepnet_desktop.board import record_board_decision, snapshot_for
    from gepnet_desktop.case import validate_case
    from gepnet_desktop.case.decision import DECISIONS, REASONS
    from gepnet_desktop.case.sample import random_case_dict

    case = store.create(validate_case(CASE, require_code=True).case)
    options = list(snapshot_for(case).options)
    record_board_decision(store, case, {"date": "2023-04-20", "decision": "prrt_lu177",
                                        "reason": None if "prrt_lu177" in options else
                                        "clinical_judgement", "attendees": "Oncology, NM"})
    record_board_decision(store, case, {"date": "2025-05-20", "decision": "captem",
                                        "reason": None if "captem" in options else
                                        "clinical_judgement", "notes": "after PRRT"})
    rng = random.Random(2021)
    for i in range(600):
        data = random_case_dict(rng, code=f"DEMO-{i:04d}")
        stored = store.create(validate_case(data, require_code=True).case)
        if rng.random() < 0.5:
            opts = list(snapshot_for(stored).options)
            decision = rng.choice([*opts, "surgery", "watchful_waiting"]) if opts else \
                rng.choice(DECISIONS)
            day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 1000))
            fields = {"date": day.isoformat(), "decision": decision}
            if decision not in opts:
                fields.update(reason=rng.choice(REASONS), reason_text="fictitious")
            record_board_decision(store, stored, fields)
    return case.uuid or ""


def grab(widget, name: str) -> None:
    from PySide6.QtCore import QBuffer, QIODevice

    from gepnet_desktop import safe_files

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    widget.grab().save(buffer, "PNG")
    safe_files.write_bytes(OUT / name, bytes(buffer.data().data()), replace=True)
    print(f"wrote {OUT / name}")


def shoot(app, folder: Path, uuid: str, lang: str) -> None:
    from PySide6.QtCore import QEventLoop, Qt

    from gepnet_desktop.clinic import open_clinic
    from gepnet_desktop.ui.window.main_window import MainWindow

    store = open_clinic(folder / "gepnet.db")
    window = MainWindow(store, lang=lang)
    window.resize(1360, 860)
    window.show()
    app.processEvents()
    window.open_case(uuid)
    window.need().screens.focus_timeline()
    window.need().screens.timeline.view.set_current(3)
    for _ in range(5):
        app.processEvents()
    grab(window, f"timeline{'-ko' if lang == 'ko' else ''}.png")
    loop = QEventLoop()
    window.need().screens.cohort.refreshed.connect(loop.quit)
    window.need().screens.show_cohort.trigger()
    loop.exec()
    window.splitter.setSizes([300, 200])
    window.resizeDocks([window.need().screens.dock], [820], Qt.Orientation.Horizontal)
    for _ in range(5):
        app.processEvents()
    suffix = "-ko" if lang == "ko" else ""
    grab(window, f"cohort{suffix}.png")
    cohort = window.need().screens.cohort
    cohort.scroll_area.verticalScrollBar().setValue(
        cohort.boxes["pfs_table"].geometry().top())
    for _ in range(5):
        app.processEvents()
    grab(window.need().screens.dock, f"cohort-pfs{suffix}.png")
    window.close()
    window.shutdown()
    store.close()


def main() -> None:
    from gepnet_desktop import paths
    from gepnet_desktop.clinic import open_clinic
    from gepnet_desktop.ui.window.app import application

    app = application()
    with tempfile.TemporaryDirectory() as tmp:
        paths.set_data_dir(tmp)
        with open_clinic(Path(tmp) / "gepnet.db") as store:
            uuid = fill(store)
        for lang in ("en", "ko"):
            shoot(app, Path(tmp), uuid, lang)


if __name__ == "__main__":
    main()
