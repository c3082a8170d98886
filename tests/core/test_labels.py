"""A user's CSV with text class labels and unscaled features (core.labels, through load_csv)."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from visualbp.core.datasets import DatasetError, load_csv
from visualbp.core.labels import number_text_labels, scale_features

IRIS = """sepal length,sepal width,species
5.1,3.5,setosa
7.0,3.2,versicolor
6.3,3.3,virginica
4.9,3.0,setosa
6.4,3.2,versicolor
5.8,2.7,virginica
"""


def test_text_labels_numbered_in_order_of_first_appearance(tmp_path: Path) -> None:
    path = tmp_path / "iris.csv"
    path.write_text(IRIS)
    ds = load_csv(path, val_fraction=0.0)
    assert ds.class_names == ("setosa", "versicolor", "virginica")
    assert ds.n_classes == 3 and ds.n_inputs == 2 and ds.n_train == 6
    by_first_feature = dict(zip(np.round(ds.X_train[:, 0], 6), ds.y_train))
    raw = np.array([5.1, 7.0, 6.3, 4.9, 6.4, 5.8])
    scaled = np.round((raw - raw.mean()) / raw.std(), 6)
    assert [by_first_feature[v] for v in scaled] == [0, 1, 2, 0, 1, 2]
    assert "standardised" in ds.description


def test_text_labels_without_header_gzipped_label_first(tmp_path: Path) -> None:
    path = tmp_path / "t.csv.gz"
    path.write_bytes(gzip.compress(b"b,1,2\na,3,4\nb,5,6\nc,7,8\n"))
    ds = load_csv(path, label_column=0, val_fraction=0.0)
    assert ds.class_names == ("b", "a", "c") and sorted(ds.y_train.tolist()) == [0, 0, 1, 2]


def test_mixed_labels_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text("1,2,cat\n3,4,7\n")
    with pytest.raises(DatasetError, match=r"mixed\.csv: line 2, column 3: label '7' is a number"):
        load_csv(path)


def test_numeric_labels_untouched() -> None:
    data = b"x,y,label\n1,2,0\n3,4,1\n"
    assert number_text_labels(data, "f.csv") == (data, None)


def test_standardise_each_column_and_constant_columns() -> None:
    X = np.array([[1.0, 100.0, 5.0], [3.0, 300.0, 5.0], [5.0, 500.0, 5.0]])
    scaled, note = scale_features(X)
    assert np.allclose(scaled.mean(axis=0), 0) and np.allclose(scaled[:, :2].std(axis=0), 1)
    assert np.array_equal(scaled[:, 2], [0, 0, 0]) and "1 constant column" in note


def test_image_pixels_keep_one_scale() -> None:
    X = np.array([[0.0, 255.0], [51.0, 102.0]])
    scaled, note = scale_features(X, image=True)
    assert np.allclose(scaled, X / 255) and "0…1" in note


def test_only_files_with_word_labels_take_the_careful_parse() -> None:
    """The look at the first lines decides; a numeric file goes straight to the bounded fast parser."""
    from visualbp.core.labels import has_text_labels

    assert has_text_labels(b"1,2,cat\n3,4,dog\n")
    assert has_text_labels(b"x,y,label\n1,2,setosa\n")
    assert not has_text_labels(b"x,y,label\n1,2,0\n3,4,1\n")
    assert not has_text_labels(b"1,2,0\n3,4,1\n" * 100_000)
    assert has_text_labels(b"cat,1,2\n", label_column=0)
