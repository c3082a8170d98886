"""The big picture on the graph: the paths from one weight w^l_jk to the cost that the Paths panel lists,
drawn as broad translucent bands under the edges, wider for a path of larger |product of rate factors|.

``path_segments`` finds the drawn edges of each path (the weight's own edge, then one edge per layer to L);
``PathItem`` paints them. Nothing is computed here but geometry: the paths and their values are
``visualbp.core.paths``'.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QLineF, QRectF, Qt
from PyQt6.QtGui import QColor, QPainter, QPen

from visualbp.gui import theme as T

#: Band widths in pixels for the largest path and the smallest one drawn.
WIDEST_PX, NARROWEST_PX = 14.0, 4.0
#: The bands' colour (a violet none of the diverging scale's colours come near), and its opacity.
PATH_COLOR, PATH_ALPHA = "#8e24aa", 110


def path_segments(scene, ps) -> list[tuple[float, np.ndarray]]:
    """(relative size |value| / max |value|, segments (n, 4)) per listed path of ``ps`` (a core PathSum), with
    only the edges whose two neurons are drawn. [] when there is nothing to show."""
    if ps is None or not ps.paths or len(scene.cols) < ps.L:
        return []
    top = max(abs(p.value) for p in ps.paths) or 1.0
    out = []
    for p in ps.paths:
        edges = [(ps.l, p.neurons[0], ps.k)]
        edges += [(ps.l + i, p.neurons[i], p.neurons[i - 1]) for i in range(1, len(p.neurons))]
        segments = [scene.edge_segment(l, j, k) for l, j, k in edges
                    if j < scene.cols[l - 1].n and k < scene.cols[l - 2].n]
        if segments:
            out.append((abs(p.value) / top, np.array(segments, dtype=float)))
    return out


class PathItem(pg.GraphicsObject):
    """Broad translucent bands along the listed paths (cosmetic pens: the same width at any zoom)."""

    def __init__(self) -> None:
        super().__init__()
        self._paths: list[tuple[float, list[QLineF]]] = []
        self._rect = QRectF()

    def set_bounds(self, rect) -> None:
        self.prepareGeometryChange()
        self._rect = QRectF(*rect)

    def set_paths(self, paths: list[tuple[float, np.ndarray]]) -> None:
        self._paths = [(size, [QLineF(*row) for row in segments.tolist()]) for size, segments in paths]
        self.update()

    def drawn(self) -> int:
        """How many path segments are painted."""
        return sum(len(lines) for _, lines in self._paths)

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, p: QPainter, *args) -> None:
        if not self._paths:
            return
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        color = QColor(PATH_COLOR)
        color.setAlpha(PATH_ALPHA)
        scale = T.current().line_scale
        for size, lines in sorted(self._paths, key=lambda item: item[0]):  # the largest on top
            pen = QPen(color, (NARROWEST_PX + size * (WIDEST_PX - NARROWEST_PX)) * scale)
            pen.setCosmetic(True)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            p.setPen(pen)
            p.drawLines(lines)
