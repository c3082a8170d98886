"""Breakpoints: pause a run when something a person wants to look at happens.

Each is switchable; a non-finite cost or weight always pauses (the engine reports it
as a Divergence). A check returns the sentence the status line shows, or None.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from visualbp.core.diagnostics import DEFAULT_SATURATION, saturation
from visualbp.core.steps import BatchStats, EpochStats


@dataclass
class Breakpoints:
    """What should pause a run. ``layer`` values are the book's l (2..L)."""

    cost_rises: bool = False  # the training cost of an epoch is higher than the epoch before
    saturation_on: bool = False
    saturation_layer: int = 2
    saturation_neuron: int | None = None  # j (0-based); None: the whole layer
    saturation_fraction: float = 0.5  # pause when this fraction (of the layer's pairs, or of the examples) saturates
    saturation_threshold: float = DEFAULT_SATURATION
    delta_on: bool = False
    delta_layer: int = 2
    delta_below: float = 1e-4  # pause when ‖δ^l‖ (= ‖∂C/∂b^l‖ of a minibatch) falls below this
    probe_rows: int = 200  # examples used to measure saturation
    every: int = 5  # measure saturation every this many minibatches

    def __post_init__(self) -> None:
        self._last_cost: float | None = None
        self._count = 0

    def reset(self, last_cost: float | None = None) -> None:
        """Forget what was seen; ``last_cost`` is the training cost a rise is measured from."""
        self._last_cost = last_cost
        self._count = 0

    @property
    def any_on(self) -> bool:
        return self.cost_rises or self.saturation_on or self.delta_on

    def after_batch(self, engine, stats: BatchStats) -> str | None:
        """Check the minibatch that just finished; the reason to pause, or None."""
        L = engine.net.num_layers
        if self.delta_on and 2 <= self.delta_layer <= L:
            norm = stats.delta_norms[self.delta_layer - 2]
            if norm < self.delta_below:
                return f"‖δ^{self.delta_layer}‖ = {norm:.3g} fell below {self.delta_below:g}"
        if self.saturation_on and 2 <= self.saturation_layer <= L:
            self._count += 1
            if self._count % max(1, self.every) == 0:
                fractions = saturation(engine.net, engine.X[: self.probe_rows], self.saturation_threshold)
                per_neuron = fractions[self.saturation_layer - 2]
                l = self.saturation_layer
                if self.saturation_neuron is not None:
                    j = self.saturation_neuron
                    if j < len(per_neuron) and per_neuron[j] >= self.saturation_fraction:
                        return (f"neuron j={j + 1} of layer {l} is saturated on {per_neuron[j]:.0%} of examples "
                                f"(limit {self.saturation_fraction:.0%})")
                else:
                    frac = float(np.mean(per_neuron))
                    if frac >= self.saturation_fraction:
                        return f"layer {l} is {frac:.0%} saturated (limit {self.saturation_fraction:.0%})"
        return None

    def after_epoch(self, stats: EpochStats) -> str | None:
        """Check the epoch that just finished."""
        last, self._last_cost = self._last_cost, stats.train_cost
        if self.cost_rises and last is not None and math.isfinite(stats.train_cost) and stats.train_cost > last:
            return f"the training cost rose from {last:.4g} to {stats.train_cost:.4g}"
        return None
