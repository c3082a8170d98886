"""The one matrix-based backprop: BP1–BP4 for a minibatch, and the update, in place.

``Network.backprop``, ``backprop_batch``, ``update_mini_batch``, ``SGD`` and the step engine's
whole-minibatch pass all run ``Kernel.minibatch``. Its layout:

- each layer's parameters are one array ``[w^l | b^l]`` and every layer's input carries a row of
  ones, so ``z^l = [w^l | b^l] [a^(l−1); 1]`` is one matrix product and so is the gradient
  ``[∂C/∂w^l | ∂C/∂b^l] = δ^l [a^(l−1); 1]^T`` (BP3 and BP4 together);
- δ^L is scaled by ``scale`` (η/m for an update, 1/m for a mean gradient) at BP1, and BP2 is
  linear in δ, so every gradient comes out scaled;
- every intermediate lives in a buffer kept per minibatch size and written with ``out=``; the
  activations and costs compute in place through ``Activation.in_place`` and ``delta_into``.

Indexing: ``params[i]`` is layer ``l = i + 2`` of the book.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from visualbp.core.activations import Activation
from visualbp.core.neuron_activations import Mixed

#: Rows SGD gathers at once: a few minibatches, small enough to stay in cache.
CHUNK_BYTES = 1 << 18


#: OpenBLAS spreads a dot product of more than 10,000 numbers over its threads. On a loaded machine the hand-off
#: took 100–400 µs where the sum itself takes about 10 µs (the 23,550 gradients of w² in [784, 30, 10]), and the
#: whole-minibatch path computes two squared norms per layer per minibatch: it sums in shorter pieces. The app
#: limits BLAS to one thread at start-up (core/blas.py), so this matters where the core is used without it (a
#: script or notebook importing visualbp.core): there the engine measured 3.9–7× Network.SGD under load, 1.26×
#: with the pieces.
DOT_PIECE = 8192

#: True once ``visualbp.core.blas.limit_blas_threads`` gave BLAS one thread: one dot product is then fastest.
one_blas_thread = False


def sum_of_squares(a: np.ndarray) -> float:
    """‖a‖² = Σ_i a_i², in pieces short enough for BLAS to keep each on one thread (unless it has only one)."""
    v = a.ravel()  # a view of a contiguous array
    if v.size <= DOT_PIECE or one_blas_thread:
        return float(v.dot(v))
    return float(sum(float(v[i:i + DOT_PIECE].dot(v[i:i + DOT_PIECE])) for i in range(0, v.size, DOT_PIECE)))


def weight_decay(eta: float, lmbda: float, n: int) -> float:
    """The factor of L2 regularisation's update w → (1 − ηλ/n) w − η ∂C_0/∂w; 1.0 when λ = 0."""
    return 1.0 - eta * (lmbda / n) if lmbda else 1.0


def with_ones(X: np.ndarray) -> np.ndarray:
    """Rows ``X`` (n, n_in) → rows ``[x^T 1]`` (n, n_in + 1), float64, in one copy."""
    out = np.empty((X.shape[0], X.shape[1] + 1))
    out[:, -1] = 1.0
    out[:, :-1] = X
    return out


#: The step engine keeps its training rows as ``[x^T 1]`` (gathered as fast as plain rows) up to this
#: size; a larger training set is not copied, and its rows get their ones as they are gathered.
ROWS_WITH_ONES_BYTES = 128 * 2**20


