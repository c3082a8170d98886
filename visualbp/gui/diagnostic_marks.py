"""The debugging aids' shared rules: when a neuron counts as saturated and how warnings are coloured.

A neuron is saturated when its σ'(z^l_j) is below a fraction of the derivative's largest value
(``max_prime``), measured on a fixed probe of training rows (``probe_rows``) that the graph, the
plot and the saturation breakpoint share. Saturation rings and error ratios ‖δ^l‖/‖δ^L‖ outside
0.1 … 10 are drawn in ``alarm_color()``; ``ratio_color`` picks the colour of a ratio's label.
``saturation_in_blocks`` measures the saturation a few probe rows at a time, so a 100,000-neuron
layer never holds the whole probe's z^l at once and the GUI can repaint between blocks.
"""

from __future__ import annotations

import math

import numpy as np
from PyQt6.QtGui import QColor

from visualbp.core.diagnostics import saturation
from visualbp.core.probe import block_size
from visualbp.gui import theme as T

PROBE_ROWS = 200  # training examples the saturation of every neuron is measured on
SATURATION_COLOR = "#c62828"  # the dashed ring of a saturated neuron on a light theme (alarm_color() picks per theme)
WARNING_COLOR = "#c62828"  # an error ratio ‖δ^l‖/‖δ^L‖ below 0.1 or above 10
WARNING_COLOR_DARK = "#ff6e6e"  # both, on a dark theme
RATIO_WARN_LOW, RATIO_WARN_HIGH = 0.1, 10.0


def max_prime(act) -> float:
    """The largest value of the activation's derivative (σ': 1/4 at z = 0; tanh', ReLU': 1; a layer whose
    neurons have their own f: the largest of theirs)."""
    return float(act.max_prime)


def probe_rows(session) -> np.ndarray:
    """The fixed probe the saturation is measured on: the first training rows (the order is already shuffled),
    as many as the saturation breakpoint uses, so the graph, the plot and the breakpoint agree."""
    n = int(getattr(session.breakpoints, "probe_rows", PROBE_ROWS) or PROBE_ROWS)
    return np.asarray(session.engine.X[:n], dtype=np.float64)


def saturation_in_blocks(net, X: np.ndarray, threshold: float, max_floats: int = 1_000_000):
    """``visualbp.core.diagnostics.saturation(net, X, threshold)`` a block of rows at a time (at most
    ``max_floats`` numbers per layer and ~10 ms of work per block): a generator that yields after each block and returns
    (``StopIteration.value``) the per-layer, per-neuron fraction of the rows on which σ'(z^l_j) is below
    the threshold. Feedforward only."""
    rows = len(X)
    block = block_size(net.sizes, max_floats)
    counts: list[np.ndarray] | None = None
    for r0 in range(0, rows, block):
        part = saturation(net, X[r0:r0 + block], threshold)
        m = min(block, rows - r0)
        if counts is None:
            counts = [f * m for f in part]
        else:
            for c, f in zip(counts, part):
                c += f * m
        if r0 + block < rows:  # no pause after the last block: a small probe finishes in one go
            yield
    return [c / rows for c in counts] if counts is not None else None


def saturation_bounded(net, X: np.ndarray, threshold: float, max_floats: int = 1_000_000) -> list[np.ndarray]:
    """``visualbp.core.diagnostics.saturation`` in one call, with the memory of ``saturation_in_blocks``."""
    blocks = saturation_in_blocks(net, X, threshold, max_floats)
    while True:
        try:
            next(blocks)
        except StopIteration as stop:
            return stop.value


def alarm_color() -> str:
    """The colour of saturation rings and error-ratio warnings: a deep red on light themes, a light red on dark."""
    return WARNING_COLOR if QColor(T.current().background).lightness() >= 128 else WARNING_COLOR_DARK


def ratio_color(r: float) -> str:
    """How an error ratio ‖δ^l‖/‖δ^L‖ is coloured: warning below 0.1 or above 10 (or unknown), muted near 1."""
    t = T.current()
    if not math.isfinite(r) or r < RATIO_WARN_LOW or r > RATIO_WARN_HIGH:
        return alarm_color()
    return t.muted if 0.5 <= r <= 2.0 else t.text
