"""In what sense is backpropagation a fast algorithm? Backprop races finite differences.

Chapter 2: estimate every ∂C/∂w_j as (C(w + ε e_j) − C(w)) / ε and each of the P parameters costs one
extra forward pass, P + 1 passes in all; backprop gets all P derivatives from one forward and one backward
pass, which cost about as much as two or three forward passes. Here both are counted (multiply-adds, from
the layer sizes) and timed on the current network and example, and the two gradients are compared.

The finite differences are forward differences, as the book describes them, with the cost evaluated
stably from z^L (``gradcheck.stable_cost``); their error is O(ε) (truncation) plus O(EPS·|C|/ε)
(rounding), so with ε = 1e-7 they agree with backprop to about 1e-7, not to the last digit.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from visualbp.core.gradcheck import parameters, relative_errors, stable_cost
from visualbp.core.network import Network

#: The step ε of the forward differences: about √EPS, where truncation and rounding errors balance.
EPSILON = 1e-7


@dataclass(frozen=True)
class Counts:
    """Multiply-adds of each method for one example, from the layer sizes alone.

    A forward pass is Σ_l n_l n_(l−1) (z^l = w^l a^(l−1) + b^l); backprop adds BP2's (w^(l+1))^T δ^(l+1)
    for l = 2..L−1 and BP4's δ^l (a^(l−1))^T for every layer. Finite differences: P + 1 forward passes.
    """

    parameters: int
    forward: int
    backprop: int
    fd_passes: int

    @property
    def finite_differences(self) -> int:
        return self.fd_passes * self.forward

    @property
    def ratio(self) -> float:
        """How many times more multiply-adds finite differences need."""
        return self.finite_differences / self.backprop


def counts(sizes: list[int] | tuple[int, ...]) -> Counts:
    """Multiply-add counts for a network of these ``sizes`` (see ``Counts``)."""
    layer = [a * b for a, b in zip(sizes[:-1], sizes[1:])]
    forward = sum(layer)
    bp2 = sum(layer[1:])  # δ^l for l = L−1..2 multiplies by w^(l+1): every weight matrix but the first
    params = forward + sum(sizes[1:])
    return Counts(params, forward, forward + bp2 + forward, params + 1)


@dataclass(frozen=True)
class RaceResult:
    """Where a race stands: ``done`` of ``total`` parameters differenced in ``fd_seconds``; backprop's
    whole gradient took ``bp_seconds`` (mean of ``bp_runs`` runs). Compared over the parameters done:
    ``max_difference`` = max |g_fd − g_bp|, and ``layer_errors`` (relative, per layer l = 2..L, on
    finished races only)."""

    counts: Counts
    bp_seconds: float
    bp_runs: int
    fd_seconds: float
    done: int
    total: int
    max_difference: float
    layer_errors: tuple[float, ...]

    @property
    def finished(self) -> bool:
        return self.done == self.total

    @property
    def projected_fd_seconds(self) -> float:
        """The finite differences' time for every parameter, projected from the ones done."""
        return self.fd_seconds * self.total / self.done if self.done else math.nan

    @property
    def time_ratio(self) -> float:
        """Measured (or, unfinished, projected) finite-difference time over backprop's time."""
        return self.projected_fd_seconds / self.bp_seconds if self.bp_seconds > 0 else math.inf


class Race:
    """Backprop against forward differences over every parameter, for ``net`` (copied) on one example."""

    def __init__(self, net: Network, x: np.ndarray, y: np.ndarray, epsilon: float = EPSILON) -> None:
        self.net = net.copy()
        self.x = np.asarray(x, dtype=float).reshape(-1, 1)
        self.y = np.asarray(y, dtype=float).reshape(-1, 1)
        self.epsilon = float(epsilon)
        self.counts = counts(self.net.sizes)
        self.total = self.counts.parameters
        self.done = 0
        self.fd_seconds = 0.0
        self.bp_seconds = math.nan
        self.bp_runs = 0
        self.analytic = self.net.backprop(self.x, self.y)
        self.numeric_b = [np.full(b.shape, np.nan) for b in self.net.biases]
        self.numeric_w = [np.full(w.shape, np.nan) for w in self.net.weights]
        self._base: float | None = None

    def time_backprop(self, min_seconds: float = 0.02, max_runs: int = 1000) -> float:
        """Time one backprop (forward + backward pass) as the mean over runs lasting ``min_seconds``."""
        runs, t0 = 0, time.perf_counter()
        while True:
            self.net.backprop(self.x, self.y)
            runs += 1
            elapsed = time.perf_counter() - t0
            if elapsed >= min_seconds or runs >= max_runs:
                break
        self.bp_seconds, self.bp_runs = elapsed / runs, runs
        return self.bp_seconds

    def blocks(self, chunk: int = 64) -> Iterator[int]:
        """Difference the parameters ``chunk`` at a time, yielding how many are done after each block.

        ∂C/∂p ≈ (C(p + ε) − C(p)) / ε, one forward pass per parameter plus one for C(p). Only the time
        inside the blocks counts towards ``fd_seconds``.
        """
        net, x, y, h = self.net, self.x, self.y, self.epsilon
        t0 = time.perf_counter()
        if self._base is None:
            self._base = stable_cost(net, x, y)
        base = self._base
        position = 0
        for i, name, params in parameters(net):
            out = (self.numeric_w if name == "w" else self.numeric_b)[i].reshape(-1)
            flat = params.reshape(-1)  # a view: the network's own array
            for idx in range(flat.size):
                if position >= self.done:
                    old = flat[idx]
                    flat[idx] = old + h
                    out[idx] = (stable_cost(net, x, y) - base) / h
                    flat[idx] = old
                    self.done += 1
                    if self.done % chunk == 0:
                        self.fd_seconds += time.perf_counter() - t0
                        yield self.done
                        t0 = time.perf_counter()
                position += 1
        self.fd_seconds += time.perf_counter() - t0

    def run(self) -> RaceResult:
        """The whole race at once (tests, the command line)."""
        if math.isnan(self.bp_seconds):
            self.time_backprop()
        for _ in self.blocks(4096):
            pass
        return self.result()

    def result(self) -> RaceResult:
        """The race so far."""
        nb, nw = self.analytic
        diffs = [np.nanmax(np.abs(n - a), initial=0.0) for n, a in zip(self.numeric_w + self.numeric_b, nw + nb)
                 if np.any(np.isfinite(n))]
        errors: tuple[float, ...] = ()
        if self.done == self.total:
            floor = 10 * np.finfo(float).eps * max(1.0, abs(self._base or 0.0) / self.epsilon) + self.epsilon
            errors = tuple(relative_errors((self.numeric_b, self.numeric_w), (nb, nw), floor))
        return RaceResult(self.counts, self.bp_seconds, self.bp_runs, self.fd_seconds, self.done, self.total,
                          float(max(diffs)) if diffs else math.nan, errors)
