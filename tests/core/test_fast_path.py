"""SGD's fast path (``visualbp.core.fastpath``, the kernel every gradient goes through) against the
per-example book loop, minibatch by minibatch."""

import numpy as np
import pytest
from test_network import book_update_mini_batch as book_reference  # the per-example loop, as in the book

from visualbp.core import Network
from visualbp.core.activations import Activation, sigmoid, sigmoid_prime

N = 23  # with batch sizes 10 and 7 the last minibatch is ragged (3 and 2 examples)


def data(sizes, n=N, seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.random((sizes[0], 1)), np.eye(sizes[-1])[:, [rng.integers(sizes[-1])]]) for _ in range(n)]


def book_update_mini_batch(net, mini_batch, eta, lmbda, n):
    """The per-example reference of test_network, applied to ``net``."""
    net.weights, net.biases = book_reference(net, mini_batch, eta, lmbda, n)


def reference_sgd(net, pairs, epochs, m, eta, lmbda, per_example=True):
    """The same epochs through the book's per-example loop (or ``update_mini_batch``), with SGD's
    shuffle, drawn from a copy of its generator."""
    ref = net.copy()
    for _ in range(epochs):
        order = ref._shuffle_rng.permutation(len(pairs))
        for k in range(0, len(pairs), m):
            batch = [pairs[r] for r in order[k:k + m]]
            if per_example:
                book_update_mini_batch(ref, batch, eta, lmbda, len(pairs))
            else:
                ref.update_mini_batch(batch, eta, lmbda, n=len(pairs))
    return ref


def assert_close(net, ref):
    for a, b in zip(net.weights + net.biases, ref.weights + ref.biases):
        assert a.shape == b.shape and a.flags.c_contiguous
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)


@pytest.mark.parametrize("m", [1, 10, 7])
@pytest.mark.parametrize("cost", ["quadratic", "cross-entropy"])
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("lmbda", [0.0, 2.0])
def test_sgd_equals_update_mini_batch_over_epochs(activation, cost, m, lmbda):
    sizes = [5, 6, 4, 3]
    pairs = data(sizes)
    net = Network(sizes, activation, cost, init="scaled", seed=4, lmbda=lmbda)
    ref = reference_sgd(net, pairs, 2, m, 0.3, lmbda)
    matrix = reference_sgd(net, pairs, 2, m, 0.3, lmbda, per_example=False)
    net.SGD(pairs, 2, m, 0.3, verbose=False)
    assert_close(net, ref)
    assert_close(net, matrix)
    assert np.abs(net.weights[0] - Network(sizes, activation, cost, init="scaled", seed=4).weights[0]).max() > 1e-3


@pytest.mark.parametrize("output", ["tanh", "relu"])
def test_quadratic_cost_with_a_tanh_or_relu_output_layer(output):
    sizes = [4, 5, 2]
    pairs = data(sizes)
    net = Network(sizes, "sigmoid", "quadratic", seed=2, output_activation=output)
    ref = reference_sgd(net, pairs, 3, 7, 0.5, 0.0)
    net.SGD(pairs, 3, 7, 0.5, verbose=False)
    assert_close(net, ref)


def test_a_network_without_hidden_layers_and_labels_of_any_shape():
    rng = np.random.default_rng(3)
    flat = [(rng.random(6), np.eye(2)[rng.integers(2)]) for _ in range(N)]  # (6,) and (2,) instead of columns
    columns = [(x.reshape(-1, 1), y.reshape(-1, 1)) for x, y in flat]
    net = Network([6, 2], seed=1)
    ref = reference_sgd(net, columns, 2, 10, 1.0, 0.0)
    net.SGD(flat, 2, 10, 1.0, verbose=False)
    assert_close(net, ref)


def test_a_custom_activation_goes_through_fn_and_prime():
    custom = Activation("my-sigmoid", "s", sigmoid, sigmoid_prime, 0.0, 1.0)  # not the built-in object
    sizes = [4, 5, 2]
    pairs = data(sizes)
    net = Network(sizes, custom, seed=5)
    ref = reference_sgd(net, pairs, 2, 7, 2.0, 0.0)
    net.SGD(pairs, 2, 7, 2.0, verbose=False)
    assert_close(net, ref)


def test_sgd_leaves_arrays_it_was_given_alone_and_sees_current_weights_between_epochs():
    sizes = [4, 5, 2]
    pairs = data(sizes)
    net = Network(sizes, seed=6)
    held = net.weights + net.biases
    copies = [a.copy() for a in held]
    seen = []
    net.evaluate = lambda test: seen.append([w.copy() for w in net.weights]) or 0
    net.SGD(pairs, 2, 5, 1.0, test_data=pairs[:3], verbose=False)
    assert all(np.array_equal(a, b) for a, b in zip(held, copies))
    assert np.array_equal(seen[-1][0], net.weights[0]) and not np.array_equal(seen[0][0], seen[1][0])


def test_non_finite_weights_spread_through_sgd_without_errors():
    sizes = [4, 5, 2]
    net = Network(sizes, seed=7)
    net.weights[0][0, 0] = np.nan
    net.SGD(data(sizes), 1, 5, 1.0, verbose=False)  # warnings are errors in this suite
    assert all(np.isnan(w).any() for w in net.weights)


def test_saturated_sigmoids_do_not_warn():
    sizes = [3, 4, 2]
    pairs = [(np.full((3, 1), 1e4 * s), np.eye(2)[:, [0]]) for s in (-1, 1)]  # z far beyond ±700
    net = Network(sizes, seed=8)
    ref = reference_sgd(net, pairs, 2, 1, 1.0, 0.0)
    net.SGD(pairs, 2, 1, 1.0, verbose=False)
    assert_close(net, ref)


def test_examples_that_do_not_fit_the_network_are_refused():
    net = Network([4, 5, 2], seed=0)
    with pytest.raises(ValueError, match="takes 4 inputs and gives 2 outputs.*3 inputs and 2 targets"):
        net.SGD(data([3, 5, 2]), 1, 5, 1.0, verbose=False)
    labels = [(x, 1) for x, _ in data([4, 5, 2])]  # plain labels would broadcast silently
    with pytest.raises(ValueError, match="1 targets"):
        net.SGD(labels, 1, 5, 1.0, verbose=False)
    with pytest.raises(ValueError, match="same shape"):
        net.SGD([(np.ones((4, 1)), np.ones((2, 1))), (np.ones((3, 1)), np.ones((2, 1)))], 1, 5, 1.0, verbose=False)
