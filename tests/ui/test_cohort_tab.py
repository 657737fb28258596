"""The Cohort view on real widgets over a real database built here: its counts against a
direct count (every case walked again, every decision read back), a click on a bar emits the
node filter, the due list opens a case, every figure exports, and the window wires it."""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import stat
from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from gepnet_desktop import paths
from gepnet_desktop.case import validate_case
from gepnet_desktop.case.decision import reason_label
from gepnet_desktop.case.fields import PROGRESSING_PACES
from gepnet_desktop.clinic import open_clinic
from gepnet_desktop.pathway import default_pathway, evaluate, text
from gepnet_desktop.pathway.explain import field_label
from gepnet_desktop.store.decisions import list_decisions
from gepnet_desktop.ui.cohort.tab import FIGURES, CohortTab
from tests.store.helpers import random_cases, record_random_decision

TODAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def cohort_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cohort-ui") / "c.db"
    rng = random.Random(12)
    with open_clinic(path) as store:
        for case in random_cases(120, seed=9, prefix="C"):
            stored = store.create(case)
            for _ in range(rng.choice((0, 1, 1, 2))):
                record_random_decision(store, stored, rng)
            if rng.random() < 0.05:
                store.delete(stored.uuid or "")
    return path


def direct_count(path: Path) -> dict:
    pathway = default_pathway()
    out: dict = {"cases": 0, "nodes": Counter(), "missing": Counter(), "decisions": 0,
                 "concordant": 0, "reasons": Counter(), "due": set()}
    with open_clinic(path) as store:
        for case in store.iter_cases():
            out["cases"] += 1
            ev = evaluate(case, pathway)
            if ev.recommendation_node:
                out["nodes"][ev.recommendation_node] += 1
            else:
                out["missing"][ev.missing[0] if ev.missing else "(not recorded)"] += 1
            decisions = list_decisions(store, case.uuid or "")
            out["decisions"] += len(decisions)
            out["concordant"] += sum(d.concordant for d in decisions)
            out["reasons"].update(d.reason for d in decisions if not d.concordant and d.reason)
            progressions = [ln.progression_date for ln in case.lines if ln.progression_date]
            last = max((d.date for d in decisions), default=None)
            if (last and any(p > last for p in progressions)) or \
                    (last is None and case.pace in PROGRESSING_PACES):
                out["due"].add(case.case_code)
    return out


@pytest.fixture
def tab(qtbot, cohort_db: Path):
    widget = CohortTab(lambda: open_clinic(cohort_db, refresh=False), default_pathway(), "en",
                       today=TODAY)
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    qtbot.waitExposed(widget)
    with qtbot.waitSignal(widget.refreshed, timeout=20000) as done:
        assert widget.refresh() is not None
    assert done.args == ["succeeded"]
    yield widget
    widget.shutdown()


def test_the_counts_match_a_direct_count_of_the_database(tab, cohort_db) -> None:
    want = direct_count(cohort_db)
    pathway = default_pathway()
    recs = tab.figure("by_recommendation")
    assert {b.key: b.value for b in recs.bars} == dict(want["nodes"])
    assert [b.label for b in recs.bars] == [text(pathway.nodes[b.key].label, "en")
                                            for b in recs.bars]
    assert {b.key: b.value for b in tab.figure("needs_data").bars} == dict(want["missing"])
    assert {b.label for b in tab.figure("needs_data").bars} == {
        field_label(k, "en") for k in want["missing"]}
    quarters = tab.figure("by_quarter").bars
    assert sum(b.value for b in quarters) == want["decisions"] > 0
    assert sum(b.part for b in quarters) == want["concordant"]
    reasons = tab.figure("reasons").bars
    assert {b.label: b.value for b in reasons} == {reason_label(r, "en"): n
                                                   for r, n in want["reasons"].items()}
    assert {d.case_code for d in tab.due_cases()} == want["due"]
    assert tab.due_model.rowCount() == len(want["due"])
    assert f"{want['cases']} cases" in tab.status.text()
    assert tab.pfs_table.rowCount() == len(tab.cohort().pfs) > 0
    shown = tab.km.groups
    assert 1 <= len(shown) <= 3
    assert max(g.curve.n for g in shown) == max(g.curve.n for g in tab.cohort().pfs)


def test_clicking_a_bar_emits_its_node(qtbot, tab) -> None:
    chart = tab.charts["by_recommendation"]
    tab.scroll_area.ensureWidgetVisible(chart)
    bar = tab.figure("by_recommendation").bars[1]
    with qtbot.waitSignal(tab.nodeActivated) as clicked:
        qtbot.mouseClick(chart, Qt.MouseButton.LeftButton,
                         pos=chart.bar_rect(1).center().toPoint())
    assert clicked.args == [bar.key]
    chart.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(chart.hasFocus)
    qtbot.keyClick(chart, Qt.Key.Key_Down)
    with qtbot.waitSignal(tab.nodeActivated) as entered:
        qtbot.keyClick(chart, Qt.Key.Key_Return)
    assert entered.args == [tab.figure("by_recommendation").bars[chart.current].key]
    other = tab.charts["needs_data"]  # the other charts filter nothing
    with qtbot.assertNotEmitted(tab.nodeActivated):
        qtbot.mouseClick(other, Qt.MouseButton.LeftButton,
                         pos=other.bar_rect(0).center().toPoint())


