"""SGD and the step engine run the same kernel: the same minibatches give the same weights, bit for bit;
and the engine's ← redoes whole minibatches from a checkpoint exactly, across checkpoints."""

import numpy as np
import pytest

from visualbp.core import Network, checks, fastpath, wholebatch
from visualbp.core.engine import Engine, epoch_permutation


def data(sizes, n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, sizes[0])), np.eye(sizes[-1])[rng.integers(0, sizes[-1], n)]


@pytest.mark.parametrize("activation,cost,lmbda,m", [("sigmoid", "quadratic", 0.0, 10),
                                                     ("tanh", "cross-entropy", 3.0, 7),
                                                     ("relu", "quadratic", 0.5, 4)])
def test_sgd_and_the_engine_give_the_same_weights_after_an_epoch(activation, cost, lmbda, m):
    sizes, n, seed = [6, 9, 5, 3], 53, 12  # 53 examples: the last minibatch is ragged
    X, Y = data(sizes, n)
    net = Network(sizes, activation, cost, init="scaled", seed=seed, lmbda=lmbda)
    start = net.copy()
    engine = Engine(net, X, Y, mini_batch_size=m, eta=0.4)
    engine.run_epochs(1)
    # SGD shuffles with its own generator: start it where the engine's epoch 0 order comes from
    sgd = start.copy()
    sgd._shuffle_rng = np.random.default_rng([seed, 2, 0])
    assert np.array_equal(sgd._shuffle_rng.permutation(n), epoch_permutation(seed, 0, n))
    sgd._shuffle_rng = np.random.default_rng([seed, 2, 0])
    sgd.SGD([(x.reshape(-1, 1), y.reshape(-1, 1)) for x, y in zip(X, Y)], 1, m, 0.4, verbose=False)
    for a, b, c in zip(net.weights + net.biases, sgd.weights + sgd.biases, start.weights + start.biases):
        assert np.array_equal(a, b)
        assert not np.array_equal(a, c)


def test_back_redoes_whole_minibatches_exactly_across_checkpoints(monkeypatch):
    sizes = [5, 7, 3]
    X, Y = data(sizes, 60, seed=1)
    net = Network(sizes, "tanh", "cross-entropy", seed=2, lmbda=1.0)
    work = 5 * (7 * 6 + 3 * 8) * 3  # one minibatch of 5 examples, in multiply-adds: a checkpoint every 3
    monkeypatch.setattr(wholebatch, "REPLAY_WORK", 3 * work)
    engine = Engine(net, X, Y, mini_batch_size=5, eta=0.7)
    seen, grads = [], []
    for _ in range(14):  # over an epoch boundary (12 minibatches an epoch)
        seen.append([a.copy() for a in net.weights + net.biases])
        engine.finish_batch()
        grads.append([a.copy() for a in engine.last_gradient[0] + engine.last_gradient[1]])
    engine.eta = 0.2  # η changes between minibatches: each is redone with its own
    seen.append([a.copy() for a in net.weights + net.biases])
    engine.finish_batch()
    grads.append(None)
    for i in range(len(seen) - 1, -1, -1):
        engine.back()
        assert all(np.array_equal(a, b) for a, b in zip(net.weights + net.biases, seen[i]))
        g = engine.last_gradient
        if i == 0:
            assert g is None
        else:
            assert all(np.array_equal(a, b) for a, b in zip(g[0] + g[1], grads[i - 1]))
    assert engine.back() is None and engine.epoch == 0
    engine.eta = 0.7
    engine.run_batches(3)  # and the engine trains on from the start again, as the first time
    assert all(np.array_equal(a, b) for a, b in zip(net.weights + net.biases, seen[3]))


