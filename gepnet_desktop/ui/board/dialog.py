"""The "Record board decision" dialog: prefilled with the recommendation; the date, the
decision, a reason (required when the decision departs from the recommendation) and its text,
attendees and notes. The rule and its sentences are the case layer's (case/decision.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ...case.decision import (
    DECISIONS,
    REASONS,
    BoardDecision,
    Snapshot,
    decision_label,
    reason_label,
    validate_decision,
)
from ...i18n import tr
from ...pathway import Pathway, text

PROBLEM_CSS = "QLabel { color: #b71c1c; }"


class BoardDecisionDialog(QDialog):
    """Record a new decision against `snapshot` (the recommendation now), or edit `decision`
    (its snapshot stays as recorded). `fields()` gives what the store needs once accepted."""

    def __init__(self, snapshot: Snapshot, pathway: Pathway, lang: str = "en", *,
                 decision: BoardDecision | None = None, today: dt.date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.snapshot = decision.snapshot if decision else snapshot
        self.original = decision
        self.today = today or dt.date.today()
        self.setObjectName("boardDecisionDialog")
        self.setWindowTitle(tr("board.edit_title" if decision else "board.record_title", lang))
        self._build(pathway)
        self._fill(decision)
        self._update()

    def _label(self, key: str) -> str:
        return tr(f"decision.field.{key}", self.lang)

    def _build(self, pathway: Pathway) -> None:
        lang, snap = self.lang, self.snapshot
        node = text(pathway.nodes[snap.recommendation_node].label, lang) \
            if snap.recommendation_node in pathway.nodes else tr("board.needs_data", lang)
        options = ", ".join(decision_label(o, lang) for o in snap.options) or "—"
        self.recommendation = QLabel(tr("board.recommendation", lang, node=node,
                                        options=options), self)
        self.recommendation.setWordWrap(True)
        self.date = QDateEdit(self)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setCalendarPopup(True)
        self.date.setMaximumDate(QDate(self.today.year, self.today.month, self.today.day))
        self.decision = QComboBox(self)
        for value in [*snap.options, *(d for d in DECISIONS if d not in snap.options)]:
            shown = decision_label(value, lang)
            if value in snap.options:
                shown = tr("board.recommended_option", lang, option=shown)
            self.decision.addItem(shown, value)
        self.concordance = QLabel(self)
        self.concordance.setObjectName("concordance")
        self.reason = QComboBox(self)
        self.reason.addItem(tr("board.choose_reason", lang), None)
        for value in REASONS:
            self.reason.addItem(reason_label(value, lang), value)
        self.reason_text = QLineEdit(self)
        self.attendees = QLineEdit(self)
        self.notes = QPlainTextEdit(self)
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.problems = QLabel(self)
        self.problems.setObjectName("problems")
        self.problems.setStyleSheet(PROBLEM_CSS)
        self.problems.setWordWrap(True)
        self.problems.hide()
        form = QFormLayout()
        for key, widget in (("date", self.date), ("decision", self.decision),
                            ("concordant", self.concordance), ("reason", self.reason),
                            ("reason_text", self.reason_text), ("attendees", self.attendees),
                            ("notes", self.notes)):
            caption = QLabel(self._label(key), self)
            caption.setBuddy(widget)
            widget.setAccessibleName(self._label(key))
            form.addRow(caption, widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(tr("board.save", lang))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("board.cancel", lang))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        column = QVBoxLayout(self)
        column.addWidget(self.recommendation)
        column.addLayout(form)
        column.addWidget(self.problems)
        column.addWidget(buttons)
        self.decision.currentIndexChanged.connect(self._update)
        self.reason.currentIndexChanged.connect(self._update)

    def _fill(self, d: BoardDecision | None) -> None:
        day = dt.date.fromisoformat(d.date) if d else self.today
        self.date.setDate(QDate(day.year, day.month, day.day))
        if d is None:
            return
        self.decision.setCurrentIndex(max(0, self.decision.findData(d.decision)))
        self.reason.setCurrentIndex(max(0, self.reason.findData(d.reason)))
        self.reason_text.setText(d.reason_text or "")
        self.attendees.setText(d.attendees or "")
        self.notes.setPlainText(d.notes or "")

    def is_concordant(self) -> bool:
        return BoardDecision("", str(self.decision.currentData()), self.snapshot).concordant

    def _update(self) -> None:
        concordant = self.is_concordant()
        self.concordance.setText(tr("board.concordant" if concordant else "board.departs",
                                    self.lang))
        self.reason.setEnabled(not concordant)
        self.reason_text.setEnabled(not concordant)

    def fields(self) -> dict[str, Any]:
        """date, decision, reason, reason_text, attendees, notes (None when empty; no reason
        for a concordant decision)."""
        concordant = self.is_concordant()

        def words(value: str) -> str | None:
            return value.strip() or None

        return {"date": self.date.date().toString("yyyy-MM-dd"),
                "decision": self.decision.currentData(),
                "reason": None if concordant else self.reason.currentData(),
                "reason_text": None if concordant else words(self.reason_text.text()),
                "attendees": words(self.attendees.text()),
                "notes": words(self.notes.toPlainText())}

    def problem_texts(self) -> list[str]:
        """The sentences the case layer has for the fields as they are (empty: valid)."""
        obj = {**self.fields(), "snapshot": self.snapshot.to_dict()}
        result = validate_decision(obj, today=self.today)
        return [p.text(self.lang) for p in result.errors]

    def accept(self) -> None:
        problems = self.problem_texts()
        if problems:
            self.problems.setText("\n".join(f"! {p}" for p in problems))
            self.problems.show()
            (self.reason if not self.is_concordant() else self.decision).setFocus(
                Qt.FocusReason.OtherFocusReason)
            return
        super().accept()
