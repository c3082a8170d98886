"""History of whole minibatches as checkpoints and the steps to redo from them.

A whole-minibatch pass updates the weights in place. Instead of a copy of every weight per
minibatch, the engine keeps a ``Chain``: one copy of ``[w^l | b^l]`` at its start and, per run of
minibatches after it (a block, ``visualbp.core.blocks``), the training rows taken, m, η and the
decay 1 − ηλ/n. The weights before the k-th minibatch of a chain are the checkpoint with the first
k minibatches redone through the same ``fastpath.Kernel`` (same buffers, same inputs, same order
of operations): bit for bit the weights the training had, so ← stays exact. A chain ends after
about ``REPLAY_WORK`` multiply-adds, which bounds what one ← redoes (a few milliseconds) while the
checkpoint's copy costs under 1 % of the training it covers.
"""

from __future__ import annotations

import numpy as np

from visualbp.core.fastpath import Kernel, Rows

#: Multiply-adds of training a chain covers before the next checkpoint (about 10 ms of work).
REPLAY_WORK = 2e7


class Chain:
    """A checkpoint ``params`` (copies of ``[w^l | b^l]``) and the minibatches taken from it, as segments
    (rows of consecutive minibatches of size m, the last maybe shorter; their count; η; decay)."""

    __slots__ = ("kernel", "params", "segments", "length", "work", "nbytes")

    def __init__(self, kernel: Kernel, params: list[np.ndarray], spare: list[np.ndarray] | None = None) -> None:
        """``spare``: the checkpoint of a chain nothing redoes any more, written over when its shapes fit (new
        memory is slow to touch the first time: a fresh 190 KB copy per block cost more than the block's
        bookkeeping)."""
        self.kernel = kernel
        if spare is not None and [a.shape for a in spare] == [p.shape for p in params]:
            for a, p in zip(spare, params):
                np.copyto(a, p)
            self.params = spare
        else:
            self.params = [p.copy() for p in params]
        self.segments: list[tuple[np.ndarray, int, int, float, float]] = []  # (rows, m, count, η, decay)
        self.length = 0  # minibatches in the chain
        self.work = 0.0
        self.nbytes = sum(p.nbytes for p in self.params)

    def work_of(self, m: int) -> float:
        """Multiply-adds of one minibatch of ``m`` (forward, BP2 and gradient: ~3 per weight)."""
        return m * self.nbytes / 8 * 3

    def add(self, rows: np.ndarray, m: int, count: int, eta: float, decay: float) -> int:
        """Note ``count`` minibatches of ``m`` (the rows in order, the last maybe shorter) taken from the
        chain's current end; returns the index in the chain of the first."""
        first = self.length
        self.segments.append((rows, m, count, eta, decay))
        self.length += count
        self.work += self.work_of(len(rows))
        return first

    @property
    def full(self) -> bool:
        return self.work >= REPLAY_WORK

    def truncate(self, count: int) -> None:
        """Keep only the first ``count`` minibatches (those after are redone no more: ← went before them)."""
        kept, total = [], 0
        for rows, m, n, eta, decay in self.segments:
            if total >= count:
                break
            take = min(n, count - total)
            kept.append((rows[:take * m] if take < n else rows, m, take, eta, decay))
            total += take
        self.segments = kept
        self.length = total

    def redo(self, X1: Rows, Y: np.ndarray, count: int) -> tuple[list[np.ndarray], list | None, float,
                                                                    np.ndarray | None]:
        """New arrays ``[w^l | b^l]`` after the first ``count`` minibatches, the scaled gradient (η/m Σ_x)
        of the last of them, its η and a^L of its last example before the update (a new (n_out, 1) array);
        (params, None, 0.0, None) when ``count`` is 0."""
        params = [p.copy() for p in self.params]
        grads = [np.empty_like(p) for p in params] if count else []
        eta, a_L, done = 0.0, None, 0
        for rows, m, n, eta, decay in self.segments:
            for k in range(min(n, count - done)):
                r = rows[k * m:(k + 1) * m]
                a_L = self.kernel.minibatch(params, X1[r], Y[r], eta / len(r), grads, decay)
            done += n
            if done >= count:
                break
        a_last = None if a_L is None else a_L[:, -1:].copy()
        return params, (grads if count else None), eta, a_last
