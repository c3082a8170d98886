"""The Mistakes dock: the misclassified validation examples, their classes and outputs, from core.mistakes."""

import numpy as np
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication

from visualbp.app import build_parser, open_lesson, settings_from_args
from visualbp.core.config import SessionConfig
from visualbp.core.mistakes import mistakes
from visualbp.core.steps import Kind
from visualbp.gui import theme
from visualbp.gui.mistakes_panel import LIMIT, MistakesPanel
from visualbp.gui.notation import equation_number as num
from visualbp.gui.session import Session


def test_the_panel_lists_what_the_core_finds_and_explains_a_click(qtbot):
    session = Session(SessionConfig(dataset="digits", sizes=(64, 12, 10)))
    panel = MistakesPanel(session)
    qtbot.addWidget(panel)
    panel.show()
    expected = mistakes(session.net, session.dataset.X_val, session.dataset.y_val, limit=LIMIT)
    assert panel.list.count() == len(expected.wrong) > 0
    assert f"{expected.n_wrong:,} of {expected.n_rows:,} validation examples wrong" in panel.summary.text()
    first = expected.wrong[0]
    assert panel.list.item(0).text().startswith(f"#{first.index}: true {first.true} → said {first.predicted}")
    assert not panel.list.item(0).icon().isNull()  # 8×8 images get thumbnails
    panel.list.setCurrentRow(0)
    assert f"Validation example #{first.index}, true class {first.true}" in panel.detail.text()
    for _ in range(3):  # training changes the list once the weights change
        session.finish_batch()
    qtbot.waitUntil(lambda: panel.result is not None and panel.result.wrong != expected.wrong, timeout=3000)
    after = mistakes(session.net, session.dataset.X_val, session.dataset.y_val, limit=LIMIT)
    assert panel.result.n_wrong == after.n_wrong
    session.shutdown()


def test_the_window_offers_the_dock_in_the_view_menu(qtbot, tmp_path):
    theme.apply()
    args = build_parser().parse_args(["--dataset", "digits", "--screenshot", str(tmp_path / "x.png")])
    config, demo = settings_from_args(args)
    window, session = open_lesson(args, config, demo)
    qtbot.addWidget(window)
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    toggle = next(a for a in view.actions() if a.text() == "Mistakes")
    dock = next(d for d in window.findChildren(type(window.plots_dock)) if d.windowTitle() == "Mistakes")
    window.show()
    assert not dock.isVisible()
    toggle.trigger()
    qtbot.waitUntil(dock.isVisible, timeout=2000)
    assert np.isclose(dock.widget().result.accuracy, session.engine.evaluate().val_accuracy)
    session.shutdown()


def _window_with_mistakes(qtbot, tmp_path, *argv):
    """The window ``visualbp ARGV`` opens, shown at 1366×768, with View ▸ Mistakes open; (window, session, panel)."""
    theme.apply()
    args = build_parser().parse_args([*argv, "--screenshot", str(tmp_path / "x.png")])
    config, demo = settings_from_args(args)
    window, session = open_lesson(args, config, demo)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)  # its keys work from now on
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    next(a for a in view.actions() if a.text() == "Mistakes").trigger()
    dock = next(d for d in window.findChildren(type(window.plots_dock)) if d.windowTitle() == "Mistakes")
    qtbot.waitUntil(lambda: dock.isVisible() and dock.widget().result is not None, timeout=3000)
    return window, session, dock.widget()


