"""Readouts: every operand of the equation a step applies, checked against the records and the book's
equations, and the same after ← as before →."""

import dataclasses
import math

import numpy as np
import pytest

from visualbp.core import Network
from visualbp.core.engine import Engine
from visualbp.core.pseudocode import program
from visualbp.core.readout import Why, edge_readout, neuron_readout, readout
from visualbp.core.steps import Kind


def make(activation="sigmoid", lmbda=0.0, cost="quadratic", m=3, sizes=(3, 4, 3, 2)):
    rng = np.random.default_rng(5)
    X, Y = rng.random((9, sizes[0])), np.eye(sizes[-1])[rng.integers(0, sizes[-1], 9)]
    net = Network(list(sizes), activation=activation, cost=cost, lmbda=lmbda, seed=2)
    return Engine(net, X, Y, mini_batch_size=m, eta=0.7)


def close(a, b):
    """Equal, but for floats equal to rounding: a whole-minibatch pass's gradient is recomputed by ←."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300)
    if dataclasses.is_dataclass(a) and type(a) is type(b):
        return all(close(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    return a == b


def everything(engine, selected=None):
    """Every number the window can show at the engine's position: the step's readout, and every neuron's
    and every weight's card."""
    out = []
    if engine.last_record is not None:
        r = readout(engine, engine.last_record, selected)
        out.append((r.kind, r.l, r.choice, dict(r.values), r.rule, r.terms))
    for l in range(1, engine.net.num_layers + 1):
        for j in range(engine.net.sizes[l - 1]):
            out.append(neuron_readout(engine, l, j))
            if l >= 2:
                out.extend(edge_readout(engine, l, j, k) for k in range(engine.net.sizes[l - 2]))
    return out


@pytest.mark.parametrize("activation,lmbda,cost", [("sigmoid", 0.0, "quadratic"), ("tanh", 2.0, "quadratic"),
                                                   ("relu", 0.0, "cross-entropy")])
def test_each_kind_applies_the_books_equation_to_its_operands(activation, lmbda, cost):
    engine = make(activation, lmbda, cost)
    net = engine.net
    seen = set()
    for _ in range(2 * len(program(engine.net.num_layers, 3))):
        record = engine.step()
        r = readout(engine, record)
        v, c = r.values, r.choice
        seen.add(record.kind)
        if record.l >= 2:
            assert r.f == net.layer_activation(record.l - 2).symbol  # the real activation, not always σ
        if record.kind is Kind.FEEDFORWARD:
            assert math.isclose(v["wa"] + v["b"], v["z"], rel_tol=1e-12, abs_tol=1e-12)
            assert v["a"] == net.layer_activation(record.l - 2).fn(np.array([[v["z"]]]))[0, 0]
            assert len(r.terms) == (net.sizes[record.l - 2] if net.sizes[record.l - 2] <= 3 else 0)
            if r.terms:  # a short row is written term by term
                assert math.isclose(sum(w * a for w, a in r.terms), v["wa"], rel_tol=1e-12, abs_tol=1e-12)
        elif record.kind is Kind.OUTPUT_ERROR:
            row = engine.current_example_index()
            assert v["y"] == engine.Y[row, c.j]
            expected = v["a"] - v["y"] if cost == "cross-entropy" else (v["a"] - v["y"]) * v["fp"]
            assert math.isclose(v["delta"], expected, rel_tol=1e-12, abs_tol=1e-15)
        elif record.kind is Kind.BACKPROP_ERROR:  # BP2
            assert math.isclose(v["delta"], v["wd"] * v["fp"], rel_tol=1e-12, abs_tol=1e-15)
            w_next, d_next = net.weights[record.l - 1], engine.current("delta", record.l + 1)
            assert math.isclose(v["wd"], float(w_next[:, c.j] @ d_next.ravel()), rel_tol=1e-12, abs_tol=1e-15)
        elif record.kind is Kind.GRADIENT_B:  # BP3
            assert v["nabla_b"] == engine.current("delta", record.l)[c.j, 0]
            assert r.examples == record.example + 1
        elif record.kind is Kind.GRADIENT_W:  # BP4
            assert v["nabla_w"] == v["a_k"] * v["delta_j"]
        elif record.kind is Kind.UPDATE:
            assert r.rule and c.why is Why.MOVED_MOST
            decay = 1 - v["eta"] * lmbda / engine.n_train
            assert v["decay"] == decay
            assert math.isclose(decay * v["w_old"] - v["eta"] / v["m"] * v["sum_w"], v["w_new"], rel_tol=1e-9)
            assert abs(v["dw"]) == np.max(np.abs(record["dw"]))
    assert seen == set(Kind) - {Kind.BATCH, Kind.EDIT}


