"""Choosing one neuron's activation through the real widgets: right-click a neuron, pick an activation from its
menu, step, see the equation panel write that neuron's f and f', see the mark beside the neuron, ← undoes it; a
saved session reopens with the choice."""

import math

import pytest
from PyQt6.QtCore import QPoint, Qt
from PyQt6.QtTest import QTest
from PyQt6.QtWidgets import QMenu

from visualbp.core.config import SessionConfig
from visualbp.core.steps import Kind
from visualbp.gui import theme
from visualbp.gui.main_window import MainWindow
from visualbp.gui.notation import to_plain
from visualbp.gui.session import Session


def _window(qtbot, tmp_path, monkeypatch, **config):
    monkeypatch.setenv("VISUALBP_DATA_DIR", str(tmp_path / "data"))
    theme.apply()
    settings = dict(dataset="xor", sizes=(2, 3, 2), seed=1, mini_batch_size=1) | config
    w = MainWindow(Session(SessionConfig(**settings)), remember_layout=False, recovery=False)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    return w


MAIN_WINDOW_CONFIG = SessionConfig(dataset="xor", sizes=(2, 3, 2), seed=1, mini_batch_size=1)
MAIN_WINDOW_SIZE = (1366, 768)


@pytest.fixture
def window(main_window):
    """The module's main window (tests/gui/conftest.py): no neuron with an activation of its own."""
    assert main_window.session.config == MAIN_WINDOW_CONFIG and not main_window.session.net.neuron_activations
    return main_window


def _action(menu: QMenu, name: str):
    return next(a for a in menu.actions() if a.objectName() == f"activation-{name}")


def _right_click_neuron(window, qtbot, monkeypatch, l: int, j: int) -> QMenu:
    """A real right-click on the neuron's circle in the graph; the menu it pops up (offscreen Qt cannot grab the
    keyboard for a real popup, so ``popup`` only records it)."""
    popped: list[QMenu] = []
    monkeypatch.setattr(QMenu, "popup", lambda menu, pos, at=None: popped.append(menu))
    view = window.network_view
    scene_pt = view.vb.mapViewToScene(view.neuron_pos(l, j))
    port = view.graphics.viewport()
    pt = view.graphics.mapFromScene(scene_pt)
    QTest.mouseClick(port, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, QPoint(pt.x(), pt.y()))
    qtbot.waitUntil(lambda: bool(popped), timeout=3000)
    assert popped == [view.neuron_menu.menu]
    return popped[0]


def _equation(window) -> str:
    eq = window.equations
    return to_plain(eq._equation_markup) + "\n" + to_plain(eq._numbers_markup)


def test_a_neurons_activation_chosen_from_its_menu_shows_in_the_equations_and_back_undoes_it(window, qtbot,
                                                                                            monkeypatch):
    session, view = window.session, window.network_view
    menu = _right_click_neuron(window, qtbot, monkeypatch, 2, 1)
    assert _action(menu, "sigmoid").isChecked() and not _action(menu, "tanh").isChecked()
    _action(menu, "tanh").trigger()
    assert session.net.neuron_activations == ((2, 1, "tanh"),)
    assert session.engine.last_record.kind is Kind.EDIT
    assert "edit: f²₂ ← tanh" in _equation(window)
    assert view.neuron_menu.mark_text(2, 1) == "tanh" and view.neuron_menu.mark_text(2, 0) == ""
    session.select((2, 1))
    session.step()  # a¹ = x
    session.step()  # feedforward, layer 2
    text = _equation(window)
    assert "a²₂ = tanh(" in text and "f per neuron: σ; tanh at j = 2" in text
    while session.engine.last_record.kind is not Kind.BACKPROP_ERROR:
        session.step()
    text = _equation(window)
    assert "tanh'(z²₂)" in text
    z = float(session.engine.current("z", 2)[1, 0])
    fp = session.engine.current("sp", 2)[1, 0]
    assert fp == pytest.approx(1 - math.tanh(z) ** 2, rel=1e-12)
    while session.engine.last_record is not None and session.engine.last_record.kind is not Kind.EDIT:
        QTest.keyClick(window, Qt.Key.Key_Left)
    QTest.keyClick(window, Qt.Key.Key_Left)  # ← undoes the choice itself
    assert session.net.neuron_activations == ()
    assert view.neuron_menu.mark_text(2, 1) == ""


def test_the_menu_greys_out_what_cross_entropy_refuses_and_nothing_changes(qtbot, tmp_path, monkeypatch):
    w = _window(qtbot, tmp_path, monkeypatch, cost="cross-entropy")
    try:
        menu = w.network_view.neuron_menu.menu_for(3, 0)
        assert _action(menu, "sigmoid").isEnabled()
        assert not _action(menu, "linear").isEnabled()
        assert "cross-entropy cost needs outputs" in _action(menu, "linear").toolTip()
        assert _action(menu, "relu").isEnabled() is False
        hidden = w.network_view.neuron_menu.menu_for(2, 0)
        assert all(a.isEnabled() for a in hidden.actions() if a.objectName().startswith("activation-"))
        assert w.network_view.neuron_menu.open_at(w.network_view.neuron_pos(1, 0)) is None  # inputs have no f
    finally:
        w.session.shutdown()


def test_a_saved_session_reopens_with_the_neurons_activation(window, tmp_path):
    session = window.session
    window.network_view.neuron_menu.choose(3, 1, "softplus")
    path = tmp_path / "s.vbp"
    session.save(str(path))
    other = Session(SessionConfig(dataset="xor", sizes=(2, 3, 2), seed=1))
    try:
        other.open(str(path))
        assert other.net.neuron_activations == ((3, 1, "softplus"),)
    finally:
        other.shutdown()


def test_new_weights_keep_the_neurons_own_activation(window):
    session = window.session
    session.set_neuron_activation(2, 0, "leaky-relu")
    seed = session.config.seed
    window.controls.new_weights_action.trigger()  # New weights (Shift+R): a new seed, the network rebuilt
    assert session.config.seed != seed
    assert session.net.neuron_activations == ((2, 0, "leaky-relu"),)
    assert window.network_view.neuron_menu.mark_text(2, 0) == "LReLU"


def test_the_step_menu_offers_the_selected_neurons_activation(window, monkeypatch):
    popped: list[QMenu] = []
    monkeypatch.setattr(QMenu, "popup", lambda menu, pos, at=None: popped.append(menu))
    action = window.network_view.neuron_menu.action
    step_menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "Step")
    assert action in step_menu.actions() and action.shortcut().toString() == "Shift+F2"
    action.trigger()  # nothing selected: the status bar says what to do
    assert popped == [] and "click a neuron" in window.status_label.text()
    window.session.select((3, 0))
    action.trigger()
    assert popped and _action(popped[-1], "sigmoid").isChecked()
    _action(popped[-1], "relu").trigger()
    assert window.session.net.neuron_activations == ((3, 0, "relu"),)


def test_the_paths_panel_writes_each_hops_own_f_prime(window):
    from visualbp.gui.big_picture import factor_formulas
    from visualbp.gui.notation import prime_name

    net = window.session.net
    net.set_neuron_activation(2, 1, "tanh")
    formulas = factor_formulas(2, 3, (1, 0), 0, lambda r, q: prime_name(net.neuron_activation(r, q)))
    assert [to_plain(f) for f in formulas] == ["tanh'(z²₂) a¹₁", "σ'(z³₁) w³₁₂", "∇ₐ C"]
