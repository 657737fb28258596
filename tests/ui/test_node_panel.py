"""The Pathway page: clicking a box fills the panel; missing fields are links to the form."""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QTabWidget

from gepnet_desktop.case import validate_case
from gepnet_desktop.pathway import AccessEntry, default_pathway, evaluate, text
from gepnet_desktop.pathway.summary import access_status_word
from gepnet_desktop.ui.chart.fragments import BADGE_COLOURS
from gepnet_desktop.ui.chart.node_panel import NodePanel
from gepnet_desktop.ui.chart.pathway_page import PathwayPage
from gepnet_desktop.ui.chart.states import RECOMMENDATION, STOP
from tests.conftest import load_vignettes

PATHWAY = default_pathway()
VIGNETTES = {v["id"]: v for v in load_vignettes()}


def ev_of(vid: str, lang: str = "en"):
    return evaluate(validate_case(VIGNETTES[vid]["case"]).case, PATHWAY, lang=lang)


@pytest.fixture
def page(qtbot):
    p = PathwayPage(PATHWAY, "en")
    qtbot.addWidget(p)
    p.resize(1400, 900)
    p.show()
    qtbot.waitExposed(p)
    return p


def click_node(qtbot, page: PathwayPage, node_id: str) -> None:
    item = page.scene.node_item(node_id)
    page.view.ensureVisible(item.sceneBoundingRect())
    pos = page.view.mapFromScene(item.scene_box().center())
    qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def click_link(qtbot, browser, href: str) -> None:
    """Click the anchor `href` in a QTextBrowser where it is drawn."""
    doc = browser.document()
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            if frag.charFormat().anchorHref() == href:
                cursor = QTextCursor(doc)
                cursor.setPosition(frag.position() + max(1, frag.length() // 2))
                browser.ensureCursorVisible()
                browser.setTextCursor(cursor)
                browser.ensureCursorVisible()
                rect = browser.cursorRect(cursor)
                qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton,
                                 pos=QPoint(rect.center().x() - 2, rect.center().y()))
                return
            it += 1
        block = block.next()
    raise AssertionError(f"no link {href!r} in the panel")


def test_clicking_a_box_fills_the_panel_with_its_question_and_why(qtbot, page):
    page.set_evaluation(ev_of("V01"))
    with qtbot.waitSignal(page.nodeSelected) as sig:
        click_node(qtbot, page, "behaviour")
    assert sig.args == ["behaviour"]
    words = page.panel.plain_text()
    node = PATHWAY.nodes["behaviour"]
    assert text(node.label, "en") in words
    assert text(node.question, "en") in words
    why = next(e.text for e in ev_of("V01").explanations if e.node == "behaviour")
    assert why in words
    assert "On this patient's path" in words
    assert page.scene.node_item("behaviour").selected_mark


def test_recommendation_panel_lists_options_doses_cautions_access_and_citations(qtbot, page):
    ev = ev_of("S10")  # pancreatic NET, aggressive: cautions on every option
    page.set_evaluation(ev)
    click_node(qtbot, page, ev.recommendation_node)
    words = page.panel.plain_text()
    assert "The recommendation for this patient" in words
    for opt in ev.options:
        info = PATHWAY.options[opt.id]
        assert text(info.name, "en") in words
        assert text(info.dose, "en") in words
        for code in opt.cautions:
            assert text(PATHWAY.cautions[code], "en") in words
        assert f"as of {info.access_kr['as_of']}" in words
        assert text(info.access_kr["text"], "en") in words
    for key in PATHWAY.nodes[ev.recommendation_node].citations:
        assert PATHWAY.references[key] in words


def test_a_box_off_the_path_says_so(qtbot, page):
    page.set_evaluation(ev_of("V01"))
    click_node(qtbot, page, "nec_first_line")
    words = page.panel.plain_text()
    assert "Off this patient's path" in words
    assert "Options at this step (as published)" in words
    assert text(PATHWAY.options["platinum_etoposide"].dose, "en") in words


def test_stop_for_missing_data_marks_the_node_and_links_each_missing_field(qtbot, page):
    ev = ev_of("S08")  # stops at the site question
    page.set_evaluation(ev)
    assert page.scene.node_item("site_active_first_line").state == STOP
    buttons = page.missing_buttons()
    assert [b.objectName() for b in buttons] == ["missing:primary_site"]
    assert buttons[0].text() == "Primary site"
    with qtbot.waitSignal(page.missingFieldActivated) as sig:
        qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)
    assert sig.args == ["primary_site"]
    click_node(qtbot, page, "site_active_first_line")
    assert "The walk stopped here for missing data" in page.panel.plain_text()
    with qtbot.waitSignal(page.missingFieldActivated) as sig:
        click_link(qtbot, page.panel.browser, "field:primary_site")
    assert sig.args == ["primary_site"]


