"""What would change it on the Pathway page (issue 12 item 5): the panel shows the section under
the recommendation, or under the missing data of a stop, for the case on screen; computed once
per walk after the chart is painted, and gone when the walk changes."""

from __future__ import annotations

import pytest

from gepnet_desktop.case import validate_case
from gepnet_desktop.i18n import tr
from gepnet_desktop.pathway import default_pathway, evaluate, text
from gepnet_desktop.pathway.summary import option_name
from gepnet_desktop.pathway.what_if import what_if
from gepnet_desktop.pathway.what_if_text import what_if_lines
from gepnet_desktop.ui.chart.pathway_page import PathwayPage
from tests.conftest import load_vignettes
from tests.ui.test_main_window import open_window, type_into
from tests.ui.test_no_codes_on_screen import codes_in

SHARED_FIXTURES = (open_window,)  # the main window tests' fixture, used here by name
PATHWAY = default_pathway()
VIGNETTES = {v["id"]: v for v in load_vignettes()}


def squeeze(words: str) -> str:
    return " ".join(words.split())


@pytest.fixture
def page(qtbot):
    p = PathwayPage(PATHWAY, "en")
    qtbot.addWidget(p)
    p.resize(1400, 900)
    p.show()
    qtbot.waitExposed(p)
    return p


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_panel_says_what_each_value_of_an_unknown_field_would_give(qtbot, page, lang):
    page.set_language(lang)
    case = validate_case(VIGNETTES["V17"]["case"]).case  # SSTR imaging not recorded
    ev = evaluate(case, PATHWAY, lang=lang)
    assert ev.stop_node and ev.missing == ["sstr_status"]
    page.set_evaluation(ev)
    title = tr("whatif.title", lang)
    assert title not in page.panel.plain_text()  # not yet computed: nothing said
    found = what_if(case, PATHWAY, ev)
    page.set_what_if(ev, case, found)
    lines = what_if_lines(found, case, ev, PATHWAY, lang)
    assert lines
    for node in (None, ev.stop_node):  # the overview and the box where the walk stops
        page.select_node(node)
        words = squeeze(page.panel.plain_text())
        assert title in words
        assert all(squeeze(line) in words for line in lines)
        assert words.index(tr("chart.missing", lang)) < words.index(title)
        assert not codes_in(page.panel.plain_text())


def test_a_new_walk_drops_the_last_walks_section_and_a_late_one_is_ignored(qtbot, page):
    case = validate_case(VIGNETTES["V17"]["case"]).case
    ev = evaluate(case, PATHWAY)
    page.set_evaluation(ev)
    page.set_what_if(ev, case, what_if(case, PATHWAY, ev))
    assert tr("whatif.title", "en") in page.panel.plain_text()
    other = evaluate(case, PATHWAY)
    page.set_evaluation(other)
    assert tr("whatif.title", "en") not in page.panel.plain_text()
    page.set_what_if(ev, case, what_if(case, PATHWAY, ev))  # late, for the old walk
    assert tr("whatif.title", "en") not in page.panel.plain_text()


def test_the_window_shows_it_under_the_recommendation_for_the_form_as_typed(qtbot, open_window):
    window = open_window()
    window.new_case()
    window.form.set_data({**VIGNETTES["V03"]["case"], "case_code": None, "pace": "stable",
                          "ki67_percent": None})
    window.tabs.setCurrentWidget(window.page)
    title = tr("whatif.title", "en")
    qtbot.waitUntil(lambda: title in window.page.panel.plain_text(), timeout=5000)
    case = validate_case(window.form.data()).case
    ev = window.page.evaluation()
    want = what_if_lines(what_if(case, PATHWAY, ev), case, ev, PATHWAY, "en")
    words = squeeze(window.page.panel.plain_text())
    assert want and all(squeeze(line) in words for line in want)
    last_option = option_name(PATHWAY, ev.options[-1].id, "en")
    assert words.index(text(PATHWAY.nodes[ev.recommendation_node].label, "en")) \
        < words.index(last_option) < words.index(title)  # under the recommendation's options

    type_into(qtbot, window, "ki67_percent", "9")  # now known, near the active threshold
    qtbot.waitUntil(lambda: window.page.evaluation() is not ev, timeout=5000)
    case = validate_case(window.form.data()).case
    now = window.page.evaluation()
    after = what_if_lines(what_if(case, PATHWAY, now), case, now, PATHWAY, "en")
    assert after and after != want
    qtbot.waitUntil(lambda: all(squeeze(line) in squeeze(window.page.panel.plain_text())
                                for line in after), timeout=5000)
    words = squeeze(window.page.panel.plain_text())
    assert not any(squeeze(line) in words for line in want)
