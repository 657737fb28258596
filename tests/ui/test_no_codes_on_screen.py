"""No internal code reaches the screen (issue 11 item 7): for a rich case (five lines of
therapy, a new line still empty, the Pathway page, the report), every visible text, tooltip,
list cell and panel of the window names regimens, fields and values by their labels."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QTextEdit,
    QWidget,
)

from gepnet_desktop import demo
from gepnet_desktop.case.fields import CASE_FIELDS, LINE_FIELDS
from gepnet_desktop.pathway import default_pathway
from gepnet_desktop.ui.report.case_report import build_report_html
from tests.ui.test_main_window import open_window, stored

SHARED_FIXTURES = (open_window,)  # the main window tests' fixture, used here by name


def known_codes() -> set[str]:
    """Codes no reader should see: field keys and value codes with an underscore or a digit
    (`primary_site`, `octreotide_lar`, `gt50`), the pathway's node and option ids."""
    pathway = default_pathway()
    codes = {f.key for f in (*CASE_FIELDS, *LINE_FIELDS)}
    codes |= {v for f in (*CASE_FIELDS, *LINE_FIELDS) for v in f.values}
    codes |= set(pathway.nodes) | set(getattr(pathway, "options", {}))
    return {c for c in codes if re.search(r"[_\d]", c)}


CODES = known_codes()
FINDER = re.compile(r"(?<![\w./-])(" + "|".join(sorted(map(re.escape, CODES), key=len,
                                                          reverse=True)) + r")(?![\w-])")


def codes_in(text: str) -> set[str]:
    return set(FINDER.findall(text or ""))


def visible_texts(window) -> dict[str, str]:
    """What the window shows: widget texts and tooltips, combo items, list and table cells
    (display and tooltip), rich text as plain text, actions, the chart's tooltips."""
    out: dict[str, str] = {"title": window.windowTitle(),
                           "status": window.statusBar().currentMessage()}
    for w in window.findChildren(QWidget):
        name = f"{type(w).__name__}:{w.objectName()}"
        parts = [w.toolTip(), w.accessibleName()]
        if isinstance(w, (QLabel, QAbstractButton)):
            parts.append(w.text())
        if isinstance(w, QLineEdit):
            parts += [w.text(), w.placeholderText()]
        if isinstance(w, QComboBox):
            parts += [w.itemText(i) for i in range(w.count())]
        if isinstance(w, QTextEdit):
            parts.append(w.toPlainText())
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            model = w.model()
            for row in range(model.rowCount()):
                for col in range(model.columnCount()):
                    index = model.index(row, col)
                    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                        value = model.data(index, role)
                        parts.append(value if isinstance(value, str) else "")
            for col in range(model.columnCount()):
                head = model.headerData(col, Qt.Orientation.Horizontal)
                parts.append(head if isinstance(head, str) else "")
        out[name] = out.get(name, "") + "\n".join(p for p in parts if p)
    for action in window.findChildren(QAction):
        out[f"action:{action.objectName()}"] = f"{action.text()}\n{action.toolTip()}"
    if window.page is not None:
        out["chart tooltips"] = "\n".join(item.toolTip() for item in window.page.scene.items())
    return out


def leaks(window) -> dict[str, set[str]]:
    return {name: found for name, text in visible_texts(window).items()
            if (found := codes_in(text))}


def test_the_finder_knows_the_codes_that_leaked_before():
    assert {"octreotide_lar", "prrt_lu177", "gt50", "primary_site"} <= CODES
    assert codes_in("allowed: one of lanreotide, octreotide_lar, prrt_lu177") == {
        "octreotide_lar", "prrt_lu177"}
    assert codes_in("Octreotide LAR, PRRT (177Lu-DOTATATE), Liver burden > 50%") == set()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_no_code_in_the_window_for_a_rich_case(qtbot, open_window, lang):
    rich = stored(next(c for c in demo.demo_cases() if c.case_code == "DEMO-07").to_dict())[0]
    window = open_window(lang=lang)
    window.panes.set_list_visible(True)
    qtbot.waitUntil(lambda: window.list_model.row_of(rich.uuid) is not None, timeout=5000)
    window.open_case(rich.uuid)
    editor = window.form.lines_editor
    editor.add_line()  # a new line: regimen and outcome still to choose (the old leak)
    qtbot.waitUntil(lambda: bool(editor.shown_problems()), timeout=5000)
    window.save()  # refused: the status bar and the form say why
    assert leaks(window) == {}
    window.show_tab(1)
    window.update_pathway()
    ev = window.page.evaluation()
    for node in [None, *ev.path] if ev else [None]:
        window.page.select_node(node)
        assert leaks(window) == {}, node
    editor.remove_line()
    window.update_pathway()
    window.page.select_node(None)
    assert window.page.evaluation() is not None
    assert leaks(window) == {}


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_no_code_in_the_report(lang):
    from gepnet_desktop.case import validate_case
    from gepnet_desktop.pathway import evaluate

    case = next(c for c in demo.demo_cases() if c.case_code == "DEMO-07")
    case = validate_case(case.to_dict()).case
    pathway = default_pathway()
    html = build_report_html(case, evaluate(case, pathway, lang=lang), pathway, lang)
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script)[^>]*>.*?</\1>", "", html, flags=re.S))
    text = re.sub(r"data:[^\s\"']+", "", text)
    assert codes_in(text) == set()
