"""The Timeline tab on real widgets: the geometry (dates -> x: bars in date order, one per
line, ongoing to today), the keyboard moving between bars, tooltips and both languages."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QImage, QPainter

from gepnet_desktop.case import validate_case
from gepnet_desktop.case.decision import BoardDecision, Snapshot
from gepnet_desktop.case.timeline import case_events, line_spans
from gepnet_desktop.pathway import default_pathway
from gepnet_desktop.ui.timeline.layout import layout_timeline
from gepnet_desktop.ui.timeline.paint import paint_timeline
from gepnet_desktop.ui.timeline.tab import TimelineTab, timeline_data
from gepnet_desktop.ui.timeline.view import TimelineView

TODAY = dt.date(2026, 6, 1)


def case_with_lines():
    data = {"case_code": "T-1", "primary_site": "pancreas", "differentiation": "well",
            "ki67_percent": 8, "ki67_date": "2021-03-02", "sstr_status": "positive",
            "sstr_imaging_date": "2021-03-20", "diagnosis_date": "2021-02-15",
            "hepatic_burden": "le25", "bulk_symptoms": False, "pace": "stable",
            "lines": [  # listed out of date order on purpose
                {"regimen": "everolimus", "outcome": "ongoing", "start_date": "2024-05-01",
                 "best_response": "SD"},
                {"regimen": "lanreotide", "outcome": "progression",
                 "start_date": "2021-04-01", "end_date": "2024-04-20",
                 "progression_date": "2024-04-10", "best_response": "SD"},
                {"regimen": "other", "outcome": "completed"}]}
    result = validate_case(data)
    assert result.case is not None, result.errors
    return result.case


def test_spans_follow_the_calendar() -> None:
    spans = line_spans(case_with_lines(), TODAY)
    assert [s.regimen for s in spans] == ["lanreotide", "everolimus", "other"]
    lan, eve, undated = spans
    assert (lan.end, lan.progression, lan.pfs_event) == (dt.date(2024, 4, 20),
                                                         dt.date(2024, 4, 10), True)
    assert lan.pfs_months == pytest.approx((dt.date(2024, 4, 10) - dt.date(2021, 4, 1)).days
                                           / 30.4375)
    assert eve.continuing and eve.end == TODAY and not eve.pfs_event
    assert undated.start is None and undated.pfs_months is None


def test_geometry_bars_in_date_order_one_per_line_ongoing_to_today() -> None:
    case = case_with_lines()
    data = timeline_data(case, default_pathway(), [], TODAY)
    lay = layout_timeline(data, left=100, right=900, top=0)
    assert len(lay.bars) == len(case.lines)
    assert sorted(b.span.index for b in lay.bars) == list(range(len(case.lines)))
    dated = [b for b in lay.bars if b.x0 is not None]
    assert [b.x0 for b in dated] == sorted(b.x0 for b in dated)
    assert [b.row for b in lay.bars] == list(range(3))
    assert [b.top for b in lay.bars] == sorted(b.top for b in lay.bars)
    lan, eve, undated = lay.bars
    assert eve.x1 == pytest.approx(lay.today_x) == pytest.approx(lay.x_of(TODAY))
    assert lan.x0 < lan.progression_x < lan.x1 <= eve.x0
    assert undated.x0 is None and undated.x1 is None
    assert min(b.x0 for b in dated) >= 100 and max(b.x1 for b in dated) <= 900
    # dates -> x is linear: equal days (365 each here), equal distances
    d0, d1, d2 = dt.date(2022, 1, 1), dt.date(2023, 1, 1), dt.date(2024, 1, 1)
    assert lay.x_of(d1) - lay.x_of(d0) == pytest.approx(
        lay.x_of(d2) - lay.x_of(d1))
    # markers: diagnosis, Ki-67, SSTR at their dates
    kinds = [m.event.kind for m in lay.markers]
    assert kinds == ["diagnosis", "ki67", "sstr"]
    assert [m.x for m in lay.markers] == sorted(m.x for m in lay.markers)


def test_board_decisions_are_markers_at_their_dates() -> None:
    case = case_with_lines()
    d = BoardDecision("2024-04-25", "everolimus", Snapshot("kr", "2", "x", ("everolimus",)))
    events = case_events(case, [d])
    assert [e.kind for e in events][-1] == "decision" and events[-1].decision is d
    data = timeline_data(case, default_pathway(), [d], TODAY)
    lay = layout_timeline(data, left=0, right=1000, top=0)
    marker = next(m for m in lay.markers if m.event.kind == "decision")
    assert marker.x == pytest.approx(lay.x_of(dt.date(2024, 4, 25)))


def test_keyboard_moves_between_bars_and_shows_details(qtbot) -> None:
    tab = TimelineTab(default_pathway(), "en")
    qtbot.addWidget(tab)
    tab.resize(900, 600)
    tab.show_case(case_with_lines(), today=TODAY)
    tab.show()
    qtbot.waitExposed(tab)
    view = tab.view
    view.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(view.hasFocus)
    assert view.current() == 0
    assert "Lanreotide" in tab.details.text() and "progression-free" in tab.details.text()
    with qtbot.waitSignal(view.currentChanged) as moved:
        qtbot.keyClick(view, Qt.Key.Key_Down)
    assert moved.args == [1] and "Everolimus" in tab.details.text()
    assert "to today" in tab.details.text()
    qtbot.keyClick(view, Qt.Key.Key_Tab)  # Tab moves inside the rows first
    assert view.current() == 2 and view.hasFocus()
    assert "dates not recorded" in tab.details.text()
    qtbot.keyClick(view, Qt.Key.Key_Up)
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.current() == 0
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert view.current() == 2
    # the pathway node when each line began is in its details
    assert "pathway when it began" in view.details(0)


def test_tooltips_name_the_bar_and_the_marker(qtbot) -> None:
    view = TimelineView(default_pathway(), "en")
    qtbot.addWidget(view)
    view.resize(900, 300)
    view.set_data(timeline_data(case_with_lines(), default_pathway(), [], TODAY))
    lay = view.bar_layout()
    assert lay is not None
    bar = lay.bars[0]
    tip = view.tip_at(QPointF((bar.x0 + bar.x1) / 2, bar.top + 4))
    assert tip.startswith("Lanreotide") and "progression 2024-04-10" in tip
    diagnosis, ki67 = lay.markers[0], lay.markers[1]
    # two weeks apart: the markers would overlap, so the second takes the next lane
    assert (diagnosis.lane, ki67.lane) == (0, 1) and ki67.y > diagnosis.y
    assert view.tip_at(QPointF(ki67.x, ki67.y)) == "Ki-67 measured: 2021-03-02"
    assert view.tip_at(QPointF(diagnosis.x, diagnosis.y)) == "Diagnosis: 2021-02-15"


def test_korean_words_and_a_painted_image(qtbot) -> None:
    view = TimelineView(default_pathway(), "ko")
    qtbot.addWidget(view)
    data = timeline_data(case_with_lines(), default_pathway(), [], TODAY)
    view.resize(900, 300)
    view.set_data(data)
    details = view.details(1)
    assert "에베로리무스" in details and "현재까지" in details
    image = QImage(900, 400, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    lay = paint_timeline(painter, QRectF(0, 0, 900, 400), data, default_pathway(), "ko")
    painter.end()
    # the bar of the first line is painted in its outcome's colour, the gap before it is not
    first = lay.bars[0]
    y = int(first.top + first.height / 2)
    inside = {image.pixelColor(int(x), y).name() for x in range(int(first.x0) + 2,
                                                               int(first.x0) + 30)}
    assert "#c62828" in inside
    assert image.pixelColor(int(first.x0) - 6, y).name() == "#ffffff"


def test_twelve_lines_make_twelve_rows(qtbot) -> None:
    lines = [{"regimen": "everolimus" if i % 2 else "lanreotide", "outcome": "progression",
              "start_date": f"{2010 + i}-01-01", "end_date": f"{2010 + i}-12-01",
              "progression_date": f"{2010 + i}-11-15"} for i in range(12)]
    case = validate_case({"case_code": "T-12", "primary_site": "pancreas",
                          "differentiation": "well", "ki67_percent": 5, "lines": lines}).case
    assert case is not None
    view = TimelineView(default_pathway(), "en")
    qtbot.addWidget(view)
    view.resize(900, 300)
    view.set_data(timeline_data(case, default_pathway(), [], TODAY))
    lay = view.bar_layout()
    assert lay is not None and len(lay.bars) == 12
    assert view.height() >= lay.rows_bottom
    assert all(b.x1 <= c.x0 for b, c in zip(lay.bars, lay.bars[1:], strict=False))
