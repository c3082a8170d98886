"""The Teach menu: chapter 2's sections no other tool shows, each a dock of the main window.

``install(window)`` is the main window's one call: it builds the panels (the big picture, the race of
backprop against finite differences, exercises, the code in lockstep), puts each in a dock on the right
(hidden until asked for, then tabbed with the plots) and adds a Teach menu that shows and raises them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import QDockWidget, QWidget

from visualbp.gui.big_picture import BigPicturePanel
from visualbp.gui.code_panel import CodePanel
from visualbp.gui.digit_canvas import DrawDigitPanel
from visualbp.gui.exercise_panel import ExercisePanel
from visualbp.gui.race_panel import RacePanel
from visualbp.gui.strip_fit import StripArea

if TYPE_CHECKING:
    from visualbp.gui.main_window import MainWindow

#: The most of the window's width a Teach panel's side strip takes when it asks for room (the code).
PANEL_SHARE = 0.4


@dataclass
class Teach:
    """The teaching panels of one window and their docks, by name."""

    panels: dict[str, QWidget]
    docks: dict[str, QDockWidget]
    actions: dict[str, QAction]
    anchor: QDockWidget | None = None  # the dock the panels share a tab group with, once shown
    placed: set = field(default_factory=set)
    last: str | None = None  # the panel shown last
    _shown: list = field(default_factory=list)  # the panels take_out took out, for place_again

    def take_out(self) -> None:
        """Take the shown panels' docks out of the window's dock areas (``place_again`` puts them back)."""
        if self.anchor is None:
            return
        window = self.anchor.parentWidget()
        self._shown = [n for n in sorted(self.placed) if self.docks[n].isVisibleTo(window)
                       and not self.docks[n].isFloating()]
        for name in self._shown:
            window.removeDockWidget(self.docks[name])

    def place_again(self) -> None:
        """After the window laid its docks out anew (another screen size): the shown panels join the anchor's
        tab group again, the last one shown raised."""
        if self.anchor is None:
            return
        window = self.anchor.parentWidget()
        for name in self._shown:
            dock = self.docks[name]
            window.addDockWidget(window.dockWidgetArea(self.anchor), dock)
            window.tabifyDockWidget(self.anchor, dock)
            dock.show()
        if self.last is not None and self.last in self.placed and self.docks[self.last].isVisibleTo(window):
            self.docks[self.last].raise_()

    def show(self, name: str) -> QWidget:
        """Show and raise the dock of panel ``name``; returns the panel. The first time, it joins the anchor's
        tab group: a hidden dock in a tab group makes Qt reserve the tab bar's height, so it joins only
        when asked for."""
        dock = self.docks[name]
        if name not in self.placed and self.anchor is not None and not dock.isFloating():
            self.placed.add(name)
            dock.parentWidget().tabifyDockWidget(self.anchor, dock)
        dock.show()
        dock.raise_()
        self.last = name
        window = dock.parentWidget()
        width = self.strip_width(name, window.width()) if window is not None else None
        if width is not None and not dock.isFloating():
            window.resizeDocks([dock], [width], Qt.Orientation.Horizontal)
        return self.panels[name]

    def strip_width(self, name: str, window_width: int) -> int | None:
        """The width panel ``name`` asks for beside the graph (the code: its longest line), at most
        ``PANEL_SHARE`` of the window; None for a panel that asks for none."""
        wanted = getattr(self.panels[name], "preferred_width", None)
        return min(wanted(), round(PANEL_SHARE * window_width)) if callable(wanted) else None

    def set_strip(self, name: str, on: bool) -> None:
        """Panel ``name`` fitted to presentation mode's bottom strip (whole lines, nothing to scroll) or
        scrolling as on the laptop."""
        area = self.docks[name].widget()
        if isinstance(area, StripArea):
            area.set_strip(on)


#: (name, dock title, menu text, tooltip, factory(session))
PANELS = (
    ("big-picture", "Paths", "The &big picture: every path to the cost",
     "∂C/∂w^l_jk as the sum over every path from the weight to the cost (chapter 2, last section)",
     BigPicturePanel),
    ("race", "Race", "&Why backprop is fast: race finite differences",
     "One forward and one backward pass against one extra forward pass per parameter (chapter 2)", RacePanel),
    ("exercise", "Exercise", "&Exercise: predict, then reveal",
     "Type what the next step computes; it is checked, then shown with the working, and scored per lesson",
     ExercisePanel),
    ("code", "Code", "The &code in lockstep",
     "The algorithm as Python: the lines each step runs highlighted, the values they set beside them", CodePanel),
    ("draw", "Draw", "&Draw your own digit",
     "Draw a digit with the mouse and step it through the network (MNIST or the 8×8 digits)", DrawDigitPanel),
)


#: Keys that show each panel (after the docks' Ctrl+1 … Ctrl+5), working with the menu bar hidden (presentation).
KEYS = {"big-picture": "Ctrl+6", "race": "Ctrl+7", "exercise": "Ctrl+8", "code": "Ctrl+9", "draw": "Ctrl+0"}


def install(window: MainWindow) -> Teach:
    """Build the teaching docks (hidden) and the Teach menu of ``window`` (a MainWindow with ``session``)."""
    session = window.session
    menu = window.menuBar().addMenu("&Teach")
    panels: dict[str, QWidget] = {}
    docks: dict[str, QDockWidget] = {}
    actions: dict[str, QAction] = {}
    anchor = getattr(window, "plots_dock", None)
    teach = Teach(panels, docks, actions, anchor)
    for name, title, text, tip, factory in PANELS:
        panel = factory(session)
        dock = QDockWidget(title, window)
        dock.setObjectName(f"dock-teach-{name}")
        dock.setWidget(_scrolling(panel))
        dock.hide()
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        dock.hide()
        action = QAction(text, window)
        action.setShortcut(QKeySequence(KEYS[name]))
        window.addAction(action)  # the key works with the menu bar hidden (presentation mode)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(_shower(teach, name))
        menu.addAction(action)
        panels[name], docks[name], actions[name] = panel, dock, action
    view = getattr(window, "network_view", None)
    paths = panels["big-picture"]
    if view is not None and isinstance(paths, BigPicturePanel):  # the listed paths banded while the panel shows them
        paths.pathsShown.connect(view.show_paths)
    return teach


def _scrolling(panel: QWidget) -> StripArea:
    """``panel`` in a scroll area that gives it the height its wrapped lines need: a dock shorter than that
    scrolls it rather than squeezing lines over each other; in presentation mode's strip it is fitted instead
    (``set_strip``: visualbp.gui.strip_fit)."""
    return StripArea(panel)


def _shower(teach: Teach, name: str):
    """A slot that shows panel ``name`` (no reference to the window: see main_window's note on cycles)."""
    def show(_checked: bool = False) -> None:
        teach.show(name)
    return show
