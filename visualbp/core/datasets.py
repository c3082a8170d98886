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

* ``load_idx(path)``, ``load_idx_pair(images, labels)`` and ``load_csv(path)``
  for a user's own data, gzipped or not.

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
splits, a choice of feature scaling (``labels.scale_features`` decides), CSV delimiters other than the comma, regression targets, and any
dependency beyond NumPy and the standard library.
"""

#### Libraries
# Standard library
from __future__ import annotations

import csv
import gzip
import importlib.resources
import io
import math
import os
import struct
import zlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

# Third-party libraries
import numpy as np

from visualbp.core import labels

__all__ = [
    "BUILTIN",
    "Dataset",
    "DatasetError",
    "load",
    "load_csv",
    "load_idx",
    "load_idx_pair",
]

BUILTIN: tuple[str, ...] = ("mnist", "digits", "xor", "circles", "moons", "spiral")

PathLike = str | os.PathLike[str]

# Files shipped in resources/ (see resources/NOTICE.md).
_MNIST_IMAGES = "t10k-images-idx3-ubyte.gz"
_MNIST_LABELS = "t10k-labels-idx1-ubyte.gz"
_DIGITS_CSV = "digits.csv.gz"
_MNIST_N_VAL = 2000

# Limits that keep a bad file or argument from eating all the memory.
_MAX_CLASSES = 1000
_MAX_GENERATED = 1_000_000

_GZIP_MAGIC = b"\x1f\x8b"

# IDX data-type byte -> big-endian NumPy dtype.
_IDX_TYPES: dict[int, np.dtype[Any]] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}

# Parsed built-in data, so that a second load() is fast.
_CACHE: dict[str, tuple[np.ndarray, np.ndarray]] = {}


#: The generated 2-D sets lie in [−1, 1]; noise beyond this is all noise (and overflows ranges near 1e308).
MAX_NOISE = 100.0
#: Largest |feature| a dataset may hold: differences of ±1e308 overflow to inf in every range.
MAX_FEATURE = 1e100
#: Largest data file read, before and after gzip decompression: 512 MiB holds the whole MNIST
#: training set as CSV (≈ 110 MB) several times over; as float64 a table this size fits in memory.
MAX_DATA_FILE_BYTES = 512 * 1024**2

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
            if X.size and np.abs(X).max() > MAX_FEATURE:
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


#### Built-in datasets
def load(name: str, *, seed: int = 0, n: int = 400, noise: float = 0.1,
         val_fraction: float = 0.2) -> Dataset:
    """Return the built-in dataset ``name`` (one of ``BUILTIN``).

    ``seed`` fixes the train/validation split and, for the generated sets,
    the points. ``n`` (total number of points, at least 4) and ``noise``
    (standard deviation of Gaussian noise added to each coordinate, in the
    same units as the [-1, 1] plot) apply to the generated 2-D sets only and
    are ignored for ``"mnist"`` and ``"digits"``. ``val_fraction`` (0 to 0.9)
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


def _check_seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise DatasetError(f"seed must be a non-negative integer, not {seed!r}")
    return int(seed)


def _check_val_fraction(val_fraction: Any) -> float:
    try:
        v = float(val_fraction)
    except (TypeError, ValueError):
        raise DatasetError(f"val_fraction must be a number, not {val_fraction!r}") from None
    if isinstance(val_fraction, bool) or not (0.0 <= v <= 0.9):
        raise DatasetError(f"val_fraction must be between 0 and 0.9, not {val_fraction!r}")
    return v