def test_warnings_symptom_control_and_current_regimen_are_shown(qtbot, page):
    ev = ev_of("V28")  # carcinoid syndrome, on lanreotide
    page.set_evaluation(ev)
    click_node(qtbot, page, "ssa_first_line")
    words = page.panel.plain_text()
    assert "Symptom control" in words
    assert text(PATHWAY.options["telotristat"].name, "en") in words
    assert "Current regimen: Lanreotide" in words
    page.set_evaluation(ev_of("V03"))
    assert page.warnings_label.isVisibleTo(page)
    assert text(PATHWAY.warnings["unknown:pace"], "en") in page.warnings_label.text()


def test_exhausted_treatment_explains_why_the_path_went_on(qtbot, page):
    ev = ev_of("V24")
    page.set_evaluation(ev)
    click_node(qtbot, page, "pnet_after_progression")
    words = " ".join(page.panel.plain_text().split())
    why = [e.text for e in ev.explanations if e.node == "pnet_after_progression"]
    assert why and all(" ".join(w.split()) in words for w in why)
    assert "the path goes on to later lines" in words
    assert page.scene.node_item("later_lines").state == RECOMMENDATION


def test_no_evaluation_shows_the_note_and_no_path(qtbot, page):
    page.set_evaluation(ev_of("V01"))
    page.select_node("grade")
    note = "Fix the errors in the form to update the chart"
    page.set_evaluation(None, note)
    assert page.scene.highlighted_node_ids() == []
    assert note in page.status_label.text()
    assert note in page.panel.plain_text()
    assert page.missing_buttons() == []
    assert not page.warnings_label.isVisibleTo(page)


def test_overview_links_select_the_boxes_of_the_path(qtbot, page):
    page.set_evaluation(ev_of("V04"))
    page.select_node(None)
    assert "Recommendation" in page.panel.plain_text()
    with qtbot.waitSignal(page.nodeSelected) as sig:
        click_link(qtbot, page.panel.browser, "node:sstr_positive")
    assert sig.args == ["sstr_positive"]
    assert page.scene.selected_node() == "sstr_positive"


def test_banner_is_permanent_and_in_the_page_language(qtbot):
    page = PathwayPage(PATHWAY, "ko")
    qtbot.addWidget(page)
    page.show()
    assert PATHWAY.notice["ko"] in page.banner.text()
    page.set_evaluation(ev_of("V01", "ko"))
    page.select_node("ssa_first_line")
    assert PATHWAY.nodes["ssa_first_line"].label["ko"] in page.panel.plain_text()
    assert "이 환자에 대한 권고" in page.panel.plain_text()
    page.set_language("en")
    assert PATHWAY.notice["en"] in page.banner.text()
    assert page.banner.isVisible()


def test_newer_evidence_toggle_adds_notes_but_keeps_the_path(qtbot, page):
    ev = ev_of("V20")  # pancreatic NET after progression
    page.set_evaluation(ev)
    lit = page.scene.highlighted_node_ids()
    page.select_node("pnet_after_progression")
    assert "CABINET" not in page.panel.plain_text()
    page.newer_box.click()
    assert page.scene.newer_evidence_visible()
    words = page.panel.plain_text()
    assert "CABINET" in words and "does not change the recommendation" in words
    assert page.scene.highlighted_node_ids() == lit
    assert page.evaluation() is ev and ev.recommendation_node == "pnet_after_progression"


def test_zoom_buttons_and_shortcuts_work_from_the_page(qtbot, page):
    start = page.view.zoom()
    qtbot.mouseClick(page.zoom_in_button, Qt.MouseButton.LeftButton)
    assert page.view.zoom() == pytest.approx(start * 1.2)
    assert page.zoom_label.text() == f"{round(page.view.zoom() * 100)}%"
    qtbot.mouseClick(page.fit_button, Qt.MouseButton.LeftButton)
    assert page.view.is_fitted()


