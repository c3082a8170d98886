"""The painters of the network graph, fed plain data: the edges and the neurons.

``EdgeItem`` paints all drawn edges with one ``QPainter.drawLines`` per colour bin (segments and counts
from ``Scene.binned``, one pen per bin from ``Scene.bin_rgb``/``bin_widths``); ``NeuronItem`` paints the
neurons' fills, bias squares, saturation rings and the selected neuron's ring from RGBA arrays, at the
shapes ``layout.Column`` defines — the same shapes hit-testing uses.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QLineF, QPointF, QRectF, Qt
from PyQt6.QtGui import QBrush, QColor, QPainter, QPen

from visualbp.gui import colors as C
from visualbp.gui import theme as T
from visualbp.gui.diagnostic_marks import alarm_color
from visualbp.gui.network.layout import Column, Rect

try:  # a QLineF array backed by NumPy memory: no Python object per edge
    from pyqtgraph.Qt.internals import PrimitiveArray as _PrimitiveArray
except ImportError:  # pragma: no cover - older pyqtgraph
    _PrimitiveArray = None

TILE_OUTLINE_PX = 9  # tiles shorter than this on screen share one frame instead of an outline each


def qrect(rect: Rect) -> QRectF:
    return QRectF(*rect)


# ----------------------------------------------------------------- the edges: one item, one drawLines per bin
class _Lines:
    """QLineF segments for one drawLines call, filled from a NumPy (n, 4) array."""

    def __init__(self) -> None:
        # use_array=False: QLineF wrappers over NumPy memory, not a sip.array. With PyQt6-sip 13.13 every
        # sip.array object (and drawargs() slices one per paint) leaks one block: ~1.8 MB/min while training.
        self._array = _PrimitiveArray(QLineF, 4, use_array=False) if _PrimitiveArray is not None else None
        self._list: list[QLineF] = []
        self.count = 0

    def set(self, coords: np.ndarray) -> None:
        self.count = len(coords)
        if self._array is not None:
            self._array.resize(self.count)
            if self.count:
                self._array.ndarray()[:] = coords
        else:  # pragma: no cover - fallback without PrimitiveArray
            self._list = [QLineF(*row) for row in coords.tolist()]

    def draw(self, p: QPainter) -> None:
        if not self.count:
            return
        if self._array is not None:
            p.drawLines(*self._array.drawargs())
        else:  # pragma: no cover
            p.drawLines(self._list)


class EdgeItem(pg.GraphicsObject):
    """Every drawn edge, painted with one QPainter.drawLines per colour/width bin (cosmetic pens)."""

    def __init__(self) -> None:
        super().__init__()
        self._bins = [_Lines() for _ in range(C.NBINS)]
        self._pens: list[QPen] = [QPen() for _ in range(C.NBINS)]
        self._order = C.paint_order(C.NBINS)  # strong edges on top
        self._glow: list[tuple[QPen, _Lines]] = []
        self._hover: tuple[list[QPen], QLineF] | None = None
        self._rect = QRectF()
        self.antialias = False
        self.setFlag(self.GraphicsItemFlag.ItemUsesExtendedStyleOption, False)

    def set_bounds(self, rect: Rect) -> None:
        self.prepareGeometryChange()
        self._rect = qrect(rect)

    def set_bins(self, rgb: np.ndarray, widths: np.ndarray) -> None:
        """One cosmetic pen per colour bin: RGB (NBINS, 3) and widths in pixels."""
        self._pens = []
        for (r, g, b), width in zip(np.asarray(rgb).tolist(), np.asarray(widths).tolist()):
            pen = QPen(QColor(int(r), int(g), int(b)), float(width))
            pen.setCosmetic(True)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            self._pens.append(pen)
        self.update()

    def set_binned(self, coords_sorted: np.ndarray, counts: np.ndarray) -> None:
        """Segments sorted by bin, with the count per bin (from np.bincount)."""
        start = 0
        for b, n in enumerate(counts.tolist()):
            self._bins[b].set(coords_sorted[start:start + n])
            start += n
        self.update()

    def set_glow(self, groups: list[tuple[float, np.ndarray]], color: QColor) -> None:
        """Halos drawn under the edges: (width in px, segments) pairs, in ``color``."""
        self._glow = []
        for width, coords in groups:
            pen = QPen(color, width)
            pen.setCosmetic(True)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            lines = _Lines()
            lines.set(coords)
            self._glow.append((pen, lines))
        self.update()

    def glowing(self) -> int:
        """Segments painted with a halo."""
        return sum(lines.count for _, lines in self._glow)

    def drawn_per_bin(self) -> list[int]:
        """How many segments each colour bin paints."""
        return [b.count for b in self._bins]

    def set_hover(self, pens: list[QPen] | None, segment: np.ndarray | None) -> None:
        """The hovered edge, redrawn on top with each of ``pens`` in turn (None clears)."""
        self._hover = None if not pens or segment is None else (pens, QLineF(*map(float, segment)))
        self.update()

    def drawn(self) -> int:
        return sum(b.count for b in self._bins)

    def paint(self, p: QPainter, *args) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, self.antialias)
        for pen, lines in self._glow:
            p.setPen(pen)
            lines.draw(p)
        for b in self._order:
            lines = self._bins[b]
            if lines.count:
                p.setPen(self._pens[b])
                lines.draw(p)
        if self._hover is not None:
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            for pen in self._hover[0]:
                p.setPen(pen)
                p.drawLine(self._hover[1])

    def boundingRect(self) -> QRectF:
        return self._rect


def _brushes(rgba: np.ndarray) -> list[QBrush]:
    return [QBrush(QColor(int(r), int(g), int(b), int(a))) for r, g, b, a in np.asarray(rgba).tolist()]


class NeuronItem(pg.GraphicsObject):
    """All neurons: fill (a or δ), bias square, outlines of tiles and images, the saturation and selected rings."""

    def __init__(self) -> None:
        super().__init__()
        self.cols: list[Column] = []
        self._fill: dict[int, list[QBrush]] = {}
        self._bias: dict[int, list[QBrush]] = {}
        self.selected: tuple[int, int] | None = None
        self.saturated: dict[int, np.ndarray] = {}  # book layer l → which neurons j are marked saturated
        self.example_uv: tuple[float, float] | None = None  # the current example on the 2-D tiles
        self._rect = QRectF()

    def set_cols(self, cols: list[Column], rect: Rect) -> None:
        self.prepareGeometryChange()
        self.cols = cols
        self._rect = qrect(rect)
        self._fill, self._bias = {}, {}
        self.update()

    def set_data(self, fills: dict[int, np.ndarray], biases: dict[int, np.ndarray],
                 saturated: dict[int, np.ndarray], example_uv: tuple[float, float] | None) -> None:
        """What to paint: per layer l, (n, 4) RGBA fills and bias colours, saturation marks; the 2-D example."""
        self._fill = {l: _brushes(v) for l, v in fills.items()}
        self._bias = {l: _brushes(v) for l, v in biases.items()}
        self.saturated = saturated
        self.example_uv = example_uv
        self.update()

    def set_selected(self, neuron: tuple[int, int] | None) -> None:
        self.selected = neuron
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, p: QPainter, *args) -> None:
        t = T.current()
        scale = t.line_scale
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        outline = QPen(QColor(t.node_outline), 1.2 * scale)
        outline.setCosmetic(True)
        thin = QPen(QColor(t.muted), 0.8 * scale)
        thin.setCosmetic(True)
        bias_pen = QPen(QColor(t.muted), 0.7 * scale)
        bias_pen.setCosmetic(True)
        white = QBrush(QColor(t.background))
        unit_px = QLineF(p.transform().map(QPointF(0, 0)), p.transform().map(QPointF(0, 1))).length()
        for c in self.cols:
            fills = self._fill.get(c.l)
            biases = self._bias.get(c.l)
            if c.kind == "image":
                p.setPen(outline)
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRect(qrect(c.image_rect()))
                continue
            if c.mosaic is not None and not (c.mosaic == "rf" and c.kind == "compact"):
                p.setBrush(Qt.BrushStyle.NoBrush)
                if c.tile_h * unit_px < TILE_OUTLINE_PX:  # outlines would hide tiles this small: one frame
                    p.setPen(thin)
                    p.drawRect(qrect(c.mosaic_rect()))
                else:
                    p.setPen(outline if c.mosaic == "heat" else thin)
                    for j in range(c.n):
                        p.drawRect(qrect(c.tile_rect(j)))
            compact = c.kind == "compact"
            if compact:
                p.setPen(Qt.PenStyle.NoPen if c.r < 0.1 else thin)
            else:
                p.setPen(outline)
            rad = c.node_radius
            for j in range(c.n):
                p.setBrush(fills[j] if fills else white)
                p.drawEllipse(QPointF(*c.node_center(j)), rad, rad)
            if biases and c.shows_bias:
                p.setPen(bias_pen)
                for j in range(c.n):
                    p.setBrush(biases[j])
                    p.drawRect(qrect(c.bias_rect(j)))
            if c.kind == "tile" and self.example_uv is not None:
                u, v = self.example_uv
                dot = QPen(QColor(t.text), 1.0 * scale)
                dot.setCosmetic(True)
                p.setPen(dot)
                p.setBrush(QBrush(QColor(255, 255, 255)))
                rd = 0.045 * c.s
                for j in range(c.n):
                    left, top, w, h = c.tile_rect(j)
                    p.drawEllipse(QPointF(left + u * w, top + v * h), rd, rd)
        if self.saturated:
            self._paint_saturated(p, t)
        if self.selected is not None:
            self._paint_selected(p, t)

    def _paint_saturated(self, p: QPainter, t) -> None:
        """A red dashed ring around each saturated neuron (around the node circle of a 2-D tile): distinct from
        the selection ring, which is solid and dark."""
        ring = QPen(QColor(alarm_color()), 1.8 * t.line_scale)
        ring.setCosmetic(True)
        ring.setDashPattern([2.2, 1.4])
        solid = QPen(QColor(alarm_color()), 1.4 * t.line_scale)  # dashes vanish on a few-pixel circle
        solid.setCosmetic(True)
        p.setBrush(Qt.BrushStyle.NoBrush)
        for l, marks in self.saturated.items():
            if not 2 <= l <= len(self.cols):
                continue
            c = self.cols[l - 1]
            js = np.flatnonzero(marks[:c.n])
            p.setPen(solid if c.kind == "compact" else ring)
            rad = c.saturation_radius
            for j in js:
                p.drawEllipse(QPointF(*c.node_center(int(j))), rad, rad)

    def _paint_selected(self, p: QPainter, t) -> None:
        if self.selected is None:
            return
        l, j = self.selected
        if not 1 <= l <= len(self.cols):
            return
        c = self.cols[l - 1]
        if not 0 <= j < c.n:  # a neuron past the drawn ones: named by the note under the column
            return
        ring = QPen(QColor(t.text), 2.6 * t.line_scale)
        ring.setCosmetic(True)
        p.setPen(ring)
        p.setBrush(Qt.BrushStyle.NoBrush)
        if c.kind == "image":
            x, y = c.center(j)
            p.drawRect(QRectF(x - c.px, y - c.px, 2 * c.px, 2 * c.px))
        elif c.kind == "tile":
            pad = 0.06 * c.s
            p.drawRect(qrect(c.tile_rect(j)).adjusted(-pad, -pad, pad, pad))
        else:
            rad = c.selection_radius
            p.drawEllipse(QPointF(*c.node_center(j)), rad, rad)
            if c.mosaic == "rf":
                p.drawRect(qrect(c.tile_rect(j)))
