"""The main window: assembles the views around one Session and connects them. No logic of its own."""

from __future__ import annotations

from PyQt6.QtCore import QSettings, Qt
from PyQt6.QtGui import QAction, QCloseEvent, QKeySequence
from PyQt6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMessageBox, QVBoxLayout, QWidget

import visualbp
from visualbp.gui.controls import ControlsBar
from visualbp.gui.debug_panel import DebugPanel
from visualbp.gui.equation_panel import EquationPanel
from visualbp.gui.files import FileActions
from visualbp.gui.recovery import Recovery
from visualbp.gui.network_view import NetworkView, NeuronInspector
from visualbp.gui.plots import PlotsPanel
from visualbp.gui.session import Session
from visualbp.gui.setup_panel import SetupPanel


class MainWindow(QMainWindow):
    """Network graph in the centre; setup on the left; plots on the right; equations below."""

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
        layout.addWidget(self.controls)
        layout.addWidget(self.network_view, 1)
        self.setCentralWidget(central)

        self.setup_panel = SetupPanel(session)
        self.plots = PlotsPanel(session)
        self.equations = EquationPanel(session)
        self.setup_dock = self._dock("Setup", self.setup_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.plots_dock = self._dock("Plots", self.plots, Qt.DockWidgetArea.RightDockWidgetArea)
        self.equation_dock = self._dock("Equation", self.equations, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.inspector = NeuronInspector(session)
        self.inspector_dock = self._dock("Neuron", self.inspector, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.splitDockWidget(self.setup_dock, self.inspector_dock, Qt.Orientation.Vertical)
        self.debug = DebugPanel(session, plots=self.plots)
        self.debug_dock = self._dock("Debug", self.debug, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.tabifyDockWidget(self.inspector_dock, self.debug_dock)
        self.inspector_dock.raise_()
        self.controls.install_shortcuts(self)

        self.resizeDocks([self.setup_dock, self.plots_dock], [330, 440], Qt.Orientation.Horizontal)
        self.resizeDocks([self.equation_dock], [210], Qt.Orientation.Vertical)
        self.setup_panel.setMinimumWidth(300)
        self.plots.setMinimumWidth(360)

        self.status_label = QLabel()
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addWidget(self.status_label, 1)
        session.statusChanged.connect(self._on_status_changed)
        session.errorOccurred.connect(self._on_error)
        self.files = FileActions(self, session)
        self.recovery = Recovery(session, self) if recovery else None
        self._build_menus()
        self._on_status_changed(session.status())
        self.resize(1600, 1000)
        if remember_layout:
            self._restore_layout()

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{title.lower()}")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        return dock

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.files.populate(file_menu)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view = bar.addMenu("&View")
        fit = QAction("&Fit network in view", self)
        fit.setShortcut(QKeySequence("F"))
        fit.triggered.connect(self.network_view.fit)
        view.addAction(fit)
        view.addSeparator()
        for dock in (self.setup_dock, self.inspector_dock, self.debug_dock, self.plots_dock, self.equation_dock):
            view.addAction(dock.toggleViewAction())

        step = bar.addMenu("&Step")
        for action in self.controls.shortcut_actions():
            step.addAction(action)

        help_menu = bar.addMenu("&Help")
        keys = QAction("&Keyboard shortcuts", self)
        keys.triggered.connect(self._show_keys)
        help_menu.addAction(keys)
        about = QAction("&About visualbp", self)
        about.triggered.connect(self._show_about)
        help_menu.addAction(about)

    # ----------------------------------------------------------------- handlers
    def _on_status_changed(self, text: str) -> None:
        self.status_label.setText(text)

    def _on_error(self, text: str) -> None:
        self.status_label.setText(text)

    def _show_keys(self) -> None:
        QMessageBox.information(self, "Keyboard shortcuts", KEYS_HELP)

    def _show_about(self) -> None:
        QMessageBox.about(
            self, "About visualbp",
            f"<b>visualbp {visualbp.__version__}</b><br>Backpropagation, step by step, in the notation of "
            "Michael Nielsen's <i>Neural Networks and Deep Learning</i>, chapter 2.<br><br>"
            "Free software under the GNU GPL v3 or later. MNIST: LeCun, Cortes, Burges (CC BY-SA 3.0). "
            "8×8 digits: Alpaydin &amp; Kaynak, UCI (CC BY 4.0).",
        )

    # ----------------------------------------------------------------- layout memory
    def _restore_layout(self) -> None:
        settings = QSettings("visualbp", "visualbp")
        geometry = settings.value("window/geometry")
        state = settings.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.session.shutdown()
        if self.recovery is not None:
            self.recovery.discard()
            self.recovery.uninstall_excepthook()
        if self._remember:
            settings = QSettings("visualbp", "visualbp")
            settings.setValue("window/geometry", self.saveGeometry())
            settings.setValue("window/state", self.saveState())
        super().closeEvent(event)


KEYS_HELP = (
    "→  step forward          ←  step back\n"
    "Space  play / pause      R  reset to the initial weights\n"
    "Shift+R  new weights (new seed)\n"
    "1 2 3 4  step by layer / example / minibatch / epoch\n"
    "F  fit the network in the view\n"
    "Ctrl+Q  quit"
)
