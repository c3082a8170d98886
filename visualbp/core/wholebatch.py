"""The step engine's whole minibatches: the shared kernel's in-place pass, a block of minibatches at a time.

A mixin of ``Engine``. The pass updates ``[w^l | b^l]`` arrays in place, but only ones it made itself and
the network still holds as they were handed to it (``net.weights``/``net.biases`` are views of them);
after a record step, ←, a reset or a load put other arrays in the network, one copy makes them its own.

Per minibatch the loop does what SGD does (gather, kernel) and little more: the mean cost (summed beside
BP1) and η/m Σ_x ∂C_x/∂b^l into preallocated arrays, and the step count the window reads. Everything
else is done once per block (``visualbp.core.blocks``): the history entry, the BATCH record of the
block's last minibatch, the state between minibatches, the replay chain's segment
(``visualbp.core.replay``), the gradient ``last_gradient`` reads (two sets of buffers, a block each in
turn), the test for ±∞/NaN in the weights, and one ``BatchBlock`` for ``block_check`` (the breakpoints)
and the ``batch_done`` observers. A block found non-finite is taken again a minibatch at a time from its
start, so training stops at the exact minibatch that made the weights or the cost non-finite; a
``block_check`` that names a minibatch cuts the block right after it (redone from the chain).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from visualbp.core import fastpath
from visualbp.core.batch_block import BatchBlock
from visualbp.core.blocks import Block
from visualbp.core.pseudocode import State, quiet_fp
from visualbp.core.replay import REPLAY_WORK, Chain
from visualbp.core.steps import Divergence, EpochStats, StepRecord, batch_record

if TYPE_CHECKING:
    from visualbp.core.events import Event
    from visualbp.core.network import Network

#: Most minibatches in one block: the per-block work (about 55 µs for [784, 30, 10]: the history entry, the
#: record, the chain's checkpoint, the test for ±∞/NaN, the observers' arrays) spread over them.
BLOCK_BATCHES = 256
#: A block also ends after this many seconds of training: ``should_stop`` and the settings are looked at
#: between blocks, and one ← redoes at most one block (or ``REPLAY_WORK``) from its checkpoint.
BLOCK_SECONDS = 0.005
#: Minibatches in a block before the engine has timed one.
FIRST_BLOCK = 8


def _non_finite_layer(params: list[np.ndarray]) -> int | None:
    """The index of the first ``[w^l | b^l]`` holding ±∞ or NaN, or None."""
    for i, p in enumerate(params):
        # a finite Σ p² proves it cheaply (±∞ or NaN anywhere makes it one; so may |p| > 1e154: then look)
        if not math.isfinite(fastpath.sum_of_squares(p)) and not np.isfinite(p).all():
            return i
    return None


class WholeMinibatches:
    """``_run_block`` and what it keeps; the engine provides net, X, Y, the state and the history."""

    if TYPE_CHECKING:  # what the engine (visualbp.core.engine.Engine) provides
        net: Network
        X: np.ndarray
        Y: np.ndarray
        _X1: fastpath.Rows
        _m: int
        _eta: float
        _state: State
        _weights_version: int
        last_record: StepRecord | None
        divergence: Divergence | None
        _last_gradient: tuple[list[np.ndarray], list[np.ndarray]] | None
        _last_scaled: tuple[list[np.ndarray], float, int] | None
        step_taken: Event
        batch_done: Event
        epoch_done: Event
        diverged: Event

        def _perm(self, epoch: int) -> np.ndarray: ...
        def _after(self, step: int, epoch: int, batch: int, offset: int) -> tuple[State, bool]: ...
        def _push_block(self, block: Block) -> None: ...
        def _finish_stepped_batch(self) -> StepRecord | None: ...
        def evaluate(self) -> EpochStats: ...

    def _init_whole_minibatches(self) -> None:
        # [w^l | b^l] arrays the whole-minibatch pass updates in place while net.weights/net.biases are
        # the views of them it made (by id), the chain it extends and the version its last pass published
        self._params: list[np.ndarray] = []
        self._layout: tuple[list[int], np.ndarray, int] = ([], np.zeros(0, dtype=int), 0)
        self._owned: list[np.ndarray] = []
        self._owned_ids: tuple = ()
        self._kernel: fastpath.Kernel | None = None
        self._kernel_key: tuple = ()
        self._chain: Chain | None = None
        self._chain_version = -1
        self._spare: list[np.ndarray] | None = None  # a retired chain's checkpoint arrays, for the next chain
        # two sets of gradient buffers [∂C/∂w^l | ∂C/∂b^l] (scaled), a block each in turn, and how many blocks
        # took one
        self._grad_sets: list[list[np.ndarray] | None] = [None, None]
        self._grads_started = 0
        self._gradient_cache: tuple | None = None  # (the _last_scaled it was made from, the mean gradient)
        self._seconds_per_row: float | None = None  # the pace of the last block, per training row
        self._live_step: int | None = None  # the step count inside a block (``step_index``), else None
        #: most minibatches in one block (1: each minibatch is its own block, as a breakpoint that reads the
        #: weights after each needs)
        self.batches_per_block = BLOCK_BATCHES
        #: called with each block's numbers before ``batch_done``: how many of its minibatches to keep (the
        #: training stops right after them: a breakpoint names the first minibatch it fires at), or None
        self.block_check: Callable[[BatchBlock], int | None] | None = None

    def _fast_batch(self) -> StepRecord | None:
        """Take the next minibatch in one matrix-based pass (one BATCH record)."""
        self._run_block(1)
        return self.last_record

    def run_block(self, limit: int | None = None, yield_now: Callable[[], bool] | None = None) -> int:
        """From the start of a minibatch, take whole minibatches as one block: at most ``limit`` (default
        ``batches_per_block``) and as many as ``BLOCK_SECONDS`` holds at the last block's pace, ending at the
        epoch's end, after a minibatch with a change of m or η, or after the minibatch during which
        ``yield_now()`` turned true. Inside a minibatch
        taken record by record, finishes that one instead. Returns how many minibatches it finished."""
        with quiet_fp():
            if self._state.program:
                self._finish_stepped_batch()
                return 1
            return self._run_block(self.batches_per_block if limit is None else limit, yield_now)

    def _kernel_and_chain(self, block_rows: int) -> tuple[fastpath.Kernel, Chain, int]:
        """The kernel for the network's activations, its arrays made the pass's own, and the chain to extend
        (a new one, and its checkpoint's bytes, when the last cannot take a block of ``block_rows`` training
        rows within ``REPLAY_WORK`` multiply-adds or the weights changed since). A block never spans two
        chains, and a chain holds at least one block: one ← redoes at most max(``REPLAY_WORK``, one block)."""
        net = self.net
        kernel = self._kernel
        token = net.activations_token
        if kernel is None or self._kernel_key != token:  # equal activations make the same kernel
            kernel = self._kernel = net.kernel()
            self._kernel_key = token
        if self._owned_ids != tuple(map(id, net.weights + net.biases)):
            self._adopt(fastpath.join(net.weights, net.biases))
        chain = self._chain
        if chain is None or (chain.work and chain.work + chain.work_of(block_rows) > REPLAY_WORK) \
                or chain.kernel is not kernel \
                or self._chain_version != self._weights_version:
            chain = self._chain = Chain(kernel, self._params, self._spare)
            self._spare = None
            return kernel, chain, chain.nbytes
        return kernel, chain, 0

    def _run_block(self, limit: int, yield_now: Callable[[], bool] | None = None) -> int:
        """``run_block`` inside ``quiet_fp``."""
        start = self._state
        epoch, offset0, step0 = start.epoch, start.offset, start.step
        m, eta = self._m, self._eta
        X1, Y = self._X1, self.Y
        n = len(Y)
        # as many as fit in BLOCK_SECONDS at the pace of the last block (the clock is read per block, not per
        # minibatch: in this loop a clock read cost more than the rest of the bookkeeping)
        per_row = self._seconds_per_row
        fit = FIRST_BLOCK if per_row is None else max(1, int(BLOCK_SECONDS / (per_row * m)))
        count_max = max(1, min(limit, -(-(n - offset0) // m), fit))
        kernel, chain, nbytes = self._kernel_and_chain(min(count_max * m, n - offset0))
        params = self._params
        decay = fastpath.weight_decay(eta, self.net.lmbda, n)
        rows = self._perm(epoch)[offset0:offset0 + count_max * m]  # read-only
        costs = np.empty(count_max)
        # η/m Σ_x ∂C_x/∂b^l of each minibatch, per layer (one row a minibatch): copied from the gradient's bias
        # column, a third of the cost of its squared norm, which the block takes for all of them at once
        sizes, starts, width = self._layout
        nabla_b = np.empty((count_max, width))
        # two sets of gradient buffers taken in turn, a block each: ``last_gradient`` reads the last block's
        # (maybe on the GUI thread while this one runs) and knows by ``_grads_started`` whether its set was
        # taken up again while it read
        gen = self._grads_started + 1
        grads = self._grad_sets[gen & 1]
        if grads is None:
            grads = self._grad_sets[gen & 1] = [np.empty_like(p) for p in params]
        self._grads_started = gen  # before the kernel writes into them
        copies = [(nabla_b[:, a:a + size], g[:, -1]) for a, size, g in zip(starts, sizes, grads)]
        minibatch = kernel.minibatch
        isfinite = math.isfinite
        # the pace in CPU time (a preemption on a busy machine would cut the next block short); a block of one
        # (finish_batch) is not timed: each clock read is a system call
        t0 = time.thread_time() if count_max > 1 else 0.0
        chunk = max(1, fastpath.CHUNK_BYTES // ((self.X.shape[1] + 1) * 8 * m)) * m
        i = 0
        cost = 0.0
        a_L = None
        for c in range(0, len(rows), chunk):  # rows gathered a few minibatches at a time, as SGD does
            XB = X1[rows[c:c + chunk]]
            YB = Y[rows[c:c + chunk]]
            for k in range(0, len(XB), m):
                xb = XB[k:k + m]
                mb = len(xb)
                a_L = minibatch(params, xb, YB[k:k + m], eta / mb, grads, decay, cost=True)
                cost = costs[i] = kernel.cost_sum / mb
                for block_b, column in copies:
                    block_b[i] = column
                i += 1
                self._live_step = step0 + i
                if not isfinite(cost) or (yield_now is not None and yield_now()) or self._m != m or self._eta != eta:
                    break
            else:
                continue
            break
        if count_max > 1:
            self._seconds_per_row = (time.thread_time() - t0) / min(i * m, n - offset0)
        return self._end_block(start, chain, nbytes, rows, costs, (nabla_b, starts), i, a_L, m, eta, decay,
                               not isfinite(cost), (grads, eta, gen))

    def _end_block(self, start: State, chain: Chain, nbytes: int, rows: np.ndarray, costs: np.ndarray,
                   nabla_b: tuple[np.ndarray, np.ndarray], count: int, a_L, m: int, eta: float, decay: float,
                   bad_cost: bool, scaled: tuple[list[np.ndarray], float, int]) -> int:
        """Publish a block of ``count`` minibatches: history, record, state, observers; or, when its cost or
        weights became non-finite, take it again a minibatch at a time to stop at the exact one."""
        epoch, batch0, offset0, step0 = start.epoch, start.batch, start.offset, start.step
        rows = rows[:count * m]
        index0 = chain.add(rows, m, count, eta, decay)
        bad_layer = _non_finite_layer(self._params)
        if (bad_cost or bad_layer is not None) and count > 1:
            self._live_step = None
            self._redo_to(chain, index0)  # the weights at the block's start, exactly
            self._chain_version = self._weights_version
            done = 0
            while done < count and self.divergence is None:
                done += self._run_block(1)
            return done
        stats = None
        if self.batch_done or self.block_check is not None:
            stats = BatchBlock.whole(start.epoch, start.batch, start.step, start.offset, m, len(self.X),
                                     costs[:count], *nabla_b, eta)
            cut = None if self.block_check is None else self.block_check(stats)
            if cut is not None and 0 < cut < count:  # stop right after the minibatch the check names
                redone = self._redo_to(chain, index0 + cut)
                assert redone is not None  # cut ≥ 1: a minibatch was redone
                grads, a_L = redone[2], None
                self.last_gradient = ([g[:, -1:] / eta for g in grads], [g[:, :-1] / eta for g in grads])
                a_last = redone[4]
                count, rows, stats = cut, rows[:cut * m], stats[:cut]
        costs = costs[:count]
        costs.flags.writeable = False
        if a_L is not None:  # not cut: the kernel's last minibatch is the block's
            self._last_scaled = scaled  # the gradient of the block's last minibatch, for ``last_gradient``
            a_last = a_L[:, -1:].copy()
        last = batch_record(step0 + count - 1, epoch, batch0 + count - 1, float(costs[-1]),
                            rows[(count - 1) * m:], a_last)
        self._state, epoch_ended = self._after(step0 + count, epoch, batch0 + count - 1, offset0 + len(rows))
        self._live_step = None
        self.last_record = last
        self._weights_version += count
        self._chain_version = self._weights_version
        self._push_block(Block(chain, index0, start, m, rows, costs, last, nbytes + a_last.nbytes))
        if self.step_taken:
            self.step_taken.emit(last)
        if bad_cost or bad_layer is not None:
            what = "the cost became non-finite"
            if not bad_cost and bad_layer is not None:
                what = f"the weights or biases of layer l={bad_layer + 2} became non-finite"
            self.divergence = Divergence(epoch, last.batch, last.index, what)
            self.diverged.emit(self.divergence)
        if stats is not None and self.batch_done:
            self.batch_done.emit(stats)
        if epoch_ended and self.epoch_done:
            self.epoch_done.emit(self.evaluate())
        return count

    def _retire(self, chain: Chain) -> None:
        """The history forgot the last block of ``chain``: unless the training still extends it, its checkpoint
        arrays become the next chain's."""
        if chain is not self._chain:
            self._spare = chain.params

    def _adopt(self, params: list[np.ndarray]) -> None:
        """Make ``[w^l | b^l]`` arrays the network's (as views) and the ones the pass updates in place."""
        self._params = params
        sizes = [p.shape[0] for p in params]
        self._layout = (sizes, np.cumsum([0] + sizes[:-1]), sum(sizes))  # where each layer's ∂C/∂b^l goes
        self.net.weights, self.net.biases = fastpath.split(params)
        self._owned = self.net.weights + self.net.biases  # held, so that no other array can take their ids
        self._owned_ids = tuple(map(id, self._owned))
        self._grad_sets = [None, None]  # sized like these arrays (a load may change nothing else)
        self._chain = None  # a chain redoes only its own passes: the next starts from a checkpoint

    @property
    def last_gradient(self) -> tuple[list[np.ndarray], list[np.ndarray]] | None:
        """The mean gradient (nabla_b, nabla_w) of the last finished minibatch, indexed like
        ``net.biases``/``net.weights``; None before the first. ``back()`` past the update that finished
        a minibatch brings back the one before (what a readout of the position then shows)."""
        while True:
            scaled = self._last_scaled
            if scaled is None:
                return self._last_gradient
            cache = self._gradient_cache
            if cache is not None and cache[0] is scaled:
                return cache[1]
            grads, eta, gen = scaled
            value = ([g[:, -1:] / eta for g in grads], [g[:, :-1] / eta for g in grads])
            if self._grads_started <= gen + 1:  # the pass after next takes this set again: not started yet
                self._gradient_cache = (scaled, value)
                return value
            # the training went on and took these buffers up again while they were read: read the newer ones

    @last_gradient.setter
    def last_gradient(self, value) -> None:
        self._last_gradient = value
        self._last_scaled = None

    def _redo_to(self, chain: Chain, index: int) -> tuple | None:
        """Put the weights from before the ``index``-th minibatch of ``chain`` back (redone from its
        checkpoint) and go on from there; returns (chain, index − 1, scaled gradient, η, a^L of its last
        example) of the minibatch redone last, or None."""
        with quiet_fp():
            params, grads, eta, a_last = chain.redo(self._X1, self.Y, index)
        chain.truncate(index)
        self._adopt(params)
        self._chain = chain
        return None if grads is None else (chain, index - 1, grads, eta, a_last)

    def _check_finite(self, record: StepRecord, layers, cost: float | None) -> None:
        what = None
        if cost is not None and not math.isfinite(cost):
            what = "the cost became non-finite"
        else:
            for i in layers:
                w, b = self.net.weights[i], self.net.biases[i]
                if math.isfinite(float(w.sum()) + float(b.sum())):  # a NaN or ±∞ anywhere makes the sum one
                    continue
                if not (np.isfinite(w).all() and np.isfinite(b).all()):  # or the sum overflowed: look
                    what = f"the weights or biases of layer l={i + 2} became non-finite"
                    break
        if what is not None:
            self.divergence = Divergence(record.epoch, record.batch, record.index, what)
            self.diverged.emit(self.divergence)
