"""
datasets
~~~~~~~~

A module to load the datasets that visualbp trains its networks on, in the
format used by Michael Nielsen's ``network.py``.

It provides:

* ``load(name)`` for the built-in datasets listed in ``BUILTIN``:

  - ``"mnist"``: the 10,000 MNIST *test* images shipped in ``resources/``
    (the 60,000 training images are not shipped), split by a seeded
    permutation into 8,000 training and 2,000 validation examples. The split
    is always 8,000 / 2,000, whatever ``val_fraction`` says. Pixels are
    scaled to [0, 1].
  - ``"digits"``: the 1,797 8x8 digit images from the UCI "Optical
    Recognition of Handwritten Digits" test set (as packaged by
    scikit-learn), values scaled from 0..16 to [0, 1], split by
    ``val_fraction``.
  - ``"xor"``, ``"circles"``, ``"moons"``, ``"spiral"``: small 2-D,
    two-class problems generated from a seed, in roughly [-1, 1] x [-1, 1],
    like those of the TensorFlow Playground.
  - ``"sine"``, ``"cubic"``: 1-D regression, y = f(x) + noise with real
    targets (``visualbp.core.functions``).

* ``load_idx(path)``, ``load_idx_pair(images, labels)`` and ``load_csv(path)``
  for a user's own data, gzipped or not (they live in ``visualbp.core.datafiles``,
  and ``Dataset`` in ``visualbp.core.datarecord``; both are re-exported here).

* ``Dataset``, a frozen record holding read-only NumPy arrays:
  ``X_train`` is ``(n_train, n_inputs)`` float64 and ``y_train`` is
  ``(n_train,)`` int64 class labels. ``training_data()`` and
  ``validation_data()`` give the book's format: a list of ``(x, y)`` tuples
  with ``x`` an ``(n_inputs, 1)`` column and ``y`` a one-hot
  ``(n_classes, 1)`` column. (In the book the validation labels are plain
  integers; here they are one-hot too, so both lists look alike.)

Any problem with a file or an argument raises ``DatasetError``, a
``ValueError`` whose message names the file and says what is wrong.

It leaves out, on purpose: downloading anything, the MNIST training images,
a test split (only train and validation), data augmentation, stratified
splits, feature scaling for a user's CSV files (the numbers are used as they
are), CSV delimiters other than the comma, regression targets in a user's files, and any
dependency beyond NumPy and the standard library.
"""

#### Libraries
# Standard library
from __future__ import annotations

import importlib.resources
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Third-party libraries
import numpy as np

# The record and the readers of a user's files live in their own modules; their names are
# re-exported here, where the rest of visualbp has always found them.
from visualbp.core import limits
from visualbp.core.datafiles import (
    MAX_DATA_FILE_BYTES,
    load_csv,
    load_idx,
    load_idx_pair,
    parse_csv,
    parse_idx,
    read_data_bytes,
)
from visualbp.core.datarecord import MAX_FEATURE, Dataset, DatasetError
from visualbp.core.datarecord import check_seed as _check_seed
from visualbp.core.datarecord import check_val_fraction as _check_val_fraction
from visualbp.core.datarecord import n_val as _n_val
from visualbp.core.datarecord import split as _split
from visualbp.core.functions import FUNCTIONS, load_function

__all__ = [
    "BUILTIN",
    "Dataset",
    "DatasetError",
    "load",
    "load_csv",
    "load_idx",
    "load_idx_pair",
    "MAX_DATA_FILE_BYTES",
    "MAX_FEATURE",
]

BUILTIN: tuple[str, ...] = ("mnist", "digits", "xor", "circles", "moons", "spiral", "sine", "cubic")

# Files shipped in resources/ (see resources/NOTICE.md).
_MNIST_IMAGES = "t10k-images-idx3-ubyte.gz"
_MNIST_LABELS = "t10k-labels-idx1-ubyte.gz"
_DIGITS_CSV = "digits.csv.gz"
#: The example of the CSV format for own data: a header, 2 features, 3 classes named by words (made for visualbp).
EXAMPLE_CSV = "weather.csv"
_MNIST_N_VAL = 2000

_MAX_GENERATED = limits.POINTS.high

# Parsed built-in data, so that a second load() is fast.
_CACHE: dict[str, tuple[np.ndarray, np.ndarray]] = {}


#: The generated 2-D sets lie in [−1, 1]; noise beyond this is all noise (and overflows ranges near 1e308).
MAX_NOISE = limits.NOISE.high


