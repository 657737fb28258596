"""The main window's commands: every action with its shortcut and icon, the menus, the toolbar,
and which actions are enabled when.

Each action calls a public method of the window or of one of its parts, so a menu, a shortcut
and a test all reach the same code. Texts come from `shell_phrases`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QUndoStack
from PySide6.QtWidgets import QMenu, QStyle, QToolBar

from ...i18n import tr
from ..common.shell_phrases import plain

if TYPE_CHECKING:
    from .main_window import MainWindow

Key = QKeySequence.StandardKey
Icon = QStyle.StandardPixmap

# name, what it calls on the window, shortcut, icon
ACTIONS: tuple[tuple[str, Callable[[MainWindow], Any], Any, Icon | None], ...] = (
    ("open_db", lambda w: w.need().files.choose_database(), Key.Open, Icon.SP_DirOpenIcon),
    ("backup", lambda w: w.need().files.choose_backup(), "Ctrl+B", None),
    ("restore", lambda w: w.need().files.choose_restore(), None, None),
    ("import", lambda w: w.need().files.choose_import(), "Ctrl+I", Icon.SP_ArrowDown),
    ("export", lambda w: w.need().files.choose_export(), "Ctrl+E", Icon.SP_ArrowUp),
    ("export_chart", lambda w: w.need().pathway.choose_export_chart(), "Ctrl+Shift+E", None),
    ("export_report", lambda w: w.need().pathway.choose_export_report(), "Ctrl+R",
     Icon.SP_FileDialogDetailedView),
    ("print_report", lambda w: w.need().pathway.print_report(), Key.Print, None),
    ("quit", lambda w: w.close(), "Ctrl+Q", None),
    ("undo_delete", lambda w: w.undo_delete(), "Ctrl+Alt+Z", None),
    ("find", lambda w: w.focus_search(), Key.Find, None),
    ("new", lambda w: w.new_case(), Key.New, Icon.SP_FileIcon),
    ("save", lambda w: w.save(), Key.Save, Icon.SP_DialogSaveButton),
    ("duplicate", lambda w: w.need().editor.duplicate_case(), "Ctrl+D", Icon.SP_FileLinkIcon),
    ("delete", lambda w: w.delete_case(), Key.Delete, Icon.SP_TrashIcon),
    ("revert", lambda w: w.revert_case(), "Ctrl+Shift+R", None),
    ("next", lambda w: w.step_case(1), "Ctrl+PgDown", None),
    ("previous", lambda w: w.step_case(-1), "Ctrl+PgUp", None),
    ("show_form", lambda w: w.show_tab(0), "Alt+1", None),
    ("show_pathway", lambda w: w.show_tab(1), "Alt+2", None),
    ("focus_list", lambda w: w.focus_list(), "Ctrl+L", None),
    ("about", lambda w: w.show_about(), None, None),  # F1 is the user guide (user_guide.py)
    ("data_folder", lambda w: w.show_data_folder(), None, None),
    ("load_demo", lambda w: w.need().upkeep.load_demo_cases(), None, None),
    # wired to the form's undo stack once the form exists (connect_undo_stack)
    ("undo", lambda w: None, Key.Undo, Icon.SP_ArrowBack),
    ("redo", lambda w: None, Key.Redo, Icon.SP_ArrowForward),
)
MENUS: dict[str, list[str | None]] = {  # None: a separator
    "file": ["open_db", None, "import", "export", None, "backup", "restore", None,
             "export_chart", "export_report", "print_report", None, "quit"],
    "edit": ["undo", "redo", None, "undo_delete", None, "find"],
    "case": ["new", "save", "duplicate", "revert", None, "delete", None, "next", "previous"],
    "view": ["show_form", "show_pathway", "focus_list", None],
    "help": ["about", "data_folder", None, "load_demo"],
}
TOOLBAR: tuple[str | None, ...] = ("new", "save", "duplicate", "delete", None, "undo", "redo",
                                   None, "import", "export", "export_report")
NEED_OPEN_CASE = ("save", "duplicate", "delete", "revert", "export_chart", "export_report",
                  "print_report",
                  "print_preview", "copy_summary")  # added by ui/report/commands.py
NEED_DATABASE = ("new", "open_db", "backup", "restore", "import", "export", "next", "previous",
                 "load_demo")


def build_actions(window: MainWindow) -> dict[str, QAction]:
    """Every action of the window, by name (plus "lang_en" and "lang_ko", checkable)."""
    actions: dict[str, QAction] = {}
    for name, slot, shortcut, icon in ACTIONS:
        action = QAction(tr(f"ui.act.{name}", window.lang), window)
        action.setObjectName(f"action_{name}")
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            shown = QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{plain(action.text())} ({shown})")
        if icon is not None:
            action.setIcon(window.style().standardIcon(icon))
        action.triggered.connect(lambda _checked=False, s=slot: s(window))
        actions[name] = action
    for name in ("undo_delete", "undo", "redo"):
        actions[name].setEnabled(False)
    group = QActionGroup(window)
    for code in ("en", "ko"):
        act = QAction(tr(f"ui.lang.{code}", window.lang), window, checkable=True)
        act.setObjectName(f"action_lang_{code}")
        act.setChecked(code == window.lang)
        act.triggered.connect(lambda _c=False, c=code: window.set_language(c))
        group.addAction(act)
        actions[f"lang_{code}"] = act
    return actions


def build_menus(window: MainWindow, actions: dict[str, QAction]) -> dict[str, QMenu]:
    """The menu bar's menus, by name; View ends with the Language submenu."""
    menus: dict[str, QMenu] = {}
    for name, items in MENUS.items():
        menu = window.menuBar().addMenu(tr(f"ui.menu.{name}", window.lang))
        menu.setObjectName(f"menu_{name}")
        menus[name] = menu
        for item in items:
            if item is None:
                menu.addSeparator()
            else:
                menu.addAction(actions[item])
    languages = menus["view"].addMenu(tr("ui.menu.language", window.lang))
    languages.addAction(actions["lang_en"])
    languages.addAction(actions["lang_ko"])
    return menus


