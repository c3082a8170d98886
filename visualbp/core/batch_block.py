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
    l = 2..L). ``grad_w_norms`` is None (NaN in the ``BatchStats``) when the block's
    minibatches were taken whole: the engine measures ‖∂C/∂w^l‖ only when it steps a minibatch record by record
    (nothing draws it, and it was 3 µs of a 51 µs minibatch)."""

    __slots__ = ("epoch", "batch", "step", "cost", "delta_norms", "grad_w_norms", "end", "_raw")
    epoch: np.ndarray
    batch: np.ndarray
    step: np.ndarray
    cost: np.ndarray
    delta_norms: np.ndarray
    grad_w_norms: np.ndarray | None
    end: np.ndarray

    def __init__(self, epoch: np.ndarray, batch: np.ndarray, step: np.ndarray, cost: np.ndarray,
                 delta_norms: np.ndarray, grad_w_norms: np.ndarray | None, end: np.ndarray) -> None:
        self.epoch, self.batch, self.step, self.cost = epoch, batch, step, cost
        self.delta_norms, self.grad_w_norms, self.end = delta_norms, grad_w_norms, end
        self._raw: tuple | None = None

    @classmethod
    def whole(cls, epoch: int, batch: int, step: int, offset: int, m: int, n: int, cost: np.ndarray,
              nabla_b: np.ndarray, starts: np.ndarray, eta: float) -> BatchBlock:
        """The block of ``len(cost)`` whole minibatches of ``m`` from minibatch ``batch`` of ``epoch`` (at
        ``offset`` of its n examples, step ``step``), with rows η/m Σ_x ∂C_x/∂b^l (layer l from column
        ``starts[l − 2]``): the arrays are made when first read (on the window's thread, not the training's)."""
        block = object.__new__(cls)
        block.cost = cost
        block._raw = (epoch, batch, step, offset, m, n, nabla_b, starts, eta)
        return block

    def __getattr__(self, name: str):
        """The arrays of a block made by ``whole``, the first time one is read."""
        raw = object.__getattribute__(self, "_raw") if name != "_raw" else None
        if raw is None or name not in BatchBlock.__slots__:
            raise AttributeError(name)
        epoch, batch, step, offset, m, n, nabla_b, starts, eta = raw
        count = len(self.cost)
        b = nabla_b[:count]
        with np.errstate(over="ignore", invalid="ignore"):  # a diverging run's numbers: ±∞ and NaN, quietly
            norms = np.sqrt(np.add.reduceat(b * b, starts, axis=1))  # ‖∂C/∂b^l‖ = ‖η/m Σ_x ∂C_x/∂b^l‖ / η
            norms /= eta
        end = np.arange(offset + m, offset + m * count + 1, m, dtype=float)  # only the last may be short
        end[-1] = min(end[-1], n)
        k = np.arange(count)
        self.epoch, self.batch, self.step = np.full(count, epoch), batch + k, step + k
        self.delta_norms, self.grad_w_norms, self.end = norms, None, end / n + epoch
        self._raw = None
        return getattr(self, name)

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
        return cls(*(np.concatenate([b._column(name) for b in blocks]) for name in cls.__slots__[:-1]))

    def _column(self, name: str) -> np.ndarray:
        value = getattr(self, name)
        return np.full(self.delta_norms.shape, np.nan) if value is None else value

    def __len__(self) -> int:
        return len(self.cost)

    @overload
    def __getitem__(self, i: int) -> BatchStats: ...

    @overload
    def __getitem__(self, i: slice) -> BatchBlock: ...

    def __getitem__(self, i):
        if isinstance(i, slice):
            return BatchBlock(*(self._column(name)[i] for name in self.__slots__[:-1]))
        return BatchStats(int(self.epoch[i]), int(self.batch[i]), int(self.step[i]), float(self.cost[i]),
                          tuple(self.delta_norms[i].tolist()), tuple(self._column("grad_w_norms")[i].tolist()),
                          float(self.end[i]))

    def __iter__(self) -> Iterator[BatchStats]:
        return (self[i] for i in range(len(self)))

    def __repr__(self) -> str:
        if not len(self):
            return "BatchBlock([])"
        return (f"BatchBlock({len(self)} minibatches, steps {int(self.step[0])}–{int(self.step[-1])}, "
                f"cost {float(self.cost[0]):.4g}–{float(self.cost[-1]):.4g})")
