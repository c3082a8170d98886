"""A snapshot of a session while it trains, for the live autosave: taken between two minibatches.

The GUI thread asks (``Session.request_snapshot``); the worker runs the request right after a minibatch, when
the weights are whole, copies them and hands the copy on. Training never pauses for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from visualbp.core.config import SessionConfig
from visualbp.core.engine import Engine
from visualbp.core.sessionio import SavedSession
from visualbp.core.steps import EpochStats


class SnapshotRequests:
    """Jobs the GUI thread asks the training thread to run between two minibatches."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: list[Callable[[], None]] = []
        self._closed = False

    def ask(self, job: Callable[[], None]) -> bool:
        """Queue ``job``; False once the worker takes no more minibatches (then run it yourself)."""
        with self._lock:
            if self._closed:
                return False
            self._jobs.append(job)
            return True

    def serve(self, final: bool = False) -> None:
        """On the training thread, between minibatches: run what was asked. ``final``: take no more after."""
        if not final and not self._jobs:  # nothing asked (a list's truth is read whole under the GIL): no lock
            return  # taken after every minibatch; a job asked meanwhile is run after the next one
        with self._lock:
            jobs, self._jobs = self._jobs, []
            self._closed = self._closed or final
        for job in jobs:
            job()


def live_snapshot(engine: Engine, config: SessionConfig, history: list[EpochStats], extra: dict,
                  deliver: Callable[[SavedSession], None]) -> None:
    """What a save records (weights at this minibatch's start, initial weights, position), as copies: the
    engine goes on updating its own arrays in place. Call it between minibatches or with training paused."""
    weights, biases = engine.batch_start_parameters()
    initial_w, initial_b = engine.initial_parameters
    epoch, batch, offset, step = engine.position
    w, b, w0, b0 = ([a.copy() for a in arrays] for arrays in (weights, biases, initial_w, initial_b))
    deliver(SavedSession(config, w, b, w0, b0, epoch=epoch, batch=batch, offset=offset, step=step,
                         epoch_history=history, extra=extra))
