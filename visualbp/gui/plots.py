"""Live plots of a run: cost, accuracy, the error ‖δ^l‖ of every layer, and the decision boundary.

``PlotsPanel(session)`` listens to the session and draws what training produced:

1. **Cost** C per epoch on the training and validation data (from the untrained network at
   epoch 0 on), the per-minibatch cost (smoothed by an exponential moving average) as a faint
   line, and — stepping example by example — each example's cost C_x as a small dot, all against
   epochs (a minibatch b of epoch e sits at x = e + (b + 1) / batches per epoch). The y axis
   starts at 0, the x axis spans at least one minibatch: the first dots read from the first step.
2. **Accuracy** per epoch and the latest as a number (``visualbp.gui.accuracy_plot``).
3. **Error per layer** ‖δ^l‖ = ‖∂C/∂b^l‖ (BP3) of each minibatch's mean gradient,
   l = 2..L, on a log scale by default (ticks at whole decades, 10⁻³, 10⁻², …): where a person
   sees the error vanish in the early layers (BP2 multiplies by σ'(z^l) ≤ 1/4 at every layer it
   goes back). Stepping example by example, each example's ‖δ^(x,l)‖ (BP1, BP2) is a dot.
4. **Saturated fraction** per layer (``visualbp.gui.saturation_plot``).
5. For 2-D data, the **decision boundary** (``visualbp.gui.boundary``); for regression the **fit** a^L(x)
   (``visualbp.gui.fit_view``) in its place, and the accuracy card shows the RMS error.

The panel never computes gradients; it reads BatchStats, EpochStats and the per-example points of
``visualbp.core.example_log.ExampleLog``. A plot with nothing to show yet says "press → to start". Per-minibatch
history is kept in ``visualbp.gui.batch_history.BatchHistory`` (smoothed, bounded). The kept runs of
``session.debug_state`` are drawn over the cost and accuracy (``visualbp.gui.reference_runs``). The cards are
placed by ``visualbp.gui.plots_layout``; the plots are built from ``visualbp.gui.plot_widgets``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from PyQt6.QtCore import QTimer
from PyQt6.QtGui import QColor
from PyQt6.QtWidgets import QCheckBox, QGridLayout, QTabWidget, QWidget

from visualbp.core.epoch_history import MAX_EPOCH_POINTS, thinned
from visualbp.core.example_log import ExampleLog
from visualbp.core.kept_runs import KeptRun
from visualbp.core.steps import BatchStats, EpochStats
from visualbp.gui import theme
from visualbp.gui.accuracy_plot import AccuracyCard
from visualbp.gui.batch_history import BatchHistory
from visualbp.gui.boundary import BoundaryCard
from visualbp.gui.fit_view import FitCard
from visualbp.gui.plot_widgets import TRAIN_COLOUR, VALIDATION_COLOUR, _Card, _Curve, _pen, _Plot, _swatch
from visualbp.gui.plots_layout import arrange, boundary_stretch, columns_for, has_plane, plane_cards
from visualbp.gui.plots_readout import PlotsReadout
from visualbp.gui.reference_runs import ReferenceRuns
from visualbp.gui.saturation_plot import SaturationCard, layer_look

# ---------------------------------------------------------------------------- the panel


class PlotsPanel(PlotsReadout, QWidget):
    """Cost, accuracy, ‖δ^l‖ per layer and (for 2-D data) the decision boundary, drawn live."""

    CAPACITY = 4000  # per-minibatch points kept per series before halving
    CURVES_INTERVAL_MS = 50  # per-minibatch curves redraw at most ~20 times a second
    BOUNDARY_RESOLUTION = BoundaryCard.RESOLUTION
    EXAMPLE_POINTS = 2000  # per-example dots kept (stepping example by example)
    EPOCH_MARKERS = 60  # up to this many epochs each gets a dot (pyqtgraph's scatter leaks on every paint)

    def __init__(self, session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setAutoFillBackground(True)
        self._style_background()

        self._epochs: dict[int, EpochStats] = {}
        self._history = BatchHistory(self.CAPACITY, 1)
        self._kept_drawn: tuple[KeptRun, ...] = ()  # the kept runs drawn, oldest first
        self._columns = 0

        # 1. cost
        self.cost_plot = _Plot("epoch", "C")  # the card names the quantity: short titles leave room
        marker: dict[str, Any] = dict(symbol="o", symbolSize=5, symbolPen=None)
        dense: dict[str, Any] = dict(autoDownsample=True, downsampleMethod="peak", clipToView=True,
                                     skipFiniteCheck=True)
        # dense curves are drawn 1 px wide: wider strokes cost 3–5× as much to paint, on every delivery
        self._mb_cost = self.cost_plot.add_curve("minibatch cost (EMA)", _pen(TRAIN_COLOUR, 1, alpha=90), **dense)
        self._train_cost = self.cost_plot.add_curve("train cost", _pen(TRAIN_COLOUR, 1.8),
                                                    symbolBrush=TRAIN_COLOUR, **marker)
        self._val_cost = self.cost_plot.add_curve("validation cost", _pen(VALIDATION_COLOUR, 1.8),
                                                  symbolBrush=VALIDATION_COLOUR, **marker)
        dots: dict[str, Any] = dict(symbol="o", symbolSize=4, symbolPen=None)
        self._ex_cost = self.cost_plot.add_curve("example cost C_x", None, symbolBrush=(84, 110, 122, 150), **dots)
        self._log: ExampleLog | None = None
        self._drawn_examples = (0, -1)  # (points, newest record) of the example log as drawn

        # 2. accuracy
        self.accuracy_card = AccuracyCard()
        self.accuracy_plot = self.accuracy_card.plot

        # 3. ‖δ^l‖ per layer
        self.delta_plot = _Plot("epoch", "norm")  # a rotated ‖ renders as a grey bar
        self.delta_plot.value_format = "{:.3g}"
        self._delta_curves: list[_Curve] = []
        self._ex_deltas: list[_Curve] = []
        self.log_box = QCheckBox("log scale", checked=True, toggled=self.set_log_scale,
                                 toolTip="‖δ^l‖ on a log axis: how the error shrinks layer by layer (BP2)")
        self.delta_plot.set_log_y(True)

        # 4. saturated fraction per layer
        self.saturation_card = SaturationCard(session)
        self.saturation_plot = self.saturation_card.plot

        # 5. decision boundary
        self.boundary = self.boundary_card = BoundaryCard(session)
        self.boundary_plot = self.boundary.plot
        self.fit_card = FitCard(session)  # in the boundary's place for regression data
        self._batches_dirty, self._batches_last = False, -1.0
        self._epochs_dirty = False  # epochs delivered while the panel was hidden: drawn when it shows
        self._batch_timer = QTimer(self, singleShot=True, timeout=self._redraw_batches)
        self.accuracy_plot.setXLink(self.cost_plot)  # same width in every layout: epochs line up
        # x follows the run (the cost plot's auto-range, which the linked plots copy) until the user drags or
        # zooms one of them; a new run or the plot's "A" button follows again
        self._follow = True
        for plot in (self.cost_plot, self.accuracy_plot, self.delta_plot, self.saturation_plot):
            plot.getViewBox().sigRangeChangedManually.connect(self._stop_following)
            plot.getPlotItem().autoBtn.clicked.connect(self._start_following)

        self.cost_card = _Card("Cost C", self.cost_plot)
        self._references = ReferenceRuns(self.cost_plot, self.accuracy_plot)
        self._cost_legend()
        self.cost_card.legend.setToolTip("Per epoch on all training / validation data (epoch 0: before training); the "
                                         "faint line: each minibatch's cost, smoothed; a dot: one example's C_x")
        self.delta_card = _Card("Error ‖δ<sup>l</sup>‖", self.delta_plot, self.log_box)
        self.delta_card.title.setToolTip("‖δ^l‖ = ‖∂C/∂b^l‖ (BP3) of each minibatch's mean error, one curve per "
                                         "layer l, smoothed. Small values in early layers: their error vanished "
                                         "on the way back (BP2 multiplies by σ'(z^l)).")
        self._pair = QTabWidget(self, documentMode=True, visible=False)  # ‖δ^l‖ | saturated, in a short dock
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(4, 4, 4, 4)
        self._grid.setHorizontalSpacing(10)
        self._grid.setVerticalSpacing(6)
        self._reflow(force=True)  # parent the cards before anything shows or hides them

        session.batchesDone.connect(self._on_batches)
        session.epochsDone.connect(self._on_epochs)
        session.networkChanged.connect(self._on_network_changed)
        session.weightsChanged.connect(self.request_boundary)
        session.stepTaken.connect(self._on_step)
        session.debug_state.keptRunsChanged.connect(self._show_kept_runs)
        self.saturation_card.redrawn.connect(self._fit_axes)
        theme.notifier().changed.connect(self.apply_theme)
        self._on_network_changed()
        self._show_kept_runs(session.debug_state.kept_runs())
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
        try:
            self._restyle()
        except RuntimeError as exc:  # a closed window's panel, still reachable from the theme's signal: its
            if "has been deleted" not in str(exc):  # pyqtgraph items are gone, so it stops listening
                raise
            theme.notifier().changed.disconnect(self.apply_theme)

    def _restyle(self) -> None:
        self._style_background()
        for plot in self.plots():
            plot.apply_theme()
        for card in (self.cost_card, self.accuracy_card, self.delta_card, self.saturation_card, self.boundary_card,
                     self.fit_card):
            card.apply_theme()
        self._cost_legend()
        self.delta_card.set_legend([_swatch(layer_look(i)[0], "—", f"‖δ<sup>{i + 2}</sup>‖")
                                    for i in range(len(self._delta_curves))])
        self.saturation_card.restyle_legend()
        self.boundary.restyle()  # the points and the plane in the theme's colours, where the user left it
        self.fit_card.restyle()

    def plots(self) -> list:
        """The five plot widgets: cost, accuracy, ‖δ^l‖, saturated fraction, decision boundary."""
        return [self.cost_plot, self.accuracy_plot, self.delta_plot, self.saturation_plot, self.boundary_plot]

    # ------------------------------------------------------------------ layout
    def _reflow(self, force: bool = False) -> None:
        """One column in a narrow dock; two when wide (``visualbp.gui.plots_layout``)."""
        columns = columns_for(self.width(), self.height(), has_plane(self.session.dataset))
        if columns == self._columns and not force:
            return
        self._columns = columns
        plane, other = plane_cards(self.session.dataset, self.boundary_card, self.fit_card)
        self._grid.removeWidget(other)
        cards = [self.cost_card, self.accuracy_card, self.delta_card, self.saturation_card, plane]
        arrange(self._grid, cards, self._pair, columns, has_plane(self.session.dataset), self.width(), self.height())
        self.delta_plot.setXLink(self.cost_plot)
        self.saturation_plot.setXLink(self.cost_plot)
        # "epoch" once under each column of x-linked plots
        for plot, shown in zip((self.cost_plot, self.accuracy_plot, self.delta_plot, self.saturation_plot),
                               ((False, False, True, True) if columns != 1 else (False, False, False, True))):
            plot.show_x_label(shown)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._reflow()
        if self._columns != 2 and has_plane(self.session.dataset):  # the boundary's row is the last
            row = 4 if self._columns == 1 else 3
            self._grid.setRowStretch(row, boundary_stretch(self.width(), self.height(), self._columns))

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self.flush()  # what was delivered while hidden
        if self.boundary.dirty:
            self.request_boundary()

    # ------------------------------------------------------------------ session events
    def _on_network_changed(self) -> None:
        engine = self.session.engine
        if self._log is None or self._log.engine is not engine:  # a new engine: listen to it instead
            if self._log is not None:
                self._log.detach()
            self._log = ExampleLog(engine, self.EXAMPLE_POINTS)
        self.accuracy_card.set_regression(self.session.dataset.is_regression)
        self.clear()
        self.boundary.setup()
        self.fit_card.setup()
        self._reflow(force=True)

    def clear(self) -> None:
        """Forget the current run's curves (reference runs stay); one ‖δ^l‖ curve per layer l = 2..L."""
        self._epochs.clear()
        layers = len(self.session.net.sizes) - 1
        self._history = BatchHistory(self.CAPACITY, layers)
        self._batch_timer.stop()
        self._batches_dirty = False
        if self._log is not None:
            self._log.clear()
        for curve in self._delta_curves + self._ex_deltas:
            self.delta_plot.remove_curve(curve)
        self._delta_curves, self._ex_deltas = [], []
        entries = []
        for i in range(layers):
            l = i + 2
            colour, style = layer_look(i)
            self._delta_curves.append(self.delta_plot.add_curve(
                f"‖δ^{l}‖", _pen(colour, 1, style), autoDownsample=True, downsampleMethod="peak", clipToView=True,
                skipFiniteCheck=True))
            self._ex_deltas.append(self.delta_plot.add_curve(
                f"example ‖δ^{l}‖", None, symbol="o", symbolSize=4, symbolPen=None, symbolBrush=colour))
            entries.append(_swatch(colour, "—", f"‖δ<sup>{l}</sup>‖"))
        self.delta_card.set_legend(entries)
        self.saturation_card.rebuild(layers)
        for curve in (self._mb_cost, self._ex_cost, self._train_cost, self._val_cost, self.accuracy_card.train,
                      self.accuracy_card.validation):
            self.cost_plot.set_curve(curve, [], [])  # set_curve only touches the curve itself
        for plot in (self.cost_plot, self.accuracy_plot, self.delta_plot, self.saturation_plot):
            plot.hide_hover()
        self.cost_plot.enableAutoRange()
        self.delta_plot.enableAutoRange()
        self.accuracy_card.show_value(None)
        self._follow = True
        self._fit_axes()

    def _on_batches(self, stats: list[BatchStats]) -> None:
        """Append a delivery of minibatch stats in bulk: one setData per curve."""
        if not stats:
            return
        for x0 in self._history.add(stats, self.session.engine.batches_per_epoch):
            self._forget_from(x0)  # stepped back and redone: the epochs and saturation from there too
        self._batches_dirty = True
        self.saturation_card.after_batches()
        if self._batch_timer.isActive() or not self.isVisible():  # hidden: drawn when shown (showEvent)
            return
        wait = self.CURVES_INTERVAL_MS - (time.perf_counter() - self._batches_last) * 1000.0
        if self._batches_last < 0 or wait <= 0:
            self._redraw_batches()
        else:  # coalesce: the stores already hold everything, one setData per curve when the timer fires
            self._batch_timer.start(int(math.ceil(wait)))

    def _forget_from(self, x0: float) -> None:
        self.saturation_card.forget_from(x0)
        for e in [e for e in self._epochs if e + 1 >= x0]:
            del self._epochs[e]
        self._request_epochs()

    def _on_epochs(self, epochs: list[EpochStats]) -> None:
        for stats in epochs:
            self._epochs[stats.epoch] = stats
        if len(self._epochs) > MAX_EPOCH_POINTS:  # bounded like the session's history
            self._epochs = {e: self._epochs[e] for e in thinned(sorted(self._epochs))}
        self._request_epochs()
        if epochs:  # at the epoch's end, or (training on) where the weights are now
            self.saturation_card.measure_now()

    def _request_epochs(self) -> None:
        """Draw the per-epoch curves now, or (the panel hidden) when it shows; the accuracy number at once."""
        if self.isVisible():
            self._redraw_epochs()
            return
        self._epochs_dirty = True
        self.accuracy_card.show_value(self._epochs[max(self._epochs)] if self._epochs else None)

    # ------------------------------------------------------------------ drawing
    def _redraw_batches(self) -> None:
        self._batch_timer.stop()
        self._batches_dirty = False
        self._batches_last = time.perf_counter()
        x, y = self._history.cost.data()
        self.cost_plot.set_curve(self._mb_cost, x, y[:, 0])
        self._redraw_deltas()

    def _redraw_deltas(self) -> None:
        x, y = self._history.deltas.data()
        log = self.log_box.isChecked()
        for i, curve in enumerate(self._delta_curves):
            self.delta_plot.set_curve(curve, x, y[:, i], positive=log)
        self._redraw_examples()

    def _on_step(self, _record) -> None:
        """A step was taken (or undone): the per-example dots follow the example log."""
        if self._log is not None and (len(self._log), self._log.last_step()) != self._drawn_examples:
            self._redraw_examples()

    def _redraw_examples(self) -> None:
        """Each example's C_x and ‖δ^(x,l)‖ as dots (stepping example by example), then the axes."""
        log = self._log
        if log is not None:
            self._drawn_examples = (len(log), log.last_step())
            had = self._ex_cost.x is not None and len(self._ex_cost.x) > 0
            self.cost_plot.set_curve(self._ex_cost, *log.points(0))
            has = self._ex_cost.x is not None and len(self._ex_cost.x) > 0
            if had != has:  # the legend names the example dots while there are any
                self._cost_legend()
            positive = self.log_box.isChecked()
            for i, curve in enumerate(self._ex_deltas):
                self.delta_plot.set_curve(curve, *log.points(i + 2), positive=positive)
        self._fit_axes()

    def _stop_following(self, *args) -> None:
        self._follow = False

    def _start_following(self, *args) -> None:
        self._follow = True
        self._fit_axes()

    def _fit_axes(self) -> None:
        """Axes that fit what there is: x from 0 to the newest point (at least one minibatch), the cost from 0,
        ‖δ^l‖ over whole decades on a log axis; a short hint where a plot has nothing yet."""
        per_epoch = max(1, self.session.engine.batches_per_epoch)
        ends = [1.0 / per_epoch]
        for plot in (self.cost_plot, self.delta_plot, self.saturation_plot):
            ends += [float(c.x[-1]) for c in plot.curves if c.x is not None and len(c.x)]
        x_end = max(ends)
        hint = "press → to start"
        costs = [c.y for c in self.cost_plot.curves if c.y is not None and len(c.y)]
        self.cost_plot.set_frame((0.0, x_end), (0.0, 0.0) if costs else (0.0, 1.0))
        self.cost_plot.set_hint("" if costs else hint)
        self.accuracy_plot.set_frame((0.0, x_end), (0.0, 0.0) if self.accuracy_card.regression else (50.0, 50.0))
        self.saturation_plot.set_frame((0.0, x_end), (50.0, 50.0))
        deltas = [c.y for c in self.delta_plot.curves if c.y is not None and len(c.y)]
        if deltas and self.log_box.isChecked():
            values = np.concatenate(deltas)
            values = values[values > 0]
            lo, hi = math.floor(math.log10(values.min())), math.ceil(math.log10(values.max()))
            self.delta_plot.set_frame((0.0, x_end), (float(lo), float(max(hi, lo + 1))))
        elif deltas:
            self.delta_plot.set_frame((0.0, x_end), (0.0, 0.0))
        else:  # nothing yet: an empty axis that reads (10⁻³ … 1), not pyqtgraph's 1 … 10 with ticks 2 and 5
            self.delta_plot.set_frame((0.0, x_end), (-3.0, 0.0) if self.log_box.isChecked() else (0.0, 1.0))
        if self._follow:  # a linked plot's range change turns the cost plot's x auto-range off: on again
            self.cost_plot.getViewBox().enableAutoRange(axis="x")
        self.delta_plot.set_hint("" if deltas else f"{hint}<br><small>‖δ<sup>l</sup>‖ appears at the first BP1 "
                                                             "step</small>")

    def _redraw_epochs(self) -> None:
        self._epochs_dirty = False
        rows = [self._epochs[e] for e in sorted(self._epochs)]
        x = np.array([s.epoch + 1.0 for s in rows])

        def get(name: str) -> np.ndarray:
            return np.array([getattr(s, name) for s in rows], dtype=float)

        few = len(x) <= self.EPOCH_MARKERS
        for curve in (self._train_cost, self._val_cost, self.accuracy_card.train, self.accuracy_card.validation):
            if (curve.item.opts["symbol"] is not None) != few:  # a dot per epoch while there are few
                curve.item.setSymbol("o" if few else None)
        self.cost_plot.set_curve(self._train_cost, x, get("train_cost"))
        self.cost_plot.set_curve(self._val_cost, x, get("val_cost"))
        self.accuracy_card.draw(rows, x)
        self._fit_axes()

    def accuracy_text(self) -> str:
        """The accuracy number shown in the header, as plain text ('' before any)."""
        return self.accuracy_card.text()

    def set_log_scale(self, on: bool) -> None:
        """‖δ^l‖ on a log axis (values ≤ 0 are left out there, never plotted as −∞)."""
        if self.log_box.isChecked() != on:
            self.log_box.setChecked(on)  # comes back here through toggled
            return
        self.delta_plot.set_log_y(on)
        self._redraw_deltas()
        self.delta_plot.hide_hover()
        self.delta_plot.enableAutoRange()

    # ------------------------------------------------------------------ reference runs
    def _show_kept_runs(self, runs: tuple[KeptRun, ...]) -> None:
        """Draw the session's kept runs: the new ones added, or all again when one went or changed."""
        drawn = self._kept_drawn
        if tuple(runs[:len(drawn)]) != drawn:
            self.clear_reference_runs()
            drawn = ()
        for run in runs[len(drawn):]:
            self.add_reference_run(run.label, run.epochs())
        self._kept_drawn = tuple(runs)

    def add_reference_run(self, label: str, epochs: Sequence[EpochStats]) -> None:
        """Overlay another run's training (dashed) and validation (dotted) cost and accuracy per epoch."""
        self._references.add(label, epochs)
        self._cost_legend()

    def clear_reference_runs(self) -> None:
        self._references.clear()
        self._cost_legend()

    def reference_labels(self) -> list[str]:
        return self._references.labels()

    def _cost_legend(self) -> None:
        refs = self._references.legend()
        examples = [_swatch("#546e7a", "·", "example")] if self._ex_cost.x is not None and len(self._ex_cost.x) else []
        self.cost_card.set_legend([_swatch(TRAIN_COLOUR, "●", "train"), _swatch(VALIDATION_COLOUR, "●", "validation"),
                                   _swatch("#9aa4a9", "—", "minibatch")] + examples + refs)
        self.accuracy_card.set_references(refs)

    # ------------------------------------------------------------------ accessors (tests, other views)
    def flush(self) -> None:
        """Draw what is still waiting: per-minibatch points held for the redraw timer, and what was delivered
        while the panel was hidden."""
        if self._epochs_dirty:
            self._redraw_epochs()
        if self._batches_dirty:
            self._redraw_batches()
        self.saturation_card.flush()

    def settle(self) -> None:
        """Draw everything a throttle is holding back, the decision boundary too (before a screenshot)."""
        self.flush()
        if self.boundary_visible():
            self.boundary.settle()
        if not self.fit_card.isHidden():
            self.fit_card.settle()

    def request_boundary(self) -> None:
        """Redraw the decision boundary (or the fit) soon (at most ~10 times a second)."""
        self.boundary.request()
        self.fit_card.request()

    def boundary_resolution(self) -> int:
        """Grid points per side of the boundary: BOUNDARY_RESOLUTION, coarser for a huge network."""
        return self.boundary.resolution()
