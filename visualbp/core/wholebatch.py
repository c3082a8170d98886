"""The step engine's whole minibatches: the shared kernel's in-place pass, a block of minibatches at a time.

A mixin of ``Engine``. The pass updates ``[w^l | b^l]`` arrays in place, but only ones it made itself and
the network still holds as they were handed to it (``net.weights``/``net.biases`` are views of them);
after a record step, ←, a reset or a load put other arrays in the network, one copy makes them its own.

Per minibatch the loop does what SGD does (gather, kernel) and little more: the mean cost and
‖∂C/∂b^l‖² into preallocated arrays, the gradient buffers ``last_gradient`` reads, the step count the
window reads. Everything else is done once per block (``visualbp.core.blocks``): the history entry, the
BATCH record of the block's last minibatch, the state between minibatches, the replay chain's segment
(``visualbp.core.replay``), the test for ±∞/NaN in the weights, and one ``BatchBlock`` for the
``batch_done`` observers. A block found non-finite is taken again a minibatch at a time from its start,
so training stops at the exact minibatch that made the weights or the cost non-finite.
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

#: Most minibatches in one block: the per-block work (~30 µs) spread over them, and at most this many
#: minibatches between two looks at ``should_stop`` or at the breakpoints' settings.
BLOCK_BATCHES = 64
#: A block also ends after this many seconds (a large network's minibatches), so stopping stays prompt.
BLOCK_SECONDS = 0.02


def _non_finite_layer(params: list[np.ndarray]) -> int | None:
    """The index of the first ``[w^l | b^l]`` holding ±∞ or NaN, or None."""
    for i, p in enumerate(params):
        if not math.isfinite(float(p.sum())) and not np.isfinite(p).all():  # a finite sum proves it cheaply
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
        self._owned: list[np.ndarray] = []
        self._owned_ids: tuple = ()
        self._kernel: fastpath.Kernel | None = None
        self._kernel_key: tuple = ()
        self._chain: Chain | None = None
        self._chain_version = -1
        # two sets of gradient buffers [∂C/∂w^l | ∂C/∂b^l] (scaled), used in turn, and how many passes took one
        self._grad_sets: list[list[np.ndarray] | None] = [None, None]
        self._grads_started = 0
        self._gradient_cache: tuple | None = None  # (the _last_scaled it was made from, the mean gradient)
        self._live_step: int | None = None  # the step count inside a block (``step_index``), else None
        #: most minibatches in one block (1: each minibatch is its own block, as a breakpoint that reads the
        #: weights after each needs)
        self.batches_per_block = BLOCK_BATCHES

    def _fast_batch(self) -> StepRecord | None:
        """Take the next minibatch in one matrix-based pass (one BATCH record)."""
        self._run_block(1)
        return self.last_record

    def run_block(self, limit: int | None = None, yield_now: Callable[[], bool] | None = None) -> int:
        """From the start of a minibatch, take whole minibatches as one block: at most ``limit`` (default
        ``batches_per_block``), ending at the epoch's end, after ``BLOCK_SECONDS``, after a minibatch with a
        change of m or η, or after the minibatch during which ``yield_now()`` turned true. Inside a minibatch
        taken record by record, finishes that one instead. Returns how many minibatches it finished."""
        with quiet_fp():
            if self._state.program:
                self._finish_stepped_batch()
                return 1
            return self._run_block(self.batches_per_block if limit is None else limit, yield_now)

    def _kernel_and_chain(self) -> tuple[fastpath.Kernel, Chain, int]:
        """The kernel for the network's activations, its arrays made the pass's own, and the chain to extend
        (a new one, and its checkpoint's bytes, when the last is full or the weights changed since)."""
        net = self.net
        kernel = self._kernel
        token = net.activations_token
        if kernel is None or self._kernel_key != token:  # equal activations make the same kernel
            kernel = self._kernel = net.kernel()
            self._kernel_key = token
        if self._owned_ids != tuple(map(id, net.weights + net.biases)):
            self._adopt(fastpath.join(net.weights, net.biases))
        chain = self._chain
        if chain is None or chain.work >= REPLAY_WORK or chain.kernel is not kernel \
                or self._chain_version != self._weights_version:
            chain = self._chain = Chain(kernel, self._params)
            return kernel, chain, chain.nbytes
        return kernel, chain, 0

    def _run_block(self, limit: int, yield_now: Callable[[], bool] | None = None) -> int:
        """``run_block`` inside ``quiet_fp``."""
        start = self._state
        kernel, chain, nbytes = self._kernel_and_chain()
        params = self._params
        epoch, offset0, step0 = start.epoch, start.offset, start.step
        m, eta = self._m, self._eta
        X1, Y = self._X1, self.Y
        n = len(Y)
        decay = fastpath.weight_decay(eta, self.net.lmbda, n)
        fit = math.ceil((REPLAY_WORK - chain.work) / chain.work_of(m))  # before the chain is full
        count_max = max(1, min(limit, -(-(n - offset0) // m), fit))
        rows = self._perm(epoch)[offset0:offset0 + count_max * m]  # read-only
        costs = np.empty(count_max)
        squares = np.empty((count_max, len(params)))  # ‖η/m Σ_x ∂C_x/∂b^l‖²
        sets = [s if s is not None else [np.empty_like(p) for p in params] for s in self._grad_sets]
        self._grad_sets = [sets[0], sets[1]]
        columns = [[g[:, -1] for g in s] for s in sets]
        gen = self._grads_started
        minibatch = kernel.minibatch
        isfinite = math.isfinite
        clock = time.perf_counter
        deadline = clock() + BLOCK_SECONDS
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
                # two sets of gradient buffers taken in turn: ``last_gradient`` reads the last minibatch's
                # (maybe on the GUI thread while this one runs) and knows by ``_grads_started`` whether its
                # set was taken up again
                gen += 1
                grads = sets[gen & 1]
                self._grads_started = gen  # before the kernel writes into them
                a_L = minibatch(params, xb, YB[k:k + m], eta / mb, grads, decay, cost=True)
                self._last_scaled = (grads, eta, gen)
                cost = costs[i] = kernel.cost_sum / mb
                row = squares[i]
                for j, col in enumerate(columns[gen & 1]):
                    row[j] = col.dot(col)
                i += 1
                self._live_step = step0 + i
                if not isfinite(cost) or clock() > deadline or self._m != m or self._eta != eta \
                        or (yield_now is not None and yield_now()):
                    break
            else:
                continue
            break
        return self._end_block(start, chain, nbytes, rows, costs, squares, i, a_L, m, eta, decay,
                               not isfinite(cost))

    def _end_block(self, start: State, chain: Chain, nbytes: int, rows: np.ndarray, costs: np.ndarray,
                   squares: np.ndarray, count: int, a_L, m: int, eta: float, decay: float, bad_cost: bool) -> int:
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
        costs, squares = costs[:count], squares[:count]
        costs.flags.writeable = False
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
        if self.batch_done:
            k = np.arange(count)
            norms = np.sqrt(squares)
            norms /= eta
            n = len(self.X)
            self.batch_done.emit(BatchBlock(
                np.full(count, epoch), batch0 + k, step0 + k, costs, norms, np.full(norms.shape, np.nan),
                epoch + np.minimum(offset0 + (k + 1) * m, n) / n))
        if epoch_ended and self.epoch_done:
            self.epoch_done.emit(self.evaluate())
        return count

    def _adopt(self, params: list[np.ndarray]) -> None:
        """Make ``[w^l | b^l]`` arrays the network's (as views) and the ones the pass updates in place."""
        self._params = params
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
