"""What the views draw and compute for a network of any size the core accepts.

The core accepts layers of up to 100,000 neurons and 20 million weights (``visualbp.core.checks``).
The views stay bounded by level of detail rather than by refusing:

- ``DRAWN_NEURONS`` (``DRAWN_TILES`` for 2-D heatmaps): a wider layer draws its first ones (their
  fills, biases, saturation rings, 2-D heatmaps and receptive fields, and the edges among them) and a
  note saying how many more there are; every weight stays readable in the weight-matrix heatmap.
- ``RANGE_SAMPLE``: a colour scale's robust max |w| is measured on at most this many weights,
  spread evenly over the matrices (the 99th percentile of a million numbers is as good as of 20 M).
- ``JOB_SLICE``: work that grows with the network (a 2-D heatmap grid fed through a 100,000-neuron layer,
  the saturation probe) is done a block at a time, at most this long between two repaints.
- ``INSPECTOR_BARS``: a neuron's incoming weights are drawn as bars up to this many, as a filled curve
  beyond.

The view-memory rule (``DRAWN_NEURONS``, ``DRAWN_TILES``, ``neurons_drawn``, ``view_bytes``, ``check_drawable``
and ``VIEW_MEMORY``) lives in the core, ``visualbp.core.view_memory``, where the session model applies it
without importing the GUI; it is re-exported here for the views.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

from visualbp.core.view_memory import (  # noqa: F401  (re-exported for the views)
    DRAWN_NEURONS,
    DRAWN_TILES,
    VIEW_MEMORY,
    check_drawable,
    neurons_drawn,
    view_bytes,
)
from visualbp.gui import colors as C

#: Weights a colour scale's range is measured on (an even sample when there are more).
RANGE_SAMPLE = 1_000_000
#: Seconds of computing between two repaints for a big network's heatmaps and saturation probe.
JOB_SLICE = 0.02
#: Multiply-adds the decision boundary's grid may cost each time it is drawn: a bigger network gets a coarser
#: grid (``boundary_resolution``), so live training never queues seconds of it.
BOUNDARY_WORK = 2_000_000_000
#: A neuron's incoming weights are drawn one bar each up to this many.
INSPECTOR_BARS = 400


def boundary_resolution(sizes: Sequence[int], finest: int = 96, coarsest: int = 24) -> int:
    """Grid points per side of the decision boundary: ``finest``, or fewer so that the grid costs at most
    BOUNDARY_WORK multiply-adds through the network's weights, but never fewer than ``coarsest``."""
    weights = sum(int(a) * int(b) for a, b in zip(sizes[:-1], sizes[1:]))
    return max(coarsest, min(finest, math.isqrt(BOUNDARY_WORK // max(1, weights))))


def robust_range(arrays: Iterable[np.ndarray | None] | np.ndarray, sample: int = RANGE_SAMPLE) -> float:
    """``colors.symmetric_range`` (the 99th percentile of |w|) measured on at most ``sample`` numbers: every
    array is read with an even stride, so a 20-million-weight network costs no copy of its weights."""
    given = [arrays] if isinstance(arrays, np.ndarray) else arrays
    present = [np.asarray(a) for a in given if a is not None]
    count = sum(a.size for a in present)
    if count <= sample:
        return C.symmetric_range(present)
    stride = -(-count // sample)
    return C.symmetric_range([a.reshape(-1)[::stride] for a in present])
