"""Per-example numbers as the step-by-step path produces them: the cost C_x and ‖δ^(x,l)‖ of each example.

Stepping one record (or one example) at a time, no minibatch has finished for a long while, so
``BatchStats`` has nothing to say yet; the records have: the feedforward of layer L computes the example's cost
C_x (record array ``cost``), BP1 and BP2 its error δ^(x,l) (``delta``). ``ExampleLog`` listens to an engine's
``step_taken`` and keeps, for each such record, where it happened (in epochs) and the number, a bounded
number of them; stepping back forgets the undone ones. The matrix-based path (whole minibatches, ``Kind.BATCH``)
adds nothing here: its numbers are in ``BatchStats``.

The engine may call from its worker thread: appends are single deque operations, and ``points`` copies.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from visualbp.core.steps import Kind, StepRecord


@dataclass(frozen=True)
class ExamplePoint:
    """One example's cost (``l`` = 0) or ‖δ^(x,l)‖ (``l`` ≥ 2), at ``x`` epochs: epoch + (minibatch + (example
    + 1)/m) / minibatches per epoch — the end of that example within the run."""

    step: int
    x: float
    l: int
    value: float


def example_x(record: StepRecord, batches_per_epoch: int, n_train: int | None = None) -> float:
    """Where ``record``'s example ends, in epochs: epoch + (offset + example + 1) / n, the x at which the
    plots put its minibatch's end (``BatchStats.end``) for the last example; without an offset,
    epoch + (batch + (example + 1)/m) / batches per epoch."""
    example = 0 if record.example is None else record.example
    if record.offset is not None and n_train:
        return record.epoch + (record.offset + example + 1) / n_train
    return record.epoch + (record.batch + (example + 1) / max(1, record.batch_size)) / max(1, batches_per_epoch)


class ExampleLog:
    """The per-example cost and ‖δ^(x,l)‖ of the records ``engine`` steps, newest ``capacity`` of each kept."""

    def __init__(self, engine, capacity: int = 4000) -> None:
        self.engine = engine
        self._points: deque[ExamplePoint] = deque(maxlen=int(capacity))
        engine.step_taken.connect(self._on_step)
        engine.stepped_back.connect(self._on_back)

    def detach(self) -> None:
        """Stop listening to the engine (a new one replaces it)."""
        self.engine.step_taken.disconnect(self._on_step)
        self.engine.stepped_back.disconnect(self._on_back)

    def clear(self) -> None:
        self._points.clear()

    def __len__(self) -> int:
        return len(self._points)

    def _on_step(self, record: StepRecord) -> None:
        kind = record.kind
        if kind is Kind.FEEDFORWARD and "cost" in record.arrays:  # C_x, at layer L
            value, l = float(record["cost"]), 0
        elif kind in (Kind.OUTPUT_ERROR, Kind.BACKPROP_ERROR):  # BP1, BP2: δ^(x,l)
            delta = record["delta"]
            value, l = float(np.sqrt(np.vdot(delta, delta))), record.l
        else:
            return
        x = example_x(record, self.engine.batches_per_epoch, self.engine.n_train)
        self._points.append(ExamplePoint(record.index, x, l, value))

    def _on_back(self, undone: StepRecord, current: StepRecord | None = None) -> None:
        while self._points and self._points[-1].step >= undone.index:
            self._points.pop()

    def points(self, l: int) -> tuple[np.ndarray, np.ndarray]:
        """(x in epochs, value) of the kept cost points (``l`` = 0) or ‖δ^(x,l)‖ points (``l`` ≥ 2), oldest
        first."""
        kept = [p for p in list(self._points) if p.l == l]
        return (np.fromiter((p.x for p in kept), float, len(kept)),
                np.fromiter((p.value for p in kept), float, len(kept)))

    def last_step(self) -> int:
        """The record index of the newest point (−1 when empty)."""
        return self._points[-1].step if self._points else -1
