"""The main window: assembles the views around one Session and connects them. No logic of its own."""

from __future__ import annotations

from dataclasses import dataclass

from PyQt6.QtCore import QByteArray, QCoreApplication, QEvent, QSettings, Qt
from PyQt6.QtGui import QAction, QCloseEvent, QColor, QFont, QGuiApplication, QKeySequence, QPalette
from PyQt6.QtWidgets import QApplication, QDockWidget, QLabel, QMainWindow, QMessageBox, QVBoxLayout, QWidget

import visualbp
from visualbp.gui import theme
from visualbp.gui.controls import ControlsBar
from visualbp.gui.debug_panel import DebugPanel
from visualbp.gui.equation_panel import EquationPanel
from visualbp.gui.files import FileActions
from visualbp.gui.inspector import NeuronInspector
from visualbp.gui.recovery import Recovery
from visualbp.gui.network_view import NetworkView
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

        self._presentation: _Saved | None = None  # what presentation mode changed, to put back
        self._dark_style: _DarkStyle | None = None
        self._dock_sizes_pending = False
        self.status_label = QLabel()
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addWidget(self.status_label, 1)
        session.statusChanged.connect(self._on_status_changed)
        session.errorOccurred.connect(self._on_error)
        session.breakpointHit.connect(self._on_breakpoint_hit)
        self.files = FileActions(self, session)
        self.recovery = Recovery(session, self) if recovery else None
        self._build_menus()
        from visualbp.gui.teach import install as install_teach  # the Teach menu and its docks
        self.teach = install_teach(self)
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
        view.addSeparator()
        self.presentation_action = QAction("&Presentation mode", self)
        self.presentation_action.setCheckable(True)
        self.presentation_action.setShortcut(QKeySequence("F11"))
        self.presentation_action.setToolTip("Full screen, large type and thick lines for a projector (F11; Esc leaves)")
        self.presentation_action.triggered.connect(self._on_presentation_action)
        self.dark_action = QAction("&Dark presentation theme", self)
        self.dark_action.setCheckable(True)
        self.dark_action.setShortcuts([QKeySequence("Shift+F11"), QKeySequence("Ctrl+Shift+D")])
        self.dark_action.setToolTip("Presentation mode in light text on a dark background (Shift+F11)")
        self.dark_action.triggered.connect(self._on_dark_action)
        self.leave_presentation_action = QAction("Leave presentation mode", self)
        self.leave_presentation_action.setShortcut(QKeySequence("Esc"))
        self.leave_presentation_action.setEnabled(False)  # Esc is free for everything else outside it
        self.leave_presentation_action.triggered.connect(self._leave_presentation)
        presentation = (self.presentation_action, self.dark_action, self.leave_presentation_action)
        for action in presentation:
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            view.addAction(action)
        self.addActions(presentation)  # the keys work even with the menu bar hidden

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

    # ----------------------------------------------------------------- presentation mode
    def is_presenting(self) -> bool:
        return self._presentation is not None

    def is_dark(self) -> bool:
        """True while presentation mode shows the dark theme."""
        return self._presentation is not None and theme.current() is theme.DARK

    # The actions' slots are bound methods (PyQt holds them weakly), not lambdas over self: a lambda would make
    # a reference cycle that lets the garbage collector delete a dropped window at any moment, even mid-paint.
    def _on_presentation_action(self, on: bool) -> None:
        self.set_presentation(on, self.is_dark())

    def _on_dark_action(self, on: bool) -> None:
        self.set_presentation(True, on)

    def _leave_presentation(self) -> None:
        self.set_presentation(False)

    def set_presentation(self, on: bool, dark: bool = False) -> None:
        """Presentation mode for a lecture hall: full screen, the projector theme (or the dark one with
        ``dark``), large type, thick lines and big step buttons; the setup, neuron and debug docks fold away
        and the equation panel grows, its narration (the lecturer's script) set off in large bold type.
        The keys keep driving everything (→ ← Space R 1–4; F11 toggles, Shift+F11 dark, Esc leaves).

        Off puts back exactly what it changed: the theme, the application's font, palette and style, the
        docks (visibility, places and sizes) and the window state."""
        app = QApplication.instance()
        if not on:
            self._end_presentation()
            return
        entering = self._presentation is None
        if entering:
            self._presentation = _Saved(theme=theme.current(), font=QFont(app.font()),
                                        dock_state=self.saveState(), window_state=self.windowState(),
                                        corner=self.corner(Qt.Corner.BottomRightCorner))
        target = theme.DARK if dark else theme.PROJECTOR
        base = self._presentation.font
        font = QFont(base)
        factor = target.font_pt / theme.LIGHT.font_pt
        if base.pointSizeF() > 0:
            font.setPointSizeF(round(base.pointSizeF() * factor, 1))
        else:
            font.setPixelSize(round(base.pixelSize() * factor))
        self._set_dark_style(dark)  # the palette and the font first: the views read them as they re-style
        _set_app_font(font)
        theme.apply(target)
        if entering:
            for dock in (self.setup_dock, self.inspector_dock, self.debug_dock):
                dock.hide()
            self.plots_dock.show()
            self.equation_dock.show()
            # the plots take the full height on the right; the equation spans the graph's width below it
            self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
            self._dock_sizes_pending = True
            if _can_go_full_screen():
                self.setWindowState(self.windowState() | Qt.WindowState.WindowFullScreen)
        self._size_presentation_docks()
        self._sync_presentation_actions()

    def _end_presentation(self) -> None:
        saved = self._presentation
        if saved is None:
            return
        self._presentation = None
        self._set_dark_style(False)
        _set_app_font(saved.font)
        theme.apply(saved.theme)
        self.setCorner(Qt.Corner.BottomRightCorner, saved.corner)
        self.restoreState(saved.dock_state)
        if _can_go_full_screen():
            self.setWindowState(saved.window_state)
        self._sync_presentation_actions()

    def _size_presentation_docks(self) -> None:
        """The equation panel a third of the height, the plots 28 % of the width (again once the window
        has its full-screen size)."""
        if self._presentation is None or not self.isVisible():
            return
        self.resizeDocks([self.equation_dock], [round(self.height() * 0.33)], Qt.Orientation.Vertical)
        self.resizeDocks([self.plots_dock], [round(self.width() * 0.28)], Qt.Orientation.Horizontal)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        if self._dock_sizes_pending:  # turned on before the window was shown (visualbp --lecture)
            self._size_presentation_docks()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if self._presentation is not None and self._dock_sizes_pending and self.isVisible():
            self._dock_sizes_pending = False  # the first resize is going full screen; later ones are the user's
            self._size_presentation_docks()

    def _set_dark_style(self, dark: bool) -> None:
        """The application's palette dark (Fusion style, which follows it everywhere) or back as it was."""
        app = QApplication.instance()
        if dark and self._dark_style is None:
            self._dark_style = _DarkStyle(palette=QPalette(app.palette()), style=app.style().name())
            if self._dark_style.style.lower() != "fusion":
                app.setStyle("Fusion")
            app.setPalette(dark_palette(theme.DARK))
        elif not dark and self._dark_style is not None:
            saved, self._dark_style = self._dark_style, None
            if saved.style.lower() != "fusion":
                app.setStyle(saved.style)
            app.setPalette(saved.palette)

    def _sync_presentation_actions(self) -> None:
        on = self._presentation is not None
        for action, checked in ((self.presentation_action, on), (self.dark_action, self.is_dark())):
            action.blockSignals(True)
            action.setChecked(checked)
            action.blockSignals(False)
        self.leave_presentation_action.setEnabled(on)

    # ----------------------------------------------------------------- handlers
    def _on_status_changed(self, text: str) -> None:
        self.status_label.setText(text)

    def _on_breakpoint_hit(self, text: str) -> None:
        """Show the Debug dock, where the breakpoint that fired is highlighted."""
        if self.debug_dock.isVisible() or not self.debug_dock.isHidden():
            self.debug_dock.raise_()

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
        self._end_presentation()  # the application's font, palette and theme back; the layout saved as it was
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
    "F11  presentation mode   Shift+F11  its dark theme   Esc  leave it\n"
    "Ctrl+Q  quit"
)


