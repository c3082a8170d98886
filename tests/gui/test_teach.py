"""The Teach menu of the main window: one action per panel, each showing its dock."""

import numpy as np
import pytest

from visualbp.core.config import SessionConfig
from visualbp.gui import theme
from visualbp.gui.big_picture import BigPicturePanel
from visualbp.gui.code_panel import CodePanel
from visualbp.gui.exercise_panel import ExercisePanel
from visualbp.gui.main_window import MainWindow
from visualbp.gui.race_panel import RacePanel
from visualbp.gui.session import Session


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("VISUALBP_DATA_DIR", str(tmp_path / "data"))
    theme.apply()
    session = Session(SessionConfig(dataset="moons", sizes=(2, 4, 3, 2), seed=1))
    w = MainWindow(session, remember_layout=False, recovery=False)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    yield w
    session.shutdown()


def test_teach_menu_opens_each_panel(window):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Teach")
    actions = menu.actions()
    assert [a.text() for a in actions] == [a.text() for a in window.teach.actions.values()]
    assert all(not d.isVisible() for d in window.teach.docks.values())  # hidden until asked for
    for action, cls in zip(actions, (BigPicturePanel, RacePanel, ExercisePanel, CodePanel)):
        action.trigger()
        panel = next(p for p in window.teach.panels.values() if isinstance(p, cls))
        assert panel.isVisible()
    big = window.teach.panels["big-picture"]
    window.teach.show("big-picture")
    window.session.step()
    assert big.result is not None and abs(big.result.difference) <= 1e-12


def test_the_code_follows_every_step_and_back(window):
    from visualbp.core.code_trace import EXAMPLE_CODE, MATRIX_CODE
    from visualbp.gui.session import Granularity

    action = window.teach.actions["code"]
    action.trigger()
    code = window.teach.panels["code"]
    assert code.isVisible() and code.highlighted_lines() == [] and "Press →" in code.heading.text()
    assert window.teach.docks["code"].width() >= 0.3 * window.width()  # room for the listing's lines
    s = window.session
    lines = EXAMPLE_CODE.splitlines()
    for _ in range(2):
        s.step()
    assert lines[code.highlighted_lines()[0]].strip().startswith("z[l] = w[l] @ a[l - 1] + b[l]")
    assert "z[2]" in code.variables_label.text() and "4×1" in code.variables_label.text()
    for _ in range(3):
        s.step()  # feedforward 3 and 4, then BP1
    assert "delta[L] = grad_a_C" in lines[code.highlighted_lines()[0]]
    s.back()
    assert lines[code.highlighted_lines()[0]].strip().startswith("z[l] =") and "z[4]" in code.variables_label.text()
    s.set_granularity(Granularity.MINIBATCH)
    s.step()  # the rest of this minibatch, ending with its update
    assert "w[l] = (1 - eta" in lines[code.highlighted_lines()[0]]
    s.step()  # a whole minibatch in one matrix pass: the matrix listing, all of it
    assert code.listing.toPlainText() == MATRIX_CODE and len(code.highlighted_lines()) > 5


def test_the_panels_have_keys_that_work_with_the_menu_bar_hidden(window, qtbot):
    from PyQt6.QtCore import Qt

    window.set_presentation(True)
    try:
        assert not window.menuBar().isVisible()
        qtbot.keyClick(window, Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier)
        dock = window.teach.docks["code"]
        assert dock.isVisible() and window.teach.panels["code"].highlighted_lines() == []
        qtbot.wait(50)
        assert dock.width() >= 0.25 * window.width()  # room for the code beside the graph
    finally:
        window.set_presentation(False)


def test_the_listed_paths_are_banded_on_the_graph_while_the_paths_panel_shows(window, qtbot):
    """The big picture on the graph: every listed path from w^l_jk to the cost, one band per edge along it."""
    window.teach.actions["big-picture"].trigger()
    window.session.step()
    panel, view = window.teach.panels["big-picture"], window.network_view
    ps = panel.result
    assert ps is not None and ps.paths
    per_path = ps.L - ps.l + 1  # the weight's own edge, then one per layer to L
    assert view.path_bands.drawn() == per_path * len(ps.paths)
    window.teach.docks["big-picture"].hide()
    assert view.path_bands.drawn() == 0  # the bands go with the panel


def test_a_digit_drawn_with_the_mouse_is_stepped_through_the_network(qtbot):
    from PyQt6.QtCore import QPoint, Qt

    theme.apply()
    session = Session(SessionConfig(dataset="digits", sizes=(64, 10, 10), seed=1))
    w = MainWindow(session, remember_layout=False, recovery=False)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    try:
        w.teach.actions["draw"].trigger()
        panel = w.teach.panels["draw"]
        canvas = panel.canvas
        assert canvas.pixels.shape == (8, 8) and panel.use_button.isEnabled()
        side, left, top = canvas._cell()
        start, end = QPoint(int(left + 4 * side), int(top + side)), QPoint(int(left + 4 * side), int(top + 7 * side))
        qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
        qtbot.mouseMove(canvas, end)
        qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=end)
        assert canvas.pixels[1:7, 3:5].min() > 0.3 and canvas.pixels[:, 0].max() == 0  # a vertical stroke
        assert "the network says" in panel.guess.text()
        qtbot.mouseClick(panel.use_button, Qt.MouseButton.LeftButton)
        record = session.engine.last_record
        assert record.kind.value == "input" and np.allclose(record["a"].ravel(), canvas.pixels.ravel())
        session.back()
        session.back()  # the step, then the drawing
        assert not np.allclose(session.engine.X[0], canvas.pixels.ravel())
        session.apply_config(SessionConfig(dataset="moons", sizes=(2, 3, 2), seed=1))
        assert not panel.use_button.isEnabled() and "MNIST" in panel.intro.text()
    finally:
        session.shutdown()
