"""Breakpoints: pause a run when something a person wants to look at happens.

Each is switchable; a non-finite cost or weight always pauses (the engine reports it
as a Divergence). A check returns the sentence the status line shows, or None.

The settings are one immutable :class:`BreakpointSettings`, swapped whole: the GUI thread edits them while
the training thread checks them, and a check reads the settings once, so it never sees half an edit (a
layer changed and its neuron not yet). ``changed`` tells observers (with the new settings) after each swap.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, fields, replace

import numpy as np

from visualbp.core.diagnostics import DEFAULT_SATURATION, saturation
from visualbp.core.events import Event
from visualbp.core.steps import BatchStats, EpochStats


@dataclass(frozen=True)
class BreakpointSettings:
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

    @property
    def any_on(self) -> bool:
        return self.cost_rises or self.saturation_on or self.delta_on


SETTINGS = tuple(f.name for f in fields(BreakpointSettings))


class Breakpoints:
    """The session's breakpoints: ``settings`` (immutable, swapped whole under a lock by ``update``) and what the
    checks remember during a run. Each setting reads and writes as an attribute too (``bp.delta_on = True`` is
    ``bp.update(delta_on=True)``)."""

    def __init__(self, **settings) -> None:
        self._settings = BreakpointSettings(**settings)
        self._lock = threading.Lock()
        self.changed = Event("breakpoints changed")  # (BreakpointSettings), on the thread that edited
        self._last_cost: float | None = None
        self._count = 0

    @property
    def settings(self) -> BreakpointSettings:
        """The current settings: one immutable value, never changed in place."""
        return self._settings

    def update(self, **changes) -> BreakpointSettings:
        """Swap in the settings with ``changes`` applied, all at once; returns them."""
        with self._lock:
            new = replace(self._settings, **changes)
            if new == self._settings:
                return new
            self._settings = new
        self.changed.emit(new)
        return new

    def __getattr__(self, name: str):
        if name in SETTINGS:
            return getattr(self._settings, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value) -> None:
        if name in SETTINGS:
            self.update(**{name: value})
        else:
            super().__setattr__(name, value)

    def __repr__(self) -> str:
        return f"Breakpoints({self._settings!r})"

    def reset(self, last_cost: float | None = None) -> None:
        """Forget what was seen; ``last_cost`` is the training cost a rise is measured from."""
        self._last_cost = last_cost
        self._count = 0

    @property
    def any_on(self) -> bool:
        return self._settings.any_on

    def after_batch(self, engine, stats: BatchStats, settings: BreakpointSettings | None = None) -> str | None:
        """Check the minibatch that just finished against ``settings`` (default: the current ones, read once);
        the reason to pause, or None."""
        s = self._settings if settings is None else settings
        L = engine.net.num_layers
        if s.delta_on and 2 <= s.delta_layer <= L:
            norm = stats.delta_norms[s.delta_layer - 2]
            if norm < s.delta_below:
                return f"‖δ^{s.delta_layer}‖ = {norm:.3g} fell below {s.delta_below:g}"
        if s.saturation_on and 2 <= s.saturation_layer <= L:
            self._count += 1
            if self._count % max(1, s.every) == 0:
                fractions = saturation(engine.net, engine.X[: s.probe_rows], s.saturation_threshold)
                per_neuron = fractions[s.saturation_layer - 2]
                l = s.saturation_layer
                if s.saturation_neuron is not None:
                    j = s.saturation_neuron
                    if j < len(per_neuron) and per_neuron[j] >= s.saturation_fraction:
                        return (f"neuron j={j + 1} of layer {l} is saturated on {per_neuron[j]:.0%} of examples "
                                f"(limit {s.saturation_fraction:.0%})")
                else:
                    frac = float(np.mean(per_neuron))
                    if frac >= s.saturation_fraction:
                        return f"layer {l} is {frac:.0%} saturated (limit {s.saturation_fraction:.0%})"
        return None

    def after_epoch(self, stats: EpochStats) -> str | None:
        """Check the epoch that just finished."""
        last, self._last_cost = self._last_cost, stats.train_cost
        rose = last is not None and math.isfinite(stats.train_cost) and stats.train_cost > last
        if self._settings.cost_rises and rose:
            return f"the training cost rose from {last:.4g} to {stats.train_cost:.4g}"
        return None
