"""The main window's case editing: opening a case, leaving it (save, discard or cancel), saving
(refused with a sentence naming the field), conflicts, new, duplicate, revert, delete with undo,
and the drafts that keep unsaved work across a crash.

A part of MainWindow (a mixin): it uses the window's store, form, tabs, right, list_model,
list_view, actions, prompts and status bar; rules come from the form's validation and the store.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ...case import Case, Problem
from ...i18n import tr
from ..common.shell_phrases import plain, problem_sentence
from . import dialogs

if TYPE_CHECKING:
    from ...store import StoreError

log = logging.getLogger(__name__)

COPY_SUFFIX = "-copy"


if TYPE_CHECKING:  # the window as this part sees it
    from .host import WindowHost as _Host
else:
    _Host = object


class CaseEditing(_Host):
    """The open case's life in the main window: load, save, duplicate, delete, drafts."""

    def has_unsaved_changes(self) -> bool:
        return self._open and self.form is not None and self.form.is_dirty()

    def maybe_leave(self) -> bool:
        """Before the open case is replaced or the window closes: True when it is fine to go.

        With unsaved changes, asks: Save (go only if the save succeeds), Discard, or Cancel.
        """
        if not self.has_unsaved_changes():
            return True
        answer = self.prompts.unsaved(self, self._case_name())
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
        self.right.setCurrentWidget(self.tabs)
        self._update_title()
        self._update_actions()
        self.update_pathway()
        self._select_current_row()
        self.caseLoaded.emit(case.uuid if case and case.uuid else "")

    def _close_editor(self) -> None:
        self._case = None
        self._open = False
        self._copy_code = None
        self.form.load(None)
        self.right.setCurrentWidget(self.placeholder)
        self._update_title()
        self._update_actions()
        self.update_pathway()
        self._select_current_row()

    def open_case(self, uuid: str) -> bool:
        """Open the stored case `uuid` (asking first about unsaved changes); True if opened."""
        if self._open and self._case is not None and self._case.uuid == uuid:
            return True
        if not self.maybe_leave():
            return False
        case = self.store.get(uuid)
        if case is None:
            self.list_model.refresh()
            return False
        self._load(case)
        log.info("opened case %s", uuid)
        return True

    def new_case(self) -> bool:
        """Start a new, empty case (asking first about unsaved changes)."""
        if not self.maybe_leave():
            return False
        self._load(None)
        self.tabs.setCurrentWidget(self.form)
        self.form.focus_field("case_code")
        return True

    def revert_case(self) -> None:
        """Throw away the edits: reload the stored case (or empty the new one)."""
        if not self._open:
            return
        stored = self.store.get(self._case.uuid) if self._case and self._case.uuid else None
        self._load(stored)

    def save(self) -> bool:
        """Save the case in the form. Refused, with a message naming the field, on any error."""
        if not self._open:
            return False
        result = self.form.validation()
        if not result.ok:
            self._refuse(result.errors)
            return False
        code = (self.form.data().get("case_code") or "").strip()
        if self._copy_code is not None and code == self._copy_code:
            self._refuse_text(tr("ui.error.copy_code", self.lang, code=code), "case_code")
            return False
        case = result.case
        assert case is not None
        from ...store import ConflictError, StoreError, ValidationFailed

        try:
            stored = self.store.update(case) if case.uuid else self.store.create(case)
        except ConflictError:
            return self._resolve_conflict(case)
        except ValidationFailed as exc:
            self._refuse(exc.problems)
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
        self._update_title()
        self.statusBar().showMessage(tr("ui.status.saved", self.lang), 5000)
        self.list_model.refresh()
        log.info("saved case %s revision %s", stored.uuid, stored.revision)
        self.caseSaved.emit(stored.uuid or "")

    def _refuse(self, problems: list[Problem]) -> None:
        first = problems[0]
        message = tr("ui.error.save.invalid", self.lang, problem=problem_sentence(first, self.lang))
        if len(problems) > 1:
            message += tr("ui.error.save.more", self.lang, n=len(problems) - 1)
        self._refuse_text(message, first.field)

    def _refuse_text(self, message: str, field: str | None) -> None:
        self.statusBar().showMessage(message, 15000)
        if field:
            self.go_to_field(field)
        self.prompts.error(self, tr("ui.error.save.title", self.lang), message)

    def _resolve_conflict(self, mine: Case) -> bool:
        from ...store import StoreError

        answer = self.prompts.conflict(self, self._case_name())
        stored = self.store.get(mine.uuid) if mine.uuid else None
        if answer == dialogs.RELOAD:
            if stored is None:
                self._close_editor()
            else:
                self._load(stored)
            self.list_model.refresh()
            return False
        if answer == dialogs.OVERWRITE:
            try:
                if stored is None:
                    saved = self.store.create(replace(mine, uuid=None, revision=None))
                else:
                    saved = self.store.update(replace(mine, revision=stored.revision))
            except StoreError as exc:
                self._refuse_text(str(exc), _field_named_in(exc))
                return False
            self._after_save(saved)
            return True
        return False

    def go_to_field(self, field: str) -> None:
        """Show the form and put the cursor in `field` (a key or a line path)."""
        if not self._open:
            return
        self.tabs.setCurrentWidget(self.form)
        self.form.focus_field(field)

    def duplicate_case(self) -> bool:
        """A copy of the open case as a new case (new uuid on save; its code must be changed)."""
        if not self._open or not self.maybe_leave():
            return False
        stored = self.store.get(self._case.uuid) if self._case and self._case.uuid else None
        data = stored.to_dict() if stored is not None else self.form.data()
        code = (data.get("case_code") or "").strip()
        copy_code = (code[: 40 - len(COPY_SUFFIX)] + COPY_SUFFIX) if code else COPY_SUFFIX[1:]
        data.update(case_code=copy_code)
        for key in ("uuid", "revision", "created_at", "updated_at"):
            data[key] = None
        self._load(None)
        self.form.set_data(data)
        self._copy_code = copy_code
        self.tabs.setCurrentWidget(self.form)
        self.form.focus_field("case_code")
        self.statusBar().showMessage(tr("ui.status.copy_code", self.lang), 10000)
        return True

    def delete_case(self) -> bool:
        """Soft-delete the open case; Edit > Undo delete (or the status bar button) restores it.

        With unsaved changes, asks first as when leaving the case: Save (the edits are stored,
        then the case deleted, so Undo delete brings them back), Discard, or Cancel.
        """
        if not self._open or not self.maybe_leave():
            return False
        if self._case is None or not self._case.uuid:
            self._close_editor()
            return True
        uuid = self._case.uuid
        from ...store import StoreError

        try:
            self.store.delete(uuid)
        except StoreError as exc:
            self.prompts.error(self, plain(tr("ui.act.delete", self.lang)), str(exc))
            return False
        log.info("deleted case %s", uuid)
        self._last_deleted = uuid
        self._close_editor()
        self.list_model.refresh()
        self.commands["undo_delete"].setEnabled(True)
        self.undo_delete_button.show()
        self._undo_delete_timer.start()
        self.statusBar().showMessage(tr("ui.status.deleted", self.lang), 15000)
        return True

    def undo_delete(self) -> bool:
        """Bring back the case deleted last, and open it."""
        uuid = self._last_deleted
        if uuid is None:
            return False
        from ...store import StoreError

        try:
            self.store.restore(uuid)
        except StoreError as exc:
            self.prompts.error(self, plain(tr("ui.act.undo_delete", self.lang)), str(exc))
            return False
        log.info("restored case %s", uuid)
        self._last_deleted = None
        self.commands["undo_delete"].setEnabled(False)
        self.undo_delete_button.hide()
        self.list_model.refresh()
        self.open_case(uuid)
        self.statusBar().showMessage(tr("ui.status.restored_case", self.lang), 5000)
        return True

    def save_draft(self) -> None:
        """Write the form's unsaved content to the drafts folder now (the autosaver also does,
        300 ms after an edit and when the user moves to another field)."""
        if self._open:
            self.autosaver.flush()

    def rescue(self) -> None:
        """After an unexpected error: keep the case being edited as a draft."""
        self.save_draft()

    def offer_drafts(self) -> bool:
        """Offer each draft left by a previous run (a crash), newest first; True when one was
        restored (the others stay for a later start)."""
        drafts = list(reversed(self.drafts.load_all()))
        for i, (key, data) in enumerate(drafts):
            name = (data.get("case_code") or "").strip() or tr("ui.title.new", self.lang)
            if self.prompts.restore_draft(self, name, len(drafts) - i - 1):
                self.restore_draft(key, data)
                return True
            self.drafts.discard(key)
        return False

    def restore_draft(self, key: str, data: dict[str, Any]) -> None:
        """Put a draft back in the form (dirty, so the user saves or discards it)."""
        if not self.maybe_leave():
            return
        uuid = data.get("uuid")
        stored = self.store.get(uuid) if uuid else None
        if uuid and stored is None:  # deleted since: the draft becomes a new case
            data = {**data, "uuid": None, "revision": None}
        self._load(stored)
        self.form.set_data(data)
        self.save_draft()
        if key != self.form.draft_key():
            self.drafts.discard(key)
        self.tabs.setCurrentWidget(self.form)
        self.statusBar().showMessage(tr("ui.status.draft_restored", self.lang), 10000)


def _field_named_in(exc: StoreError) -> str | None:
    """The field a store error is about, when it says (duplicate code -> case_code)."""
    problems = getattr(exc, "problems", None)
    if problems:
        return problems[0].field
    return "case_code" if type(exc).__name__ == "DuplicateCodeError" else None
