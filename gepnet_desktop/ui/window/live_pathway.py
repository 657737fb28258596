"""The main window's live pathway: the form's content, saved or not, walked through the chart
as the user types; and the chart and the tumour-board report of the open case, exported or
printed.

A part of MainWindow (a mixin): it uses the window's form, page (the Pathway page), pathway,
prompts and status bar; the walk is `pathway.evaluate`, the checks `case.validate_case`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ...case import Case, validate_case
from ...pathway import Evaluation, evaluate
from ..common.shell_phrases import plain, problem_sentence, tr

if TYPE_CHECKING:  # the window as this part sees it
    from .host import WindowHost as _Host
else:
    _Host = object


class LivePathway(_Host):
    """The Pathway page following the form, and the chart and report of the open case."""

    def _on_form_changed(self) -> None:
        self._chart_timer.start()

    def _on_dirty_changed(self, dirty: bool) -> None:
        self.setWindowModified(self._open and dirty)

    def update_pathway(self) -> None:
        """Walk the form's current content (saved or not) and show it on the Pathway page."""
        self._chart_timer.stop()
        if self.page is None:
            return
        if not self._open:
            self.last_evaluation = None
            self.page.set_evaluation(None, tr("chart.no_case", self.lang))
            return
        result = validate_case(self.form.data())
        if not result.ok or result.case is None:
            self.last_evaluation = None
            problem = problem_sentence(result.errors[0], self.lang) if result.errors else ""
            self.page.set_evaluation(None, tr("chart.fix_errors", self.lang, problem=problem))
            return
        self.last_evaluation = evaluate(result.case, self.pathway, lang=self.lang)
        self.page.set_evaluation(self.last_evaluation)

    def _current_case_and_evaluation(self) -> tuple[Case, Evaluation] | None:
        result = validate_case(self.form.data())
        if not result.ok or result.case is None:
            self._refuse(result.errors)
            return None
        return result.case, evaluate(result.case, self.pathway, lang=self.lang)

    def export_chart_to(self, dest: Path) -> bool:
        """Write the Pathway page's chart to an SVG, PNG or PDF file."""
        if not self._open or not self._may_write(Path(dest), "act.export_chart"):
            return False
        self.update_pathway()
        try:
            self.page.export_chart(Path(dest), replace=True)
        except (OSError, ValueError) as exc:
            self.prompts.error(self, plain(tr("act.export_chart", self.lang)), str(exc))
            return False
        self.statusBar().showMessage(tr("status.done", self.lang,
                                        what=plain(tr("act.export_chart", self.lang))), 10000)
        return True

    def export_report_to(self, dest: Path) -> bool:
        """Write the tumour-board report of the open case to a PDF or HTML file."""
        from ..report.case_report import write_report
        from ..report.commands import board_date_of

        if not self._open:
            return False
        pair = self._current_case_and_evaluation()
        if pair is None:
            return False
        case, ev = pair
        if not self._may_write(Path(dest), "act.export_report"):
            return False
        try:
            write_report(case, ev, self.pathway, Path(dest), self.lang, replace=True,
                         board_date=board_date_of(self.store, case))
        except (OSError, ValueError) as exc:
            self.prompts.error(self, plain(tr("act.export_report", self.lang)), str(exc))
            return False
        self.statusBar().showMessage(tr("status.done", self.lang,
                                        what=plain(tr("act.export_report", self.lang))), 10000)
        return True

    def print_report(self) -> None:
        """Print the tumour-board report (the system's print dialog)."""
        from ..report import case_report as report

        if not self._open:
            return
        pair = self._current_case_and_evaluation()
        if pair is None:
            return
        printer = getattr(report, "print_report", None)
        if printer is None:
            self.choose_export_report()
            return
        from ..report.commands import board_date_of

        printer(pair[0], pair[1], self.pathway, lang=self.lang, parent=self,
                board_date=board_date_of(self.store, pair[0]))
