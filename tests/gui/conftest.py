"""Shared GUI fixtures: one main window per test module, handed to each test in a fresh state.

Building a MainWindow (session, docks, plots, graph, Teach panels) is the costliest setup of the GUI tests. A
module that uses ``main_window`` builds one and every test gets it back as a new window would be: the
module's settings (a test that applied others, opened a data file or gave a neuron its own activation gets the
network rebuilt from them), training paused, the engine reset to step 0 at the first granularity, nothing
selected, no dialog open, no Teach panel shown, out of presentation mode, at the module's size, the active
window (its shortcuts work). A module sets its own network and size with ``MAIN_WINDOW_CONFIG`` (a
SessionConfig) and ``MAIN_WINDOW_SIZE`` (width, height).

Not for tests of the docks' layout: where a Teach panel was placed (tabified beside the plots, its width) stays
as the Teach menu left it, as in a window someone has used (tests/gui/test_teach.py builds its own windows).
"""

from __future__ import annotations

import pytest
from PyQt6.QtWidgets import QApplication, QDialog

DEFAULT_SIZE = (1280, 800)


@pytest.fixture(scope="module")
def _module_main_window(qapp, request, tmp_path_factory):
    from visualbp.gui import theme
    from visualbp.gui.main_window import MainWindow
    from visualbp.gui.session import Session

    with pytest.MonkeyPatch.context() as mp:  # the window's files (the Draw panel's, an autosave) go here
        mp.setenv("VISUALBP_DATA_DIR", str(tmp_path_factory.mktemp("window-data")))
        theme.apply()
        session = Session(getattr(request.module, "MAIN_WINDOW_CONFIG", None))
        window = MainWindow(session, remember_layout=False, recovery=False)
        size = getattr(request.module, "MAIN_WINDOW_SIZE", DEFAULT_SIZE)
        window.resize(*size)
        window.show()
        first = session.granularity
        yield window, size, first, session.config
        session.shutdown()
        window.close()
        window.deleteLater()
        QApplication.processEvents()


@pytest.fixture
def main_window(_module_main_window, qtbot):
    """The module's main window, as freshly built (see the module docstring)."""
    window, size, granularity, config = _module_main_window
    _fresh(window, size, granularity, config)
    qtbot.waitExposed(window)
    yield window
    window.session.pause()


def _fresh(window, size: tuple[int, int], granularity, config) -> None:
    session = window.session
    session.pause()
    if session.config != config or session.net.neuron_activations:
        session.apply_config(config)
    for dialog in window.findChildren(QDialog):
        dialog.close()
    if window.presentation.active():
        window.set_presentation(False)
    for dock in window.teach.docks.values():
        dock.hide()
    session.select(None)
    session.set_granularity(granularity)
    session.reset()
    window.resize(*size)
    window.activateWindow()  # as a new window is on show: another top-level a test showed may have taken it
    QApplication.processEvents()
