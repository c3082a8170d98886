"""What the plots remember of each minibatch: its cost and ‖δ^l‖ per layer, smoothed and bounded.

Pure NumPy, no Qt. A minibatch b of epoch e sits at x = e + (b + 1) / minibatches per epoch (the end of
that minibatch, in epochs); each delivery is smoothed by an exponential moving average with a window of about
half an epoch and kept in ``visualbp.gui.series.DownsamplingSeries`` (it halves its resolution when full).
After a step back and a redo, points from the redone x on replace what was undone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from visualbp.core.batch_block import BatchBlock
from visualbp.core.steps import BatchStats
from visualbp.gui.series import DownsamplingSeries, ema


def batch_x(stats: Sequence[BatchStats], per_epoch: int) -> np.ndarray:
    """The end of each minibatch, in epochs: the core's ``BatchStats.end`` (epoch + examples done / n), or
    epoch + (minibatch + 1) / minibatches per epoch for stats made without it."""
    per_epoch = max(1, per_epoch)
    if isinstance(stats, BatchBlock):  # the engine's arrays, as they are
        return np.where(np.isnan(stats.end), stats.epoch + (stats.batch + 1.0) / per_epoch, stats.end)
    return np.fromiter((s.end if s.end is not None else s.epoch + (s.batch + 1.0) / per_epoch for s in stats),
                       float, len(stats))


def smoothing(per_epoch: int) -> float:
    """EMA weight α for per-minibatch series: a window of about half an epoch (8..200 minibatches)."""
    span = min(200.0, max(8.0, per_epoch / 2.0))
    return 2.0 / (span + 1.0)


class BatchHistory:
    """The smoothed per-minibatch cost (one column) and ‖δ^l‖ (one column per layer l = 2..L)."""

    def __init__(self, capacity: int, layers: int) -> None:
        self.capacity = capacity
        self.cost = DownsamplingSeries(capacity, 1)
        self.deltas = DownsamplingSeries(capacity, max(1, layers))
        self._cost_ema: np.ndarray | None = None  # the EMAs' last values
        self._delta_ema: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.cost)

    def add(self, stats: Sequence[BatchStats], per_epoch: int) -> list[float]:
        """Append a delivery (in any order); returns the x from which older points were replaced ([] or
        [x0]) so the caller can forget what it keeps per x from there too."""
        if not stats:
            return []
        x = batch_x(stats, per_epoch)
        order = np.argsort(x, kind="stable")
        x = x[order]
        if isinstance(stats, BatchBlock):  # the engine's arrays: no object per minibatch
            cost, deltas = stats.cost[order], stats.delta_norms[order]
        else:
            stats = [stats[i] for i in order]
            cost = np.fromiter((s.cost for s in stats), float, len(stats))
            deltas = np.array([s.delta_norms for s in stats], dtype=float).reshape(len(stats), -1)
        replaced = []
        if self.cost.last_x is not None and x[0] <= self.cost.last_x:
            replaced = [float(x[0])]  # stepped back and redone: these replace what was undone
            self.forget_from(replaced[0])
        alpha = smoothing(per_epoch)
        smoothed, self._cost_ema = ema(cost, alpha, self._cost_ema)
        self.cost.append(x, smoothed)
        if deltas.shape[1] == self.deltas.width:
            smoothed, self._delta_ema = ema(deltas, alpha, self._delta_ema)
            self.deltas.append(x, smoothed)
        return replaced

    def forget_from(self, x0: float) -> None:
        """Drop every point at x ≥ x0; the EMAs go on from the last point kept."""
        for series in (self.cost, self.deltas):
            series.drop_from(x0)
        self._cost_ema = self.cost.data()[1][-1] if len(self.cost) else None
        self._delta_ema = self.deltas.data()[1][-1] if len(self.deltas) else None
