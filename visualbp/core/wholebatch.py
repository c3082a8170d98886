"""The step engine's whole minibatches: one in-place pass of the shared kernel per minibatch.

A mixin of ``Engine``. The pass updates ``[w^l | b^l]`` arrays in place, but only ones it made itself and
the network still holds as they were handed to it (``net.weights``/``net.biases`` are views of them);
after a record step, ←, a reset or a load put other arrays in the network, one copy makes them its own.
Its history is a ``replay.Chain`` (a checkpoint and the minibatches to redo from it), and it tests the
weights for ±∞/NaN without reading them while a bound on |w| keeps far from overflow.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from visualbp.core import fastpath
from visualbp.core.pseudocode import State, quiet_fp
from visualbp.core.replay import REPLAY_WORK, Chain
from visualbp.core.steps import Divergence, EpochStats, StepRecord, batch_record, batch_stats

if TYPE_CHECKING:
    from visualbp.core.events import Event
    from visualbp.core.network import Network


def _max_abs(arrays: list[np.ndarray]) -> float:
    """max |a| over every array (NaN if one holds a NaN)."""
    return float(np.max([np.max(np.abs(a)) for a in arrays]))


def _column_squares(g: np.ndarray) -> float:
    """Σ_j g_j,last²: the squared norm of ``[∂C/∂w^l | ∂C/∂b^l]``'s bias column, read in place (strided)."""
    c = g[:, -1]
    return float(c.dot(c))


