"""The tumour-board report: case, evaluation, chart, citations, banner; HTML and PDF files."""

from __future__ import annotations

import base64
import re
from html import unescape

import pytest
from PySide6.QtGui import QImage

from gepnet_desktop import __version__
from gepnet_desktop.case import validate_case
from gepnet_desktop.pathway import default_pathway, evaluate, text
from gepnet_desktop.ui.chart import ExportError
from gepnet_desktop.ui.report import build_report_html, report_document, write_report
from tests.conftest import load_vignettes

PATHWAY = default_pathway()
VIGNETTES = {v["id"]: v for v in load_vignettes()}
TINY = "chart.png"  # skip rendering the chart where a test does not look at it


def case_ev(vid: str, lang: str = "en", **changes):
    raw = dict(VIGNETTES[vid]["case"], **changes)
    case = validate_case(raw).case
    return case, evaluate(case, PATHWAY, lang=lang)


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_report_holds_case_lines_options_doses_cautions_banner_and_citations(qapp):
    case, ev = case_ev("S09", notes="Seen by Dr Kim on Tuesday")
    html = build_report_html(case, ev, PATHWAY, "en", image_src=TINY)
    words = plain(html)
    assert PATHWAY.notice["en"] in words
    assert "S09" in words
    assert "Platinum + etoposide" in words and "Progression" in words  # the lines table
    assert text(PATHWAY.nodes[ev.recommendation_node].label, "en") in words
    for opt in ev.options:
        info = PATHWAY.options[opt.id]
        assert text(info.name, "en") in words and text(info.dose, "en") in words
        for code in opt.cautions:
            assert text(PATHWAY.cautions[code], "en") in words
    for e in ev.explanations:
        assert e.text in words
    for key in PATHWAY.options["folfiri"].citations:
        assert PATHWAY.references[key] in words
    assert f"{PATHWAY.id} {PATHWAY.version}" in words and __version__ in words
    assert re.search(r"Printed: \d{4}-\d{2}-\d{2} \d{2}:\d{2}", words)
    assert "Seen by Dr Kim" not in words  # free-text notes stay out of the report


def test_report_of_a_stopped_walk_lists_the_missing_data(qapp):
    case, ev = case_ev("S07")
    words = plain(build_report_html(case, ev, PATHWAY, "en", image_src=TINY))
    assert "Data needed to go on" in words and "Differentiation" in words
    assert "No option: the walk stopped for missing data." in words
    assert "field:" not in build_report_html(case, ev, PATHWAY, "en", image_src=TINY)


def test_report_shows_warnings_symptom_control_and_current_regimen(qapp):
    case, ev = case_ev("V28", pace=None)
    words = plain(build_report_html(case, ev, PATHWAY, "en", image_src=TINY))
    assert text(PATHWAY.warnings["unknown:pace"], "en") in words
    assert "Symptom control" in words and "Telotristat" in words
    assert "Current regimen: Lanreotide" in words


def test_korean_report_is_in_korean(qapp):
    case, ev = case_ev("V01", "ko")
    words = plain(build_report_html(case, ev, PATHWAY, "ko", image_src=TINY))
    assert PATHWAY.notice["ko"] in words
    assert "종양 협진 요약" in words
    assert text(PATHWAY.options["lanreotide"].name, "ko") in words


def test_html_report_is_one_file_with_the_chart_embedded(qapp, tmp_path):
    case, ev = case_ev("V04")
    out = write_report(case, ev, PATHWAY, tmp_path / "board.html", "en")
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<meta charset='utf-8'>" in html
    match = re.search(r"src='data:image/png;base64,([A-Za-z0-9+/=]+)'", html)
    assert match
    image = QImage()
    assert image.loadFromData(base64.b64decode(match.group(1)), "PNG")
    assert image.width() > 1000
    assert [p.name for p in tmp_path.iterdir()] == ["board.html"]


def test_pdf_report_is_a_pdf_with_the_chart(qapp, tmp_path):
    case, ev = case_ev("V04")
    out = write_report(case, ev, PATHWAY, tmp_path / "board.pdf", "en")
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]
    assert b"/Subtype /Image" in data or b"/Subtype/Image" in data
    doc = report_document(case, ev, PATHWAY, "en")
    assert PATHWAY.notice["en"] in doc.toPlainText()


@pytest.mark.parametrize("name", ["board.docx", "nowhere/board.pdf"])
def test_bad_report_target_is_refused_and_nothing_is_written(qapp, tmp_path, name):
    case, ev = case_ev("V01")
    with pytest.raises(ExportError) as err:
        write_report(case, ev, PATHWAY, tmp_path / name, "en")
    assert name.split("/")[-1] in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_print_report_prints_to_the_chosen_printer(qapp, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from gepnet_desktop.ui.report import print_report

    case, ev = case_ev("V04")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert print_report(case, ev, PATHWAY, lang="en", printer=printer, ask=False)
    assert (tmp_path / "printed.pdf").read_bytes().startswith(b"%PDF-")


def test_cancelling_the_print_dialog_prints_nothing(qtbot, tmp_path):
    from PySide6.QtCore import QTimer
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter
    from PySide6.QtWidgets import QApplication

    from gepnet_desktop.ui.report import print_report

    case, ev = case_ev("V04")
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "never.pdf"))
    seen = []
    tries = iter(range(250))

    def cancel() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QPrintDialog):
            seen.append(dialog)
            dialog.reject()
        elif next(tries, None) is not None:  # the dialog is not up yet: look again soon
            QTimer.singleShot(20, cancel)

    QTimer.singleShot(0, cancel)
    assert print_report(case, ev, PATHWAY, lang="en", printer=printer) is False
    assert seen and not (tmp_path / "never.pdf").exists()


def test_the_report_shows_the_record_s_soft_warnings(qtbot) -> None:
    from gepnet_desktop.case import validate_case
    from gepnet_desktop.pathway import default_pathway, evaluate
    from gepnet_desktop.ui.report import build_report_html

    case = validate_case(VIGNETTES["V37"]["case"]).case  # well differentiated, Ki-67 60%
    html = build_report_html(case, evaluate(case), default_pathway(), "en")
    assert "Check the record" in html and "Ki-67 60% is unusual" in html
    plain = validate_case(VIGNETTES["V01"]["case"]).case
    assert "Check the record" not in build_report_html(plain, evaluate(plain),
                                                       default_pathway(), "en")
