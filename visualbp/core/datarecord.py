"""The ``Dataset`` record every data set is held in, and the checks the loaders share.

``Dataset`` is a frozen record of read-only NumPy arrays: ``X_train`` is ``(n_train, n_inputs)``
float64 and ``y_train`` is ``(n_train,)`` int64 class labels. ``training_data()`` and
``validation_data()`` give the book's format: a list of ``(x, y)`` tuples with ``x`` an
``(n_inputs, 1)`` column and ``y`` a one-hot ``(n_classes, 1)`` column. Any problem raises
``DatasetError``, a ``ValueError`` whose message names the file (or data set) and what is wrong.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from visualbp.core import limits

#: Largest |feature| a dataset may hold: differences of ±1e308 overflow to inf in every range.
MAX_FEATURE = 1e100

class DatasetError(ValueError):
    """A dataset could not be loaded. The message names the file (if any)
    and the problem."""


#### The Dataset record
@dataclass(frozen=True, eq=False, repr=False)
class Dataset:
    """A dataset split into training and validation examples.

    The arrays are stored as read-only, C-contiguous copies (or views):
    ``X_*`` as float64 of shape ``(n, n_inputs)``, ``y_*`` as int64 class
    labels ``0..n_classes-1`` of shape ``(n,)``. Two datasets compare equal
    only if they are the same object."""

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    n_classes: int
    image_shape: tuple[int, int] | None
    description: str
    class_names: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        where = f"dataset {self.name!r}"
        if not isinstance(self.name, str):
            raise DatasetError(f"dataset name must be a string, not {type(self.name).__name__}")
        if isinstance(self.n_classes, bool) or not isinstance(self.n_classes, (int, np.integer)):
            raise DatasetError(f"{where}: n_classes must be an integer")
        n_classes = int(self.n_classes)
        if n_classes < 1:
            raise DatasetError(f"{where}: n_classes must be at least 1, not {n_classes}")
        object.__setattr__(self, "n_classes", n_classes)

        X_train = _frozen(self.X_train, np.float64, where, "X_train")
        X_val = _frozen(self.X_val, np.float64, where, "X_val")
        y_train = _frozen(self.y_train, np.int64, where, "y_train")
        y_val = _frozen(self.y_val, np.int64, where, "y_val")
        if X_train.ndim != 2 or X_val.ndim != 2:
            raise DatasetError(f"{where}: X_train and X_val must be 2-D (examples, inputs)")
        if X_train.shape[1] != X_val.shape[1]:
            raise DatasetError(
                f"{where}: X_train has {X_train.shape[1]} inputs but X_val has {X_val.shape[1]}")
        if X_train.shape[1] < 1:
            raise DatasetError(f"{where}: the examples have no inputs")
        if y_train.shape != (X_train.shape[0],) or y_val.shape != (X_val.shape[0],):
            raise DatasetError(f"{where}: y_train / y_val must be 1-D, one label per example")
        if X_train.shape[0] < 1:
            raise DatasetError(f"{where}: there must be at least 1 training example")
        for label, y in (("y_train", y_train), ("y_val", y_val)):
            if y.size and (y.min() < 0 or y.max() >= n_classes):
                raise DatasetError(f"{where}: {label} has labels outside 0..{n_classes - 1}")
        for label, X in (("X_train", X_train), ("X_val", X_val)):
            if not np.isfinite(X).all():
                raise DatasetError(f"{where}: {label} contains NaN or infinite values")
            if X.size and max(float(X.max()), -float(X.min())) > MAX_FEATURE:  # no |X| temporary
                raise DatasetError(f"{where}: {label} has values beyond ±{MAX_FEATURE:g}; "
                                   "rescale the data (ranges this large overflow every computation)")
        if self.image_shape is not None:
            shape = tuple(int(s) for s in self.image_shape)
            if len(shape) != 2 or shape[0] * shape[1] != X_train.shape[1]:
                raise DatasetError(
                    f"{where}: image_shape {self.image_shape} does not match "
                    f"{X_train.shape[1]} inputs")
            object.__setattr__(self, "image_shape", shape)
        if self.class_names is not None:
            names = tuple(str(c) for c in self.class_names)
            if len(names) != n_classes:
                raise DatasetError(f"{where}: {len(names)} class names for {n_classes} classes")
            object.__setattr__(self, "class_names", names)
        object.__setattr__(self, "X_train", X_train)
        object.__setattr__(self, "X_val", X_val)
        object.__setattr__(self, "y_train", y_train)
        object.__setattr__(self, "y_val", y_val)

    # Sizes
    @property
    def n_inputs(self) -> int:
        return int(self.X_train.shape[1])

    @property
    def n_outputs(self) -> int:
        return self.n_classes

    @property
    def n_train(self) -> int:
        return int(self.X_train.shape[0])

    @property
    def n_val(self) -> int:
        return int(self.X_val.shape[0])

    @property
    def is_2d(self) -> bool:
        return self.n_inputs == 2

    @property
    def is_regression(self) -> bool:
        """Real targets to fit (``visualbp.core.functions``), not classes: no accuracy, no classes to name."""
        return False

    # One-hot labels
    @cached_property
    def Y_train(self) -> np.ndarray:
        """One-hot training labels, float64 of shape ``(n_train, n_classes)``."""
        return _one_hot(self.y_train, self.n_classes)

    @cached_property
    def Y_val(self) -> np.ndarray:
        """One-hot validation labels, float64 of shape ``(n_val, n_classes)``."""
        return _one_hot(self.y_val, self.n_classes)

    # The book's format
    def training_data(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Return a list of ``(x, y)`` tuples, ``x`` an ``(n_inputs, 1)``
        column and ``y`` a one-hot ``(n_classes, 1)`` column (read-only
        views). A new list each call, so it can be shuffled in place."""
        return _columns(self.X_train, self.Y_train)

    def validation_data(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Like ``training_data()`` for the validation split (``y`` one-hot)."""
        return _columns(self.X_val, self.Y_val)

    def __repr__(self) -> str:
        return (f"Dataset({self.name!r}, train={self.n_train}, val={self.n_val}, "
                f"inputs={self.n_inputs}, classes={self.n_classes})")


def _frozen(a: Any, dtype: type, where: str, label: str) -> np.ndarray:
    """Return ``a`` as a C-contiguous, read-only array of ``dtype``."""
    try:
        arr = np.ascontiguousarray(a, dtype=dtype)
    except (TypeError, ValueError, OverflowError) as exc:
        raise DatasetError(f"{where}: {label} cannot be converted to {np.dtype(dtype)}: {exc}") from None
    if arr.flags.writeable:
        arr = arr.view()  # do not freeze the caller's array, only our view of it
        arr.flags.writeable = False
    return arr


def _one_hot(y: np.ndarray, n_classes: int) -> np.ndarray:
    Y = np.zeros((y.shape[0], n_classes), dtype=np.float64)
    Y[np.arange(y.shape[0]), y] = 1.0
    Y.flags.writeable = False
    return Y


def _columns(X: np.ndarray, Y: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(x.reshape(-1, 1), y.reshape(-1, 1)) for x, y in zip(X, Y)]


def check_seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise DatasetError(f"seed must be a non-negative integer, not {seed!r}")
    return int(seed)


def check_val_fraction(val_fraction: Any) -> float:
    try:
        v = float(val_fraction)
    except (TypeError, ValueError):
        raise DatasetError(f"val_fraction must be a number, not {val_fraction!r}") from None
    low, high = limits.VAL_FRACTION.low, limits.VAL_FRACTION.high
    if isinstance(val_fraction, bool) or not (low <= v <= high):
        raise DatasetError(f"val_fraction must be between {low:g} and {high:g}, not {val_fraction!r}")
    return v



def n_val(n: int, val_fraction: float) -> int:
    """Validation examples out of ``n``: ceil(n * val_fraction) (as in
    scikit-learn's train_test_split), leaving at least 1 for training."""
    return max(0, min(n - 1, math.ceil(n * val_fraction - 1e-9)))


def check_range(X: np.ndarray, where: str) -> None:
    if X.size and max(float(X.max()), -float(X.min())) > MAX_FEATURE:
        raise DatasetError(f"{where}: values beyond ±{MAX_FEATURE:g}; features must lie within "
                           f"±{MAX_FEATURE:g} (rescale the data)")


def split(X: np.ndarray, y: np.ndarray, n_val: int, rng: np.random.Generator
           ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Shuffle by a permutation from ``rng``; the first ``n_val`` shuffled
    examples are the validation split, the rest the training split."""
    perm = rng.permutation(len(y))
    val, train = perm[:n_val], perm[n_val:]
    return (X[train], y[train]), (X[val], y[val])