#### Built-in datasets
def load(name: str, *, seed: int = 0, n: int = 400, noise: float = 0.1,
         val_fraction: float = 0.2) -> Dataset:
    """Return the built-in dataset ``name`` (one of ``BUILTIN``).

    ``seed`` fixes the train/validation split and, for the generated sets,
    the points. ``n`` (total number of points, at least 4) and ``noise``
    (standard deviation of Gaussian noise added to each coordinate, in the
    same units as the [-1, 1] plot; for ``"sine"`` and ``"cubic"`` to the
    target y) apply to the generated sets only and are ignored for
    ``"mnist"`` and ``"digits"``. ``val_fraction`` (0 to 0.9)
    is the share of examples held out for validation; it is ignored for
    ``"mnist"``, which is always 8,000 training / 2,000 validation."""
    if not isinstance(name, str):
        raise DatasetError(f"dataset name must be a string, not {type(name).__name__}")
    key = name.strip().lower()
    if key not in BUILTIN:
        raise DatasetError(f"unknown dataset {name!r}; valid names: {', '.join(BUILTIN)}")
    seed = _check_seed(seed)
    val_fraction = _check_val_fraction(val_fraction)
    if key == "mnist":
        return _load_mnist(seed)
    if key == "digits":
        return _load_digits(seed, val_fraction)
    n = _check_n(n)
    noise = _check_noise(noise)
    rng = np.random.default_rng(seed)
    if key in FUNCTIONS:
        return load_function(key, rng, n, noise, val_fraction)
    X, y = _GENERATORS[key](rng, n)
    if noise > 0:
        X = X + rng.normal(0.0, noise, size=X.shape)
    (X_tr, y_tr), (X_va, y_va) = _split(X, y, _n_val(n, val_fraction), rng)
    title = {"xor": "XOR", "circles": "Circles", "moons": "Moons", "spiral": "Spiral"}[key]
    return Dataset(
        name=key, X_train=X_tr, y_train=y_tr, X_val=X_va, y_val=y_va, n_classes=2,
        image_shape=None,
        description=(f"{title}: {len(y_tr):,} train / {len(y_va):,} validation, "
                     f"2 inputs, noise {noise:g}"))

