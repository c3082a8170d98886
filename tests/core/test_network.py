"""The network against independent references: finite differences, the per-example loop, the book."""

import numpy as np
import pytest

from visualbp.core import Network, gradient_check
from visualbp.core.network import stack_pairs

ACTIVATIONS = ["sigmoid", "tanh", "relu", "linear", "softplus", "leaky-relu"]
COSTS = ["quadratic", "cross-entropy"]
SIZES = [[2, 3, 1], [4, 5, 5, 3], [64, 16, 10]]


def example(sizes, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((sizes[0], 1))
    y = np.zeros((sizes[-1], 1))
    y[rng.integers(sizes[-1])] = 1.0
    return x, y


@pytest.mark.parametrize("sizes", SIZES, ids=str)
@pytest.mark.parametrize("cost", COSTS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_backprop_matches_finite_differences(activation, cost, sizes):
    net = Network(sizes, activation, cost, init="scaled", seed=7)
    errors = gradient_check(net, *example(sizes))
    assert len(errors) == len(sizes) - 1
    assert max(errors) < 1e-6, errors


def test_gradient_check_detects_a_wrong_gradient(monkeypatch):
    net = Network([3, 4, 2], seed=1)
    right = Network.backprop

    def wrong(self, x, y):
        nb, nw = right(self, x, y)
        nw[0] = nw[0] * 1.01
        return nb, nw

    monkeypatch.setattr(Network, "backprop", wrong)
    errors = gradient_check(net, *example([3, 4, 2]))
    assert errors[0] > 1e-4 and errors[1] < 1e-6


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("cost", COSTS)
def test_matrix_batch_equals_mean_of_per_example_backprop(activation, cost):
    net = Network([6, 7, 5, 4], activation, cost, seed=3)
    rng = np.random.default_rng(1)
    X = rng.random((6, 9))
    Y = np.eye(4)[:, rng.integers(0, 4, 9)]
    nabla_b, nabla_w = net.backprop_batch(X, Y)
    per = [net.backprop(X[:, [i]], Y[:, [i]]) for i in range(9)]
    for i in range(3):
        np.testing.assert_allclose(nabla_b[i], sum(p[0][i] for p in per) / 9, rtol=0, atol=1e-12)
        np.testing.assert_allclose(nabla_w[i], sum(p[1][i] for p in per) / 9, rtol=0, atol=1e-12)


def book_update_mini_batch(net, mini_batch, eta, lmbda=0.0, n=1):
    """Nielsen's chapter-3 update_mini_batch, verbatim in spirit: the per-example reference."""
    nabla_b = [np.zeros(b.shape) for b in net.biases]
    nabla_w = [np.zeros(w.shape) for w in net.weights]
    for x, y in mini_batch:
        dnb, dnw = net.backprop(x, y)
        nabla_b = [nb + d for nb, d in zip(nabla_b, dnb)]
        nabla_w = [nw + d for nw, d in zip(nabla_w, dnw)]
    weights = [(1 - eta * (lmbda / n)) * w - (eta / len(mini_batch)) * nw for w, nw in zip(net.weights, nabla_w)]
    biases = [b - (eta / len(mini_batch)) * nb for b, nb in zip(net.biases, nabla_b)]
    return weights, biases


@pytest.mark.parametrize("lmbda", [0.0, 5.0])
def test_update_mini_batch_equals_the_book(lmbda):
    net = Network([5, 4, 3], seed=11, lmbda=lmbda)
    batch = [example([5, 4, 3], seed=s) for s in range(6)]
    w_ref, b_ref = book_update_mini_batch(net, batch, 0.7, lmbda, n=100)
    w_before = [w.copy() for w in net.weights]
    net.update_mini_batch(batch, 0.7, n=100)
    for a, b in zip(net.weights, w_ref):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
    for a, b in zip(net.biases, b_ref):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
    assert any(np.abs(a - b).max() > 1e-6 for a, b in zip(net.weights, w_before))


def test_shapes_follow_the_book():
    net = Network([784, 30, 10], seed=0)
    assert [w.shape for w in net.weights] == [(30, 784), (10, 30)]
    assert [b.shape for b in net.biases] == [(30, 1), (10, 1)]
    assert net.feedforward(np.zeros((784, 1))).shape == (10, 1)
    assert net.feedforward(np.zeros((784, 5))).shape == (10, 5)


def test_init_standard_and_scaled_spreads():
    standard = Network([400, 200, 10], seed=0)
    scaled = Network([400, 200, 10], init="scaled", seed=0)
    assert abs(standard.weights[0].std() - 1.0) < 0.02
    assert abs(scaled.weights[0].std() - 1.0 / np.sqrt(400)) < 0.002
    assert abs(scaled.biases[0].std() - 1.0) < 0.15


def test_same_seed_same_network_and_same_training():
    data = [example([3, 4, 2], seed=s) for s in range(40)]
    a, b = Network([3, 4, 2], seed=5), Network([3, 4, 2], seed=5)
    assert all((x == y).all() for x, y in zip(a.weights, b.weights))
    a.SGD(data, 3, 7, 1.0, verbose=False)
    b.SGD(data, 3, 7, 1.0, verbose=False)
    assert all((x == y).all() for x, y in zip(a.weights, b.weights))
    c = Network([3, 4, 2], seed=6)
    assert not np.array_equal(a.weights[0], c.weights[0])


def test_sgd_does_not_touch_the_callers_data():
    data = [example([3, 4, 2], seed=s) for s in range(10)]
    order = [id(p) for p in data]
    Network([3, 4, 2], seed=1).SGD(data, 2, 3, 1.0, verbose=False)
    assert [id(p) for p in data] == order


def test_book_snippet_runs_and_prints(capsys):
    xor = [(np.array([[a], [b]], float), np.array([[float(a ^ b)]])) for a in (0, 1) for b in (0, 1)]
    net = Network([2, 3, 1], seed=0)
    net.SGD(xor * 5, 2, 4, 3.0, test_data=[(x, int(y[0, 0])) for x, y in xor])
    out = capsys.readouterr().out
    assert "Epoch 0:" in out and "/ 4" in out


def test_xor_learns_to_low_cost():
    xor = [(np.array([[a], [b]], float), np.array([[float(a ^ b)]])) for a in (0, 1) for b in (0, 1)]
    net = Network([2, 3, 1], seed=2)
    net.SGD(xor * 25, 300, 4, 4.0, verbose=False)
    assert net.total_cost(xor) < 0.01
    assert net.evaluate([(x, y) for x, y in xor]) == 4 or all(
        abs(net.feedforward(x)[0, 0] - y[0, 0]) < 0.2 for x, y in xor
    )


def test_evaluate_accepts_labels_and_one_hot():
    net = Network([3, 4, 2], seed=0)
    x = np.ones((3, 1))
    guess = int(np.argmax(net.feedforward(x)))
    assert net.evaluate([(x, guess)]) == 1
    assert net.evaluate([(x, np.eye(2)[:, [guess]])]) == 1
    assert net.evaluate([(x, 1 - guess)]) == 0


def test_l2_shrinks_weights():
    data = [example([4, 8, 2], seed=s) for s in range(50)]
    plain, decayed = Network([4, 8, 2], seed=3), Network([4, 8, 2], seed=3, lmbda=20.0)
    plain.SGD(data, 20, 10, 0.5, verbose=False)
    decayed.SGD(data, 20, 10, 0.5, verbose=False)
    assert np.linalg.norm(decayed.weights[0]) < 0.8 * np.linalg.norm(plain.weights[0])


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(sizes=[3]), "at least 2 layers"),
        (dict(sizes=[]), "at least 2 layers"),
        (dict(sizes=[3, 0, 2]), "layer 2 must have at least 1 neuron"),
        (dict(sizes=[3, -3]), "at least 1 neuron"),
        (dict(sizes=[3, 2.5]), "whole number"),
        (dict(sizes=[3, "a"]), "whole number"),
        (dict(sizes=[2] * 10_000), "limit"),
        (dict(sizes=[100_000, 100_000]), "limit"),
        (dict(sizes=[2, 2], activation="swish"), "unknown activation"),
        (dict(sizes=[2, 2], cost="hinge"), "unknown cost"),
        (dict(sizes=[2, 2], init="xavier"), "unknown init"),
        (dict(sizes=[2, 2], cost="cross-entropy", output_activation="tanh"),
         "cross-entropy cost needs outputs in (0, 1)"),
        (dict(sizes=[2, 2], lmbda=-1.0), "λ"),
        (dict(sizes=[2, 2], seed=-4), "seed"),
    ],
)
def test_bad_networks_are_refused_with_a_message(kwargs, words):
    with pytest.raises(ValueError, match=None) as info:
        Network(**kwargs)
    assert words in str(info.value)


