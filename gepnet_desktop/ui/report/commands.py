"""The report's window commands: File > Print preview and Case > Copy summary as text, and the
board's date that the report, the print and the summary show. Each takes the main window and
works on the open case as the form has it (saved or not)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QGuiApplication, QKeySequence

from ...i18n import tr

# The window adds these commands while it builds its frame, before the first paint: the store,
# the print support and the report pages are loaded when a command runs, not at start.
if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrintPreviewDialog

    from ...case.model import Case
    from ...pathway import Evaluation
    from ...store import Store
    from ..window.main_window import MainWindow as WindowHost
    from .report_pages import ReportItem


def board_date_of(store: Store | None, case: Case) -> str | None:
    """The date of the board's latest decision about `case` (None without one or a store)."""
    from ...store.decisions import latest_decision_date

    return latest_decision_date(store, case.uuid) if store is not None else None


def _open_item(window: WindowHost) -> ReportItem | None:
    from .report_pages import ReportItem

    if not window.is_ready():
        return None
    pair: tuple[Case, Evaluation] | None = window.need().pathway.current_case_and_evaluation()
    if pair is None:
        return None
    return ReportItem(pair[0], pair[1], board_date_of(window.db.store, pair[0]))


def print_preview(window: WindowHost) -> QPrintPreviewDialog | None:
    """Open the print preview of the open case's report (the pages File > Print prints)."""
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

    from .report_pages import a4_layout, paint_reports

    item = _open_item(window)
    if item is None:
        return None
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(a4_layout())
    dialog = QPrintPreviewDialog(printer, window)
    dialog.setObjectName("reportPreview")
    dialog.paintRequested.connect(
        lambda device: paint_reports(device, [item], window.pathway, window.lang))
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog


def copy_summary(window: WindowHost) -> str | None:
    """Put the open case's summary on the clipboard as plain text; returns the text."""
    from .summary_text import summary_text

    item = _open_item(window)
    if item is None:
        return None
    words = summary_text(item.case, item.ev, window.pathway, window.lang, item.board_date)
    QGuiApplication.clipboard().setText(words)
    return words


# name, its words, what it does, shortcut, the menu it goes in, the command it follows there
REPORT_ACTIONS: tuple[tuple[str, str, Callable[[WindowHost], Any], str | None, str, str],
                      ...] = (
    ("print_preview", "report.act_print_preview", print_preview, None, "file", "print_report"),
    ("copy_summary", "report.act_copy_summary", copy_summary, "Ctrl+Shift+C", "case", "revert"),
)


def add_report_actions(window: WindowHost) -> None:
    """Add the report's commands to the window's menus and to `window.commands` (enabled
    with a case open: window_actions.NEED_OPEN_CASE)."""
    for name, words, slot, shortcut, menu_name, after in REPORT_ACTIONS:
        action = QAction(tr(words, window.lang), window)
        action.setObjectName(f"action_{name}")
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False, s=slot: s(window))
        menu = window.menus[menu_name]
        items = menu.actions()
        place = items.index(window.commands[after]) + 1
        if place < len(items):
            menu.insertAction(items[place], action)
        else:
            menu.addAction(action)
        window.commands[name] = action
