"""Fig. 1 on a QGraphicsScene: items, the scene, its view, and exports."""

from .export import ExportError, ensure_app, export_chart, render_chart_image
from .scene import PathwayScene
from .view import PathwayView

__all__ = ["ExportError", "PathwayScene", "PathwayView", "ensure_app", "export_chart",
           "render_chart_image"]