def test_a_large_training_set_is_not_copied_and_trains_the_same(monkeypatch):
    from visualbp.core import fastpath

    sizes = [5, 7, 3]
    X, Y = data(sizes, 40, seed=3)
    X.flags.writeable = False  # as the data sets hand them out
    held = Engine(Network(sizes, seed=4), X, Y, mini_batch_size=6, eta=0.5)
    assert not np.shares_memory(held.X, X) and np.array_equal(held.X, X)  # small: kept with its ones
    shadow = Engine(Network(sizes, seed=4), held.X, held.Y, mini_batch_size=6, eta=0.5)
    assert np.shares_memory(shadow.X, held.X)  # another engine's rows are shared, not copied again
    monkeypatch.setattr(fastpath, "ROWS_WITH_ONES_BYTES", 0)
    large = Engine(Network(sizes, seed=4), X, Y, mini_batch_size=6, eta=0.5)
    assert np.shares_memory(large.X, X)  # "large": the caller's rows themselves
    for engine in (held, large):
        engine.run_epochs(2)
        engine.back()
    for a, b in zip(held.net.weights + held.net.biases, large.net.weights + large.net.biases):
        assert np.array_equal(a, b)
    assert not held.X.flags.writeable  # the engine's copy is as read-only as the data set's rows


@pytest.mark.parametrize("one_thread", [False, True])
@pytest.mark.parametrize("n", [0, 1, 30, fastpath.DOT_PIECE, fastpath.DOT_PIECE + 1, 23_550, 3 * fastpath.DOT_PIECE])
def test_sum_of_squares_is_the_squared_norm_in_pieces(n, one_thread, monkeypatch):
    """‖a‖², summed in pieces BLAS keeps on one thread, or at once when BLAS has one (the norms the window plots)."""
    monkeypatch.setattr(fastpath, "one_blas_thread", one_thread)
    a = np.random.default_rng(n).standard_normal(n)
    assert fastpath.sum_of_squares(a) == pytest.approx(float(np.vdot(a, a)), rel=1e-12, abs=1e-300)
    grid = np.random.default_rng(1).standard_normal((30, 785))
    assert fastpath.sum_of_squares(grid) == pytest.approx(float(np.sum(grid * grid)), rel=1e-12)
    assert fastpath.sum_of_squares(grid[:, -1]) == pytest.approx(float(np.sum(grid[:, -1] ** 2)), rel=1e-12)


def test_a_last_gradient_read_while_two_more_minibatches_ran_is_read_again_from_the_newest(monkeypatch):
    """The whole-minibatch pass takes two sets of gradient buffers in turn. A reader (the window's thread) that
    is interrupted while it copies one, long enough for the training to take that set up again, must not
    return a gradient torn between two minibatches: it reads the newest instead. The interruption is made
    exact here: η is a float whose division of an array (the reader's g / η) runs two more minibatches
    between the bias and the weight parts."""
    sizes = [5, 7, 3]
    X, Y = data(sizes, 60, seed=7)

    class Interrupting(float):
        __array_ufunc__ = None  # ndarray / η hands the division to __rtruediv__
        divisions = 0

        def __rtruediv__(self, other):
            if isinstance(other, np.ndarray):
                Interrupting.divisions += 1
                if Interrupting.divisions == 3:  # after ∂C/∂b^2 and ∂C/∂b^3, before ∂C/∂w^2
                    engine.eta = 0.5
                    engine.finish_batch()
                    engine.finish_batch()
            return other / float(self)

    engine = Engine(Network(sizes, seed=8), X, Y, mini_batch_size=5, eta=0.5)
    twin = Engine(Network(sizes, seed=8), X, Y, mini_batch_size=5, eta=0.5)
    with monkeypatch.context() as patch:
        patch.setattr(checks, "check_eta", lambda value: value)  # which makes η a plain float
        engine.eta = Interrupting(0.5)
    engine.finish_batch()
    nabla_b, nabla_w = engine.last_gradient
    for _ in range(3):
        twin.finish_batch()
    assert Interrupting.divisions >= 3 and engine.batch == twin.batch == 3
    for a, b in zip(nabla_b + nabla_w, twin.last_gradient[0] + twin.last_gradient[1]):
        assert np.array_equal(a, b)
