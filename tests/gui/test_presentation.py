"""Presentation mode: F11 on the real window, the dark theme, the keys, and ``visualbp --lecture``."""

import pytest
from PyQt6 import sip
from PyQt6.QtCore import QSize, Qt
from PyQt6.QtGui import QFontInfo, QImage, QPalette
from PyQt6.QtWidgets import QApplication, QDockWidget, QLabel, QWidget

import visualbp.app as app_module
from visualbp.core.config import SessionConfig
from visualbp.gui import theme
from visualbp.gui.main_window import MainWindow
from visualbp.gui.notation import to_plain
from visualbp.gui.presentation import app_font_factor
from visualbp.gui.session import Granularity, Session


def _curve(plot, name: str):
    """A plot's curve by the name its hover gives it ("train cost")."""
    return next(c for c in plot.curves if c.name == name)


def _open(qtbot, config: SessionConfig) -> MainWindow:
    theme.apply()
    window = MainWindow(Session(config), remember_layout=False, recovery=False)
    qtbot.addWidget(window)
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.fit_to(QSize(1600, 1000))  # laid out as on a large screen, whatever the test screen is
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
        "curve_width": _curve(w.plots.cost_plot, "train cost").item.opts["pen"].widthF(),
        "tick_pt": w.plots.cost_plot.getPlotItem().getAxis("left").style["tickFont"].pointSizeF(),
        "equation_pt": w.equations.equation_label.font().pointSizeF(),
        "narration_pt": w.equations.narration_label.font().pointSizeF(),
        "step_button": w.controls.step_button.minimumHeight(),
        "window_color": QApplication.palette().color(QPalette.ColorRole.Window).name(),
        "plot_background": w.plots.cost_plot.backgroundBrush().color().name(),
    }


def _present(w: MainWindow, qtbot, dark: bool = False, size: tuple[int, int] = (1280, 720)) -> None:
    """Presentation mode on a projector of ``size`` (the offscreen test screen is smaller: the window is
    sized as full screen would size it there)."""
    w.set_presentation(True, dark)
    _as_projector(w, qtbot, size)


def _as_projector(w: MainWindow, qtbot, size: tuple[int, int] = (1280, 720)) -> None:
    w.setWindowState(Qt.WindowState.WindowNoState)
    w.resize(*size)
    qtbot.waitUntil(lambda: (w.width(), w.height()) == size, timeout=2000)
    qtbot.wait(1)


def _step_labels(w: MainWindow) -> list:
    eq = w.equations
    return [eq.title_label, eq.equation_label, eq.numbers_label, eq.which_label, eq.narration_label]


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
    _as_projector(window, qtbot)
    on = _look(window)
    assert window.is_presenting() and window.presentation_action.isChecked()
    fitted = theme.current()
    assert fitted.name == "projector" and fitted.font_pt > theme.LIGHT.font_pt
    assert not on["setup_visible"] and not on["plots_visible"]  # the network and the equation (P, S bring them)
    assert not window.inspector_dock.isVisible() and not window.debug_dock.isVisible()
    assert not window.menuBar().isVisible()
    assert on["app_font"] >= before["app_font"] * app_font_factor(fitted) - 0.06
    assert QFontInfo(QApplication.font()).pixelSize() >= theme.floor_px(window.height())  # the controls' words too
    assert on["edge_width"] >= 1.9 * before["edge_width"]
    assert on["curve_width"] == pytest.approx(2 * before["curve_width"])
    assert on["equation_pt"] > before["equation_pt"] and on["narration_pt"] > before["narration_pt"]
    smallest = min(QFontInfo(label.font()).pixelSize() for label in _step_labels(window) if label.text())
    assert smallest >= window.height() / 50  # readable from the back of the hall
    assert window.equations.narration_label.font().bold()  # the lecturer's script stands out
    assert on["step_button"] >= 32 * theme.scale() - 1 and window.controls.step_button.iconSize().height() >= 24
    assert not window.controls.seed_spin.isVisible() and window.controls.step_button.isVisible()
    for label in window.controls._group_labels:  # styled labels follow the application's font too
        if label.isVisible():
            assert label.font().pointSizeF() == pytest.approx(on["app_font"])
    assert window.status_label.font().pointSizeF() == pytest.approx(on["app_font"])
    assert window.equation_dock.height() > 0.3 * window.height()

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
    assert dark["theme"].name == "dark"
    assert dark["window_color"] == theme.DARK.panel
    assert dark["plot_background"] == theme.DARK.background
    assert window.network_view.graphics.backgroundBrush().color().name() == theme.DARK.background
    assert QApplication.style().name().lower() == "fusion"
    assert dark["app_font"] > original["app_font"]

    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    light = _look(window)
    assert theme.current().name == "projector" and window.is_presenting()
    assert light["window_color"] == original["window_color"]
    assert light["plot_background"] == theme.PROJECTOR.background

    window.set_presentation(True, dark=True)
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # Esc leaves from the dark theme too
    assert _look(window) == original
    assert not window.leave_presentation_action.isEnabled()  # Esc is free again outside the mode


