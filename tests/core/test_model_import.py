"""Weights from elsewhere: network2.py JSON and .npz arrays, checked, into a Network."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from visualbp.core.model_import import ModelFileError, load_model, matching_dataset
from visualbp.core.network import Network


def network2_json(net: Network, cost: str = "CrossEntropyCost") -> str:
    """What network2.py's Network.save() writes."""
    return json.dumps({"sizes": net.sizes, "weights": [w.tolist() for w in net.weights],
                       "biases": [b.tolist() for b in net.biases], "cost": cost})


def test_network2_json_round_trip(tmp_path: Path) -> None:
    net = Network([784, 30, 10], seed=3)
    path = tmp_path / "net.json"
    path.write_text(network2_json(net))
    model = load_model(path)
    assert model.sizes == (784, 30, 10) and model.cost == "cross-entropy"
    assert matching_dataset(model) == "mnist"
    again = model.network()
    for a, b in zip(again.weights + again.biases, net.weights + net.biases):
        assert np.array_equal(a, b)
    x = np.linspace(0, 1, 784).reshape(-1, 1)
    assert np.allclose(again.feedforward(x), net.feedforward(x))


@pytest.mark.parametrize("style", ["book", "numbered"])
def test_npz_names(tmp_path: Path, style: str) -> None:
    rng = np.random.default_rng(0)
    w = [rng.normal(size=(5, 3)), rng.normal(size=(2, 5))]
    b = [rng.normal(size=5), rng.normal(size=(2, 1))]
    if style == "book":
        arrays = {"w2": w[0], "b2": b[0], "w3": w[1], "b3": b[1]}
    else:
        arrays = {"weights_0": w[0], "biases_0": b[0], "weights_1": w[1], "biases_1": b[1]}
    path = tmp_path / "m.npz"
    np.savez(path, **arrays)
    model = load_model(path)
    assert model.sizes == (3, 5, 2) and model.cost == "quadratic" and matching_dataset(model) is None
    assert np.array_equal(model.biases[0], b[0].reshape(5, 1)) and np.array_equal(model.weights[1], w[1])


@pytest.mark.parametrize("content, words", [
    ('{"sizes": [2, 3, 2], "weights": [[[1, 2], [3, 4], [5, 6]]], "biases": [[[0], [0], [0]]]}', "need 2 weight"),
    ('{"sizes": [2, 3], "weights": [[[1, 2, 9], [3, 4, 9], [5, 6, 9]]], "biases": [[[0], [0], [0]]]}',
     "weights[0] has shape (3, 3), expected (3, 2)"),
    ('{"sizes": [2, 1], "weights": [[[1, NaN]]], "biases": [[[0]]]}', "NaN or infinite"),
    ('{"sizes": [2, 1], "weights": [[[1, 2]]], "biases": [[[0]]], "cost": "LogCost"}', "unknown cost"),
    ('{"sizes": [2, 0], "weights": [], "biases": []}', "net.json"),
    ('{"weights": []}', "no sizes, biases"),
    ('[1, 2]', "JSON object"),
    ('{"sizes": [2, 1], "weights": [[[1, 2]]', "not valid JSON"),
    ("hello", "not a model"),
])
def test_bad_json_named(tmp_path: Path, content: str, words: str) -> None:
    path = tmp_path / "net.json"
    path.write_text(content)
    with pytest.raises(ModelFileError) as excinfo:
        load_model(path)
    assert str(path) in str(excinfo.value) and words in str(excinfo.value)
    assert "\n" not in str(excinfo.value)


def test_bad_npz_named(tmp_path: Path) -> None:
    cases = {
        "nochain.npz": ({"kernel": np.ones((2, 2))}, "no w2 or weights_0"),
        "nobias.npz": ({"w2": np.ones((2, 2))}, "no bias array b2"),
        "broken.npz": ({"w2": np.ones((3, 2)), "b2": np.ones(3), "w3": np.ones((2, 4)), "b3": np.ones(2)},
                       "w3 has shape (2, 4), expected (2, 3)"),
        "inf.npz": ({"w2": np.array([[np.inf, 1.0]]), "b2": np.ones(1)}, "NaN or infinite"),
        "text.npz": ({"w2": np.array([["a", "b"]]), "b2": np.ones(1)}, "not numbers"),
    }
    for filename, (arrays, words) in cases.items():
        path = tmp_path / filename
        np.savez(path, **arrays)
        with pytest.raises(ModelFileError, match=None) as excinfo:
            load_model(path)
        assert filename in str(excinfo.value) and words in str(excinfo.value), str(excinfo.value)
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, w2=np.array([object()], dtype=object))
    with pytest.raises(ModelFileError, match="pickled.npz: not a readable .npz"):
        load_model(pickled)
    with pytest.raises(ModelFileError, match="not a regular file"):
        load_model(tmp_path)
    with pytest.raises(ModelFileError, match="no such file"):
        load_model(tmp_path / "missing.json")
