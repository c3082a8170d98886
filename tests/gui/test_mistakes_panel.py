"""The Mistakes dock: the misclassified validation examples, their classes and outputs, from core.mistakes."""

import numpy as np

from visualbp.app import build_parser, open_lesson, settings_from_args
from visualbp.core.config import SessionConfig
from visualbp.core.mistakes import mistakes
from visualbp.gui import theme
from visualbp.gui.mistakes_panel import LIMIT, MistakesPanel
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