def test_a_selection_is_followed_and_the_largest_is_chosen_otherwise():
    engine = make()
    while (record := engine.step()).kind is not Kind.BACKPROP_ERROR:
        pass
    r = readout(engine, record)
    assert r.choice.why is Why.LARGEST and r.choice.j == int(np.argmax(np.abs(record["delta"])))
    assert readout(engine, record, (record.l, 1)).choice.j == 1
    while (record := engine.step()).kind is not Kind.GRADIENT_W:
        pass
    r = readout(engine, record, (record.l, 0))
    assert (r.choice.why, r.choice.j) == (Why.INCOMING, 0)
    assert r.choice.k == int(np.argmax(np.abs(engine.net.weights[record.l - 2][0])))
    r = readout(engine, record, (record.l - 1, 2))
    assert (r.choice.why, r.choice.k) == (Why.OUTGOING, 2)


def test_a_whole_minibatch_names_the_mean_gradient_and_the_new_weight():
    engine = make(lmbda=1.0)
    record = engine.finish_batch()
    r = readout(engine, record)
    v, c = r.values, r.choice
    g = engine.last_gradient[1][c.l - 2]
    assert v["g"] == g[c.j, c.k] and abs(v["g"]) == max(np.max(np.abs(x)) for x in engine.last_gradient[1])
    assert v["step"] == -engine.eta * v["g"] and v["w"] == engine.net.weights[c.l - 2][c.j, c.k]
    assert r.f_hidden == "σ" and v["cost"] == float(record["cost"])


@pytest.mark.parametrize("fast", [False, True])
def test_after_back_every_number_is_what_it_was_before_the_step(fast):
    """→ then ←: the step's readout and every neuron's and weight's card are what they were — across the
    update that ends a minibatch too (the hover once showed the undone minibatch's gradient there)."""
    engine = make(m=2)
    before = []
    for _ in range(3 * len(program(engine.net.num_layers, 2)) // 2 if not fast else 4):
        before.append(everything(engine))
        engine.finish_batch() if fast else engine.step()
    for expected in reversed(before):
        engine.back()
        got = everything(engine)
        assert len(got) == len(expected)
        for a, b in zip(got, expected):
            assert a == b or (fast and close(a, b)), (a, b)
    assert engine.last_record is None


def test_cards_say_where_the_gradient_comes_from():
    engine = make()
    e = edge_readout(engine, 2, 0, 0)
    assert e.nabla_w is None and e.source is None
    while (record := engine.step()).kind is not Kind.GRADIENT_W:
        pass
    e = edge_readout(engine, record.l, 1, 2)
    assert e.source.name == "EXAMPLE" and e.nabla_w == record["nabla_w"][1, 2]
    while not engine.at_batch_start:
        engine.step()
    e = edge_readout(engine, 2, 1, 2)
    assert e.source.name == "MINIBATCH" and e.nabla_w == engine.last_gradient[1][0][1, 2]
    n = neuron_readout(engine, 3, 1)
    assert n.source.name == "MINIBATCH" and n.nabla_b == engine.last_gradient[0][1][1, 0] and n.z is None
    assert n.role == "hidden" and neuron_readout(engine, 1, 0).role == "input"
