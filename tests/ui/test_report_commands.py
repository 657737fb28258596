"""The report's window commands on a real main window: Case > Copy summary as text (the case,
the recommendation with its options and doses, the reasons, on the clipboard) and File > Print
preview (the report's pages); both carry the board's latest decision date."""

from __future__ import annotations

from PySide6.QtPrintSupport import QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QApplication

from gepnet_desktop import paths
from gepnet_desktop.board import record_board_decision
from gepnet_desktop.case.observations import dated_value
from gepnet_desktop.clinic import open_clinic
from gepnet_desktop.pathway import default_pathway, evaluate, text
from tests.ui.test_main_window import open_window, stored  # noqa: F401  (fixture)
from tests.ui.test_report_pdf import CHANGES, VIGNETTES

PATHWAY = default_pathway()


def case_with_decisions():
    (case,) = stored({**VIGNETTES["V20"]["case"], **CHANGES})
    store = open_clinic(paths.database_path())
    try:
        for day in ("2025-06-01", "2025-10-14"):
            record_board_decision(store, case, {"date": day, "decision": "everolimus"})
    finally:
        store.close()
    return case


def test_copy_summary_puts_case_options_doses_reasons_and_board_date_on_the_clipboard(
        qtbot, open_window):  # noqa: F811
    case = case_with_decisions()
    window = open_window()
    assert not window.commands["copy_summary"].isEnabled()
    window.open_case(case.uuid)
    assert window.commands["copy_summary"].isEnabled()
    window.commands["copy_summary"].trigger()
    words = QApplication.clipboard().text()
    ev = evaluate(case, PATHWAY, lang="en")
    assert case.case_code in words and "2025-10-14" in words
    assert dated_value(case, "ki67_percent", "en") in words
    assert text(PATHWAY.nodes[ev.recommendation_node].label, "en") in words
    for opt in ev.options:
        assert text(PATHWAY.options[opt.id].dose, "en") in words
    for e in ev.explanations:
        assert e.text in words
    assert "prrt_lu177" not in words and "ki67_percent" not in words


def test_print_preview_shows_the_report_s_pages(qtbot, open_window):  # noqa: F811
    case = case_with_decisions()
    window = open_window("ko")
    file_menu = window.menus["file"].actions()
    assert file_menu.index(window.commands["print_preview"]) == \
        file_menu.index(window.commands["print_report"]) + 1
    window.open_case(case.uuid)
    window.commands["print_preview"].trigger()
    dialog = window.findChild(QPrintPreviewDialog, "reportPreview")
    assert dialog is not None and dialog.isVisible()
    preview = dialog.findChild(QPrintPreviewWidget)
    qtbot.waitUntil(lambda: preview.pageCount() >= 3, timeout=10000)  # report + chart pages
    dialog.reject()
