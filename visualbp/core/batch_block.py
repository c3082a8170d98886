"""What ``Engine.batch_done`` hands its observers: the numbers of a run of minibatches, as arrays.

The engine takes whole minibatches in blocks (``visualbp.core.blocks``) and reports each block once:
per minibatch its epoch, number, step, mean cost, ‖∂C/∂b^l‖ = ‖(1/m) Σ_x δ^(x,l)‖ per layer l = 2..L
and where it ends in epochs. A ``BatchBlock`` is also a sequence of ``BatchStats`` (made when one is
read), so an observer that wants one object per minibatch iterates it; the plots read the arrays.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload

import numpy as np

from visualbp.core.steps import BatchStats


class BatchBlock(Sequence[BatchStats]):
    """Minibatches in the order they were taken: ``epoch``, ``batch``, ``step`` (int arrays), ``cost``,
    ``end`` (float arrays), ``delta_norms`` and ``grad_w_norms`` (one row per minibatch, one column per layer
    l = 2..L). ``grad_w_norms`` is NaN for minibatches taken in a block: the engine measures ‖∂C/∂w^l‖ only
    when it steps a minibatch record by record (nothing draws it, and it was 3 µs of a 51 µs minibatch)."""

    __slots__ = ("epoch", "batch", "step", "cost", "delta_norms", "grad_w_norms", "end")

    def __init__(self, epoch: np.ndarray, batch: np.ndarray, step: np.ndarray, cost: np.ndarray,
                 delta_norms: np.ndarray, grad_w_norms: np.ndarray, end: np.ndarray) -> None:
        self.epoch, self.batch, self.step, self.cost = epoch, batch, step, cost
        self.delta_norms, self.grad_w_norms, self.end = delta_norms, grad_w_norms, end

    @classmethod
    def of(cls, stats: Sequence[BatchStats]) -> BatchBlock:
        """The block of ``BatchStats`` (``end`` None counts as NaN)."""
        n = len(stats)
        width = len(stats[0].delta_norms) if n else 0
        return cls(np.array([s.epoch for s in stats], dtype=np.int64),
                   np.array([s.batch for s in stats], dtype=np.int64),
                   np.array([s.step for s in stats], dtype=np.int64), np.array([s.cost for s in stats], dtype=float),
                   np.array([s.delta_norms for s in stats], dtype=float).reshape(n, width),
                   np.array([s.grad_w_norms or (np.nan,) * width for s in stats], dtype=float).reshape(n, width),
                   np.array([np.nan if s.end is None else s.end for s in stats], dtype=float))

    @classmethod
    def join(cls, blocks: Sequence[BatchBlock]) -> BatchBlock:
        """One block of several, in order (of one network: the same number of layers)."""
        if len(blocks) == 1:
            return blocks[0]
        return cls(*(np.concatenate([getattr(b, name) for b in blocks]) for name in cls.__slots__))

    def __len__(self) -> int:
        return len(self.cost)

    @overload
    def __getitem__(self, i: int) -> BatchStats: ...

    @overload
    def __getitem__(self, i: slice) -> BatchBlock: ...

    def __getitem__(self, i):
        if isinstance(i, slice):
            return BatchBlock(*(getattr(self, name)[i] for name in self.__slots__))
        return BatchStats(int(self.epoch[i]), int(self.batch[i]), int(self.step[i]), float(self.cost[i]),
                          tuple(self.delta_norms[i].tolist()), tuple(self.grad_w_norms[i].tolist()),
                          float(self.end[i]))

    def __iter__(self) -> Iterator[BatchStats]:
        return (self[i] for i in range(len(self)))

    def __repr__(self) -> str:
        if not len(self):
            return "BatchBlock([])"
        return (f"BatchBlock({len(self)} minibatches, steps {int(self.step[0])}–{int(self.step[-1])}, "
                f"cost {float(self.cost[0]):.4g}–{float(self.cost[-1]):.4g})")
