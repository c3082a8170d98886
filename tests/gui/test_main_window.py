"""The whole window, driven headless: keys, files, exports, autosave and crash recovery, clean shutdown."""

import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PyQt6.QtCore import QRect, QSettings, Qt
from PyQt6.QtGui import QGuiApplication
from PyQt6.QtWidgets import QFileDialog, QMessageBox

from visualbp.core.config import SessionConfig
from visualbp.core.sessionio import load_session
from visualbp.gui import recovery, theme
from visualbp.gui.main_window import MainWindow
from visualbp.gui.session import Session


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("VISUALBP_DATA_DIR", str(tmp_path / "data"))
    theme.apply()
    session = Session(SessionConfig(dataset="moons", sizes=(2, 4, 3, 2), seed=1))
    w = MainWindow(session, remember_layout=False)
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    yield w
    session.shutdown()


def test_keys_drive_the_engine_and_the_views_follow(window, qtbot):
    s = window.session
    qtbot.keyClick(window, Qt.Key.Key_Right)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert s.engine.step_index == 2
    assert window.network_view.scene.highlight == 2
    assert window.equations.active_equation() == "feedforward"
    assert "layer l=2" in window.status_label.text()
    qtbot.keyClick(window, Qt.Key.Key_Left)
    assert s.engine.step_index == 1
    for _ in range(4):
        qtbot.keyClick(window, Qt.Key.Key_Right)
    assert window.equations.active_equation() == "BP1"
    assert window.network_view.scene.fill_q == "delta"


def test_save_open_round_trip_and_recent(window, tmp_path, monkeypatch):
    s = window.session
    s.set_granularity("minibatch")
    s.step()
    path = str(tmp_path / "lesson.vbp")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (path, "")))
    assert window.files.save_as()  # File ▸ Save As…
    weights = [w.copy() for w in s.net.weights]
    s.step()
    assert window.files.open(path)
    assert all(np.array_equal(a, b) for a, b in zip(s.net.weights, weights))
    assert str(Path(path).resolve()) in window.files.recent()


def test_a_corrupt_file_is_refused_and_the_session_kept(window, tmp_path, monkeypatch):
    bad = tmp_path / "bad.vbp"
    bad.write_bytes(b"PK\x03\x04truncated")
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    net = window.session.net
    assert not window.files.open(str(bad))
    assert window.session.net is net and "bad.vbp" in shown[0] and "unchanged" in shown[0]


def test_exports_png_svg_network_and_frames(window, tmp_path):
    from visualbp.core import Network
    from visualbp.gui.files import record_frames, save_image

    save_image(window.network_view, str(tmp_path / "g.png"))
    save_image(window.plots, str(tmp_path / "p.svg"))
    assert (tmp_path / "g.png").stat().st_size > 1000
    assert "<svg" in (tmp_path / "p.svg").read_text()[:2000]
    window.session.net.save(str(tmp_path / "n.npz"))
    assert np.array_equal(Network.load(str(tmp_path / "n.npz")).weights[0], window.session.net.weights[0])
    frames = record_frames(window.session, window.network_view, str(tmp_path / "frames"), 5)
    assert len(frames) == 6 and window.session.engine.step_index == 5


def test_autosave_on_pause_and_restore_offer(window, qtbot, monkeypatch):
    s = window.session
    s.train(2)
    qtbot.waitUntil(lambda: not s.running, timeout=10_000)
    path = recovery.autosave_path()
    qtbot.waitUntil(path.exists, timeout=10_000)  # written off the GUI thread
    saved = load_session(path)
    assert saved.epoch == 2
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    other = Session(SessionConfig(dataset="xor", sizes=(2, 3, 2), seed=5))
    assert not recovery.offer_restore(window, lambda p: (other.open(p), True)[1])  # a live instance's: not offered
    window.recovery.keep_on_exit("a test")  # the window ends as on SIGTERM: its autosave is kept
    window.close()
    assert recovery.offer_restore(window, lambda p: (other.open(p), True)[1])
    assert other.config == s.config and other.engine.epoch == 2
    other.shutdown()


def test_an_unhandled_error_is_reported_with_the_autosave(window, qtbot):
    window.recovery.install_excepthook()
    try:
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())
    finally:
        window.recovery.uninstall_excepthook()
    assert "boom" in window.status_label.text() and "autosave.vbp" in window.status_label.text()
    assert recovery.autosave_path().exists()


