"""The big picture panel: its rows and sums are core.paths' for the weight picked, and follow steps and selection."""

import numpy as np
import pytest

from visualbp.core.config import SessionConfig
from visualbp.core.paths import engine_path_sum
from visualbp.gui.big_picture import BigPicturePanel
from visualbp.gui.notation import number
from visualbp.gui.session import Session


@pytest.fixture
def panel(qtbot):
    session = Session(SessionConfig(dataset="moons", sizes=(2, 4, 3, 2), seed=1))
    p = BigPicturePanel(session)
    qtbot.addWidget(p)
    p.show()
    yield p
    session.shutdown()


def column(p, col):
    return [p.table.item(r, col).text() for r in range(p.table.rowCount())]


def test_rows_are_every_path_and_the_sum_equals_backprop(panel):
    panel.set_weight(2, 1, 0)  # w^2_21: 3 × 2 = 6 paths
    ps = engine_path_sum(panel.session.engine, 2, 1, 0)
    assert panel.table.rowCount() == 6 == ps.count
    assert column(panel, 0)[0] == " → ".join(str(n + 1) for n in ps.paths[0].neurons)
    assert column(panel, 5) == [number(p.value, 4) for p in ps.paths]
    assert panel.table.item(0, 1).text() == number(ps.paths[0].factors[0])
    text = panel.summary.text()
    assert number(ps.total, 6) in text and number(ps.backprop, 6) in text
    assert abs(panel.result.difference) <= 1e-12


def test_spin_boxes_pick_the_weight_and_bound_j_and_k(panel, qtbot):
    panel.l_box.setValue(4)
    assert panel.j_box.maximum() == 2 and panel.k_box.maximum() == 3
    assert panel.result.l == 4 and panel.table.rowCount() == 1
    panel.l_box.setValue(3)
    panel.j_box.setValue(3)
    assert panel.weight()[:2] == (3, 2) and panel.result.j == 2


def test_follows_selection_and_steps(panel):
    s = panel.session
    s.select((3, 1))
    k = int(np.argmax(np.abs(s.net.weights[1][1])))
    assert panel.weight() == (3, 1, k)
    before = panel.result.backprop
    s.set_granularity("minibatch")
    s.step()  # an update: the weights and so the paths change
    assert panel.result.backprop != before
    assert panel.result.backprop == engine_path_sum(s.engine, 3, 1, k).backprop


def test_a_large_network_lists_the_largest_paths_and_sums_the_rest(qtbot):
    session = Session(SessionConfig(dataset="digits", sizes=(64, 30, 30, 10), seed=2))
    p = BigPicturePanel(session)
    qtbot.addWidget(p)
    p.show()
    p.set_weight(2, 0, 5)
    assert p.result.count == 300 and len(p.result.paths) == 50
    assert p.table.rowCount() == 51 and "the other 250 paths" in p.table.item(50, 0).text()
    assert abs(p.result.difference) <= 1e-12
    session.shutdown()
