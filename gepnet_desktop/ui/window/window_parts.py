"""The parts of the main window that need the open database, built by its second step."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .case_editor import CaseEditor
from .case_screens import CaseScreens
from .database_safety import DatabaseSafety
from .database_upkeep import DatabaseUpkeep
from .file_operations import FileOperations
from .live_pathway import LivePathway

if TYPE_CHECKING:
    from ..form.drafts import DraftStore
    from .main_window import MainWindow


@dataclass(frozen=True)
class WindowParts:
    """The case editor, the Pathway page, file operations, upkeep, safety and the issue-12
    screens (Timeline, Cohort, board decisions) of one window."""

    safety: DatabaseSafety
    editor: CaseEditor
    pathway: LivePathway
    files: FileOperations
    upkeep: DatabaseUpkeep
    screens: CaseScreens


def build_parts(window: MainWindow, safety: DatabaseSafety,
                drafts: DraftStore | None) -> WindowParts:
    """Each part given what it needs of the window (its database, settings, prompts) and the
    others' commands it triggers; `safety` is the one that opened the database."""
    from ..form.drafts import DraftStore, default_folder
    from ..report.commands import board_date_of

    db, prompts, lang = window.db, window.prompts, window.lang
    editor = CaseEditor(db, drafts or DraftStore(default_folder()), prompts, lang, window)
    files = FileOperations(db, safety, window.settings, prompts, lang,
                           maybe_leave=editor.maybe_leave, window=window)
    pathway = LivePathway(window.pathway, lang, prompts, case_data=editor.form.data,
                          refuse=editor.refuse, may_write=safety.may_write,
                          ask_path=files.ask_save_path,
                          board_date=lambda case: board_date_of(db.store, case), window=window)
    upkeep = DatabaseUpkeep(db, window.settings, prompts, lang, window)
    screens = CaseScreens(db, window.pathway, lang, editor=editor, live=pathway,
                          case_list=window.case_list, tabs=window.tabs, menus=window.menus,
                          window=window)
    return WindowParts(safety, editor, pathway, files, upkeep, screens)
