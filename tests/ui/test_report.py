"""The tumour-board report: case, evaluation, chart, citations, banner; HTML and PDF files."""

from __future__ import annotations

import base64
import dataclasses
import os
import re
import shutil
import subprocess
import unicodedata
from html import unescape
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from gepnet_desktop import __version__
from gepnet_desktop.case import validate_case
from gepnet_desktop.pathway import AccessEntry, default_pathway, evaluate, text
from gepnet_desktop.pathway.summary import access_status_word, summary_lines
from gepnet_desktop.ui.chart import ExportError
from gepnet_desktop.ui.report.case_report import build_report_html, write_report
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


def test_pdf_report_is_a_pdf_with_the_chart_drawn_not_pictured(qapp, tmp_path):
    case, ev = case_ev("V04")
    out = write_report(case, ev, PATHWAY, tmp_path / "board.pdf", "en")
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]
    assert b"/Subtype /Image" not in data and b"/Subtype/Image" not in data
    words = pdf_text(out)
    assert PATHWAY.notice["en"] in words
    assert text(PATHWAY.nodes[ev.recommendation_node].label, "en") in words


@pytest.mark.parametrize("name", ["board.docx", "nowhere/board.pdf"])
def test_bad_report_target_is_refused_and_nothing_is_written(qapp, tmp_path, name):
    case, ev = case_ev("V01")
    with pytest.raises(ExportError) as err:
        write_report(case, ev, PATHWAY, tmp_path / name, "en")
    assert name.split("/")[-1] in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_print_report_prints_to_the_chosen_printer(qapp, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from gepnet_desktop.ui.report.case_report import print_report

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

    from gepnet_desktop.ui.report.case_report import print_report

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
    from gepnet_desktop.ui.report.case_report import build_report_html

    case = validate_case(VIGNETTES["V37"]["case"]).case  # well differentiated, Ki-67 60%
    html = build_report_html(case, evaluate(case), default_pathway(), "en")
    assert "Check the record" in html and "Ki-67 60% is unusual" in html
    plain = validate_case(VIGNETTES["V01"]["case"]).case
    assert "Check the record" not in build_report_html(plain, evaluate(plain),
                                                       default_pathway(), "en")


# --- Korean access per option, newer evidence, the text summary -----------------------------

STATUSES = ("reimbursed", "self_paid", "not_approved", "unverified")
CODES = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b|\b(?:unknown|field|node):[a-z_]+")


def with_access(ev, newer: tuple[str, ...] = ()):
    """`ev` with one made-up access entry per option, the four statuses in turn."""
    entries = [AccessEntry(o.id, STATUSES[i % 4], f"Criterion {i + 1} for this option here.",
                           f"2022-03-0{i + 1}", ("netter1",)) for i, o in enumerate(ev.options)]
    return dataclasses.replace(ev, access=entries, newer_evidence=list(newer))


def badges(html: str) -> list[tuple[str, str]]:
    """(status, word) of each access badge in the generated HTML, in order."""
    return [(status, unescape(word).strip("\xa0 ")) for status, word in re.findall(
        r"<span class='badge badge-([a-z_]+)'[^>]*>(.*?)</span>", html)]


def pdf_text(path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          check=True, text=True)
    return " ".join(unicodedata.normalize("NFKC", done.stdout).split())  # "ﬁ" -> "fi"


def test_report_shows_each_option_s_access_badge_text_date_and_citation(qapp):
    case, ev = case_ev("S10")
    ev = with_access(ev)
    html = build_report_html(case, ev, PATHWAY, "en", image_src=TINY)
    assert badges(html) == [(a.status, access_status_word(PATHWAY, a.status, "en"))
                            for a in ev.access]
    words = plain(html)
    at = -1
    for opt, entry in zip(ev.options, ev.access, strict=True):
        for part in (text(PATHWAY.options[opt.id].name, "en"),
                     access_status_word(PATHWAY, entry.status, "en"),
                     f"Korean access for this patient (as of {entry.as_of}): {entry.text}"):
            at = words.index(part, at + 1)
    assert PATHWAY.references["netter1"] in words
    assert not CODES.findall(words)


def test_report_lists_the_newer_trials_that_apply_marked_outside_the_reconstruction(qapp):
    case, ev = case_ev("V20")
    netter2 = next(e for e in PATHWAY.newer_evidence if e["id"] == "netter2")
    cabinet = next(e for e in PATHWAY.newer_evidence if e["id"] == "cabinet")
    words = plain(build_report_html(case, with_access(ev, ("netter2",)), PATHWAY, "en",
                                    image_src=TINY))
    assert "Newer evidence (not part of the reconstruction)" in words
    assert "not part of the reconstructed figure" in words
    assert text(netter2["title"], "en") in words and text(netter2["text"], "en") in words
    assert text(netter2.get("applies_text"), "en") in words  # why it is listed, where given
    for key in netter2["citations"]:
        assert PATHWAY.references[key] in words
    assert text(cabinet["title"], "en") not in words  # only what the engine said applies
    assert "No newer trial applies" not in words
    words = plain(build_report_html(case, with_access(ev), PATHWAY, "en", image_src=TINY))
    assert "Newer evidence (not part of the reconstruction)" in words
    assert "No newer trial applies to this patient." in words


def test_korean_report_shows_korean_badges_and_the_newer_evidence_section(qapp):
    case, ev = case_ev("S10", "ko")
    html = build_report_html(case, with_access(ev, ("compete",)), PATHWAY, "ko", image_src=TINY)
    assert [w for _, w in badges(html)] == [access_status_word(PATHWAY, s, "ko")
                                            for s in STATUSES[:len(ev.options)]]
    words = plain(html)
    assert "최신 근거 (재구성에 포함되지 않음)" in words
    compete = next(e for e in PATHWAY.newer_evidence if e["id"] == "compete")
    assert text(compete["text"], "ko") in words
    assert "이 환자의 국내 허가·급여 (2022-03-01 기준)" in words
    assert not CODES.findall(words)


def test_pdf_report_text_has_the_badges_access_and_newer_evidence(qapp, tmp_path):
    case, ev = case_ev("V20")
    ev = with_access(ev, ("compete", "cabinet"))
    out = write_report(case, ev, PATHWAY, tmp_path / "board.pdf", "en")
    words = pdf_text(out)
    for entry in ev.access:
        assert access_status_word(PATHWAY, entry.status, "en") in words
        assert entry.text in words
    assert "Newer evidence (not part of the reconstruction)" in words
    assert "COMPETE" in words and "CABINET" in words
    assert PATHWAY.notice["en"][:40] in words
    assert "Ki-67 6%" in words and re.search(r"Printed: \d{4}-\d{2}-\d{2}", words)  # digits too
    assert not CODES.findall(words)
    shots = os.environ.get("GEPNET_SHOTS")
    if shots and shutil.which("pdftoppm"):  # pages for a person to look at
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "2", str(out),
                        str(Path(shots) / "report-page")], check=True)


