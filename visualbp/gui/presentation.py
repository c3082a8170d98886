"""Presentation mode: the network and the equation, for a lecture hall.

F11 (or ``visualbp --lecture``) turns it on: full screen (or the whole available screen where the platform
cannot go full screen), the projector theme with its type sized to the screen — every text, the controls' and
the status line's too, at least 1/50 of the screen's height — the graph above and the equation with its numbers
and the narration below (beside the math on a wide screen; cut at a line's end where it does not fit, see
equation_fit). A lesson's Teach panel shares that bottom strip, so the graph keeps the whole width and half of
the screen; there it is fitted, never scrolled (nobody scrolls in front of a class): whole lines only, the parts
that do not fit given up least important first, one hover away under "more ▾" (strip_fit). The status line
gives way from its least important end, whole in its tooltip (status_line). Setup (S) and the plots (P) are
one key away; Esc or F11 leaves and puts back exactly what it changed.

A presenter's clicker drives it: PageDown / PageUp step forward / back, Home resets, B or . blanks the
screen to black and W to white (any key brings it back), and a number then Enter goes to that step (the
number of → presses from the start, at the current granularity). With a second screen the window moves to
the projector and the presenter view — the narration script, the next step, the key map and the elapsed
time — opens on the laptop's screen.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass

from PyQt6.QtCore import QByteArray, QCoreApplication, QEvent, QObject, QRect, Qt, QTimer
from PyQt6.QtGui import QAction, QColor, QFont, QGuiApplication, QKeySequence, QPalette, QScreen
from PyQt6.QtWidgets import QApplication, QDockWidget, QMenu, QWidget

from visualbp.gui import theme
from visualbp.gui.presenter_view import BlankScreen, PresenterView
from visualbp.gui.qt_helpers import present
from visualbp.gui.session import Granularity, Session

#: Share of the window's height the equation panel takes in presentation mode.
EQUATION_SHARE = 0.35
#: Share of the width the plots (P) or the setup (S) take when shown in presentation mode.
SIDE_SHARE = 0.28
#: Share of the width a Teach panel takes beside the equation panel in presentation mode (the code asks its own).
TEACH_SHARE = 0.42
#: Share of the theme's type growth the application's font (controls, status line) takes in presentation mode.
APP_FONT_GROWTH = 0.6
#: How long a typed step number waits for its Enter.
NUMBER_TIMEOUT_MS = 4000
#: Below this window height (logical px: 1920×1080 at 200 %, 1280×720 at 125 %) presentation mode shows the
#: status line only while it says something the equation panel does not (a typed step number, a breakpoint,
#: divergence): its line goes to the graph, which then keeps half of the screen.
SHORT_HEIGHT = 600
#: Statuses worth the status line even on a short screen (the equation panel does not say them).
_URGENT = ("Breakpoint", "Diverged", "Saved", "Opened")

@dataclass
class _Saved:
    """What presentation mode changes, as it was before."""

    theme: theme.Theme
    font: QFont
    dock_state: QByteArray
    window_state: Qt.WindowState
    geometry: QByteArray  # saveGeometry: the normal geometry, the screen, maximised or not
    rect: QRect  # the geometry exactly (restoreGeometry moves a window that does not fit its screen)
    corners: tuple[Qt.DockWidgetArea, Qt.DockWidgetArea]
    menu_bar: bool
    status_bar: bool
    animated: bool
    screen: QScreen | None
    equation_title: QWidget | None


@dataclass
class _DarkStyle:
    """The application's palette and style before the dark theme replaced them."""

    palette: QPalette
    style: str


