"""What would change it in the tumour-board report (issue 12 item 5): the PDF's text layer, the
HTML and the copied summary hold the section under the recommendation (or the missing data),
with the same lines as the Pathway page, no internal code, nothing when nothing changes it."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from gepnet_desktop.case import validate_case
from gepnet_desktop.i18n import tr
from gepnet_desktop.pathway import default_pathway, evaluate
from gepnet_desktop.pathway.what_if import what_if
from gepnet_desktop.pathway.what_if_text import what_if_lines
from gepnet_desktop.ui.report.case_report import build_report_html, write_report
from gepnet_desktop.ui.report.summary_text import summary_text
from tests.conftest import load_vignettes
from tests.ui.test_no_codes_on_screen import codes_in

PATHWAY = default_pathway()
VIGNETTES = {v["id"]: v for v in load_vignettes()}


def squeeze(words: str) -> str:
    """Text without whitespace: a line may wrap anywhere, the characters must stay."""
    return re.sub(r"\s+", "", words)


def case_ev(vid: str, lang: str, **changes):
    case = validate_case(dict(VIGNETTES[vid]["case"], **changes)).case
    ev = evaluate(case, PATHWAY, lang=lang)
    return case, ev, what_if_lines(what_if(case, PATHWAY, ev), case, ev, PATHWAY, lang)


def html_words(html: str) -> str:
    body = re.sub(r"<(style|script)[^>]*>.*?</\1>", "", html, flags=re.S)
    return re.sub(r"data:[^\s\"']+", "", re.sub(r"<[^>]+>", " ", body))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_pdf_holds_the_section_under_the_missing_data(qapp, tmp_path, lang):
    case, ev, lines = case_ev("V17", lang)  # SSTR imaging not recorded: the walk stops
    assert lines and ev.missing
    out = write_report(case, ev, PATHWAY, tmp_path / f"board-{lang}.pdf", lang)
    words = squeeze(" ".join(page.extract_text() or "" for page in PdfReader(out).pages))
    title = squeeze(tr("whatif.title", lang))
    assert words.index(squeeze(tr("chart.report.no_options", lang))) < words.index(title)
    for line in lines:
        assert squeeze(line) in words, line
        assert codes_in(line) == set()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_html_has_it_under_the_options_without_codes(lang):
    case, ev, lines = case_ev("V03", lang, ki67_percent=9, pace="stable")
    assert lines and ev.options
    words = " ".join(html_words(build_report_html(case, ev, PATHWAY, lang,
                                                  image_src="")).split())
    title = tr("whatif.title", lang)
    assert words.index(tr("chart.options", lang)) < words.index(title) \
        < words.index(tr("chart.why", lang))
    assert all(" ".join(line.split()) in words for line in lines)
    assert codes_in(words) == set()


def test_no_section_when_nothing_would_change_it():
    case, ev, lines = case_ev("V03", "en", pace="stable")
    assert lines == []
    html = build_report_html(case, ev, PATHWAY, "en", image_src="")
    assert tr("whatif.title", "en") not in html
    assert tr("whatif.title", "en") not in summary_text(case, ev, PATHWAY, "en")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_copied_summary_lists_the_lines_under_the_options(lang):
    case, ev, lines = case_ev("V03", lang, ki67_percent=9, pace="stable")
    assert lines and ev.options
    summary = summary_text(case, ev, PATHWAY, lang).splitlines()
    head = summary.index(f"{tr('whatif.title', lang)}:")
    assert summary.index(f"{tr('summary.options', lang)}:") < head
    assert summary[head + 1:head + 1 + len(lines)] == [f"  - {line}" for line in lines]
