"""Fig. 1 drawn from the pathway data file; the patient's path is "style these ids"."""

from __future__ import annotations

import logging

from PySide6.QtCore import QRectF, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsScene, QGraphicsSceneMouseEvent

from ...pathway import Evaluation, Pathway, text
from .edge_item import EdgeItem
from .legend_item import LegendItem
from .node_item import NodeItem
from .states import DIMMED, PATH, PLAIN, RECOMMENDATION, STOP

MARGIN = 40.0
log = logging.getLogger(__name__)
_LAYOUT_CHECKED: set[tuple[str, str]] = set()


def newer_titles(pathway: Pathway, lang: str) -> dict[str, list[str]]:
    """Node id -> short titles of the newer-evidence entries that concern it."""
    out: dict[str, list[str]] = {}
    for entry in pathway.newer_evidence:
        short = text(entry.get("title"), lang).split(":")[0].strip() or entry.get("id", "")
        for nid in entry.get("nodes", []):
            out.setdefault(nid, []).append(short)
    return out


class PathwayScene(QGraphicsScene):
    """Every node and edge of a pathway, laid out as in its data, styled for one evaluation."""

    nodeClicked = Signal(str)

    def __init__(self, pathway: Pathway, lang: str = "en", parent=None) -> None:
        super().__init__(parent)
        self.pathway = pathway
        self.lang = lang
        self.evaluation: Evaluation | None = None
        self._newer_visible = False
        self._selected: str | None = None
        self.setBackgroundBrush(QColor("#ffffff"))
        self._nodes: dict[str, NodeItem] = {}
        self._edges: dict[str, EdgeItem] = {}
        for node in pathway.nodes.values():
            item = NodeItem(node, lang, self._provenance_label(node.provenance))
            self._nodes[node.id] = item
            self.addItem(item)
        buses = self._bus_heights()
        for edge in pathway.edges:
            edge_item = EdgeItem(edge, self._nodes[edge.source], self._nodes[edge.target],
                                 buses.get(edge.source), lang,
                                 self._provenance_label(edge.provenance))
            self._edges[edge.id] = edge_item
            self.addItem(edge_item)
        self.legend = LegendItem(self._provenance_labels(), self._exhausted_label(), lang)
        self.addItem(self.legend)
        self._place_legend()
        self._apply_newer()
        self.setSceneRect(self.chart_rect())
        self._warn_about_layout()

    # building
    def _provenance_label(self, kind: str) -> str:
        return text(self.pathway.provenance_kinds.get(kind), self.lang) or kind

    def _provenance_labels(self) -> dict[str, str]:
        return {k: text(v, self.lang) for k, v in self.pathway.provenance_kinds.items()}

    def _exhausted_label(self) -> str:
        edge = next((e for e in self.pathway.edges if e.trigger == "exhausted" and e.label), None)
        words = text(edge.label, self.lang) if edge else ""
        from ...i18n import tr

        return f"{tr('chart.legend.exhausted', self.lang).split(':')[0]}: {words}" if words \
            else tr("chart.legend.exhausted", self.lang)

    def _bus_heights(self) -> dict[str, float]:
        """Per source, the height where its downward arrows branch: halfway to the nearest child."""
        out: dict[str, float] = {}
        for nid, edges in self.pathway.out_edges.items():
            src = self._nodes[nid].scene_box()
            tops = [self._nodes[e.target].scene_box().top() for e in edges
                    if e.trigger != "exhausted"
                    and self._nodes[e.target].scene_box().top() >= src.bottom() + 8]
            if tops:
                out[nid] = src.bottom() + (min(tops) - src.bottom()) / 2
        return out

    def _nodes_rect(self) -> QRectF:
        rect = QRectF()
        for item in self._nodes.values():
            rect = rect.united(item.scene_box())
        return rect

    def _place_legend(self) -> None:
        """Top-left corner, where Fig. 1 has no boxes; else below the chart."""
        nodes = self._nodes_rect()
        legend = self.legend.boundingRect()
        spot = QRectF(nodes.left(), nodes.top(), legend.width(), legend.height())
        if any(spot.adjusted(-12, -12, 12, 12).intersects(i.scene_box())
               for i in self._nodes.values()):
            spot.moveTop(nodes.bottom() + 40)
        self.legend.setPos(spot.topLeft())

    def overlapping_boxes(self) -> list[tuple[str, str]]:
        """Pairs of boxes whose layout in the data file overlaps (a data error to fix there)."""
        items = list(self._nodes.values())
        return [(a.node_id, b.node_id) for i, a in enumerate(items) for b in items[i + 1:]
                if a.scene_box().intersects(b.scene_box())]

    def _warn_about_layout(self) -> None:
        key = (self.pathway.id, self.pathway.version)
        if key in _LAYOUT_CHECKED:
            return
        _LAYOUT_CHECKED.add(key)
        for a, b in self.overlapping_boxes():
            log.warning("pathway %s %s: the boxes %s and %s overlap; fix their layout in the "
                        "data file", self.pathway.id, self.pathway.version, a, b)

    def chart_rect(self) -> QRectF:
        """Everything drawn, with a margin."""
        rect = QRectF()
        for item in self.items():
            rect = rect.united(item.sceneBoundingRect())
        return rect.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)

    # the evaluation
    def set_evaluation(self, ev: Evaluation | None) -> None:
        """Light up the evaluation's path, dim the rest; None shows the plain chart."""
        self.evaluation = ev
        on_path = set(ev.path) if ev else set()
        edges = set(ev.path_edges) if ev else set()
        for nid, item in self._nodes.items():
            if ev is None:
                state = PLAIN
            elif nid == ev.recommendation_node:
                state = RECOMMENDATION
            elif nid == ev.stop_node:
                state = STOP
            elif nid in on_path:
                state = PATH
            else:
                state = DIMMED
            item.set_state(state)
            # A path ending on a bar across the chart: its label where the path comes in.
            ends_here = ev is not None and len(ev.path) > 1 and nid == ev.path[-1]
            item.set_label_anchor(self._nodes[ev.path[-2]].pos().x()
                                  if ends_here and ev is not None else None)
        for eid, edge_item in self._edges.items():
            edge_item.set_state(PLAIN if ev is None else PATH if eid in edges else DIMMED)

    def highlighted_node_ids(self) -> list[str]:
        """Ids of the boxes drawn as on the patient's path (including the end of it)."""
        return [nid for nid, item in self._nodes.items() if item.highlighted]

    def highlighted_edge_ids(self) -> list[str]:
        """Ids (`from->to`) of the arrows drawn as on the patient's path."""
        return [eid for eid, item in self._edges.items() if item.highlighted]

    def node_item(self, node_id: str) -> NodeItem:
        return self._nodes[node_id]

    def edge_item(self, edge_id: str) -> EdgeItem:
        return self._edges[edge_id]

    def node_items(self) -> dict[str, NodeItem]:
        return dict(self._nodes)

    def edge_items(self) -> dict[str, EdgeItem]:
        return dict(self._edges)

    def node_order(self) -> list[str]:
        """Node ids top to bottom, left to right (the keyboard's order)."""
        return sorted(self._nodes, key=lambda n: (self._nodes[n].node.y, self._nodes[n].node.x))

    # selection, language, layers
    def set_selected_node(self, node_id: str | None) -> None:
        """Mark one box as the one shown in the side panel."""
        self._selected = node_id if node_id in self._nodes else None
        for nid, item in self._nodes.items():
            item.set_selected_mark(nid == self._selected)

    def selected_node(self) -> str | None:
        return self._selected

    def set_language(self, lang: str) -> None:
        """Relabel every box, arrow and the legend in `lang`."""
        self.lang = lang
        for item in self._nodes.values():
            item.set_language(lang, self._provenance_label(item.node.provenance))
        for edge_item in self._edges.values():
            edge_item.set_language(lang, self._provenance_label(edge_item.edge.provenance))
        self.legend.set_language(lang, self._provenance_labels(), self._exhausted_label())
        self._apply_newer()

    def set_newer_evidence_visible(self, visible: bool) -> None:
        """Show or hide the newer-evidence tags; the evaluation is never touched."""
        self._newer_visible = visible
        self._apply_newer()
        self.setSceneRect(self.chart_rect())

    def newer_evidence_visible(self) -> bool:
        return self._newer_visible

    def _apply_newer(self) -> None:
        titles = newer_titles(self.pathway, self.lang)
        for nid, item in self._nodes.items():
            item.set_newer(titles.get(nid, []), self._newer_visible)
        self.legend.set_newer(self._newer_visible)

    # clicks
    def node_at(self, scene_pos) -> str | None:
        """The id of the box under a scene point, if any."""
        for item in self.items(scene_pos):
            if isinstance(item, NodeItem):
                return item.node_id
        return None

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        nid = self.node_at(event.scenePos())
        if nid is not None:
            event.accept()
            self.nodeClicked.emit(nid)
            return
        super().mousePressEvent(event)
