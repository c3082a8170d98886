"""The Debug tab's "Speed of backprop" box: one feedforward pass timed against one backward pass.

For the book's claim that the backward pass costs about as much as the forward pass — all the partial
derivatives for about two forward passes, where finite differences need one extra forward pass per weight and
bias. The box computes no gradients; the one thing it runs is ``diagnostics.pass_costs`` when asked.
"""

from __future__ import annotations

import html
import math
import re
import time

import numpy as np
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from visualbp.core.diagnostics import PassCosts, pass_costs
from visualbp.gui import theme

MEASURE_BUDGET = 0.4  # seconds the speed measurement may take at most (it runs on the GUI thread)
MAX_REPEATS = 100
MIN_REPEATS = 3
MEASURE_TIP = ("Time one feedforward pass and one backward pass (BP1–BP4) for the first training example on the "
               "current network (median of repeated runs)")


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


class PassCostsBox(QGroupBox):
    """A Measure button, the two times and their ratio, and the book's sentence with this network's numbers."""

    def __init__(self, session) -> None:
        super().__init__("Speed of backprop")
        self.session = session
        self._costs: PassCosts | None = None
        self.measure_button = QPushButton("Measure")
        self.measure_button.setToolTip(MEASURE_TIP)
        self.speed_hint = QLabel()
        self.speed_hint.setWordWrap(True)
        self.speed_result = QLabel()
        self.speed_result.setTextFormat(Qt.TextFormat.RichText)
        self.speed_result.setWordWrap(True)
        self.speed_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.speed_book = QLabel()
        self.speed_book.setTextFormat(Qt.TextFormat.RichText)
        self.speed_book.setWordWrap(True)
        sp = QVBoxLayout(self)
        sp.setSpacing(4)
        row = QHBoxLayout()
        row.addWidget(self.measure_button)
        row.addWidget(self.speed_hint, 1)
        sp.addLayout(row)
        sp.addWidget(self.speed_result)
        sp.addWidget(self.speed_book)
        self.measure_button.clicked.connect(self.measure)
        session.runningChanged.connect(self._on_running_changed)

    def apply_theme(self) -> None:
        t = theme.current()
        self.speed_hint.setStyleSheet(f"color: {t.muted}; font-size: {theme.pt(8):g}pt;")
        self.speed_book.setStyleSheet(f"color: {t.text}; font-size: {theme.pt(9):g}pt;")
        if self.speed_result.styleSheet():
            self.speed_result.setStyleSheet(f"color: {t.text};")

    def _on_running_changed(self, running: bool) -> None:
        self.measure_button.setEnabled(not running)
        self.measure_button.setToolTip(
            "Pause first: training competes for the processor and would distort the timing" if running else
            MEASURE_TIP)

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

    def clear_costs(self) -> None:
        """Forget the measurement (a new network) and say what Measure will do."""
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