def test_zoom_to_path_shows_the_whole_path_and_follows_it(qtbot, page):
    page.set_evaluation(ev_of("V01"))
    page.view.fit_to_window()
    whole = page.view.zoom()
    qtbot.keyClick(page.view, Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier)
    assert page.view.is_fitted_to_path() and page.view.zoom() > whole

    def shown(node_id: str) -> bool:
        visible = page.view.mapToScene(page.view.viewport().rect()).boundingRect()
        return visible.contains(page.scene.node_item(node_id).scene_box())

    assert all(shown(n) for n in ev_of("V01").path)
    page.set_evaluation(ev_of("V10"))  # another track: the view follows
    assert all(shown(n) for n in ev_of("V10").path)
    bar = page.view.verticalScrollBar()
    before = bar.value()
    bar.setValue(before + 40 if before + 40 <= bar.maximum() else before - 40)  # the user pans
    kept = bar.value()
    assert kept != before  # an edit that keeps the path keeps the view where the user put it
    page.set_evaluation(ev_of("V10"))
    assert bar.value() == kept
    page.view.zoom_in()
    assert not page.view.is_fitted_to_path()


def test_cautions_carry_their_citations(qtbot) -> None:
    from gepnet_desktop.case import validate_case
    from gepnet_desktop.pathway import default_pathway, evaluate
    from gepnet_desktop.ui.chart.node_panel import NodePanel

    pathway = default_pathway()
    s10 = VIGNETTES["S10"]
    ev = evaluate(validate_case(s10["case"]).case)
    panel = NodePanel(pathway, "en")
    qtbot.addWidget(panel)
    panel.show_node(ev.recommendation_node, ev)
    shown = panel.plain_text()
    assert pathway.cautions["renal_impairment"]["en"] in shown
    for key in pathway.caution_citations["renal_impairment"]:
        assert pathway.references[key] in shown


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_chart_tools_and_status_fit_a_narrow_page(qtbot, lang):
    # As in the main window: a tab whose width the window decides (at least 400 px).
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    page = PathwayPage(PATHWAY, lang)
    tabs.addTab(page, "Pathway")
    tabs.setMinimumSize(400, 300)
    tabs.resize(1400, 700)
    tabs.show()
    qtbot.waitExposed(tabs)
    page.set_evaluation(ev_of("V17", lang))  # stops: a long status line and a field link
    assert page.missing_buttons()
    tools = (page.zoom_out_button, page.zoom_in_button, page.fit_button, page.path_button,
             page.actual_button, page.newer_box, page.export_button, page.status_label,
             *page.missing_buttons())

    def whole(widget) -> bool:  # not elided, not cut off by the page's edge
        return widget.width() >= widget.minimumSizeHint().width() and \
            widget.mapTo(page, QPoint(widget.width(), 0)).x() <= page.width()

    def one_row() -> bool:  # on the same line (buttons of different kinds may differ by a pixel)
        a, b = page.export_button.geometry(), page.fit_button.geometry()
        return abs(a.center().y() - b.center().y()) < min(a.height(), b.height()) / 2

    # one row when there is room (the layout settles after a resize)
    qtbot.waitUntil(lambda: one_row() and all(whole(w) for w in tools), timeout=2000)
    assert page.fit_button.width() >= page.fit_button.sizeHint().width()
    for width in (480, 420):  # the tab at the window's smallest size, and narrower still
        tabs.resize(width, 700)
        qtbot.waitUntil(lambda: not one_row() and all(whole(w) for w in tools), timeout=2000)
        assert page.export_button.width() >= page.export_button.sizeHint().width()
    tabs.resize(1400, 700)
    qtbot.waitUntil(one_row, timeout=2000)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_chart_tools_settle_at_every_width(qtbot, lang):
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    page = PathwayPage(PATHWAY, lang)
    tabs.addTab(page, "Pathway")
    tabs.setMinimumSize(400, 300)
    tabs.show()
    qtbot.waitExposed(tabs)
    switches: list[bool] = []
    arrange = page.tools.arrange

    def counted() -> None:
        before = page.tools.is_one_row()
        arrange()
        if page.tools.is_one_row() != before:
            switches.append(page.tools.is_one_row())

    page.tools.arrange = counted
    for width in range(400, 1000, 6):
        tabs.resize(width, 600)
        for _ in range(3):
            QApplication.processEvents()
        settled = len(switches)
        for _ in range(4):
            QApplication.processEvents()
        assert len(switches) == settled, f"the tools keep switching rows at {width} px"


