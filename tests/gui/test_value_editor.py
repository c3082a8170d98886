"""Typing a weight, bias or input by hand through the real widgets: the editor over the graph, Enter, ←, and a
saved session that reopens with the edit."""

import numpy as np
import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtTest import QTest

from visualbp.core.config import SessionConfig
from visualbp.core.steps import Kind
from visualbp.gui import theme
from visualbp.gui.main_window import MainWindow
from visualbp.gui.session import Session


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("VISUALBP_DATA_DIR", str(tmp_path / "data"))
    theme.apply()
    w = MainWindow(Session(SessionConfig(dataset="xor", sizes=(2, 2, 2), init="blank", seed=1)),
                   remember_layout=False, recovery=False)
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.session.shutdown()


def _type(editor, text: str) -> None:
    editor.field.selectAll()
    if text.isascii():
        QTest.keyClicks(editor.field, text)
    else:  # QTest types ASCII only: a real minus sign as an input method would give it
        editor.field.insert(text)
    QTest.keyClick(editor.field, Qt.Key.Key_Return)


def test_a_weight_typed_through_the_editor_is_one_step_and_back_undoes_it(window, qtbot):
    session, view = window.session, window.network_view
    for _ in range(3):
        session.step()
    before = [w.copy() for w in session.net.weights]
    assert view.edit_at(view.edge_point(3, 1, 0, 0.2))  # near its start: w^3_21 (blank edges cross midway)
    editor = view.editor
    assert editor.isVisible() and editor.where == ("w", 3, 1, 0) and editor.field.text() == "0.0"
    assert editor.field.hasFocus()
    _type(editor, "1/2")
    assert not editor.isVisible()
    assert session.net.weights[1][1, 0] == 0.5 and session.engine.last_record.kind is Kind.EDIT
    assert window.equations.equation_text() == "edit: w³₂₁ ← 1/2   (was 0)"
    assert session.engine.at_batch_start  # the minibatch starts again from the edited network
    QTest.keyClick(window, Qt.Key.Key_Left)  # ← undoes it
    assert all(a.tobytes() == b.tobytes() for a, b in zip(session.net.weights, before))
    assert session.engine.last_record.kind is Kind.FEEDFORWARD and session.engine.step_index == 3


def test_a_bad_value_shows_its_message_in_place_and_keeps_the_editor_open(window):
    view = window.network_view
    view.edit_at(view.neuron_pos(2, 0))  # a hidden neuron: its bias
    editor = view.editor
    assert editor.where == ("b", 2, 0, 0)
    _type(editor, "3/0")
    assert editor.isVisible() and editor.message.isVisible() and "divides by zero" in editor.message.text()
    assert editor.field.text() == "3/0" and window.session.engine.history_length == 0
    QTest.keyClick(editor.field, Qt.Key.Key_Escape)
    assert not editor.isVisible() and window.session.engine.history_length == 0


def test_f2_edits_the_selected_neuron_and_its_list_reaches_each_incoming_weight(window):
    session, view = window.session, window.network_view
    session.select((3, 1))
    view.edit_action.trigger()
    editor = view.editor
    assert editor.where == ("b", 3, 1, 0)
    assert [editor.choice.itemText(i) for i in range(editor.choice.count())] == ["b³₂", "w³₂₁", "w³₂₂"]
    editor.choice.setCurrentIndex(2)
    assert editor.where == ("w", 3, 1, 1)
    _type(editor, "−3/4")
    assert session.net.weights[1][1, 1] == -0.75


def test_an_input_and_a_weight_typed_by_hand_are_kept_in_a_saved_session(window, tmp_path):
    session, view = window.session, window.network_view
    view.edit_at(view.neuron_pos(1, 1))  # an input neuron: x_2 of the example to be stepped
    assert view.editor.where == ("x", 1, 0, 1)
    _type(view.editor, "0.10")
    view.edit_at(view.neuron_pos(3, 0))
    _type(view.editor, "3/5")
    path = str(tmp_path / "typed.vbp")
    session.save(path)
    other = Session(SessionConfig(dataset="moons"))
    try:
        other.open(path)
        assert other.net.biases[1][0, 0] == 0.6 and other.net.init == "blank"
        assert np.count_nonzero(other.engine.X != other.dataset.X_train) == 1
        assert 0.10 in other.engine.X[:, 1]
        other.step()  # a^1 = x: the typed input
        assert other.engine.current("a", 1)[1, 0] == 0.10
    finally:
        other.shutdown()
