"""The big picture: the sum over paths equals backprop's ∂C/∂w^l_jk (BP4), path by path and truncated."""

import math

import numpy as np
import pytest

from visualbp.core import Network
from visualbp.core.config import SessionConfig, build, load_dataset
from visualbp.core.paths import current_example, engine_path_sum, path_count, path_sum

CASES = [(a, c) for a in ("sigmoid", "tanh", "relu") for c in ("quadratic", "cross-entropy")]


def example(sizes, seed):
    rng = np.random.default_rng(seed)
    y = np.zeros((sizes[-1], 1))
    y[rng.integers(sizes[-1])] = 1.0
    return rng.standard_normal((sizes[0], 1)), y


@pytest.mark.parametrize("activation,cost", CASES)
def test_every_path_sums_to_bp4_on_random_networks(activation, cost):
    rng = np.random.default_rng(hash((activation, cost)) % 2**32)
    for trial in range(6):
        sizes = [int(n) for n in rng.integers(1, 5, size=rng.integers(2, 5))]
        net = Network(sizes, activation, cost, seed=trial)
        x, y = example(sizes, trial)
        _, nabla_w = net.backprop(x, y)
        for l in range(2, len(sizes) + 1):
            j, k = int(rng.integers(sizes[l - 1])), int(rng.integers(sizes[l - 2]))
            ps = path_sum(net, x, y, l, j, k, top=10_000)
            assert ps.complete and ps.count == math.prod(sizes[l:]) == len(ps.paths)
            assert ps.rest == 0.0
            assert ps.backprop == nabla_w[l - 2][j, k]
            assert ps.a_k * ps.delta_j == pytest.approx(ps.backprop, rel=1e-12, abs=1e-300)
            assert abs(ps.total - ps.backprop) <= 1e-12 * max(1.0, abs(ps.backprop))
            assert len({p.neurons for p in ps.paths}) == ps.count  # every path once


def test_each_path_is_the_product_of_its_book_factors():
    net = Network([2, 3, 3, 2], "sigmoid", "quadratic", seed=4)
    x, y = example([2, 3, 3, 2], 1)
    ps = path_sum(net, x, y, 2, 1, 0)
    assert len(ps.paths) == 6
    for p in ps.paths:
        assert len(p.factors) == 4  # ∂a²/∂w², ∂a³/∂a², ∂a⁴/∂a³, ∂C/∂a⁴
        assert p.value == pytest.approx(math.prod(p.factors), rel=1e-12)
    # the first factor is σ'(z²_j) a¹_k: here x_1 times σ'(z²_2)
    z2 = net.weights[0] @ x + net.biases[0]
    s = 1 / (1 + np.exp(-z2[1, 0]))
    assert ps.paths[0].factors[0] == pytest.approx(s * (1 - s) * x[0, 0], rel=1e-12)
    mags = [abs(p.value) for p in ps.paths]
    assert mags == sorted(mags, reverse=True)


@pytest.mark.parametrize("activation,cost", CASES)
def test_truncated_list_is_the_largest_paths_and_the_rest_keeps_the_total_exact(activation, cost):
    sizes = [3, 5, 4, 4, 3]
    net = Network(sizes, activation, cost, seed=11)
    x, y = example(sizes, 2)
    full = path_sum(net, x, y, 2, 3, 1, top=10_000)
    assert full.count == 48 and full.complete
    cut = path_sum(net, x, y, 2, 3, 1, top=7)
    assert len(cut.paths) == 7 and not cut.complete
    expected = sorted(full.paths, key=lambda p: -abs(p.value))[:7]
    assert [abs(p.value) for p in cut.paths] == pytest.approx([abs(p.value) for p in expected], rel=1e-12)
    unlisted = math.fsum(p.value for p in full.paths if p.neurons not in {q.neurons for q in cut.paths})
    assert cut.rest == pytest.approx(unlisted, rel=1e-9, abs=1e-13)
    assert abs(cut.total - cut.backprop) <= 1e-12 * max(1.0, abs(cut.backprop))


def test_output_weight_has_one_path_and_saturation_gives_no_nan():
    net = Network([2, 2], "sigmoid", "cross-entropy", seed=0)
    net.biases[0][:] = 50.0  # a = 1 exactly: ∂C/∂a is ∞ but δ = a − y stays finite
    x, y = np.array([[0.1], [0.2]]), np.array([[0.0], [1.0]])
    ps = path_sum(net, x, y, 2, 0, 1)
    assert ps.count == 1 and np.isfinite(ps.total)
    assert ps.total == pytest.approx(ps.backprop, abs=1e-12)


def test_bad_indices_are_named():
    net = Network([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match="layer l must be 2..3"):
        path_sum(net, [[0], [0]], [[1]], 1, 0, 0)
    with pytest.raises(ValueError, match="1 ≤ j ≤ 3"):
        path_sum(net, [[0], [0]], [[1]], 2, 5, 0)


def test_large_network_lists_the_top_paths_quickly_and_exactly():
    sizes = [20, 60, 60, 60, 10]
    net = Network(sizes, seed=5)
    x, y = example(sizes, 0)
    ps = path_sum(net, x, y, 2, 0, 0, top=20)
    assert ps.count == path_count(sizes, 2) == 60 * 60 * 10 == 36_000
    assert abs(ps.total - ps.backprop) <= 1e-12
    # the largest path found equals the largest of a brute-force enumeration
    zs, acts = [], [x.ravel()]
    a = x
    for w, b in zip(net.weights, net.biases):
        z = w @ a + b
        a = 1 / (1 + np.exp(-z))
        zs.append(z.ravel())
        acts.append(a.ravel())
    sp = [a_ * (1 - a_) for a_ in acts[1:]]
    d = (acts[-1] - y.ravel()) * sp[-1]
    t = sp[0][0] * x[0, 0] * (sp[1] * net.weights[1][:, 0])[:, None, None] \
        * (sp[2][None, :] * net.weights[2].T)[:, :, None] * (net.weights[3].T[None] * d[None, None, :])
    assert abs(ps.paths[0].value) == pytest.approx(np.abs(t).max(), rel=1e-12)
    assert float(t.sum()) == pytest.approx(ps.backprop, abs=1e-12)


def test_engine_example_between_minibatches_is_the_next_one_taken():
    cfg = SessionConfig(dataset="xor", sizes=[2, 3, 2], mini_batch_size=2, seed=1, data_seed=0)
    net, engine = build(cfg, load_dataset(cfg))
    row, x, _ = current_example(engine)
    engine.step()  # INPUT of the first example
    assert engine.current_example_index() == row
    assert np.array_equal(engine.current("a", 1).ravel(), x.ravel())
    ps = engine_path_sum(engine, 2, 0, 1)
    assert ps.example == row and abs(ps.difference) <= 1e-12
