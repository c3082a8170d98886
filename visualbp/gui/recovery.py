"""Crash recovery: an autosave every minute — during live training too — and on every pause; an unhandled
error shows a dialog with the error and where the autosave is; the next launch offers it back, once.

Each running instance has its own autosave (``visualbp.gui.instances``): a second window never calls a live
one crashed and never deletes its file. The autosave lives in the user's data folder (``VISUALBP_DATA_DIR``
overrides it) and is removed on a clean exit; one ended by SIGINT or SIGTERM keeps it, to be offered back.

While the worker trains, the snapshot is taken between two minibatches (``Session.request_snapshot``) and
written by a thread of its own, atomically: a kill -9 at any moment loses at most one interval of work.
An unwritable data folder turns autosave off; the app runs and says why when it would have saved.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
import weakref
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from PyQt6.QtCore import QObject, QStandardPaths, QTimer, pyqtSignal
from PyQt6.QtWidgets import QMessageBox, QWidget

from visualbp.core.sessionio import SavedSession, save_session
from visualbp.gui import instances
from visualbp.gui.session import Session

#: How often the session is autosaved, training or not (and on every pause). ``VISUALBP_AUTOSAVE_SECONDS``
#: overrides it (the tests use a second).
AUTOSAVE_MINUTES = 1.0
#: How long a synchronous save (an unhandled error, a signal) may wait for the writer.
SAVE_NOW_SECONDS = 30.0


def data_dir() -> Path:
    """The folder autosaves live in, made if missing; OSError (naming it) when it cannot be."""
    override = os.environ.get("VISUALBP_DATA_DIR")
    base = override or QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    path = Path(base or Path.home() / ".visualbp")
    path.mkdir(parents=True, exist_ok=True)
    return path


_latest: dict[Path, Path] = {}  # data folder → the autosave of the newest Recovery this process made there


def autosave_path() -> Path:
    """This process's autosave in the current data folder (the newest window's)."""
    data = data_dir()
    return _latest.get(data, data / instances.INSTANCES / str(os.getpid()) / instances.AUTOSAVE)


def interval_seconds() -> float:
    try:
        seconds = float(os.environ.get("VISUALBP_AUTOSAVE_SECONDS", ""))
    except ValueError:
        seconds = AUTOSAVE_MINUTES * 60
    return min(max(seconds, 0.1), 24 * 3600.0)


class _Ticket:
    """One requested write: done when this snapshot, or a newer one that replaced it, has been written."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.error: str | None = None


class _WriterSignals(QObject):
    written = pyqtSignal(str)  # '' on success, else what went wrong


class _Writer:
    """A thread of its own that writes autosaves atomically; a snapshot still waiting when a newer one comes
    is replaced by it. Holds no reference to the window (no cycle)."""

    def __init__(self) -> None:
        self.signals = _WriterSignals()
        self._cond = threading.Condition()
        self._pending: tuple[Path, SavedSession, list[_Ticket]] | None = None
        self._busy = False
        self._stopped = False
        self._thread: threading.Thread | None = None

    def put(self, path: Path, snapshot: SavedSession) -> _Ticket:
        """Queue ``snapshot`` for ``path`` (any thread)."""
        ticket = _Ticket()
        with self._cond:
            if self._stopped:
                ticket.error = "visualbp is closing"
                ticket.done.set()
                return ticket
            tickets = self._pending[2] if self._pending else []
            self._pending = (path, snapshot, tickets + [ticket])
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="visualbp-autosave", daemon=True)
                self._thread.start()
            self._cond.notify_all()
        return ticket

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._pending is None and not self._stopped:
                    self._cond.wait()
                if self._pending is None:
                    return
                (path, snapshot, tickets), self._pending = self._pending, None
                self._busy = True
            error = None
            try:
                save_session(path, snapshot)
            except Exception as exc:  # a full disk, a removed folder: said in the window, never fatal
                error = f"{path}: {getattr(exc, 'strerror', None) or exc}"
            with self._cond:
                self._busy = False
                self._cond.notify_all()
            for ticket in tickets:
                ticket.error = error
                ticket.done.set()
            try:
                self.signals.written.emit(error or "")
            except RuntimeError:  # the window is gone
                pass

    def stop(self, timeout: float = 5.0) -> None:
        """Drop what waits, let a write under way finish (up to ``timeout``), end the thread."""
        with self._cond:
            self._stopped = True
            if self._pending is not None:
                for ticket in self._pending[2]:
                    ticket.error = "visualbp is closing"
                    ticket.done.set()
                self._pending = None
            self._cond.notify_all()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)


