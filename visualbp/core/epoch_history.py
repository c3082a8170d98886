"""A bounded list of per-epoch evaluations, so an hours-long run keeps a fixed amount of memory.

The learning curves get one point per epoch (``EpochStats``). Past ``MAX_EPOCH_POINTS`` the
older half of the points is thinned: the first point (the start) and the newest are always
kept, every other point in between is dropped. Recent epochs therefore stay at full
resolution and old ones become sparser, which is what a live learning curve needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

#: Most epoch points kept (a point is ~200 bytes; plotting 4,000 points takes a few milliseconds).
MAX_EPOCH_POINTS = 4000

T = TypeVar("T")


def thinned(history: Sequence[T], capacity: int = MAX_EPOCH_POINTS) -> list[T]:
    """``history`` itself (as a list) when it fits in ``capacity``; otherwise the first and the last
    points and every other point in between, repeatedly, until it fits."""
    if capacity < 2:
        raise ValueError(f"capacity must be at least 2, not {capacity}")
    points = list(history)
    while len(points) > capacity:
        points = [points[0], *points[1:-1][1::2], points[-1]]
    return points
