"""Why does my network not learn? Breakpoints, the speed of backprop, and runs side by side.

``DebugPanel(session, plots=None)`` is a compact panel (it works about 330 px wide in a dock):

1. **Breakpoints**, bound to ``session.breakpoints``: pause when the training cost of an
   epoch rises; when a layer (or one neuron j) is saturated — σ'(z) below a fraction of its
   largest value on at least a given share of examples, so BP1 and BP2 pass almost no error
   back; when ‖δ^l‖ = ‖∂C/∂b^l‖ (BP3) of a minibatch falls below a value (the vanishing
   gradient). A NaN or ∞ always pauses. An invalid value is marked at its field and the
   breakpoint keeps its last valid value. When one fires, the sentence shows here too.
2. **Speed of backprop**: times one feedforward pass against one backward pass (BP1–BP4)
   on the current network, for the book's claim that the backward pass costs about as much
   as the forward pass — all the partial derivatives for about two forward passes, where
   finite differences need one extra forward pass per weight and bias.
3. **Compare runs**: keep the cost and accuracy per epoch of this run and overlay them on the
   plots (``PlotsPanel.add_reference_run``); kept runs survive a new network, so quadratic can
   be compared with cross-entropy, or one η with another. They are stored in
   ``session.extra_state["kept_runs"]`` and so saved with the session.

The panel computes no gradients; the one thing it runs is ``diagnostics.pass_costs`` when asked.
"""

from __future__ import annotations

import html
import math
import re
import time
import weakref
from typing import Callable

import numpy as np
from PyQt6.QtCore import QSize, Qt
from PyQt6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap
from PyQt6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from visualbp.core.config import SessionConfig
from visualbp.core.diagnostics import PassCosts, pass_costs
from visualbp.core.steps import EpochStats
from visualbp.gui import theme
from visualbp.gui.field_marks import error_color, error_label, invalid_frame_css, mark, style_error_label


MEASURE_BUDGET = 0.4  # seconds the speed measurement may take at most (it runs on the GUI thread)
MAX_REPEATS = 100
MIN_REPEATS = 3
KEPT_RUNS_KEY = "kept_runs"
RUNS_HINT = ("Train, keep the run, change a setting (the cost, η, …) and train again: "
             "both runs show on the cost and accuracy plots.")


# ----------------------------------------------------------------- small helpers
def run_label(config: SessionConfig) -> str:
    """A kept run's name from its settings, e.g. 'quadratic η=3 [2,4,3,2] seed 1' (with the activation,
    init, m and λ when they differ from the defaults)."""
    default = SessionConfig()
    parts = [config.cost, f"η={config.eta:g}", "[" + ",".join(str(n) for n in config.sizes) + "]"]
    if config.activation != default.activation:
        parts.insert(0, config.activation)
    if config.init != default.init:
        parts.append(f"{config.init} init")
    if config.mini_batch_size != default.mini_batch_size:
        parts.append(f"m={config.mini_batch_size}")
    if config.lmbda != default.lmbda:
        parts.append(f"λ={config.lmbda:g}")
    parts.append(f"seed {config.seed}")
    return " ".join(parts)


def format_seconds(t: float) -> str:
    """A short duration: '41 µs', '1.2 ms', '0.98 s', '3.2 min'."""
    if t < 1e-3:
        return f"{t * 1e6:.3g} µs"
    if t < 1.0:
        return f"{t * 1e3:.3g} ms"
    if t < 120.0:
        return f"{t:.3g} s"
    return f"{t / 60.0:.3g} min"


def parameter_count(sizes) -> int:
    """Weights and biases of a network of these layer sizes: Σ n_l (n_(l−1) + 1)."""
    return int(sum(n * (m + 1) for m, n in zip(sizes[:-1], sizes[1:])))


def _finite_or_none(v: float) -> float | None:
    v = float(v)
    return v if math.isfinite(v) else None


def _epoch_rows(history: list[EpochStats]) -> list[list]:
    """[epoch, train_cost, val_cost, train_acc, val_acc] per epoch, JSON-able (non-finite → None)."""
    return [[int(e.epoch), _finite_or_none(e.train_cost), _finite_or_none(e.val_cost),
             _finite_or_none(e.train_accuracy), _finite_or_none(e.val_accuracy)] for e in history]


