"""Printed reports and chart PDFs read back with pypdf: their text layer holds what the pages
show (case code, Ki-67, eGFR, doses) in English and Korean; the chart is drawn on landscape
pages with real text, inside the page, no smaller than 6 pt where it is meant to be read."""

from __future__ import annotations

import math
import re
from itertools import pairwise
from pathlib import Path

import pytest
from pypdf import PdfReader

from gepnet_desktop.case import validate_case
from gepnet_desktop.case.fields import value_label
from gepnet_desktop.case.observations import dated_value
from gepnet_desktop.pathway import default_pathway, evaluate, text
from gepnet_desktop.ui.chart import PathwayScene, export_chart
from gepnet_desktop.ui.chart.pdf_pages import MIN_TEXT_PT
from gepnet_desktop.ui.report.case_report import write_report
from gepnet_desktop.ui.report.case_rows import age_at_diagnosis
from tests.conftest import load_vignettes

PATHWAY = default_pathway()
VIGNETTES = {v["id"]: v for v in load_vignettes()}
# A case like the one whose copied digits went missing ("Ki-" for "Ki-67 8%").
CHANGES = {"case_code": "SNUH-0417", "ki67_percent": 8, "ki67_date": "2025-03-02",
           "sstr_imaging_date": "2025-03-10", "egfr_ml_min": 75, "sex": "F",
           "birth_year": 1961, "diagnosis_date": "2024-11-20"}


def squeeze(words: str) -> str:
    """Text without whitespace: a line may wrap anywhere, the characters must stay."""
    return re.sub(r"\s+", "", words)


def case_ev(vid: str, lang: str, **changes):
    case = validate_case(dict(VIGNETTES[vid]["case"], **changes)).case
    return case, evaluate(case, PATHWAY, lang=lang)


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def glyphs(page) -> list[tuple[str, float, float, float]]:
    """(text, size in points, x, y) of each piece of text drawn on `page`."""
    found: list[tuple[str, float, float, float]] = []

    def visit(words, cm, tm, _font, size) -> None:
        if not words.strip():
            return
        a, b, c, d, e, f = tm
        m = [a * cm[0] + b * cm[2], a * cm[1] + b * cm[3], c * cm[0] + d * cm[2],
             c * cm[1] + d * cm[3], e * cm[0] + f * cm[2] + cm[4], e * cm[1] + f * cm[3] + cm[5]]
        found.append((words, size * math.sqrt(abs(m[0] * m[3] - m[1] * m[2])), m[4], m[5]))

    page.extract_text(visitor_text=visit)
    return found


def landscape(page) -> bool:
    box = page.mediabox
    return (float(box.width) > float(box.height)) != (int(page.get("/Rotate", 0)) % 180 == 90)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_text_layer_holds_code_ki67_egfr_and_every_dose_as_printed(qapp, tmp_path, lang):
    case, ev = case_ev("V20", lang, **CHANGES)
    assert ev.options, "a case with options to print"
    out = write_report(case, ev, PATHWAY, tmp_path / f"board-{lang}.pdf", lang,
                       board_date="2025-10-14")
    words = squeeze(" ".join(page_texts(out)))
    wanted = [case.case_code, dated_value(case, "ki67_percent", lang),
              dated_value(case, "sstr_status", lang), value_label("egfr_ml_min",
                                                                   case.egfr_ml_min, lang),
              str(age_at_diagnosis(case)), case.diagnosis_date, "2025-10-14",
              value_label("sex", case.sex, lang)]
    wanted += [text(PATHWAY.options[o.id].dose, lang) for o in ev.options]
    wanted += [line.progression_date for line in case.lines if line.progression_date]
    for item in wanted:
        assert item and squeeze(str(item)) in words, item