# --- Korean access per option (badge, text, date, citations) ---------------------------------

STATUSES = ("reimbursed", "self_paid", "not_approved", "unverified")
CODES = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b|\b(?:unknown|field|node):[a-z_]+")


def with_access(ev, *, cite: str = "netter1", newer: tuple[str, ...] = ()):
    """`ev` with one made-up access entry per option, the four statuses in turn."""
    entries = [AccessEntry(o.id, STATUSES[i % 4], f"Criterion {i + 1} for this option here.",
                           f"2022-03-0{i + 1}", (cite,)) for i, o in enumerate(ev.options)]
    return dataclasses.replace(ev, access=entries, newer_evidence=list(newer))


def badges_in(browser) -> list[tuple[str, str]]:
    """(word, status) of every access badge drawn in the panel, top to bottom, found by its
    background colour in the laid-out document."""
    by_colour = {bg: status for status, (_fg, bg) in BADGE_COLOURS.items()}
    found = []
    block = browser.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            colour = frag.charFormat().background().color().name()
            if frag.charFormat().background().style() != Qt.BrushStyle.NoBrush and \
                    colour in by_colour:
                found.append((frag.text().strip("\xa0 "), by_colour[colour]))
            it += 1
        block = block.next()
    return found


def panel_for(qtbot, pathway, ev, lang: str = "en", node: str | None = "rec"):
    panel = NodePanel(pathway, lang)
    qtbot.addWidget(panel)
    panel.resize(420, 900)
    panel.show_node(ev.recommendation_node if node == "rec" else node, ev)
    return panel


@pytest.mark.parametrize("node", ["rec", None])  # the recommendation's box, and the overview
def test_each_option_shows_its_access_badge_text_date_and_citation(qtbot, node):
    ev = with_access(ev_of("S10"))
    panel = panel_for(qtbot, PATHWAY, ev, node=node)
    words = " ".join(panel.plain_text().split())
    assert badges_in(panel.browser) == [(access_status_word(PATHWAY, a.status, "en"), a.status)
                                        for a in ev.access]
    at = -1
    for opt, entry in zip(ev.options, ev.access, strict=True):
        block = (f"{text(PATHWAY.options[opt.id].name, 'en')}",
                 access_status_word(PATHWAY, entry.status, "en"),
                 f"Korean access for this patient (as of {entry.as_of}): {entry.text}")
        for part in block:  # name, badge, then the text under it, option after option
            at = words.index(part, at + 1)
    assert PATHWAY.references["netter1"] in words
    assert re.search(r"Criterion 1 for this option here\. \[\d+\]", words)  # cited
    assert not CODES.findall(panel.plain_text())


def test_badge_words_come_from_the_pathway_file(qtbot):
    words = {"reimbursed": {"en": "NHI pays", "ko": "건강보험 급여"},
             "self_paid": {"en": "Patient pays", "ko": "환자 부담"}}
    pathway = dataclasses.replace(PATHWAY, access_statuses=words)
    ev = with_access(ev_of("S10"))
    panel = panel_for(qtbot, pathway, ev)
    shown = [w for w, _ in badges_in(panel.browser)]
    assert shown[:2] == ["NHI pays", "Patient pays"]
    panel.set_language("ko")
    assert [w for w, _ in badges_in(panel.browser)][:2] == ["건강보험 급여", "환자 부담"]


def test_korean_panel_shows_korean_badges_and_no_codes(qtbot):
    ev = with_access(ev_of("S10", "ko"))
    panel = panel_for(qtbot, PATHWAY, ev, "ko")
    words = panel.plain_text()
    assert [w for w, _ in badges_in(panel.browser)] == [
        access_status_word(PATHWAY, a.status, "ko") for a in ev.access]
    assert all(not re.search(r"[A-Za-z]", w) for w, _ in badges_in(panel.browser))
    assert "이 환자의 국내 허가·급여 (2022-03-01 기준)" in words
    assert not CODES.findall(words)


def _with_note(option_id: str, note: str):
    opt = dataclasses.replace(PATHWAY.options[option_id], access_kr={
        "as_of": "2020-12", "text": {"en": note, "ko": note}, "citations": ["yoo2021"]})
    return dataclasses.replace(PATHWAY, options={**PATHWAY.options, option_id: opt})


