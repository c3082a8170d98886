"""The shipped example of the CSV format (resources/weather.csv): a header, two features on different scales,
three classes named by words; it loads as the README says and a small network learns it."""

from __future__ import annotations

import numpy as np

from visualbp.core.config import defaults_for
from visualbp.core.datafiles import load_data_file
from visualbp.core.datasets import EXAMPLE_CSV, example_csv
from visualbp.core.network import Network


def test_the_example_is_shipped_with_a_header_and_words_as_labels():
    path = example_csv()
    assert path.name == EXAMPLE_CSV and path.is_file()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "temperature_c,humidity_percent,weather" and len(lines) == 181
    assert {line.rsplit(",", 1)[1] for line in lines[1:]} == {"sunny", "cloudy", "rainy"}


def test_it_loads_as_three_named_classes_of_two_standardised_features():
    data = load_data_file(str(example_csv()))
    assert data.class_names == ("rainy", "cloudy", "sunny")  # the order they first appear in
    assert (data.n_inputs, data.n_classes, data.n_train + data.n_val) == (2, 3, 180)
    assert data.is_2d and "standardised" in data.description
    X = np.vstack([data.X_train, data.X_val])
    assert np.allclose(X.mean(axis=0), 0, atol=1e-9) and np.allclose(X.std(axis=0), 1)


def test_a_small_network_learns_it_as_the_readme_says():
    config = defaults_for("moons")  # what the window has when the file is opened: tanh, cross-entropy, η 0.3
    data = load_data_file(str(example_csv()), seed=config.data_seed, val_fraction=config.val_fraction)
    net = Network([2, 8, 8, 3], config.activation, config.cost, config.init, config.seed, lmbda=config.lmbda)
    hits = net.SGD(data.training_data(), 30, config.mini_batch_size, config.eta,
                   test_data=data.validation_data(), verbose=False)
    assert hits[-1] / data.n_val >= 0.9, hits