@dataclass
class _Saved:
    """What presentation mode changes, as it was before."""

    theme: theme.Theme
    font: QFont
    dock_state: QByteArray
    window_state: Qt.WindowState
    corner: Qt.DockWidgetArea


@dataclass
class _DarkStyle:
    """The application's palette and style before the dark theme replaced them."""

    palette: QPalette
    style: str


def _set_app_font(font: QFont) -> None:
    """The application's font, passed on to every widget at once. Qt passes it on by itself only once the
    event loop runs (``exec``), and a widget with a style sheet keeps the font it had when last polished."""
    QApplication.setFont(font)
    for widget in QApplication.topLevelWidgets():
        QCoreApplication.sendEvent(widget, QEvent(QEvent.Type.ApplicationFontChange))
    for widget in QApplication.allWidgets():  # Qt skips a styled widget whose parent has no style sheet
        if widget.testAttribute(Qt.WidgetAttribute.WA_StyleSheet):
            widget.style().polish(widget)


def _can_go_full_screen() -> bool:
    """Not on the offscreen platform (tests, screenshots): there the window keeps its size."""
    return QGuiApplication.platformName() != "offscreen"


def dark_palette(t: theme.Theme) -> QPalette:
    """An application palette in the dark theme's colours: dark window and fields, light text."""
    pal = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    text, muted = QColor(t.text), QColor(t.muted)
    accent = QColor(*t.positive)
    for r, c in ((role.Window, QColor(t.panel)), (role.WindowText, text), (role.Base, QColor(t.background)),
                 (role.AlternateBase, QColor(t.panel)), (role.ToolTipBase, QColor(t.panel)),
                 (role.ToolTipText, text), (role.PlaceholderText, muted), (role.Text, text),
                 (role.Button, QColor(t.grid)), (role.ButtonText, text), (role.BrightText, QColor("#ff6e6e")),
                 (role.Link, accent), (role.Highlight, accent), (role.HighlightedText, QColor(t.background)),
                 (role.Light, QColor(t.grid).lighter(130)), (role.Midlight, QColor(t.grid)),
                 (role.Mid, QColor(t.panel)), (role.Dark, QColor(t.background).darker(130)),
                 (role.Shadow, QColor("#000000"))):
        pal.setColor(r, c)
    for r in (role.WindowText, role.Text, role.ButtonText):
        pal.setColor(group.Disabled, r, QColor(t.muted).darker(140))
    return pal
