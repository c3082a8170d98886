"""Which edges of a layer pair the graph draws, as plain arrays (NumPy only): the strongest ones by |w| of a large
pair, and every pair's flat indices, segments and layer joined into one array each."""

from __future__ import annotations

import math
from typing import TypeVar

import numpy as np

from visualbp.gui.network.layout import Column, edge_segments

T = TypeVar("T", bound=tuple)
Joined = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # flat indices, segments, l, where each pair starts


def strongest_edges(part: np.ndarray, count: int) -> np.ndarray:
    """The flat indices of the ``count`` largest |w| of ``part`` (NaN counts as 0, ±inf as the largest), ascending."""
    mag = np.abs(part).ravel()
    if not math.isfinite(mag.sum()):  # a NaN or an inf: as np.nan_to_num leaves them
        mag = np.nan_to_num(mag)
    n = len(mag)
    return np.sort(np.argpartition(mag, n - count)[n - count:])


def joined(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> Joined:
    """The pairs' (flat indices, segments, l) as one array each, and where each pair starts."""
    if not parts:
        return np.empty(0, dtype=np.intp), np.empty((0, 4)), np.empty(0, dtype=np.intp), np.zeros(1, np.intp)
    offsets = np.concatenate([[0], np.cumsum([len(p[0]) for p in parts])]).astype(np.intp)
    return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
            np.concatenate([p[2] for p in parts]), offsets)


def edges_of(prev: Column, cur: Column, flat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(flat indices, segments, l) of the edges ``flat`` = j · prev.n + k between the drawn neurons of two columns."""
    return flat, edge_segments(prev, cur, flat), np.full(len(flat), cur.l, dtype=np.intp)


def read_only(arrays: T) -> T:
    """``arrays`` (a tuple of them), marked read-only: arrays kept and handed out again must not be written into."""
    for a in arrays:
        a.flags.writeable = False
    return arrays