def build_toolbar(window: MainWindow, actions: dict[str, QAction]) -> QToolBar:
    """The main toolbar (text beside icon), added to the window."""
    tools = QToolBar(tr("ui.toolbar", window.lang), window)
    tools.setObjectName("mainToolbar")
    tools.setMovable(False)
    tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for item in TOOLBAR:
        if item is None:
            tools.addSeparator()
        else:
            tools.addAction(actions[item])
            actions[item].setIconText(plain(actions[item].text()))
    window.addToolBar(tools)
    return tools


def update_enabled(actions: dict[str, QAction], *, case_open: bool, ready: bool) -> None:
    """Enable what can be done now: the case commands with a case open, the others once the
    database is open."""
    for name in NEED_OPEN_CASE:
        actions[name].setEnabled(case_open)
    for name in NEED_DATABASE:
        actions[name].setEnabled(ready)


def connect_undo_stack(actions: dict[str, QAction], stack: QUndoStack, lang: str) -> None:
    """Edit > Undo and Redo drive the form's undo stack and name the step they undo."""
    undo, redo = actions["undo"], actions["redo"]
    undo.triggered.connect(stack.undo)
    redo.triggered.connect(stack.redo)
    stack.canUndoChanged.connect(undo.setEnabled)
    stack.canRedoChanged.connect(redo.setEnabled)
    stack.undoTextChanged.connect(
        lambda what: undo.setText(with_detail(tr("ui.act.undo", lang), what)))
    stack.redoTextChanged.connect(
        lambda what: redo.setText(with_detail(tr("ui.act.redo", lang), what)))
    undo.setEnabled(stack.canUndo())
    redo.setEnabled(stack.canRedo())


def with_detail(action: str, what: str) -> str:
    """"&Undo" and "typing Ki-67" -> "&Undo typing Ki-67"."""
    return f"{action} {what}" if what else action
