"""What an animated step moves along the graph (NumPy only, no Qt): the signal forwards, the error backwards.

Feedforward into layer l (z^l = w^l a^(l−1) + b^l) sends a pulse from every drawn neuron of layer l − 1 along
its edges to layer l; BP2 at layer l (δ^l = ((w^(l+1))^T δ^(l+1)) ⊙ σ'(z^l)) sends the error back along the
edges of w^(l+1), from layer l + 1 to layer l. BP1 has no edges to travel (the error appears at the outputs),
nor do BP3, BP4 and the update (the glow shows which weights moved): for those only the fills ease to their
new values. A whole example, minibatch or epoch in one step is not animated — there is no single path to show.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visualbp.core.steps import Kind

#: At most this many edges carry a pulse (the strongest drawn ones): more is a blur, and slower to paint.
MAX_PULSES = 400

#: Kinds whose step changes the fills of one layer without a path along edges.
_FILL_ONLY = (Kind.INPUT, Kind.OUTPUT_ERROR, Kind.GRADIENT_B, Kind.GRADIENT_W, Kind.UPDATE)


@dataclass(frozen=True)
class Flow:
    """One step's movement: pulses from ``starts`` to ``ends`` (view coordinates, (n, 2) each), and the layer l
    whose fills ease from their old to their new colours as the pulses arrive. ``backwards`` for the error."""

    l: int
    starts: np.ndarray
    ends: np.ndarray
    backwards: bool

    @property
    def pulses(self) -> int:
        return len(self.starts)


def flow_for(kind: Kind, l: int, coords: np.ndarray, offsets: np.ndarray, strength: np.ndarray | None = None,
             layers: int | None = None) -> Flow | None:
    """The flow of a step of ``kind`` at layer ``l``, given the drawn edges' segments ``coords`` ((n, 4): x0, y0
    at layer l − 1, x1, y1 at layer l of each pair), each pair's slice of them (``offsets``, pair i = weights
    w^(i+2)), and optionally each drawn edge's |w| to keep the strongest ``MAX_PULSES``. None: nothing moves."""
    pairs = len(offsets) - 1
    layers = pairs + 1 if layers is None else layers
    if not 1 <= l <= layers:
        return None
    if kind is Kind.FEEDFORWARD and 2 <= l <= layers:
        i, backwards = l - 2, False
    elif kind is Kind.BACKPROP_ERROR and 2 <= l < layers:
        i, backwards = l - 1, True  # along w^(l+1): from layer l + 1 back to layer l
    elif kind in _FILL_ONLY:
        empty = np.empty((0, 2))
        return Flow(l, empty, empty, kind in (Kind.OUTPUT_ERROR, Kind.GRADIENT_B, Kind.GRADIENT_W))
    else:
        return None
    lo, hi = int(offsets[i]), int(offsets[i + 1])
    segments = np.asarray(coords[lo:hi], dtype=float)
    if strength is not None and len(segments) > MAX_PULSES:
        keep = np.argpartition(-np.abs(np.asarray(strength[lo:hi])), MAX_PULSES - 1)[:MAX_PULSES]
        segments = segments[np.sort(keep)]
    elif len(segments) > MAX_PULSES:
        segments = segments[np.linspace(0, len(segments) - 1, MAX_PULSES).astype(np.intp)]
    tail, head = segments[:, 0:2], segments[:, 2:4]
    return Flow(l, head.copy(), tail.copy(), True) if backwards else Flow(l, tail.copy(), head.copy(), False)


def eased(t: float) -> float:
    """Ease-in-out of t ∈ [0, 1] (smoothstep): the pulse leaves and arrives gently."""
    t = min(1.0, max(0.0, t))
    return t * t * (3.0 - 2.0 * t)


def positions(flow: Flow, t: float) -> np.ndarray:
    """Where the pulses are at time t ∈ [0, 1] of the animation, (n, 2)."""
    s = eased(t)
    return flow.starts + s * (flow.ends - flow.starts)


def blend(old: np.ndarray | None, new: np.ndarray, t: float) -> np.ndarray:
    """RGBA fills part way from ``old`` to ``new`` (the fills follow the pulses: they change in the second half)."""
    if old is None or old.shape != new.shape:
        return new
    s = eased(max(0.0, 2.0 * t - 1.0))
    return np.rint(old + s * (new.astype(float) - old)).astype(new.dtype)
