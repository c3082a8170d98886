"""The Teach menu of the main window: one action per panel, each showing its dock."""

import pytest

from visualbp.core.config import SessionConfig
from visualbp.gui import theme
from visualbp.gui.big_picture import BigPicturePanel
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
    for action, cls in zip(actions, (BigPicturePanel, RacePanel, ExercisePanel)):
        action.trigger()
        panel = next(p for p in window.teach.panels.values() if isinstance(p, cls))
        assert panel.isVisible()
    big = window.teach.panels["big-picture"]
    window.teach.show("big-picture")
    window.session.step()
    assert big.result is not None and abs(big.result.difference) <= 1e-12
