"""Presentation mode: F11 on the real window, the dark theme, the keys, and ``visualbp --lecture``."""

import pytest
from PyQt6 import sip
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QImage, QPalette
from PyQt6.QtWidgets import QApplication, QDockWidget, QWidget

import visualbp.app as app_module
from visualbp.core.config import SessionConfig
from visualbp.gui import theme
from visualbp.gui.main_window import MainWindow
from visualbp.gui.session import Granularity, Session


def _open(qtbot, config: SessionConfig) -> MainWindow:
    theme.apply()
    window = MainWindow(Session(config), remember_layout=False, recovery=False)
    qtbot.addWidget(window)
    window.resize(1600, 1000)  # a projector's resolution
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def window(qtbot):
    w = _open(qtbot, SessionConfig(dataset="moons", sizes=(2, 4, 3, 2), seed=1))
    yield w
    w.set_presentation(False)
    w.session.shutdown()


def _look(w: MainWindow) -> dict:
    """What presentation mode changes, measured on the widgets."""
    return {
        "theme": theme.current(),
        "app_font": QApplication.font().pointSizeF(),
        "setup_visible": w.setup_dock.isVisible(),
        "plots_visible": w.plots_dock.isVisible(),
        "edge_width": float(max(w.network_view.scene.bin_widths)),
        "curve_width": w.plots._train_cost.item.opts["pen"].widthF(),
        "tick_pt": w.plots.cost_plot.getPlotItem().getAxis("left").style["tickFont"].pointSizeF(),
        "equation_pt": w.equations.equation_label.font().pointSizeF(),
        "narration_pt": w.equations.narration_label.font().pointSizeF(),
        "step_button": w.controls.step_button.minimumHeight(),
        "window_color": QApplication.palette().color(QPalette.ColorRole.Window).name(),
        "plot_background": w.plots.cost_plot.backgroundBrush().color().name(),
    }


def _widget_look(w: MainWindow) -> list[tuple[QWidget, float, str, bool]]:
    return [(c, c.font().pointSizeF(), c.styleSheet(), c.isVisible()) for c in w.findChildren(QWidget)]


def test_f11_turns_presentation_on_and_back_exactly(window, qtbot):
    window.session.step()
    before = _look(window)
    widgets = _widget_look(window)
    state = window.saveState()
    docks = {d: d.geometry() for d in window.findChildren(QDockWidget)}
    assert before["theme"] is theme.LIGHT and before["setup_visible"]

    qtbot.keyClick(window, Qt.Key.Key_F11)
    qtbot.wait(1)  # the docks take their new sizes
    on = _look(window)
    assert window.is_presenting() and window.presentation_action.isChecked()
    assert on["theme"] is theme.PROJECTOR
    assert not on["setup_visible"] and on["plots_visible"]
    assert not window.inspector_dock.isVisible() and not window.debug_dock.isVisible()
    assert on["app_font"] == pytest.approx(before["app_font"] * 1.7, abs=0.06)
    assert on["edge_width"] >= 1.9 * before["edge_width"]
    assert on["curve_width"] == pytest.approx(2 * before["curve_width"])
    assert on["tick_pt"] > 1.4 * before["tick_pt"]
    assert on["equation_pt"] > 1.5 * before["equation_pt"]
    assert on["narration_pt"] > 1.7 * before["narration_pt"]
    assert window.equations.narration_label.font().bold()  # the lecturer's script stands out
    assert on["step_button"] >= 48 and window.controls.step_button.iconSize().height() >= 32
    for label in window.controls._group_labels:  # styled labels follow the application's font too
        assert label.font().pointSizeF() == pytest.approx(on["app_font"])
    assert window.status_label.font().pointSizeF() == pytest.approx(on["app_font"])
    assert window.equation_dock.height() > 0.25 * window.height()

    qtbot.keyClick(window, Qt.Key.Key_F11)
    qtbot.wait(1)
    assert not window.is_presenting() and not window.presentation_action.isChecked()
    assert _look(window) == before
    assert {d: d.geometry() for d in docks} == docks
    assert window.saveState() == state
    for widget, pt, sheet, visible in widgets:
        if sip.isdeleted(widget):
            continue
        assert (widget.font().pointSizeF(), widget.styleSheet(), widget.isVisible()) == (pt, sheet, visible), widget