def test_text_summary_lists_the_access_status_per_option(qapp):
    _case, ev = case_ev("S10")
    ev = with_access(ev)
    lines = summary_lines(ev, PATHWAY, "en")
    shown = [ln.strip() for ln in lines if ln.strip().startswith("Korean access:")]
    assert shown == [f"Korean access: {access_status_word(PATHWAY, a.status, 'en')} "
                     f"(as of {a.as_of}): {a.text}" for a in ev.access]
    names = [next(i for i, ln in enumerate(lines)
                  if ln.startswith(f"  - {text(PATHWAY.options[o.id].name, 'en')}"))
             for o in ev.options]
    access_at = [i for i, ln in enumerate(lines) if "Korean access:" in ln]
    assert names == sorted(names)
    assert all(n < a < m for n, a, m in zip(names, access_at, [*names[1:], len(lines)],
                                            strict=True))  # under each option, in order
    ko = summary_lines(with_access(case_ev("S10", "ko")[1]), PATHWAY, "ko")
    assert any(f"국내 허가·급여: {access_status_word(PATHWAY, 'self_paid', 'ko')}" in ln
               for ln in ko)
    assert not CODES.findall("\n".join(lines + ko))


@pytest.mark.parametrize("vid", ["W31", "V20", "W37"])
def test_report_of_a_real_evaluation_has_one_badge_per_option_in_option_order(qapp, vid):
    """End to end through the engine: passes once the walk fills `access`."""
    case, ev = case_ev(vid)
    assert [a.option for a in ev.access] == [o.id for o in ev.options]
    html = build_report_html(case, ev, PATHWAY, "en", image_src=TINY)
    assert badges(html) == [(a.status, access_status_word(PATHWAY, a.status, "en"))
                            for a in ev.access]
    words = plain(html)
    for entry in ev.access:
        assert " ".join(entry.text.split()) in words
    assert "Newer evidence (not part of the reconstruction)" in words
    for trial in ev.newer_evidence:
        entry = next(e for e in PATHWAY.newer_evidence if e["id"] == trial)
        assert text(entry["title"], "en") in words
    assert not CODES.findall(words)


def test_no_internal_code_reaches_the_report_or_summary_for_any_worked_case(qapp):
    for vid, vignette in VIGNETTES.items():
        result = validate_case(vignette["case"])
        if result.case is None:
            continue
        for lang in ("en", "ko"):
            ev = evaluate(result.case, PATHWAY, lang=lang)
            words = plain(build_report_html(result.case, ev, PATHWAY, lang, image_src=TINY))
            assert not CODES.findall(words), (vid, lang)
            assert not CODES.findall("\n".join(summary_lines(ev, PATHWAY, lang))), (vid, lang)
