"""The fit: for regression data, the points (x, y) and the network's curve a^L(x) over the interval, drawn live.

``FitCard(session)`` takes the place of the decision boundary when the data set is a function to fit
(``visualbp.core.functions``): training points filled, validation points outlined, the function the data were
drawn from as a thin dashed line, and a^L(x) — ``functions.fit_curve``, a feedforward over the interval computed
by the core — as a thick line, redrawn at most ~10 times a second as the weights change (training, steps, ←).
The y axis holds the data and follows the curve while it is far off (an untrained linear output can be), at
most 1.5 data spans beyond them.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QPointF, Qt
from PyQt6.QtGui import QColor

from visualbp.core.functions import curve_span, fit_curve, target_curve
from visualbp.gui import theme
from visualbp.gui.plot_widgets import TRAIN_COLOUR, VALIDATION_COLOUR, _Card, _pen, _Plot, _swatch, themed
from visualbp.gui.redraw_throttle import ThrottledRedraw

#: The fit's line: the diverging scale's blue, the colour of a^L > 0 elsewhere in the window.
FIT_COLOUR = "#0877bd"


class FitCard(ThrottledRedraw, _Card):
    """Data points (x, y) and the network's a^L(x) over the interval, for a 1-D regression data set."""

    INTERVAL_MS = 100  # the curve redraws at most ~10 times a second
    MAX_POINTS = 2500  # data points drawn per split

    def __init__(self, session) -> None:
        plot = _Plot("x", "y")
        plot.keep_axis_labels = True
        plot.apply_theme()
        plot.getPlotItem().enableAutoRange(enable=False)
        super().__init__("Fit a<sup>L</sup>(x)", plot)
        self.session = session
        self.plot = plot
        self._train = pg.ScatterPlotItem(size=5, symbol="o")
        self._val = pg.ScatterPlotItem(size=5, symbol="o")
        plot.addItem(self._train)
        plot.addItem(self._val)
        self._target = plot.add_curve("f(x)", _pen("#9aa4a9", 1.2, Qt.PenStyle.DashLine))
        self._curve = plot.add_curve("a^L(x)", _pen(FIT_COLOUR, 2.6))
        plot.custom_hover = self._hover
        self._data_y = (-1.0, 1.0)
        self.dirty = False
        self._last = -1.0
        self._timer = pg.QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.update_now)
        self.setVisible(False)

    # ------------------------------------------------------------------ set-up
    def setup(self) -> None:
        """Points, legend and view for the session's data; hidden unless it is a function to fit."""
        data = self.session.dataset
        shown = bool(getattr(data, "is_regression", False))
        self.setVisible(shown)
        self._timer.stop()
        if not shown:
            self._train.clear()
            self._val.clear()
            for curve in (self._target, self._curve):
                self.plot.set_curve(curve, [], [])
            return
        t = theme.current()
        for item, X, Y, filled in ((self._train, data.X_train, data.Y_train, True),
                                   (self._val, data.X_val, data.Y_val, False)):
            if len(X) > self.MAX_POINTS:  # an even subsample keeps big sets responsive
                pick = np.linspace(0, len(X) - 1, self.MAX_POINTS).astype(int)
                X, Y = X[pick], Y[pick]
            if filled:
                item.setData(X[:, 0], Y[:, 0], brush=pg.mkBrush(themed(TRAIN_COLOUR)),
                             pen=pg.mkPen(t.background, width=0.5))
            else:
                inside = QColor(t.background)
                item.setData(X[:, 0], Y[:, 0], brush=pg.mkBrush(inside),
                             pen=pg.mkPen(themed(VALIDATION_COLOUR), width=1.3 * t.line_scale))
        ys = np.concatenate([data.Y_train[:, 0], data.Y_val[:, 0]])
        self._data_y = (float(ys.min()), float(ys.max()))
        self.plot.set_curve(self._target, *target_curve(data))
        self.set_legend([_swatch(FIT_COLOUR, "—", "a<sup>L</sup>(x)"), _swatch("#9aa4a9", "┄", "f(x)"),
                         _swatch(TRAIN_COLOUR, "●", "train"), _swatch(VALIDATION_COLOUR, "○", "validation")])
        self.title.setToolTip(
            "<p>The network's output a<sup>L</sup>(x) over the interval (feedforward only), against the data: "
            "filled points train, outlined validate; dashed, the function the points were drawn from before "
            "the noise. Training pulls the line through the points: the quadratic cost is ½ (a<sup>L</sup> − "
            "y)² per point.</p>")
        self._last = -1.0
        self.update_now()

    def restyle(self) -> None:
        """Again in the current theme (points, legend), keeping the curve."""
        self.setup()

    # ------------------------------------------------------------------ redraws
    def request(self) -> None:
        """Redraw soon: at once if the last redraw was ≥ 100 ms ago, else when that has passed."""
        if not getattr(self.session.dataset, "is_regression", False):
            return
        if not self.isVisible():
            self.dirty = True
            return
        self.redraw_when_due()

    def update_now(self) -> None:
        """a^L(x) over the interval from the core (``fit_curve``), and a view that holds the data and the curve."""
        net, data = self.session.net, self.session.dataset
        if not getattr(data, "is_regression", False) or net.sizes[0] != 1 or net.sizes[-1] != 1:
            return
        self.dirty = False
        self._last = time.perf_counter()
        x, a = fit_curve(net, data)
        self.plot.set_curve(self._curve, x, a)
        self._frame(a)

    def _frame(self, a: np.ndarray) -> None:
        """x over the drawn span; y over the data (10 % margin), widened to the curve up to 1.5 spans beyond."""
        lo, hi = self._data_y
        span = max(hi - lo, 1e-6)
        finite = a[np.isfinite(a)]
        c_lo, c_hi = (float(finite.min()), float(finite.max())) if finite.size else (lo, hi)
        y0 = max(min(lo, c_lo), lo - 1.5 * span) - 0.1 * span
        y1 = min(max(hi, c_hi), hi + 1.5 * span) + 0.1 * span
        x0, x1 = curve_span(self.session.dataset)
        self.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)

    def settle(self) -> None:
        """Draw now (before a screenshot)."""
        self._timer.stop()
        self.update_now()

    def _hover(self, scene_pos: QPointF) -> None:
        """Label the x under the mouse with a^L(x) and f(x) there."""
        plot = self.plot
        vb = plot.getViewBox()
        x, a = self.curve_data()
        if not len(x) or not vb.sceneBoundingRect().contains(scene_pos):
            plot.hide_hover()
            return
        p = vb.mapSceneToView(scene_pos)
        i = int(np.argmin(np.abs(x - p.x())))
        _, f = self._target.data()
        target = f" · f(x) {f[i]:.3f}" if i < len(f) else ""
        plot.show_label(f"x = {x[i]:.2f} · a^L(x) {a[i]:.3f}{target}", float(x[i]), float(a[i]))

    # ------------------------------------------------------------------ accessors
    def curve_data(self) -> tuple[np.ndarray, np.ndarray]:
        """(x, a^L(x)) as drawn (empty before any)."""
        return self._curve.data()

    def point_count(self) -> int:
        """Data points drawn, training and validation."""
        return len(self._train.data) + len(self._val.data)
