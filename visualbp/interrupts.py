"""Ctrl+C while the command line's steps run (``--steps``, ``--screenshot``, ``--gif``): noted, then acted on
between steps.

Python raises KeyboardInterrupt wherever the main thread happens to be when SIGINT arrives. During a step that
is, more often than not, inside a slot Qt called for one of the session's signals (the graph repainting, the
saturation probe); PyQt prints such an exception and carries on, so the interrupt was lost and a
``--steps 10000`` run went on for hours. Inside ``deferred_interrupt()`` SIGINT only sets a flag; the loops
that take steps call ``raise_if_interrupted()`` between steps, where KeyboardInterrupt reaches ``main``, which
prints one line and exits with 130. Needs no Qt.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

_pending = threading.Event()


@contextlib.contextmanager
def deferred_interrupt() -> Iterator[None]:
    """While inside, SIGINT is noted instead of raised; leaving with one noted raises KeyboardInterrupt."""
    if threading.current_thread() is not threading.main_thread():  # signals are only ever set up there
        yield
        return
    _pending.clear()
    previous = signal.signal(signal.SIGINT, _note)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    raise_if_interrupted()


def raise_if_interrupted() -> None:
    """Raise KeyboardInterrupt if SIGINT arrived since ``deferred_interrupt()`` began (and forget it)."""
    if _pending.is_set():
        _pending.clear()
        raise KeyboardInterrupt


def interrupted() -> bool:
    """Whether a SIGINT is noted and not yet acted on."""
    return _pending.is_set()


def _note(signum: int, frame: object) -> None:
    _pending.set()
