"""Saturation, error ratios, pass costs and breakpoint checks on constructed cases."""

import numpy as np

from visualbp.core import Network
from visualbp.core.breakpoints import Breakpoints
from visualbp.core.diagnostics import error_ratios, layer_saturation, pass_costs, saturation
from visualbp.core.steps import BatchStats, EpochStats


def test_large_weights_saturate_and_small_ones_do_not():
    net = Network([10, 8, 3], seed=0, init="scaled")
    X = np.random.default_rng(0).random((100, 10))
    calm = layer_saturation(net, X)
    net.weights = [w * 50 for w in net.weights]
    hot = layer_saturation(net, X)
    assert calm[0] < 0.3 and hot[0] > 0.8
    per_neuron = saturation(net, X)
    assert per_neuron[0].shape == (8,) and ((0 <= per_neuron[0]) & (per_neuron[0] <= 1)).all()


def test_dead_relu_counts_as_saturated():
    net = Network([3, 4, 2], activation="relu", seed=0)
    net.biases = [np.full_like(net.biases[0], -100.0), net.biases[1]]
    assert layer_saturation(net, np.random.default_rng(0).random((20, 3)))[0] == 1.0


def test_error_ratios():
    assert error_ratios([0.01, 0.1, 1.0]) == [0.01, 0.1, 1.0]
    assert np.isnan(error_ratios([0.1, 0.0])[0])


def test_pass_costs_are_positive():
    net = Network([784, 30, 10], seed=0)
    costs = pass_costs(net, np.ones((784, 1)), np.zeros((10, 1)), repeats=30)
    assert costs.forward > 0 and costs.backward > 0 and costs.ratio > 0


def _stats(norms, step=1):
    return BatchStats(epoch=0, batch=3, step=step, cost=0.1, delta_norms=tuple(norms), grad_w_norms=tuple(norms))


class _Engine:
    def __init__(self, net, X):
        self.net, self.X = net, X


def test_breakpoint_on_vanishing_delta():
    bp = Breakpoints(delta_on=True, delta_layer=2, delta_below=1e-3)
    engine = _Engine(Network([2, 3, 2], seed=0), np.zeros((5, 2)))
    assert bp.after_batch(engine, _stats([0.01, 0.1])) is None
    assert "‖δ^2‖" in bp.after_batch(engine, _stats([1e-4, 0.1]))


def test_breakpoint_on_saturated_layer_and_neuron():
    net = Network([10, 6, 2], seed=0, init="scaled")
    X = np.random.default_rng(1).random((50, 10))
    bp = Breakpoints(saturation_on=True, saturation_layer=2, saturation_fraction=0.6, every=1)
    engine = _Engine(net, X)
    assert bp.after_batch(engine, _stats([1, 1])) is None
    net.weights = [w * 60 for w in net.weights]
    assert "layer 2" in bp.after_batch(engine, _stats([1, 1]))
    bp.saturation_neuron = 2
    assert "neuron j=3 of layer 2" in bp.after_batch(engine, _stats([1, 1]))


def test_breakpoint_when_cost_rises():
    bp = Breakpoints(cost_rises=True)
    def e(c):
        return EpochStats(epoch=0, step=0, train_cost=c, train_accuracy=0.5, val_cost=c, val_accuracy=0.5)

    assert bp.after_epoch(e(0.3)) is None
    assert bp.after_epoch(e(0.2)) is None
    assert "rose from 0.2" in bp.after_epoch(e(0.25))
