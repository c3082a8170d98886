"""Animated steps: the signal travels forwards along the active layer's edges, the error back; the next step, ←,
a screenshot or turning it off ends an animation at once in the state the graph shows without animation."""

from __future__ import annotations

import numpy as np
import pytest
from PyQt6.QtCore import Qt

from visualbp.core.config import SessionConfig
from visualbp.core.steps import Kind
from visualbp.gui import theme
from visualbp.gui.main_window import MainWindow
from visualbp.gui.network import NetworkView
from visualbp.gui.network.flow import MAX_PULSES, blend, flow_for, positions
from visualbp.gui.session import Session

# two pairs: w^2 (3 edges, layer 1 at x=0 → layer 2 at x=1), w^3 (2 edges, x=1 → x=2)
COORDS = np.array([[0, 0, 1, 0], [0, 1, 1, 0], [0, 2, 1, 1], [1, 0, 2, 0], [1, 1, 2, 0]], dtype=float)
OFFSETS = np.array([0, 3, 5])


def test_feedforward_flows_from_the_layer_before_and_bp2_back_along_the_next_weights():
    forward = flow_for(Kind.FEEDFORWARD, 2, COORDS, OFFSETS)
    assert forward.l == 2 and not forward.backwards and forward.pulses == 3
    assert (forward.starts[:, 0] == 0).all() and (forward.ends[:, 0] == 1).all()
    back = flow_for(Kind.BACKPROP_ERROR, 2, COORDS, OFFSETS)  # δ^2 from δ^3 through w^3
    assert back.l == 2 and back.backwards and back.pulses == 2
    assert (back.starts[:, 0] == 2).all() and (back.ends[:, 0] == 1).all()
    assert flow_for(Kind.BATCH, 3, COORDS, OFFSETS) is None  # a whole minibatch at once: no one path
    bp1 = flow_for(Kind.OUTPUT_ERROR, 3, COORDS, OFFSETS)
    assert bp1.pulses == 0 and bp1.l == 3  # no edges to travel; the output fills ease


def test_pulses_move_from_start_to_end_and_fills_follow_in_the_second_half():
    flow = flow_for(Kind.FEEDFORWARD, 3, COORDS, OFFSETS)
    assert np.array_equal(positions(flow, 0.0), flow.starts) and np.array_equal(positions(flow, 1.0), flow.ends)
    x = [positions(flow, t)[0, 0] for t in (0.1, 0.4, 0.6, 0.9)]
    assert x == sorted(x) and 1 < x[0] < x[-1] < 2
    old, new = np.zeros((2, 4), dtype=np.uint8), np.full((2, 4), 200, dtype=np.uint8)
    assert (blend(old, new, 0.4) == 0).all() and (blend(old, new, 1.0) == 200).all()
    assert 0 < blend(old, new, 0.75)[0, 0] < 200


def test_a_big_pair_sends_pulses_along_its_strongest_edges_only():
    n = 3 * MAX_PULSES
    coords = np.column_stack([np.zeros(n), np.arange(n), np.ones(n), np.zeros(n)]).astype(float)
    strength = np.zeros(n)
    strong = np.arange(0, n, 3)
    strength[strong] = 1.0
    flow = flow_for(Kind.FEEDFORWARD, 2, coords, np.array([0, n]), strength)
    assert flow.pulses == MAX_PULSES and set(flow.starts[:, 1].astype(int)) == set(strong.tolist())


@pytest.fixture
def view(qtbot):
    theme.apply()
    s = Session(SessionConfig(dataset="moons", sizes=(2, 4, 3, 2), seed=1))
    v = NetworkView(s)
    qtbot.addWidget(v)
    v.resize(900, 500)
    v.show()
    qtbot.waitExposed(v)
    yield s, v
    s.shutdown()


def test_a_layer_step_animates_and_ends_in_the_plain_state(view, qtbot):
    s, v = view
    s.step()  # a^1 = x
    plain_fills = None
    v.set_animated(True)
    record = s.step()  # feedforward into layer 2
    assert record.kind is Kind.FEEDFORWARD and v.animation.running and v.pulses.drawn() == 8  # 2 × 4 edges
    v.animation.show_at(0.5)
    qtbot.waitUntil(lambda: not v.animation.running, timeout=3000)  # it ends by itself
    assert v.pulses.drawn() == 0 and v.animation.frames >= 2
    plain_fills = {l: f.copy() for l, f in v.scene.fills.items()}
    painted = v.neurons.fills  # the end painted the plain fills
    assert painted.keys() == plain_fills.keys()
    assert all(np.array_equal(painted[l], plain_fills[l]) for l in plain_fills)
    v.set_animated(False)
    s.back()
    s.step()
    assert not v.animation.running  # off: nothing moves
    assert all(np.array_equal(plain_fills[l], v.scene.fills[l]) for l in plain_fills)


def test_the_next_step_back_or_a_screenshot_ends_an_animation_at_once(view):
    s, v = view
    v.set_animated(True)
    s.step()
    s.step()
    assert v.animation.running
    s.step()  # the next step: the first animation ends, the new one starts (feedforward into layer 3)
    assert v.animation.running and s.engine.last_record.l == 3
    s.back()  # ← never animates: the graph shows the earlier step at once
    assert not v.animation.running and v.pulses.drawn() == 0
    s.step()
    assert v.animation.running
    v.settle()  # what screenshots and exports call
    assert not v.animation.running and v.pulses.drawn() == 0
    s.set_granularity(s.granularity.__class__("example"))
    s.step()  # the rest of the example at once: no single path to show
    assert not v.animation.running


def test_animation_is_a_view_menu_toggle_on_by_default_in_presentation_mode(qtbot):
    theme.apply()
    s = Session(SessionConfig(dataset="moons", sizes=(2, 4, 3, 2), seed=1))
    w = MainWindow(s, remember_layout=False, recovery=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    try:
        assert not w.animate_action.isChecked()
        w.set_presentation(True)
        assert w.animate_action.isChecked() and w.network_view.animation.enabled
        qtbot.wait(100)  # the window fills the screen and the type is fitted to it
        qtbot.keyClick(w, Qt.Key.Key_PageDown)
        qtbot.keyClick(w, Qt.Key.Key_PageDown)
        assert w.network_view.animation.running
        qtbot.keyClick(w, Qt.Key.Key_A)  # off
        assert not w.network_view.animation.running and not w.network_view.animation.enabled
        w.set_presentation(False)
        assert not w.animate_action.isChecked()
    finally:
        w.set_presentation(False)
        s.shutdown()