class Presentation(QObject):
    """Presentation mode of one MainWindow: its actions, the layout, the screen-fitted type, the clicker keys,
    the blank screen and the presenter view."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self._window = weakref.ref(window)  # the window owns this object: no reference cycle back to it
        self._saved: _Saved | None = None
        self._dark: _DarkStyle | None = None
        self._base = theme.PROJECTOR  # the theme presentation mode fits to the screen
        self._sizes_pending = False
        self._number = ""
        self._granularity_before: Granularity | None = None
        self._number_timer = QTimer(self)
        self._number_timer.setSingleShot(True)
        self._number_timer.setInterval(NUMBER_TIMEOUT_MS)
        self._number_timer.timeout.connect(self._forget_number)
        self.blank = BlankScreen(window)
        self.presenter: PresenterView | None = None

        def action(text: str, keys: list[str], slot, checkable: bool = False) -> QAction:
            act = QAction(text, window)
            act.setShortcuts([QKeySequence(k) for k in keys])
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.setCheckable(checkable)
            act.triggered.connect(slot)
            window.addAction(act)  # the keys work with the menu bar hidden
            return act

        self.toggle_action = action("&Presentation mode", ["F11"], self._on_toggle, checkable=True)
        self.toggle_action.setToolTip("Full screen: the network and the equation in large type, for a projector "
                                      "(F11; Esc leaves)")
        self.dark_action = action("&Dark presentation theme", ["Shift+F11", "Ctrl+Shift+D"], self._on_dark,
                                  checkable=True)
        self.dark_action.setToolTip("Presentation mode in light text on a dark background (Shift+F11)")
        self.leave_action = action("Leave presentation mode", ["Esc"], self.end)
        # the clicker's keys, live only in presentation mode (Esc, PageUp… are free for everything else outside)
        controls = window.controls
        self.clicker_actions = [
            action("Step forward (clicker)", ["PgDown"], controls.step_action.trigger),
            action("Step back (clicker)", ["PgUp"], controls.back_action.trigger),
            action("Reset (clicker)", ["Home"], controls.reset_action.trigger),
            action("Blank to black", ["B", "."], self.blank_black),
            action("Blank to white", ["W"], self.blank_white),
            action("Go to the typed step", ["Return", "Enter"], self.go_to_typed_step),
            action("Show or hide the plots", ["P"], self.toggle_plots),
            action("Show or hide the setup", ["S"], self.toggle_setup),
        ]
        for digit in range(10):
            act = action(f"Step number digit {digit}", [str(digit)], self._on_digit)
            act.setData(digit)
            self.clicker_actions.append(act)
        self.leave_action.setEnabled(False)
        for act in self.clicker_actions:
            act.setEnabled(False)

    @property
    def window(self):
        return self._window()

    def populate(self, menu: QMenu) -> None:
        for act in (self.toggle_action, self.dark_action, self.leave_action):
            menu.addAction(act)

    # ----------------------------------------------------------------- state
    def active(self) -> bool:
        return self._saved is not None

    def dark(self) -> bool:
        return self._saved is not None and self._base is theme.DARK

    # The actions' slots are bound methods (PyQt holds them weakly), not lambdas over the window: a lambda
    # would make a reference cycle that lets the garbage collector delete a dropped window mid-paint.
    def _on_toggle(self, on: bool) -> None:
        self.set(on, self.dark())

    def _on_dark(self, on: bool) -> None:
        self.set(True, on)

    def set(self, on: bool, dark: bool = False) -> None:
        """On: the projector theme (or the dark one) with type fitted to the screen, full screen, only the
        graph, the step controls and the equation panel (its narration — the lecturer's script — large and
        bold). Off puts back exactly what it changed: the theme, the application's font, palette and style, the
        docks (visibility, places and sizes), the menu bar, the window's state, size and screen."""
        if not on:
            self.end()
            return
        w = self.window
        app = QApplication.instance()
        entering = self._saved is None
        if entering:
            handle = w.windowHandle()
            self._saved = _Saved(theme=theme.current(), font=QFont(app.font()), dock_state=w.saveState(),
                                 window_state=w.windowState(), geometry=w.saveGeometry(), rect=w.geometry(),
                                 corners=(w.corner(Qt.Corner.BottomLeftCorner), w.corner(Qt.Corner.BottomRightCorner)),
                                 menu_bar=w.menuBar().isVisibleTo(w), status_bar=w.statusBar().isVisibleTo(w),
                                 animated=w.animate_action.isChecked(),
                                 screen=handle.screen() if handle else None,
                                 equation_title=w.equation_dock.titleBarWidget())
        self._base = theme.DARK if dark else theme.PROJECTOR
        self._set_dark_style(dark)  # the palette first: the views read it as they re-style
        self._fit_type(force=True)
        if entering:
            for dock in (w.setup_dock, w.inspector_dock, w.debug_dock, w.plots_dock):
                dock.hide()
            w.equation_dock.show()
            w.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.BottomDockWidgetArea)
            w.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.BottomDockWidgetArea)
            w.menuBar().hide()  # the keys and the View menu's actions stay on the window
            w.equation_dock.setTitleBarWidget(QWidget())  # no title bar: its height goes to the graph
            w.controls.set_digit_keys(False)  # digits type a step number here (and still set the granularity)
            for act in self.clicker_actions:
                act.setEnabled(True)
            self._sizes_pending = True
            w.session.statusChanged.connect(self._sync_status_bar)
            w.animate_action.setChecked(True)  # steps animate on the projector (A turns it off)
            for dock in _teach_docks(w):
                dock.visibilityChanged.connect(self._on_teach_shown)
                dock.topLevelChanged.connect(self._on_teach_shown)  # floated: it scrolls; docked: fitted again
            self._open_presenter_view()
            self._fill_screen()
        self._size_docks()
        self._sync_actions()

    def end(self) -> None:
        saved = self._saved
        if saved is None:
            return
        w = self.window
        self._forget_number()
        self.blank.leave()
        self._close_presenter_view()
        for act in self.clicker_actions:
            act.setEnabled(False)
        w.controls.set_digit_keys(True)
        w.session.statusChanged.disconnect(self._sync_status_bar)
        for dock in _teach_docks(w):
            dock.visibilityChanged.disconnect(self._on_teach_shown)
            dock.topLevelChanged.disconnect(self._on_teach_shown)
        teach = getattr(w, "teach", None)
        for name in (teach.docks if teach is not None else ()):  # the panels scroll again
            teach.set_strip(name, False)
        w.statusBar().setVisible(saved.status_bar)
        w.animate_action.setChecked(saved.animated)
        self._saved = None
        self._set_dark_style(False)
        _set_app_font(saved.font)
        theme.apply(saved.theme)
        w.setCorner(Qt.Corner.BottomLeftCorner, saved.corners[0])
        w.setCorner(Qt.Corner.BottomRightCorner, saved.corners[1])
        w.menuBar().setVisible(saved.menu_bar)
        placeholder = w.equation_dock.titleBarWidget()
        w.equation_dock.setTitleBarWidget(saved.equation_title)
        if placeholder is not None and placeholder is not saved.equation_title:
            placeholder.deleteLater()
        w.setWindowState(Qt.WindowState.WindowNoState)
        handle = w.windowHandle()
        if saved.screen is not None and handle is not None and handle.screen() is not saved.screen:
            handle.setScreen(saved.screen)  # back from the projector
        w.restoreGeometry(saved.geometry)
        if saved.window_state & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen):
            w.setWindowState(saved.window_state)
        else:
            w.setGeometry(saved.rect)
        w.restoreState(saved.dock_state)  # at the window's own size, so every dock gets its own size back
        self._sync_actions()

    # ----------------------------------------------------------------- screen and type
    def _projector(self) -> QScreen:
        """The screen the window presents on: with several, one that is not the laptop's (the primary)."""
        screens = QGuiApplication.screens()
        primary = QGuiApplication.primaryScreen()
        others = [s for s in screens if s is not primary]
        return others[0] if others else present(self.window.screen() or primary, "screen")

    def _fill_screen(self) -> None:
        """Full screen on the projector; where the platform cannot (offscreen), its whole available area."""
        w = self.window
        screen = self._projector()
        w.setWindowState(w.windowState() & ~(Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen))
        if w.windowHandle() is not None and w.windowHandle().screen() is not screen:
            w.setGeometry(screen.availableGeometry())  # moved onto the projector first, then filling it
            w.windowHandle().setScreen(screen)
        if QGuiApplication.platformName() != "offscreen":
            w.setWindowState(w.windowState() | Qt.WindowState.WindowFullScreen)
        else:
            w.setWindowState(w.windowState() | Qt.WindowState.WindowMaximized)

    def _fit_type(self, force: bool = False) -> None:
        """The theme's type fitted to the window's height (the screen's, full screen): the smallest text
        1/50 of it. Applied again when the height changes (a screenshot at another --size, another screen)."""
        w = self.window
        screen = w.screen() or QGuiApplication.primaryScreen()
        target = theme.fitted(self._base, w.height(), screen.logicalDotsPerInchY())
        current = theme.current()
        if not force and current.name == target.name and abs(current.font_pt - target.font_pt) < 0.3:
            return
        _set_app_font(app_font(self._saved.font, target, w.height(), screen.logicalDotsPerInchY()))
        theme.apply(target)

    def _size_docks(self) -> None:
        """The equation panel a third of the height, beside it a Teach panel a lesson opened; the plots or the
        setup, when shown, a side strip."""
        w = self.window
        if self._saved is None or not w.isVisible():
            return
        self._sync_status_bar()
        # 4:3 wraps the text more (a point, not two: the controls' words at the hall's floor take a pixel more)
        share = EQUATION_SHARE + (0.01 if w.width() < 1.5 * w.height() else 0.0)
        w.resizeDocks([w.equation_dock], [round(w.height() * share)], Qt.Orientation.Vertical)
        shown = [d for d in (w.setup_dock, w.plots_dock) if d.isVisible()]
        if shown:
            w.resizeDocks(shown, [round(w.width() * SIDE_SHARE)] * len(shown), Qt.Orientation.Horizontal)
        teach = getattr(w, "teach", None)
        opened = [(n, d) for n, d in (teach.docks.items() if teach is not None else ())
                  if d.isVisible() and not d.isFloating()]
        if opened:  # a Teach panel (a lesson's) beside the equation: the graph keeps the whole width above them
            bottom = Qt.DockWidgetArea.BottomDockWidgetArea
            name, first = opened[0]
            if w.dockWidgetArea(first) != bottom or w.tabifiedDockWidgets(first):
                w.splitDockWidget(w.equation_dock, first, Qt.Orientation.Horizontal)
            for _name, dock in opened[1:]:
                if w.dockWidgetArea(dock) != bottom:
                    w.tabifyDockWidget(first, dock)
            asked = teach.strip_width(name, w.width()) or round(w.width() * TEACH_SHARE)
            least = teach.panels[name].minimumSizeHint().width() + 24  # and its scroll bar: no line cut at the right
            width = min(max(asked, least), w.width() // 2)
            w.resizeDocks([w.equation_dock, first], [w.width() - width, width], Qt.Orientation.Horizontal)
        for name, dock in (teach.docks.items() if teach is not None else ()):  # no scrolling in the strip
            teach.set_strip(name, dock.isVisible() and not dock.isFloating()
                            and w.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea)

    def _on_teach_shown(self, visible: bool) -> None:
        if visible and self._saved is not None:
            QTimer.singleShot(0, self._size_docks)  # once Teach has shown it where it shows panels

    def _sync_status_bar(self, status: str | None = None) -> None:
        """On a short screen the status line shows only while it says what the equation panel does not."""
        w = self.window
        if self._saved is None:
            return
        said = status if isinstance(status, str) else w.session.status()
        urgent = bool(self._number) or said.startswith(_URGENT)
        w.statusBar().setVisible(self._saved.status_bar and (w.height() >= SHORT_HEIGHT or urgent))

    def window_shown(self) -> None:
        if self._sizes_pending:  # turned on before the window was shown (visualbp --lecture)
            self._fit_type()
            self._size_docks()

    def window_resized(self) -> None:
        if self._saved is None or not self.window.isVisible():
            return
        self._fit_type()
        self._size_docks()
        self._sizes_pending = False
        self.blank.cover()

    def _set_dark_style(self, dark: bool) -> None:
        """The application's palette dark (Fusion style, which follows it everywhere) or back as it was."""
        app = QApplication.instance()
        if dark and self._dark is None:
            self._dark = _DarkStyle(palette=QPalette(app.palette()), style=app.style().name())
            if self._dark.style.lower() != "fusion":
                app.setStyle("Fusion")
            app.setPalette(dark_palette(theme.DARK))
        elif not dark and self._dark is not None:
            saved, self._dark = self._dark, None
            if saved.style.lower() != "fusion":
                app.setStyle(saved.style)
            app.setPalette(saved.palette)

    def _sync_actions(self) -> None:
        on = self._saved is not None
        for act, checked in ((self.toggle_action, on), (self.dark_action, self.dark())):
            act.blockSignals(True)
            act.setChecked(checked)
            act.blockSignals(False)
        self.leave_action.setEnabled(on)

    # ----------------------------------------------------------------- the clicker
    def toggle_plots(self) -> None:
        self._toggle(self.window.plots_dock, Qt.DockWidgetArea.RightDockWidgetArea)

    def toggle_setup(self) -> None:
        self._toggle(self.window.setup_dock, Qt.DockWidgetArea.LeftDockWidgetArea)

    def _toggle(self, dock: QDockWidget, area: Qt.DockWidgetArea) -> None:
        w = self.window
        if dock.isVisible():
            dock.hide()
            return
        if w.dockWidgetArea(dock) != area or w.tabifiedDockWidgets(dock):
            w.removeDockWidget(dock)
            w.addDockWidget(area, dock)
        dock.show()
        self._size_docks()

    def blank_black(self) -> None:
        self.blank.show_colour(QColor("#000000"))

    def blank_white(self) -> None:
        self.blank.show_colour(QColor("#ffffff"))

    def _on_digit(self) -> None:
        act = self.sender()
        digit = int(act.data()) if isinstance(act, QAction) else 0
        session: Session = self.window.session
        if not self._number:
            self._granularity_before = session.granularity
        self._number = (self._number + str(digit))[-6:]
        if 1 <= digit <= 4:  # 1–4 still choose what a step is; Enter puts back the choice before the number
            self.window.controls.granularity_actions[list(Granularity)[digit - 1]].trigger()
        self._sync_status_bar()
        self.window.statusBar().showMessage(f"Go to step {int(self._number)}: press Enter")
        self._number_timer.start()

    def go_to_typed_step(self) -> None:
        """Enter after a number: reset and take that many steps at the granularity chosen before the number
        was typed (what as many → presses from the start show)."""
        if not self._number:
            return
        target = int(self._number)
        before = self._granularity_before
        self._forget_number()
        session: Session = self.window.session
        if before is not None and session.granularity is not before:
            session.set_granularity(before)
            self.window.controls.sync_from_session()
        go_to_step(session, target)

    def _forget_number(self) -> None:
        self._number_timer.stop()
        if self._number:
            self.window.statusBar().clearMessage()
        self._number = ""
        self._granularity_before = None
        self._sync_status_bar()

    # ----------------------------------------------------------------- presenter view
    def _open_presenter_view(self) -> None:
        screens = QGuiApplication.screens()
        if len(screens) < 2:
            return
        projector = self._projector()
        laptop = next(s for s in screens if s is not projector)
        self.presenter = PresenterView(self.window)
        self.presenter.setGeometry(laptop.availableGeometry())  # on the laptop's screen, then filling it
        self.presenter.showMaximized()

    def _close_presenter_view(self) -> None:
        if self.presenter is not None:
            self.presenter.stop()
            self.presenter.close()
            self.presenter.deleteLater()
            self.presenter = None


def _teach_docks(window) -> list[QDockWidget]:
    teach = getattr(window, "teach", None)
    return list(teach.docks.values()) if teach is not None else []


def app_font_factor(t: theme.Theme) -> float:
    """How much larger the application's font (buttons, status line, toolbars) is in presentation mode:
    APP_FONT_GROWTH of the theme's growth — the audience reads the graph and the equation, which grow fully;
    the lecturer's controls need less, and give their height to the graph."""
    return 1.0 + APP_FONT_GROWTH * (t.font_pt / theme.LIGHT.font_pt - 1.0)


def app_font(font: QFont, t: theme.Theme, height_px: float, dpi: float = 96.0) -> QFont:
    """The application's ``font`` in presentation mode (theme ``t`` on a screen ``height_px`` tall): grown by
    ``app_font_factor``, and never below 1/50 of the height (theme.floor_px) — the controls' and the status
    line's words are read from the back of the hall too."""
    out = QFont(font)
    floor = theme.floor_px(height_px)
    if font.pointSizeF() > 0:
        floor_pt = math.ceil(floor * 72.0 / dpi * 10 - 1e-6) / 10  # rounded up: QFontInfo rounds to whole pixels
        out.setPointSizeF(max(round(font.pointSizeF() * app_font_factor(t), 1), floor_pt))
    else:
        out.setPixelSize(max(round(font.pixelSize() * app_font_factor(t)), floor))
    return out


def go_to_step(session: Session, n: int) -> None:
    """Reset, then ``n`` steps at the current granularity (what n presses of → from the start show)."""
    session.reset()
    for _ in range(n):
        if session.step() is None and session.engine.divergence is not None:
            break


def _set_app_font(font: QFont) -> None:
    """The application's font, passed on to every widget at once. Qt passes it on by itself only once the
    event loop runs (``exec``), and a widget with a style sheet keeps the font it had when last polished."""
    QApplication.setFont(font)
    for widget in QApplication.topLevelWidgets():
        QCoreApplication.sendEvent(widget, QEvent(QEvent.Type.ApplicationFontChange))
    for widget in QApplication.allWidgets():  # Qt skips a styled widget whose parent has no style sheet
        if widget.testAttribute(Qt.WidgetAttribute.WA_StyleSheet):
            widget.style().polish(widget)


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
