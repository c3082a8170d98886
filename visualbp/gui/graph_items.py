"""The graphics items of the network graph: the layout of the columns, the edges and the neurons.

``_layout`` places each layer l in a column (circles, compact dots, an input image, or 2-D
heatmap tiles) and ``_edge_segments`` gives a weight w^l_jk between drawn neurons its segment.
A layer wider than ``DRAWN_NEURONS`` draws its first ``DRAWN_NEURONS`` neurons (j = 0 … N − 1, so
a drawn neuron's place is its index j) and says how many more there are: the drawing, its
geometry and every per-neuron colour stay bounded however wide the layer is. ``EdgeItem`` paints
all drawn edges with one ``QPainter.drawLines`` per colour bin; ``NeuronItem`` paints the
neurons' fills, bias squares, saturation rings and the selected neuron's ring.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QLineF, QPointF, QRectF, Qt
from PyQt6.QtGui import QBrush, QColor, QPainter, QPen

from visualbp.gui import colors as C
from visualbp.gui import theme as T
from visualbp.gui.diagnostic_marks import alarm_color
from visualbp.gui.view_limits import neurons_drawn

try:  # a QLineF array backed by NumPy memory: no Python object per edge
    from pyqtgraph.Qt.internals import PrimitiveArray as _PrimitiveArray
except ImportError:  # pragma: no cover - older pyqtgraph
    _PrimitiveArray = None

COMPACT_NEURONS = 60  # a layer with more neurons is drawn compact
HEATMAP_RESOLUTION = 28  # grid points per side of a neuron's 2-D heatmap
TILE_OUTLINE_PX = 9  # tiles shorter than this on screen share one frame instead of an outline each


# ----------------------------------------------------------------- layout
@dataclass
class _Col:
    """One layer's column: where its neurons are and how they are drawn."""

    l: int
    n: int  # neurons drawn: j = 0 … n − 1 (every pixel of an input image)
    kind: str  # "circle" | "compact" | "image" | "tile"
    total: int = 0  # neurons in the layer (n_l); more than n when the layer is wider than DRAWN_NEURONS
    s: float = 1.0  # spacing between neuron centres
    r: float = 0.3  # circle radius, or half the tile side
    x: float = 0.0
    ys: np.ndarray | None = None
    left: float = 0.0
    right: float = 0.0
    in_x: float = 0.0  # where incoming edges end
    out_x: float = 0.0  # where outgoing edges start
    top: float = 0.0
    bottom: float = 0.0
    image_shape: tuple[int, int] | None = None  # input image (kind "image") or receptive fields (mosaic "rf")
    px: float = 0.0  # image pixel size (kind "image")
    mosaic: str | None = None  # "rf" (receptive fields) | "heat" (2-D heatmaps)
    tile_px: tuple[int, int] = (0, 0)  # mosaic tile (rows, cols) in pixels
    block_rows: int = 0  # mosaic rows per neuron
    g0: int = 0  # first tile row inside a block
    tile_w: float = 0.0  # mosaic tile size in view units
    tile_h: float = 0.0
    mosaic_left: float = 0.0
    more_y: float = 0.0  # where the "… more neurons not drawn" note goes (below the last drawn neuron)

    @property
    def hidden(self) -> int:
        """Neurons of the layer that are not drawn."""
        return self.total - self.n

    def tile_rect(self, j: int) -> QRectF:
        """The mosaic tile of neuron j (receptive field or heatmap) in view coordinates."""
        row_h = self.s / self.block_rows
        top = self.ys[j] - self.s / 2 + self.g0 * row_h
        return QRectF(self.mosaic_left, top, self.tile_w, self.tile_h)

    def mosaic_rect(self) -> QRectF:
        return QRectF(self.mosaic_left, self.ys[0] - self.s / 2, self.tile_w, self.n * self.s)

    def pixel_center(self, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        h, w = self.image_shape
        return self.left + (k % w + 0.5) * self.px, self.top + (k // w + 0.5) * self.px


def _layout(sizes: list[int], image_shape: tuple[int, int] | None, two_d: bool) -> list[_Col]:
    """Columns for the layers; y grows downwards (the view is inverted), neuron 0 on top. A layer of more
    than DRAWN_NEURONS neurons (DRAWN_TILES heatmaps for 2-D data) draws the first of them
    (``view_limits.neurons_drawn``); an input image is drawn whole, as a picture."""
    cols = []
    for i, n in enumerate(sizes):
        if i == 0 and image_shape is not None:
            kind, shown = "image", n
        else:
            shown = neurons_drawn(i + 1, n, False, two_d)
            if n > COMPACT_NEURONS:  # a wide layer keeps its compact spacing, so the narrow ones stay legible
                kind = "compact"
            elif two_d:
                kind = "tile"
            else:
                kind = "circle"
        cols.append(_Col(l=i + 1, n=shown, kind=kind, total=n))
    ref = max([c.n for c in cols if c.kind in ("circle", "tile")] + [4])
    for c in cols:
        if c.kind == "compact":
            c.s = min(0.3 * c.n, max(ref, 16.0)) / c.n
    height_all = max(c.n * c.s for c in cols if c.kind != "image")
    for idx, c in enumerate(cols):
        if c.kind == "image":
            h, w = image_shape
            side = min(15.0, max(5.0, 0.55 * height_all))
            c.px = side / max(h, w)
            c.image_shape = (h, w)
            c.top, c.bottom = -h * c.px / 2, h * c.px / 2
            c.ys = np.zeros(c.n)
            continue
        c.ys = (np.arange(c.n) - (c.n - 1) / 2) * c.s
        c.top, c.bottom = float(c.ys[0] - c.s / 2), float(c.ys[-1] + c.s / 2)
        if c.hidden:  # room under the drawn neurons for the note saying how many are not
            c.more_y = c.bottom
            c.bottom += 0.14 * height_all
        if c.kind == "tile" or (c.kind == "compact" and two_d):
            c.kind = "tile"
            res = HEATMAP_RESOLUTION
            c.mosaic, c.tile_px = "heat", (res, res)
            c.block_rows = int(round(res / (0.78 if c.n <= COMPACT_NEURONS else 0.9)))
            c.g0 = (c.block_rows - res) // 2
            c.tile_h = c.tile_w = res / c.block_rows * c.s
            c.r = c.tile_h / 2
        elif idx == 1 and cols[0].kind == "image":
            h, w = image_shape
            c.mosaic, c.image_shape, c.tile_px = "rf", (h, w), (h, w)
            c.block_rows = int(round(h / 0.8))
            c.g0 = (c.block_rows - h) // 2
            c.tile_h = h / c.block_rows * c.s
            c.tile_w = c.tile_h * w / h
            c.r = (0.22 if c.kind == "circle" else 0.35) * c.s
        else:
            c.r = (0.3 if c.kind == "circle" else 0.38) * c.s
    # column widths, then the gap so the whole graph is about 1.5 times as wide as it is high
    widths = []
    for c in cols:
        if c.kind == "image":
            widths.append(c.image_shape[1] * c.px)
        elif c.kind == "tile":
            widths.append(c.tile_w + 0.13 * c.s)
        elif c.mosaic == "rf":
            widths.append(c.tile_w + 0.1 * c.s + 2 * c.r)
        else:
            widths.append(2 * c.r)
    height = max(c.bottom - c.top for c in cols)
    gap = max(2.0, (1.5 * height - sum(widths)) / max(1, len(cols) - 1))
    x = 0.0
    for c, w in zip(cols, widths):
        c.left, c.right = x, x + w
        if c.kind == "image":
            c.x = x + w / 2
            c.in_x = c.out_x = c.right
        elif c.kind == "tile":
            c.x = x + c.tile_w / 2
            c.mosaic_left = x
            c.in_x, c.out_x = x, x + c.tile_w + 0.13 * c.s
        elif c.mosaic == "rf":
            c.mosaic_left = x
            c.x = c.right - c.r
            c.in_x, c.out_x = x, c.right
        else:
            c.x = x + c.r
            c.in_x, c.out_x = c.left, c.right
        x += w + gap
    return cols


def _edge_segments(prev: _Col, cur: _Col, flat: np.ndarray) -> np.ndarray:
    """(len(flat), 4) segments x0, y0, x1, y1 of the edges ``flat`` = j · prev.n + k between drawn neurons
    (row j of layer l, column k of layer l − 1, both drawn): only the segments asked for are computed."""
    flat = np.asarray(flat, dtype=np.intp)
    j, k = np.divmod(flat, prev.n)
    g = np.empty((len(flat), 4))
    if prev.kind == "image":
        # an edge leaves the picture's right edge at its pixel's row (the column is in the receptive
        # field and the hover text): it stays clear of the picture and is cheaper to paint
        g[:, 0] = prev.right
        g[:, 1] = prev.pixel_center(k)[1]
    else:
        g[:, 0] = prev.out_x
        g[:, 1] = prev.ys[k]
    g[:, 2] = cur.in_x
    g[:, 3] = cur.ys[j]
    return g


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
        half = C.NBINS // 2
        self._order = sorted(range(C.NBINS), key=lambda b: abs(b - half))  # strong edges on top
        self._glow: list[tuple[QPen, _Lines]] = []
        self._hover: tuple[list[QPen], QLineF] | None = None
        self._rect = QRectF()
        self.antialias = False
        self.setFlag(self.GraphicsItemFlag.ItemUsesExtendedStyleOption, False)

    def set_bounds(self, rect: QRectF) -> None:
        self.prepareGeometryChange()
        self._rect = QRectF(rect)

    def set_pens(self, pens: list[QPen]) -> None:
        self._pens = pens

    def set_binned(self, coords_sorted: np.ndarray, counts: np.ndarray) -> None:
        """Segments sorted by bin, with the count per bin (from np.bincount)."""
        start = 0
        for b, n in enumerate(counts.tolist()):
            self._bins[b].set(coords_sorted[start:start + n])
            start += n
        self.update()

    def set_glow(self, groups: list[tuple[QPen, np.ndarray]]) -> None:
        """Halos drawn under the edges: (pen, segments) pairs."""
        self._glow = []
        for pen, coords in groups:
            lines = _Lines()
            lines.set(coords)
            self._glow.append((pen, lines))
        self.update()

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


class NeuronItem(pg.GraphicsObject):
    """All neurons: fill (a or δ), bias square, outlines of tiles and images, the selected ring."""

    def __init__(self) -> None:
        super().__init__()
        self.cols: list[_Col] = []
        self.fill: dict[int, list[QBrush]] = {}
        self.bias: dict[int, list[QBrush]] = {}
        self.selected: tuple[int, int] | None = None
        self.saturated: dict[int, np.ndarray] = {}  # book layer l → which neurons j are marked saturated
        self.example_uv: tuple[float, float] | None = None  # the current example on the 2-D tiles
        self._rect = QRectF()

    def set_cols(self, cols: list[_Col], rect: QRectF) -> None:
        self.prepareGeometryChange()
        self.cols = cols
        self._rect = QRectF(rect)
        self.fill, self.bias = {}, {}
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
            fills = self.fill.get(c.l)
            biases = self.bias.get(c.l)
            if c.kind == "image":
                p.setPen(outline)
                p.setBrush(Qt.BrushStyle.NoBrush)
                h, w = c.image_shape
                p.drawRect(QRectF(c.left, c.top, w * c.px, h * c.px))
                continue
            if c.mosaic is not None and not (c.mosaic == "rf" and c.kind == "compact"):
                p.setBrush(Qt.BrushStyle.NoBrush)
                if c.tile_h * unit_px < TILE_OUTLINE_PX:  # outlines would hide tiles this small: one frame
                    p.setPen(thin)
                    p.drawRect(c.mosaic_rect())
                else:
                    p.setPen(outline if c.mosaic == "heat" else thin)
                    for j in range(c.n):
                        p.drawRect(c.tile_rect(j))
            if c.kind == "tile":
                rb = 0.13 * c.s
                p.setPen(outline)
                for j in range(c.n):
                    p.setBrush(fills[j] if fills else white)
                    p.drawEllipse(QPointF(c.x + c.tile_w / 2, c.ys[j]), rb, rb)
                if biases:
                    side = 0.16 * c.s
                    p.setPen(bias_pen)
                    for j in range(c.n):
                        p.setBrush(biases[j])
                        p.drawRect(QRectF(c.mosaic_left - side * 1.1, c.ys[j] + c.tile_h / 2 - side, side, side))
                if self.example_uv is not None:
                    u, v = self.example_uv
                    dot = QPen(QColor(t.text), 1.0 * scale)
                    dot.setCosmetic(True)
                    p.setPen(dot)
                    p.setBrush(QBrush(QColor(255, 255, 255)))
                    rd = 0.045 * c.s
                    for j in range(c.n):
                        rect = c.tile_rect(j)
                        p.drawEllipse(QPointF(rect.left() + u * rect.width(), rect.top() + v * rect.height()), rd, rd)
                continue
            compact = c.kind == "compact"
            p.setPen(Qt.PenStyle.NoPen if compact and c.r < 0.1 else (thin if compact else outline))
            for j in range(c.n):
                p.setBrush(fills[j] if fills else white)
                p.drawEllipse(QPointF(c.x, c.ys[j]), c.r, c.r)
            if biases and not compact:
                side = 0.55 * c.r
                p.setPen(bias_pen)
                for j in range(c.n):
                    p.setBrush(biases[j])
                    p.drawRect(QRectF(c.x - c.r - side * 0.35, c.ys[j] + c.r - side * 0.65, side, side))
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
            if not len(js):
                continue
            if c.kind == "tile":  # around the node circle at the tile's right edge
                p.setPen(ring)
                rad = 0.13 * c.s * 1.3
                for j in js:
                    p.drawEllipse(QPointF(c.x + c.tile_w / 2, c.ys[int(j)]), rad, rad)
                continue
            compact = c.kind == "compact"
            p.setPen(solid if compact else ring)
            rad = c.r * (1.35 if compact else 1.25) + 0.02 * c.s
            for j in js:
                p.drawEllipse(QPointF(c.x, c.ys[int(j)]), rad, rad)

    def _paint_selected(self, p: QPainter, t) -> None:
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
            x, y = c.pixel_center(np.array([j]))
            p.drawRect(QRectF(x[0] - c.px, y[0] - c.px, 2 * c.px, 2 * c.px))
        elif c.kind == "tile":
            rect = c.tile_rect(j)
            pad = 0.06 * c.s
            p.drawRect(rect.adjusted(-pad, -pad, pad, pad))
        else:
            p.drawEllipse(QPointF(c.x, c.ys[j]), c.r * 1.4 + 0.03 * c.s, c.r * 1.4 + 0.03 * c.s)
            if c.mosaic == "rf":
                p.drawRect(c.tile_rect(j))
