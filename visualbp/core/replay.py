"""History of whole minibatches as checkpoints and the steps to redo from them.

A whole-minibatch pass updates the weights in place. Instead of a copy of every weight per
minibatch, the engine keeps a ``Chain``: one copy of ``[w^l | b^l]`` at its start and, per
minibatch after it, the training rows taken, η and the decay 1 − ηλ/n. The weights before the
k-th minibatch of a chain are the checkpoint with the first k minibatches redone through the same
``fastpath.Kernel`` (same buffers, same inputs, same order of operations): bit for bit the weights
the training had, so ← stays exact. A chain ends after about ``REPLAY_WORK`` multiply-adds, which
bounds what one ← redoes (a few milliseconds) while the checkpoint's copy costs under 1 % of the
training it covers.
"""

from __future__ import annotations

import numpy as np

from visualbp.core.fastpath import Kernel, Rows

#: Multiply-adds of training a chain covers before the next checkpoint (about 10 ms of work).
REPLAY_WORK = 2e7


class Chain:
    """A checkpoint ``params`` (copies of ``[w^l | b^l]``) and the minibatches taken from it."""

    __slots__ = ("kernel", "params", "steps", "work", "nbytes")

    def __init__(self, kernel: Kernel, params: list[np.ndarray]) -> None:
        self.kernel = kernel
        self.params = [p.copy() for p in params]
        self.steps: list[tuple[np.ndarray, float, float]] = []  # (rows, η, decay) per minibatch
        self.work = 0.0
        self.nbytes = sum(p.nbytes for p in self.params)

    def add(self, rows: np.ndarray, eta: float, decay: float) -> int:
        """Note one minibatch taken from the chain's current end; returns its index in the chain."""
        self.steps.append((rows, eta, decay))
        self.work += len(rows) * self.nbytes / 8 * 3  # forward, BP2 and gradient: ~3 multiply-adds a weight
        return len(self.steps) - 1

    @property
    def full(self) -> bool:
        return self.work >= REPLAY_WORK

    def redo(self, X1: Rows, Y: np.ndarray, count: int) -> tuple[list[np.ndarray], list | None, float]:
        """New arrays ``[w^l | b^l]`` after the first ``count`` minibatches, the scaled gradient
        (η/m Σ_x) of the last of them (None when ``count`` is 0) and its η."""
        params = [p.copy() for p in self.params]
        grads = [np.empty_like(p) for p in params] if count else []
        eta = 0.0
        for rows, eta, decay in self.steps[:count]:
            self.kernel.minibatch(params, X1[rows], Y[rows], eta / len(rows), grads, decay)
        return params, (grads if count else None), eta
