"""The live ticks' pace: the GUI thread's cost per tick sets the time to the next one (no Qt, a fake clock)."""

from visualbp.gui.live_pacing import LIVE_INTERVAL_MAX_MS, LIVE_INTERVAL_MS, LIVE_SHARE, LivePacer


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _tick(pacer: LivePacer, clock: _Clock, cost_s: float) -> int:
    clock.now += cost_s
    return pacer.turn_given()


def test_a_costly_tick_spaces_the_next_one_at_once_so_ticks_take_live_share():
    clock = _Clock()
    pacer = LivePacer(clock)
    pacer.start()
    assert pacer.interval_ms == LIVE_INTERVAL_MS
    interval = _tick(pacer, clock, 0.012)  # 12 ms of the GUI thread: 400 ms at 3 %
    assert interval == round(0.012 / LIVE_SHARE * 1000) == 400
    assert pacer.cost_s == 0.012


def test_cheap_ticks_pick_the_pace_up_gradually_down_to_the_fastest():
    clock = _Clock()
    pacer = LivePacer(clock)
    pacer.start()
    _tick(pacer, clock, 0.030)
    slow = pacer.interval_ms
    intervals = [_tick(pacer, clock, 0.001) for _ in range(12)]
    assert intervals[0] < slow and intervals[0] > 0.5 * slow - 1  # halfway, not at once: one cheap frame
    assert intervals == sorted(intervals, reverse=True)
    assert intervals[-1] == LIVE_INTERVAL_MS  # 1 ms a tick: as fast as the pace goes


def test_the_pace_is_bounded_and_kept_from_one_run_to_the_next():
    clock = _Clock()
    pacer = LivePacer(clock)
    pacer.start()
    assert _tick(pacer, clock, 1.0) == LIVE_INTERVAL_MAX_MS  # two redraws a second at least, whatever they cost
    clock.now += 5.0  # the GUI's work between two runs (a file dialog) is not a tick's cost
    pacer.start()
    assert pacer.interval_ms == LIVE_INTERVAL_MAX_MS
    assert _tick(pacer, clock, 0.0) < LIVE_INTERVAL_MAX_MS
