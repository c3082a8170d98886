"""The main window: assembles the views around one Session and connects them, sized to the screen it opens on
(visualbp.gui.window_fit). Presentation mode lives in visualbp.gui.presentation."""

from __future__ import annotations

from PyQt6.QtCore import QRect, QSettings, QSize, Qt, QTimer
from PyQt6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QScreen
from PyQt6.QtWidgets import (
    QDockWidget,
    QFrame,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

import visualbp
from visualbp.gui import window_fit
from visualbp.gui.controls import ControlsBar
from visualbp.gui.debug_panel import DebugPanel
from visualbp.gui.equation_panel import EquationPanel
from visualbp.gui.files import FileActions
from visualbp.gui.inspector import NeuronInspector
from visualbp.gui.network import NetworkView
from visualbp.gui.plots import PlotsPanel
from visualbp.gui.presentation import Presentation, dark_palette  # noqa: F401 (dark_palette: re-exported)
from visualbp.gui.qt_helpers import present
from visualbp.gui.recovery import Recovery
from visualbp.gui.session import Session
from visualbp.gui.setup_panel import SetupPanel
from visualbp.gui.status_line import StatusLine

Area = Qt.DockWidgetArea


class MainWindow(QMainWindow):
    """Network graph in the centre with the step controls above it and the equation panel below; Setup,
    Neuron and Debug as tabs of a side column; the plots in a right column (or a tab, on a narrow screen)."""

    def __init__(self, session: Session, remember_layout: bool = True, recovery: bool = True) -> None:
        super().__init__()
        self.session = session
        self._remember = remember_layout
        self.setWindowTitle(f"visualbp {visualbp.__version__} — backpropagation, step by step")

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 4, 6, 0)
        layout.setSpacing(4)
        self.controls = ControlsBar(session)
        self.network_view = NetworkView(session)
        self.network_view.setMinimumSize(QSize(320, 160))  # the window's minimum leaves the graph this much
        layout.addWidget(self.controls)
        layout.addWidget(self.network_view, 1)
        self.setCentralWidget(central)

        self.setup_panel = SetupPanel(session)
        self.plots = PlotsPanel(session)
        self.equations = EquationPanel(session)
        self.inspector = NeuronInspector(session)
        self.debug = DebugPanel(session)
        self.setup_panel.setMinimumWidth(240)  # with the graph's and the equation's, a minimum under 1000 px
        self.plots.setMinimumWidth(250)
        self.setup_dock = self._dock("Setup", self.setup_panel)
        self.plots_dock = self._dock("Plots", _Scrolling(self.plots))
        #: the dock in front where the side column tabs Setup and Plots (a lesson puts its plots in front)
        self.front_dock = self.setup_dock
        self.equation_dock = self._dock("Equation", self.equations)
        self.inspector_dock = self._dock("Neuron", self.inspector)
        self.debug_dock = self._dock("Debug", self.debug)
        # the side columns run from the menu bar to the status line; the equation spans the graph's width
        self.setCorner(Qt.Corner.BottomLeftCorner, Area.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Area.RightDockWidgetArea)
        self.controls.install_shortcuts(self)

        self.status_label = StatusLine()  # fitted to its width, the whole line in its tooltip
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.statusBar().addWidget(self.status_label, 1)
        session.statusChanged.connect(self._on_status_changed)
        session.errorOccurred.connect(self._on_error)
        session.breakpointHit.connect(self._on_breakpoint_hit)
        session.selectionChanged.connect(self._on_selection_changed)
        self.files = FileActions(self, session)
        self.recovery = Recovery(session, self) if recovery else None
        self._dock_plan: window_fit.Plan | None = None  # dock sizes to apply once shown
        self.presentation = Presentation(self)
        self.presentation_action = self.presentation.toggle_action
        self.dark_action = self.presentation.dark_action
        self.leave_presentation_action = self.presentation.leave_action
        self._build_menus()
        from visualbp.gui.teach import install as install_teach  # the Teach menu and its docks
        self.teach = install_teach(self)
        self._on_status_changed(session.status())
        screen = self.screen() or QGuiApplication.primaryScreen()
        available = screen.availableGeometry()
        if self.fit_to(available.size()).maximized:  # its frame fits the screen, whatever the frame is
            self.setWindowState(Qt.WindowState.WindowMaximized)
        else:  # centred on a large screen
            self.move(available.center() - self.rect().center())
        if remember_layout:
            self._restore_layout(present(screen, "screen"))

    def _dock(self, title: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{title.lower()}")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        return dock

    # ----------------------------------------------------------------- fitting the screen
    def fit_to(self, available: QSize) -> window_fit.Plan:
        """Lay the panels out for a window of at most ``available`` and take the plan's size: the plots beside
        the graph or as a tab, the side column open or not. (The window opens maximised where the plan says.)"""
        plan = window_fit.plan_for(available)
        teach = getattr(self, "teach", None)
        if teach is not None:
            teach.take_out()  # before the plots they are tabbed with: a tab group left behind keeps its tab bar
        for dock in (self.setup_dock, self.inspector_dock, self.debug_dock, self.plots_dock, self.equation_dock):
            self.removeDockWidget(dock)
        self.addDockWidget(Area.BottomDockWidgetArea, self.equation_dock)
        self.addDockWidget(Area.LeftDockWidgetArea, self.setup_dock)
        side = [self.setup_dock]
        if plan.plots_beside:
            self.addDockWidget(Area.RightDockWidgetArea, self.plots_dock)
        else:
            side.append(self.plots_dock)
        side += [self.inspector_dock, self.debug_dock]
        for dock in side[1:]:
            self.tabifyDockWidget(self.setup_dock, dock)
        for dock in (self.setup_dock, self.inspector_dock, self.debug_dock, self.plots_dock, self.equation_dock):
            dock.setVisible(plan.side_open or dock in (self.equation_dock,) or
                            (dock is self.plots_dock and plan.plots_beside))
        self.front_dock.raise_()
        if teach is not None:
            teach.place_again()  # a shown Teach panel goes back beside the plots, raised
        # The layout's own minimum (≤ 1000×700 in every plan), unless the screen is smaller still.
        floor = window_fit.minimum_for(available)
        self.setMinimumSize(floor if floor.width() < window_fit.MIN_WIDTH or floor.height() < window_fit.MIN_HEIGHT
                            else QSize(0, 0))
        self.resize(plan.size)
        self._dock_plan = plan
        self._size_docks()  # and again once shown: before that Qt shares the space out its own way
        return plan

    def _size_docks(self) -> None:
        plan = self._dock_plan
        if plan is None:
            return
        docks, widths = [self.setup_dock], [plan.side_width]
        if plan.plots_beside:
            docks.append(self.plots_dock)
            widths.append(plan.plots_width)
        self.resizeDocks(docks, widths, Qt.Orientation.Horizontal)
        self.resizeDocks([self.equation_dock], [plan.equation_height], Qt.Orientation.Vertical)

    def _restore_layout(self, screen: QScreen) -> None:
        """The layout remembered at the last close, only if it was made on a screen of this size and the
        window fits it (a laptop's layout never comes back on a projector, nor a large screen's on a laptop)."""
        settings = QSettings("visualbp", "visualbp")
        geometry, state = settings.value("window/geometry"), settings.value("window/state")
        saved_on = settings.value("window/screen")
        here = screen.availableGeometry()
        try:
            saved = QRect(*(int(v) for v in saved_on)) if saved_on is not None else None
        except (TypeError, ValueError):
            saved = None
        if geometry is None or state is None or saved != here:
            return
        before, before_state = self.saveGeometry(), self.windowState()
        self.setWindowState(Qt.WindowState.WindowNoState)  # restoreGeometry sets it again if it was saved
        if not (self.restoreGeometry(geometry) and window_fit.fits(self.frameGeometry(), here)):
            self.setWindowState(Qt.WindowState.WindowNoState)
            self.restoreGeometry(before)
            self.setWindowState(before_state)
            return
        self.restoreState(state)

    def _save_layout(self) -> None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        settings = QSettings("visualbp", "visualbp")
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue("window/screen", window_fit.rect_to_list(screen.availableGeometry()))

    # ----------------------------------------------------------------- menus
    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = present(bar.addMenu("&File"), "File menu")
        self.files.populate(file_menu)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view = present(bar.addMenu("&View"), "View menu")
        fit = QAction("&Fit network in view", self)
        fit.setShortcut(QKeySequence("F"))
        fit.triggered.connect(self.network_view.fit)
        view.addAction(fit)
        self.animate_action = QAction("&Animate steps", self)  # on by default in presentation mode
        self.animate_action.setCheckable(True)
        self.animate_action.setShortcut(QKeySequence("A"))
        self.animate_action.setToolTip("Between steps the signal travels forwards along the layer's edges, the "
                                       "error travels back, the fills ease to their new values")
        self.animate_action.toggled.connect(self.network_view.set_animated)
        view.addAction(self.animate_action)
        self.addAction(self.animate_action)  # the key works with the menu bar hidden
        view.addSeparator()
        keys = {self.setup_dock: "Ctrl+1", self.plots_dock: "Ctrl+2", self.equation_dock: "Ctrl+3",
                self.inspector_dock: "Ctrl+4", self.debug_dock: "Ctrl+5"}
        for dock, key in keys.items():
            toggle = dock.toggleViewAction()
            toggle.setShortcut(QKeySequence(key))
            view.addAction(toggle)
        # the keys work with the menu bar hidden
        self.addActions([present(dock.toggleViewAction(), "dock action") for dock in keys])
        view.addSeparator()
        self.presentation.populate(view)

        step = bar.addMenu("&Step")
        for action in self.controls.shortcut_actions():
            step.addAction(action)
        step.addSeparator()
        step.addAction(self.network_view.edit_action)  # F2: type a weight, bias or input by hand
        step.addAction(self.network_view.neuron_menu.action)  # Shift+F2: the selected neuron's own activation

        help_menu = bar.addMenu("&Help")
        keys_action = QAction("&Keyboard shortcuts", self)
        keys_action.triggered.connect(self._show_keys)
        help_menu.addAction(keys_action)
        about = QAction("&About visualbp", self)
        about.triggered.connect(self._show_about)
        help_menu.addAction(about)

    # ----------------------------------------------------------------- presentation mode
    def is_presenting(self) -> bool:
        return self.presentation.active()

    def is_dark(self) -> bool:
        """True while presentation mode shows the dark theme."""
        return self.presentation.dark()

    def set_presentation(self, on: bool, dark: bool = False) -> None:
        """Presentation mode on (``dark``: its dark theme) or off; see visualbp.gui.presentation."""
        self.presentation.set(on, dark)

    # ----------------------------------------------------------------- handlers
    def _on_status_changed(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.setToolTip(text)  # the whole line, where the window is too narrow for it

    def _on_breakpoint_hit(self, text: str) -> None:
        """Show the Debug dock, where the breakpoint that fired is highlighted."""
        if self.debug_dock.isVisible() or not self.debug_dock.isHidden():
            self.debug_dock.raise_()

    def _on_selection_changed(self, neuron: object) -> None:
        """A neuron pinned: bring its tab forward (the inspector shares the side column with Setup)."""
        if neuron is not None and not self.inspector_dock.isHidden() and not self.is_presenting():
            self.inspector_dock.raise_()

    def _on_error(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.setToolTip(text)

    def _show_keys(self) -> None:
        QMessageBox.information(self, "Keyboard shortcuts", KEYS_HELP)

    def _show_about(self) -> None:
        from visualbp.gui.about import show_about  # version, licence, data credits, versions

        show_about(self)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self.controls.set_compact(self.height() < window_fit.COMPACT_BELOW)
        self.presentation.window_resized()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        if self._dock_plan is not None and not self.is_presenting():
            self._size_docks()
            QTimer.singleShot(0, self._size_docks_once_laid_out)  # the first layout pass comes after this event
        else:
            self._dock_plan = None
        self.presentation.window_shown()

    def _size_docks_once_laid_out(self) -> None:
        if not self.is_presenting():
            self._size_docks()
        self._dock_plan = None  # from now on the docks are the user's to size

    def closeEvent(self, event: QCloseEvent) -> None:
        self.presentation.end()  # the application's font, palette and theme back; the layout saved as it was
        self.session.shutdown()
        if self.recovery is not None:
            self.recovery.discard()
            self.recovery.uninstall_excepthook()
        if self._remember:
            self._save_layout()
        super().closeEvent(event)


class _Scrolling(QScrollArea):
    """A panel that fills the dock's height, or scrolls where the dock is shorter than the panel's minimum
    (a short screen scrolls the plots rather than pushing the window taller than the screen)."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__()
        self.setWidget(widget)
        self.setWidgetResizable(False)  # sized here: Qt's resizable mode would follow the panel's height-for-width
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        widget, view = self.widget(), self.viewport()
        height = max(view.height(), widget.minimumSizeHint().height(), widget.minimumHeight())
        scroll = height > view.height()
        width = self.width() - (self.verticalScrollBar().sizeHint().width() if scroll else 0)
        widget.resize(max(width, widget.minimumWidth()), height)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        widget = self.widget()
        return QSize(max(widget.minimumSizeHint().width(), widget.minimumWidth()), 120)


KEYS_HELP = (
    "→  step forward          ←  step back\n"
    "Space  play / pause      R  reset to the initial weights\n"
    "Shift+R  new weights (new seed)\n"
    "1 2 3 4  step by layer / example / minibatch / epoch\n"
    "F  fit the network in the view\n"
    "Ctrl+1 … Ctrl+5  show or hide Setup, Plots, Equation, Neuron, Debug\n"
    "F11  presentation mode   Shift+F11  its dark theme   Esc  leave it\n"
    "In presentation mode: PageDown / PageUp step, Home resets, B or . blank to black, W to white,\n"
    "    a number then Enter goes to that step, P plots, S setup\n"
    "Ctrl+Q  quit"
)
