"""The presenter's side of presentation mode: the blank screen (B, ., W) and the presenter view on the
laptop's screen — the narration script, the next step, the key map, the elapsed time and a picture of what the
projector shows."""

from __future__ import annotations

import weakref

from PyQt6.QtCore import QElapsedTimer, QEvent, Qt, QTimer
from PyQt6.QtGui import QColor, QPalette
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from visualbp.core.steps import EQUATION_OF
from visualbp.gui.notation import notation_html
from visualbp.gui.session import Granularity, Session

CLICKER_KEYS = (
    ("PageDown / →", "step forward"),
    ("PageUp / ←", "step back"),
    ("Home / R", "reset to the initial weights"),
    ("B or .", "blank the screen to black"),
    ("W", "blank the screen to white (any key returns)"),
    ("12 Enter", "go to step 12 (→ presses from the start)"),
    ("1 2 3 4", "step by layer / example / minibatch / epoch"),
    ("Space", "play / pause"),
    ("P / S", "show or hide the plots / the setup"),
    ("F11 or Esc", "leave presentation mode"),
)


def next_step_text(session: Session) -> str:
    """What the next → does, in words (HTML: the equation with its super- and subscripts), for the presenter
    view."""
    e = session.engine
    g = session.granularity
    if g is Granularity.EPOCH:
        return f"Epoch {e.epoch + 1}: all {e.batches_per_epoch} minibatches, then the validation cost"
    if g is Granularity.MINIBATCH:
        return (f"Minibatch {e.batch + 1} of {e.batches_per_epoch} (epoch {e.epoch + 1}): each example fed "
                "forward and back, then the update")
    kind, l, x = e.next_op
    if x is None:  # an update: no example of its own
        return f"{EQUATION_OF[kind].label} at layer l={l}:  {notation_html(EQUATION_OF[kind].value)}"
    if g is Granularity.EXAMPLE:
        return f"Example {x + 1} of minibatch {e.batch + 1}: feedforward, BP1–BP4"
    equation = EQUATION_OF[kind]
    return f"{equation.label} at layer l={l}, example {x + 1}:  {notation_html(equation.value)}"


class BlankScreen(QWidget):
    """A black or white sheet over the whole window (B, ., W); any key or click takes it away."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setAutoFillBackground(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.hide()

    def show_colour(self, colour: QColor) -> None:
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.Window, colour)
        self.setPalette(pal)
        self.cover()
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def colour(self) -> QColor | None:
        """The sheet's colour while blanked, None otherwise."""
        return self.palette().color(QPalette.ColorRole.Window) if self.isVisible() else None

    def cover(self) -> None:
        self.setGeometry(self.parentWidget().rect())

    def leave(self) -> None:
        if self.isVisible():
            self.hide()
            self.parentWidget().setFocus(Qt.FocusReason.OtherFocusReason)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:  # the key is the blank screen's, not a shortcut's
            event.accept()
            return True
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress):
            self.leave()
            return True
        return super().event(event)


class PresenterView(QWidget):
    """The laptop's screen while the projector shows the graph: the narration script, the next step, the key
    map and the elapsed time. It takes the same keys as the main window."""

    def __init__(self, window) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setWindowTitle("visualbp — presenter view")
        self.setObjectName("presenterView")
        self._window = weakref.ref(window)
        self.session: Session = window.session
        self.clock = QLabel()
        self.now_label = QLabel()
        self.script_label = QLabel()
        self.next_label = QLabel()
        self.keys_label = QLabel("<table>" + "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{v}</td></tr>"
                                                     for k, v in CLICKER_KEYS) + "</table>")
        # what the class sees, kept small: the projector's window as a picture, taken after each change
        self.projector_label = QLabel()
        self.projector_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.projector_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 16)
        outer.setSpacing(24)
        layout = QVBoxLayout()
        layout.setSpacing(12)
        side = QVBoxLayout()
        side.setSpacing(12)
        outer.addLayout(layout, 3)
        outer.addLayout(side, 2)
        for column, heading, label in ((layout, "Elapsed", self.clock), (layout, "Now", self.now_label),
                                       (layout, "Script", self.script_label), (layout, "Next →", self.next_label),
                                       (side, "On the projector", self.projector_label),
                                       (side, "Keys", self.keys_label)):
            title = QLabel(heading)
            title.setStyleSheet("color: #78909c; font-size: 11pt; font-weight: 600;")
            label.setWordWrap(True)
            column.addWidget(title)
            column.addWidget(label, 1 if label is self.projector_label else 0)
        layout.addStretch(1)  # the next step right under the script, where the eye goes after it
        self.clock.setStyleSheet("font-size: 28pt; font-weight: 600;")
        self.now_label.setStyleSheet("font-size: 13pt;")
        self.script_label.setStyleSheet("font-size: 18pt;")
        self.script_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.next_label.setStyleSheet("font-size: 15pt;")
        self.next_label.setTextFormat(Qt.TextFormat.RichText)
        self.keys_label.setStyleSheet("font-size: 11pt;")
        self.addActions(window.actions())  # the clicker works whichever window has the focus
        self._elapsed = QElapsedTimer()
        self._elapsed.start()
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._show_time)
        self._tick.start()
        self._shot = QTimer(self)  # the projector's picture: once the window has painted, at most ~8 a second
        self._shot.setSingleShot(True)
        self._shot.setInterval(120)
        self._shot.timeout.connect(self.show_projector)
        self.session.stepTaken.connect(self.refresh)
        self.session.steppedBack.connect(self.refresh)
        self.session.statusChanged.connect(self.refresh)
        self.session.networkChanged.connect(self.refresh)
        self.refresh()

    def refresh(self, *_args: object) -> None:
        self.now_label.setText(self.session.status())
        window = self._window()
        self.script_label.setText(window.equations.narration_text() if window is not None else "")
        self.next_label.setText(next_step_text(self.session))
        self._show_time()
        if not self._shot.isActive():  # while training runs, one picture a second: each costs the GUI ~10 ms
            self._shot.setInterval(1000 if self.session.running else 120)
            self._shot.start()

    def show_projector(self) -> None:
        """The projector's window, scaled into its place here (the blank screen too, while it is up)."""
        window = self._window()
        room = self.projector_label.size()
        if window is None or not self.isVisible() or room.width() < 40 or room.height() < 30:
            return
        picture = window.grab()
        self.projector_label.setPixmap(picture.scaled(room, Qt.AspectRatioMode.KeepAspectRatio,
                                                      Qt.TransformationMode.SmoothTransformation))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._shot.start()

    def elapsed_text(self) -> str:
        seconds = self._elapsed.elapsed() // 1000
        return f"{seconds // 60:d}:{seconds % 60:02d}"

    def _show_time(self) -> None:
        self.clock.setText(self.elapsed_text())

    def stop(self) -> None:
        self._tick.stop()
        self._shot.stop()
        for signal in (self.session.stepTaken, self.session.steppedBack, self.session.statusChanged,
                       self.session.networkChanged):
            try:
                signal.disconnect(self.refresh)
            except TypeError:
                pass
