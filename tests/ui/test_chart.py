"""The chart scene and view: every box and arrow of the data drawn, the path lit up exactly."""

from __future__ import annotations

from itertools import pairwise

import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QWheelEvent
from PySide6.QtWidgets import QApplication

from gepnet_desktop.case import validate_case
from gepnet_desktop.pathway import default_pathway, evaluate, text
from gepnet_desktop.ui.chart import PathwayScene, PathwayView, style
from gepnet_desktop.ui.chart.states import DIMMED, PATH, PLAIN, RECOMMENDATION, STOP
from tests.conftest import load_vignettes

VIGNETTES = load_vignettes()
PATHWAY = default_pathway()


def case_of(vid: str):
    raw = next(v for v in VIGNETTES if v["id"] == vid)["case"]
    return validate_case(raw).case


def ev_of(vid: str, lang: str = "en"):
    return evaluate(case_of(vid), PATHWAY, lang=lang)


@pytest.fixture
def scene(qapp):
    s = PathwayScene(PATHWAY, "en")
    yield s
    s.deleteLater()


def test_every_node_and_edge_of_the_data_is_drawn(scene):
    assert set(scene.node_items()) == set(PATHWAY.nodes)
    assert set(scene.edge_items()) == {e.id for e in PATHWAY.edges}
    for nid, item in scene.node_items().items():
        node = PATHWAY.nodes[nid]
        box = item.scene_box()
        assert box.center() == QPointF(node.x, node.y)
        assert (box.width(), box.height()) == (node.w, node.h)
        assert item.label == text(node.label, "en")
    assert not scene.highlighted_node_ids() and not scene.highlighted_edge_ids()


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_highlighted_items_are_exactly_the_path(scene, vignette):
    ev = evaluate(validate_case(vignette["case"]).case, PATHWAY)
    scene.set_evaluation(ev)
    nodes, edges = scene.highlighted_node_ids(), scene.highlighted_edge_ids()
    assert sorted(nodes) == sorted(ev.path)
    assert sorted(edges) == sorted(ev.path_edges)
    assert len(edges) == len(ev.path) - 1
    end = scene.node_item(ev.path[-1]).state
    assert end == (RECOMMENDATION if ev.status == "recommendation" else STOP)
    for nid, item in scene.node_items().items():
        if nid not in ev.path:
            assert item.state == DIMMED
        elif nid != ev.path[-1]:
            assert item.state == PATH
    for eid, item in scene.edge_items().items():
        assert item.state == (PATH if eid in ev.path_edges else DIMMED)


def test_a_new_evaluation_replaces_the_old_path_and_none_clears_it(scene):
    scene.set_evaluation(ev_of("V10"))  # NEC track
    scene.set_evaluation(ev_of("V01"))  # SSA track
    assert "nec" not in scene.highlighted_node_ids()
    assert scene.node_item("ssa_first_line").state == RECOMMENDATION
    scene.set_evaluation(None)
    assert scene.highlighted_node_ids() == [] and scene.highlighted_edge_ids() == []
    assert {i.state for i in scene.node_items().values()} == {PLAIN}


def test_exhausted_path_keeps_the_exhausted_node_and_its_dashed_arrow(scene):
    ev = ev_of("V24")
    scene.set_evaluation(ev)
    assert ev.recommendation_node == "later_lines"
    assert scene.node_item("pnet_after_progression").state == PATH
    arrow = scene.edge_item("pnet_after_progression->later_lines")
    assert arrow.exhausted and arrow.highlighted
    plain = scene.edge_item("ssa_first_line->later_lines")
    normal = scene.edge_item("sstr_status->sstr_positive")
    scene.set_evaluation(None)
    assert plain.colour_and_width()[0].lightness() > normal.colour_and_width()[0].lightness()


def test_arrows_run_from_the_bottom_of_the_source_to_the_top_of_the_target(scene):
    for eid, item in scene.edge_items().items():
        src, dst = item.source_item.scene_box(), item.target_item.scene_box()
        pts = item.points
        for a, b in pairwise(pts):
            assert a.x() == pytest.approx(b.x()) or a.y() == pytest.approx(b.y()), eid
        if dst.top() > src.bottom():
            assert pts[0] == QPointF(src.center().x(), src.bottom()), eid
            assert pts[-1].y() == pytest.approx(dst.top()), eid
            assert dst.left() <= pts[-1].x() <= dst.right(), eid
        else:  # side by side: from the facing sides
            assert pts[0].y() == pytest.approx(src.center().y()), eid
            assert pts[-1].y() == pytest.approx(dst.center().y()), eid


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_label_is_in_its_language_and_fits_its_box(qapp, lang):
    s = PathwayScene(PATHWAY, lang)
    for nid, item in s.node_items().items():
        assert item.label == text(PATHWAY.nodes[nid].label, lang)
        assert item.label_fits(), f"{nid} label overflows in {lang}"
    for eid, item in s.edge_items().items():
        edge = next(e for e in PATHWAY.edges if e.id == eid)
        assert item.label == text(edge.label, lang)


def test_switching_language_relabels_boxes_arrows_and_legend(scene):
    scene.set_evaluation(ev_of("V01"))
    scene.set_language("ko")
    assert scene.node_item("sstr_status").label == PATHWAY.nodes["sstr_status"].label["ko"]
    assert scene.edge_item("sstr_status->sstr_positive").label == "양성"
    assert scene.legend.provenance["inferred"] == PATHWAY.provenance_kinds["inferred"]["ko"]
    assert sorted(scene.highlighted_node_ids()) == sorted(ev_of("V01").path)


