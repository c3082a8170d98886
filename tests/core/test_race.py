"""The race: pass and multiply-add counts, and finite differences agreeing with backprop."""

import numpy as np
import pytest

from visualbp.core import Network
from visualbp.core.race import Race, counts


def test_counts_for_the_books_network():
    c = counts([784, 30, 10])
    assert c.parameters == 23_860 == Network([784, 30, 10], seed=0).n_parameters
    assert c.fd_passes == 23_861  # one extra forward pass per parameter, plus C(w) itself
    assert c.forward == 784 * 30 + 30 * 10
    assert c.backprop == 2 * c.forward + 30 * 10  # forward, BP4 for both layers, BP2 through w^3
    assert c.finite_differences == 23_861 * c.forward
    assert c.ratio == pytest.approx(23_861 * 23_820 / 47_940)


@pytest.mark.parametrize("activation,cost", [("sigmoid", "cross-entropy"), ("tanh", "quadratic"),
                                             ("relu", "quadratic")])
def test_finite_differences_agree_with_backprop(activation, cost):
    net = Network([5, 6, 4, 3], activation, cost, init="scaled", seed=2)
    rng = np.random.default_rng(0)
    x, y = rng.random((5, 1)), np.eye(3)[:, [1]]
    before = [w.copy() for w in net.weights]
    r = Race(net, x, y).run()
    assert r.finished and r.done == r.total == net.n_parameters
    assert r.max_difference < 1e-5
    assert len(r.layer_errors) == 3 and max(r.layer_errors) < 1e-5
    assert r.bp_seconds > 0 and r.fd_seconds > 0 and r.bp_runs >= 1
    assert all(np.array_equal(a, b) for a, b in zip(before, net.weights))  # raced on a copy


def test_a_stopped_race_projects_its_total_and_resumes():
    net = Network([8, 10, 3], seed=1)
    race = Race(net, np.ones((8, 1)), np.eye(3)[:, [0]])
    race.time_backprop(min_seconds=0.001)
    blocks = race.blocks(chunk=16)
    for _ in range(2):
        next(blocks)
    blocks.close()
    partial = race.result()
    assert partial.done == 32 and not partial.finished and partial.layer_errors == ()
    assert partial.projected_fd_seconds == pytest.approx(partial.fd_seconds * race.total / 32)
    assert partial.max_difference < 1e-5  # the 32 done already agree
    done = race.run()
    assert done.finished and max(done.layer_errors) < 1e-5


def test_race_catches_a_wrong_backprop():
    net = Network([3, 4, 2], seed=1)
    race = Race(net, np.ones((3, 1)), np.eye(2)[:, [0]])
    race.analytic = (race.analytic[0], [1.1 * race.analytic[1][0], race.analytic[1][1]])
    r = race.run()
    assert r.layer_errors[0] > 0.01 and r.layer_errors[1] < 1e-5
