"""Breakpoints pause a live run at the right place, say so, and stepping back works from there."""

import numpy as np
import pytest

from visualbp.core.config import SessionConfig
from visualbp.gui import theme
from visualbp.gui.session import Session


@pytest.fixture
def session(qtbot):
    theme.apply()
    s = Session(SessionConfig(dataset="digits", sizes=(64, 30, 30, 30, 30, 10), seed=0))
    yield s
    s.shutdown()


def run_until_paused(session, qtbot, epochs=20):
    hits = []
    session.breakpointHit.connect(hits.append)
    session.train(epochs)
    qtbot.waitUntil(lambda: not session.running, timeout=30_000)
    return hits


def test_vanishing_delta_in_a_deep_sigmoid_net_pauses_the_run(session, qtbot):
    session.breakpoints.delta_on = True
    session.breakpoints.delta_layer = 2
    session.breakpoints.delta_below = 3e-3
    hits = run_until_paused(session, qtbot)
    assert len(hits) == 1 and "‖δ^2‖" in hits[0] and "minibatch" in hits[0]
    assert session.status() == hits[0]
    assert session.engine.epoch < 20  # paused early, not at the end
    at = session.engine.step_index
    session.back()
    assert session.engine.step_index == at - 1
    assert "Breakpoint" not in session.status()


def test_saturation_breakpoint_fires_on_large_weights(session, qtbot):
    session.net.weights = [w * 8 for w in session.net.weights]
    session.breakpoints.saturation_on = True
    session.breakpoints.saturation_layer = 3
    session.breakpoints.saturation_fraction = 0.8
    session.breakpoints.every = 1
    hits = run_until_paused(session, qtbot)
    assert hits and "layer 3" in hits[0] and "saturated" in hits[0]
    assert session.engine.epoch == 0


def test_cost_rise_breakpoint_with_a_huge_learning_rate(qtbot):
    theme.apply()
    s = Session(SessionConfig(dataset="moons", sizes=(2, 4, 3, 2), seed=1, eta=60.0))
    s.breakpoints.cost_rises = True
    hits = run_until_paused(s, qtbot, epochs=40)
    assert hits and "training cost rose" in hits[0]
    assert s.engine.epoch < 40
    s.shutdown()


def test_nan_always_pauses_even_with_no_breakpoints(qtbot):
    theme.apply()
    s = Session(SessionConfig(dataset="moons", sizes=(2, 4, 3, 2), seed=1))
    w = np.array(s.net.weights[0])
    w[0, 0] = np.nan
    s.net.weights[0] = w
    s.train(5)
    qtbot.waitUntil(lambda: not s.running, timeout=5000)
    assert s.status().startswith("Diverged")
    s.shutdown()


def test_the_delta_breakpoint_stops_right_after_the_first_minibatch_below_its_limit(session, qtbot):
    """The worker takes whole minibatches in blocks; the breakpoint reads each minibatch's ‖δ^l‖ in the block and
    the engine stops right after the first one below the limit, with that minibatch's weights."""
    from visualbp.core.config import build

    _, reference = build(session.config, session.dataset)
    norms: list[float] = []
    reference.batch_done.connect(lambda block: norms.extend(block.delta_norms[:, 0].tolist()))
    reference.run_epochs(20)
    first = next(i for i, v in enumerate(norms) if v < 3e-3)
    _, twin = build(session.config, session.dataset)
    twin.run_batches(first + 1)
    session.breakpoints.update(delta_on=True, delta_layer=2, delta_below=3e-3)
    hits = run_until_paused(session, qtbot)
    assert len(hits) == 1 and session.engine.step_index == first + 1
    assert all(np.array_equal(a, b) for a, b in zip(session.net.weights + session.net.biases,
                                                     twin.net.weights + twin.net.biases))
