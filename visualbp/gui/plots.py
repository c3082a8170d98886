"""Live plots of a run: cost, accuracy, the error ‖δ^l‖ of every layer, and the decision boundary.

``PlotsPanel(session)`` listens to the session and draws what training produced:

1. **Cost** C per epoch on the training and validation data, and the per-minibatch
   cost (smoothed by an exponential moving average) as a faint line, all against
   epochs (a minibatch b of epoch e sits at x = e + (b + 1) / batches per epoch).
2. **Accuracy** per epoch, 0–100 %.
3. **Error per layer** ‖δ^l‖ = ‖∂C/∂b^l‖ (BP3) of each minibatch's mean gradient,
   l = 2..L, on a log scale by default: where a person sees the error vanish in
   the early layers (BP2 multiplies by σ'(z^l) ≤ 1/4 at every layer it goes back).
4. **Saturated fraction** per layer l = 2..L, 0–100 %: the share of (neuron, example)
   pairs of a fixed probe of training examples where σ'(z^l_j) is below 10 % of its
   largest value (``visualbp.core.diagnostics.layer_saturation``, feedforward only),
   measured a few times a second while training and at every epoch's end.
5. For 2-D data, the **decision boundary**: a^L_1 − a^L_0 over the input plane
   (feedforward only, via ``visualbp.core.probe``) behind the data points.

The panel never computes gradients; it reads BatchStats and EpochStats. Per-minibatch
history is kept in ``visualbp.gui.series.DownsamplingSeries``, a bounded store that halves its
resolution when full, so an hour-long run keeps a fixed amount of memory. The plots themselves are
built from ``visualbp.gui.plot_widgets``.
"""

from __future__ import annotations

import math
import time
from typing import Sequence

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QPointF, QRectF, Qt, QTimer
from PyQt6.QtGui import QColor
from PyQt6.QtWidgets import QCheckBox, QGridLayout, QWidget

from visualbp.core.diagnostics import DEFAULT_SATURATION
from visualbp.core.epoch_history import MAX_EPOCH_POINTS, thinned
from visualbp.core.probe import GridProbe
from visualbp.core.steps import BatchStats, EpochStats
from visualbp.gui import theme
from visualbp.gui.plot_widgets import (LAYER_COLOURS, REFERENCE_COLOURS, TRAIN_COLOUR, VALIDATION_COLOUR, _Card, _Curve,
                                       _Plot, _background_rgb, _pen, _swatch, class_colours, diverging_rgb)
from visualbp.gui.diagnostic_marks import saturation_bounded
from visualbp.gui.series import DownsamplingSeries, ema
from visualbp.gui.sliced_jobs import SlicedJobs
from visualbp.gui.view_limits import boundary_resolution


def _layer_look(i: int) -> tuple[str, Qt.PenStyle]:
    """Colour and line style of layer l = i + 2's curves (‖δ^l‖, saturated fraction): past the palette, dashed."""
    style = Qt.PenStyle.SolidLine if i < len(LAYER_COLOURS) else Qt.PenStyle.DashLine
    return LAYER_COLOURS[i % len(LAYER_COLOURS)], style


# ---------------------------------------------------------------------------- the panel


