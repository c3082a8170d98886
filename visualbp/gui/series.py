"""Bounded per-minibatch history for the live plots: a downsampling store and an exponential moving average.

Pure NumPy. ``DownsamplingSeries`` halves its resolution when full, so an hour-long run keeps a
fixed amount of memory; ``ema`` smooths a delivery of minibatch costs or ‖δ^l‖ in one vectorised pass.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


class DownsamplingSeries:
    """A fixed-capacity store of (x, y) points that averages old points together when full.

    Every stored point is the mean of ``stride`` consecutive raw points (the newest,
    partly filled bucket of fewer). When ``capacity`` points are stored, neighbouring
    pairs are averaged and ``stride`` doubles, so resolution degrades evenly and
    memory stays bounded however long the run. ``y`` may have several columns
    (``width``): one series per layer, sharing x. The weighted mean of the stored
    points (weights :meth:`counts`) equals the mean of everything appended, and
    :meth:`data` starts at the first raw x and ends at the last raw x.
    """

    def __init__(self, capacity: int = 4000, width: int = 1) -> None:
        if capacity < 4:
            raise ValueError(f"capacity must be at least 4, not {capacity}")
        if width < 1:
            raise ValueError(f"width must be at least 1, not {width}")
        self.capacity = capacity + (capacity % 2)  # even, so halving pairs everything
        self.width = width
        self._x = np.empty(self.capacity)
        self._y = np.empty((self.capacity, width))
        self._n = 0
        self.stride = 1
        self._pending_x = np.empty(0)
        self._pending_y = np.empty((0, width))
        self._first_x: float | None = None
        self._last_x: float | None = None
        self.total = 0  # raw points appended (and not dropped)

    @property
    def last_x(self) -> float | None:
        """x of the newest raw point (None when empty)."""
        return self._last_x

    def __len__(self) -> int:
        return self._n + (1 if len(self._pending_x) else 0)

    def clear(self) -> None:
        self._n = 0
        self.stride = 1
        self._pending_x = np.empty(0)
        self._pending_y = np.empty((0, self.width))
        self._first_x = self._last_x = None
        self.total = 0

    def append(self, x: ArrayLike, y: ArrayLike) -> None:
        """Append raw points in bulk: ``x`` shape (k,), ``y`` shape (k,) or (k, width); x must increase."""
        x = np.asarray(x, dtype=float).ravel()
        if not len(x):
            return
        y = np.asarray(y, dtype=float).reshape(len(x), self.width)
        if self._first_x is None:
            self._first_x = float(x[0])
        self._last_x = float(x[-1])
        self.total += len(x)
        if len(self._pending_x):
            x = np.concatenate([self._pending_x, x])
            y = np.concatenate([self._pending_y, y])
        while len(x) >= self.stride:
            s = self.stride
            take = min(len(x) // s, self.capacity - self._n)
            n = take * s
            self._x[self._n:self._n + take] = x[:n].reshape(take, s).mean(axis=1)
            self._y[self._n:self._n + take] = y[:n].reshape(take, s, self.width).mean(axis=1)
            self._n += take
            x, y = x[n:], y[n:]
            if self._n == self.capacity:
                self._halve()
        self._pending_x, self._pending_y = x.copy(), y.copy()

    def _halve(self) -> None:
        n = self._n // 2
        self._x[:n] = self._x[:2 * n].reshape(n, 2).mean(axis=1)
        self._y[:n] = self._y[:2 * n].reshape(n, 2, self.width).mean(axis=1)
        self._n = n
        self.stride *= 2

    def counts(self) -> np.ndarray:
        """How many raw points each point of :meth:`data` stands for."""
        c = np.full(self._n, self.stride, dtype=np.int64)
        if len(self._pending_x):
            c = np.append(c, len(self._pending_x))
        return c

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        """(x (n,), y (n, width)) of the stored points, oldest first (copies)."""
        x, y = self._x[:self._n], self._y[:self._n]
        if len(self._pending_x):
            x = np.append(x, self._pending_x.mean())
            y = np.vstack([y, self._pending_y.mean(axis=0, keepdims=True)])
        else:
            x, y = x.copy(), y.copy()
        if len(x):  # the curve spans exactly the raw range
            x[0], x[-1] = self._first_x, self._last_x
        return x, y

    def mean(self) -> np.ndarray:
        """Mean of every raw y appended, per column."""
        if not len(self):
            return np.full(self.width, np.nan)
        x, y = self.data()
        return np.average(y, axis=0, weights=self.counts())

    def drop_from(self, x0: float) -> None:
        """Forget every point at x ≥ ``x0`` (after stepping back, the redone minibatches replace them)."""
        if self._last_x is None or self._last_x < x0:
            return
        keep = int(np.searchsorted(self._x[:self._n], x0, side="left"))
        if keep < self._n:
            self._n = keep
            self._pending_x, self._pending_y = np.empty(0), np.empty((0, self.width))
        else:
            mask = self._pending_x < x0
            self._pending_x, self._pending_y = self._pending_x[mask], self._pending_y[mask]
        self.total = self._n * self.stride + len(self._pending_x)
        if not len(self):
            self.clear()
            return
        self._last_x = float(self._pending_x[-1]) if len(self._pending_x) else float(self._x[self._n - 1])


def ema(values: np.ndarray, alpha: float, start: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    """Exponential moving average s_i = (1 − α) s_(i−1) + α v_i down axis 0 of ``values``, vectorised in blocks.

    ``values`` is (k,) or (k, width); ``start`` is the previous s (None: begin at the first
    values). Returns (s with the shape of ``values``, the last s).
    """
    values = np.asarray(values, dtype=float)
    if not len(values):
        return values, start
    flat = values.ndim == 1
    v2 = values.reshape(len(values), -1)
    alpha = float(min(max(alpha, 1e-4), 0.5))
    out = np.empty_like(v2)
    s = v2[0].copy() if start is None else np.broadcast_to(np.asarray(start, dtype=float), v2[0].shape).copy()
    bad = ~np.isfinite(s)
    s[bad] = v2[0][bad]
    block = 128  # (1 − α)^(−128) stays far inside float64 for α ≤ 1/2
    q = 1.0 - alpha
    for i in range(0, len(v2), block):
        v = v2[i:i + block]
        grow = (q ** -np.arange(1, len(v) + 1, dtype=float))[:, None]  # (1 − α)^(−(j+1))
        out[i:i + len(v)] = (s + alpha * np.cumsum(v * grow, axis=0)) / grow
        s = out[i + len(v) - 1].copy()
    return (out[:, 0] if flat else out), s