def test_the_keys_drive_the_engine_in_presentation_mode(window, qtbot):
    s = window.session
    _present(window, qtbot)
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
    """The matrix form is long: the math keeps the hall's floor and its lines, and the narration below it is
    what gives way — cut after a whole word with an ellipsis (whole in its tooltip), or left out."""
    _present(window, qtbot)
    s = window.session
    s.set_granularity("minibatch")
    s.step()
    panel = window.equations
    assert panel.active_equation() == "minibatch"
    assert 0.6 <= panel.text_scale() <= 1.0
    labels = [label for label in _step_labels(window) if label.isVisible()]
    QApplication.processEvents()
    assert labels[:4] == _step_labels(window)[:4]  # the math is all there
    for label in labels:
        assert QFontInfo(label.font()).pixelSize() >= theme.floor_px(window.height())
        assert label.height() >= label.heightForWidth(label.width()) - 1  # no line cut off
    for upper, lower in zip(labels, labels[1:]):
        assert upper.geometry().bottom() <= lower.geometry().top(), (upper.text(), lower.text())
    assert labels[-1].geometry().bottom() <= panel.height()
    narration = panel.narration_label
    if narration.isVisible() and narration.text().endswith("…"):
        assert narration.toolTip() == to_plain(panel.narration_text())
    s.set_granularity("layer")
    s.step()  # a short step: full size again, the narration whole
    assert panel.text_scale() == 1.0
    assert narration.isVisible() and narration.text() == panel.narration_text() and not narration.toolTip()


def test_labels_of_a_big_network_do_not_overlap_in_presentation_mode(qtbot):
    w = _open(qtbot, SessionConfig(dataset="mnist", sizes=(784, 30, 10)))
    try:
        _present(w, qtbot)
        view = w.network_view

        boxes = [b for b in view.labels.boxes if b.shown]
        titles = [b.rect for b in boxes if b.kind == "title"]
        assert len(titles) == 3
        for a, b in zip(titles, titles[1:]):
            assert a[0] + a[2] <= b[0]
        classes = [b.rect for b in boxes if b.kind == "output"]
        assert 3 <= len(classes) <= 10
        for a, b in zip(classes, classes[1:]):
            assert a[1] + a[3] <= b[1] + 0.5
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
    assert seen["theme"].name == "projector"
    assert seen == {"presenting": True, "theme": seen["theme"], "setup": True}
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1200, 800)
    assert theme.current() is theme.LIGHT  # closing the window ended the mode
    assert "after 7 steps (layer)" in capsys.readouterr().out


