"""SIGINT (Ctrl+C) and SIGTERM end the app the way closing its window does, within a second, idle or training.

Qt's event loop runs in C++, where Python never sees a signal until some Python code runs, so Ctrl+C used to
wait forever. Here the signal's number is written to a socket (``signal.set_wakeup_fd``) that Qt watches: the
event loop wakes at once, the session is paused and autosaved — the autosave is kept, to be offered at the next
start — and the window closes through its own closeEvent. The exit code is 128 + the signal's number.
"""

from __future__ import annotations

import contextlib
import signal
import socket
from collections.abc import Iterator

from PyQt6.QtCore import QSocketNotifier
from PyQt6.QtWidgets import QApplication, QMainWindow

SIGNALS = {signal.SIGINT: "SIGINT (Ctrl+C)", signal.SIGTERM: "SIGTERM"}


@contextlib.contextmanager
def quit_on_signals(app: QApplication, window: QMainWindow) -> Iterator[None]:
    """While inside, SIGINT and SIGTERM close ``window`` (autosave kept) and end ``app`` with 128 + N."""
    receiver, sender = socket.socketpair()
    receiver.setblocking(False)
    sender.setblocking(False)
    previous_fd = signal.set_wakeup_fd(sender.fileno())
    previous = {signum: signal.signal(signum, _noted) for signum in SIGNALS}
    notifier = QSocketNotifier(receiver.fileno(), QSocketNotifier.Type.Read)
    ending: list[int] = []

    def on_wakeup() -> None:
        try:
            numbers = receiver.recv(64)
        except (BlockingIOError, InterruptedError):
            return
        for signum in numbers:
            if signum in SIGNALS and not ending:
                ending.append(signum)
                recovery = getattr(window, "recovery", None)
                if recovery is not None:
                    recovery.keep_on_exit(SIGNALS[signal.Signals(signum)])
                window.close()
                app.exit(128 + signum)

    notifier.activated.connect(on_wakeup)
    try:
        yield
    finally:
        notifier.setEnabled(False)
        notifier.activated.disconnect(on_wakeup)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        signal.set_wakeup_fd(previous_fd)
        receiver.close()
        sender.close()


def _noted(signum: int, frame: object) -> None:
    """The Python-level handler: nothing to do here, the wake-up socket carries the signal to the event loop."""