def test_dark_theme_sets_the_palette_and_the_plots_and_puts_them_back(window, qtbot):
    original = _look(window)
    qtbot.keyClick(window, Qt.Key.Key_F11)
    qtbot.keyClick(window, Qt.Key.Key_F11, Qt.KeyboardModifier.ShiftModifier)
    dark = _look(window)
    assert window.is_dark() and window.dark_action.isChecked()
    assert dark["theme"] is theme.DARK
    assert dark["window_color"] == theme.DARK.panel
    assert dark["plot_background"] == theme.DARK.background
    assert window.network_view.graphics.backgroundBrush().color().name() == theme.DARK.background
    assert QApplication.style().name().lower() == "fusion"
    assert dark["app_font"] > original["app_font"]

    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    light = _look(window)
    assert theme.current() is theme.PROJECTOR and window.is_presenting()
    assert light["window_color"] == original["window_color"]
    assert light["plot_background"] == theme.PROJECTOR.background

    window.set_presentation(True, dark=True)
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # Esc leaves from the dark theme too
    assert _look(window) == original
    assert not window.leave_presentation_action.isEnabled()  # Esc is free again outside the mode


def test_the_keys_drive_the_engine_in_presentation_mode(window, qtbot):
    s = window.session
    window.set_presentation(True)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert s.engine.step_index == 2
    qtbot.keyClick(window, Qt.Key.Key_Left)
    assert s.engine.step_index == 1
    for key, granularity in ((Qt.Key.Key_2, Granularity.EXAMPLE), (Qt.Key.Key_3, Granularity.MINIBATCH),
                             (Qt.Key.Key_4, Granularity.EPOCH), (Qt.Key.Key_1, Granularity.RECORD)):
        qtbot.keyClick(window, key)
        assert s.granularity is granularity
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert s.running
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not s.running
    qtbot.keyClick(window, Qt.Key.Key_R)
    assert s.engine.step_index == 0
    assert window.is_presenting()  # none of them left the mode


def test_a_whole_minibatch_fits_the_equation_panel_without_overlap(window, qtbot):
    window.set_presentation(True)
    qtbot.wait(1)
    s = window.session
    s.set_granularity("minibatch")
    s.step()
    panel = window.equations
    assert panel.active_equation() == "minibatch"
    assert 0.6 <= panel.text_scale() < 1.0  # the matrix form is long: shrunk to fit
    labels = [panel.title_label, panel.equation_label, panel.numbers_label, panel.which_label,
              panel.narration_label]
    QApplication.processEvents()
    for upper, lower in zip(labels, labels[1:]):
        assert upper.geometry().bottom() <= lower.geometry().top(), (upper.text(), lower.text())
        assert upper.height() >= upper.heightForWidth(upper.width()) - 1 if upper.wordWrap() else True
    assert panel.narration_label.geometry().bottom() <= panel.height()
    s.set_granularity("layer")
    s.step()  # a short step: full size again
    assert panel.text_scale() == 1.0


def test_labels_of_a_big_network_do_not_overlap_in_presentation_mode(qtbot):
    w = _open(qtbot, SessionConfig(dataset="mnist", sizes=(784, 30, 10)))
    try:
        w.set_presentation(True)
        qtbot.wait(1)
        view = w.network_view

        def glyphs(item):  # the text's box on screen, without the document's margin
            m = item.textItem.document().documentMargin()
            return item.mapRectToScene(item.boundingRect()).adjusted(m, m, -m, -m)

        rects = [glyphs(item) for item, _c, _pt in view.labels.titles]
        assert len(rects) == 3
        for a, b in zip(rects, rects[1:]):
            assert a.right() <= b.left()
        classes = [glyphs(item) for item, c, _pt in view.labels.neuron_labels if c.l == 3 and item.isVisible()]
        assert 3 <= len(classes) <= 10
        for a, b in zip(classes, classes[1:]):
            assert a.bottom() <= b.top() + 0.5
    finally:
        w.set_presentation(False)
        w.session.shutdown()


def test_lecture_opens_in_presentation_mode_and_renders_a_screenshot(qapp, tmp_path, monkeypatch, capsys):
    seen = {}
    render = app_module.screenshot

    def checked(app, window, session, args, size=None):
        seen["presenting"] = window.is_presenting()
        seen["theme"] = theme.current()
        seen["setup"] = window.setup_dock.isHidden()
        return render(app, window, session, args, size)

    monkeypatch.setattr(app_module, "screenshot", checked)
    theme.apply()
    out = tmp_path / "lecture.png"
    assert app_module.main(["--lecture", "--steps", "7", "--screenshot", str(out), "--size", "1200x800"]) == 0
    assert seen == {"presenting": True, "theme": theme.PROJECTOR, "setup": True}
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1200, 800)
    assert theme.current() is theme.LIGHT  # closing the window ended the mode
    assert "after 7 steps" in capsys.readouterr().out