def test_the_clicker_steps_resets_blanks_and_jumps(window, qtbot):
    s = window.session
    reference = Session(SessionConfig(dataset="moons", sizes=(2, 4, 3, 2), seed=1))
    try:
        for _ in range(12):
            reference.step()
        _present(window, qtbot)
        qtbot.keyClick(window, Qt.Key.Key_PageDown)
        qtbot.keyClick(window, Qt.Key.Key_PageDown)
        assert s.engine.step_index == 2
        qtbot.keyClick(window, Qt.Key.Key_PageUp)
        assert s.engine.step_index == 1
        qtbot.keyClick(window, Qt.Key.Key_Home)
        assert s.engine.step_index == 0

        for key, colour in ((Qt.Key.Key_B, "#000000"), (Qt.Key.Key_Period, "#000000"), (Qt.Key.Key_W, "#ffffff")):
            qtbot.keyClick(window, key)
            blank = window.presentation.blank
            assert blank.colour() is not None and blank.colour().name() == colour
            assert blank.geometry() == window.rect()
            image = window.grab().toImage()
            assert image.pixelColor(image.width() // 2, image.height() // 3).name() == colour
            qtbot.keyClick(blank, Qt.Key.Key_Right)  # any key returns, and does nothing else
            assert blank.colour() is None and s.engine.step_index == 0

        qtbot.keyClicks(window, "12")
        qtbot.keyClick(window, Qt.Key.Key_Return)
        assert s.granularity is Granularity.RECORD  # the digits' own granularity choice undone by Enter
        assert s.engine.step_index == reference.engine.step_index == 12
        assert window.equations.active_equation() == reference.engine.last_record.equation.label
        assert [w.tolist() for w in s.net.weights] == [w.tolist() for w in reference.net.weights]

        assert not window.plots_dock.isVisible()
        qtbot.keyClick(window, Qt.Key.Key_P)
        assert window.plots_dock.isVisible() and window.plots_dock.width() < 0.35 * window.width()
        qtbot.keyClick(window, Qt.Key.Key_S)
        assert window.setup_dock.isVisible()
        qtbot.keyClick(window, Qt.Key.Key_P)
        qtbot.keyClick(window, Qt.Key.Key_S)
        assert not window.plots_dock.isVisible() and not window.setup_dock.isVisible()
    finally:
        reference.shutdown()


def test_clicker_keys_are_free_outside_presentation_mode(window, qtbot):
    s = window.session
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    qtbot.keyClick(window, Qt.Key.Key_B)
    assert s.engine.step_index == 0 and window.presentation.blank.colour() is None
    qtbot.keyClick(window, Qt.Key.Key_2)  # the granularity keys work as ever
    assert s.granularity is Granularity.EXAMPLE


def test_the_type_follows_the_screen_height():
    small, large = theme.fitted(theme.PROJECTOR, 720), theme.fitted(theme.PROJECTOR, 2160)
    for t, height in ((small, 720), (large, 2160)):
        smallest_px = theme.SMALLEST_PT * t.font_pt / theme.LIGHT.font_pt * 96 / 72
        assert smallest_px >= height / 50
    assert large.font_pt == pytest.approx(3 * small.font_pt, rel=0.02)
    assert theme.fitted(theme.DARK, 400).font_pt == pytest.approx(1.1 * theme.LIGHT.font_pt)  # never below
    assert large.name == "projector" and theme.fitted(theme.DARK, 720).background == theme.DARK.background


def test_on_a_short_screen_the_status_line_shows_only_when_it_says_something_new(window, qtbot):
    """960×540 (1920×1080 at 200 %): the status line's height goes to the graph, except while a step number is
    typed or a status the equation panel does not show (a breakpoint, divergence, a save) is up."""
    _present(window, qtbot, size=(960, 540))
    status = window.statusBar()
    assert not status.isVisible()
    qtbot.keyClicks(window, "3")
    assert status.isVisible() and "Go to step 3" in status.currentMessage()
    qtbot.keyClick(window, Qt.Key.Key_Return)
    assert not status.isVisible() and window.session.engine.step_index == 3
    window.session.statusChanged.emit("Breakpoint: test — at epoch 1, step 3. Paused; ← steps back.")
    assert status.isVisible()
    window.session.step()
    assert not status.isVisible()
    _as_projector(window, qtbot, (1280, 720))
    assert status.isVisible()  # tall enough for it
    window.set_presentation(False)
    assert status.isVisible()


def test_the_labels_of_one_neuron_columns_keep_their_size_when_the_labels_are_fitted(qtbot):
    """A regression network [1, 10, 1]: x₁ and "aᴸ … target y …" have no neighbour to overlap, so fitting the
    labels to a small drawing (a projector, a crowded layer) leaves them shown at the labels' size."""
    w = _open(qtbot, SessionConfig(dataset="sine", sizes=(1, 10, 1), activation="tanh"))
    try:
        view = w.network_view
        view.resize(430, 300)
        view.fit()
        single = [b for b in view.labels.boxes if b.kind in ("input", "output")]
        assert len(single) == 2
        assert all(b.shown and b.px == view.labels.px for b in single)
    finally:
        w.session.shutdown()


def test_minibatch_after_minibatch_keeps_the_fitted_type_without_laying_it_out_again(window, qtbot, monkeypatch):
    """A live tick changes the numbers, not the lines they take: the type fitted to the first minibatch stays,
    and the panel does not lay its five texts out again to find that out (a tick's cost, while training)."""
    _present(window, qtbot)
    s = window.session
    s.set_granularity("minibatch")
    s.step()
    panel = window.equations
    scale = panel.text_scale()  # the math at full size where it fits; the lecturer's paragraph gives way
    laid_out = []
    height_for_width = QLabel.heightForWidth

    def counted(label, width: int) -> int:
        laid_out.append(label)
        return height_for_width(label, width)

    monkeypatch.setattr(QLabel, "heightForWidth", counted)
    before = panel.numbers_text()
    for _ in range(3):
        s.step()
    assert panel.numbers_text() != before  # new numbers
    assert laid_out == [] and panel.text_scale() == scale
    s.set_granularity("layer")
    s.step()  # another shape: fitted again
    assert laid_out and panel.text_scale() == 1.0
