"""How often the views redraw while the worker trains: the pace of the live ticks (``Session`` keeps one).

A tick costs the training what the GUI thread takes from it. The worker waits, without the GIL, from a tick's
delivery until the repaints it asked for are done (``TrainingWorker``); and any moment the GUI thread spends in
Python between ticks (a hover, a throttled redraw) it takes the GIL from the worker. The pacer measures both as
the GUI thread's CPU time, and spaces the ticks so that together they take at most LIVE_SHARE of the worker's
time: a cheap tick comes often (at most every LIVE_INTERVAL_MS), a costly one (a large window, every plot
shown) less often, never less than every LIVE_INTERVAL_MAX_MS.

CPU, not wall time: on a machine busy with other work a tick's wait takes longer on the clock, but the worker
would have had only the same share of a core in that time (measured at load 4 on two cores: 57 ms of wall
time for 29 ms of CPU), and the headless training it is compared with slows down alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: the fastest pace: ten redraws a second, about what a person reads a changing picture at
LIVE_INTERVAL_MS = 100
#: the slowest: the views redraw at least twice a second, whatever a redraw costs — a student watching a network
#: learn sees it move (as before the pacing, at 1366×768 with the plots shown); only cheaper redraws come faster
LIVE_INTERVAL_MAX_MS = 500
#: the share of the worker's time the ticks may take, aiming at training with the window attached at ≥ 95 % of its
#: headless pace (a GUI thread busy half the time cut training to 40 %, an eighth to about 85 %; at 4 % and ticks of
#: 21–27 ms, 0.89–0.95× was measured on a quiet machine). 3 % since the ticks of the bench's 1600×1000 window cost
#: 17–23 ms: they still come every 500 ms there, as before, and take a quarter less of the worker's time
LIVE_SHARE = 0.03


class LivePacer:
    """Measures what each tick cost the worker and gives the interval until the next one."""

    def __init__(self, clock: Callable[[], float] = time.thread_time) -> None:
        self._clock = clock  # the GUI thread's CPU time, in seconds
        self.interval_ms = LIVE_INTERVAL_MS
        self.cost_s = 0.0  # what the last tick and the GUI's work since the one before cost the worker
        self._since = 0.0  # the GUI thread's CPU time when the last tick was done

    def start(self) -> None:
        """Training starts (again): at the pace the last run settled at, measured from now."""
        self.cost_s = 0.0
        self._since = self._clock()

    def turn_given(self) -> int:
        """The tick's repaints are done and the worker goes on: returns the milliseconds until the next tick.

        Cost = the GUI thread's CPU since the previous tick was done (this tick's delivery and repaints, and
        whatever ran between); the next tick comes after cost / LIVE_SHARE at once when that is longer than
        the present interval, else halfway to it (the pace picks up again over a few cheap ticks)."""
        cpu = self._clock()
        self.cost_s = max(0.0, cpu - self._since)
        self._since = cpu
        target = 1000.0 * self.cost_s / LIVE_SHARE
        interval = target if target > self.interval_ms else 0.5 * (self.interval_ms + target)
        self.interval_ms = int(min(LIVE_INTERVAL_MAX_MS, max(LIVE_INTERVAL_MS, interval)))
        return self.interval_ms