class Recovery(QObject):
    """Autosaves ``session`` (its own instance's file) and reports crashes in ``parent``."""

    @property
    def parent_widget(self) -> QWidget:
        """The window crashes are reported in: this object's Qt parent (no Python reference, so no cycle)."""
        parent = self.parent()
        if not isinstance(parent, QWidget):
            raise RuntimeError("the recovery has no window to report in")
        return parent

    def __init__(self, session: Session, parent: QWidget, interval_minutes: float | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.last_error: str | None = None
        self.unavailable: str | None = None  # why autosave is off (an unwritable data folder)
        self._instance: instances.Instance | None = None
        self.path: Path | None = None
        try:
            data = data_dir()
            self._instance = instances.claim(data)
            self.path = self._instance.autosave
            _latest[data] = self.path
        except OSError as exc:
            where = exc.filename or os.environ.get("VISUALBP_DATA_DIR") or "the data folder"
            self.unavailable = (f"Autosave is off: {where} cannot be written ({exc.strerror or exc}). "
                                "Save with Ctrl+S to keep your work.")
        self._reported: str | None = None
        self._keep_reason: str | None = None
        self._last_key: tuple | None = None
        self._writer = _Writer()
        self._writer.signals.written.connect(self._on_written)
        self._finalizer = weakref.finalize(self, _release, self._writer, self._instance)
        self._finalizer.atexit = False  # a process that ends without closing the window keeps its autosave
        seconds = interval_seconds() if interval_minutes is None else interval_minutes * 60
        self._timer = QTimer(self)
        self._timer.setInterval(max(100, int(seconds * 1000)))
        self._timer.timeout.connect(self.autosave)
        self._timer.start()
        session.runningChanged.connect(self._on_running_changed)
        self._previous_hook: Callable[..., Any] | None = None

    @property
    def interval_ms(self) -> int:
        return self._timer.interval()

    def _on_running_changed(self, running: bool) -> None:
        if not running:
            self.autosave()

    def autosave(self) -> bool:
        """Queue an autosave of this moment, training or not (written off the GUI thread, atomically; an old
        one survives a failure). False when autosave is off, or nothing changed since the last one."""
        if self.path is None:
            self._report(self.unavailable)
            return False
        engine = self.session.engine
        key = (id(engine), engine.step_index, self.session.running)
        if key == self._last_key and self.path.exists():
            return False
        self._last_key = key
        try:
            self.session.request_snapshot(partial(self._writer.put, self.path))
            return True
        except Exception as exc:  # an autosave must never take the app down
            self.last_error = f"autosave failed: {exc}"
            return False

    def save_now(self, timeout: float = SAVE_NOW_SECONDS) -> bool:
        """Autosave now and wait until it is on disk (the session should be paused). True on success."""
        if self.path is None:
            self.last_error = self.unavailable
            return False
        tickets: list[_Ticket] = []
        try:
            self.session.request_snapshot(lambda snapshot: tickets.append(self._writer.put(self.path, snapshot)))
        except Exception as exc:
            self.last_error = f"autosave failed: {exc}"
            return False
        deadline = time.monotonic() + timeout
        while not tickets and time.monotonic() < deadline:  # the worker delivers between two minibatches
            time.sleep(0.005)
        if not tickets or not tickets[0].done.wait(max(0.0, deadline - time.monotonic())):
            self.last_error = "autosave failed: it took too long"
            return False
        if tickets[0].error:
            self.last_error = f"autosave failed: {tickets[0].error}"
            return False
        return True

    def _on_written(self, error: str) -> None:
        if error:
            self.last_error = f"autosave failed: {error}"
            self._report(f"Autosave failed: {error}. Your work is not being saved; save it with Ctrl+S.")
        else:
            self._reported = None

    def _report(self, message: str | None) -> None:
        """Say once (until it changes) why work is not being saved."""
        if message and message != self._reported:
            self._reported = message
            # after the status of what asked for the autosave (a pause reports its own first)
            QTimer.singleShot(0, partial(self.session.statusChanged.emit, message))

    def keep_on_exit(self, reason: str) -> None:
        """The app is ending without its window being closed by the user (``reason``: 'SIGTERM', say): save
        now and keep the autosave, to be offered at the next start."""
        self.session.pause()
        if self.save_now():
            self._keep_reason = reason

    def discard(self) -> None:
        """The window closes: nothing to recover next time (unless ``keep_on_exit`` said otherwise)."""
        self._timer.stop()
        self._finalizer.detach()
        _release(self._writer, self._instance, self._keep_reason)
        self._instance = None

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
        saved = self.save_now()
        where = (f"Your session was saved to:\n{self.path}" if saved
                 else f"The session could not be autosaved ({self.last_error or 'unknown reason'}).")
        self.last_error = text
        print(text, file=sys.stderr)
        box = QMessageBox(QMessageBox.Icon.Critical, "visualbp hit an error",
                          f"Something went wrong: {value!r}\n\n{where}\n\nThe app is still running; "
                          "you can save your work or restart.", parent=self.parent_widget)
        box.setDetailedText(text)
        if os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
            self.session.statusChanged.emit(f"Error: {value!r}. {where}")
            return
        box.exec()


def _release(writer: _Writer, instance: instances.Instance | None, keep_reason: str | None = None) -> None:
    """End the writer (a write under way finishes first), then let the instance's folder go."""
    writer.stop()
    if instance is not None:
        instance.release(keep=keep_reason is not None, reason=keep_reason)


def offer_restore(parent: QWidget, open_session) -> bool:
    """Offer, once each and newest first, the autosaves of instances that no longer run; True when one was
    restored. Live instances' autosaves are never offered or touched."""
    try:
        dead = instances.dead_autosaves(data_dir())
    except OSError:
        return False
    restored = False
    for found in dead:
        if restored:
            found.let_go()  # one session fits in the window: the others wait for the next start
            continue
        when = time.strftime("%a %d %b, %H:%M", time.localtime(found.path.stat().st_mtime))
        why = (f"visualbp was stopped by {found.reason}" if found.reason
               else "visualbp did not close cleanly last time")
        answer = QMessageBox.question(
            parent, "Restore the last session?",
            f"{why}. Restore the session it saved ({when})?\n\n{found.path}\n\n"
            "No discards it; you will not be asked again.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
        if answer != QMessageBox.StandardButton.Yes:
            found.forget()
        elif open_session(str(found.path)):
            found.forget()  # it is this window's session now, autosaved as this instance's
            restored = True
        else:
            found.set_aside()  # the open said what is wrong; the file stays, never offered again
    return restored