class WholeMinibatches:
    """``_fast_batch`` and what it keeps; the engine provides net, X, Y, the state and the history."""

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
        def _push(self, record: StepRecord, before: State, weights: list | None, biases: list | int, nbytes: int,
                  chain: Chain | None = None) -> None: ...
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
        self._bound = math.inf  # an upper bound of |w| and |b| over the owned arrays
        self._chunk: tuple | None = None  # (epoch, m, first, end, rows [x^T 1], y, indices) gathered ahead
        # two sets of gradient buffers [∂C/∂w^l | ∂C/∂b^l] (scaled), used in turn, and how many passes took one
        self._grad_sets: list[list[np.ndarray] | None] = [None, None]
        self._grads_started = 0
        self._gradient_cache: tuple | None = None  # (the _last_scaled it was made from, the mean gradient)

    def _fast_batch(self) -> StepRecord:
        """Take the next minibatch in one matrix-based pass (one BATCH record: the cost, the training
        ``rows`` taken, and ``a_last``, a^L of the last of them before the update).

        The pass updates ``[w^l | b^l]`` arrays in place, but only ones this path made itself and the
        network still holds as they were handed to it (``net.weights``/``net.biases`` are views of
        them); after a record step, ←, a reset or a load put other arrays in the network, one copy
        makes them its own. The history keeps a chain to redo the pass from (``visualbp.core.replay``).
        """
        before = self._state
        net = self.net
        kernel = self._kernel
        token = net.activations_token
        if kernel is None or self._kernel_key != token:  # equal activations make the same kernel
            kernel = self._kernel = net.kernel()
            self._kernel_key = token
        if self._owned_ids != tuple(map(id, net.weights + net.biases)):
            self._adopt(fastpath.join(net.weights, net.biases))
        params = self._params
        chain = self._chain
        nbytes = 0
        if chain is None or chain.work >= REPLAY_WORK or chain.kernel is not kernel \
                or self._chain_version != self._weights_version:
            chain = self._chain = Chain(kernel, params)
            nbytes = chain.nbytes
            self._bound = _max_abs(params)
        epoch, batch, offset = before.epoch, before.batch, before.offset
        m = self._m if offset + self._m <= len(self.X) else len(self.X) - offset
        xb, yb, rows = self._rows_at(epoch, offset, m)
        eta = self._eta
        decay = fastpath.weight_decay(eta, net.lmbda, len(self.X))
        # two sets of gradient buffers taken in turn: ``last_gradient`` reads the last minibatch's (maybe on the
        # GUI thread while this one runs) and knows by ``_grads_started`` whether its set was taken up again
        gen = self._grads_started + 1
        grads = self._grad_sets[gen & 1]
        if grads is None:
            grads = self._grad_sets[gen & 1] = [np.empty_like(p) for p in params]
        self._grads_started = gen  # before the kernel writes into them
        a_L = kernel.minibatch(params, xb, yb, eta / m, grads, decay, cost=True)
        index = chain.add(rows, eta, decay)
        self._last_scaled = (grads, eta, gen)
        self._weights_version += 1
        self._chain_version = self._weights_version
        cost = kernel.cost_sum / m
        # which training rows the pass took, and the last one's a^L (before the update): what the graph shows
        a_last = a_L[:, -1:].copy()
        record = self.last_record = batch_record(before.step, epoch, batch, cost, rows, a_last)
        # ‖η/m Σ_x ∂C_x/∂b^l‖² and ‖η/m Σ_x [∂C_x/∂w^l | ∂C_x/∂b^l]‖²: the norms shown, and a test of finiteness
        b2 = [_column_squares(g) for g in grads]
        g2 = [fastpath.sum_of_squares(g) for g in grads]
        self._state, epoch_ended = self._after(before.step + 1, epoch, batch, offset + m)
        self._push(record, before, None, index, nbytes + a_last.nbytes + 16 + 8 * m, chain)
        if self.step_taken:
            self.step_taken.emit(record)
        # |w_new| ≤ max(|decay|, 1)·|w| + |g|: while that bound stays far from overflow and every ‖g‖² is
        # finite (a NaN or ±∞ in g makes it so), the weights are finite without reading them
        bound = self._bound * max(abs(decay), 1.0) + math.sqrt(sum(g2))
        if bound < 1e300 and math.isfinite(cost):
            self._bound = bound
        else:
            self._check_finite(record, range(len(params)), cost)
            self._bound = _max_abs(params)
        if self.batch_done:
            sqrt = math.sqrt
            self.batch_done.emit(batch_stats(
                epoch, batch, before.step, float(cost), tuple([sqrt(v) / eta for v in b2]),
                tuple([sqrt(v - u if v > u else 0.0) / eta for v, u in zip(g2, b2)]),
                epoch + (offset + m) / len(self.X)))
        if epoch_ended and self.epoch_done:
            self.epoch_done.emit(self.evaluate())
        return record

    def _rows_at(self, epoch: int, offset: int, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows ``[x^T 1]`` and ``y`` of the minibatch at ``offset`` and their (read-only) indices,
        gathered a few minibatches at a time as ``fastpath.train_epoch`` does, so each minibatch is a
        contiguous block in cache."""
        chunk = self._chunk
        if chunk is None or chunk[0] != epoch or chunk[1] != m or not chunk[2] <= offset < chunk[3]:
            n = max(1, fastpath.CHUNK_BYTES // ((self.X.shape[1] + 1) * 8 * m)) * m
            rows = self._perm(epoch)[offset:offset + n].copy()
            rows.flags.writeable = False
            chunk = self._chunk = (epoch, m, offset, offset + len(rows), self._X1[rows], self.Y[rows], rows)
        k = offset - chunk[2]
        return chunk[4][k:k + m], chunk[5][k:k + m], chunk[6][k:k + m]

    def _adopt(self, params: list[np.ndarray]) -> None:
        """Make ``[w^l | b^l]`` arrays the network's (as views) and the ones the pass updates in place."""
        self._params = params
        self.net.weights, self.net.biases = fastpath.split(params)
        self._owned = self.net.weights + self.net.biases  # held, so that no other array can take their ids
        self._owned_ids = tuple(map(id, self._owned))
        self._bound = math.inf
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
        checkpoint) and go on from there; returns (chain, index − 1, scaled gradient, η) of the
        minibatch redone last, or None."""
        with quiet_fp():
            params, grads, eta = chain.redo(self._X1, self.Y, index)
        del chain.steps[index:]
        self._adopt(params)
        self._chain = chain
        return None if grads is None else (chain, index - 1, grads, eta)

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
