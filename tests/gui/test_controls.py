"""The controls bar: keys on the window drive the session, and the widgets follow the session."""

from dataclasses import replace

import numpy as np
import pytest
from PyQt6.QtCore import Qt

from visualbp.core.config import SessionConfig
from visualbp.gui import theme
from visualbp.gui.controls import ControlsBar
from visualbp.gui.session import Granularity, Session


@pytest.fixture
def bar(qtbot):
    theme.apply()
    session = Session(SessionConfig(seed=5))
    widget = ControlsBar(session)
    qtbot.addWidget(widget)
    widget.resize(1200, 48)
    widget.show()
    widget.activateWindow()
    qtbot.waitActive(widget)
    yield session, widget
    session.shutdown()


def weights(session):
    return [w.copy() for w in session.net.weights] + [b.copy() for b in session.net.biases]


def same(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a, b))


def test_back_is_disabled_at_the_start_and_arrows_step(bar, qtbot):
    session, w = bar
    assert not w.back_action.isEnabled() and not w.back_button.isEnabled()
    qtbot.keyClick(w.window(), Qt.Key.Key_Right)
    assert session.engine.step_index == 1
    assert w.back_action.isEnabled()
    qtbot.keyClick(w.window(), Qt.Key.Key_Right)
    assert session.engine.step_index == 2
    qtbot.keyClick(w.window(), Qt.Key.Key_Left)
    assert session.engine.step_index == 1
    qtbot.keyClick(w.window(), Qt.Key.Key_Left)
    assert session.engine.step_index == 0
    assert not w.back_action.isEnabled()


def test_space_plays_and_pauses_and_the_button_follows(bar, qtbot):
    session, w = bar
    qtbot.keyClick(w.window(), Qt.Key.Key_Space)
    assert session.running
    assert w.play_action.text() == "Pause"
    qtbot.waitUntil(lambda: session.engine.step_index > 0, timeout=5000)
    qtbot.keyClick(w.window(), Qt.Key.Key_Space)
    assert not session.running
    assert w.play_action.text() == "Play"
    session.play()  # the model drives the widget too
    assert w.play_action.text() == "Pause"
    session.pause()
    assert w.play_action.text() == "Play"


def test_r_resets_to_the_initial_weights_and_shift_r_draws_new_ones(bar, qtbot):
    session, w = bar
    initial = weights(session)
    qtbot.keyClick(w.window(), Qt.Key.Key_3)  # minibatch granularity
    qtbot.keyClick(w.window(), Qt.Key.Key_Right)
    qtbot.keyClick(w.window(), Qt.Key.Key_Right)
    assert not same(weights(session), initial)
    qtbot.keyClick(w.window(), Qt.Key.Key_R)
    assert same(weights(session), initial)
    assert session.engine.step_index == 0 and session.config.seed == 5
    qtbot.keyClick(w.window(), Qt.Key.Key_R, Qt.KeyboardModifier.ShiftModifier)
    assert session.config.seed != 5
    assert not same(weights(session), initial)
    assert w.seed_spin.value() == session.config.seed


def test_number_keys_and_the_combo_set_the_granularity_both_ways(bar, qtbot):
    session, w = bar
    for key, g in ((Qt.Key.Key_2, Granularity.EXAMPLE), (Qt.Key.Key_4, Granularity.EPOCH),
                   (Qt.Key.Key_3, Granularity.MINIBATCH), (Qt.Key.Key_1, Granularity.RECORD)):
        qtbot.keyClick(w.window(), key)
        assert session.granularity is g
        assert w.granularity_combo.currentData() is g
        assert w.granularity_actions[g].isChecked()
    w.granularity_combo.setCurrentIndex(w.granularity_combo.findData(Granularity.EXAMPLE))
    assert session.granularity is Granularity.EXAMPLE
    qtbot.keyClick(w.window(), Qt.Key.Key_Right)
    assert session.engine.last_record.kind.value == "gradient_w"  # a whole example
    session.set_granularity("epoch")  # model → widget
    assert w.granularity_combo.currentData() is Granularity.EPOCH


def test_seed_field_rebuilds_on_enter_and_follows_the_session(bar, qtbot):
    session, w = bar
    before = weights(session)
    w.seed_spin.setFocus()
    w.seed_spin.lineEdit().selectAll()
    qtbot.keyClicks(w.seed_spin.lineEdit(), "1234")
    assert session.config.seed == 5  # typing alone does not rebuild (and "1"…"4" are not shortcuts here)
    assert session.granularity is Granularity.RECORD
    qtbot.keyClick(w.seed_spin.lineEdit(), Qt.Key.Key_Return)
    assert session.config.seed == 1234
    assert not same(weights(session), before)
    session.apply_config(replace(session.config, seed=77))
    assert w.seed_spin.value() == 77


def test_speed_slider_sets_the_speed_and_explains_it(bar):
    session, w = bar
    w.speed_slider.setValue(100)
    assert session.speed == 100
    assert "per second" in w.speed_slider.toolTip()
    session.set_speed(10)
    session.networkChanged.emit()
    assert w.speed_slider.value() == 10


def test_train_runs_n_epochs_in_the_background(bar, qtbot):
    session, w = bar
    assert w.epochs_spin.value() == session.config.epochs
    w.epochs_spin.setValue(1)
    w.train_button.click()
    qtbot.waitUntil(lambda: not session.running, timeout=10000)
    assert session.engine.epoch == 1
    assert w.back_action.isEnabled()


def test_step_and_play_are_off_after_divergence_until_back(qtbot):
    theme.apply()
    session = Session(SessionConfig(eta=1e308, seed=1, activation="relu", sizes=(2, 8, 8, 2), init="standard"))
    w = ControlsBar(session)
    qtbot.addWidget(w)
    session.set_granularity("minibatch")
    for _ in range(10):
        if session.engine.divergence is not None:
            break
        session.step()
    assert session.engine.divergence is not None
    assert not w.step_action.isEnabled() and not w.play_action.isEnabled()
    assert not w.alert_label.isHidden() and "Diverged" in w.alert_label.text()
    session.back()
    assert w.step_action.isEnabled() and w.play_action.isEnabled()
    assert w.alert_label.isHidden()


def test_tooltips_name_the_keys(bar):
    _, w = bar
    assert "(→)" in w.step_action.toolTip() and "(←)" in w.back_action.toolTip()
    assert "(Space)" in w.play_action.toolTip() and "(R)" in w.reset_action.toolTip()
    assert "(Shift+R)" in w.new_weights_action.toolTip()
    assert len(w.shortcut_actions()) == 9
    assert all(a.shortcutContext() == Qt.ShortcutContext.WindowShortcut for a in w.shortcut_actions())


def test_the_bar_wraps_onto_a_second_line_when_narrow(bar):
    _, w = bar
    wide, narrow = w.heightForWidth(1400), w.heightForWidth(600)
    assert narrow > wide >= w.step_button.height()
    w.resize(600, narrow)
    top = w.step_button.mapTo(w, w.step_button.rect().bottomLeft()).y()
    assert w.seed_spin.mapTo(w, w.seed_spin.rect().topLeft()).y() > top  # the seed is on the second line
    w.resize(1400, wide)
    top = w.step_button.mapTo(w, w.step_button.rect().bottomLeft()).y()
    assert w.seed_spin.mapTo(w, w.seed_spin.rect().topLeft()).y() < top  # all on one line
