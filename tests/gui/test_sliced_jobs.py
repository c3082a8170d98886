"""SlicedJobs: a job runs a slice at once and the rest between repaints; settle, replace and cancel."""

import time

from PyQt6.QtCore import QObject

from visualbp.gui.sliced_jobs import SlicedJobs
from visualbp.gui.view_limits import JOB_SLICE


def slow(n: int, closed: list, seconds: float = JOB_SLICE / 2):
    try:
        for _ in range(n):
            time.sleep(seconds)
            yield
    finally:
        closed.append(n)
    return n * 10


def test_a_long_job_runs_a_slice_now_and_the_rest_from_the_event_loop(qtbot):
    owner = QObject()
    jobs = SlicedJobs(owner)
    results, closed = [], []
    jobs.start("a", slow(8, closed), lambda value, spent: results.append((value, spent)))
    assert "a" in jobs and not results  # 8 blocks of half a slice: not done within the first slice
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    value, spent = results[0]
    assert value == 80 and spent >= 8 * JOB_SLICE / 2 * 0.9 and "a" not in jobs


def test_a_short_job_is_done_at_once(qtbot):
    owner = QObject()
    jobs = SlicedJobs(owner)
    results = []
    jobs.start("b", slow(1, [], 0.0), lambda value, spent: results.append(value))
    assert results == [10] and len(jobs) == 0


def test_settle_finishes_everything_and_a_new_job_of_the_same_name_replaces_the_old(qtbot):
    owner = QObject()
    jobs = SlicedJobs(owner)
    results, closed = [], []
    jobs.start("c", slow(50, closed), lambda value, spent: results.append(value))
    jobs.start("c", slow(6, closed), lambda value, spent: results.append(value))
    assert closed == [50]  # the first was dropped, its generator closed
    jobs.start("d", slow(6, closed), lambda value, spent: results.append(value))
    jobs.settle()
    assert sorted(results) == [60, 60] and len(jobs) == 0


def test_cancel_drops_the_jobs_under_way(qtbot):
    owner = QObject()
    jobs = SlicedJobs(owner)
    results, closed = [], []
    jobs.start("e", slow(50, closed), lambda value, spent: results.append(value))
    jobs.cancel()
    qtbot.wait(50)
    assert closed == [50] and results == [] and len(jobs) == 0


def test_a_job_replaced_by_one_that_finishes_at_once_leaves_the_timer_nothing_to_do(qtbot):
    """The timer started for a long job may fire after every job is gone (replaced by a short one of the
    same name that finished in its first slice): it must do nothing, not raise StopIteration in Qt's loop."""
    import sys

    owner = QObject()
    jobs = SlicedJobs(owner)
    results, errors = [], []
    jobs.start("a", slow(8, []), lambda value, spent: results.append(value))
    assert "a" in jobs  # not done in its first slice: the timer is running
    jobs.start("a", slow(1, [], 0.0), lambda value, spent: results.append(value))
    assert results == [10] and len(jobs) == 0
    hook = sys.excepthook
    sys.excepthook = lambda *exc: errors.append(exc[1])
    try:
        qtbot.wait(50)  # the timer fires with no job left
    finally:
        sys.excepthook = hook
    assert errors == [] and results == [10]