@pytest.mark.parametrize(
    "args, words",
    [
        ((1, 10, 0.0), "greater than 0"),
        ((1, 10, -1.0), "greater than 0"),
        ((1, 10, float("nan")), "finite"),
        ((1, 10, float("inf")), "finite"),
        ((1, 10, "fast"), "must be a number"),
        ((1, 0, 1.0), "minibatch size must be at least 1"),
        ((-1, 10, 1.0), "epochs"),
    ],
)
def test_bad_hyperparameters_are_refused(args, words):
    net = Network([2, 2], seed=0)
    with pytest.raises(ValueError) as info:
        net.SGD([example([2, 2])], *args, verbose=False)
    assert words in str(info.value)


def test_stack_pairs_refuses_empty_data():
    with pytest.raises(ValueError, match="empty"):
        stack_pairs([])


def test_sigmoid_has_no_overflow_warning_and_saturates():
    from visualbp.core.activations import sigmoid, sigmoid_prime

    z = np.array([-1e5, -800.0, 0.0, 800.0, 1e5])
    a = sigmoid(z)  # would warn (overflow in exp) if done naively; warnings are errors here
    assert a[0] < 1e-300 and a[2] == 0.5 and a[-1] == 1.0
    assert sigmoid_prime(z)[2] == 0.25
    assert np.isnan(sigmoid(np.array([np.nan])))[0]


def test_copy_is_independent_and_equal():
    net = Network([3, 3, 2], seed=4)
    twin = net.copy()
    assert all((a == b).all() for a, b in zip(net.weights, twin.weights))
    twin.weights[0][0, 0] += 1
    assert net.weights[0][0, 0] != twin.weights[0][0, 0]


def test_a_linear_output_layer_passes_the_gradient_check_and_outputs_z():
    """Linear neurons (f(z) = z, f' = 1): a^L equals z^L and BP1 becomes δ^L = ∇_a C."""
    from visualbp.core.gradcheck import gradient_check

    net = Network([2, 4, 1], activation="tanh", output_activation="linear", seed=3)
    x = np.array([[0.3], [-1.2]])
    out = net.feedforward(x)
    z_L = net.weights[-1] @ np.tanh(net.weights[0] @ x + net.biases[0]) + net.biases[-1]
    assert np.allclose(out, z_L, atol=1e-15)
    assert max(gradient_check(net, x, np.array([[2.5]]))) < 1e-6
