"""Tests for visualbp.core.datasets: the built-in sets, IDX and CSV loaders,
and their error messages."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
from dataset_helpers import check_dataset, check_error, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from visualbp.core import datafiles, datasets
from visualbp.core.datasets import (
    BUILTIN,
    Dataset,
    DatasetError,
    load,
    load_csv,
    load_idx,
    load_idx_pair,
)

MNIST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
DIGITS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
GENERATED = ("xor", "circles", "moons", "spiral")


# ---------------------------------------------------------------- mnist
@pytest.fixture(scope="module")
def mnist() -> Dataset:
    return load("mnist")


def test_mnist_shapes_and_values(mnist: Dataset) -> None:
    check_dataset(mnist)
    assert mnist.name == "mnist"
    assert mnist.X_train.shape == (8000, 784) and mnist.X_val.shape == (2000, 784)
    assert mnist.y_train.shape == (8000,) and mnist.y_val.shape == (2000,)
    assert (mnist.n_train, mnist.n_val, mnist.n_inputs, mnist.n_outputs) == (8000, 2000, 784, 10)
    assert mnist.image_shape == (28, 28) and not mnist.is_2d
    assert mnist.X_train.min() == 0.0 and mnist.X_train.max() == 1.0
    assert mnist.X_val.min() >= 0.0 and mnist.X_val.max() <= 1.0
    # pixels are k/255 exactly
    assert np.array_equal(np.round(mnist.X_train[:50] * 255) / 255, mnist.X_train[:50])
    mean = np.concatenate([mnist.X_train, mnist.X_val]).mean() * 255
    assert abs(mean - 33.79) < 0.01
    assert repr(mnist) == "Dataset('mnist', train=8000, val=2000, inputs=784, classes=10)"
    assert "8,000" in mnist.description and "2,000" in mnist.description
    assert "28×28" in mnist.description


def test_mnist_labels_match_known_facts(mnist: Dataset) -> None:
    labels = load_idx(datasets._resource_path("t10k-labels-idx1-ubyte.gz"))
    assert labels.shape == (10000,) and labels.dtype == np.uint8
    assert labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(labels).tolist() == MNIST_COUNTS
    # train + validation together are exactly the 10,000 test examples
    both = np.concatenate([mnist.y_train, mnist.y_val])
    assert np.bincount(both, minlength=10).tolist() == MNIST_COUNTS
    images = load_idx(datasets._resource_path("t10k-images-idx3-ubyte.gz"))
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    rows = {r.tobytes(): lab for r, lab in zip(images.reshape(10000, 784), labels)}
    for x, y in zip(mnist.X_val[:20], mnist.y_val[:20]):
        key = np.round(x * 255).astype(np.uint8).tobytes()
        assert rows[key] == y  # each example keeps its own label


def test_mnist_split_is_seeded(mnist: Dataset) -> None:
    again = load("mnist", seed=0)
    assert np.array_equal(again.X_train, mnist.X_train)
    assert np.array_equal(again.y_val, mnist.y_val)
    other = load("mnist", seed=1)
    assert other.n_train == 8000 and other.n_val == 2000
    assert not np.array_equal(other.y_val, mnist.y_val)
    assert not np.array_equal(other.X_val, mnist.X_val)
    # val_fraction, n and noise do not change mnist
    fixed = load("mnist", val_fraction=0.5, n=10, noise=3.0)
    assert (fixed.n_train, fixed.n_val) == (8000, 2000)


def test_mnist_second_load_uses_cache(mnist: Dataset) -> None:
    assert "mnist" in datasets._CACHE
    X, _ = datasets._CACHE["mnist"]
    assert X.shape == (10000, 784) and not X.flags.writeable


def test_training_data_format(mnist: Dataset) -> None:
    tr = mnist.training_data()
    va = mnist.validation_data()
    assert isinstance(tr, list) and len(tr) == 8000 and len(va) == 2000
    for data, X, y in ((tr, mnist.X_train, mnist.y_train), (va, mnist.X_val, mnist.y_val)):
        for i in (0, 1, len(data) - 1):
            x_col, y_col = data[i]
            assert x_col.shape == (784, 1) and y_col.shape == (10, 1)
            assert np.array_equal(x_col[:, 0], X[i])
            assert y_col.sum() == 1.0 and y_col[y[i], 0] == 1.0
    assert np.array_equal(mnist.Y_train.argmax(axis=1), mnist.y_train)
    assert set(np.unique(mnist.Y_val).tolist()) == {0.0, 1.0}
    assert (mnist.Y_train.sum(axis=1) == 1).all()


def test_arrays_are_read_only(mnist: Dataset) -> None:
    with pytest.raises(ValueError):
        mnist.X_train[0, 0] = 1.0
    with pytest.raises(ValueError):
        mnist.y_val[0] = 3
    with pytest.raises(AttributeError):
        mnist.name = "other"  # type: ignore[misc]


# ---------------------------------------------------------------- digits
def test_digits() -> None:
    ds = load("digits")
    check_dataset(ds)
    assert (ds.n_train, ds.n_val) == (1437, 360)
    assert ds.X_train.shape == (1437, 64) and ds.image_shape == (8, 8)
    assert ds.n_classes == 10 and ds.class_names is None
    X = np.concatenate([ds.X_train, ds.X_val])
    assert X.min() == 0.0 and X.max() == 1.0
    assert np.array_equal(np.round(X * 16) / 16, X)
    both = np.concatenate([ds.y_train, ds.y_val])
    assert np.bincount(both).tolist() == DIGITS_COUNTS
    assert np.array_equal(load("digits").X_val, ds.X_val)
    assert not np.array_equal(load("digits", seed=5).y_val, ds.y_val)


@pytest.mark.parametrize("vf,n_val", [(0.0, 0), (0.1, 180), (0.5, 899), (0.9, 1618)])
def test_digits_val_fraction(vf: float, n_val: int) -> None:
    ds = load("digits", val_fraction=vf)
    assert ds.n_val == n_val and ds.n_train == 1797 - n_val


def test_digits_csv_matches_builtin() -> None:
    ds = load_csv(datasets._resource_path("digits.csv.gz"), val_fraction=0.0)
    assert ds.name == "digits" and ds.n_train == 1797 and ds.image_shape == (8, 8)
    assert ds.class_names == tuple(str(i) for i in range(10))
    builtin = load("digits", val_fraction=0.0)
    a = np.lexsort(np.column_stack([ds.X_train, ds.y_train]).T)  # pixels 0…16 scaled to 0…1 as the built-in's
    b = np.lexsort(np.column_stack([builtin.X_train, builtin.y_train]).T)
    assert np.allclose(ds.X_train[a], builtin.X_train[b])
    assert np.array_equal(ds.y_train[a], builtin.y_train[b])


# ---------------------------------------------------------------- 2-D sets
@pytest.mark.parametrize("name", GENERATED)
def test_generated_shapes_and_balance(name: str) -> None:
    ds = load(name)
    check_dataset(ds)
    assert ds.is_2d and ds.n_classes == 2 and ds.image_shape is None
    assert (ds.n_train, ds.n_val) == (320, 80)
    y = np.concatenate([ds.y_train, ds.y_val])
    assert np.bincount(y).tolist() == [200, 200]
    assert set(ds.y_train.tolist()) == {0, 1} and set(ds.y_val.tolist()) == {0, 1}
    X = np.concatenate([ds.X_train, ds.X_val])
    assert np.abs(X).max() < 1.6  # noise 0.1 around [-1, 1]
    assert np.abs(X).max() > 0.5  # and it uses the range
    assert name.upper() in ds.description.upper()


@pytest.mark.parametrize("name", GENERATED)
def test_generated_seeded(name: str) -> None:
    a, b = load(name, seed=3), load(name, seed=3)
    assert np.array_equal(a.X_train, b.X_train) and np.array_equal(a.y_val, b.y_val)
    c = load(name, seed=4)
    assert not np.array_equal(a.X_train, c.X_train)


@pytest.mark.parametrize("name", GENERATED)
def test_generated_noise_free_in_range(name: str) -> None:
    ds = load(name, n=1001, noise=0.0, val_fraction=0.0)
    assert ds.n_train == 1001 and ds.n_val == 0
    assert np.abs(ds.X_train).max() <= 1.0 + 1e-12
    assert abs(int(ds.y_train.sum()) - 500) <= 1


def test_xor_and_circles_labels() -> None:
    xor = load("xor", noise=0.0)
    assert np.array_equal(xor.y_train, (xor.X_train[:, 0] * xor.X_train[:, 1] > 0).astype(int))
    circ = load("circles", noise=0.0)
    r = np.hypot(circ.X_train[:, 0], circ.X_train[:, 1])
    assert r[circ.y_train == 0].max() <= 0.5 and r[circ.y_train == 1].min() >= 0.7


@pytest.mark.parametrize("n", [4, 5, 7])
def test_generated_small_n(n: int) -> None:
    ds = load("moons", n=n, val_fraction=0.9)
    check_dataset(ds)
    assert ds.n_train >= 1 and ds.n_train + ds.n_val == n


def test_builtin_names() -> None:
    assert BUILTIN == ("mnist", "digits", "xor", "circles", "moons", "spiral", "sine", "cubic")


@pytest.mark.parametrize("kwargs,word", [
    ({"name": "nope"}, "valid names"),
    ({"name": "xor", "n": 3}, "n must"),
    ({"name": "xor", "n": 2.5}, "n must"),
    ({"name": "xor", "noise": -0.1}, "noise"),
    ({"name": "xor", "noise": float("nan")}, "noise"),
    ({"name": "xor", "noise": float("inf")}, "noise"),
    ({"name": "xor", "val_fraction": 0.95}, "val_fraction"),
    ({"name": "digits", "val_fraction": -0.1}, "val_fraction"),
    ({"name": "xor", "seed": -1}, "seed"),
])
def test_load_bad_arguments(kwargs: dict, word: str) -> None:
    name = kwargs.pop("name")
    with pytest.raises(DatasetError) as excinfo:
        load(name, **kwargs)
    assert word in str(excinfo.value)
    if name == "nope":
        for valid in BUILTIN:
            assert valid in str(excinfo.value)


# ---------------------------------------------------------------- CSV
def test_csv_with_header_and_class_names(tmp_path: Path) -> None:
    text = "x1,x2,label\n0.5,1,10\n-1,2,30\n\n3,4e-1,10\n5,6,20\n1,1,30\n"
    path = tmp_path / "points.csv"
    path.write_text(text)
    ds = load_csv(path, val_fraction=0.0)
    check_dataset(ds)
    assert ds.name == "points" and ds.n_train == 5 and ds.n_inputs == 2
    assert ds.n_classes == 3 and ds.class_names == ("10", "20", "30")
    assert ds.image_shape is None
    raw = np.array([[-1.0, 2.0], [0.5, 1.0], [1.0, 1.0], [3.0, 0.4], [5.0, 6.0]])
    scaled = (raw - raw.mean(axis=0)) / raw.std(axis=0)  # standardised per column
    pairs = sorted(zip(ds.X_train.tolist(), ds.y_train.tolist()))
    assert np.allclose([p[0] for p in pairs], scaled) and [p[1] for p in pairs] == [2, 0, 2, 0, 1]


def test_csv_label_first_gzipped_image_shape(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    X = rng.integers(0, 9, size=(30, 16))
    y = np.arange(30) % 4
    lines = "\n".join(",".join(map(str, [lab, *row])) for lab, row in zip(y, X))
    path = write(tmp_path / "tiny.txt", lines.encode(), gz=True)  # gzip found by magic
    ds = load_csv(path, label_column=0, seed=1, val_fraction=0.2)
    check_dataset(ds)
    assert (ds.n_train, ds.n_val) == (24, 6)
    assert ds.image_shape == (4, 4) and ds.n_classes == 4
    assert ds.class_names == ("0", "1", "2", "3")
    rows = {tuple(r): lab for r, lab in zip(X.tolist(), y.tolist())}
    for x, lab in zip(ds.X_val.tolist(), ds.y_val.tolist()):
        assert rows[tuple(round(v * X.max()) for v in x)] == lab  # pixels 0…max scaled to 0…1


def test_csv_seeded_split(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("\n".join(f"{i},{i % 2}" for i in range(100)))
    a, b, c = load_csv(path), load_csv(path), load_csv(path, seed=9)
    assert np.array_equal(a.X_val, b.X_val) and not np.array_equal(a.X_val, c.X_val)
    assert a.n_val == 20


@pytest.mark.parametrize("text,words", [
    ("1,2,0\n3,4,1\n5,6,7,1\n", ("line 3 has 4 values, expected 3",)),
    ("a,b,c\n1,2,0\n3,4\n", ("line 3 has 2 values, expected 3",)),
    ("1,2,0\n3,abc,1\n", ("line 2, column 2: 'abc' is not a number",)),
    ("1,2,0\n3,nan,1\n", ("line 2, column 2", "finite")),
    ("1,2,0\ninf,2,1\n", ("line 2, column 1", "finite")),
    ("1,2,0\n3,4,0.5\n", ("line 2", "not an integer")),
    ("x,y,label\n", ("no data rows",)),
    ("\n\n\n", ("no data rows",)),
    ("1\n2\n3\n", ("at least 2 columns",)),
])
def test_csv_errors(tmp_path: Path, text: str, words: tuple[str, ...]) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(DatasetError) as excinfo:
        load_csv(path)
    check_error(excinfo, path, *words)


def test_csv_file_errors(tmp_path: Path) -> None:
    cases = [
        (tmp_path / "nothere.csv", ("no such file",)),
        (write(tmp_path / "empty.csv", b""), ("empty",)),
        (write(tmp_path / "binary.csv", b"\xff\xfe\x00\x81abc"), ("utf-8",)),
        (write(tmp_path / "broken.csv.gz", b"\x1f\x8b\x08\x00garbage"), ("gzip",)),
    ]
    (tmp_path / "folder.csv").mkdir()
    cases.append((tmp_path / "folder.csv", ("directory",)))
    for path, words in cases:
        with pytest.raises(DatasetError) as excinfo:
            load_csv(path)
        check_error(excinfo, path, *words)


def test_csv_bad_label_column(tmp_path: Path) -> None:
    path = tmp_path / "cols.csv"
    path.write_text("1,2,0\n3,4,1\n")
    with pytest.raises(DatasetError) as excinfo:
        load_csv(path, label_column=3)
    check_error(excinfo, path, "out of range")
    assert load_csv(path, label_column=-3).class_names == ("1", "3")


def test_dataset_validates_its_arrays() -> None:
    X = np.zeros((3, 2))
    with pytest.raises(DatasetError):
        Dataset("d", X, np.array([0, 1, 2]), X, np.zeros(3), 2, None, "")
    with pytest.raises(DatasetError):
        Dataset("d", X, np.zeros(2), X, np.zeros(3), 2, None, "")
    with pytest.raises(DatasetError):
        Dataset("d", X, np.zeros(3), X, np.zeros(3), 2, (2, 2), "")
    ds = Dataset("d", X, np.zeros(3), X[:0], np.zeros(0), 2, None, "", ("a", "b"))
    assert X.flags.writeable  # the caller's array is not frozen
    assert not ds.X_train.flags.writeable and ds.class_names == ("a", "b")


# ---------------------------------------------------------------- fuzz
FUZZ = settings(max_examples=200, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])

IDX_LIKE = st.one_of(
    st.binary(max_size=300),
    st.builds(lambda t, d, rest: bytes([0, 0, t, d]) + rest,
              st.sampled_from([0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E, 0x0A]),
              st.integers(0, 4), st.binary(max_size=200)),
)

CSV_LIKE = st.one_of(
    st.binary(max_size=300),
    st.text(alphabet="0123456789-.,e\n abn", max_size=200).map(str.encode),
    st.lists(st.lists(st.sampled_from(["0", "1", "2", "-3", "1.5", "x", "", "nan", "1e999"]),
                      min_size=1, max_size=4), max_size=8)
    .map(lambda rows: "\n".join(",".join(r) for r in rows).encode()),
)


def _check_result(result: object) -> None:
    if isinstance(result, np.ndarray):
        return
    assert isinstance(result, Dataset)
    check_dataset(result)


@FUZZ
@given(data=IDX_LIKE, gz=st.booleans())
def test_fuzz_load_idx(tmp_path_factory: pytest.TempPathFactory, data: bytes, gz: bool) -> None:
    path = write(tmp_path_factory.mktemp("fuzz") / "fuzz.idx", data, gz)
    try:
        _check_result(load_idx(path))
    except DatasetError as exc:
        assert "fuzz.idx" in str(exc)


@FUZZ
@given(data=CSV_LIKE, gz=st.booleans(), label_column=st.integers(-3, 2))
def test_fuzz_load_csv(tmp_path_factory: pytest.TempPathFactory, data: bytes, gz: bool,
                       label_column: int) -> None:
    path = write(tmp_path_factory.mktemp("fuzz") / "fuzz.csv", data, gz)
    try:
        _check_result(load_csv(path, label_column=label_column))
    except DatasetError as exc:
        assert "fuzz.csv" in str(exc)


@FUZZ
@given(images=IDX_LIKE, labels=IDX_LIKE)
def test_fuzz_load_idx_pair(tmp_path_factory: pytest.TempPathFactory, images: bytes,
                            labels: bytes) -> None:
    tmp = tmp_path_factory.mktemp("fuzz")
    ip, lp = write(tmp / "fi.idx", images), write(tmp / "fl.idx", labels)
    try:
        _check_result(load_idx_pair(ip, lp))
    except DatasetError as exc:
        assert "fi.idx" in str(exc) or "fl.idx" in str(exc)


# ---------------------------------------------------------------- size limits
def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(datafiles, "MAX_DATA_FILE_BYTES", 1000)
    path = write(tmp_path / "big.csv", b"1,2,0\n" * 200)  # 1,200 bytes
    read = []
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self) or b"")
    with pytest.raises(DatasetError) as excinfo:
        load_csv(path)
    check_error(excinfo, path, "limit of 1,000 bytes")
    assert "1,200 bytes" in str(excinfo.value) and not read


def test_a_gzip_bomb_stops_at_the_limit(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(datafiles, "MAX_DATA_FILE_BYTES", 1_000_000)
    path = write(tmp_path / "bomb.csv.gz", b"0," * 5_000_000, gz=True)  # 10 MB in ~10 kB
    assert path.stat().st_size < 100_000
    with pytest.raises(DatasetError) as excinfo:
        load_csv(path)
    check_error(excinfo, path, "decompresses to more than the limit")


def test_gzip_members_are_read_one_after_another(tmp_path: Path) -> None:
    """`cat a.gz b.gz` is a valid gzip file; every member counts, as gzip itself reads it."""
    rows = [f"{i % 7},{i % 3},{i % 2}\n".encode() for i in range(40)]
    path = tmp_path / "two.csv.gz"
    path.write_bytes(gzip.compress(b"".join(rows[:25])) + gzip.compress(b"".join(rows[25:])))
    ds = load_csv(path, val_fraction=0.25)
    assert ds.n_train + ds.n_val == 40
