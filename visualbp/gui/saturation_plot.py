"""The saturated fraction per layer: how much of each layer has σ'(z) too small to pass the error back.

``SaturationCard(session)`` draws, per layer l = 2..L, the share of (neuron, example) pairs of a fixed probe of
training examples where σ'(z^l_j) is below 10 % of its largest value (``visualbp.core.diagnostics``, through
``visualbp.gui.diagnostic_marks.saturation_bounded``: feedforward only), 0–100 %. It is measured at the start,
at every epoch's end and, while training, a few times a second of wall time (at most ~10 % of the GUI thread).
"""

from __future__ import annotations

import math
import time

import numpy as np
from PyQt6.QtCore import Qt, QTimer, pyqtSignal

from visualbp.core.diagnostics import DEFAULT_SATURATION
from visualbp.gui.diagnostic_marks import saturation_bounded
from visualbp.gui.plot_widgets import LAYER_COLOURS, _Card, _Curve, _pen, _Plot, _swatch
from visualbp.gui.series import DownsamplingSeries


def layer_look(i: int) -> tuple[str, Qt.PenStyle]:
    """Colour and line style of layer l = i + 2's curves (‖δ^l‖, saturated fraction): past the palette, dashed."""
    style = Qt.PenStyle.SolidLine if i < len(LAYER_COLOURS) else Qt.PenStyle.DashLine
    return LAYER_COLOURS[i % len(LAYER_COLOURS)], style


class SaturationCard(_Card):
    """The saturated fraction of every layer l = 2..L against epochs."""

    CAPACITY = 4000  # measurements kept per layer before halving
    INTERVAL_MS = 300  # measured at most ~3 times a second of wall time
    MARKERS = 60  # up to this many measurements each gets a dot
    PROBE_ROWS = 200  # training examples it is measured on (the saturation breakpoint's probe when it has one)

    redrawn = pyqtSignal()  # after every redraw (the panel fits its x axes)

    def __init__(self, session) -> None:
        plot = _Plot("epoch", "%")
        plot.value_format = "{:.1f}"
        plot.setYRange(-7, 107, padding=0)
        plot.getPlotItem().enableAutoRange(axis="y", enable=False)
        plot.getPlotItem().setLimits(yMin=-10, yMax=110)
        plot.setMinimumHeight(60)
        super().__init__("Saturated fraction", plot)
        self.session = session
        self.curves: list[_Curve] = []
        self.series = DownsamplingSeries(self.CAPACITY, 1)
        self._last = -1.0
        self._cost_ms = 0.0
        self._stale = False  # measured while hidden: the curves are drawn when the card shows
        self.threshold = DEFAULT_SATURATION
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.measure_now)
        self.title.setToolTip(
            "Per layer l, the share of neurons × examples (a fixed probe of training examples) where σ'(z^l_j) "
            "is below 10% of its largest value. BP1 and BP2 multiply the error by σ'(z), so a saturated "
            "neuron passes almost no error back and learns slowly.")

    def rebuild(self, layers: int) -> None:
        """A fresh store and one curve per layer l = 2..L, then the first point."""
        self.series = DownsamplingSeries(self.CAPACITY, layers)
        self._last = -1.0
        self._timer.stop()
        for curve in self.curves:
            self.plot.remove_curve(curve)
        self.curves = []
        for i in range(layers):
            colour, style = layer_look(i)
            self.curves.append(self.plot.add_curve(
                f"layer {i + 2} saturated", _pen(colour, 1.5, style), unit=" %", clipToView=True,
                skipFiniteCheck=True, symbol="o", symbolSize=4, symbolPen=None, symbolBrush=colour))
        self.restyle_legend()
        self.measure_now()

    def restyle_legend(self) -> None:
        self.set_legend([_swatch(layer_look(i)[0], "—", f"l={i + 2}") for i in range(len(self.curves))])

    def engine_x(self) -> float:
        """Where the engine's weights are, in epochs: epoch + examples done / n (the x of BatchStats.end)."""
        engine = self.session.engine
        epoch, _batch, offset = engine.position[:3]
        return epoch + offset / max(1, engine.n_train)

    def measure_now(self) -> None:
        self.measure(self.engine_x())

    def after_batches(self) -> None:
        """Minibatches were delivered: measure now if the interval has passed, else once it has (the trailing
        edge: the weights a run stops at are measured)."""
        interval = max(self.INTERVAL_MS, 10.0 * self._cost_ms)  # ≤ ~10% of the GUI thread
        wait = interval - (time.perf_counter() - self._last) * 1000.0
        if wait <= 0:
            self.measure_now()
        elif not self._timer.isActive():
            self._timer.start(int(math.ceil(wait)))

    def hold_off(self) -> None:
        """Count the interval from now (as if just measured)."""
        self._last = time.perf_counter()

    def measure(self, x: float) -> bool:
        """Measure the saturated fraction on the probe with the current weights and add it at ``x`` (in epochs);
        False when nothing was added (x not after the last point, or no probe)."""
        self._timer.stop()
        self._last = time.perf_counter()
        series = self.series
        if series.last_x is not None and x <= series.last_x:
            return False
        net = self.session.net
        if len(net.weights) != series.width:
            return False
        rows = int(getattr(self.session.breakpoints, "probe_rows", self.PROBE_ROWS) or self.PROBE_ROWS)
        X = np.asarray(self.session.engine.X[:rows], dtype=np.float64)
        if not len(X) or X.shape[1] != net.sizes[0]:
            return False
        t0 = time.perf_counter()
        fractions = [float(f.mean()) for f in saturation_bounded(net, X, self.threshold)]
        series.append([x], [[100.0 * f for f in fractions]])
        self._last = time.perf_counter()
        self._cost_ms = (self._last - t0) * 1000.0
        self.redraw()
        return True

    def forget_from(self, x0: float) -> None:
        self.series.drop_from(x0)
        self.redraw()

    def redraw(self) -> None:
        """The curves from the stored measurements; while the card is hidden (the plots behind another tab), when
        it shows: a hidden plot's setData and axes cost the live tick as much as a shown one's."""
        if not self.isVisible():
            self._stale = True
            return
        self._draw()

    def flush(self) -> None:
        """Draw what a hidden card holds back."""
        if self._stale:
            self._draw()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self.flush()

    def _draw(self) -> None:
        self._stale = False
        x, y = self.series.data()
        few = len(x) <= self.MARKERS
        for i, curve in enumerate(self.curves):
            if (curve.item.opts["symbol"] is not None) != few:  # a dot per measurement while there are few
                curve.item.setSymbol("o" if few else None)
            self.plot.set_curve(curve, x, y[:, i] if len(y) else np.empty(0))  # none (yet, or after ←)
        self.redrawn.emit()