class Rows:
    """Training rows ``X`` (n, n_in) that hand out ``[x^T 1]`` for chosen indices.

    Up to ``ROWS_WITH_ONES_BYTES`` they are held once with the column of ones (``X`` is a view of
    that); rows ``X`` that already are such a view (another engine's) are shared, not copied.
    """

    def __init__(self, X: np.ndarray) -> None:
        base = X.base
        if isinstance(base, np.ndarray) and base.dtype == np.float64 and base.flags.c_contiguous \
                and base.ndim == 2 and base.shape == (X.shape[0], X.shape[1] + 1) \
                and X.__array_interface__["data"][0] == base.__array_interface__["data"][0] \
                and X.strides == base.strides and bool(np.all(base[:, -1] == 1.0)):
            self.ones: np.ndarray | None = base
        elif X.nbytes <= ROWS_WITH_ONES_BYTES:
            self.ones = with_ones(np.asarray(X, dtype=np.float64))
            self.ones.flags.writeable = False  # training rows, as the data sets hand them out
        else:
            self.ones = None
        self.X = np.ascontiguousarray(X, dtype=np.float64) if self.ones is None else self.ones[:, :-1]

    def __getitem__(self, rows: np.ndarray) -> np.ndarray:
        """``[x^T 1]`` of ``rows``, a new contiguous (len(rows), n_in + 1) array."""
        if self.ones is not None:
            return self.ones[rows]
        out = np.empty((len(rows), self.X.shape[1] + 1))
        out[:, -1] = 1.0
        np.take(self.X, rows, axis=0, out=out[:, :-1])
        return out


def join(weights: Sequence[np.ndarray], biases: Sequence[np.ndarray]) -> list[np.ndarray]:
    """``[w^l | b^l]`` per layer, new contiguous arrays."""
    return [np.hstack((w, b)) for w, b in zip(weights, biases)]