def test_closing_while_training_stops_the_worker_within_a_second(window, qtbot):
    s = window.session
    s.apply_config(SessionConfig(dataset="mnist", sizes=(784, 30, 10), seed=0))
    s.train(100)
    qtbot.waitUntil(lambda: s.engine.step_index > 3, timeout=10_000)
    t0 = time.perf_counter()
    window.close()
    assert time.perf_counter() - t0 < 1.0
    assert not s.running  # no worker and no play timer
    assert not recovery.autosave_path().exists()  # a clean exit leaves nothing to recover


def _remembering_window(qtbot) -> MainWindow:
    w = MainWindow(Session(SessionConfig(dataset="moons", sizes=(2, 4, 3, 2), seed=1)), remember_layout=True,
                   recovery=False)
    qtbot.addWidget(w)
    return w


def test_a_remembered_layout_comes_back_only_where_it_fits(qtbot):
    settings = QSettings("visualbp", "visualbp")
    settings.clear()
    screen = QGuiApplication.primaryScreen().availableGeometry()
    first = _remembering_window(qtbot)
    first.setWindowState(Qt.WindowState.WindowNoState)
    first.show()
    qtbot.waitExposed(first)
    inside = QRect(screen.x() + 4, screen.y() + 24, screen.width() - 12, screen.height() - 60)
    assert inside.width() >= first.minimumWidth() and inside.height() >= first.minimumHeight()
    first.setGeometry(inside)
    first.equation_dock.hide()
    qtbot.waitUntil(lambda: first.geometry() == inside)
    first.close()
    assert settings.value("window/screen") is not None

    again = _remembering_window(qtbot)
    assert again.geometry() == inside and again.equation_dock.isHidden()
    again.close()

    settings.setValue("window/screen", [0, 0, screen.width() + 640, screen.height() + 360])  # another screen
    elsewhere = _remembering_window(qtbot)
    assert elsewhere.geometry() != inside and not elsewhere.equation_dock.isHidden()
    elsewhere.session.shutdown()

    too_big = _remembering_window(qtbot)
    too_big.setWindowState(Qt.WindowState.WindowNoState)
    too_big.show()
    too_big.setGeometry(QRect(0, 0, screen.width() + 400, screen.height() + 300))  # larger than the screen
    too_big.close()
    settings.sync()
    fresh = _remembering_window(qtbot)
    frame = fresh.frameGeometry()
    assert screen.contains(frame) or fresh.isMaximized(), frame
    assert fresh.width() <= screen.width() and fresh.height() <= screen.height()
    fresh.session.shutdown()
    settings.clear()


def test_the_window_opens_inside_the_screen_with_the_main_parts_visible(window, qtbot):
    fresh = MainWindow(Session(SessionConfig(dataset="moons", sizes=(2, 4, 3, 2), seed=1)), remember_layout=False,
                       recovery=False)
    qtbot.addWidget(fresh)
    fresh.show()
    qtbot.waitExposed(fresh)
    screen = fresh.screen().availableGeometry()
    qtbot.waitUntil(lambda: screen.contains(fresh.frameGeometry()))  # a maximised window settles after showing
    assert fresh.minimumWidth() <= 1000 and fresh.minimumHeight() <= 700
    for part in (fresh.network_view, fresh.controls, fresh.equations, fresh.status_label):
        assert part.isVisible()
        top_left = part.mapToGlobal(part.rect().topLeft())
        assert screen.contains(QRect(top_left, part.size())), part
    fresh.session.shutdown()


def test_a_short_window_folds_the_controls_to_one_row(window, qtbot):
    controls = window.controls
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.resize(1400, 900)
    qtbot.waitUntil(lambda: window.height() == 900)
    assert controls.seed_spin.isVisible() and controls.speed_slider.isVisible()
    window.resize(1000, 560)
    qtbot.waitUntil(lambda: window.height() == 560)
    assert not controls.seed_spin.isVisible() and not controls.new_weights_button.isVisible()
    assert controls.step_button.isVisible() and controls.train_button.isVisible()
    qtbot.waitUntil(lambda: controls.height() < 60)  # one row
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ShiftModifier)  # new weights still on its key
    assert window.session.config.seed != 1


def test_a_long_status_line_does_not_widen_the_window(window):
    window.status_label.setText("a status line far longer than any window is wide " * 20)
    assert window.minimumSizeHint().width() <= 1000 and window.minimumWidth() <= 1000