def _check_n(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise DatasetError(f"n must be an integer, not {n!r}")
    if not limits.POINTS.low <= n <= _MAX_GENERATED:
        raise DatasetError(f"n must be between {limits.POINTS.low} and {_MAX_GENERATED:,} points, not {n}")
    return int(n)


def _check_noise(noise: Any) -> float:
    try:
        v = float(noise)
    except (TypeError, ValueError):
        raise DatasetError(f"noise must be a number, not {noise!r}") from None
    if isinstance(noise, bool) or not math.isfinite(v) or v < limits.NOISE.low or v > MAX_NOISE:
        raise DatasetError(f"noise must be a number from 0 to {MAX_NOISE:g}, not {noise!r}")
    return v


def _resource_bytes(filename: str) -> tuple[bytes, str]:
    """Return the contents of a file shipped in resources/ and a name for
    it in messages."""
    try:
        candidate = importlib.resources.files("visualbp.resources") / filename
        if candidate.is_file():
            if isinstance(candidate, Path):  # a plain file: read it like any other, bounded
                return read_data_bytes(candidate)
            return candidate.read_bytes(), str(candidate)
    except (ImportError, TypeError, ValueError, OSError):
        pass
    return read_data_bytes(_resource_path(filename))


def _resource_path(filename: str) -> Path:
    """The path of a shipped data file in a source checkout."""
    try:
        candidate = importlib.resources.files("visualbp.resources") / filename
        if isinstance(candidate, Path) and candidate.is_file():
            return candidate
    except (ImportError, TypeError, ValueError, OSError):
        pass
    return Path(__file__).resolve().parents[2] / "resources" / filename


def example_csv() -> Path:
    """The shipped example CSV (``resources/weather.csv``): the format a user's own data takes."""
    return _resource_path(EXAMPLE_CSV)


def _mnist_arrays() -> tuple[np.ndarray, np.ndarray]:
    """The 10,000 MNIST test images as read-only (10000, 784) float64 in
    [0, 1] and their labels as read-only int64, parsed once."""
    if "mnist" not in _CACHE:
        raw, where = _resource_bytes(_MNIST_IMAGES)
        images = parse_idx(raw, where)
        if images.shape != (10000, 28, 28) or images.dtype != np.uint8:
            raise DatasetError(f"{where}: expected 10000 28x28 uint8 images, found "
                               f"{images.shape} {images.dtype}")
        raw, where = _resource_bytes(_MNIST_LABELS)
        labels = parse_idx(raw, where)
        if labels.shape != (10000,) or labels.max() > 9:
            raise DatasetError(f"{where}: expected 10000 labels 0..9, found shape {labels.shape}")
        X = images.reshape(10000, 784).astype(np.float64) / 255.0
        y = labels.astype(np.int64)
        X.flags.writeable = False
        y.flags.writeable = False
        _CACHE["mnist"] = (X, y)
    return _CACHE["mnist"]


def _load_mnist(seed: int) -> Dataset:
    X, y = _mnist_arrays()
    (X_tr, y_tr), (X_va, y_va) = _split(X, y, _MNIST_N_VAL, np.random.default_rng(seed))
    return Dataset(
        name="mnist", X_train=X_tr, y_train=y_tr, X_val=X_va, y_val=y_va, n_classes=10,
        image_shape=(28, 28),
        description=(f"MNIST test set: {len(y_tr):,} train / {len(y_va):,} validation, 28×28"))


def _digits_arrays() -> tuple[np.ndarray, np.ndarray]:
    if "digits" not in _CACHE:
        raw, where = _resource_bytes(_DIGITS_CSV)
        table, _lines = parse_csv(raw, where)
        if table.shape != (1797, 65):
            raise DatasetError(f"{where}: expected 1797 rows of 65 values, found {table.shape}")
        X = np.ascontiguousarray(table[:, :64] / 16.0)
        y = table[:, 64].astype(np.int64)
        if X.min() < 0 or X.max() > 1 or y.min() < 0 or y.max() > 9:
            raise DatasetError(f"{where}: values outside 0..16 or labels outside 0..9")
        X.flags.writeable = False
        y.flags.writeable = False
        _CACHE["digits"] = (X, y)
    return _CACHE["digits"]


def _load_digits(seed: int, val_fraction: float) -> Dataset:
    X, y = _digits_arrays()
    (X_tr, y_tr), (X_va, y_va) = _split(
        X, y, _n_val(len(y), val_fraction), np.random.default_rng(seed))
    return Dataset(
        name="digits", X_train=X_tr, y_train=y_tr, X_val=X_va, y_val=y_va, n_classes=10,
        image_shape=(8, 8),
        description=(f"Digits 8×8 (UCI): {len(y_tr):,} train / {len(y_va):,} validation, 8×8"))


#### Generated 2-D sets
# Each returns (X, y): n points in roughly [-1, 1]^2 before noise, labels 0/1,
# n // 2 points of class 0 and the rest of class 1.
def _class_sizes(n: int) -> tuple[int, int]:
    return n // 2, n - n // 2


def _labels(n: int) -> np.ndarray:
    n0, n1 = _class_sizes(n)
    return np.concatenate([np.zeros(n0, np.int64), np.ones(n1, np.int64)])


def _xor(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Four quadrants: label 1 where x1 * x2 > 0, label 0 elsewhere. Points
    keep a small margin (0.05) from the axes before noise is added."""
    y = _labels(n)
    mag = rng.uniform(0.05, 1.0, size=(n, 2))
    s1 = rng.choice([-1.0, 1.0], size=n)
    s2 = np.where(y == 1, s1, -s1)
    return mag * np.stack([s1, s2], axis=1), y


def _circles(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Label 0: a disc of radius 0.5; label 1: a ring of radii 0.7 to 1.0
    (uniform in area)."""
    n0, n1 = _class_sizes(n)
    r = np.concatenate([0.5 * np.sqrt(rng.uniform(0.0, 1.0, n0)),
                        np.sqrt(rng.uniform(0.49, 1.0, n1))])
    t = rng.uniform(0.0, 2 * np.pi, n)
    return np.stack([r * np.cos(t), r * np.sin(t)], axis=1), _labels(n)


def _moons(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles as in scikit-learn's make_moons (label 0
    the upper moon), rescaled by 1/1.5 about (0.5, 0.25) so x1 spans [-1, 1]
    and x2 spans [-0.5, 0.5]."""
    n0, n1 = _class_sizes(n)
    t0 = rng.uniform(0.0, np.pi, n0)
    t1 = rng.uniform(0.0, np.pi, n1)
    upper = np.stack([np.cos(t0), np.sin(t0)], axis=1)
    lower = np.stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)], axis=1)
    X = (np.concatenate([upper, lower]) - np.array([0.5, 0.25])) / 1.5
    return X, _labels(n)


def _spiral(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals as in the TensorFlow Playground: radius r in
    [0, 1], angle 1.75 turns * r, the second spiral turned by pi."""
    n0, n1 = _class_sizes(n)
    r = np.concatenate([np.linspace(0.0, 1.0, n0, endpoint=False),
                        np.linspace(0.0, 1.0, n1, endpoint=False)]) + 0.5 / max(n0, 1)
    r = np.minimum(r, 1.0)
    t = 1.75 * 2 * np.pi * r + np.where(_labels(n) == 1, np.pi, 0.0)
    return np.stack([r * np.sin(t), r * np.cos(t)], axis=1), _labels(n)


_GENERATORS: dict[str, Callable[[np.random.Generator, int], tuple[np.ndarray, np.ndarray]]] = {
    "xor": _xor, "circles": _circles, "moons": _moons, "spiral": _spiral,
}