def test_a_report_s_pages_hold_each_line_once(qapp, tmp_path):
    """A line at the foot of a page is drawn on one page only (not clipped onto two)."""
    case, ev = case_ev("V20", "en", **CHANGES)
    texts = page_texts(write_report(case, ev, PATHWAY, tmp_path / "board.pdf", "en"))
    for before, after in pairwise(texts):
        last = [ln for ln in before.splitlines() if ln.strip()][-2:]
        first = [ln for ln in after.splitlines() if ln.strip()][:2]
        assert not set(last) & set(first)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_report_s_chart_is_on_landscape_pages_with_real_readable_text(qapp, tmp_path,
                                                                           lang):
    case, ev = case_ev("V20", lang, **CHANGES)
    reader = PdfReader(write_report(case, ev, PATHWAY, tmp_path / "board.pdf", lang))
    chart_pages = [p for p in reader.pages if landscape(p)]
    assert reader.pages[0] not in chart_pages and chart_pages
    check_chart_pages(chart_pages, ev, lang)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_chart_pdf_export_is_vector_with_readable_text(qapp, tmp_path, lang):
    case, ev = case_ev("V20", lang, **CHANGES)
    scene = PathwayScene(PATHWAY, lang)
    scene.set_evaluation(ev)
    out = export_chart(scene, tmp_path / "chart.pdf", caption=case.case_code)
    assert b"/Subtype /Image" not in out.read_bytes()
    check_chart_pages(PdfReader(out).pages, ev, lang)


def check_chart_pages(pages, ev, lang: str) -> None:
    """Each page landscape, saying the chart is a reconstruction, its text inside the page;
    the whole chart first with every box of the path named; the text of the last page at
    MIN_TEXT_PT or more, and its page holding the end of the path."""
    for page in pages:
        assert landscape(page)
        assert squeeze(text(PATHWAY.notice, lang)) in squeeze(page.extract_text())
        box = page.mediabox
        for words, _size, x, y in glyphs(page):
            assert float(box.left) <= x <= float(box.right), words
            assert float(box.bottom) <= y <= float(box.top), words
    whole = squeeze(pages[0].extract_text())
    for node in ev.path:
        assert squeeze(text(PATHWAY.nodes[node].label, lang)) in whole, node
    readable = pages[-1]
    sizes = [size for _w, size, _x, _y in glyphs(readable)]
    assert min(sizes) >= MIN_TEXT_PT - 0.01
    assert squeeze(text(PATHWAY.nodes[ev.path[-1]].label, lang)) in \
        squeeze(readable.extract_text())
    if len(pages) > 1:  # the whole chart was too small to read: the second page zooms in
        assert min(size for _w, size, _x, _y in glyphs(pages[0])) < MIN_TEXT_PT


LINES = [
    {"regimen": "lanreotide", "outcome": "progression", "start_date": "2021-02-01",
     "end_date": "2022-03-01", "progression_date": "2022-02-20"},
    {"regimen": "everolimus", "outcome": "toxicity", "start_date": "2022-03-10",
     "end_date": "2022-09-01"},
    {"regimen": "captem", "outcome": "ongoing", "start_date": "2023-08-15"}]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_report_prints_the_timeline_after_the_lines_table(qapp, tmp_path, lang):
    """A portrait page after the report's own pages, before the chart: each line's regimen
    and dates as real text, nothing under 6 pt, no image."""
    from gepnet_desktop.i18n import tr
    from gepnet_desktop.ui.report.case_report import report_title

    case, ev = case_ev("V20", lang, lines=LINES, **CHANGES)
    reader = PdfReader(write_report(case, ev, PATHWAY, tmp_path / "board.pdf", lang))
    heading = squeeze(tr("report.timeline_heading", lang, title=report_title(case, lang)))
    texts = [squeeze(p.extract_text()) for p in reader.pages]
    found = [i for i, t in enumerate(texts) if heading in t]
    assert len(found) == 1
    page = reader.pages[found[0]]
    first_chart = min(i for i, p in enumerate(reader.pages) if landscape(p))
    lines_page = max(i for i, t in enumerate(texts[:found[0]])
                     if squeeze(value_label("regimen", "everolimus", lang)) in t)
    assert lines_page < found[0] < first_chart and not landscape(page)
    words = texts[found[0]]
    for line in LINES:
        assert squeeze(value_label("regimen", line["regimen"], lang)) in words
        for key in ("start_date", "end_date", "progression_date"):
            if key in line:
                assert line[key] in words, (key, line[key])
    sizes = [size for _words, size, _x, _y in glyphs(page)]
    assert sizes and min(sizes) >= 6 - 1e-6
    assert "/XObject" not in page["/Resources"] or not any(
        x.get_object().get("/Subtype") == "/Image"
        for x in page["/Resources"]["/XObject"].values())
