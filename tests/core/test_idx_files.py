"""visualbp.core.datasets' IDX files: every dtype round trip, gzipped or not; a pair of images and labels;
and the messages for broken, truncated, mismatched and missing files."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
from dataset_helpers import check_dataset, check_error, idx_bytes, write

from visualbp.core.datasets import (
    DatasetError,
    load_idx,
    load_idx_pair,
)


# ---------------------------------------------------------------- IDX
@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32,
                                   np.float64])
def test_idx_round_trip(tmp_path: Path, gz: bool, dtype: type) -> None:
    rng = np.random.default_rng(1)
    arr = (rng.normal(size=(5, 3, 4)) * 50).astype(dtype)
    # the name does not decide gzip: gzipped data in a ".idx" file, plain in ".gz"
    path = write(tmp_path / ("data.idx" if gz else "data.gz"), idx_bytes(arr), gz)
    out = load_idx(path)
    assert out.dtype == np.dtype(dtype) and out.dtype.isnative
    assert out.shape == (5, 3, 4) and np.array_equal(out, arr)
    assert load_idx(str(path)).shape == (5, 3, 4)


def test_idx_one_dim(tmp_path: Path) -> None:
    arr = np.arange(7, dtype=np.uint8)
    out = load_idx(write(tmp_path / "labels.idx1", idx_bytes(arr)))
    assert out.tolist() == list(range(7))


def _idx_error_cases(tmp: Path) -> list[tuple[Path, tuple[str, ...]]]:
    good = idx_bytes(np.zeros((2, 3), np.uint8))
    cases = [
        (tmp / "missing.idx", ("no such file", "missing")),
        (tmp / "adir.idx", ("directory",)),
        (write(tmp / "empty.idx", b""), ("empty", "0 bytes")),
        (write(tmp / "badgz.idx", b"\x1f\x8b" + b"not really gzip data"), ("gzip",)),
        (write(tmp / "cutgz.idx.gz", gzip.compress(good)[:-6]), ("gzip",)),
        (write(tmp / "magic.idx", b"\x01\x00\x08\x01" + good[4:]), ("magic",)),
        (write(tmp / "typebyte.idx", b"\x00\x00\x07\x02" + good[4:]), ("magic", "type")),
        (write(tmp / "zerodims.idx", b"\x00\x00\x08\x00"), ("0 dimensions",)),
        (write(tmp / "short.idx", b"\x00\x00"), ("truncated header",)),
        (write(tmp / "header.idx", good[:9]), ("truncated header",)),
        (write(tmp / "trunc.idx", good[:-1]), ("truncated",)),
        (write(tmp / "long.idx", good + b"\x00"), ("too long", "extra")),
        (write(tmp / "truncgz.idx", good[:-2], gz=True), ("truncated",)),
    ]
    (tmp / "adir.idx").mkdir()
    return cases


def test_idx_errors(tmp_path: Path) -> None:
    for path, words in _idx_error_cases(tmp_path):
        with pytest.raises(DatasetError) as excinfo:
            load_idx(path)
        check_error(excinfo, path, *words)


def test_idx_truncated_message(tmp_path: Path) -> None:
    good = idx_bytes(np.zeros((4, 5), np.int16))
    path = write(tmp_path / "cut.idx", good[:-3])
    with pytest.raises(DatasetError, match="truncated: expected 40 bytes of data, found 37"):
        load_idx(path)


# ---------------------------------------------------------------- IDX pairs
def _pair(tmp: Path, images: np.ndarray, labels: np.ndarray, gz: bool = True
          ) -> tuple[Path, Path]:
    ip = write(tmp / "my-images.idx.gz", idx_bytes(images), gz)
    lp = write(tmp / "my-labels.idx.gz", idx_bytes(labels), gz)
    return ip, lp


def test_idx_pair_uint8_images(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(50, 6, 5), dtype=np.uint8)
    labels = np.arange(50, dtype=np.uint8) % 3
    ds = load_idx_pair(*_pair(tmp_path, images, labels))
    check_dataset(ds)
    assert ds.name == "my-images"
    assert (ds.n_train, ds.n_val, ds.n_inputs, ds.n_classes) == (40, 10, 30, 3)
    assert ds.image_shape == (6, 5)
    X = np.concatenate([ds.X_train, ds.X_val])
    assert X.min() >= 0 and X.max() <= 1
    # each example keeps its label
    rows = {r.tobytes(): lab for r, lab in zip(images.reshape(50, 30), labels)}
    for x, y in zip(ds.X_train, ds.y_train):
        assert rows[np.round(x * 255).astype(np.uint8).tobytes()] == y
    same = load_idx_pair(*_pair(tmp_path, images, labels), name="mine", val_fraction=0.5)
    assert same.name == "mine" and same.n_val == 25


def test_idx_pair_float_images_2d(tmp_path: Path) -> None:
    images = np.linspace(-3, 3, 40, dtype=np.float32).reshape(20, 2)
    labels = (np.arange(20) % 2).astype(np.int32)
    ds = load_idx_pair(*_pair(tmp_path, images, labels, gz=False), val_fraction=0.0)
    assert ds.image_shape is None and ds.is_2d and ds.n_train == 20
    assert np.isclose(ds.X_train.min(), -3) and np.isclose(ds.X_train.max(), 3)


@pytest.mark.parametrize("images,labels,bad,words", [
    (np.zeros((10, 2, 2), np.uint8), np.zeros(9, np.uint8), "labels",
     ("labels do not match the images: 10 images, 9 labels",)),
    (np.zeros((4, 2, 2), np.uint8), np.array([0, 1, -1, 0], np.int8), "labels",
     ("negative",)),
    (np.zeros((4, 2, 2), np.uint8), np.array([0, 1.5, 1, 0], np.float32), "labels",
     ("not integers",)),
    (np.array([[0, np.nan], [1, 1]], np.float32), np.zeros(2, np.uint8), "images",
     ("nan", "infinite")),
    (np.array([[0, np.inf], [1, 1]], np.float64), np.zeros(2, np.uint8), "images",
     ("nan", "infinite")),
    (np.zeros((0, 2, 2), np.uint8), np.zeros(0, np.uint8), "images", ("no examples",)),
    (np.zeros(5, np.uint8), np.zeros(5, np.uint8), "images", ("dimensions",)),
    (np.zeros((3, 2), np.uint8), np.zeros((3, 2), np.uint8), "labels", ("dimension",)),
])
def test_idx_pair_errors(tmp_path: Path, images: np.ndarray, labels: np.ndarray,
                         bad: str, words: tuple[str, ...]) -> None:
    ip, lp = _pair(tmp_path, images, labels)
    with pytest.raises(DatasetError) as excinfo:
        load_idx_pair(ip, lp)
    check_error(excinfo, ip if bad == "images" else lp, *words)


def test_idx_pair_missing_file(tmp_path: Path) -> None:
    ip, _ = _pair(tmp_path, np.zeros((2, 2), np.uint8), np.zeros(2, np.uint8))
    with pytest.raises(DatasetError) as excinfo:
        load_idx_pair(ip, tmp_path / "nolabels.idx")
    check_error(excinfo, tmp_path / "nolabels.idx", "no such file")
