"""The case editor, a part of the main window: the case form and the life of the case in it:
opening, leaving (save, discard or cancel), saving (refused with a sentence naming the field),
conflicts, new, duplicate, revert, delete with undo, and the drafts that keep unsaved work
across a crash.

It owns the form, the drafts' autosaver and the status bar's undo-delete button, and tells the
window what happened through signals; rules come from the form's validation and the store.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QPushButton, QWidget

from ...case import Case, Problem
from ...i18n import tr
from ..common.shell_phrases import plain, problem_sentence
from ..form.case_form import CaseForm
from ..form.drafts import DraftAutosaver, DraftStore
from . import dialogs
from .database import OpenDatabase

if TYPE_CHECKING:
    from ...store import StoreError

log = logging.getLogger(__name__)

COPY_SUFFIX = "-copy"
DRAFT_DELAY_MS = 300
UNDO_DELETE_MS = 15000


class CaseEditor(QObject):
    """The open case: load, save, duplicate, delete, drafts. `form` is its widget."""

    caseLoaded = Signal(str)    # uuid of the case now in the form, "" for a new case
    caseClosed = Signal()       # no case in the form any more
    caseSaved = Signal(str)     # uuid of the case just saved
    caseChecked = Signal(object)  # the CaseCheck of each change of the form (one per change)
    dirtyChanged = Signal(bool)
    stateChanged = Signal()     # open or closed, another case, undo delete (title, commands)
    casesChanged = Signal()     # stored cases changed here: the list reads them again
    formRequested = Signal()    # show the form: the cursor goes into one of its fields
    message = Signal(str, int)  # a sentence for the status bar, and for how long (ms)

    def __init__(self, db: OpenDatabase, drafts: DraftStore, prompts: dialogs.Prompts,
                 lang: str, window: QWidget) -> None:
        super().__init__(window)
        self._db = db
        self._window = window  # the parent of dialogs
        self.lang = lang
        self.prompts = prompts
        self.drafts = drafts
        self._case: Case | None = None  # the stored case in the form (None: new or none)
        self._open = False              # a case (stored or new) is in the form
        self._copy_code: str | None = None
        self._last_deleted: str | None = None
        self.form = CaseForm(lang, parent=window)
        # through methods: a signal-to-signal connection cannot be undone by `disconnect()`
        self.form.changed.connect(self._on_changed)
        self.form.dirtyChanged.connect(self._on_dirty)
        self.autosaver = DraftAutosaver(self.form, drafts, delay_ms=DRAFT_DELAY_MS, parent=self)
        self.autosaver.failed.connect(lambda reason: self.form.set_unprotected(
            tr("ui.form.unprotected", lang, reason=reason)))
        self.autosaver.protected.connect(lambda: self.form.set_unprotected(None))
        self.undo_delete_button = QPushButton(tr("ui.status.undo_delete_button", lang), window)
        self.undo_delete_button.setFlat(True)
        self.undo_delete_button.setObjectName("undoDeleteButton")
        self.undo_delete_button.clicked.connect(self.undo_delete)
        self.undo_delete_button.hide()
        self._undo_delete_timer = QTimer(self)
        self._undo_delete_timer.setSingleShot(True)
        self._undo_delete_timer.setInterval(UNDO_DELETE_MS)
        self._undo_delete_timer.timeout.connect(self.undo_delete_button.hide)

    def _on_changed(self) -> None:
        self.caseChecked.emit(self.form.check())  # the form's one check of this change

    def _on_dirty(self, dirty: bool) -> None:
        self.dirtyChanged.emit(dirty)

    # -- what the window shows -----------------------------------------------------------------
    def is_open(self) -> bool:
        """True while a case (stored or new) is in the form."""
        return self._open

    def case_name(self) -> str:
        """The open case's code, or "New case"."""
        if self._case is not None and self._case.case_code:
            return self._case.case_code
        return tr("ui.title.new", self.lang)

    def stored_case(self) -> Case | None:
        """The stored case in the form (None when no case is open, or a new one)."""
        case = self._case if self._open else None
        return case if case is not None and case.uuid else None

    def can_undo_delete(self) -> bool:
        return self._last_deleted is not None

    def has_unsaved_changes(self) -> bool:
        return self._open and self.form.is_dirty()

    def set_usable(self, usable: bool) -> None:
        """The database can (not) be written: the undo-delete button goes when it cannot."""
        if not usable:
            self.undo_delete_button.hide()

    # -- leaving and loading -------------------------------------------------------------------
    def maybe_leave(self) -> bool:
        """Before the open case is replaced or the window closes: True when it is fine to go.

        With unsaved changes, asks: Save (go only if the save succeeds), Discard, or Cancel.
        """
        if not self.has_unsaved_changes():
            return True
        answer = self.prompts.unsaved(self._window, self.case_name())
        if answer == dialogs.SAVE:
            return self.save()
        if answer == dialogs.DISCARD:
            self._discard_edits()
            return True
        return False

    def _discard_edits(self) -> None:
        """Put the stored version (or an empty new case) back; the draft goes with the edits."""
        self.form.load(self._case)
        self._copy_code = None

    def _load(self, case: Case | None) -> None:
        """Put `case` (None: a new, empty case) in the form and show it."""
        self._case = case
        self._open = True
        self._copy_code = None
        self.form.load(case)
        self.stateChanged.emit()
        self.caseLoaded.emit(case.uuid if case and case.uuid else "")

    def close_case(self) -> None:
        """Empty the form: no case is open."""
        self._case = None
        self._open = False
        self._copy_code = None
        self.form.load(None)
        self.stateChanged.emit()
        self.caseClosed.emit()

    def open_case(self, uuid: str) -> bool:
        """Open the stored case `uuid` (asking first about unsaved changes); True if opened."""
        if self._open and self._case is not None and self._case.uuid == uuid:
            return True
        if not self.maybe_leave():
            return False
        case = self._db.require().get(uuid)
        if case is None:
            self.casesChanged.emit()
            return False
        self._load(case)
        log.info("opened case %s", uuid)
        return True

    def new_case(self) -> bool:
        """Start a new, empty case (asking first about unsaved changes)."""
        if not self.maybe_leave():
            return False
        self._load(None)
        self._show_field("case_code")
        return True

    def revert_case(self) -> None:
        """Throw away the edits: reload the stored case (or empty the new one)."""
        if not self._open:
            return
        stored = self._stored_version()
        self._load(stored)

    def _stored_version(self) -> Case | None:
        if self._case is None or not self._case.uuid:
            return None
        return self._db.require().get(self._case.uuid)

    # -- saving --------------------------------------------------------------------------------
    def save(self) -> bool:
        """Save the case in the form. Refused, with a message naming the field, on any error."""
        if not self._open:
            return False
        result = self.form.validation()
        if not result.ok:
            self.refuse(result.errors)
            return False
        code = (self.form.data().get("case_code") or "").strip()
        if self._copy_code is not None and code == self._copy_code:
            self._refuse_text(tr("ui.error.copy_code", self.lang, code=code), "case_code")
            return False
        case = result.case
        assert case is not None
        from ...store import ConflictError, StoreError, ValidationFailed

        store = self._db.require()
        try:
            stored = store.update(case) if case.uuid else store.create(case)
        except ConflictError:
            return self._resolve_conflict(case)
        except ValidationFailed as exc:
            self.refuse(exc.problems)
            return False
        except StoreError as exc:
            self._refuse_text(str(exc), _field_named_in(exc))
            return False
        self._after_save(stored)
        return True

    def _after_save(self, stored: Case) -> None:
        self._case = stored
        self._copy_code = None
        self.form.mark_saved(stored)  # clean again: the autosaver removes the draft
        self.stateChanged.emit()
        self.message.emit(tr("ui.status.saved", self.lang), 5000)
        self.casesChanged.emit()
        log.info("saved case %s revision %s", stored.uuid, stored.revision)
        self.caseSaved.emit(stored.uuid or "")

    def refuse(self, problems: list[Problem]) -> None:
        """Say why the case cannot be used (the first problem, and how many more), and put the
        cursor in the field of the first."""
        first = problems[0]
        message = tr("ui.error.save.invalid", self.lang, problem=problem_sentence(first, self.lang))
        if len(problems) > 1:
            message += tr("ui.error.save.more", self.lang, n=len(problems) - 1)
        self._refuse_text(message, first.field)

    def _refuse_text(self, message: str, field: str | None) -> None:
        self.message.emit(message, 15000)
        if field:
            self.go_to_field(field)
        self.prompts.error(self._window, tr("ui.error.save.title", self.lang), message)

    def _resolve_conflict(self, mine: Case) -> bool:
        from ...store import StoreError

        answer = self.prompts.conflict(self._window, self.case_name())
        store = self._db.require()
        stored = store.get(mine.uuid) if mine.uuid else None
        if answer == dialogs.RELOAD:
            if stored is None:
                self.close_case()
            else:
                self._load(stored)
            self.casesChanged.emit()
            return False
        if answer == dialogs.OVERWRITE:
            try:
                if stored is None:
                    saved = store.create(replace(mine, uuid=None, revision=None))
                else:
                    saved = store.update(replace(mine, revision=stored.revision))
            except StoreError as exc:
                self._refuse_text(str(exc), _field_named_in(exc))
                return False
            self._after_save(saved)
            return True
        return False

    def go_to_field(self, field: str) -> None:
        """Show the form and put the cursor in `field` (a key or a line path)."""
        if self._open:
            self._show_field(field)

    def _show_field(self, field: str) -> None:
        self.formRequested.emit()
        self.form.focus_field(field)

    # -- duplicate and delete ------------------------------------------------------------------
    def duplicate_case(self) -> bool:
        """A copy of the open case as a new case (new uuid on save; its code must be changed)."""
        if not self._open or not self.maybe_leave():
            return False
        stored = self._stored_version()
        data = stored.to_dict() if stored is not None else self.form.data()
        code = (data.get("case_code") or "").strip()
        copy_code = (code[: 40 - len(COPY_SUFFIX)] + COPY_SUFFIX) if code else COPY_SUFFIX[1:]
        data.update(case_code=copy_code)
        for key in ("uuid", "revision", "created_at", "updated_at"):
            data[key] = None
        self._load(None)
        self.form.set_data(data)
        self._copy_code = copy_code
        self._show_field("case_code")
        self.message.emit(tr("ui.status.copy_code", self.lang), 10000)
        return True

    def delete_case(self) -> bool:
        """Soft-delete the open case; Edit > Undo delete (or the status bar button) restores it.

        With unsaved changes, asks first as when leaving the case: Save (the edits are stored,
        then the case deleted, so Undo delete brings them back), Discard, or Cancel.
        """
        if not self._open or not self.maybe_leave():
            return False
        if self._case is None or not self._case.uuid:
            self.close_case()
            return True
        uuid = self._case.uuid
        from ...store import StoreError

        try:
            self._db.require().delete(uuid)
        except StoreError as exc:
            self.prompts.error(self._window, plain(tr("ui.act.delete", self.lang)), str(exc))
            return False
        log.info("deleted case %s", uuid)
        self._last_deleted = uuid
        self.close_case()
        self.casesChanged.emit()
        self.undo_delete_button.show()
        self._undo_delete_timer.start()
        self.stateChanged.emit()
        self.message.emit(tr("ui.status.deleted", self.lang), 15000)
        return True

    def undo_delete(self) -> bool:
        """Bring back the case deleted last, and open it."""
        uuid = self._last_deleted
        if uuid is None:
            return False
        from ...store import StoreError

        try:
            self._db.require().restore(uuid)
        except StoreError as exc:
            self.prompts.error(self._window, plain(tr("ui.act.undo_delete", self.lang)), str(exc))
            return False
        log.info("restored case %s", uuid)
        self._last_deleted = None
        self.undo_delete_button.hide()
        self.stateChanged.emit()
        self.casesChanged.emit()
        self.open_case(uuid)
        self.message.emit(tr("ui.status.restored_case", self.lang), 5000)
        return True

    # -- drafts --------------------------------------------------------------------------------
    def save_draft(self) -> None:
        """Write the form's unsaved content to the drafts folder now (the autosaver also does,
        300 ms after an edit and when the user moves to another field)."""
        if self._open:
            self.autosaver.flush()

    def offer_drafts(self) -> bool:
        """Offer each draft left by a previous run (a crash), newest first; True when one was
        restored (the others stay for a later start)."""
        drafts = list(reversed(self.drafts.load_all()))
        for i, (key, data) in enumerate(drafts):
            name = (data.get("case_code") or "").strip() or tr("ui.title.new", self.lang)
            if self.prompts.restore_draft(self._window, name, len(drafts) - i - 1):
                self.restore_draft(key, data)
                return True
            self.drafts.discard(key)
        return False

    def restore_draft(self, key: str, data: dict[str, Any]) -> None:
        """Put a draft back in the form (dirty, so the user saves or discards it)."""
        if not self.maybe_leave():
            return
        uuid = data.get("uuid")
        stored = self._db.require().get(uuid) if uuid else None
        if uuid and stored is None:  # deleted since: the draft becomes a new case
            data = {**data, "uuid": None, "revision": None}
        self._load(stored)
        self.form.set_data(data)
        self.save_draft()
        if key != self.form.draft_key():
            self.drafts.discard(key)
        self.formRequested.emit()
        self.message.emit(tr("ui.status.draft_restored", self.lang), 10000)


def _field_named_in(exc: StoreError) -> str | None:
    """The field a store error is about, when it says (duplicate code -> case_code)."""
    problems = getattr(exc, "problems", None)
    if problems:
        return problems[0].field
    return "case_code" if type(exc).__name__ == "DuplicateCodeError" else None
