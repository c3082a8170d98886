"""The painter of the network graph's neurons, fed plain data: fills (a or δ), outlines, bias squares and rings.

``NeuronItem`` paints the fills and outlines from RGBA arrays, at the shapes ``layout.Column`` defines (the
same shapes hit-testing uses); its child ``NeuronMarks`` paints the bias squares, the saturation rings and the
selected neuron's ring above them. A step changes the fills; an update of the weights changes the bias squares
and the edges under the neurons, and the fills stay. So once ``NeuronItem`` was painted twice the same way (same
fills, theme and view) it keeps a picture of itself and lays that on the edges until something it shows
changes: 41 antialiased circles cost ~2 ms a frame at 1600×1000, the picture ~0.2 ms. The picture is the item
painted into a transparent image; a circle's antialiased rim laid on an edge may differ from one painted
straight onto it by a few levels of a colour channel (at most 3 of 255 in the 12 screens compared).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QLineF, QPointF, QRect, QRectF, Qt
from PyQt6.QtGui import QBrush, QColor, QImage, QPaintEngine, QPainter, QPen, QTransform

from visualbp.gui import theme as T
from visualbp.gui.diagnostic_marks import alarm_color
from visualbp.gui.network.layout import Column, Rect
from visualbp.gui.network.stamps import Stamps

TILE_OUTLINE_PX = 9  # tiles shorter than this on screen share one frame instead of an outline each
PICTURE_PIXELS = 4_000_000  # a bigger picture (zoomed far in) is not kept: the neurons are painted each time

def qrect(rect: Rect) -> QRectF:
    return QRectF(*rect)


_BRUSHES: dict[tuple[int, ...], QBrush] = {}  # RGBA → its brush, shared by equal colours


def brushes(rgba: np.ndarray) -> list[QBrush]:
    """One brush per row of (n, 4) RGBA; equal colours share one (a few thousand colours are kept)."""
    if len(_BRUSHES) > 4096:
        _BRUSHES.clear()
    out = []
    for color in map(tuple, np.asarray(rgba).tolist()):
        brush = _BRUSHES.get(color)
        if brush is None:
            brush = _BRUSHES[color] = QBrush(QColor(*(int(v) for v in color)))
        out.append(brush)
    return out


def _same(a: dict[int, np.ndarray], b: dict[int, np.ndarray]) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[l], b[l]) for l in a)


class NeuronItem(pg.GraphicsObject):
    """All neurons: fill (a or δ), outlines of tiles and images, the 2-D example's dot; bias squares and rings in
    ``marks``, its child."""

    def __init__(self) -> None:
        super().__init__()
        self.cols: list[Column] = []
        self._fill: dict[int, list[QBrush]] = {}
        self._fills_given: dict[int, np.ndarray] = {}
        self.example_uv: tuple[float, float] | None = None  # the current example on the 2-D tiles
        self._rect = QRectF()
        self.marks = NeuronMarks(self)
        self._version = 0  # counts the changes of what this item paints
        self._painted: tuple | None = None  # how it was last painted straight
        self._picture: tuple[tuple, QImage, QPointF] | None = None  # (how, the picture, where it goes)
        self._stamps: dict[int, Stamps] = {}  # per layer l, its circles kept as pictures (``stamps``)

    # the bias squares and rings are the child's
    @property
    def selected(self) -> tuple[int, int] | None:
        return self.marks.selected

    @selected.setter
    def selected(self, neuron: tuple[int, int] | None) -> None:
        self.marks.selected = neuron
        self.marks.update()

    @property
    def saturated(self) -> dict[int, np.ndarray]:
        return self.marks.saturated

    @property
    def fills(self) -> dict[int, np.ndarray]:
        """Per layer l, the (n, 4) RGBA fills painted now."""
        return self._fills_given

    def set_cols(self, cols: list[Column], rect: Rect) -> None:
        self.prepareGeometryChange()
        self.cols = cols
        self._rect = qrect(rect)
        self._fill, self._fills_given, self._stamps = {}, {}, {}
        self.marks.set_cols(cols, self._rect)
        self._changed()

    def set_data(self, fills: dict[int, np.ndarray], biases: dict[int, np.ndarray],
                 saturated: dict[int, np.ndarray], example_uv: tuple[float, float] | None) -> None:
        """What to paint: per layer l, (n, 4) RGBA fills and bias colours, saturation marks; the 2-D example."""
        self.marks.set_data(biases, saturated)
        if example_uv == self.example_uv and _same(fills, self._fills_given):
            return  # an update of the weights: the fills stay (and so may the picture)
        self._fill = {l: brushes(v) for l, v in fills.items()}
        self._fills_given = {l: np.array(v, copy=True) for l, v in fills.items()}
        self.example_uv = example_uv
        self._changed()

    def set_selected(self, neuron: tuple[int, int] | None) -> None:
        self.marks.set_selected(neuron)

    def _changed(self) -> None:
        self._version += 1
        self._picture = None
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, p: QPainter, *args) -> None:
        how, place = self._how(p)
        if how is not None and self._picture is not None and self._picture[0] == how:
            self._lay(p, self._picture[1], self._picture[2])
            return
        if how is not None and how == self._painted:  # painted the same way before: keep a picture of it
            image = self._render(p, place)
            self._picture = (how, image, QPointF(place.topLeft()))
            self._lay(p, image, QPointF(place.topLeft()))
            return
        self._painted = how
        self.paint_neurons(p)

    def _how(self, p: QPainter) -> tuple[tuple | None, QRect]:
        """What the picture depends on and where it goes, in whole device pixels. None: no picture — painted onto
        a vector device (an SVG or PDF export keeps circles as circles), at a fractional device pixel ratio, or too
        big to keep (zoomed far in)."""
        world = p.worldTransform()
        place = world.mapRect(self._rect).toAlignedRect()
        device, engine = p.device(), p.paintEngine()
        if engine is None or engine.type() != QPaintEngine.Type.Raster:
            return None, place
        dpr = device.devicePixelRatioF() if device is not None else 1.0
        if dpr != round(dpr):  # a fractional scale would lay the picture between device pixels
            return None, place
        if place.isEmpty() or place.width() * place.height() * dpr * dpr > PICTURE_PIXELS:
            return None, place
        matrix = (world.m11(), world.m12(), world.m21(), world.m22(), world.dx(), world.dy(), world.m13(),
                  world.m23(), world.m33())
        return (self._version, T.current(), matrix, place.getRect(), dpr, p.renderHints()), place

    def _render(self, p: QPainter, place: QRect) -> QImage:
        """The neurons painted as ``p`` would paint them, into a transparent image covering ``place``."""
        device = p.device()
        dpr = device.devicePixelRatioF() if device is not None else 1.0
        image = QImage(round(place.width() * dpr), round(place.height() * dpr),
                       QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(dpr)
        image.fill(Qt.GlobalColor.transparent)
        q = QPainter(image)
        q.setRenderHints(p.renderHints())
        q.setWorldTransform(p.worldTransform() * QTransform.fromTranslate(-place.x(), -place.y()))
        self.paint_neurons(q)
        q.end()
        return image

    @staticmethod
    def _lay(p: QPainter, image: QImage, at: QPointF) -> None:
        p.save()
        p.setWorldTransform(QTransform())
        p.drawImage(at, image)
        p.restore()

    def paint_neurons(self, p: QPainter) -> None:
        """Per column: the picture's or tiles' outlines, the filled circles, the 2-D example's dots."""
        t = T.current()
        scale = t.line_scale
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        outline = QPen(QColor(t.node_outline), 1.2 * scale)
        outline.setCosmetic(True)
        thin = QPen(QColor(t.muted), 0.8 * scale)
        thin.setCosmetic(True)
        white = QBrush(QColor(t.background))
        unit_px = QLineF(p.transform().map(QPointF(0, 0)), p.transform().map(QPointF(0, 1))).length()
        for c in self.cols:
            fills = self._fill.get(c.l)
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
            if c.kind == "compact":
                p.setPen(Qt.PenStyle.NoPen if c.r < 0.1 else thin)
            else:
                p.setPen(outline)
            rad = c.node_radius
            given = self._fills_given.get(c.l) if fills else None
            rgba = given[:c.n] if given is not None and len(given) >= c.n else \
                np.tile(np.array(white.color().getRgb(), dtype=np.uint8), (c.n, 1))
            stamps = self._stamps.setdefault(c.l, Stamps(ellipses=True))
            boxes = [(x - rad, y - rad, 2 * rad, 2 * rad) for x, y in map(c.node_center, range(c.n))]
            if not stamps.paint(p, np.array(boxes, dtype=float), p.pen(), rgba):
                for j in range(c.n):
                    p.setBrush(fills[j] if fills else white)
                    p.drawEllipse(QPointF(*c.node_center(j)), rad, rad)
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


