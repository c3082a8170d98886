"""Segments that lie exactly on one another, and which of them the painter leaves visible.

An input picture's edges leave its right side at their pixel's row, and a mosaic of hidden neurons takes its
edges at its sides at each neuron's row: the 23,820 edges of [784, 30, 10] lie on 190 lines (28 picture rows
× 5 mosaic rows, and 5 × 10 to the outputs). Painted without antialiasing, the segment painted last on a line
covers the rest (it is in the strongest colour bin, drawn with the widest pen) to within a few pixels where two
rasterisers round a line's end differently, so only that one is painted. Antialiased, the same: the one on top
is at least as wide, and only where its antialiased rim lies over the others a pixel of the rim is mixed with
their colour instead of the background's (default detail of [784, 30, 10]: 122 lines painted instead of 400,
1.4 → 0.9 ms of the frame's antialiased lines at 1600×1000).
"""

from __future__ import annotations

import numpy as np


def coinciding(coords: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Groups of segments (rows x0, y0, x1, y1) with the same end points: (the segment indices ordered by
    group, where each group starts in that order), or None when no two segments coincide.

    One stable ``lexsort`` of the four columns (~25 µs for 400 segments; ``np.unique(axis=0)`` took ~280)."""
    if len(coords) < 2:
        return None
    coords = np.asarray(coords)
    by_line = np.lexsort(coords.T[::-1])  # by x0, then y0, x1, y1; a group's segments in their own order
    ordered = coords[by_line]
    starts = np.flatnonzero(np.r_[True, (ordered[1:] != ordered[:-1]).any(axis=1)])
    if len(starts) == len(coords):
        return None
    return by_line, starts


def painted_last(rank: np.ndarray, by_line: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The index of the segment painted last on each line, ascending: the largest ``rank`` (when its colour
    bin is painted), of equal ranks the later segment (a bin's segments are painted in order)."""
    n = len(rank)
    key = rank.astype(np.int64) * n + np.arange(n)
    keep = np.maximum.reduceat(key[by_line], starts) % n
    keep.sort()
    return keep


class SharedLines:
    """The groups of coinciding segments of the drawn edges, found when they are first painted and found again
    only when the segments changed."""

    def __init__(self) -> None:
        self.groups: tuple[np.ndarray, np.ndarray] | None = None  # (by_line, starts), None: all differ
        self._of: np.ndarray | None = None  # the segments the groups were found for
        self._given: np.ndarray | None = None  # the segments given since, not grouped yet

    def find(self, coords: np.ndarray) -> None:
        """The drawn segments now: grouped when ``painted_last`` first needs them."""
        self._given = coords

    def painted_last(self, rank: np.ndarray) -> np.ndarray | None:
        """The segments to paint (``painted_last``), or None when no two coincide (paint them all)."""
        coords, self._given = self._given, None
        if coords is not None and not self._grouped(coords):  # the layout or the selection changed
            self.groups, self._of = coinciding(coords), coords
        return None if self.groups is None else painted_last(rank, *self.groups)

    def _grouped(self, coords: np.ndarray) -> bool:
        return coords is self._of or (self._of is not None and np.array_equal(self._of, coords))
