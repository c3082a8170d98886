"""Crash recovery: autosave every few minutes and on every pause; an unhandled error shows a dialog
with the error and where the autosave is; the next launch offers to restore it.

The autosave lives in the user's data folder (``VISUALBP_DATA_DIR`` overrides it) and is
removed on a clean exit, so finding one at start-up means the last run did not end well.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

from PyQt6.QtCore import QObject, QStandardPaths, QTimer
from PyQt6.QtWidgets import QMessageBox, QWidget

from visualbp.gui.session import Session

AUTOSAVE_MINUTES = 3


def data_dir() -> Path:
    override = os.environ.get("VISUALBP_DATA_DIR")
    base = override or QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    path = Path(base or Path.home() / ".visualbp")
    path.mkdir(parents=True, exist_ok=True)
    return path


def autosave_path() -> Path:
    return data_dir() / "autosave.vbp"


class Recovery(QObject):
    """Autosaves ``session`` atomically and reports crashes in ``parent``."""

    @property
    def parent_widget(self) -> QWidget:
        """The window crashes are reported in: this object's Qt parent (no Python reference, so no cycle)."""
        return self.parent()

    def __init__(self, session: Session, parent: QWidget, interval_minutes: float = AUTOSAVE_MINUTES) -> None:
        super().__init__(parent)
        self.session = session
        self.path = autosave_path()
        self.last_error: str | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(int(interval_minutes * 60_000))
        self._timer.timeout.connect(self.autosave)
        self._timer.start()
        session.runningChanged.connect(self._on_running_changed)
        self._previous_hook = None

    def _on_running_changed(self, running: bool) -> None:
        if not running:
            self.autosave()

    def autosave(self) -> bool:
        """Write the autosave (atomically; an old one survives a failure). True on success."""
        from visualbp.core.sessionio import save_session

        try:
            snapshot = self.session.snapshot() if not self.session.running else None
            if snapshot is None:  # training: take the numbers between minibatches, never mid-update
                return False
            save_session(self.path, snapshot)
            return True
        except Exception as exc:  # an autosave must never take the app down
            self.last_error = f"autosave failed: {exc}"
            return False

    def discard(self) -> None:
        """A clean exit: nothing to recover next time."""
        self._timer.stop()
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass

    # ----------------------------------------------------------------- crashes
    def install_excepthook(self) -> None:
        self._previous_hook = sys.excepthook
        sys.excepthook = self.handle_exception

    def uninstall_excepthook(self) -> None:
        if self._previous_hook is not None:
            sys.excepthook = self._previous_hook
            self._previous_hook = None

    def handle_exception(self, kind, value, tb) -> None:
        """Show the error and where the work is, instead of vanishing."""
        text = "".join(traceback.format_exception(kind, value, tb))
        self.session.pause()
        saved = self.autosave()
        where = (f"Your session was saved to:\n{self.path}" if saved
                 else f"The session could not be autosaved ({self.last_error or 'unknown reason'}).")
        self.last_error = text
        print(text, file=sys.stderr)
        box = QMessageBox(QMessageBox.Icon.Critical, "visualbp hit an error",
                          f"Something went wrong: {value!r}\n\n{where}\n\nThe app is still running; "
                          "you can save your work or restart.", parent=self.parent_widget)
        box.setDetailedText(text)
        if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
            self.session.statusChanged.emit(f"Error: {value!r}. {where}")
            return
        box.exec()


def offer_restore(parent: QWidget, open_session) -> bool:
    """If the last run left an autosave, ask whether to restore it; True when restored."""
    path = autosave_path()
    if not path.exists():
        return False
    answer = QMessageBox.question(
        parent, "Restore the last session?",
        f"visualbp did not close cleanly last time. Restore the session it saved?\n\n{path}",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
    if answer == QMessageBox.StandardButton.Yes:
        return bool(open_session(str(path)))
    return False
