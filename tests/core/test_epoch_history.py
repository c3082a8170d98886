"""The epoch history stays bounded and keeps the start, the newest point and an even spread."""

import pytest

from visualbp.core.epoch_history import MAX_EPOCH_POINTS, thinned


def test_a_short_history_is_kept_whole():
    history = list(range(10))
    assert thinned(history, 10) == history


def test_a_long_history_keeps_the_start_and_the_newest_and_halves_the_middle():
    history = list(range(-1, 20))  # -1 is the evaluation before training, as in Session
    out = thinned(history, 20)
    assert out[0] == -1 and out[-1] == 19 and len(out) <= 20
    assert out == sorted(out) and len(set(out)) == len(out)
    gaps = {b - a for a, b in zip(out[1:-1], out[2:-1])}
    assert gaps == {2}  # every other point of the middle


def test_appending_for_ever_stays_bounded():
    history: list[int] = []
    for epoch in range(-1, 100_000):
        history = thinned(history + [epoch], 500)
        assert len(history) <= 500
    assert history[0] == -1 and history[-1] == 99_999
    assert history[-2] >= 99_990  # the recent past is still dense
    assert len(history) > 250  # thinned by halves, not emptied


def test_bad_capacity_is_refused():
    with pytest.raises(ValueError, match="at least 2"):
        thinned([1, 2, 3], 1)
    assert MAX_EPOCH_POINTS >= 1000
