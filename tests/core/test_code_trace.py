"""The code in lockstep: the listings are real code that computes what the core computes, and every step
highlights the lines that do what it did, with the values it produced."""

from __future__ import annotations

import numpy as np
import pytest

from visualbp.core.code_trace import EXAMPLE_CODE, MATRIX_CODE, trace
from visualbp.core.network import Network
from visualbp.core.steps import Kind


def _run_listing(code: str, net: Network, X: np.ndarray, Y: np.ndarray, eta: float, lmbda: float, n: int,
                 matrix: bool) -> tuple[list, list]:
    """Execute a listing as it is shown on the network's parameters; return its new weights and biases."""
    act = net.activation
    L = net.num_layers
    namespace = {
        "np": np,
        "L": L,
        "layers": list(range(2, L + 1)),
        "w": {l: net.weights[l - 2].copy() for l in range(2, L + 1)},
        "b": {l: net.biases[l - 2].copy() for l in range(2, L + 1)},
        "f": act.fn,
        "f_prime": lambda z: act.prime(z, act.fn(z)),
        "grad_a_C": net.cost.grad_a,
    }
    exec(code, namespace)  # noqa: S102 - the project's own listing, run to prove it is the algorithm
    update = namespace["update_mini_batch"]
    if matrix:
        update(X.T, Y.T, eta, lmbda, n)
    else:
        update([(x.reshape(-1, 1), y.reshape(-1, 1)) for x, y in zip(X, Y)], eta, lmbda, n)
    return ([namespace["w"][l] for l in range(2, L + 1)], [namespace["b"][l] for l in range(2, L + 1)])


@pytest.mark.parametrize("code, matrix", [(EXAMPLE_CODE, False), (MATRIX_CODE, True)], ids=["example", "matrix"])
def test_each_listing_run_as_shown_takes_the_same_step_as_the_core(code, matrix):
    rng = np.random.default_rng(4)
    net = Network([3, 5, 4, 2], seed=2, lmbda=0.5)
    X, Y = rng.standard_normal((6, 3)), rng.random((6, 2))
    weights, biases = _run_listing(code, net, X, Y, eta=0.7, lmbda=0.5, n=60, matrix=matrix)
    net.update_mini_batch(list(zip(X.reshape(6, 3, 1), Y.reshape(6, 2, 1))), 0.7, lmbda=0.5, n=60)
    for mine, core in zip(weights + biases, net.weights + net.biases):
        np.testing.assert_allclose(mine, core, rtol=0, atol=1e-12)


def test_every_step_highlights_the_lines_that_do_it_with_its_values():
    from visualbp.core.engine import Engine

    rng = np.random.default_rng(0)
    net = Network([2, 3, 2], seed=1)
    X, Y = rng.standard_normal((8, 2)), np.eye(2)[rng.integers(0, 2, 8)]
    engine = Engine(net, X, Y, mini_batch_size=2, eta=1.0, seed=0)
    listing = EXAMPLE_CODE.splitlines()
    expected = {
        Kind.INPUT: "a = {1: x}", Kind.FEEDFORWARD: "z[l] = w[l] @ a[l - 1] + b[l]", Kind.OUTPUT_ERROR: "delta[L]",
        Kind.BACKPROP_ERROR: "(w[l + 1].T @ delta[l + 1])", Kind.GRADIENT_B: "sum_b[l] += delta[l]",
        Kind.GRADIENT_W: "sum_w[l] += delta[l] @ a[l - 1].T", Kind.UPDATE: "w[l] = (1 - eta * lmbda / n)",
    }
    seen = set()
    for _ in range(30):
        record = engine.step()
        t = trace(record)
        assert not t.matrix and any(expected[record.kind] in listing[n] for n in t.lines), record.describe()
        values = {v.name: v.value for v in t.variables}
        if record.kind is Kind.FEEDFORWARD:
            assert values["l"] == record.l
            np.testing.assert_array_equal(values[f"z[{record.l}]"], record["z"])
            np.testing.assert_array_equal(values[f"a[{record.l}]"], record["a"])
        if record.kind is Kind.BACKPROP_ERROR:
            np.testing.assert_array_equal(values[f"delta[{record.l}]"], record["delta"])
        seen.add(record.kind)
    assert seen == set(expected)  # every kind of step met within two minibatches
    assert trace(None).lines == ()