def _click_item(qtbot, panel, row):
    rect = panel.list.visualItemRect(panel.list.item(row))
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_a_mistake_picked_in_the_list_is_stepped_with_its_x_and_y_and_back_undoes_it(qtbot, tmp_path):
    window, session, panel = _window_with_mistakes(qtbot, tmp_path, "--dataset", "moons", "--layers", "2,3,2")
    try:
        data = session.dataset
        assert panel.list.count() > 0 and not panel.step_button.isEnabled()
        _click_item(qtbot, panel, 0)
        m = panel.mistake(panel.list.currentRow())
        assert m is not None and panel.step_button.isEnabled()
        X0, Y0, steps0 = session.engine.X.copy(), session.engine.Y.copy(), session.engine.step_index
        qtbot.mouseClick(panel.step_button, Qt.MouseButton.LeftButton)
        x, y = data.X_val[m.index], data.Y_val[m.index]
        record = session.engine.last_record
        assert record.kind is Kind.INPUT and np.array_equal(record["a"].ravel(), x)
        assert np.array_equal(record["y"].ravel(), y)  # the example's own target, not the row's it replaced
        shown = window.equations.numbers_text()
        assert f"x = ({num(x[0])}, {num(x[1])})" in shown and f"y = ({num(y[0])}, {num(y[1])})" in shown
        assert f"Validation example #{m.index}" in panel.message.text() and "← undoes it" in panel.message.text()
        for _ in range(3):  # its feedforward, then BP1: δ^L = (a^L − y) ⊙ σ'(z^L) with this y
            qtbot.keyClick(window, Qt.Key.Key_Right)
        record = session.engine.last_record
        assert record.kind is Kind.OUTPUT_ERROR and record.l == 3
        j = int(np.argmax(np.abs(record["delta"].ravel())))  # the neuron the readout shows: largest |δ|
        a_j = float(session.engine.current("a", 3)[j, 0])
        assert f"= {num(a_j)} − {num(y[j])} = " in window.equations.numbers_text()
        for _ in range(4):  # ←: the three steps by key and a^1 = x
            qtbot.keyClick(window, Qt.Key.Key_Left)
        assert session.engine.last_record.kind is Kind.EDIT and session.engine.last_record.sets_target
        assert window.equations.equation_text() == f"edit: x, y ← validation example #{m.index}"
        assert window.equations.narration_text().startswith("You chose an example of the data set")
        assert f"y = ({num(y[0])}, {num(y[1])}): its target from now on" in window.equations.numbers_text()
        qtbot.keyClick(window, Qt.Key.Key_Left)  # and the step that put the example in place
        assert session.engine.step_index == steps0
        assert np.array_equal(session.engine.X, X0) and np.array_equal(session.engine.Y, Y0)
    finally:
        session.shutdown()


def test_a_confusion_cell_lists_its_examples_and_a_double_click_steps_one(qtbot, tmp_path):
    window, session, panel = _window_with_mistakes(qtbot, tmp_path, "--dataset", "digits", "--layers", "64,12,10")
    try:
        r = panel.result
        off = r.confusion - np.diag(np.diag(r.confusion))
        t, p = (int(v) for v in np.unravel_index(np.argmax(off), off.shape))
        table = panel.confusion
        assert table.rowCount() == table.columnCount() == 10 and table.item(t, p).text() == str(r.confusion[t, p])
        rect = table.visualItemRect(table.item(t, p))
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert panel.shown_cell == (t, p) and panel.list.count() == min(r.confusion[t, p], LIMIT)
        assert [m.index for m in panel.shown] == [m.index for m in r.cell(t, p, LIMIT)]
        assert all(m.true == t and m.predicted == p for m in panel.shown) and panel.all_button.isVisible()
        assert f"true {t}, said {p}" in panel.cell_label.text()
        rect = panel.list.visualItemRect(panel.list.item(0))
        qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # a double click's
        qtbot.mouseDClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # two halves
        chosen = panel.shown[0]
        record = session.engine.last_record
        assert record.kind is Kind.INPUT and np.array_equal(record["a"].ravel(), session.dataset.X_val[chosen.index])
        assert int(np.argmax(record["y"])) == t
        path = tmp_path / "s.vbp"
        session.save(str(path))  # the chosen example is part of the session's data now
        again = Session()
        try:
            again.open(str(path))
            row = np.nonzero((again.engine.X == session.dataset.X_val[chosen.index]).all(axis=1))[0]
            assert len(row) and again.engine.labels[row[0]] == t
        finally:
            again.shutdown()
        qtbot.mouseClick(panel.all_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel.shown_cell is None, timeout=2000)
        assert [m.index for m in panel.shown] == [m.index for m in panel.result.wrong]
        diagonal = int(np.argmax(np.diag(r.confusion)))
        panel.confusion.cellClicked.emit(diagonal, diagonal)
        assert all(m.true == m.predicted == diagonal for m in panel.shown) and "right" in panel.cell_label.text()
    finally:
        session.shutdown()
