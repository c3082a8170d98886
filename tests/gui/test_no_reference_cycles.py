"""Every view is freed the moment its last reference goes, never later by the garbage collector.

A slot that is a lambda over ``self`` (or a child holding its parent's bound method) makes a reference
cycle; the collector then deletes the widget at whatever moment it runs, which can be in the middle of
painting that very window: Qt then paints into a freed backing store and the process dies (seen as a
segmentation fault in QPainter::fillRect while the collector freed a dropped NetworkView). Slots are
therefore bound methods, which PyQt holds weakly, or hold their target weakly.
"""

import gc
import weakref

import pytest

from visualbp.core.config import SessionConfig
from visualbp.gui import theme
from visualbp.gui.controls import ControlsBar
from visualbp.gui.debug_panel import DebugPanel
from visualbp.gui.equation_panel import EquationPanel
from visualbp.gui.inspector import NeuronInspector
from visualbp.gui.main_window import MainWindow
from visualbp.gui.network import NetworkView
from visualbp.gui.plots import PlotsPanel
from visualbp.gui.session import Session
from visualbp.gui.setup_panel import SetupPanel


@pytest.fixture
def session(qtbot):
    theme.apply()
    s = Session(SessionConfig(dataset="moons", sizes=(2, 200, 2), seed=1))
    yield s
    s.shutdown()


@pytest.fixture
def no_gc():
    gc.collect()
    gc.disable()
    yield
    gc.enable()


@pytest.mark.parametrize("make", [NetworkView, EquationPanel, SetupPanel, PlotsPanel, ControlsBar, DebugPanel,
                                  NeuronInspector,
                                  lambda s: MainWindow(s, remember_layout=False, recovery=True)],
                         ids=["NetworkView", "EquationPanel", "SetupPanel", "PlotsPanel", "ControlsBar", "DebugPanel",
                              "NeuronInspector", "MainWindow"])
def test_a_dropped_view_is_freed_at_once(qtbot, session, no_gc, make):
    w = make(session)
    w.show()
    qtbot.waitExposed(w)
    session.step()
    if isinstance(w, NetworkView):
        w.show_weight_heatmap(2)  # its window and button slots too
    qtbot.wait(10)
    w.close()
    ref = weakref.ref(w)
    del w
    assert ref() is None, "a reference cycle keeps the view for the garbage collector"
