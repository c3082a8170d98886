"""Backpropagation: the big picture — ∂C/∂w^l_jk as a sum over every path from the weight to the cost.

Chapter 2's closing section: a change Δw^l_jk moves a^l_j, which moves every a^(l+1)_q, …, which moves
every output a^L_m, which moves C. Along one path j = q_l → q_(l+1) → … → q_L = m the rate is the product

    ∂a^l_j/∂w^l_jk · ∂a^(l+1)_q/∂a^l_j · … · ∂C/∂a^L_m
    = f'(z^l_j) a^(l−1)_k · f'(z^(l+1)_q) w^(l+1)_qj · … · ∂C/∂a^L_m,

and ∂C/∂w^l_jk is the sum of these rates over all Π_(r>l) n_r paths. Backprop computes the same sum by
factoring it layer by layer (BP2); here it is laid out path by path.

Each path's value is computed with f'(z^L_m) · ∂C/∂a^L_m taken together as δ^L_m (BP1, which the cost
gives stably), so a saturated output never turns it into 0 · ∞. The largest paths by |value| are found
exactly by a backward pass that keeps, at every neuron, its ``top`` largest path suffixes (|x·y| = |x|·|y|,
so the largest paths through a neuron extend the largest suffixes of the next layer); the rest are summed
into one number, the full sum minus the listed ones, so listed + rest is the whole sum.

Indices: ``l`` is the book's layer (2..L); ``j``, ``k`` and the neurons of a path are 0-based array indices.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from visualbp.core.network import Network

#: Paths listed by default; a network with more lists the largest and sums the rest.
TOP_PATHS = 50


@dataclass(frozen=True)
class Path:
    """One path from w^l_jk to C: ``neurons`` (j in layer l, then one neuron per layer to L) and the rate
    ``factors`` in the book's order: ∂a^l_j/∂w^l_jk, then ∂a^(r)_q/∂a^(r−1)_p for r = l+1..L, then ∂C/∂a^L_m."""

    l: int
    neurons: tuple[int, ...]
    factors: tuple[float, ...]
    value: float

    def __repr__(self) -> str:
        return f"Path(l={self.l}, neurons={self.neurons}, value={self.value:.6g})"


@dataclass(frozen=True)
class PathSum:
    """∂C/∂w^l_jk for one example, path by path.

    ``paths``: the listed paths, largest |value| first; ``count``: how many paths there are in all;
    ``rest``: the sum over the paths not listed (0 when all are); ``total`` = Σ listed + rest;
    ``backprop``: ∂C/∂w^l_jk = a^(l−1)_k δ^l_j from ``Network.backprop`` (BP4), to compare with, and its
    operands ``a_k`` = a^(l−1)_k and ``delta_j`` = δ^l_j (= ∂C/∂b^l_j, BP3).
    """

    l: int
    j: int
    k: int
    L: int
    paths: tuple[Path, ...]
    count: int
    rest: float
    total: float
    backprop: float
    a_k: float
    delta_j: float
    example: int | None = None

    @property
    def listed_sum(self) -> float:
        return math.fsum(p.value for p in self.paths)

    @property
    def difference(self) -> float:
        """Σ over paths − backprop's ∂C/∂w^l_jk."""
        return self.total - self.backprop

    @property
    def complete(self) -> bool:
        """True when every path is listed."""
        return len(self.paths) == self.count


def path_count(sizes: list[int] | tuple[int, ...], l: int) -> int:
    """Number of paths from a weight of layer l to the cost: Π_(r = l+1..L) n_r."""
    return math.prod(sizes[l:])


