"""Exports of the chart: valid SVG, PNG and PDF files, each with the reconstruction banner."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtSvg import QSvgRenderer

from gepnet_desktop.case import validate_case
from gepnet_desktop.pathway import default_pathway, evaluate, text
from gepnet_desktop.ui.chart import ExportError, PathwayScene, export_chart, render_chart_image
from gepnet_desktop.ui.chart.export import Sheet
from tests.conftest import load_vignettes

PATHWAY = default_pathway()
VIGNETTES = {v["id"]: v for v in load_vignettes()}


def ev_of(vid: str, lang: str = "en"):
    return evaluate(validate_case(VIGNETTES[vid]["case"]).case, PATHWAY, lang=lang)


@pytest.fixture
def scene(qapp):
    s = PathwayScene(PATHWAY, "en")
    s.set_evaluation(ev_of("V04"))
    yield s
    s.deleteLater()


def svg_text(path: Path) -> str:
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    return " ".join(t.strip() for t in root.itertext() if t.strip())


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_svg_export_is_valid_svg_with_banner_and_labels(qapp, tmp_path, lang):
    scene = PathwayScene(PATHWAY, lang)
    scene.set_evaluation(ev_of("V04", lang))
    out = export_chart(scene, tmp_path / "chart.svg", caption="Case V04")
    words = svg_text(out)
    assert text(PATHWAY.notice, lang) in words
    assert text(PATHWAY.nodes["pnet_active_first_line"].label, lang).split(" / ")[0] in words
    assert "Case V04" in words
    assert QSvgRenderer(str(out)).isValid()
    assert [p.name for p in tmp_path.iterdir()] == ["chart.svg"]  # no temporary file left


def test_png_export_is_an_image_of_the_whole_sheet(scene, tmp_path):
    out = export_chart(scene, tmp_path / "chart.PNG", scale=1.0)
    image = QImage(str(out))
    assert not image.isNull()
    size = Sheet(scene).size
    assert (image.width(), image.height()) == (size.width(), size.height())
    colours = {image.pixel(x, y) for x in range(0, image.width(), 37)
               for y in range(0, image.height(), 37)}
    assert len(colours) > 5


def test_pdf_export_is_a_pdf(scene, tmp_path):
    out = export_chart(scene, tmp_path / "chart.pdf")
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]
    assert b"/Type /Page" in data or b"/Type/Page" in data
    assert len(data) > 10_000


def test_selection_mark_is_not_exported(scene, tmp_path):
    scene.set_selected_node("behaviour")
    a = export_chart(scene, tmp_path / "a.png", scale=0.5)
    scene.set_selected_node(None)
    b = export_chart(scene, tmp_path / "b.png", scale=0.5)
    assert QImage(str(a)) == QImage(str(b))
    scene.set_selected_node("behaviour")
    export_chart(scene, tmp_path / "c.png", scale=0.5)
    assert scene.selected_node() == "behaviour"  # restored after the export


@pytest.mark.parametrize("name", ["chart.jpg", "chart", "missing/chart.svg"])
def test_bad_target_is_refused_with_a_sentence_and_nothing_is_written(scene, tmp_path, name):
    with pytest.raises(ExportError) as err:
        export_chart(scene, tmp_path / name)
    message = str(err.value)
    assert name.split("/")[-1] in message
    assert ".svg" in message or "does not exist" in message
    assert list(tmp_path.iterdir()) == []


def test_failed_write_leaves_what_was_there_and_no_temporary_file(scene, tmp_path):
    target = tmp_path / "chart.svg"
    target.mkdir()  # a folder where the file should go: the final rename fails
    (target / "keep.txt").write_text("mine")
    with pytest.raises(ExportError) as err:
        export_chart(scene, target)
    assert "chart.svg" in str(err.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chart.svg"]
    assert (target / "keep.txt").read_text() == "mine"


def test_render_chart_image_draws_the_path(qapp):
    lit = render_chart_image(PATHWAY, ev_of("V01"), "en", scale=0.5)
    plain = render_chart_image(PATHWAY, None, "en", scale=0.5)
    korean = render_chart_image(PATHWAY, ev_of("V01", "ko"), "ko", scale=0.5)
    assert not lit.isNull() and lit.width() > 500
    assert lit != plain
    assert korean != lit