def test_double_click_on_a_due_case_opens_it(qtbot, tab) -> None:
    view = tab.due_view
    tab.scroll_area.ensureWidgetVisible(view)
    index = tab.due_model.index(0, 0)
    rect = view.visualRect(index)
    with qtbot.waitSignal(tab.caseActivated) as opened:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [tab.due_cases()[0].uuid]
    view.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    with qtbot.waitSignal(tab.caseActivated) as entered:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert entered.args == [tab.due_cases()[1].uuid]


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


@pytest.mark.parametrize("suffix", [".csv", ".png", ".svg"])
def test_every_figure_exports(tab, tmp_path: Path, suffix: str) -> None:
    for name in FIGURES:
        target = tab.export_figure(name, tmp_path / f"{name}{suffix}")
        assert target.is_file() and target.stat().st_size > 0
        if os.name == "posix":
            assert stat.S_IMODE(target.stat().st_mode) == 0o600
        data = target.read_bytes()
        if suffix == ".png":
            assert data.startswith(b"\x89PNG")
        elif suffix == ".svg":
            assert b"<svg" in data
    if suffix == ".csv":
        rows = read_csv(tmp_path / "by_recommendation.csv")
        assert rows[0] == ["Recommendation", "Cases"]
        figure = tab.figure("by_recommendation")
        assert rows[1:] == [[b.label, str(b.value)] for b in figure.bars]
        codes = set(default_pathway().nodes) | {"jejunum_ileum", "prrt_lu177", "needs_data"}
        for name in FIGURES:
            cells = {c for r in read_csv(tmp_path / f"{name}.csv") for c in r}
            assert not cells & codes, name
        due = read_csv(tmp_path / "due.csv")
        assert len(due) == 1 + len(tab.due_cases())


def test_an_existing_file_needs_replace_and_a_wrong_suffix_is_refused(tab, tmp_path) -> None:
    from gepnet_desktop.safe_files import WriteRefused

    target = tmp_path / "x.csv"
    target.write_text("keep", encoding="utf-8")
    with pytest.raises(WriteRefused):
        tab.export_figure("reasons", target)
    assert target.read_text(encoding="utf-8") == "keep"
    with pytest.raises(ValueError, match=r"\.csv, \.png or \.svg"):
        tab.export_figure("reasons", tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_korean_labels(qtbot, cohort_db) -> None:
    widget = CohortTab(lambda: open_clinic(cohort_db, refresh=False), default_pathway(), "ko",
                       today=TODAY)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.refreshed, timeout=20000):
        widget.refresh()
    bars = widget.figure("by_recommendation").bars
    assert [b.label for b in bars] == [text(default_pathway().nodes[b.key].label, "ko")
                                       for b in bars]
    assert widget.boxes["due"].title().startswith("검토가 필요한 증례")
    assert "개월" in widget.pfs_table.horizontalHeaderItem(4).text()


def test_the_window_filters_the_list_by_the_clicked_node(qtbot) -> None:
    from gepnet_desktop.ui.window.main_window import MainWindow

    store = open_clinic(paths.database_path())
    cases = [validate_case(c.to_dict(), require_code=True).case
             for c in random_cases(30, seed=4, prefix="W")]
    for case in cases:
        store.create(case)
    window = MainWindow(store, lang="en")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    screens = window.need().screens
    assert window.tabs.indexOf(screens.timeline) == 2
    assert window.tabs.tabText(2) == "Timeline"
    with qtbot.waitSignal(screens.cohort.refreshed, timeout=20000):
        screens.show_cohort.trigger()
    assert screens.dock.isVisible()
    node = screens.cohort.figure("by_recommendation").bars[0].key
    with qtbot.waitSignal(window.filter_bar.queryChanged) as query:
        screens.cohort.nodeActivated.emit(node)
    assert query.args[0]["recommendation"] == node
    assert window.filter_bar.node.currentData() == node
    qtbot.waitUntil(lambda: window.list_model.is_loaded(), timeout=5000)
    n = screens.cohort.figure("by_recommendation").bars[0].value
    qtbot.waitUntil(lambda: window.list_model.rowCount() == n, timeout=5000)
    window.close()
    window.shutdown()
    store.close()


def test_closing_the_window_stops_a_cohort_refresh_and_waits_for_it(qtbot) -> None:
    """The window's close cancels the Cohort's running refresh and waits for its thread."""
    from gepnet_desktop.ui.window.main_window import MainWindow

    store = open_clinic(paths.database_path())
    for case in random_cases(40, seed=5, prefix="C"):
        store.create(validate_case(case.to_dict(), require_code=True).case)
    window = MainWindow(store, lang="en")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    screens = window.need().screens
    screens.show_cohort.trigger()  # the dock shows: a refresh starts on a worker
    task = screens.cohort.task
    assert task is not None and task in screens.tasks
    window.close()
    assert task.is_cancelled() and not task.is_running()
    window.shutdown()
    store.close()
