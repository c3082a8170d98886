"""The lessons of chapter 2's two exercises on activations (resources/demos.json): each shows what it claims."""

import math

import numpy as np
import pytest

from visualbp.core.config import build, load_dataset
from visualbp.core.demos import get_demo, parse_demo
from visualbp.core.readout import readout
from visualbp.core.steps import Kind


def built(name: str):
    demo = get_demo(name)
    config = demo.config()
    net, engine = build(config, load_dataset(config))
    demo.apply(net, engine)
    for _ in range(demo.steps):  # the lesson's steps, at its granularity (layer: one record each)
        engine.step()
    return demo, net, engine


def test_modified_neuron_opens_at_bp2_where_only_that_neuron_uses_tanh_prime():
    demo, net, engine = built("modified-neuron")
    assert net.neuron_activations == ((2, 1, "tanh"),) and demo.select == (2, 1)
    record = engine.last_record
    assert record.kind is Kind.BACKPROP_ERROR and record.l == 2
    z = engine.current("z", 2).ravel()
    a = engine.current("a", 2).ravel()
    assert a[1] == pytest.approx(math.tanh(z[1]), rel=1e-12)  # a²₂ = tanh(z²₂)
    r = readout(engine, record, demo.select)
    assert r.f_j == "tanh" and r["fp"] == pytest.approx(1 - math.tanh(z[1]) ** 2, rel=1e-12)
    wtd = net.weights[1].T @ engine.current("delta", 3)
    assert r["delta"] == pytest.approx(float(wtd[1, 0]) * (1 - math.tanh(z[1]) ** 2), rel=1e-12)
    for j in (0, 2):  # its neighbours keep σ'(z)
        other = readout(engine, record, (2, j))
        assert other.f_j == "σ" and other["fp"] == pytest.approx(a[j] * (1 - a[j]), rel=1e-12)


def test_linear_neurons_backpropagate_without_sigma_prime_and_cannot_learn_xor():
    demo, net, engine = built("linear-neurons")
    assert all(net.layer_activation(i).name == "linear" for i in range(2))  # σ(z) = z everywhere
    record = engine.last_record
    assert record.kind is Kind.BACKPROP_ERROR and record.l == 2
    a3 = engine.current("a", 3)  # δ³ = a³ − y, δ² = (w³)ᵀ δ³ exactly: no σ' factor
    delta3, delta2 = engine.current("delta", 3), engine.current("delta", 2)
    np.testing.assert_array_equal(delta2, net.weights[1].T @ delta3)
    row = engine.current_example_index()
    np.testing.assert_allclose(delta3.ravel(), a3.ravel() - engine.Y[row], rtol=0, atol=1e-15)
    assert readout(engine, record)["fp"] == 1.0 and readout(engine, record).f == "id"
    engine.run_epochs(5)
    assert engine.evaluate().val_accuracy < 0.65  # one linear map of x: no better than a straight line on XOR


@pytest.mark.parametrize("change, field", [
    ({"neurons": [[3, 0, "linear"]], "config": {"dataset": "xor", "sizes": [2, 3, 2], "cost": "cross-entropy"}},
     "neurons"),
    ({"neurons": [[2, 9, "tanh"]]}, "neurons"),
    ({"neurons": "tanh"}, "neurons"),
    ({"select": [4, 0]}, "select"),
    ({"select": [2, 3]}, "select"),
    ({"select": "2,1"}, "select"),
])
def test_a_lessons_bad_neurons_or_selection_are_named(change, field):
    entry = {"name": "x", "title": "t", "description": "d", "granularity": "layer",
             "config": {"dataset": "xor", "sizes": [2, 3, 2]}} | change
    with pytest.raises(ValueError, match=f"field '{field}'"):
        parse_demo(entry)