def _check_n(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise DatasetError(f"n must be an integer, not {n!r}")
    if not 4 <= n <= _MAX_GENERATED:
        raise DatasetError(f"n must be between 4 and {_MAX_GENERATED:,} points, not {n}")
    return int(n)


def _check_noise(noise: Any) -> float:
    try:
        v = float(noise)
    except (TypeError, ValueError):
        raise DatasetError(f"noise must be a number, not {noise!r}") from None
    if isinstance(noise, bool) or not math.isfinite(v) or v < 0 or v > MAX_NOISE:
        raise DatasetError(f"noise must be a number from 0 to {MAX_NOISE:g}, not {noise!r}")
    return v


def _n_val(n: int, val_fraction: float) -> int:
    """Validation examples out of ``n``: ceil(n * val_fraction) (as in
    scikit-learn's train_test_split), leaving at least 1 for training."""
    return max(0, min(n - 1, math.ceil(n * val_fraction - 1e-9)))


def _check_range(X: np.ndarray, where: str) -> None:
    if X.size and np.abs(X).max() > MAX_FEATURE:
        raise DatasetError(f"{where}: values beyond ±{MAX_FEATURE:g}; features must lie within "
                           f"±{MAX_FEATURE:g} (rescale the data)")


def _split(X: np.ndarray, y: np.ndarray, n_val: int, rng: np.random.Generator
           ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Shuffle by a permutation from ``rng``; the first ``n_val`` shuffled
    examples are the validation split, the rest the training split."""
    perm = rng.permutation(len(y))
    val, train = perm[:n_val], perm[n_val:]
    return (X[train], y[train]), (X[val], y[val])


def _resource_bytes(filename: str) -> tuple[bytes, str]:
    """Return the contents of a file shipped in resources/ and a name for
    it in messages."""
    try:
        candidate = importlib.resources.files("visualbp.resources") / filename
        if candidate.is_file():
            return candidate.read_bytes(), str(candidate)
    except (ImportError, TypeError, ValueError, OSError):
        pass
    return _read_bytes(_resource_path(filename))


def _resource_path(filename: str) -> Path:
    """The path of a shipped data file in a source checkout."""
    try:
        candidate = importlib.resources.files("visualbp.resources") / filename
        if isinstance(candidate, Path) and candidate.is_file():
            return candidate
    except (ImportError, TypeError, ValueError, OSError):
        pass
    return Path(__file__).resolve().parents[2] / "resources" / filename


def _mnist_arrays() -> tuple[np.ndarray, np.ndarray]:
    """The 10,000 MNIST test images as read-only (10000, 784) float64 in
    [0, 1] and their labels as read-only int64, parsed once."""
    if "mnist" not in _CACHE:
        raw, where = _resource_bytes(_MNIST_IMAGES)
        images = _parse_idx(raw, where)
        if images.shape != (10000, 28, 28) or images.dtype != np.uint8:
            raise DatasetError(f"{where}: expected 10000 28x28 uint8 images, found "
                               f"{images.shape} {images.dtype}")
        raw, where = _resource_bytes(_MNIST_LABELS)
        labels = _parse_idx(raw, where)
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
        table, _lines = _parse_csv(raw, where)
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


#### Reading files
def _read_bytes(path: PathLike) -> tuple[bytes, str]:
    """Return the raw (still compressed, if gzipped) contents of ``path``
    and its name for messages."""
    try:
        p = Path(path)
    except TypeError:
        raise DatasetError(f"{path!r}: not a file path") from None
    where = str(p)
    try:
        if not p.exists():
            raise DatasetError(f"{where}: no such file (missing)")
        if p.is_dir():
            raise DatasetError(f"{where}: is a directory, not a file")
        if not p.is_file():
            raise DatasetError(f"{where}: not a regular file")
        size = p.stat().st_size
        if size > MAX_DATA_FILE_BYTES:
            raise DatasetError(f"{where}: {_mib(size)} is larger than the limit of "
                               f"{_mib(MAX_DATA_FILE_BYTES)} for a data file")
        raw = p.read_bytes()
    except OSError as exc:
        raise DatasetError(f"{where}: cannot read the file: {exc.strerror or exc}") from None
    if not raw:
        raise DatasetError(f"{where}: empty file (0 bytes)")
    return raw, where


def _mib(n: int) -> str:
    return f"{n / 1024**2:,.0f} MiB" if n >= 1024**2 else f"{n:,} bytes"


def _gunzip(raw: bytes, where: str) -> bytes:
    if raw[:2] != _GZIP_MAGIC:
        return raw
    try:  # a decompressor with a ceiling: a small file can inflate to many gigabytes
        parts, total, rest = [], 0, raw
        while rest[:2] == _GZIP_MAGIC:  # one member after another, as gzip.decompress reads them
            inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
            part = inflate.decompress(rest, MAX_DATA_FILE_BYTES + 1 - total)
            total += len(part)
            if total > MAX_DATA_FILE_BYTES or inflate.unconsumed_tail:
                raise DatasetError(f"{where}: decompresses to more than the limit of "
                                   f"{_mib(MAX_DATA_FILE_BYTES)} for a data file")
            if not inflate.eof:
                raise DatasetError(f"{where}: bad gzip stream (corrupt or truncated): "
                                   f"the compressed data ends early")
            parts.append(part)
            rest = inflate.unused_data
        data = b"".join(parts)
    except zlib.error as exc:
        raise DatasetError(f"{where}: bad gzip stream (corrupt or truncated): {exc}") from None
    except MemoryError:
        raise DatasetError(f"{where}: gzip stream too large to decompress in memory") from None
    if not data:
        raise DatasetError(f"{where}: empty file (0 bytes after gzip decompression)")
    return data


#### IDX files
def load_idx(path: PathLike) -> np.ndarray:
    """Read an IDX file (gzipped or not) and return its array, with the
    shape from its header, in native byte order.

    Data-type bytes 0x08 (uint8), 0x09 (int8), 0x0B (int16), 0x0C (int32),
    0x0D (float32) and 0x0E (float64) are supported."""
    raw, where = _read_bytes(path)
    return _parse_idx(raw, where)


def _parse_idx(raw: bytes, where: str) -> np.ndarray:
    data = _gunzip(raw, where)
    if len(data) < 4:
        raise DatasetError(f"{where}: truncated header: {len(data)} bytes, "
                           f"an IDX header needs at least 4")
    if data[0] != 0 or data[1] != 0:
        raise DatasetError(f"{where}: not an IDX file: bad magic number 0x{data[:4].hex()} "
                           f"(the first two bytes must be zero)")
    type_byte, ndim = data[2], data[3]
    if type_byte not in _IDX_TYPES:
        known = ", ".join(f"0x{t:02X}" for t in _IDX_TYPES)
        raise DatasetError(f"{where}: not an IDX file: bad magic number 0x{data[:4].hex()}, "
                           f"unknown data-type byte 0x{type_byte:02X} (expected one of {known})")
    if ndim == 0:
        raise DatasetError(f"{where}: IDX header declares 0 dimensions")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DatasetError(f"{where}: truncated header: {ndim} dimensions need {header} "
                           f"header bytes, found {len(data)}")
    dims = struct.unpack(f">{ndim}I", data[4:header])
    dtype = _IDX_TYPES[type_byte]
    expected = math.prod(dims) * dtype.itemsize
    found = len(data) - header
    if found < expected:
        raise DatasetError(f"{where}: truncated: expected {expected:,} bytes of data, "
                           f"found {found:,} (dimensions {' x '.join(map(str, dims))})")
    if found > expected:
        raise DatasetError(f"{where}: too long: expected {expected:,} bytes of data, "
                           f"found {found:,} ({found - expected:,} extra bytes after the data)")
    arr = np.frombuffer(data, dtype=dtype, count=math.prod(dims), offset=header)
    return arr.astype(dtype.newbyteorder("=")).reshape(dims)


def load_idx_pair(images_path: PathLike, labels_path: PathLike, *, name: str | None = None,
                  seed: int = 0, val_fraction: float = 0.2) -> Dataset:
    """Load an IDX images file ``(n, h, w)`` or ``(n, d)`` and an IDX labels
    file ``(n,)`` as a ``Dataset`` split by ``val_fraction`` (seeded).

    uint8 images are divided by 255; other types are used as float64. The
    labels must be non-negative integers; they are used as class indices,
    so ``n_classes`` is the largest label + 1."""
    seed = _check_seed(seed)
    val_fraction = _check_val_fraction(val_fraction)
    images = load_idx(images_path)
    labels = load_idx(labels_path)
    iw, lw = str(Path(images_path)), str(Path(labels_path))
    if images.ndim not in (2, 3):
        raise DatasetError(f"{iw}: images must have 2 or 3 dimensions (n, d) or (n, h, w), "
                           f"found shape {images.shape}")
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1:
        raise DatasetError(f"{lw}: labels must have 1 dimension, found shape {labels.shape}")
    if labels.shape[0] != images.shape[0]:
        raise DatasetError(f"{lw}: labels do not match the images: {images.shape[0]} images, "
                           f"{labels.shape[0]} labels")
    n = images.shape[0]
    if n == 0:
        raise DatasetError(f"{iw}: no examples (0 images)")
    n_inputs = math.prod(images.shape[1:])
    if n_inputs == 0:
        raise DatasetError(f"{iw}: the images are empty (shape {images.shape})")

    if labels.dtype.kind == "f":
        if not np.isfinite(labels).all():
            raise DatasetError(f"{lw}: labels contain NaN or infinite values")
        if not (labels == np.round(labels)).all():
            raise DatasetError(f"{lw}: labels are not integers")
    if labels.min() < 0:
        raise DatasetError(f"{lw}: labels must not be negative (found {labels.min()})")
    if labels.max() >= _MAX_CLASSES:
        raise DatasetError(f"{lw}: label {labels.max()} is too large "
                           f"(at most {_MAX_CLASSES} classes)")
    y = labels.astype(np.int64)

    if images.dtype == np.uint8:
        X = images.reshape(n, n_inputs).astype(np.float64) / 255.0
    else:
        X = images.reshape(n, n_inputs).astype(np.float64)
        if not np.isfinite(X).all():
            raise DatasetError(f"{iw}: images contain NaN or infinite values")
        _check_range(X, iw)
    image_shape = (int(images.shape[1]), int(images.shape[2])) if images.ndim == 3 else None

    if name is None:
        name = _stem(images_path)
    (X_tr, y_tr), (X_va, y_va) = _split(X, y, _n_val(n, val_fraction),
                                        np.random.default_rng(seed))
    shape = f"{image_shape[0]}×{image_shape[1]}" if image_shape else f"{n_inputs} inputs"
    return Dataset(
        name=name, X_train=X_tr, y_train=y_tr, X_val=X_va, y_val=y_va,
        n_classes=int(y.max()) + 1, image_shape=image_shape,
        description=f"{name}: {len(y_tr):,} train / {len(y_va):,} validation, {shape}")


def _stem(path: PathLike) -> str:
    name = Path(path).name
    for suffix in (".gz", ".csv", ".idx"):
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
    return name


#### CSV files
def load_csv(path: PathLike, *, label_column: int = -1, seed: int = 0,
             val_fraction: float = 0.2, name: str | None = None) -> Dataset:
    """Load a comma-separated file (gzipped or not) with one example per
    row: one label column (``label_column``, negative counts from the end)
    and the feature columns, as a ``Dataset`` split by ``val_fraction``.

    A first row that is not all numbers is taken as a header and skipped;
    blank lines are skipped. Features are scaled by ``labels.scale_features``.
    Labels are integers (renumbered 0..k-1 in sorted order) or words (numbered
    in order of first appearance); the originals are kept in ``class_names``. If the number of features
    is a perfect square of at least 16 (64, 784, ...), ``image_shape`` is
    set to (s, s)."""
    seed = _check_seed(seed)
    val_fraction = _check_val_fraction(val_fraction)
    if isinstance(label_column, bool) or not isinstance(label_column, (int, np.integer)):
        raise DatasetError(f"label_column must be an integer, not {label_column!r}")
    raw, where = _read_bytes(path)
    raw, text_names = labels.number_text_labels(_gunzip(raw, where), where, label_column, DatasetError)
    table, lines = _parse_csv(raw, where)
    n, n_cols = table.shape
    if n_cols < 2:
        raise DatasetError(f"{where}: needs at least 2 columns (features and a label), "
                           f"found {n_cols}")
    if not -n_cols <= label_column < n_cols:
        raise DatasetError(f"{where}: label_column {label_column} is out of range for "
                           f"{n_cols} columns")
    col = int(label_column) % n_cols
    raw_labels = table[:, col]
    not_int = np.nonzero(raw_labels != np.round(raw_labels))[0]
    if not_int.size:
        i = int(not_int[0])
        raise DatasetError(f"{where}: line {lines[i]}: label {raw_labels[i]:g} in column "
                           f"{col + 1} is not an integer (labels must be integers)")
    values, y = np.unique(raw_labels, return_inverse=True)
    if len(values) > _MAX_CLASSES:
        raise DatasetError(f"{where}: too many classes: {len(values):,} distinct labels in "
                           f"column {col + 1} (at most {_MAX_CLASSES}); is it the label column?")
    X = np.ascontiguousarray(np.delete(table, col, axis=1))
    _check_range(X, where)
    n_inputs = X.shape[1]
    s = math.isqrt(n_inputs)
    image_shape = (s, s) if s * s == n_inputs and n_inputs >= 16 else None
    X, scaling = labels.scale_features(X, image=image_shape is not None)
    class_names = text_names or tuple(str(int(v)) for v in values)
    if name is None:
        name = _stem(path)
    (X_tr, y_tr), (X_va, y_va) = _split(X, y.astype(np.int64), _n_val(n, val_fraction),
                                        np.random.default_rng(seed))
    shape = f"{s}×{s}" if image_shape else f"{n_inputs} inputs"
    return Dataset(
        name=name, X_train=X_tr, y_train=y_tr, X_val=X_va, y_val=y_va,
        n_classes=len(values), image_shape=image_shape, class_names=class_names,
        description=(f"{name}: {len(y_tr):,} train / {len(y_va):,} validation, {shape}, "
                     f"{len(values)} classes; {scaling}"))


def _parse_csv(raw: bytes, where: str) -> tuple[np.ndarray, list[int]]:
    """Parse CSV bytes into a 2-D float64 table (one row per data line) and
    the line number of each row."""
    data = _gunzip(raw, where)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{where}: not a UTF-8 text file (undecodable byte at offset "
                           f"{exc.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[np.ndarray] = []
    lines: list[int] = []
    n_cols = -1
    header_checked = False
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise DatasetError(f"{where}: line {reader.line_num}: malformed CSV: {exc}") from None
        line = reader.line_num
        cells = [c.strip() for c in row]
        if not any(cells):
            continue  # blank line
        try:
            values = [float(c) for c in cells]
        except ValueError:
            values = None
        if not header_checked:
            header_checked = True
            if values is None:  # a header row: remember its width, skip it
                n_cols = len(cells)
                continue
        if n_cols < 0:
            n_cols = len(cells)
        if len(cells) != n_cols:
            raise DatasetError(f"{where}: ragged rows: line {line} has {len(cells)} values, "
                               f"expected {n_cols}")
        if values is None:
            for j, c in enumerate(cells):
                try:
                    float(c)
                except ValueError:
                    raise DatasetError(f"{where}: line {line}, column {j + 1}: {c!r} is not "
                                       f"a number") from None
            raise DatasetError(f"{where}: line {line}: not a number")  # unreachable
        arr = np.array(values, dtype=np.float64)
        bad = np.nonzero(~np.isfinite(arr))[0]
        if bad.size:
            j = int(bad[0])
            raise DatasetError(f"{where}: line {line}, column {j + 1}: {cells[j]!r} is not a "
                               f"finite number (NaN and infinity are not allowed)")
        rows.append(arr)
        lines.append(line)
    if not rows:
        raise DatasetError(f"{where}: no data rows")
    return np.vstack(rows), lines