def test_the_access_note_is_kept_only_for_what_the_access_text_does_not_say(qtbot):
    ev = ev_of("S10")
    first = ev.options[0].id
    note = "Approval and reimbursement status of this test option unverified."
    entry = AccessEntry(first, "unverified", note, "2020-12", ("yoo2021",))
    panel = panel_for(qtbot, _with_note(first, note), dataclasses.replace(ev, access=[entry]))
    words = panel.plain_text()
    assert words.count(note) == 1 and "Also noted" not in words  # the same words: once
    two = "Reimbursed from April 2016 for G1/G2. Rectal NET was excluded at listing."
    entry = AccessEntry(first, "reimbursed", "Reimbursed from April 2016 for G1/G2 (NHI).",
                        "2016-04-01", ("yoo2021",))
    panel.pathway = _with_note(first, two)
    panel.show_node(ev.recommendation_node, dataclasses.replace(ev, access=[entry]))
    words = " ".join(panel.plain_text().split())
    assert "Also noted on Korean access (as of 2020-12): Rectal NET was excluded at listing." \
        in words
    assert words.count("Reimbursed from April 2016 for G1/G2") == 1
    # The same dated fact from the same source (the rule and the note behind it): once.
    entry = AccessEntry(first, "self_paid", "NHI covers it from the 3rd line; this is line 2.",
                        "2020-12", ("yoo2021",))
    panel.show_node(ev.recommendation_node, dataclasses.replace(ev, access=[entry]))
    words = " ".join(panel.plain_text().split())
    assert "Also noted" not in words and "Rectal NET was excluded" not in words
    assert "NHI covers it from the 3rd line; this is line 2." in words


def test_without_an_access_entry_the_dated_note_stays_and_no_badge_is_drawn(qtbot):
    ev = ev_of("V20")  # pancreatic NET after progression: every option has a dated note
    panel = panel_for(qtbot, PATHWAY, dataclasses.replace(ev, access=[]))
    assert badges_in(panel.browser) == []
    for opt in ev.options:
        note = PATHWAY.options[opt.id].access_kr
        if note:
            assert text(note["text"], "en") in " ".join(panel.plain_text().split())
    panel.show_node("nec_first_line", with_access(ev))  # off the path: as published, no badge
    assert badges_in(panel.browser) == []


@pytest.mark.parametrize("vid", ["W31", "V20", "W37"])
def test_a_real_evaluation_shows_one_badge_per_option_in_option_order(qtbot, vid):
    """End to end through the engine: passes once the walk fills `access`."""
    ev = ev_of(vid)
    assert [a.option for a in ev.access] == [o.id for o in ev.options]
    panel = panel_for(qtbot, PATHWAY, ev)
    assert badges_in(panel.browser) == [(access_status_word(PATHWAY, a.status, "en"), a.status)
                                        for a in ev.access]
    words = " ".join(panel.plain_text().split())
    for entry in ev.access:
        assert " ".join(entry.text.split()) in words
    assert not CODES.findall(panel.plain_text())


def test_no_internal_code_reaches_the_panel_for_any_worked_case(qtbot):
    panel = NodePanel(PATHWAY, "en")
    qtbot.addWidget(panel)
    for vid, vignette in VIGNETTES.items():
        result = validate_case(vignette["case"])
        if result.case is None:
            continue
        for lang in ("en", "ko"):
            ev = evaluate(result.case, PATHWAY, lang=lang)
            panel.set_language(lang)
            for node in (None, ev.path[-1]):
                panel.show_node(node, ev)
                assert not CODES.findall(panel.plain_text()), (vid, lang, node)


def test_the_panel_draws_each_badge_colour(qtbot, tmp_path):
    """Grabs the panel in English and Korean and finds every badge's colour in the pixels;
    the images go to $GEPNET_SHOTS (for a person to look at), else to the test's tmp dir."""
    shots = Path(os.environ.get("GEPNET_SHOTS") or tmp_path)
    for lang in ("en", "ko"):
        ev = with_access(ev_of("V20", lang))
        panel = panel_for(qtbot, PATHWAY, ev, lang)
        panel.resize(460, 1100)
        panel.show()
        qtbot.waitExposed(panel)
        image = panel.grab().toImage()
        seen = {image.pixelColor(x, y).name() for x in range(0, image.width(), 2)
                for y in range(0, image.height(), 2)}
        for status in STATUSES:
            assert BADGE_COLOURS[status][1] in seen, (lang, status)
        image.save(str(shots / f"panel-{lang}.png"))
