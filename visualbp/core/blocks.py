"""A block of whole minibatches in the step history: one entry for many minibatches, records made when asked.

The engine takes whole minibatches a block at a time (``WholeMinibatches._run_block``): one epoch, one m,
one η, one replay chain. What the history needs of each minibatch follows from the block's start and its
index i: minibatch ``batch0 + i`` of ``epoch``, starting at ``offset0 + i·m`` of the epoch's order, step
``step0 + i``, the ``(chain_index0 + i)``-th of its chain (``visualbp.core.replay``). The block keeps its
mean costs in an array and the BATCH record of its last minibatch; a record of an earlier one (what ←
shows) is made when ← reaches it, from the block and the chain's redo. ← takes the block's minibatches
off its end one at a time; the history's byte and step bounds take them off its start.
"""

from __future__ import annotations

import numpy as np

from visualbp.core.pseudocode import State, between
from visualbp.core.replay import Chain
from visualbp.core.steps import StepRecord, batch_record


class Block:
    """Minibatches ``lo ≤ i < hi`` of a block (``hi − lo`` of them in the history)."""

    __slots__ = ("chain", "index0", "start", "epoch", "batch0", "offset0", "step0", "m", "rows", "costs",
                 "lo", "hi", "last", "nbytes", "per")

    def __init__(self, chain: Chain, index0: int, start: State, m: int, rows: np.ndarray, costs: np.ndarray,
                 last: StepRecord, base_nbytes: int) -> None:
        self.chain, self.index0, self.start = chain, index0, start
        self.epoch, self.batch0, self.offset0, self.step0 = start.epoch, start.batch, start.offset, start.step
        self.m, self.rows, self.costs = m, rows, costs
        self.lo, self.hi = 0, len(costs)
        self.last: StepRecord | None = last  # the BATCH record of minibatch hi − 1 (None once empty)
        self.per = 8 * m + 24  # what a minibatch adds: its rows, its cost, its share of the entry
        self.nbytes = base_nbytes + self.per * len(costs)

    def __len__(self) -> int:
        return self.hi - self.lo

    def before(self, i: int) -> State:
        """The state between minibatches just before minibatch ``i``."""
        if i == 0:
            return self.start
        return between(self.step0 + i, self.epoch, self.batch0 + i, self.offset0 + i * self.m)

    def record(self, i: int, a_last: np.ndarray) -> StepRecord:
        """The BATCH record of minibatch ``i`` (``a_last``: a^L of its last example before the update)."""
        m = self.m
        return batch_record(self.step0 + i, self.epoch, self.batch0 + i, float(self.costs[i]),
                            self.rows[i * m:(i + 1) * m], a_last)

    def pop(self, a_last: np.ndarray | None) -> None:
        """Take the last minibatch off (←); ``a_last`` is that of the one before it, now the last (None when
        the block is left empty)."""
        self.hi -= 1
        self.nbytes -= self.per
        self.last = self.record(self.hi - 1, a_last) if self.hi > self.lo and a_last is not None else None

    def drop_first(self, count: int) -> int:
        """Forget the first ``count`` minibatches (the history's bounds); returns the bytes freed."""
        count = min(count, len(self))
        self.lo += count
        freed = self.per * count
        self.nbytes -= freed
        return freed
