"""Presentation-mode helpers shared by the lesson walks (tests/gui/test_lecture_type.py, the widgets' type, and
tests/gui/network/test_graph_text.py, the graph's painted text)."""

from __future__ import annotations

import argparse

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication

from visualbp.app import prepare_demo, start_lesson
from visualbp.core.demos import Demo
from visualbp.gui.main_window import MainWindow
from visualbp.gui.session import Session


def settle() -> None:
    """A few rounds of the event loop: the layouts and the graph's fit done."""
    for _ in range(6):
        QApplication.processEvents()


def open_lesson(window: MainWindow, demo: Demo) -> None:
    """The lesson as ``visualbp --demo NAME`` opens it, in the window already open."""
    session = window.session
    for dock in window.teach.docks.values():
        dock.hide()
    session.apply_config(demo.config())
    prepare_demo(session, demo)
    session.set_granularity(demo.granularity)
    start_lesson(window, session, demo, argparse.Namespace(steps=0))
    settle()


def presenting(qtbot, demo: Demo, size: tuple[int, int]) -> tuple[MainWindow, Session]:
    """A main window on ``demo``'s settings in presentation mode, exactly ``size`` (as on that projector)."""
    session = Session(demo.config())
    window = MainWindow(session, remember_layout=False, recovery=False)
    qtbot.addWidget(window)
    try:
        window.set_presentation(True)
        window.show()
        qtbot.waitExposed(window)
        window.setWindowState(Qt.WindowState.WindowNoState)
        window.resize(*size)
        qtbot.waitUntil(lambda: (window.width(), window.height()) == size, timeout=2000)
    except BaseException:  # the light theme back for the tests after, as the callers' finally does
        window.set_presentation(False)
        session.shutdown()
        raise
    return window, session