def _forward(net: Network, x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """z^l and a^l of every layer (zs[0] is empty: the input has no z), as flat vectors."""
    a = np.asarray(x, dtype=float).reshape(-1, 1)
    zs, acts = [np.empty(0)], [a.ravel()]
    for i, (b, w) in enumerate(zip(net.biases, net.weights)):
        z = w @ a + b
        a = net.layer_activation(i)(z)
        zs.append(z.ravel())
        acts.append(a.ravel())
    return zs, acts


def _top(values: np.ndarray, n: int) -> np.ndarray:
    """Indices of the n largest |values|, largest first (ties by position)."""
    mags = np.abs(values)
    if n < len(values):
        idx = np.argpartition(-mags, n - 1)[:n]
    else:
        idx = np.arange(len(values))
    return idx[np.lexsort((idx, -mags[idx]))]


def path_sum(net: Network, x: np.ndarray, y: np.ndarray, l: int, j: int, k: int, top: int = TOP_PATHS,
             example: int | None = None) -> PathSum:
    """Every path from w^l_jk to the cost for example (x, y), or the ``top`` largest and the rest summed."""
    L = net.num_layers
    if not 2 <= l <= L:
        raise ValueError(f"layer l must be 2..{L} (layer 1 is the input and has no weights), got {l}")
    n_out, n_in = net.weights[l - 2].shape
    if not (0 <= j < n_out and 0 <= k < n_in):
        raise ValueError(f"w^{l}_jk needs 1 ≤ j ≤ {n_out} and 1 ≤ k ≤ {n_in}, got j = {j + 1}, k = {k + 1}")
    if top < 1:
        raise ValueError(f"top must be at least 1, got {top}")
    x = np.asarray(x, dtype=float).reshape(-1, 1)
    y = np.asarray(y, dtype=float).reshape(-1, 1)
    zs, acts = _forward(net, x)
    # by the book's layer r: fps[r] = f'(z^r), acts[r] = a^r (index 0 unused)
    fps = [np.empty(0)] * 2 + [net.layer_activation(r - 2).prime(zs[r - 1], acts[r - 1]) for r in range(2, L + 1)]
    acts = [np.empty(0)] + acts
    z_L, a_L = zs[L - 1].reshape(-1, 1), acts[L].reshape(-1, 1)
    delta_L = net.cost.delta(z_L, a_L, y, net.layer_activation(L - 2)).ravel()  # BP1: f'(z^L_m) ∂C/∂a^L_m
    with np.errstate(divide="ignore", invalid="ignore"):
        grad_a = net.cost.grad_a(a_L, y).ravel()  # ∂C/∂a^L_m, shown as the last factor

    # Backward over layers L..l: the largest suffixes (values and neuron sequences) of every neuron of layer r.
    keep = min(top, path_count(net.sizes, l))
    vals = delta_L.reshape(-1, 1)  # (n_L, 1): the suffix of m is δ^L_m (f'(z^L_m) folded in)
    seqs = np.arange(len(delta_L)).reshape(-1, 1, 1)  # (n_L, 1, 1)
    total_suffix = delta_L.copy()  # Σ over all suffixes: δ^r, the path sum layer by layer (BP2)
    for r in range(L - 1, l - 1, -1):
        w_next = net.weights[r - 1]  # w^(r+1), shape (n_(r+1), n_r)
        nodes = [j] if r == l else range(w_next.shape[1])
        per = min(keep, vals.shape[0] * vals.shape[1])
        new_vals = np.empty((w_next.shape[1], per))
        new_seqs = np.zeros((w_next.shape[1], per, seqs.shape[2] + 1), dtype=np.int64)
        for q in nodes:
            cand = (fps[r][q] * w_next[:, q])[:, None] * vals  # f'(z^r_q) w^(r+1)_pq × suffix of p
            flat = cand.ravel()
            best = _top(flat, per)
            p_idx, s_idx = np.divmod(best, vals.shape[1])
            new_vals[q] = flat[best]
            new_seqs[q, :, 0] = q
            new_seqs[q, :, 1:] = seqs[p_idx, s_idx]
        vals, seqs = new_vals, new_seqs
        total_suffix = fps[r] * (w_next.T @ total_suffix)
    a_k = float(acts[l - 1][k])  # (for l = L the one path is valued a^(L−1)_k δ^L_j)
    paths = tuple(_path(net, acts, fps, grad_a, l, k, tuple(int(n) for n in seq), float(v))
                  for seq, v in zip(seqs[j], a_k * vals[j]))
    count = path_count(net.sizes, l)
    listed = math.fsum(p.value for p in paths)
    rest = 0.0 if len(paths) == count else a_k * float(total_suffix[j]) - listed
    nabla_b, nabla_w = net.backprop(x, y)
    return PathSum(l, j, k, L, paths, count, rest, listed + rest, float(nabla_w[l - 2][j, k]), a_k,
                   float(nabla_b[l - 2][j, 0]), example)


def _path(net: Network, acts: list, fps: list, grad_a: np.ndarray, l: int, k: int, neurons: tuple[int, ...],
          value: float) -> Path:
    """The book's rate factors of one path (the value is passed in, computed stably)."""
    j = neurons[0]
    factors = [float(fps[l][j] * acts[l - 1][k])]  # ∂a^l_j/∂w^l_jk = f'(z^l_j) a^(l−1)_k
    for step, (p, q) in enumerate(zip(neurons, neurons[1:])):
        r = l + 1 + step  # ∂a^r_q/∂a^(r−1)_p = f'(z^r_q) w^r_qp
        factors.append(float(fps[r][q] * net.weights[r - 2][q, p]))
    factors.append(float(grad_a[neurons[-1]]))  # ∂C/∂a^L_m
    return Path(l, neurons, tuple(factors), value)


def current_example(engine) -> tuple[int, np.ndarray, np.ndarray]:
    """(row, x, y) of the example the engine is stepping, or between minibatches the next one it will take."""
    from visualbp.core.engine import epoch_permutation

    row = engine.current_example_index()
    if row is None:
        epoch, _, offset, _ = engine.position
        row = int(epoch_permutation(engine.seed, epoch, engine.n_train)[offset % engine.n_train])
    return row, engine.X[row].reshape(-1, 1), engine.Y[row].reshape(-1, 1)


def engine_path_sum(engine, l: int, j: int, k: int, top: int = TOP_PATHS) -> PathSum:
    """``path_sum`` for the engine's network and its current (or next) example, on a copy of the network so
    the paths and backprop see the same weights even while training updates them."""
    row, x, y = current_example(engine)
    return path_sum(engine.net.copy(), x, y, l, j, k, top, example=row)
