"""The Pathway page as a part of the main window: the case in the form, saved or not, walked
through the chart as the user types, from the editor's one check of each change; and the chart
and the tumour-board report of the open case, exported or printed.

The walk is `pathway.evaluate`; the checks come from the editor (`CaseCheck`), never made here
for an edit.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from ...case import Case, CaseCheck, Problem, validate_case
from ...i18n import tr
from ...pathway import Evaluation, Pathway, evaluate
from ...pathway.what_if import what_if
from ..chart.pathway_page import PathwayPage
from ..common.shell_phrases import plain, problem_sentence
from . import dialogs

MayWrite = Callable[[Path, str], bool]
AskPath = Callable[[str, str, str], "Path | None"]  # title key, filter key, suggested name
BoardDate = Callable[[Case], "str | None"]  # the board's latest decision date for a case


class LivePathway(QObject):
    """The Pathway page following the editor, and the chart and report of the open case."""

    fieldRequested = Signal(str)  # a missing field's link: put the cursor there
    message = Signal(str, int)    # a sentence for the status bar, and for how long (ms)

    def __init__(self, pathway: Pathway, lang: str, prompts: dialogs.Prompts, *,
                 case_data: Callable[[], dict[str, Any]],
                 refuse: Callable[[list[Problem]], None], may_write: MayWrite,
                 ask_path: AskPath, board_date: BoardDate, window: QWidget) -> None:
        super().__init__(window)
        self.pathway = pathway
        self.lang = lang
        self.prompts = prompts
        self._case_data = case_data
        self._refuse = refuse
        self._may_write = may_write
        self._ask_path = ask_path
        self._board_date = board_date
        self._window = window
        self._open = False
        self._check: CaseCheck | None = None
        self.last_evaluation: Evaluation | None = None
        self.page = PathwayPage(pathway, lang, parent=window)
        self.page.missingFieldActivated.connect(self.fieldRequested)
        self._timer = QTimer(self)  # typing: one walk for the edits of one event-loop turn
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.update_pathway)
        self._pending: tuple[Case, Evaluation] | None = None
        self._what_if_timer = QTimer(self)  # what would change it: after the chart is painted
        self._what_if_timer.setSingleShot(True)
        self._what_if_timer.setInterval(0)
        self._what_if_timer.timeout.connect(self._show_what_if)

    # -- following the editor ------------------------------------------------------------------
    def follow(self, check: CaseCheck) -> None:
        """The form changed and was checked: walk it once the event loop is free."""
        self._check = check
        self._timer.start()

    def case_opened(self) -> None:
        """A case is in the form now: show its walk at once."""
        self._open = True
        self.update_pathway()

    def case_closed(self) -> None:
        """No case in the form: the page says so."""
        self._open = False
        self.update_pathway()

    def update_pathway(self) -> None:
        """Walk the form's last checked content (saved or not) and show it on the page."""
        self._timer.stop()
        if not self._open:
            self.last_evaluation = None
            self.page.set_evaluation(None, tr("ui.chart.no_case", self.lang))
            return
        result = self._check.walk if self._check is not None else None
        if result is None or not result.ok or result.case is None:
            self.last_evaluation = None
            problem = problem_sentence(result.errors[0], self.lang) \
                if result is not None and result.errors else ""
            self.page.set_evaluation(None, tr("ui.chart.fix_errors", self.lang, problem=problem))
            return
        self.last_evaluation = evaluate(result.case, self.pathway, lang=self.lang)
        self.page.set_evaluation(self.last_evaluation)
        self._pending = (result.case, self.last_evaluation)
        self._what_if_timer.start()

    def _show_what_if(self) -> None:
        """What would change the recommendation of the walk on the page, once per walk (it
        walks the case again per value: done when the event loop is free, after the paint)."""
        if self._pending is None or self._pending[1] is not self.last_evaluation:
            return
        case, ev = self._pending
        self._pending = None
        self.page.set_what_if(ev, case, what_if(case, self.pathway, ev))

    # -- export and print ----------------------------------------------------------------------
    def current_case_and_evaluation(self) -> tuple[Case, Evaluation] | None:
        """The case as the form has it (saved or not) and its walk; None, with the refusal
        shown, when the form has errors."""
        result = validate_case(self._case_data())
        if not result.ok or result.case is None:
            self._refuse(result.errors)
            return None
        return result.case, evaluate(result.case, self.pathway, lang=self.lang)

    def choose_export_chart(self) -> None:
        path = self._ask_path("ui.act.export_chart", "ui.dialog.filter_chart", "pathway.svg")
        if path:
            self.export_chart_to(path)

    def choose_export_report(self) -> None:
        path = self._ask_path("ui.act.export_report", "ui.dialog.filter_report", "case-report.pdf")
        if path:
            self.export_report_to(path)

    def export_chart_to(self, dest: Path) -> bool:
        """Write the Pathway page's chart to an SVG, PNG or PDF file."""
        if not self._open or not self._may_write(Path(dest), "ui.act.export_chart"):
            return False
        self.update_pathway()
        try:
            self.page.export_chart(Path(dest), replace=True)
        except (OSError, ValueError) as exc:
            self.prompts.error(self._window, plain(tr("ui.act.export_chart", self.lang)), str(exc))
            return False
        self.message.emit(tr("ui.status.done", self.lang,
                             what=plain(tr("ui.act.export_chart", self.lang))), 10000)
        return True

    def export_report_to(self, dest: Path) -> bool:
        """Write the tumour-board report of the open case to a PDF or HTML file."""
        from ..report.case_report import write_report

        if not self._open:
            return False
        pair = self.current_case_and_evaluation()
        if pair is None:
            return False
        case, ev = pair
        if not self._may_write(Path(dest), "ui.act.export_report"):
            return False
        try:
            write_report(case, ev, self.pathway, Path(dest), self.lang, replace=True,
                         board_date=self._board_date(case))
        except (OSError, ValueError) as exc:
            self.prompts.error(self._window, plain(tr("ui.act.export_report", self.lang)),
                               str(exc))
            return False
        self.message.emit(tr("ui.status.done", self.lang,
                             what=plain(tr("ui.act.export_report", self.lang))), 10000)
        return True

    def print_report(self) -> None:
        """Print the tumour-board report (the system's print dialog), or export it where
        printing is not available."""
        from ..report import case_report as report

        if not self._open:
            return
        pair = self.current_case_and_evaluation()
        if pair is None:
            return
        printer = getattr(report, "print_report", None)
        if printer is None:
            self.choose_export_report()
            return
        printer(pair[0], pair[1], self.pathway, lang=self.lang, parent=self._window,
                board_date=self._board_date(pair[0]))