def split(params: Sequence[np.ndarray]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Views ``(weights, biases)`` into ``[w^l | b^l]`` arrays."""
    return [p[:, :-1] for p in params], [p[:, -1:] for p in params]


class Kernel:
    """BP1–BP4 and the update for minibatches through a network of layer ``sizes``."""

    def __init__(self, sizes: Sequence[int], activations: Sequence[Activation | Mixed], cost) -> None:
        self.sizes = list(sizes)
        self.cost = cost
        self.output_activation = activations[-1]
        self._fns = [a.in_place for a in activations]
        self._plans: dict[int, tuple] = {}
        self._views: tuple = (None, None, None)
        self.cost_sum = float("nan")  # Σ_x C_x of the last minibatch asked for it (``minibatch(cost=True)``)

    def _plan(self, mb: int) -> tuple:
        """Buffers for ``mb`` examples (columns): per layer z, scratch, δ, and a; a hidden layer's
        a^l is the top of an (n_l + 1, mb) array whose last row is ones: the next layer's input."""
        plan = self._plans.get(mb)
        if plan is None:
            sizes = self.sizes[1:]
            Z = [np.empty((s, mb)) for s in sizes]
            T = [np.empty((s, mb)) for s in sizes]
            D = [np.empty((s, mb)) for s in sizes]
            inputs = [np.ones((s + 1, mb)) for s in sizes[:-1]]
            outs = [h[:-1] for h in inputs] + [np.empty((sizes[-1], mb))]
            plan = self._plans[mb] = (Z, T, D, inputs, [h.T for h in inputs], outs)
        return plan

    def _weight_views(self, params: list) -> tuple[list, list]:
        """``w^l`` and ``(w^l)^T`` views of ``params``, kept while the same list is passed."""
        if self._views[0] is not params:
            weights = [p[:, :-1] for p in params]
            self._views = (params, weights, [w.T for w in weights])
        return self._views[1], self._views[2]

    def minibatch(self, params: list, xb: np.ndarray, yb: np.ndarray, scale: float, grads: list,
                  decay: float = 1.0, update: bool = True, cost: bool = False) -> np.ndarray:
        """One minibatch: rows ``xb`` (mb, n_in + 1) ``[x^T 1]``, one-hot rows ``yb`` (mb, n_out).

        Leaves ``scale · Σ_x [∂C_x/∂w^l | ∂C_x/∂b^l]`` in ``grads[i]`` and, with ``update``, applies
        w^l → decay · w^l − scale · Σ_x ∂C_x/∂w^l,  b^l → b^l − scale · Σ_x ∂C_x/∂b^l  (decay = 1 − ηλ/n,
        scale = η/m) to ``params`` in place, layer L first, each layer's BP2 taken with w^(l+1) before
        its update. Returns a^L (n_out, mb), a buffer the next call overwrites. With ``cost``, also
        leaves Σ_x C_x (before the update) in ``self.cost_sum``, computed beside BP1.
        """
        mb = xb.shape[0]
        Z, T, D, inputs, inputs_t, outs = self._plan(mb)
        weights, weights_t = self._weight_views(params)
        fns = self._fns
        last = len(params) - 1
        matmul = np.matmul
        # feedforward: z^l = [w^l | b^l] [a^(l−1); 1],  a^l = σ(z^l)
        A = xb.T
        for i in range(last + 1):
            matmul(params[i], A, out=Z[i])
            fns[i][0](Z[i], outs[i], T[i])
            if i < last:
                A = inputs[i]
        a_L = outs[last]
        # BP1: δ^L = ∇_a C ⊙ σ'(z^L), times the scale
        d = D[last]
        if cost:
            self.cost_sum = self.cost.delta_cost_into(d, Z[last], a_L, yb.T, self.output_activation, T[last])
        else:
            self.cost.delta_into(d, Z[last], a_L, yb.T, self.output_activation, T[last])
        d *= scale
        for i in range(last, -1, -1):
            matmul(d, xb if i == 0 else inputs_t[i - 1], out=grads[i])  # BP3 and BP4, summed over x
            if i:  # BP2: δ^l = ((w^(l+1))^T δ^(l+1)) ⊙ σ'(z^l), with w^(l+1) before its update
                e = D[i - 1]
                matmul(weights_t[i], d, out=e)
                fns[i - 1][1](e, Z[i - 1], outs[i - 1], T[i - 1])
                d = e
            if update:
                if decay != 1.0:
                    weights[i] *= decay
                np.subtract(params[i], grads[i], out=params[i])
        return a_L


def gradient(kernel: Kernel, weights: Sequence[np.ndarray], biases: Sequence[np.ndarray],
             X: np.ndarray, Y: np.ndarray, scale: float) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """``scale · Σ_x (∂C_x/∂b^l, ∂C_x/∂w^l)`` over the columns of ``X`` (n_in, m), ``Y`` (n_out, m),
    as new arrays ``(nabla_b, nabla_w)``; the weights are not changed."""
    params = join(weights, biases)
    grads = [np.empty_like(p) for p in params]
    xb = with_ones(np.asarray(X, dtype=np.float64).T)
    kernel.minibatch(params, xb, np.asarray(Y, dtype=np.float64).T, scale, grads, update=False)
    return [g[:, -1:].copy() for g in grads], [g[:, :-1].copy() for g in grads]


def train_epoch(kernel: Kernel, params: list, grads: list, X: np.ndarray, Y: np.ndarray, order: np.ndarray,
                m: int, eta: float, decay: float) -> None:
    """One pass of SGD over rows ``X`` (n, n_in + 1) ``[x^T 1]`` / ``Y`` (n, n_out) in minibatches of ``m``
    taken in ``order``, updating ``params`` in place. Rows are gathered a few minibatches at a time, so
    each minibatch is one contiguous block."""
    chunk = max(1, CHUNK_BYTES // (X.shape[1] * X.itemsize * m)) * m
    minibatch = kernel.minibatch
    # Overflow stays quiet, as activations.sigmoid keeps it: e^{−z} = inf for z < −709 gives a = 0
    # exactly; a diverging run's inf and NaN spread into the weights as they would anyway.
    with np.errstate(over="ignore"):
        for c in range(0, len(order), chunk):
            rows = order[c:c + chunk]
            XB = X[rows]
            YB = Y[rows]
            for k in range(0, len(rows), m):
                xb = XB[k:k + m]
                minibatch(params, xb, YB[k:k + m], eta / len(xb), grads, decay)
