"""Per-example cost and ‖δ^(x,l)‖ from the records the step-by-step path produces, undone with the steps."""

from __future__ import annotations

import numpy as np
import pytest

from visualbp.core.config import SessionConfig, build, load_dataset
from visualbp.core.example_log import ExampleLog, example_x
from visualbp.core.steps import Kind


def engine_of(**kw):
    config = SessionConfig(dataset="moons", sizes=(2, 4, 3, 2), seed=1, **kw)
    return build(config, load_dataset(config))


def test_each_example_gives_its_cost_and_the_norm_of_each_delta():
    net, engine = engine_of()
    log = ExampleLog(engine)
    records = [engine.step() for _ in range(2 * 13)]  # two examples' passes (13 records each for L = 4)
    costs = [r for r in records if r.kind is Kind.FEEDFORWARD and r.l == 4]
    x, c = log.points(0)
    assert len(c) == 2 == len(costs)
    np.testing.assert_allclose(c, [float(r["cost"]) for r in costs])
    per_epoch = engine.batches_per_epoch
    np.testing.assert_allclose(x, [(1 / 10) / per_epoch, (2 / 10) / per_epoch])  # example j ends at (j+1)/m
    for l in (2, 3, 4):
        deltas = [r["delta"] for r in records if r.kind in (Kind.OUTPUT_ERROR, Kind.BACKPROP_ERROR) and r.l == l]
        _, norms = log.points(l)
        np.testing.assert_allclose(norms, [np.sqrt((d ** 2).sum()) for d in deltas], rtol=1e-12)
        assert len(norms) == 2
    assert example_x(costs[1], per_epoch) == pytest.approx(x[1])


def test_stepping_back_forgets_the_undone_points_and_whole_minibatches_add_none():
    net, engine = engine_of()
    log = ExampleLog(engine)
    for _ in range(6):  # input, 3 × feedforward (cost at l = 4), BP1, BP2 at l = 3
        engine.step()
    assert len(log.points(0)[1]) == 1 and len(log.points(3)[1]) == 1
    engine.back()  # undoes BP2 at l = 3
    assert len(log.points(3)[1]) == 0 and len(log.points(4)[1]) == 1
    engine.back()
    engine.back()  # and the feedforward that computed the cost
    assert len(log) == 0 and log.last_step() == -1
    engine.finish_batch()  # the rest of this minibatch, record by record: 10 examples' points
    assert len(log.points(0)[1]) == 10
    engine.finish_batch()  # a whole minibatch in one matrix pass: its numbers are in BatchStats
    assert len(log.points(0)[1]) == 10
    log.detach()
    engine.step()
    assert len(log.points(0)[1]) == 10
