"""What would change it, in words: each line names the field, its values and the box each leads
to by their labels (English and Korean), taken from what_if's own list for worked cases."""

from __future__ import annotations

import pytest

from gepnet_desktop.case import Case, validate_case
from gepnet_desktop.case.fields import value_label
from gepnet_desktop.i18n import tr
from gepnet_desktop.pathway import default_pathway, evaluate, text
from gepnet_desktop.pathway.explain import field_label
from gepnet_desktop.pathway.what_if import what_if
from gepnet_desktop.pathway.what_if_text import case_what_if_lines, what_if_lines
from tests.conftest import load_vignettes

PATHWAY = default_pathway()
VIGNETTES = {v["id"]: v for v in load_vignettes()}
LANGS = ("en", "ko")


def vignette(vid: str, **changes) -> Case:
    result = validate_case(dict(VIGNETTES[vid]["case"], **changes))
    assert result.case is not None, result.errors
    return result.case


def line_of(lines: list[str], field: str, lang: str) -> str:
    found = [ln for ln in lines if ln.startswith(field_label(field, lang))]
    assert len(found) == 1, lines
    return found[0]


def box(node: str | None, lang: str) -> str:
    assert node is not None
    return text(PATHWAY.nodes[node].label, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_an_unknown_field_gives_each_value_and_the_box_it_leads_to(lang) -> None:
    case = vignette("V17")  # SSTR imaging not done: the walk stops for it
    ev = evaluate(case, PATHWAY)
    found = [w for w in what_if(case, PATHWAY, ev) if w.field == "sstr_status"]
    assert len({w.recommendation_node for w in found}) == len(found) > 1
    line = line_of(what_if_lines(found, case, ev, PATHWAY, lang), "sstr_status", lang)
    for w in found:
        clause = tr("whatif.if", lang, value=value_label(w.field, w.value, lang))
        assert f"{clause} → {box(w.recommendation_node, lang)}" in line
    assert "sstr_status" not in line and "positive" not in line


@pytest.mark.parametrize("lang", LANGS)
def test_values_leading_to_the_same_box_are_said_together(lang) -> None:
    case = vignette("V03")  # pace of disease not recorded
    ev = evaluate(case, PATHWAY)
    found = [w for w in what_if(case, PATHWAY, ev) if w.field == "pace"]
    line = line_of(what_if_lines(found, case, ev, PATHWAY, lang), "pace", lang)
    by_box: dict[str | None, list[str]] = {}
    for w in found:
        by_box.setdefault(w.recommendation_node, []).append(value_label("pace", w.value, lang))
    assert 1 < len(by_box) < len(found)
    for node, values in by_box.items():
        together = tr("whatif.if", lang, value=tr("join.or", lang).join(values))
        assert f"{together} → {box(node, lang)}" in line
    assert line.count("→") == len(by_box)


@pytest.mark.parametrize("lang", LANGS)
def test_a_value_near_a_threshold_gives_the_crossing(lang) -> None:
    case = vignette("V03", ki67_percent=9, pace="stable")
    ev = evaluate(case, PATHWAY)
    found = what_if(case, PATHWAY, ev)
    assert [w.kind for w in found] == ["near_threshold"]
    w = found[0]
    limit = PATHWAY.thresholds[w.threshold]["value"]
    lines = what_if_lines(found, case, ev, PATHWAY, lang)
    head = f"{field_label('ki67_percent', lang)} {value_label('ki67_percent', 9, lang)}"
    cross = tr("whatif.at_least", lang, value=value_label("ki67_percent", limit, lang))
    assert lines == [f"{head}: {cross} → {box(w.recommendation_node, lang)}"]
    assert box(w.recommendation_node, lang) != box(ev.recommendation_node, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_from_above_the_threshold_the_crossing_is_below_it(lang) -> None:
    case = vignette("V03", ki67_percent=11, pace="stable")
    ev = evaluate(case, PATHWAY)
    found = what_if(case, PATHWAY, ev)
    limit = PATHWAY.thresholds[found[0].threshold]["value"]
    below = tr("whatif.below", lang, value=value_label("ki67_percent", limit, lang))
    assert f"{below} → {box(found[0].recommendation_node, lang)}" in \
        what_if_lines(found, case, ev, PATHWAY, lang)[0]


@pytest.mark.parametrize("lang", LANGS)
def test_an_unknown_number_is_said_as_ranges_with_its_unit(lang) -> None:
    case = vignette("V03", ki67_percent=None, mitoses_per_2mm2=None, pace="stable")
    ev = evaluate(case, PATHWAY)
    found = [w for w in what_if(case, PATHWAY, ev) if w.field == "ki67_percent"]
    assert len(found) > 1
    line = line_of(what_if_lines(found, case, ev, PATHWAY, lang), "ki67_percent", lang)
    def start(w):  # a range begins at its value, or just above `starts_above` (a strict cut)
        return tr("whatif.at_least", lang, value=value_label("ki67_percent", w.value, lang)) \
            if w.starts_above is None else \
            tr("whatif.above", lang, value=value_label("ki67_percent", w.starts_above, lang))

    nxt = found[1]
    first = tr("whatif.below", lang, value=value_label("ki67_percent", nxt.value, lang)) \
        if nxt.starts_above is None else \
        tr("whatif.at_most", lang, value=value_label("ki67_percent", nxt.starts_above, lang))
    assert f"{first} → {box(found[0].recommendation_node, lang)}" in line
    for w in found[1:]:
        assert f"{start(w)} → {box(w.recommendation_node, lang)}" in line
        assert "%" in start(w)


def test_a_strict_cut_off_is_said_as_above_it() -> None:
    """Ki-67 above 20% is G3 (WHO 2019): the range starts above 20%, not at 21%."""
    case = vignette("V03", ki67_percent=None, mitoses_per_2mm2=None, pace="stable")
    ev = evaluate(case, PATHWAY)
    found = [w for w in what_if(case, PATHWAY, ev) if w.field == "ki67_percent"]
    strict = [w for w in found if w.starts_above is not None]
    assert strict, "the G3 cut-off (Ki-67 > 20%) is strict"
    for w in strict:
        above = evaluate(case.copy(), PATHWAY)  # the case as it is: unknown Ki-67
        trial = case.copy()
        trial.set("ki67_percent", w.starts_above + 0.5)
        assert evaluate(trial, PATHWAY).recommendation_node == w.recommendation_node
        trial.set("ki67_percent", w.starts_above)
        assert evaluate(trial, PATHWAY).recommendation_node != w.recommendation_node
        assert above.recommendation_node is None


def test_a_field_none_of_whose_values_changes_the_result_gives_no_line() -> None:
    case = vignette("V18")  # pace unknown, but every pace leads to the same box
    ev = evaluate(case, PATHWAY)
    found = what_if(case, PATHWAY, ev)
    assert found and {w.recommendation_node for w in found} == {ev.recommendation_node}
    assert what_if_lines(found, case, ev, PATHWAY, "en") == []


def test_nothing_is_said_for_an_empty_list() -> None:
    case = vignette("V03", pace="stable")
    ev = evaluate(case, PATHWAY)
    assert what_if(case, PATHWAY, ev) == []
    assert case_what_if_lines(case, ev, PATHWAY, "en") == []


def test_fields_that_cannot_end_the_walk_alone_give_no_line() -> None:
    case = vignette("S08")  # primary site unknown: other fields alone cannot end the walk
    ev = evaluate(case, PATHWAY)
    lines = case_what_if_lines(case, ev, PATHWAY, "en")
    still = [w for w in what_if(case, PATHWAY, ev) if w.missing]
    assert still and all(w.missing == ev.missing[0] for w in still)
    assert not [ln for ln in lines if tr("whatif.still_stops", "en",
                                         field=field_label(ev.missing[0], "en")) in ln]
    site = line_of(lines, "primary_site", "en")
    assert "pancreas" not in site and value_label("primary_site", "pancreas", "en") in site
