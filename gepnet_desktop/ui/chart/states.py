"""How a node or edge takes part in the case shown: the states the scene gives its items
("style these ids")."""

from __future__ import annotations

PLAIN, PATH, RECOMMENDATION, STOP, DIMMED = "plain", "path", "recommendation", "stop", "dimmed"
HIGHLIGHTED = (PATH, RECOMMENDATION, STOP)