def test_newer_evidence_layer_marks_its_nodes_and_never_changes_the_path(scene):
    ev = ev_of("V04")
    before = ev.to_contract()
    scene.set_evaluation(ev)
    lit = scene.highlighted_node_ids()
    scene.set_newer_evidence_visible(True)
    marked = {nid for nid, i in scene.node_items().items() if i.show_newer}
    expected = {n for entry in PATHWAY.newer_evidence for n in entry["nodes"]}
    assert marked == expected and marked
    assert scene.highlighted_node_ids() == lit
    assert ev.to_contract() == before
    assert scene.legend.show_newer
    scene.set_newer_evidence_visible(False)
    assert not any(i.show_newer for i in scene.node_items().values())


def test_provenance_of_every_box_is_marked_and_explained_in_the_legend(scene):
    assert set(scene.legend.provenance) == set(PATHWAY.provenance_kinds)
    for nid, item in scene.node_items().items():
        label = text(PATHWAY.provenance_kinds[PATHWAY.nodes[nid].provenance], "en")
        assert label in item.toolTip()
    legend = scene.legend.sceneBoundingRect()
    assert not any(legend.intersects(i.scene_box()) for i in scene.node_items().values())


def _render(scene: PathwayScene, rect: QRectF) -> QImage:
    image = QImage(int(rect.width()), int(rect.height()), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    scene.render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
    painter.end()
    return image


def _has_colour(image: QImage, colour: QColor, tolerance: int = 12) -> bool:
    for y in range(0, image.height(), 1):
        for x in range(0, image.width(), 2):
            c = image.pixelColor(x, y)
            if abs(c.red() - colour.red()) + abs(c.green() - colour.green()) + \
                    abs(c.blue() - colour.blue()) <= tolerance:
                return True
    return False


def test_the_drawing_shows_the_recommendation_and_dims_the_rest(scene):
    scene.set_evaluation(ev_of("V16"))  # SSTR-negative GI NET -> everolimus
    rec = scene.node_item("ginet_sstr_negative").scene_box().adjusted(-4, -4, 4, 4)
    off = scene.node_item("nec_first_line").scene_box().adjusted(-4, -4, 4, 4)
    assert _has_colour(_render(scene, rec), style.REC)
    off_image = _render(scene, off)
    assert _has_colour(off_image, style.DIM_BORDER)
    assert not _has_colour(off_image, style.REC) and not _has_colour(off_image, style.PATH)


def test_view_zooms_with_keys_and_ctrl_wheel_and_fits_the_window(qtbot, scene):
    view = PathwayView(scene)
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    view.fit_to_window()
    fitted = view.zoom()
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    slack = 12 / fitted  # fitInView keeps a few pixels of margin
    assert visible.adjusted(-slack, -slack, slack, slack).contains(scene.sceneRect())
    with qtbot.waitSignal(view.zoomChanged):
        qtbot.keyClick(view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom() == pytest.approx(fitted * 1.2)
    assert not view.is_fitted()
    qtbot.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom() == pytest.approx(fitted / 1.2)
    centre = QPointF(view.viewport().rect().center())
    wheel = QWheelEvent(centre, view.viewport().mapToGlobal(centre), QPoint(0, 0),
                        QPoint(0, 240), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), wheel)
    assert view.zoom() == pytest.approx(fitted / 1.2 * 1.44)
    qtbot.keyClick(view, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom() == pytest.approx(1.0)
    for _ in range(30):
        view.zoom_in()
    assert view.zoom() == pytest.approx(4.0)
    qtbot.keyClick(view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert view.is_fitted() and view.zoom() == pytest.approx(fitted)


def test_keyboard_steps_through_the_boxes_in_reading_order(qtbot, scene):
    view = PathwayView(scene)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    seen = []
    view.nodeActivated.connect(lambda nid: (seen.append(nid), scene.set_selected_node(nid)))
    qtbot.keyClick(view, Qt.Key.Key_N)
    qtbot.keyClick(view, Qt.Key.Key_N)
    qtbot.keyClick(view, Qt.Key.Key_P)
    order = scene.node_order()
    assert order[0] == "entry" and order[1] == "differentiation"
    assert seen == ["entry", "differentiation", "entry"]
    assert scene.node_item("entry").selected_mark
    assert not scene.node_item("differentiation").selected_mark


def test_overlapping_boxes_in_the_data_are_reported_once_in_the_log(qapp, caplog):
    import json

    from gepnet_desktop.bundled import resource_path
    from gepnet_desktop.pathway import build_pathway

    doc = json.loads(resource_path("pathways", "kr-gepnet-2021.json").read_text("utf-8"))
    doc["version"] = "0.0.0-overlap-test"
    for node in doc["nodes"]:
        if node["id"] == "nec_second_line":
            node["layout"] = {"x": 40, "y": 420}  # onto nec_first_line
    pathway = build_pathway(doc)
    with caplog.at_level("WARNING", logger="gepnet_desktop.ui.chart.scene"):
        first = PathwayScene(pathway, "en")
        PathwayScene(pathway, "en")
    assert ("nec_first_line", "nec_second_line") in first.overlapping_boxes() or \
        ("nec_second_line", "nec_first_line") in first.overlapping_boxes()
    hits = [r for r in caplog.records if "nec_second_line" in r.getMessage()]
    assert len(hits) == 1 and "overlap" in hits[0].getMessage()