class NeuronMarks(pg.GraphicsObject):
    """Above the neurons, painted every time: each neuron's bias square (b^l_j on the weight scale), the
    saturation rings and the selected neuron's ring."""

    def __init__(self, parent: NeuronItem) -> None:
        super().__init__(parent)
        self.cols: list[Column] = []
        self._bias: dict[int, list[QBrush]] = {}
        self._biases_given: dict[int, np.ndarray] = {}  # the colours the brushes were made for
        self._theme = T.current()  # the theme it was last given data in (its pens' colours and widths)
        self._rings: dict[int, Stamps] = {}  # per layer l, its saturation rings kept as pictures (``stamps``)
        self.selected: tuple[int, int] | None = None
        self.saturated: dict[int, np.ndarray] = {}  # book layer l → which neurons j are marked saturated
        self._rect = QRectF()

    def set_cols(self, cols: list[Column], rect: QRectF) -> None:
        self.prepareGeometryChange()
        self.cols, self._rect, self._bias, self._biases_given, self._rings = cols, QRectF(rect), {}, {}, {}
        self.update()

    def set_data(self, biases: dict[int, np.ndarray], saturated: dict[int, np.ndarray]) -> None:
        """The bias colours and saturation marks; the same biases again (a step, the saturation marks and the
        weights each hand them over in one live tick) keep their brushes."""
        if not _same(biases, self._biases_given):
            self._bias = {l: brushes(v) for l, v in biases.items()}
            self._biases_given = {l: np.array(v, copy=True) for l, v in biases.items()}
        elif _same(saturated, self.saturated) and self._theme is T.current():
            return  # nothing it paints changed
        self._theme = T.current()
        self.saturated = saturated
        self.update()

    def set_selected(self, neuron: tuple[int, int] | None) -> None:
        self.selected = neuron
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, p: QPainter, *args) -> None:
        t = T.current()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        bias_pen = QPen(QColor(t.muted), 0.7 * t.line_scale)
        bias_pen.setCosmetic(True)
        p.setPen(bias_pen)
        for c in self.cols:
            biases = self._bias.get(c.l)
            if biases and c.shows_bias:
                for j in range(c.n):
                    p.setBrush(biases[j])
                    p.drawRect(qrect(c.bias_rect(j)))
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
            boxes = np.array([(x - rad, y - rad, 2 * rad, 2 * rad) for x, y in map(c.node_center, range(c.n))])
            if len(js) and self._rings.setdefault(l, Stamps(ellipses=True)).paint(p, boxes, p.pen(), None, js):
                continue
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
