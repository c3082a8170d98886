"""Work that grows with the network, done a block at a time between repaints so the window stays live.

A job is a generator that does one block of work per ``next`` and returns its result; ``SlicedJobs``
runs it for up to ``JOB_SLICE`` seconds at once and the rest from a zero-delay timer, sharing the slice
among the jobs under way, then hands the result and the seconds spent to the job's callback. A small
network's job finishes within its first slice, so it behaves as if it ran at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator
from typing import Any

from PyQt6.QtCore import QObject, QTimer

from visualbp.gui.view_limits import JOB_SLICE

Job = Generator[None, None, Any]
Done = Callable[[Any, float], None]


class SlicedJobs(QObject):
    """Named jobs run in slices of ``JOB_SLICE`` seconds on the GUI thread (see the module docstring)."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._jobs: dict[str, tuple[Job, Done, float]] = {}  # name → (generator, done callback, seconds spent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._run)

    def __contains__(self, name: str) -> bool:
        return name in self._jobs

    def __len__(self) -> int:
        return len(self._jobs)

    def start(self, name: str, blocks: Job, done: Done) -> None:
        """Run ``blocks`` for one slice now and the rest between repaints; ``done(result, seconds spent)`` gets
        its return value. A job of the same name under way is dropped."""
        old = self._jobs.pop(name, None)
        if old is not None:
            old[0].close()
        self._jobs[name] = (blocks, done, 0.0)
        if not self.advance(name, JOB_SLICE) and not self._timer.isActive():
            self._timer.start(0)

    def advance(self, name: str, seconds: float) -> bool:
        """Work on job ``name`` for about ``seconds``; True when it finished (its callback has run)."""
        blocks, done, spent = self._jobs[name]
        t0 = time.perf_counter()
        try:
            while True:
                next(blocks)
                if time.perf_counter() - t0 >= seconds:
                    break
        except StopIteration as stop:
            del self._jobs[name]
            done(stop.value, spent + time.perf_counter() - t0)
            return True
        self._jobs[name] = (blocks, done, spent + time.perf_counter() - t0)
        return False

    def settle(self) -> None:
        """Finish every job now (before a screenshot; in tests), including jobs their callbacks start."""
        while self._jobs:
            for name in list(self._jobs):
                if name in self._jobs:
                    self.advance(name, 3600.0)
        self._timer.stop()

    def cancel(self) -> None:
        """Drop every job under way (the network they work on is gone)."""
        for blocks, _done, _spent in self._jobs.values():
            blocks.close()
        self._jobs = {}
        self._timer.stop()

    def _run(self) -> None:
        """One job's slice per pass of the event loop, the jobs in turn: a block of a huge network's grid can
        take longer than a slice, and two of them back to back would double the wait for a key press."""
        if not self._jobs:  # every job finished or was replaced since the timer was started
            return
        name = next(iter(self._jobs))
        blocks, done, spent = self._jobs.pop(name)
        self._jobs[name] = (blocks, done, spent)  # to the back of the queue
        self.advance(name, JOB_SLICE)
        if self._jobs:
            self._timer.start(0)