class PlotsPanel(QWidget):
    """Cost, accuracy, ‖δ^l‖ per layer and (for 2-D data) the decision boundary, drawn live."""

    CAPACITY = 4000  # per-minibatch points kept per series before halving
    BOUNDARY_INTERVAL_MS = 100  # the boundary redraws at most ~10 times a second
    CURVES_INTERVAL_MS = 50  # per-minibatch curves redraw at most ~20 times a second
    BOUNDARY_RESOLUTION = 96
    MAX_POINTS = 2500  # data points drawn per split on the boundary plot
    SATURATION_INTERVAL_MS = 300  # the saturated fraction is measured at most ~3 times a second of wall time
    SATURATION_MARKERS = 60  # up to this many measurements each gets a dot
    EPOCH_MARKERS = 60  # up to this many epochs each gets a dot (pyqtgraph's scatter leaks on every paint)
    PROBE_ROWS = 200  # training examples it is measured on (the saturation breakpoint's probe when it has one)

    def __init__(self, session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setAutoFillBackground(True)
        self._style_background()

        self._epochs: dict[int, EpochStats] = {}
        self._batch_cost = DownsamplingSeries(self.CAPACITY, 1)
        self._cost_ema: np.ndarray | None = None
        self._deltas = DownsamplingSeries(self.CAPACITY, 1)
        self._delta_ema: np.ndarray | None = None
        self._references: list[tuple[str, str, list[_Curve]]] = []
        self._columns = 0
        self._saturation = DownsamplingSeries(self.CAPACITY, 1)
        self._saturation_last = -1.0
        self._saturation_cost_ms = 0.0
        self._saturation_threshold = DEFAULT_SATURATION

        # 1. cost
        self.cost_plot = _Plot("epoch", "cost C")
        marker = dict(symbol="o", symbolSize=5, symbolPen=None)
        dense = dict(autoDownsample=True, downsampleMethod="peak", clipToView=True, skipFiniteCheck=True)
        # dense curves are drawn 1 px wide: wider strokes cost 3–5× as much to paint, on every delivery
        self._mb_cost = self.cost_plot.add_curve("minibatch cost (EMA)", _pen(TRAIN_COLOUR, 1, alpha=90), **dense)
        self._train_cost = self.cost_plot.add_curve("train cost", _pen(TRAIN_COLOUR, 1.8),
                                                    symbolBrush=TRAIN_COLOUR, **marker)
        self._val_cost = self.cost_plot.add_curve("validation cost", _pen(VALIDATION_COLOUR, 1.8),
                                                  symbolBrush=VALIDATION_COLOUR, **marker)

        # 2. accuracy
        self.accuracy_plot = _Plot("epoch", "accuracy %")
        self.accuracy_plot.value_format = "{:.1f}"
        self._train_acc = self.accuracy_plot.add_curve("train accuracy", _pen(TRAIN_COLOUR, 1.8), unit=" %",
                                                       symbolBrush=TRAIN_COLOUR, **marker)
        self._val_acc = self.accuracy_plot.add_curve("validation accuracy", _pen(VALIDATION_COLOUR, 1.8), unit=" %",
                                                     symbolBrush=VALIDATION_COLOUR, **marker)
        self.accuracy_plot.setYRange(-7, 107, padding=0)  # room for the 0 and 100 labels
        self.accuracy_plot.getPlotItem().enableAutoRange(axis="y", enable=False)
        self.accuracy_plot.getPlotItem().setLimits(yMin=-10, yMax=110)
        self.accuracy_plot.setMinimumHeight(95)

        # 3. ‖δ^l‖ per layer
        self.delta_plot = _Plot("epoch", "‖δ<sup>l</sup>‖")
        self.delta_plot.value_format = "{:.3g}"
        self._delta_curves: list[_Curve] = []
        self.log_box = QCheckBox("log scale")
        self.log_box.setToolTip("‖δ^l‖ on a logarithmic axis: shows how the error shrinks layer by layer (BP2)")
        self.log_box.setChecked(True)
        self.log_box.toggled.connect(self.set_log_scale)
        self.delta_plot.set_log_y(True)

        # 4. saturated fraction per layer
        self.saturation_plot = _Plot("epoch", "saturated %")
        self.saturation_plot.value_format = "{:.1f}"
        self._saturation_curves: list[_Curve] = []
        self.saturation_plot.setYRange(-7, 107, padding=0)
        self.saturation_plot.getPlotItem().enableAutoRange(axis="y", enable=False)
        self.saturation_plot.getPlotItem().setLimits(yMin=-10, yMax=110)
        self.saturation_plot.setMinimumHeight(95)

        # 5. decision boundary
        self.boundary_plot = _Plot("x<sub>1</sub>", "x<sub>2</sub>")
        self.boundary_plot.keep_axis_labels = True
        self.boundary_plot.getPlotItem().showGrid(x=False, y=False)
        self.boundary_plot.setAspectLocked(True)
        self._image = pg.ImageItem(axisOrder="row-major")
        self._image.setZValue(-10)
        self.boundary_plot.getPlotItem().addItem(self._image, ignoreBounds=True)
        self._train_points = pg.ScatterPlotItem(size=7, symbol="o")
        self._val_points = pg.ScatterPlotItem(size=7, symbol="o")
        self.boundary_plot.addItem(self._train_points)
        self.boundary_plot.addItem(self._val_points)
        self.boundary_plot.custom_hover = self._boundary_hover
        self.boundary_plot.getViewBox().sigRangeChanged.connect(self._view_moved)
        self._boundary_values: np.ndarray | None = None
        self._boundary_rgb: np.ndarray | None = None
        self._boundary_limits: tuple[tuple[float, float], tuple[float, float]] = ((-1, 1), (-1, 1))
        self._drawn_limits = self._boundary_limits
        self._boundary_dirty = False
        self._boundary_last = -1.0
        self._batches_dirty = False
        self._batches_last = -1.0
        self._batch_timer = QTimer(self)
        self._batch_timer.setSingleShot(True)
        self._batch_timer.timeout.connect(self._redraw_batches)
        self._boundary_timer = QTimer(self)
        self._boundary_timer.setSingleShot(True)
        self._boundary_timer.timeout.connect(self._update_boundary)
        self._jobs = SlicedJobs(self)  # a big network's decision boundary, between repaints
        self._saturation_timer = QTimer(self)
        self._saturation_timer.setSingleShot(True)
        self._saturation_timer.timeout.connect(self._measure_saturation_now)

        self.accuracy_plot.setXLink(self.cost_plot)  # same width in every layout: epochs line up

        self.cost_card = _Card("Cost C", self.cost_plot)
        self.cost_card.set_legend([_swatch(TRAIN_COLOUR, "●", "train"), _swatch(VALIDATION_COLOUR, "●", "validation"),
                                   _swatch("#9aa4a9", "—", "minibatch")])
        self.cost_card.legend.setToolTip("Per epoch on all training / validation data; the faint line is each "
                                         "minibatch's cost, smoothed by an exponential moving average")
        self.accuracy_card = _Card("Accuracy", self.accuracy_plot)
        self.accuracy_card.set_legend([_swatch(TRAIN_COLOUR, "●", "train"),
                                       _swatch(VALIDATION_COLOUR, "●", "validation")])
        self.delta_card = _Card("Error ‖δ<sup>l</sup>‖", self.delta_plot, self.log_box)
        self.delta_card.title.setToolTip("‖δ^l‖ = ‖∂C/∂b^l‖ (BP3) of each minibatch's mean error, one curve per "
                                         "layer l, smoothed. Small values in early layers: their error vanished "
                                         "on the way back (BP2 multiplies by σ'(z^l)).")
        self.saturation_card = _Card("Saturated fraction", self.saturation_plot)
        self.saturation_card.title.setToolTip(
            "Per layer l, the share of neurons × examples (a fixed probe of training examples) where σ'(z^l_j) "
            "is below 10% of its largest value. BP1 and BP2 multiply the error by σ'(z), so a saturated "
            "neuron passes almost no error back and learns slowly.")
        self.boundary_card = _Card("Decision boundary", self.boundary_plot)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(4, 4, 4, 4)
        self._grid.setHorizontalSpacing(10)
        self._grid.setVerticalSpacing(6)
        self._reflow(force=True)  # parent the cards before anything shows or hides them

        session.batchesDone.connect(self._on_batches)
        session.epochsDone.connect(self._on_epochs)
        session.networkChanged.connect(self._on_network_changed)
        session.weightsChanged.connect(self.request_boundary)
        theme.notifier().changed.connect(self.apply_theme)
        self._on_network_changed()
        for stats in session.epoch_history:
            self._epochs[stats.epoch] = stats
        self._redraw_epochs()

    # ------------------------------------------------------------------ the look
    def _style_background(self) -> None:
        pal = self.palette()
        pal.setColor(self.backgroundRole(), QColor(theme.current().background))
        self.setPalette(pal)

    def apply_theme(self, _theme: object = None) -> None:
        """Redraw in ``theme.current()``: background, axes and their type, curve widths (× line_scale),
        legends, and the decision boundary's colours. The curves keep their data."""
        self._style_background()
        for plot in self.plots():
            plot.apply_theme()
        for card in (self.cost_card, self.accuracy_card, self.delta_card, self.saturation_card, self.boundary_card):
            card.apply_theme()
        self._cost_legend()
        self.delta_card.set_legend([_swatch(_layer_look(i)[0], "—", f"‖δ<sup>{i + 2}</sup>‖")
                                    for i in range(len(self._delta_curves))])
        self.saturation_card.set_legend([_swatch(_layer_look(i)[0], "—", f"l={i + 2}")
                                         for i in range(len(self._saturation_curves))])
        # where the user left the plane: the target range, from which the aspect-locked view follows the
        # plot's size (the view itself, set back in a plot of another shape, would widen at every switch)
        view = self.boundary_plot.getViewBox().targetRange()
        self._setup_boundary()  # the points and the plane in the theme's colours
        if self.session.dataset.is_2d:
            self.boundary_plot.setRange(xRange=view[0], yRange=view[1], padding=0)
            (x0, x1), (y0, y1) = self.boundary_plot.getViewBox().viewRange()
            self._boundary_limits = ((float(x0), float(x1)), (float(y0), float(y1)))
            self._boundary_timer.stop()
            self._update_boundary()
            self._boundary_last = -1.0  # the window may change shape next (full screen): redraw then at once

    def plots(self) -> list:
        """The five plot widgets: cost, accuracy, ‖δ^l‖, saturated fraction, decision boundary."""
        return [self.cost_plot, self.accuracy_plot, self.delta_plot, self.saturation_plot, self.boundary_plot]

    # ------------------------------------------------------------------ layout
    def _reflow(self, force: bool = False) -> None:
        """One column in a narrow dock; two when wide (cost | accuracy, ‖δ^l‖ | saturated, then the boundary)."""
        columns = 2 if self.width() >= 820 and self.width() >= 1.1 * self.height() else 1
        if columns == self._columns and not force:
            return
        self._columns = columns
        cards = [self.cost_card, self.accuracy_card, self.delta_card, self.saturation_card, self.boundary_card]
        for card in cards:
            self._grid.removeWidget(card)
        for r in range(len(cards)):
            self._grid.setRowStretch(r, 0)
        for c in range(2):
            self._grid.setColumnStretch(c, 0)
        boundary = self.session.dataset.is_2d
        self.delta_plot.setXLink(self.cost_plot)
        self.saturation_plot.setXLink(self.cost_plot)
        if columns == 1:
            for r, (card, stretch) in enumerate(zip(cards, (4, 3, 4, 3, 8))):
                self._grid.addWidget(card, r, 0)
                self._grid.setRowStretch(r, stretch if (card is not self.boundary_card or boundary) else 0)
            self._grid.setColumnStretch(0, 1)
        else:
            self._grid.addWidget(self.cost_card, 0, 0)
            self._grid.addWidget(self.accuracy_card, 0, 1)
            if boundary:  # the boundary beside the two plots of the layers, about square
                self._grid.addWidget(self.delta_card, 1, 0)
                self._grid.addWidget(self.saturation_card, 2, 0)
                self._grid.addWidget(self.boundary_card, 1, 1, 2, 1)
                self._grid.setRowStretch(2, 1)
            else:
                self._grid.addWidget(self.delta_card, 1, 0)
                self._grid.addWidget(self.saturation_card, 1, 1)
                self._grid.addWidget(self.boundary_card, 2, 0)
            self._grid.setRowStretch(0, 1)
            self._grid.setRowStretch(1, 1)
            self._grid.setColumnStretch(0, 1)
            self._grid.setColumnStretch(1, 1)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._reflow()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        if self._boundary_dirty:
            self.request_boundary()

    # ------------------------------------------------------------------ session events
    def _on_network_changed(self) -> None:
        self.clear()
        self._setup_boundary()
        self._reflow(force=True)

    def clear(self) -> None:
        """Forget the current run's curves (reference runs stay); one ‖δ^l‖ curve per layer l = 2..L."""
        self._epochs.clear()
        self._batch_cost.clear()
        self._cost_ema = None
        layers = len(self.session.net.sizes) - 1
        self._deltas = DownsamplingSeries(self.CAPACITY, layers)
        self._delta_ema = None
        self._batch_timer.stop()
        self._batches_dirty = False
        for curve in self._delta_curves:
            self.delta_plot.remove_curve(curve)
        self._delta_curves = []
        entries = []
        for i in range(layers):
            l = i + 2
            colour, style = _layer_look(i)
            self._delta_curves.append(self.delta_plot.add_curve(
                f"‖δ^{l}‖", _pen(colour, 1, style), autoDownsample=True, downsampleMethod="peak", clipToView=True,
                skipFiniteCheck=True))
            entries.append(_swatch(colour, "—", f"‖δ<sup>{l}</sup>‖"))
        self.delta_card.set_legend(entries)
        self._rebuild_saturation(layers)
        for curve in (self._mb_cost, self._train_cost, self._val_cost, self._train_acc, self._val_acc):
            self.cost_plot.set_curve(curve, [], [])  # set_curve only touches the curve itself
        for plot in (self.cost_plot, self.accuracy_plot, self.delta_plot, self.saturation_plot):
            plot.hide_hover()
        self.cost_plot.enableAutoRange()
        self.delta_plot.enableAutoRange()

    def _rebuild_saturation(self, layers: int) -> None:
        """A fresh store and one saturated-fraction curve per layer l = 2..L, then the first point."""
        self._saturation = DownsamplingSeries(self.CAPACITY, layers)
        self._saturation_last = -1.0
        self._saturation_timer.stop()
        for curve in self._saturation_curves:
            self.saturation_plot.remove_curve(curve)
        self._saturation_curves = []
        entries = []
        for i in range(layers):
            l = i + 2
            colour, style = _layer_look(i)
            self._saturation_curves.append(self.saturation_plot.add_curve(
                f"layer {l} saturated", _pen(colour, 1.5, style), unit=" %", clipToView=True, skipFiniteCheck=True,
                symbol="o", symbolSize=4, symbolPen=None, symbolBrush=colour))
            entries.append(_swatch(colour, "—", f"l={l}"))
        self.saturation_card.set_legend(entries)
        self.measure_saturation(self._engine_x())

    def _measure_saturation_now(self) -> None:
        self.measure_saturation(self._engine_x())

    def _engine_x(self) -> float:
        """Where the engine's weights are, in epochs: epoch + finished minibatches / minibatches per epoch."""
        engine = self.session.engine
        epoch, batch = engine.position[:2]
        return epoch + batch / max(1, engine.batches_per_epoch)

    def _x_of(self, stats: Sequence[BatchStats]) -> np.ndarray:
        """x = epoch + (minibatch + 1) / minibatches per epoch: the end of that minibatch, in epochs."""
        per_epoch = max(1, self.session.engine.batches_per_epoch)
        epoch = np.fromiter((s.epoch for s in stats), float, len(stats))
        batch = np.fromiter((s.batch for s in stats), float, len(stats))
        return epoch + (batch + 1.0) / per_epoch

    def _smoothing(self) -> float:
        """EMA weight α for per-minibatch series: a window of about half an epoch (8..200 minibatches)."""
        span = min(200.0, max(8.0, self.session.engine.batches_per_epoch / 2.0))
        return 2.0 / (span + 1.0)

    def _on_batches(self, stats: list[BatchStats]) -> None:
        """Append a delivery of minibatch stats in bulk: one setData per curve."""
        if not stats:
            return
        x = self._x_of(stats)
        order = np.argsort(x, kind="stable")
        x = x[order]
        stats = [stats[i] for i in order]
        if self._batch_cost.last_x is not None and x[0] <= self._batch_cost.last_x:
            self._forget_from(float(x[0]))  # stepped back and redone: these replace what was undone
        alpha = self._smoothing()
        cost = np.fromiter((s.cost for s in stats), float, len(stats))
        smoothed, self._cost_ema = ema(cost, alpha, self._cost_ema)
        self._batch_cost.append(x, smoothed)
        width = self._deltas.width
        deltas = np.array([s.delta_norms for s in stats], dtype=float).reshape(len(stats), -1)
        if deltas.shape[1] == width:
            smoothed, self._delta_ema = ema(deltas, alpha, self._delta_ema)
            self._deltas.append(x, smoothed)
        self._batches_dirty = True
        interval = max(self.SATURATION_INTERVAL_MS, 10.0 * self._saturation_cost_ms)  # ≤ ~10% of the GUI thread
        wait = interval - (time.perf_counter() - self._saturation_last) * 1000.0
        if wait <= 0:
            self.measure_saturation(self._engine_x())
        elif not self._saturation_timer.isActive():  # the trailing edge: the weights a run stops at are measured
            self._saturation_timer.start(int(math.ceil(wait)))
        if self._batch_timer.isActive():
            return
        wait = self.CURVES_INTERVAL_MS - (time.perf_counter() - self._batches_last) * 1000.0
        if self._batches_last < 0 or wait <= 0:
            self._redraw_batches()
        else:  # coalesce: the stores already hold everything, one setData per curve when the timer fires
            self._batch_timer.start(int(math.ceil(wait)))

    def _forget_from(self, x0: float) -> None:
        for series in (self._batch_cost, self._deltas, self._saturation):
            series.drop_from(x0)
        self._redraw_saturation()
        self._cost_ema = self._batch_cost.data()[1][-1] if len(self._batch_cost) else None
        self._delta_ema = self._deltas.data()[1][-1] if len(self._deltas) else None
        for e in [e for e in self._epochs if e + 1 >= x0]:
            del self._epochs[e]
        self._redraw_epochs()

    def _on_epochs(self, epochs: list[EpochStats]) -> None:
        for stats in epochs:
            self._epochs[stats.epoch] = stats
        if len(self._epochs) > MAX_EPOCH_POINTS:  # bounded like the session's history
            self._epochs = {e: self._epochs[e] for e in thinned(sorted(self._epochs))}
        self._redraw_epochs()
        if epochs:  # at the epoch's end, or (training on) where the weights are now
            self.measure_saturation(self._engine_x())

    # ------------------------------------------------------------------ saturated fraction
    def measure_saturation(self, x: float) -> bool:
        """Measure layer_saturation on the probe with the current weights and add it at ``x`` (in epochs);
        False when nothing was added (x not after the last point, or no probe)."""
        self._saturation_timer.stop()
        self._saturation_last = time.perf_counter()
        series = self._saturation
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
        fractions = [float(f.mean()) for f in saturation_bounded(net, X, self._saturation_threshold)]
        series.append([x], [[100.0 * f for f in fractions]])
        self._saturation_last = time.perf_counter()
        self._saturation_cost_ms = (self._saturation_last - t0) * 1000.0
        self._redraw_saturation()
        return True

    def _redraw_saturation(self) -> None:
        x, y = self._saturation.data()
        few = len(x) <= self.SATURATION_MARKERS
        for i, curve in enumerate(self._saturation_curves):
            if (curve.item.opts["symbol"] is not None) != few:  # a dot per measurement while there are few
                curve.item.setSymbol("o" if few else None)
            self.saturation_plot.set_curve(curve, x, y[:, i] if len(y) else y)

    # ------------------------------------------------------------------ drawing
    def _redraw_batches(self) -> None:
        self._batch_timer.stop()
        self._batches_dirty = False
        self._batches_last = time.perf_counter()
        x, y = self._batch_cost.data()
        self.cost_plot.set_curve(self._mb_cost, x, y[:, 0])
        self._redraw_deltas()

    def _redraw_deltas(self) -> None:
        x, y = self._deltas.data()
        log = self.log_box.isChecked()
        for i, curve in enumerate(self._delta_curves):
            self.delta_plot.set_curve(curve, x, y[:, i], positive=log)

    def _redraw_epochs(self) -> None:
        rows = [self._epochs[e] for e in sorted(self._epochs)]
        x = np.array([s.epoch + 1.0 for s in rows])

        def get(name: str) -> np.ndarray:
            return np.array([getattr(s, name) for s in rows], dtype=float)

        few = len(x) <= self.EPOCH_MARKERS
        for curve in (self._train_cost, self._val_cost, self._train_acc, self._val_acc):
            if (curve.item.opts["symbol"] is not None) != few:  # a dot per epoch while there are few
                curve.item.setSymbol("o" if few else None)
        self.cost_plot.set_curve(self._train_cost, x, get("train_cost"))
        self.cost_plot.set_curve(self._val_cost, x, get("val_cost"))
        self.accuracy_plot.set_curve(self._train_acc, x, 100.0 * get("train_accuracy"))
        self.accuracy_plot.set_curve(self._val_acc, x, 100.0 * get("val_accuracy"))

    def set_log_scale(self, on: bool) -> None:
        """‖δ^l‖ on a log axis (values ≤ 0 are left out there, never plotted as −∞)."""
        if self.log_box.isChecked() != on:
            self.log_box.setChecked(on)  # comes back here through toggled
            return
        self._redraw_deltas()
        self.delta_plot.set_log_y(on)
        self.delta_plot.hide_hover()
        self.delta_plot.enableAutoRange()

    # ------------------------------------------------------------------ reference runs
    def add_reference_run(self, label: str, epochs: Sequence[EpochStats]) -> None:
        """Overlay another run's training (dashed) and validation (dotted) cost and accuracy per epoch."""
        colour = REFERENCE_COLOURS[len(self._references) % len(REFERENCE_COLOURS)]
        rows = sorted(epochs, key=lambda s: s.epoch)
        x = np.array([s.epoch + 1.0 for s in rows])
        curves = []
        for plot, what, scale, unit in ((self.cost_plot, "cost", 1.0, ""), (self.accuracy_plot, "accuracy", 100.0, " %")):
            train = plot.add_curve(f"{label}: train {what}", _pen(colour, 1.5, Qt.PenStyle.DashLine), unit=unit)
            val = plot.add_curve(f"{label}: validation {what}", _pen(colour, 1.3, Qt.PenStyle.DotLine), unit=unit)
            field = "cost" if what == "cost" else "accuracy"
            plot.set_curve(train, x, scale * np.array([getattr(s, f"train_{field}") for s in rows], dtype=float))
            plot.set_curve(val, x, scale * np.array([getattr(s, f"val_{field}") for s in rows], dtype=float))
            curves += [(plot, train), (plot, val)]
        self._references.append((label, colour, curves))
        self._cost_legend()

    def clear_reference_runs(self) -> None:
        for _, _, curves in self._references:
            for plot, curve in curves:
                plot.remove_curve(curve)
        self._references.clear()
        self._cost_legend()

    def reference_labels(self) -> list[str]:
        return [label for label, _, _ in self._references]

    def _cost_legend(self) -> None:
        refs = [_swatch(colour, "- -", label) for label, colour, _ in self._references]
        self.cost_card.set_legend([_swatch(TRAIN_COLOUR, "●", "train"), _swatch(VALIDATION_COLOUR, "●", "validation"),
                                   _swatch("#9aa4a9", "—", "minibatch")] + refs)
        self.accuracy_card.set_legend([_swatch(TRAIN_COLOUR, "●", "train"),
                                       _swatch(VALIDATION_COLOUR, "●", "validation")] + refs)

    # ------------------------------------------------------------------ decision boundary
    def _setup_boundary(self) -> None:
        data = self.session.dataset
        self.boundary_card.setVisible(data.is_2d)
        self._boundary_values = self._boundary_rgb = None
        self._image.clear()
        self._boundary_timer.stop()
        self._jobs.cancel()
        if not data.is_2d:
            self._train_points.clear()
            self._val_points.clear()
            return
        t = theme.current()
        both = np.vstack([data.X_train, data.X_val]) if data.n_val else data.X_train
        lo, hi = both.min(axis=0), both.max(axis=0)
        pad = 0.08 * float(max(hi - lo)) + 1e-9
        xlim = (float(lo[0] - pad), float(hi[0] + pad))
        ylim = (float(lo[1] - pad), float(hi[1] + pad))
        colours = class_colours(data.n_classes)
        for item, X, y, filled in ((self._train_points, data.X_train, data.y_train, True),
                                   (self._val_points, data.X_val, data.y_val, False)):
            if len(X) > self.MAX_POINTS:  # an even subsample keeps big files responsive
                pick = np.linspace(0, len(X) - 1, self.MAX_POINTS).astype(int)
                X, y = X[pick], y[pick]
            size = 7 * (1 + t.line_scale) / 2  # larger in presentation mode
            if filled:  # training points: filled by label, rimmed in the background colour
                brushes = [pg.mkBrush(*colours[c]) for c in y]
                item.setData(X[:, 0], X[:, 1], brush=brushes, pen=pg.mkPen(t.background, width=1), size=size)
            else:  # validation points: background inside, outlined by label
                pens = [pg.mkPen(colours[c], width=2) for c in y]
                inside = QColor(t.background)
                inside.setAlpha(235)
                item.setData(X[:, 0], X[:, 1], pen=pens, brush=pg.mkBrush(inside), size=size)
        names = data.class_names or tuple(f"class {c}" for c in range(data.n_classes))
        if data.n_classes == 2:
            meaning = ("a<sup>L</sup><sub>2</sub> − a<sup>L</sup><sub>1</sub>: orange where the network says "
                       "class 0, blue where it says class 1, grey on the boundary")
        else:
            meaning = ("the colour of the class j with the largest a<sup>L</sup><sub>j</sub>, paler where the "
                       "runner-up is close")
        self.boundary_card.title.setToolTip(
            f"<p>The network's output over the input plane (feedforward only): {meaning}. "
            "Filled points: training data; outlined: validation data. "
            "Drag or scroll to explore the plane.</p>")
        self.boundary_card.set_legend(
            [_swatch(c, "■", name) for c, name in zip(colours, names)]
            + [_swatch(t.node_outline, "●", "train"), _swatch(t.node_outline, "○", "validation")])
        self.boundary_plot.setRange(xRange=xlim, yRange=ylim, padding=0)
        (x0, x1), (y0, y1) = self.boundary_plot.getViewBox().viewRange()  # wider than the data: aspect locked
        self._boundary_limits = ((float(x0), float(x1)), (float(y0), float(y1)))
        self._boundary_last = -1.0
        self._update_boundary()

    def _view_moved(self, *args) -> None:
        """The heatmap covers exactly what the view shows (so zooming and panning explore the plane)."""
        (x0, x1), (y0, y1) = self.boundary_plot.getViewBox().viewRange()
        self._boundary_limits = ((float(x0), float(x1)), (float(y0), float(y1)))
        if self._boundary_limits != self._drawn_limits:
            self.request_boundary()

    def request_boundary(self) -> None:
        """Redraw the boundary soon: at once if the last redraw was ≥ 100 ms ago, else when that has passed."""
        if not self.session.dataset.is_2d:
            return
        if not self.isVisible():
            self._boundary_dirty = True
            return
        if "boundary" in self._jobs:  # again when the one under way is done
            self._boundary_dirty = True
            return
        if self._boundary_timer.isActive():
            return
        wait = self.BOUNDARY_INTERVAL_MS - (time.perf_counter() - self._boundary_last) * 1000.0
        if self._boundary_last < 0 or wait <= 0:
            self._update_boundary()
        else:
            self._boundary_timer.start(int(math.ceil(wait)))

    def _update_boundary(self) -> None:
        """Feedforward over the plane (no gradients) and colour it: orange for class 0, blue for class 1.
        The grid goes through the network a block of points at a time keeping only a^L (``GridProbe``): a small
        network's at once, a big one's over slices of ``JOB_SLICE`` seconds between repaints."""
        net, data = self.session.net, self.session.dataset
        if not data.is_2d or net.sizes[0] != 2:
            return
        self._boundary_dirty = False
        self._boundary_last = time.perf_counter()
        xlim, ylim = self._boundary_limits
        rows = [0] * (len(net.sizes) - 1) + [net.sizes[-1]]
        probe = GridProbe(net, xlim, ylim, self.boundary_resolution(), rows)
        self._jobs.start("boundary", probe.blocks(), lambda a, spent: self._boundary_done(a[-1], xlim, ylim, spent))

    def _boundary_done(self, a_L: np.ndarray, xlim: tuple[float, float], ylim: tuple[float, float],
                       spent: float) -> None:
        self._draw_boundary(a_L, xlim, ylim)
        # a slow grid (a huge network) pauses as long as it took before the next: at most half the GUI thread
        self._boundary_last = time.perf_counter() + max(0.0, spent - self.BOUNDARY_INTERVAL_MS / 1000.0)
        if self._boundary_dirty:
            self.request_boundary()

    def _draw_boundary(self, a_L: np.ndarray, xlim: tuple[float, float], ylim: tuple[float, float]) -> None:
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
        self._boundary_values = values
        self._boundary_rgb = rgb
        self._drawn_limits = (xlim, ylim)
        self._image.setImage(rgb, autoLevels=False, levels=(0, 255))
        self._image.setRect(QRectF(xlim[0], ylim[0], xlim[1] - xlim[0], ylim[1] - ylim[0]))

    def boundary_resolution(self) -> int:
        """Grid points per side of the boundary: BOUNDARY_RESOLUTION, coarser for a huge network."""
        return boundary_resolution(self.session.net.sizes, finest=self.BOUNDARY_RESOLUTION)

    def _boundary_hover(self, scene_pos: QPointF) -> None:
        """Label the point under the mouse with its x and the output there."""
        plot = self.boundary_plot
        vb = plot.getViewBox()
        if self._boundary_values is None or not vb.sceneBoundingRect().contains(scene_pos):
            plot.hide_hover()
            return
        p = vb.mapSceneToView(scene_pos)
        (x0, x1), (y0, y1) = self._drawn_limits
        res = len(self._boundary_values)
        col = int(round((p.x() - x0) / (x1 - x0) * (res - 1)))
        row = int(round((p.y() - y0) / (y1 - y0) * (res - 1)))
        if not (0 <= col < res and 0 <= row < res):
            plot.hide_hover()
            return
        v = float(self._boundary_values[row, col])
        what = "a^L_1 − a^L_0" if self.session.dataset.n_classes == 2 else "margin"
        plot.show_label(f"x = ({p.x():.2f}, {p.y():.2f}) · {what} {v:+.3f}", p.x(), p.y(), dot=False)

    # ------------------------------------------------------------------ accessors (tests, other views)
    def flush(self) -> None:
        """Draw any per-minibatch points still waiting for the redraw timer."""
        if self._batches_dirty:
            self._redraw_batches()

    def settle(self) -> None:
        """Draw everything a throttle is holding back, the decision boundary too (before a screenshot)."""
        self.flush()
        if self.boundary_visible():
            self._update_boundary()
            self._jobs.settle()  # a big network's grid, all of it now

    def cost_curve_data(self, which: str = "train") -> tuple[np.ndarray, np.ndarray]:
        """(x in epochs, cost C) of 'train', 'validation' or 'minibatch' (EMA-smoothed), as drawn."""
        curve = {"train": self._train_cost, "validation": self._val_cost, "minibatch": self._mb_cost}[which]
        self.flush()
        return _copy(curve)

    def accuracy_curve_data(self, which: str = "train") -> tuple[np.ndarray, np.ndarray]:
        """(x in epochs, accuracy in %) of 'train' or 'validation'."""
        return _copy({"train": self._train_acc, "validation": self._val_acc}[which])

    def delta_curve_count(self) -> int:
        """One ‖δ^l‖ curve per layer l = 2..L."""
        return len(self._delta_curves)

    def delta_curve_data(self, l: int) -> tuple[np.ndarray, np.ndarray]:
        """(x in epochs, smoothed ‖δ^l‖) for book layer l ≥ 2, as drawn (≤ 0 left out on a log axis)."""
        self.flush()
        return _copy(self._delta_curves[l - 2])

    def delta_curve_names(self) -> list[str]:
        return [c.name for c in self._delta_curves]

    def log_scale(self) -> bool:
        return self.log_box.isChecked()

    def saturation_curve_count(self) -> int:
        """One saturated-fraction curve per layer l = 2..L."""
        return len(self._saturation_curves)

    def saturation_curve_data(self, l: int) -> tuple[np.ndarray, np.ndarray]:
        """(x in epochs, % of layer l's (neuron, example) pairs saturated) for book layer l ≥ 2, as drawn."""
        return _copy(self._saturation_curves[l - 2])

    def reference_runs(self) -> list[tuple[str, str]]:
        """(label, colour) of every reference run on the cost plot, oldest first."""
        return [(label, colour) for label, colour, _ in self._references]

    def boundary_visible(self) -> bool:
        """Shown for 2-D data, hidden otherwise (independent of whether the panel itself is on screen)."""
        return not self.boundary_card.isHidden()

    def boundary_image(self) -> np.ndarray | None:
        """The boundary's RGB image (res, res, 3), row = x2, column = x1, or None."""
        return None if self._boundary_rgb is None else self._boundary_rgb.copy()

    def boundary_values(self) -> np.ndarray | None:
        """a^L_1 − a^L_0 over the grid (2 classes) or the winning margin (more classes)."""
        return None if self._boundary_values is None else self._boundary_values.copy()

    def batch_series_length(self) -> int:
        """Points kept for the per-minibatch cost (bounded by CAPACITY)."""
        return len(self._batch_cost)


def _copy(curve: _Curve) -> tuple[np.ndarray, np.ndarray]:
    if curve.x is None:
        return np.empty(0), np.empty(0)
    return curve.x.copy(), curve.y.copy()
