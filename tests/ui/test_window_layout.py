"""The window on a small screen (issue 11): the case list collapses and comes back, gives way
when the window narrows, the chart fills the window on demand, the window stays inside the
screen, and each case opens on its own first view. Real windows on the offscreen screen
(800 x 800 unless the platform is told otherwise)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence

from gepnet_desktop import demo
from gepnet_desktop.ui.chart.view import READABLE_ZOOM
from gepnet_desktop.ui.window import panes
from gepnet_desktop.ui.window.settings import AppSettings
from tests.ui.test_main_window import open_window, stored

SHARED_FIXTURES = (open_window,)  # the main window tests' fixture, used here by name


def demo_case(code: str):
    return stored(next(c for c in demo.demo_cases() if c.case_code == code).to_dict())[0]


def chart_share(window) -> float:
    return window.page.view.width() / window.width()


def test_on_a_small_screen_the_list_collapses_and_the_chart_takes_the_room(qtbot, open_window):
    case = demo_case("DEMO-06")
    window = open_window()
    assert window.width() < panes.COMPACT_WIDTH  # the offscreen screen is a small one
    window.open_case(case.uuid)
    window.show_tab(1)
    qtbot.waitUntil(lambda: window.page.evaluation() is not None, timeout=5000)
    assert not window.panes.list_visible()
    assert not window.commands["toggle_list"].isChecked()
    assert chart_share(window) >= 0.6
    window.commands["toggle_list"].trigger()  # View > Show case list brings it back
    assert window.panes.list_visible() and window.commands["toggle_list"].isChecked()
    assert window.splitter.sizes()[0] >= window.splitter.widget(0).minimumWidth()
    window.commands["toggle_list"].trigger()
    assert not window.panes.list_visible()


def test_the_list_commands_are_in_the_view_menu_with_shortcuts(open_window):
    window = open_window()
    view = window.menus["view"].actions()
    assert window.commands["toggle_list"] in view and window.commands["chart_mode"] in view
    assert window.commands["toggle_list"].shortcut() == QKeySequence("Ctrl+Shift+L")
    assert window.commands["chart_mode"].shortcut() == QKeySequence("F11")
    assert window.commands["toggle_list"].text() == "&Show case list"


def test_the_splitter_handle_brings_the_list_back(qtbot, open_window):
    window = open_window()
    assert not window.panes.list_visible()
    handle = window.splitter.handle(1)
    start = QPoint(handle.width() // 2, handle.height() // 2)
    qtbot.mousePress(handle, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(handle, start + QPoint(300, 0))
    qtbot.mouseRelease(handle, Qt.MouseButton.LeftButton, pos=start + QPoint(300, 0))
    qtbot.waitUntil(window.panes.list_visible, timeout=2000)
    assert window.commands["toggle_list"].isChecked()


def test_finding_a_case_brings_the_list_back(qtbot, open_window):
    window = open_window()
    assert not window.panes.list_visible()
    window.commands["find"].trigger()
    assert window.panes.list_visible()
    window.activateWindow()
    qtbot.waitUntil(window.filter_bar.search.hasFocus, timeout=2000)


def test_a_narrowing_window_takes_the_room_from_the_list(qtbot, open_window):
    window = open_window()
    window.resize(1300, 700)
    qtbot.waitUntil(lambda: window.width() == 1300, timeout=2000)
    window.panes.set_list_visible(True)
    window.splitter.setSizes([600, 700])
    window.resize(1150, 700)  # narrower, still wide: the list gives way first
    qtbot.waitUntil(lambda: window.width() == 1150, timeout=2000)
    left, right = window.splitter.sizes()
    assert left <= panes.SHRINK_SHARE * (left + right) + 1
    window.resize(1000, 640)  # a laptop's width: the list collapses
    qtbot.waitUntil(lambda: window.width() == 1000, timeout=2000)
    assert not window.panes.list_visible()


def test_the_chart_fills_the_window_and_esc_leaves(qtbot, open_window):
    case = demo_case("DEMO-03")
    window = open_window()
    window.open_case(case.uuid)
    window.show_tab(0)
    window.panes.set_list_visible(True)
    normal = chart_share(window)
    window.commands["chart_mode"].trigger()
    assert window.tabs.currentWidget() is window.page
    assert not window.toolbar.isVisible() and not window.page.panel.isVisible()
    assert not window.tabs.tabBar().isVisible() and not window.panes.list_visible()
    assert window.page.banner.isVisible()  # the reconstruction notice stays
    qtbot.waitUntil(lambda: chart_share(window) >= 0.95, timeout=2000)
    assert chart_share(window) > normal
    window.activateWindow()
    qtbot.waitUntil(window.page.view.hasFocus, timeout=2000)
    qtbot.keyClick(window.page.view, Qt.Key.Key_Escape)
    assert not window.panes.chart_mode()
    assert window.toolbar.isVisible() and window.page.panel.isVisible()
    assert window.panes.list_visible() and window.tabs.tabBar().isVisible()


def test_the_chart_mode_is_not_remembered_as_the_layout(qtbot, open_window):
    window = open_window()
    window.panes.set_list_visible(True)
    sizes = window.splitter.sizes()
    window.commands["chart_mode"].trigger()
    window.close()
    again = open_window()
    assert not again.panes.chart_mode() and again.toolbar.isVisible()
    assert again.splitter.sizes() == sizes


def test_a_geometry_saved_on_a_larger_screen_opens_inside_this_one(qtbot, open_window):
    window = open_window()
    window.setGeometry(300, 200, 1700, 1100)  # as if saved on a large display
    qtbot.waitUntil(lambda: window.width() == 1700, timeout=2000)
    window.close()
    assert AppSettings().geometry is not None
    again = open_window()
    area = again.screen().availableGeometry()
    assert area.contains(again.frameGeometry())
    assert again.width() <= area.width() and again.height() <= area.height()


def test_each_case_opens_on_its_own_first_view(qtbot, open_window):
    first, second = demo_case("DEMO-06"), demo_case("DEMO-02")
    window = open_window()
    window.panes.set_list_visible(True)
    window.open_case(first.uuid)
    window.show_tab(1)
    page, view = window.page, window.page.view
    qtbot.waitUntil(lambda: page.evaluation() is not None, timeout=5000)
    page.zoom_out_action.trigger()
    page.zoom_out_action.trigger()
    page.select_node(page.evaluation().path[0])  # the panel on another box, scrolled down
    bar = page.panel.browser.verticalScrollBar()
    bar.setValue(bar.maximum())
    assert view.zoom() < READABLE_ZOOM and not view.is_fitted()
    window.open_case(second.uuid)
    ev = page.evaluation()
    assert ev is not None and window.windowTitle().startswith("DEMO-02")
    assert view.is_fitted_to_path() and view.zoom() >= min(READABLE_ZOOM, 1.0) - 1e-9
    shown = view.mapToScene(view.viewport().rect()).boundingRect()
    assert shown.contains(view.pathway_scene().node_item(ev.recommendation_node).scene_box())
    assert page.panel.current_node() is None and bar.value() == 0
    assert page.panel.plain_text().lstrip().startswith("Recommendation")
