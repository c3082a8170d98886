"""Feedforward over a grid of 2-D inputs: what every neuron computes across the input plane.

Used to draw each neuron as a heatmap (as TensorFlow Playground does) and the
output as the decision boundary. Feedforward only; no gradients.

The grid is fed forward a block of points at a time, so what is held at once stays bounded
(about ``CHUNK_FLOATS`` numbers per layer) however wide a layer is: a^l = σ(w^l a^(l−1) + b^l)
needs all of a^(l−1) but only for the points of the block. ``rows`` keeps only the first
rows of each layer (the neurons a view draws), so a 100,000-neuron layer costs its block,
not 100,000 × resolution² numbers. ``GridProbe`` does the same work in steps, so a caller
with an event loop can spread a big network's grid over several short slices of time.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from visualbp.core.network import Network

#: Numbers one block of the grid holds per layer (points in the block × the widest layer): 1 M floats is 8 MB.
CHUNK_FLOATS = 1_000_000
#: Multiply-adds (weights × points) in one block of a probe done in steps: at most ~40 ms on the largest
#: network (a block must hold a few dozen points, or reading the weights for every block costs more than the work).
CHUNK_WORK = 500_000_000


def block_size(sizes: Sequence[int], max_floats: int = CHUNK_FLOATS, max_work: int | None = CHUNK_WORK) -> int:
    """Points (or examples) per block of a feedforward over ``sizes``: at most ``max_floats`` numbers of the
    widest layer and ``max_work`` multiply-adds through all the weights (None: no limit), and at least 1."""
    sizes = [int(n) for n in sizes]
    block = int(max_floats) // max(sizes)
    if max_work is not None:
        weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:])) + sum(sizes)
        block = min(block, int(max_work) // max(1, weights))
    return max(1, block)


#: The margin around the data on the input plane, as a share of the data's extent on each side.
PLANE_MARGIN = 0.1

Plane = tuple[tuple[float, float], tuple[float, float]]  # (xlim, ylim): x1 from … to, x2 from … to


def square_plane(xlim: tuple[float, float], ylim: tuple[float, float]) -> Plane:
    """The square with the centre of the rectangle xlim × ylim and its longer side: x1 and x2 at one scale, so a
    square tile or an equal-aspect plot shows a circle of inputs as a circle."""
    (x0, x1), (y0, y1) = (float(xlim[0]), float(xlim[1])), (float(ylim[0]), float(ylim[1]))
    half = max(x1 - x0, y1 - y0, 1e-9) / 2.0
    cx, cy = (x0 + x1) / 2.0, (y0 + y1) / 2.0
    return (cx - half, cx + half), (cy - half, cy + half)


def input_plane(X: np.ndarray, margin: float = PLANE_MARGIN) -> Plane:
    """THE input plane of 2-D data X (n, 2): the bounding box of the points widened by ``margin`` × its extent on
    every side, then made square (``square_plane``). The decision boundary's home view and the graph's neuron
    tiles both show this plane (the tiles through ``GridProbe``, which squares what it is given the same way)."""
    X = np.asarray(X, dtype=np.float64).reshape(-1, 2)
    if not len(X):
        return (-1.0, 1.0), (-1.0, 1.0)
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = margin * np.maximum(hi - lo, 1e-9)
    return square_plane((lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1]))


def grid_inputs(xlim: tuple[float, float], ylim: tuple[float, float], resolution: int) -> np.ndarray:
    """Columns (2, resolution²) of the grid points, row-major from (xlim[0], ylim[0])."""
    xs = np.linspace(xlim[0], xlim[1], resolution)
    ys = np.linspace(ylim[0], ylim[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    return np.vstack([gx.ravel(), gy.ravel()])


class GridProbe:
    """a^l over a grid of the input plane, computed a block of points at a time.

    ``rows[l − 1]`` is how many neurons (the first ones, j = 0 … rows − 1) of layer l are kept
    (None: all of them; 0: none); the block size is chosen so that a block of the widest layer
    holds at most ``max_floats`` numbers and costs at most ``max_work`` multiply-adds (``block_size``).
    The weights and biases are taken when the probe is made (the list, not a copy of the arrays).
    The plane is made square by default (``square_plane``: the shorter side widened about its centre), so what a
    square tile shows has x1 and x2 at one scale; ``xlim``/``ylim`` are the plane actually probed. An
    equal-aspect plot that covers exactly its (non-square) view passes ``square=False``.
    ``step()`` computes one block, ``run(seconds)`` computes blocks until done or until ``seconds`` have
    passed, ``result()`` gives a list of a^l, l = 1..L, each shaped (rows_l, resolution, resolution)
    (row = y, column = x).
    """

    def __init__(self, net: Network, xlim: tuple[float, float], ylim: tuple[float, float],
                 resolution: int = 48, rows: Sequence[int | None] | None = None,
                 max_floats: int = CHUNK_FLOATS, max_work: int | None = CHUNK_WORK, square: bool = True) -> None:
        sizes = list(net.sizes)
        if sizes[0] != 2:
            raise ValueError(f"a grid needs a network with 2 inputs, this one has {sizes[0]}")
        if rows is None:
            rows = [None] * len(sizes)
        if len(rows) != len(sizes):
            raise ValueError(f"rows needs one entry per layer ({len(sizes)}), got {len(rows)}")
        self.resolution = int(resolution)
        self.rows = [n if r is None else max(0, min(int(r), n)) for r, n in zip(rows, sizes)]
        self._weights, self._biases = list(net.weights), list(net.biases)
        self._acts = [net.layer_activation(i) for i in range(len(self._weights))]
        if square:
            xlim, ylim = square_plane(xlim, ylim)
        self.xlim, self.ylim = (float(xlim[0]), float(xlim[1])), (float(ylim[0]), float(ylim[1]))
        self._x = grid_inputs(self.xlim, self.ylim, self.resolution)
        self.points = self._x.shape[1]
        self.block = block_size(sizes, max_floats, max_work)
        self._out = [np.empty((r, self.points)) for r in self.rows]
        # the last layer any kept row needs: nothing past it is computed
        kept = [i for i, r in enumerate(self.rows) if r > 0]
        self._depth = kept[-1] if kept else 0
        self._next = 0

    @property
    def done(self) -> bool:
        return self._next >= self.points

    def step(self) -> bool:
        """Feed the next block of points forward; True when every point is done."""
        if self.done:
            return True
        p0, p1 = self._next, min(self._next + self.block, self.points)
        a = self._x[:, p0:p1]
        self._out[0][:, p0:p1] = a[:self.rows[0]]
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            for i in range(self._depth):
                a = self._acts[i](self._weights[i] @ a + self._biases[i])
                r = self.rows[i + 1]
                if r:
                    self._out[i + 1][:, p0:p1] = a[:r]
        self._next = p1
        return self.done

    def run(self, seconds: float | None = None) -> bool:
        """Compute blocks until done (``seconds`` None) or until ``seconds`` have passed; True when done."""
        t_end = None if seconds is None else time.perf_counter() + seconds
        while not self.step():
            if t_end is not None and time.perf_counter() >= t_end:
                return False
        return True

    def blocks(self):
        """A generator computing one block per ``next`` and returning ``result()`` when done: for a caller that
        spreads the work over slices of time (``visualbp.gui.sliced_jobs``)."""
        while not self.step():
            yield
        return self.result()

    def result(self) -> list[np.ndarray]:
        """a^l for l = 1..L, each (rows_l, resolution, resolution); only meaningful once ``done``."""
        res = self.resolution
        return [o.reshape(len(o), res, res) for o in self._out]


def activations_on_grid(
    net: Network, xlim: tuple[float, float], ylim: tuple[float, float], resolution: int = 48,
    rows: Sequence[int | None] | None = None,
) -> list[np.ndarray]:
    """a^l over the grid for l = 1..L, each shaped (n_l, resolution, resolution) (row = y, column = x).

    With ``rows``, only the first ``rows[l − 1]`` neurons of layer l are kept (None: all), so the memory
    is the kept rows plus one block of points, not every neuron × resolution². Done in one call, so the
    blocks are as large as the memory bound allows (fastest)."""
    probe = GridProbe(net, xlim, ylim, resolution, rows, max_work=None)
    probe.run()
    return probe.result()


def output_on_grid(
    net: Network, xlim: tuple[float, float], ylim: tuple[float, float], resolution: int = 48,
) -> np.ndarray:
    """a^L over the grid, shaped (n_L, resolution, resolution): the decision boundary's data, holding
    no hidden layer for the whole grid (a block of points at a time)."""
    sizes = list(net.sizes)
    rows = [0] * (len(sizes) - 1) + [sizes[-1]]
    return activations_on_grid(net, xlim, ylim, resolution, rows)[-1]