def _stats_of(rows: list[list]) -> list[EpochStats]:
    nan = float("nan")

    def num(v) -> float:
        return nan if v is None else float(v)

    return [EpochStats(epoch=int(r[0]), step=0, train_cost=num(r[1]), train_accuracy=num(r[3]),
                       val_cost=num(r[2]), val_accuracy=num(r[4])) for r in rows]


def _valid_kept(value) -> list[tuple[str, list[list]]] | None:
    """The kept runs stored in a session's extra state, or None when absent or malformed."""
    if not isinstance(value, list):
        return None
    runs = []
    for entry in value:
        if not isinstance(entry, dict) or not isinstance(entry.get("label"), str):
            return None
        rows = entry.get("epochs")
        if not isinstance(rows, list):
            return None
        clean = []
        for r in rows:
            if not isinstance(r, (list, tuple)) or len(r) != 5:
                return None
            if not all(v is None or isinstance(v, (int, float)) for v in r) or r[0] is None:
                return None
            clean.append([int(r[0])] + [None if v is None else float(v) for v in r[1:]])
        runs.append((entry["label"], clean))
    return runs


def _swatch_icon(colour: str) -> QIcon:
    """A short dashed line in the reference run's colour, as it is drawn on the cost plot."""
    pix = QPixmap(28, 12)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    pen = QPen(QColor(colour), 2.4)
    pen.setStyle(Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.drawLine(1, 6, 27, 6)
    p.end()
    return QIcon(pix)


class _Field(QLineEdit):
    """A number field that checks itself: an invalid value gets a red frame and a message under it."""

    def __init__(self, check: Callable[[str], float], on_valid: Callable[[float], None], width: int = 64,
                 kept: Callable[[], str] | None = None) -> None:
        super().__init__()
        # the panel's bound methods, held weakly: the field is the panel's child, so strong references back
        # would make a cycle that only the garbage collector frees, at any moment, even mid-paint
        self._check = check
        self._on_valid = weakref.WeakMethod(on_valid)
        self._kept = weakref.WeakMethod(kept) if kept is not None else None
        self.error = error_label()
        self._width = width
        self.apply_theme()
        self.setProperty("invalid", False)
        self.textEdited.connect(self._edited)

    def apply_theme(self) -> None:
        """Width and message type scaled with ``theme.current()``'s font_pt, in its error colour."""
        self.setFixedWidth(round(self._width * theme.scale()))
        style_error_label(self.error)

    def _edited(self, text: str) -> None:
        try:
            value = self._check(text)
        except ValueError as exc:
            kept = self._kept() if self._kept is not None else None
            self.set_error(str(exc) + (f" (still {kept()})" if kept is not None else ""))
            return
        self.set_error(None)
        on_valid = self._on_valid()
        if on_valid is not None:
            on_valid(value)

    def set_text_quietly(self, text: str) -> None:
        """Show a value from the model (no write back) and clear any mark."""
        if self.text() != text:
            self.setText(text)
        self.set_error(None)

    def set_error(self, message: str | None) -> None:
        self.setToolTip(message or "")
        mark(self, self.error, message)

    def is_invalid(self) -> bool:
        return bool(self.property("invalid"))


def _percent(low_open: float, high: float, high_inclusive: bool) -> Callable[[str], float]:
    """A check for a percentage in (low, high] or (low, high); returns it as a fraction."""
    def check(text: str) -> float:
        try:
            v = float(text.strip().rstrip("%").strip())
        except ValueError:
            raise ValueError("a percentage, like 50") from None
        ok = math.isfinite(v) and v > low_open and (v <= high if high_inclusive else v < high)
        if not ok:
            raise ValueError(f"above {low_open:g} and {'at most' if high_inclusive else 'below'} {high:g} %")
        return v / 100.0
    return check


def _positive(text: str) -> float:
    try:
        v = float(text.strip())
    except ValueError:
        raise ValueError("a number, like 1e-4") from None
    if not (math.isfinite(v) and v > 0):
        raise ValueError("a number above 0, like 1e-4")
    return v


def _pct_text(fraction: float) -> str:
    return f"{fraction * 100:.4g}"


# ----------------------------------------------------------------- the panel
class DebugPanel(QWidget):
    """Breakpoints, the speed of a backward pass against a forward pass, and kept runs to compare."""

    def __init__(self, session, plots=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.plots = plots
        self._kept: list[tuple[str, list[list]]] = []
        self._costs: PassCosts | None = None
        self._last_hit = ""

        # ------------------------------------------------------------- breakpoints
        self.cost_box = QCheckBox("pause when the training cost rises")
        self.cost_box.setToolTip("After an epoch whose training cost is higher than the epoch before")

        self.sat_box = QCheckBox("pause when a layer saturates")
        self.sat_box.setToolTip("σ'(z) near 0: BP1 and BP2 multiply the error by σ'(z), so a saturated neuron "
                                "passes almost no error back and its weights stop learning.\n"
                                "Measured on the first training examples every few minibatches.")
        self.sat_layer = QSpinBox()
        self.sat_layer.setPrefix("l = ")
        self.sat_neuron = QSpinBox()
        self.sat_neuron.setPrefix("j = ")
        self.sat_neuron.setSpecialValueText("whole layer")
        self.sat_neuron.setMinimumWidth(104)
        self.sat_neuron.setToolTip("One neuron j of layer l, or the whole layer (below 1)")
        self.sat_fraction = _Field(_percent(0, 100, True), self._set_sat_fraction, 52, self._sat_fraction_text)
        self.sat_threshold = _Field(_percent(0, 100, False), self._set_sat_threshold, 52, self._sat_threshold_text)
        self.sat_of = QLabel()
        sat_grid = QGridLayout()
        sat_grid.setContentsMargins(22, 0, 0, 0)
        sat_grid.setHorizontalSpacing(4)
        sat_grid.setVerticalSpacing(2)
        row = QHBoxLayout()
        row.setSpacing(4)
        row.addWidget(QLabel("layer"))
        row.addWidget(self.sat_layer)
        row.addWidget(QLabel("neuron"))
        row.addWidget(self.sat_neuron)
        row.addStretch(1)
        sat_grid.addLayout(row, 0, 0, 1, 3)
        sat_grid.addWidget(QLabel("saturated on ≥"), 1, 0)
        sat_grid.addWidget(self.sat_fraction, 1, 1)
        sat_grid.addWidget(QLabel("%"), 1, 2)
        self.sat_of.setWordWrap(True)
        sat_grid.addWidget(self.sat_fraction.error, 2, 0, 1, 3)
        sat_grid.addWidget(self.sat_of, 3, 0, 1, 3)
        self.sat_where = QLabel("where σ'(z) <")
        sat_grid.addWidget(self.sat_where, 4, 0)
        sat_grid.addWidget(self.sat_threshold, 4, 1)
        sat_grid.addWidget(QLabel("% of its max"), 4, 2)
        sat_grid.addWidget(self.sat_threshold.error, 5, 0, 1, 3)
        sat_grid.setColumnStretch(2, 1)

        self.delta_box = QCheckBox("pause when a layer's error ‖δ‖ vanishes")
        self.delta_box.setToolTip("‖δ^l‖ = ‖∂C/∂b^l‖ (BP3) of a minibatch's mean error: when it is tiny, layer l "
                                  "has stopped learning — the error vanished on its way back (BP2).")
        self.delta_layer = QSpinBox()
        self.delta_layer.setPrefix("l = ")
        self.delta_value = _Field(_positive, self._set_delta_below, 72, self._delta_below_text)
        delta_grid = QGridLayout()
        delta_grid.setContentsMargins(22, 0, 0, 0)
        delta_grid.setHorizontalSpacing(4)
        delta_grid.setVerticalSpacing(2)
        delta_grid.addWidget(QLabel("layer"), 0, 0)
        delta_grid.addWidget(self.delta_layer, 0, 1)
        below = QLabel("‖δ<sup>l</sup>‖ &lt;")
        below.setTextFormat(Qt.TextFormat.RichText)
        delta_grid.addWidget(below, 0, 2)
        delta_grid.addWidget(self.delta_value, 0, 3)
        delta_grid.setColumnStretch(4, 1)
        delta_grid.addWidget(self.delta_value.error, 1, 0, 1, 5)

        self.nan_box = QCheckBox("pause on NaN/∞ (always on)")
        self.nan_box.setChecked(True)
        self.nan_box.setEnabled(False)
        self.nan_box.setToolTip("A cost or weight that is not a finite number always pauses the run")

        self.hit_label = QLabel()
        self.hit_label.setWordWrap(True)
        self.hit_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hit_label.hide()

        bp_box = QGroupBox("Breakpoints")
        bp = QVBoxLayout(bp_box)
        bp.setSpacing(4)
        bp.addWidget(self.cost_box)
        bp.addWidget(self.sat_box)
        bp.addLayout(sat_grid)
        bp.addWidget(self.delta_box)
        bp.addLayout(delta_grid)
        bp.addWidget(self.nan_box)
        bp.addWidget(self.hit_label)

        # ------------------------------------------------------------- speed of backprop
        self.measure_button = QPushButton("Measure")
        self.measure_button.setToolTip("Time one feedforward pass and one backward pass (BP1–BP4) for the first "
                                       "training example on the current network (median of repeated runs)")
        self.speed_hint = QLabel()
        self.speed_hint.setWordWrap(True)
        self.speed_result = QLabel()
        self.speed_result.setTextFormat(Qt.TextFormat.RichText)
        self.speed_result.setWordWrap(True)
        self.speed_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.speed_book = QLabel()
        self.speed_book.setTextFormat(Qt.TextFormat.RichText)
        self.speed_book.setWordWrap(True)
        speed_box = QGroupBox("Speed of backprop")
        sp = QVBoxLayout(speed_box)
        sp.setSpacing(4)
        row = QHBoxLayout()
        row.addWidget(self.measure_button)
        row.addWidget(self.speed_hint, 1)
        sp.addLayout(row)
        sp.addWidget(self.speed_result)
        sp.addWidget(self.speed_book)

        # ------------------------------------------------------------- compare runs
        self.keep_button = QPushButton("Keep this run")
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Forget every kept run")
        self.runs_list = QListWidget()
        self.runs_list.setIconSize(QSize(28, 12))
        self.runs_list.setMaximumHeight(118)
        self.runs_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.runs_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.runs_list.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.runs_message = QLabel(RUNS_HINT)
        self.runs_message.setWordWrap(True)
        runs_box = QGroupBox("Compare runs")
        rl = QVBoxLayout(runs_box)
        rl.setSpacing(4)
        row = QHBoxLayout()
        row.addWidget(self.keep_button)
        row.addWidget(self.clear_button)
        row.addStretch(1)
        rl.addLayout(row)
        rl.addWidget(self.runs_list)
        rl.addWidget(self.runs_message)

        inner = QWidget()
        lay = QVBoxLayout(inner)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(8)
        lay.addWidget(bp_box)
        lay.addWidget(speed_box)
        lay.addWidget(runs_box)
        lay.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidget(inner)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)
        self.setMinimumWidth(240)  # shares the side column with Setup; the window's minimum stays under 1000 px

        # ------------------------------------------------------------- wiring
        self.cost_box.toggled.connect(self._set_cost_rises)
        self.sat_box.toggled.connect(self._set_sat_on)
        self.sat_layer.valueChanged.connect(self._set_sat_layer)
        self.sat_neuron.valueChanged.connect(self._set_sat_neuron)
        self.delta_box.toggled.connect(self._set_delta_on)
        self.delta_layer.valueChanged.connect(self._set_delta_layer)
        self.measure_button.clicked.connect(self.measure)
        self.keep_button.clicked.connect(self.keep_run)
        self.clear_button.clicked.connect(self.clear_runs)
        session.networkChanged.connect(self._on_network_changed)
        session.breakpointHit.connect(self._on_breakpoint_hit)
        session.runningChanged.connect(self._on_running_changed)
        session.epochsDone.connect(self._update_keep_button)
        self.apply_theme()
        theme.notifier().changed.connect(self.apply_theme)
        self._on_network_changed()

    def apply_theme(self, _theme: object = None) -> None:
        """The style sheets in ``theme.current()``'s colours, the small print scaled with its type."""
        t = theme.current()
        self.setStyleSheet(
            invalid_frame_css("QLineEdit") + "QGroupBox { font-weight: bold; }")
        muted = f"color: {t.muted}; font-size: {theme.pt(8):g}pt;"
        for label in (self.sat_of, self.speed_hint, self.runs_message):
            label.setStyleSheet(muted)
        self.hit_label.setStyleSheet(
            f"background: {t.highlight}; color: {t.text}; border-left: 3px solid {error_color()}; padding: 4px;")
        self.speed_book.setStyleSheet(f"color: {t.text}; font-size: {theme.pt(9):g}pt;")
        if self.speed_result.styleSheet():
            self.speed_result.setStyleSheet(f"color: {t.text};")
        for field in (self.sat_fraction, self.sat_threshold, self.delta_value):
            field.apply_theme()

    # ================================================================= breakpoints ↔ session.breakpoints
    def sync_from_session(self) -> None:
        """Show ``session.breakpoints`` in the widgets, with the layer and neuron ranges of the network (a value
        outside them is brought inside and written back)."""
        bp = self.session.breakpoints
        sizes = self.session.net.sizes
        L = len(sizes)
        if not 2 <= bp.saturation_layer <= L:
            bp.saturation_layer = min(max(bp.saturation_layer, 2), L)
        if not 2 <= bp.delta_layer <= L:
            bp.delta_layer = min(max(bp.delta_layer, 2), L)
        n = sizes[bp.saturation_layer - 1]
        if bp.saturation_neuron is not None and not 0 <= bp.saturation_neuron < n:
            bp.saturation_neuron = None
        widgets = (self.cost_box, self.sat_box, self.sat_layer, self.sat_neuron, self.delta_box, self.delta_layer)
        for w in widgets:
            w.blockSignals(True)
        self.cost_box.setChecked(bp.cost_rises)
        self.sat_box.setChecked(bp.saturation_on)
        self.sat_layer.setRange(2, L)
        self.sat_layer.setValue(bp.saturation_layer)
        self.sat_neuron.setRange(0, n)
        self.sat_neuron.setValue(0 if bp.saturation_neuron is None else bp.saturation_neuron + 1)
        self.delta_box.setChecked(bp.delta_on)
        self.delta_layer.setRange(2, L)
        self.delta_layer.setValue(bp.delta_layer)
        for w in widgets:
            w.blockSignals(False)
        self.sat_fraction.set_text_quietly(_pct_text(bp.saturation_fraction))
        self.sat_threshold.set_text_quietly(_pct_text(bp.saturation_threshold))
        self.delta_value.set_text_quietly(f"{bp.delta_below:g}")
        act = self.session.net.layer_activation(bp.saturation_layer - 2)
        self.sat_where.setText("where σ'(z) <" if act.name == "sigmoid" else f"where {act.symbol}'(z) <")
        self._update_sat_words()
        self.sat_layer.setToolTip(f"The book's layer l: 2 … {L}")
        self.delta_layer.setToolTip(f"The book's layer l: 2 … {L}")

    def _update_sat_words(self) -> None:
        bp = self.session.breakpoints
        rows = min(bp.probe_rows, len(self.session.engine.X))
        if self.sat_neuron.value() == 0:
            text = f"of (neuron, example) pairs of layer {bp.saturation_layer}, on the first {rows} training examples"
        else:
            text = f"of the first {rows} training examples"
        self.sat_of.setText(text + f", checked every {bp.every} minibatches")

    def _set_cost_rises(self, on: bool) -> None:
        self.session.breakpoints.cost_rises = bool(on)

    def _set_sat_on(self, on: bool) -> None:
        self.session.breakpoints.saturation_on = bool(on)

    def _set_sat_layer(self, l: int) -> None:
        bp = self.session.breakpoints
        bp.saturation_layer = int(l)
        n = self.session.net.sizes[l - 1]
        self.sat_neuron.setMaximum(n)  # may clamp the neuron: valueChanged writes it
        self._set_sat_neuron(self.sat_neuron.value())
        act = self.session.net.layer_activation(l - 2)
        self.sat_where.setText("where σ'(z) <" if act.name == "sigmoid" else f"where {act.symbol}'(z) <")

    def _set_sat_neuron(self, shown_j: int) -> None:
        self.session.breakpoints.saturation_neuron = None if shown_j == 0 else int(shown_j) - 1
        self._update_sat_words()

    def _sat_fraction_text(self) -> str:
        return f"{_pct_text(self.session.breakpoints.saturation_fraction)} %"

    def _sat_threshold_text(self) -> str:
        return f"{_pct_text(self.session.breakpoints.saturation_threshold)} %"

    def _delta_below_text(self) -> str:
        return f"{self.session.breakpoints.delta_below:g}"

    def _set_sat_fraction(self, fraction: float) -> None:
        self.session.breakpoints.saturation_fraction = fraction

    def _set_sat_threshold(self, fraction: float) -> None:
        self.session.breakpoints.saturation_threshold = fraction

    def _set_delta_on(self, on: bool) -> None:
        self.session.breakpoints.delta_on = bool(on)

    def _set_delta_layer(self, l: int) -> None:
        self.session.breakpoints.delta_layer = int(l)

    def _set_delta_below(self, value: float) -> None:
        self.session.breakpoints.delta_below = value

    def _on_breakpoint_hit(self, sentence: str) -> None:
        self._last_hit = sentence
        self.hit_label.setText(sentence)
        self.hit_label.show()

    def _on_running_changed(self, running: bool) -> None:
        if running:
            self.hit_label.hide()
        self.measure_button.setEnabled(not running)
        self.measure_button.setToolTip(
            "Pause first: training competes for the processor and would distort the timing" if running else
            "Time one feedforward pass and one backward pass (BP1–BP4) for the first training example on the "
            "current network (median of repeated runs)")

    def breakpoint_message(self) -> str:
        """The sentence of the last breakpoint that fired, as shown ('' when none is shown)."""
        return self.hit_label.text() if not self.hit_label.isHidden() else ""

    # ================================================================= speed of backprop
    def measure(self) -> PassCosts | None:
        """Time one feedforward pass against one backward pass on the first training example (x, y as
        columns), repeated as often as fits in ~0.4 s (at most 100 times); show the times and the book's claim."""
        s = self.session
        if s.running:
            return None
        net, engine = s.net, s.engine
        if not len(engine.X):
            return None
        x = np.asarray(engine.X[0], dtype=np.float64).reshape(-1, 1)
        y = np.asarray(engine.Y[0], dtype=np.float64).reshape(-1, 1)
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            net.backprop(x, y)  # warm up (caches, allocator)
            t0 = time.perf_counter()
            net.feedforward(x)
            net.backprop(x, y)
            pair = time.perf_counter() - t0
            repeats = int(min(MAX_REPEATS, max(MIN_REPEATS, MEASURE_BUDGET / max(pair, 1e-9))))
            costs = pass_costs(net, x, y, repeats=repeats)
        self._costs = costs
        self._show_costs(costs, repeats)
        return costs

    def _show_costs(self, costs: PassCosts, repeats: int) -> None:
        t = theme.current()
        params = parameter_count(self.session.net.sizes)
        ratio = costs.ratio if costs.forward > 0 else float("nan")
        ratio_text = (f"{ratio:.1f}×" if ratio < 10 else f"{ratio:.0f}×") if math.isfinite(ratio) else "—"
        self.speed_result.setText(
            f"forward <b>{format_seconds(costs.forward)}</b> · backward <b>{format_seconds(costs.backward)}</b>"
            f" · backward/forward = <b>{ratio_text}</b>")
        fd = params + 1
        self.speed_book.setText(
            f"The book: a backward pass costs about as much as a forward pass, so backprop gets all "
            f"{params:,} ∂C/∂w and ∂C/∂b in about two forward passes "
            f"(here {format_seconds(costs.forward + costs.backward)}). "
            f"Finite differences would need <b>{fd:,}</b> forward passes, one more per weight and bias "
            f"(here ≈ {format_seconds(fd * costs.forward)}).")
        self.speed_hint.setText(f"first training example, median of {repeats} runs")
        self.speed_result.setToolTip(f"on {self.session.net.describe()}")
        self.speed_result.setStyleSheet(f"color: {t.text};")

    def _clear_costs(self) -> None:
        self._costs = None
        self.speed_result.setText("")
        self.speed_book.setText("")
        sizes = self.session.net.sizes
        self.speed_hint.setText(f"times one forward and one backward pass on this network "
                                f"({parameter_count(sizes):,} weights and biases)")

    def pass_costs(self) -> PassCosts | None:
        """The last measurement on the current network (None before one, or after the network changed)."""
        return self._costs

    def speed_text(self) -> str:
        """The result line and the book's line, as plain text ('' before a measurement)."""
        if self._costs is None:
            return ""
        return html.unescape(re.sub(r"<[^>]+>", "", self.speed_result.text() + "\n" + self.speed_book.text()))

    # ================================================================= compare runs
    def keep_run(self) -> str | None:
        """Keep this run's cost and accuracy per epoch under a label from its settings, overlay it on the cost
        and accuracy plots and store it in ``session.extra_state``; the label, or None when there was nothing
        (new) to keep."""
        history = [e for e in self.session.epoch_history]
        if not any(e.epoch >= 0 for e in history):
            self.runs_message.setText("Train at least one epoch first.")
            return None
        rows = _epoch_rows(sorted(history, key=lambda e: e.epoch))
        label = run_label(self.session.config)
        if any(l == label and r == rows for l, r in self._kept):
            self.runs_message.setText("This run is already kept.")
            return None
        taken = {l for l, _ in self._kept}
        if label in taken:
            k = 2
            while f"{label} ({k})" in taken:
                k += 1
            label = f"{label} ({k})"
        self._kept.append((label, rows))
        if self.plots is not None:
            self.plots.add_reference_run(label, _stats_of(rows))
        self._store()
        self._refresh_list()
        self.runs_message.setText(f"Kept: {label}. Change a setting, train, and compare on the plots.")
        return label

    def clear_runs(self) -> None:
        """Forget every kept run (and take them off the plots)."""
        self._kept = []
        if self.plots is not None:
            self.plots.clear_reference_runs()
        self._store()
        self._refresh_list()
        self.runs_message.setText(RUNS_HINT)

    def kept_runs(self) -> list[tuple[str, list[list]]]:
        """(label, [[epoch, train_cost, val_cost, train_acc, val_acc], …]) of every kept run, oldest first."""
        return [(label, [list(r) for r in rows]) for label, rows in self._kept]

    def _store(self) -> None:
        self.session.extra_state[KEPT_RUNS_KEY] = [{"label": label, "epochs": [list(r) for r in rows]}
                                                   for label, rows in self._kept]

    def _restore(self) -> None:
        """After networkChanged: take the kept runs of an opened session, or put ours into its extra state."""
        saved = _valid_kept(self.session.extra_state.get(KEPT_RUNS_KEY))
        if saved is None:
            if self._kept:
                self._store()
            return
        if saved == self._kept:
            return
        self._kept = saved
        if self.plots is not None:
            self.plots.clear_reference_runs()
            for label, rows in saved:
                self.plots.add_reference_run(label, _stats_of(rows))
        self._refresh_list()

    def _refresh_list(self) -> None:
        self.runs_list.clear()
        colours = dict(self.plots.reference_runs()) if self.plots is not None else {}
        for label, rows in self._kept:
            done = [r for r in rows if r[0] >= 0]
            last = done[-1] if done else rows[-1]
            acc = f" · validation accuracy {100 * last[4]:.1f} %" if last[4] is not None else ""
            item = QListWidgetItem(f"{label}\n{len(done)} epochs{acc}")
            item.setToolTip(f"{label}: {len(done)} epochs{acc}")
            item.setIcon(_swatch_icon(colours.get(label, theme.current().muted)))
            self.runs_list.addItem(item)
        self.runs_list.setVisible(bool(self._kept))
        self.clear_button.setEnabled(bool(self._kept))

    def _update_keep_button(self, *args) -> None:
        ready = any(e.epoch >= 0 for e in self.session.epoch_history)
        self.keep_button.setEnabled(ready)
        self.keep_button.setToolTip(
            "Overlay this run's cost and accuracy per epoch on the plots (dashed: training, dotted: validation); "
            "it stays when you change the network or the cost" if ready else "Train at least one epoch first")

    # ================================================================= session events
    def _on_network_changed(self) -> None:
        self.sync_from_session()
        self.hit_label.hide()
        self._clear_costs()
        self._restore()
        self._refresh_list()
        self._update_keep_button()
