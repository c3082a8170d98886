"""Regression: the built-in function data sets, a linear output trained on them, its fit error and fit curve."""

import math
from dataclasses import replace

import numpy as np
import pytest

from visualbp.core import Network
from visualbp.core.config import build, defaults_for, load_dataset
from visualbp.core.datasets import DatasetError, load
from visualbp.core.functions import FUNCTIONS, curve_span, fit_curve, fit_error, target_curve
from visualbp.core.gradcheck import gradient_check
from visualbp.core.sessioncheck import check_history, history_to_json
from visualbp.core.sessionio import SavedSession, load_session, save_session


@pytest.mark.parametrize("name", ["sine", "cubic"])
def test_a_function_set_has_real_targets_on_its_interval(name):
    data = load(name, seed=3, n=250, noise=0.0, val_fraction=0.2)
    f, (lo, hi), _ = FUNCTIONS[name]
    assert data.is_regression and not data.is_2d
    assert (data.n_train, data.n_val, data.n_inputs, data.n_outputs) == (200, 50, 1, 1)
    assert data.Y_train.shape == (200, 1) and data.Y_val.shape == (50, 1)
    X = np.concatenate([data.X_train, data.X_val])[:, 0]
    assert lo <= X.min() and X.max() <= hi and X.max() - X.min() > 0.9 * (hi - lo)
    assert np.allclose(data.Y_train[:, 0], f(data.X_train[:, 0]), atol=1e-15)  # no noise: exactly f(x)
    x, y = data.training_data()[0]
    assert x.shape == (1, 1) and y.shape == (1, 1) and y[0, 0] == data.Y_train[0, 0]


def test_the_same_seed_gives_the_same_points_and_noise_moves_the_targets():
    a, b = load("sine", seed=5), load("sine", seed=5)
    c = load("sine", seed=6)
    assert np.array_equal(a.X_train, b.X_train) and np.array_equal(a.Y_val, b.Y_val)
    assert not np.array_equal(a.X_train, c.X_train)
    noisy = load("sine", seed=5, noise=0.1)
    residual = noisy.Y_train[:, 0] - np.sin(noisy.X_train[:, 0])
    assert 0.07 < residual.std() < 0.13
    clean = load("sine", seed=5, noise=0.0)  # the same x, drawn before the noise
    assert np.array_equal(np.sort(np.concatenate([clean.X_train, clean.X_val])[:, 0]),
                          np.sort(np.concatenate([noisy.X_train, noisy.X_val])[:, 0]))


def test_bad_arguments_are_refused_by_name():
    with pytest.raises(DatasetError, match="noise"):
        load("sine", noise=-1)
    with pytest.raises(DatasetError, match="n must be"):
        load("sine", n=2)


def test_choosing_sine_builds_a_linear_output_network_and_refuses_cross_entropy():
    config = defaults_for("sine")
    data = load_dataset(config)
    net, engine = build(config, data)
    assert net.sizes == [1, 10, 1] and net.activation.name == "tanh"
    assert net.output_activation.name == "linear" and net.cost.name == "quadratic"
    with pytest.raises(ValueError, match="cross-entropy cost needs outputs in"):
        build(replace(config, cost="cross-entropy"), data)
    # the person can still change the hidden layers and their activation
    net2, _ = build(replace(config, sizes=(1, 6, 6, 1), activation="sigmoid"), data)
    assert net2.output_activation.name == "linear" and net2.activation.name == "sigmoid"
    # classification keeps the book's sigmoid output
    moons = defaults_for("moons")
    assert build(moons, load_dataset(moons))[0].output_activation.name == "sigmoid"


def test_training_on_the_sine_cuts_the_rms_error_to_near_the_noise():
    config = replace(defaults_for("sine"), seed=1, data_seed=0)
    net, engine = build(config, load_dataset(config))
    before = engine.evaluate()
    assert math.isnan(before.train_accuracy) and math.isnan(before.val_accuracy)
    engine.run_epochs(config.epochs)
    after = engine.evaluate()
    assert before.val_rms > 1.0  # the untrained linear output is far off
    assert after.val_rms < 0.16 and after.train_rms < 0.16  # the noise alone is 0.1
    assert after.val_rms < before.val_rms / 10


def test_the_rms_error_is_the_quadratic_cost_in_other_units():
    """C = 1/n Σ_x ½ (a^L − y)², so the RMS error √(1/n Σ_x (a^L − y)²) is √(2C) (no λ)."""
    config = defaults_for("sine")
    net, engine = build(config, load_dataset(config))
    engine.run_epochs(2)
    stats = engine.evaluate()
    assert stats.train_rms == pytest.approx(math.sqrt(2 * stats.train_cost), rel=1e-12)
    assert stats.val_rms == pytest.approx(math.sqrt(2 * stats.val_cost), rel=1e-12)
    assert fit_error(net, engine.X, engine.Y) == stats.train_rms


def test_a_classification_run_has_no_rms():
    config = defaults_for("moons")
    _, engine = build(config, load_dataset(config))
    stats = engine.evaluate()
    assert stats.train_rms is None and stats.val_rms is None and 0 <= stats.val_accuracy <= 1


