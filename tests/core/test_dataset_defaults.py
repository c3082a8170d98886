"""Every generated 2-D set learns with its own defaults: at least 90 % validation accuracy, noise included."""

from __future__ import annotations

import pytest

from visualbp.core.config import DATASET_DEFAULTS, GENERATED, SessionConfig, defaults_for, load_dataset
from visualbp.core.network import Network


@pytest.mark.parametrize("name", GENERATED)
def test_each_2d_set_reaches_90_percent_with_its_defaults(name):
    config = defaults_for(name).validated()
    data = load_dataset(config)
    assert data.name == name and f"noise {config.noise:g}" in data.description
    net = Network(list(config.sizes), config.activation, config.cost, config.init, config.seed, lmbda=config.lmbda)
    hits = net.SGD(data.training_data(), config.epochs, config.mini_batch_size, config.eta,
                   test_data=data.validation_data(), verbose=False)
    accuracy = hits[-1] / data.n_val
    assert accuracy >= 0.90, f"{name}: {accuracy:.1%} after {config.epochs} epochs with {config}"


def test_defaults_for_switches_every_setting_of_a_2d_set_and_keeps_the_rest():
    base = SessionConfig(dataset="xor", seed=7, lmbda=0.5, n=300)
    spiral = defaults_for("spiral", base)
    wanted = DATASET_DEFAULTS["spiral"]
    assert spiral.dataset == "spiral"
    assert {k: getattr(spiral, k) for k in wanted} == wanted
    assert (spiral.seed, spiral.lmbda, spiral.n) == (7, 0.5, 300)
    assert set(DATASET_DEFAULTS) == set(GENERATED)
    digits = defaults_for("digits", base)  # no 2-D defaults: only the name changes
    assert digits == SessionConfig(dataset="digits", seed=7, lmbda=0.5, n=300)
