"""The small things of issue 11 item 9, on real widgets: a missing-data link marks the field it
jumps to; check boxes show the keyboard focus; "Case code is required" waits until the user
leaves the field or saves; a refused save's status message goes once its problem is fixed; the
path's reasons do not repeat a box's name."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt

from gepnet_desktop import demo
from gepnet_desktop.pathway import default_pathway, evaluate
from gepnet_desktop.ui.chart.node_panel import overview_html
from gepnet_desktop.ui.form.case_form import CaseForm
from gepnet_desktop.ui.form.field_highlight import CSS
from tests.ui.test_main_window import choose, open_window, type_into

SHARED_FIXTURES = (open_window,)  # the main window tests' fixture, used here by name


def test_a_missing_data_link_marks_the_field_it_jumps_to(qtbot, open_window):
    window = open_window()
    window.new_case()
    choose(window, "differentiation", "well")
    type_into(qtbot, window, "ki67_percent", "4")
    qtbot.waitUntil(lambda: window.page.evaluation() is not None
                    and "sstr_status" in window.page.evaluation().missing, timeout=2000)
    window.show_tab(1)
    label = window.form._labels["sstr_status"]
    plain = label.styleSheet()
    window.page.missing_buttons()[0].click()
    assert window.form.highlighted_field() == "sstr_status"
    assert label.styleSheet() == CSS != plain
    choose(window, "sstr_status", "positive")  # fixing it takes the mark away
    qtbot.waitUntil(lambda: window.form.highlighted_field() is None, timeout=2000)
    assert label.styleSheet() == plain


def test_the_mark_goes_by_itself(qtbot, open_window):
    window = open_window()
    window.new_case()
    window.form.highlight_field("ki67_percent")
    assert window.form.highlighted_field() == "ki67_percent"
    qtbot.waitUntil(lambda: window.form.highlighted_field() is None, timeout=5000)


def test_a_check_box_shows_the_keyboard_focus(qtbot):
    form = CaseForm("en")
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    box = form.editor("comorbidities").boxes[0]
    before = box.grab().toImage()
    form.activateWindow()
    box.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(box.hasFocus, timeout=2000)
    assert box.grab().toImage() != before


def test_case_code_required_waits_until_the_field_is_left_or_saved(qtbot, open_window):
    window = open_window()
    window.new_case()  # the cursor is in the case code
    form = window.form
    window.activateWindow()
    qtbot.waitUntil(form.editor("case_code").hasFocus, timeout=2000)
    assert form.message_text("case_code") == ""
    qtbot.keyClicks(form.editor("case_code"), "A")
    qtbot.keyClick(form.editor("case_code"), Qt.Key.Key_Backspace)
    assert form.message_text("case_code") == ""  # still typing in it
    form.focus_field("ki67_percent")  # leaving it
    qtbot.waitUntil(lambda: "Case code is required" in form.message_text("case_code"),
                    timeout=2000)


def test_case_code_required_shows_at_a_save(qtbot, open_window):
    window = open_window()
    window.new_case()
    form = window.form  # the cursor stays in the empty case code: Save at once
    assert form.message_text("case_code") == ""
    assert window.save() is False
    assert "Case code is required" in form.message_text("case_code")
    form.load(None)  # the next new case starts quiet again
    assert form.message_text("case_code") == ""


def test_a_refused_saves_status_message_goes_when_the_problem_is_fixed(qtbot, open_window):
    window = open_window()
    window.new_case()
    type_into(qtbot, window, "case_code", "S-001")
    type_into(qtbot, window, "ki67_percent", "150")
    assert window.save() is False
    refused = window.statusBar().currentMessage()
    assert refused.startswith("The case was not saved.") and "Ki-67" in refused
    type_into(qtbot, window, "mitoses_per_2mm2", "1")  # another field: still true
    assert window.statusBar().currentMessage() == refused
    editor = window.form.editor("ki67_percent").lineEdit()
    editor.selectAll()
    qtbot.keyClicks(editor, "15")
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "", timeout=2000)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_reasons_do_not_repeat_a_boxs_name(lang):
    pathway = default_pathway()
    repeated = re.compile(r"(?:^|\n)\s*([^:\n]{3,}): \1:")
    for case in demo.demo_cases():
        html = overview_html(pathway, evaluate(case, pathway, lang=lang), lang)
        text = re.sub(r"<li>", "\n", html)
        text = re.sub(r"<[^>]+>", "", text)
        assert not repeated.search(text), (case.case_code, repeated.search(text))


def test_the_chart_and_the_form_write_comparisons_alike():
    """≤ and ≥ as one character each, the same in the form's labels and the chart's boxes
    (never "<=", ">=" or the slanted ⩽ ⩾)."""
    from gepnet_desktop.case.fields import CASE_FIELDS, LINE_FIELDS
    from gepnet_desktop.pathway import text

    pathway = default_pathway()
    form = [t for f in (*CASE_FIELDS, *LINE_FIELDS) for lang in ("en", "ko")
            for t in (f.label.get(lang, ""), f.help.get(lang, ""),
                      *(v.get(lang, "") for v in f.value_labels.values()))]
    chart = [text(x, lang) for lang in ("en", "ko")
             for x in [*(n.label for n in pathway.nodes.values()),
                       *(e.label for e in pathway.edges if e.label)]]
    odd = re.compile(r"<=|>=|=<|=>|⩽|⩾|≦|≧")
    assert [t for t in form + chart if odd.search(t)] == []
    assert any("≤" in t for t in form) and any("≤" in t for t in chart)