def test_bp1_with_a_linear_output_has_no_sigma_prime_factor():
    """δ^L = ∇_a C ⊙ f'(z^L) = (a^L − y) · 1 for a linear output under the quadratic cost (BP1); ∂C/∂b^L = δ^L."""
    net = Network([1, 4, 1], "tanh", "quadratic", seed=2, output_activation="linear")
    x, y = np.array([[0.7]]), np.array([[-0.3]])
    nabla_b, nabla_w = net.backprop(x, y)
    a_L = net.feedforward(x)
    assert nabla_b[-1] == pytest.approx(a_L - y, rel=1e-14)
    a_hidden = np.tanh(net.weights[0] @ x + net.biases[0])
    assert nabla_w[-1] == pytest.approx((a_L - y) @ a_hidden.T, rel=1e-13)  # BP4: a^(L−1)_k δ^L_j


@pytest.mark.parametrize("hidden", ["tanh", "sigmoid", "relu"])
def test_a_linear_output_network_passes_the_gradient_check_on_the_sine(hidden):
    data = load("sine", seed=1)
    net = Network([1, 7, 5, 1], hidden, "quadratic", seed=4, output_activation="linear")
    for x, y in data.training_data()[:5]:
        assert max(gradient_check(net, x, y)) < 1e-6


def test_the_fit_curve_is_the_networks_output_over_the_interval():
    data = load("sine", seed=0)
    net = Network([1, 5, 1], "tanh", seed=1, output_activation="linear")
    x, a = fit_curve(net, data, points=101)
    lo, hi = curve_span(data)
    assert lo < -math.pi and hi > math.pi and hi - lo == pytest.approx(2.2 * math.pi)
    assert x.shape == a.shape == (101,) and x[0] == lo and x[-1] == hi and np.all(np.diff(x) > 0)
    for i in (0, 37, 100):  # each point one feedforward, as a column
        assert a[i] == pytest.approx(net.feedforward(np.array([[x[i]]]))[0, 0], rel=1e-14)
    tx, ty = target_curve(data, points=101)
    assert np.array_equal(tx, x) and np.allclose(ty, np.sin(x))


def test_a_regression_session_keeps_its_rms_history(tmp_path):
    config = defaults_for("sine")
    net, engine = build(config, load_dataset(config))
    engine.run_epochs(1)
    history = [engine.evaluate()]
    initial = engine.initial_parameters
    saved = SavedSession(config, list(net.weights), list(net.biases), *initial, epoch=engine.epoch,
                         batch=0, offset=0, step=engine.step_index, epoch_history=history)
    save_session(tmp_path / "sine.vbp", saved)
    back = load_session(tmp_path / "sine.vbp")
    assert back.config.dataset == "sine"
    row = back.epoch_history[0]
    assert (row.train_rms, row.val_rms, row.train_cost) == (history[0].train_rms, history[0].val_rms,
                                                             history[0].train_cost)
    net2, _ = build(back.config, load_dataset(back.config))
    assert net2.output_activation.name == "linear"


@pytest.mark.parametrize("value, words", [(-1.0, "train_rms must be a finite number from 0"),
                                          ("0.5", "train_rms must be a number"),
                                          (1e309, "train_rms must be a finite number")])
def test_hostile_rms_values_are_refused_by_name(value, words):
    config = defaults_for("sine")
    _, engine = build(config, load_dataset(config))
    row = history_to_json([engine.evaluate()])[0]
    assert set(row) >= {"train_rms", "val_rms"}
    assert check_history([row])[0].train_rms == row["train_rms"]
    bad = dict(row, train_rms=value)
    with pytest.raises(ValueError, match=words):
        check_history([bad])
    with pytest.raises(ValueError, match="exactly"):
        check_history([dict(row, rms_extra=1.0)])


def test_the_regression_lesson_claims_what_its_network_does():
    """The numbers the `regression` lesson's paragraph states (resources/demos.json)."""
    from pathlib import Path

    from visualbp.core.demos import read_lessons

    shipped = Path(__file__).resolve().parents[2] / "resources" / "demos.json"
    demo = next(d for d in read_lessons(shipped) if d.name == "regression")
    config = demo.config()
    assert demo.granularity == "minibatch" and config.dataset == "sine"
    for claim in ("δ³ = a³ − y", "3.2 untrained", "under 0.6 after three minibatches", "0.17 after the first epoch",
                  "about 0.1, the noise, after forty"):
        assert claim in demo.description
    net, engine = build(config, load_dataset(config))
    demo.apply(net, engine)
    assert net.output_activation.name == "linear" and net.cost.name == "quadratic"
    assert round(engine.evaluate().val_rms, 1) == 3.2
    engine.run_batches(3)
    assert engine.evaluate().val_rms < 0.6
    engine.run_batches(29)  # the first epoch: 320 points in minibatches of 10
    assert engine.epoch == 1 and round(engine.evaluate().val_rms, 2) == 0.17
    engine.run_epochs(39)
    assert engine.epoch == 40 and engine.evaluate().val_rms < 0.11
