"""The decision boundary: the network's output over the input plane of 2-D data, behind the data points.

``BoundaryCard(session)`` is a titled card whose plot keeps x1 and x2 at one scale (equal aspect) in a square
view box, opens on ``visualbp.core.probe.input_plane`` of the training data (the plane the graph's neuron tiles
show too), and sizes the points' markers to how many there are and how large the plot is. The colours come
from a feedforward over a grid (``GridProbe``, no gradients), redrawn at most ~10 times a second, a big
network's over several short slices between repaints.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PyQt6 import sip
from PyQt6.QtCore import QPointF, QRectF
from PyQt6.QtGui import QColor
from PyQt6.QtWidgets import QWidget

from visualbp.core.probe import GridProbe, input_plane, square_plane
from visualbp.gui import theme
from visualbp.gui.plot_widgets import _background_rgb, _Card, _Plot, _swatch, class_colours, diverging_rgb
from visualbp.gui.redraw_throttle import ThrottledRedraw
from visualbp.gui.sliced_jobs import SlicedJobs
from visualbp.gui.view_limits import boundary_resolution

Limits = tuple[tuple[float, float], tuple[float, float]]


def marker_size(points: int, side_px: float) -> float:
    """Marker diameter in px for ``points`` data points on a square plot ``side_px`` wide: together the markers
    cover about 12 % of the plot (a spiral's arms stay apart), between 2.5 and 9 px."""
    if points <= 0:
        return 6.0
    return float(min(9.0, max(2.5, math.sqrt(0.12 * side_px * side_px / points))))


class _SquareBox(QWidget):
    """Holds one plot and sizes it so that its view box is the largest square that fits, centred: an
    equal-aspect plane then fills the view instead of sitting in a wide strip."""

    def __init__(self, plot: _Plot) -> None:
        super().__init__()
        self.plot = plot
        plot.setParent(self)
        self.setMinimumSize(120, 120)

    def _extra(self) -> tuple[float, float]:
        """What the plot spends outside its view box (axes, margins), in px."""
        item = self.plot.getPlotItem()
        vb = self.plot.getViewBox().sceneBoundingRect()
        if vb.width() > 20 and vb.height() > 20:
            return self.plot.width() - vb.width(), self.plot.height() - vb.height()
        return item.getAxis("left").width() + 14.0, item.getAxis("bottom").height() + 8.0

    def side(self) -> float:
        """The view box's side in px."""
        ew, eh = self._extra()
        return max(10.0, min(self.width() - ew, self.height() - eh))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self.fit()

    def fit(self) -> None:
        ew, eh = self._extra()
        s = self.side()
        w, h = int(round(s + ew)), int(round(s + eh))
        self.plot.setGeometry((self.width() - w) // 2, (self.height() - h) // 2, w, h)


class BoundaryCard(ThrottledRedraw, _Card):
    """The decision boundary's card: a^L over the input plane behind the training and validation points."""

    INTERVAL_MS = 100  # the boundary redraws at most ~10 times a second
    RESOLUTION = 96
    MAX_POINTS = 2500  # data points drawn per split

    def __init__(self, session) -> None:
        plot = _Plot("x<sub>1</sub>", "x<sub>2</sub>")
        plot.keep_axis_labels = True
        plot.apply_theme()  # x1 and x2 named in presentation mode too
        plot.getPlotItem().showGrid(x=False, y=False)
        plot.setAspectLocked(True)
        box = _SquareBox(plot)
        super().__init__("Decision boundary", plot, body=box)
        self.session = session
        self.box = box
        self.plot = plot
        self._points = 0
        self._marker = 0.0
        self._image = pg.ImageItem(axisOrder="row-major")
        self._image.setZValue(-10)
        plot.getPlotItem().addItem(self._image, ignoreBounds=True)
        self._train_points = pg.ScatterPlotItem(size=7, symbol="o")
        self._val_points = pg.ScatterPlotItem(size=7, symbol="o")
        plot.addItem(self._train_points)
        plot.addItem(self._val_points)
        plot.custom_hover = self._hover
        plot.getViewBox().sigRangeChanged.connect(self._view_moved)
        plot.getViewBox().sigResized.connect(self._resize_markers)
        self._values: np.ndarray | None = None
        self._rgb: np.ndarray | None = None
        self.limits: Limits = ((-1.0, 1.0), (-1.0, 1.0))  # the view now
        self.drawn_limits: Limits = self.limits  # the plane the image covers (a square around the view)
        self.dirty = False
        self._last = -1.0
        self._timer = pg.QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.update_now)
        self._jobs = SlicedJobs(self)  # a big network's decision boundary, between repaints

    # ------------------------------------------------------------------ set-up
    def setup(self) -> None:
        """Points, legend and the home view (``input_plane`` of the training data) for the session's data."""
        data = self.session.dataset
        self.setVisible(data.is_2d)
        self._values = self._rgb = None
        self._image.clear()
        self._timer.stop()
        self._jobs.cancel()
        if not data.is_2d:
            self._train_points.clear()
            self._val_points.clear()
            self._points = 0
            return
        t = theme.current()
        colours = class_colours(data.n_classes)
        self._points = 0
        for item, X, y, filled in ((self._train_points, data.X_train, data.y_train, True),
                                   (self._val_points, data.X_val, data.y_val, False)):
            if len(X) > self.MAX_POINTS:  # an even subsample keeps big files responsive
                pick = np.linspace(0, len(X) - 1, self.MAX_POINTS).astype(int)
                X, y = X[pick], y[pick]
            self._points += len(X)
            if filled:  # training points: filled by label, rimmed in the background colour
                brushes = [pg.mkBrush(*colours[c]) for c in y]
                item.setData(X[:, 0], X[:, 1], brush=brushes, pen=pg.mkPen(t.background, width=1))
            else:  # validation points: background inside, outlined by label
                pens = [pg.mkPen(colours[c], width=1.5 * t.line_scale) for c in y]
                inside = QColor(t.background)
                inside.setAlpha(235)
                item.setData(X[:, 0], X[:, 1], pen=pens, brush=pg.mkBrush(inside))
        self._marker = 0.0
        self._resize_markers()
        names = data.class_names or tuple(f"class {c}" for c in range(data.n_classes))
        if data.n_classes == 2:
            meaning = ("a<sup>L</sup><sub>2</sub> − a<sup>L</sup><sub>1</sub>: orange where the network says "
                       "class 0, blue where it says class 1, grey on the boundary")
        else:
            meaning = ("the colour of the class j with the largest a<sup>L</sup><sub>j</sub>, paler where the "
                       "runner-up is close")
        self.title.setToolTip(
            f"<p>The network's output over the input plane (feedforward only): {meaning}. "
            "Filled points: training data; outlined: validation data. x<sub>1</sub> and x<sub>2</sub> at one "
            "scale, on the plane the graph's neuron tiles show. Drag or scroll to explore the plane.</p>")
        self.set_legend(
            [_swatch(c, "■", name) for c, name in zip(colours, names)]
            + [_swatch(t.node_outline, "●", "train"), _swatch(t.node_outline, "○", "validation")])
        self.home()

    def home(self) -> None:
        """Show the data's input plane (aspect locked: the view box is square, so about exactly that)."""
        xlim, ylim = input_plane(self.session.dataset.X_train)
        self.plot.setRange(xRange=xlim, yRange=ylim, padding=0)
        self._read_view()
        self._last = -1.0
        self.update_now()

    def restyle(self) -> None:
        """Again in the current theme, keeping where the user left the plane."""
        # the target range, from which the aspect-locked view follows the plot's size (the view itself, set
        # back in a plot of another shape, would widen at every switch)
        view = self.plot.getViewBox().targetRange()
        self.setup()
        if self.session.dataset.is_2d:
            self.plot.setRange(xRange=view[0], yRange=view[1], padding=0)
            self._read_view()
            self._timer.stop()
            self.update_now()
            self._last = -1.0  # the window may change shape next (full screen): redraw then at once

    def _resize_markers(self) -> None:
        """Markers sized to the number of points and the plot's side (about 12 % of it covered)."""
        if not getattr(self, "_points", 0) or any(sip.isdeleted(i) for i in (self._train_points, self._val_points)):
            return  # a closed window's plot being taken apart still resizes: its items may be gone already
        rect = self.plot.getViewBox().sceneBoundingRect()
        size = marker_size(self._points, min(rect.width(), rect.height()))
        if abs(size - self._marker) < 0.25:
            return
        self._marker = size
        self._train_points.setSize(size)
        self._val_points.setSize(size)

    def marker_px(self) -> float:
        """The markers' diameter in px now."""
        return self._marker

    # ------------------------------------------------------------------ redraws
    def _read_view(self) -> None:
        (x0, x1), (y0, y1) = self.plot.getViewBox().viewRange()
        self.limits = ((float(x0), float(x1)), (float(y0), float(y1)))

    def _view_moved(self, *args) -> None:
        """The heatmap covers what the view shows (so zooming and panning explore the plane)."""
        self._read_view()
        if square_plane(*self.limits) != self.drawn_limits:  # the plane probed for this view
            self.request()

    def request(self) -> None:
        """Redraw soon: at once if the last redraw was ≥ 100 ms ago, else when that has passed."""
        if not self.session.dataset.is_2d:
            return
        if not self.isVisible():
            self.dirty = True
            return
        if "boundary" in self._jobs:  # again when the one under way is done
            self.dirty = True
            return
        self.redraw_when_due()

    def update_now(self) -> None:
        """Feedforward over the plane (no gradients) and colour it: orange for class 0, blue for class 1.
        The grid (``GridProbe``, on the square around the view) goes through the network a block of points at a
        time keeping only a^L: a small network's at once, a big one's over slices between repaints."""
        net, data = self.session.net, self.session.dataset
        if not data.is_2d or net.sizes[0] != 2:
            return
        self.dirty = False
        self._last = time.perf_counter()
        xlim, ylim = self.limits
        rows = [0] * (len(net.sizes) - 1) + [net.sizes[-1]]
        probe = GridProbe(net, xlim, ylim, self.resolution(), rows)
        plane = (probe.xlim, probe.ylim)
        self._jobs.start("boundary", probe.blocks(), lambda a, spent: self._done(a[-1], plane, spent))

    def _done(self, a_L: np.ndarray, plane: Limits, spent: float) -> None:
        self._draw(a_L, plane)
        # a slow grid (a huge network) pauses as long as it took before the next: at most half the GUI thread
        self._last = time.perf_counter() + max(0.0, spent - self.INTERVAL_MS / 1000.0)
        if self.dirty:
            self.request()

    def _draw(self, a_L: np.ndarray, plane: Limits) -> None:
        """Colour the plane by a^L over the grid (n_L, res, res)."""
        wash = 0.3  # the plane a little paler than the points, as in TensorFlow Playground
        if a_L.shape[0] == 2:
            values = a_L[1] - a_L[0]
            rgb = diverging_rgb(values, wash=wash)
        else:
            a_L = np.nan_to_num(a_L)
            winner = np.argmax(a_L, axis=0)
            top = np.sort(a_L, axis=0)
            values = np.clip(top[-1] - top[-2], 0.0, 1.0) if len(a_L) > 1 else np.clip(a_L[0], 0.0, 1.0)
            palette = np.array(class_colours(len(a_L)), dtype=float)
            mid = np.array(theme.current().neutral, dtype=float)
            rgb = mid + (palette[winner] - mid) * values[..., None]
            rgb = np.clip(rgb * (1 - wash) + _background_rgb() * wash + 0.5, 0, 255).astype(np.uint8)
        self._values = values
        self._rgb = rgb
        self.drawn_limits = plane
        (x0, x1), (y0, y1) = plane
        self._image.setImage(rgb, autoLevels=False, levels=(0, 255))
        self._image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))

    def resolution(self) -> int:
        """Grid points per side: RESOLUTION, coarser for a huge network."""
        return boundary_resolution(self.session.net.sizes, finest=self.RESOLUTION)

    def settle(self) -> None:
        """Draw now, all of a big network's grid too (before a screenshot)."""
        self.box.fit()
        self.update_now()
        self._jobs.settle()

    def busy(self) -> bool:
        """A big network's grid is still being computed."""
        return "boundary" in self._jobs

    def _hover(self, scene_pos: QPointF) -> None:
        """Label the point under the mouse with its x and the output there."""
        plot = self.plot
        vb = plot.getViewBox()
        if self._values is None or not vb.sceneBoundingRect().contains(scene_pos):
            plot.hide_hover()
            return
        p = vb.mapSceneToView(scene_pos)
        (x0, x1), (y0, y1) = self.drawn_limits
        res = len(self._values)
        col = int(round((p.x() - x0) / (x1 - x0) * (res - 1)))
        row = int(round((p.y() - y0) / (y1 - y0) * (res - 1)))
        if not (0 <= col < res and 0 <= row < res):
            plot.hide_hover()
            return
        v = float(self._values[row, col])
        what = "a^L_1 − a^L_0" if self.session.dataset.n_classes == 2 else "margin"
        plot.show_label(f"x = ({p.x():.2f}, {p.y():.2f}) · {what} {v:+.3f}", p.x(), p.y(), dot=False)

    # ------------------------------------------------------------------ accessors
    def image(self) -> np.ndarray | None:
        """The RGB image (res, res, 3), row = x2, column = x1, or None."""
        return None if self._rgb is None else self._rgb.copy()

    def values(self) -> np.ndarray | None:
        """a^L_1 − a^L_0 over the grid (2 classes) or the winning margin (more classes)."""
        return None if self._values is None else self._values.copy()
