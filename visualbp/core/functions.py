"""Regression: built-in 1-D function data sets, a network's fit error on them and its curve over the interval.

``load_function(name, ...)`` gives a ``FunctionDataset``: ``n`` inputs x drawn uniformly from the function's
interval, targets y = f(x) plus Gaussian noise of standard deviation ``noise`` (the noise setting of the
generated sets), split into training and validation examples like them. Its ``Y_train`` / ``Y_val`` — what the
engine trains on — are the targets as one column (n, 1), not one-hot labels: a network with one linear output
neuron and the quadratic cost C_x = ½ (y − a^L)² fits them, and BP1 becomes δ^L = a^L − y (f'(z) = 1).

``fit_error`` is the root-mean-square error √(1/n Σ_x (a^L(x) − y(x))²) that stands where a classifier's
accuracy would; ``fit_curve`` is a^L(x) over the interval (and a little beyond), the line the fit view paints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from visualbp.core.datarecord import Dataset, DatasetError
from visualbp.core.datarecord import n_val as _n_val
from visualbp.core.datarecord import split as _split

#: The built-in functions: name → (f, interval of x, a title with the formula).
FUNCTIONS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], tuple[float, float], str]] = {
    "sine": (np.sin, (-np.pi, np.pi), "Sine: y = sin(x), x in [−π, π]"),
    "cubic": (lambda x: x ** 3 - x, (-1.5, 1.5), "Cubic: y = x³ − x, x in [−1.5, 1.5]"),
}

#: Points on a fit curve: smooth at any plot width, cheap for any network the app builds.
CURVE_POINTS = 200


@dataclass(frozen=True, eq=False, repr=False)
class FunctionDataset(Dataset):
    """A 1-D regression data set: ``X_*`` (n, 1) inputs, ``t_*`` (n,) real targets y = f(x) (+ noise).

    ``y_*`` are all 0 and ``n_classes`` is 1 (one output neuron); ``Y_*`` are the targets as a column."""

    t_train: np.ndarray | None = None
    t_val: np.ndarray | None = None
    interval: tuple[float, float] = (-1.0, 1.0)

    def __post_init__(self) -> None:
        super().__post_init__()
        where = f"dataset {self.name!r}"
        for label, t, X in (("t_train", self.t_train, self.X_train), ("t_val", self.t_val, self.X_val)):
            arr = np.array(t, dtype=np.float64) if t is not None else None
            if arr is None or arr.shape != (X.shape[0],):
                raise DatasetError(f"{where}: {label} must hold one real target per example")
            if not np.isfinite(arr).all():
                raise DatasetError(f"{where}: {label} contains NaN or infinite values")
            arr.flags.writeable = False
            object.__setattr__(self, label, arr)
        lo, hi = (float(v) for v in self.interval)
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise DatasetError(f"{where}: the interval must be two finite numbers, low < high")
        object.__setattr__(self, "interval", (lo, hi))
        if self.n_inputs != 1 or self.n_classes != 1:
            raise DatasetError(f"{where}: a function data set has 1 input and 1 output")

    @property
    def is_regression(self) -> bool:
        return True

    @cached_property
    def Y_train(self) -> np.ndarray:
        """The training targets as one column (n_train, 1): what a^L should be."""
        return _column(self.t_train)

    @cached_property
    def Y_val(self) -> np.ndarray:
        """The validation targets as one column (n_val, 1)."""
        return _column(self.t_val)

    def __repr__(self) -> str:
        return f"FunctionDataset({self.name!r}, train={self.n_train}, val={self.n_val})"


def _column(t: np.ndarray | None) -> np.ndarray:
    col = np.ascontiguousarray(np.asarray(t, dtype=np.float64).reshape(-1, 1))
    col.flags.writeable = False
    return col


def load_function(name: str, rng: np.random.Generator, n: int, noise: float, val_fraction: float
                  ) -> FunctionDataset:
    """``n`` points (x, f(x) + noise) of the built-in function ``name``, x uniform in its interval, split by
    ``rng`` like the generated 2-D sets (checked arguments: ``visualbp.core.datasets.load``)."""
    if name not in FUNCTIONS:
        raise DatasetError(f"unknown function {name!r}; valid names: {', '.join(FUNCTIONS)}")
    f, (lo, hi), title = FUNCTIONS[name]
    x = rng.uniform(lo, hi, size=n)
    t = f(x)
    if noise > 0:
        t = t + rng.normal(0.0, noise, size=n)
    (X_tr, t_tr), (X_va, t_va) = _split(x.reshape(-1, 1), t, _n_val(n, val_fraction), rng)
    zeros = np.zeros  # every example is "class 0" of one output: the label arrays keep their shape
    return FunctionDataset(
        name=name, X_train=X_tr, y_train=zeros(len(t_tr), np.int64), X_val=X_va,
        y_val=zeros(len(t_va), np.int64), n_classes=1, image_shape=None,
        description=f"{title}: {len(t_tr):,} train / {len(t_va):,} validation, noise {noise:g}",
        t_train=t_tr, t_val=t_va, interval=(lo, hi))


def fit_error(net, X: np.ndarray, Y: np.ndarray) -> float:
    """The RMS error √(1/n Σ_x ‖a^L(x) − y(x)‖²) over rows ``X`` (n, n_in), targets ``Y`` (n, n_out)."""
    if len(X) == 0:
        return float("nan")
    with np.errstate(over="ignore", invalid="ignore"):
        a = net.feedforward(np.asarray(X, dtype=np.float64).T)
        diff = a - np.asarray(Y, dtype=np.float64).T
        return float(np.sqrt(np.sum(diff * diff) / len(X)))


def curve_span(dataset: FunctionDataset) -> tuple[float, float]:
    """The x range a fit is drawn over: the interval and 5 % beyond each end (how the net extrapolates)."""
    lo, hi = dataset.interval
    pad = 0.05 * (hi - lo)
    return lo - pad, hi + pad


def fit_curve(net, dataset: FunctionDataset, points: int = CURVE_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """(x, a^L(x)): the network's output at ``points`` evenly spaced x over ``curve_span`` (feedforward only)."""
    lo, hi = curve_span(dataset)
    x = np.linspace(lo, hi, max(2, int(points)))
    with np.errstate(over="ignore", invalid="ignore"):
        a = net.feedforward(x.reshape(1, -1))
    return x, np.asarray(a[0], dtype=np.float64).copy()


def target_curve(dataset: FunctionDataset, points: int = CURVE_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """(x, f(x)) without noise over ``curve_span``: the function the data were drawn from."""
    lo, hi = curve_span(dataset)
    x = np.linspace(lo, hi, max(2, int(points)))
    return x, FUNCTIONS[dataset.name][0](x) if dataset.name in FUNCTIONS else np.full_like(x, np.nan)
