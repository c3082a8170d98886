"""One diverging colour scale for weights, biases, activations, δ and data (pure NumPy, no Qt).

Negative values are orange, zero is a neutral grey and positive values are blue, as
in TensorFlow Playground; the scale is symmetric about 0 so that the sign of a
weight w^l_jk is its hue and |w^l_jk| its saturation. Every function takes an
optional ``colors`` triple (negative, neutral, positive) so a presentation theme
can reuse it; the default is the light theme's.

It leaves out: perceptual (Lab) interpolation — the three theme colours are mixed
linearly in RGB, exactly as the Playground does — and any Qt type: views turn
these arrays into pens and images themselves.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

RGB = tuple[int, int, int]
Triple = tuple[RGB, RGB, RGB]

#: negative (orange), neutral (grey), positive (blue): the light theme's scale.
DEFAULT_COLORS: Triple = ((245, 147, 34), (232, 234, 235), (8, 119, 189))
#: default number of colour bins; odd, so the middle bin holds exactly 0.
NBINS = 33


def _triple(colors: Sequence[Sequence[int]] | None) -> np.ndarray:
    """The (3, 3) float array of (negative, neutral, positive) RGB."""
    c = np.asarray(DEFAULT_COLORS if colors is None else colors, dtype=np.float64)
    if c.shape != (3, 3):
        raise ValueError(f"colors must be three RGB triples (negative, neutral, positive), got shape {c.shape}")
    return c


def _check_nbins(nbins: int) -> int:
    nbins = int(nbins)
    if nbins < 3 or nbins % 2 == 0:
        raise ValueError(f"nbins must be odd and at least 3 (the middle bin is 0), got {nbins}")
    return nbins


def _safe_vmax(vmax: float) -> float:
    vmax = float(vmax)
    return vmax if math.isfinite(vmax) and vmax > 0.0 else 1.0


def _rgba(t: np.ndarray, colors: Sequence[Sequence[int]] | None) -> np.ndarray:
    """Colours for t in [−1, 1] (NaN → neutral): linear in RGB from neutral towards ±end.

    Each channel is neutral + min(|t|, 1) · (end − neutral), rounded: one channel at a time on (N,) arrays,
    which is the same arithmetic (bit for bit) as on (N, 3) broadcasts and several times faster.
    """
    c = _triple(colors)
    t = np.asarray(t, dtype=np.float64)
    a = np.minimum(np.abs(t), 1.0)  # ±inf → the ends
    if math.isnan(a.sum()):  # NaN → 0 (neutral)
        a = np.nan_to_num(a, nan=0.0)
    negative = t < 0.0
    out = np.empty(t.shape + (4,), dtype=np.uint8)
    for ch in range(3):
        v = np.where(negative, c[0, ch] - c[1, ch], c[2, ch] - c[1, ch])
        v *= a
        v += c[1, ch]
        out[..., ch] = np.rint(v, out=v)
    out[..., 3] = 255
    return out


def lut(nbins: int = NBINS, colors: Sequence[Sequence[int]] | None = None) -> np.ndarray:
    """The (nbins, 4) uint8 RGBA table: bin 0 is −vmax (orange), the middle bin 0 (grey), the last +vmax (blue)."""
    nbins = _check_nbins(nbins)
    return _rgba(bin_centers(nbins), colors)


def paint_order(nbins: int = NBINS) -> list[int]:
    """The order the edge painter draws its colour bins in: weak edges first, the strongest on top (of two
    bins equally far from zero, the negative one first)."""
    half = nbins // 2
    return sorted(range(nbins), key=lambda b: abs(b - half))


def bin_centers(nbins: int = NBINS) -> np.ndarray:
    """The value of each bin as a fraction of vmax: −1 … 0 … +1, symmetric."""
    nbins = _check_nbins(nbins)
    half = nbins // 2
    return (np.arange(nbins) - half) / half


def bin_of(values: np.ndarray, vmax: float, nbins: int = NBINS) -> np.ndarray:
    """The colour bin (0 … nbins−1) of each value; the middle bin nbins//2 holds 0, ±vmax the ends.

    Values beyond ±vmax fall into the end bins; NaN falls into the middle bin.
    """
    nbins = _check_nbins(nbins)
    half = nbins // 2
    t = np.asarray(values, dtype=np.float64) * (half / _safe_vmax(vmax))
    t = np.nan_to_num(t, nan=0.0, posinf=half, neginf=-half)
    return (np.clip(np.rint(t), -half, half) + half).astype(np.intp)


def colors_for(values: np.ndarray, vmax: float, colors: Sequence[Sequence[int]] | None = None) -> np.ndarray:
    """(N, 4) uint8 RGBA for each value, continuous on the scale −vmax … 0 … +vmax (clipped)."""
    v = np.asarray(values, dtype=np.float64).ravel()
    return _rgba(v / _safe_vmax(vmax), colors)


def widths_for(values: np.ndarray, vmax: float, min_px: float = 0.5, max_px: float = 5.0) -> np.ndarray:
    """Line widths in pixels proportional to |w|: min_px at 0 up to max_px at |w| ≥ vmax."""
    v = np.abs(np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0))
    t = np.clip(v / _safe_vmax(vmax), 0.0, 1.0)
    return min_px + t * (max_px - min_px)


def symmetric_range(arrays: Iterable[np.ndarray] | np.ndarray, percentile: float = 99.0) -> float:
    """A robust max |w| over ``arrays``: the ``percentile`` of |w| (finite values only); never 0.

    With fewer than 100 values the plain max is used (a percentile of a handful of numbers
    would clip the largest weights). Falls back to 1.0 when nothing finite and non-zero is left.
    """
    if isinstance(arrays, np.ndarray):
        arrays = [arrays]
    parts = [np.asarray(a, dtype=np.float64).ravel() for a in arrays if a is not None]
    if not parts:
        return 1.0
    v = np.abs(np.concatenate(parts))
    if not math.isfinite(v.sum()):  # a NaN or an inf is left out (a finite sum means there is none)
        v = v[np.isfinite(v)]
    if v.size == 0:
        return 1.0
    r = float(v.max()) if v.size < 100 else float(np.percentile(v, percentile))
    if not r > 0.0:
        r = float(v.max())
    return r if math.isfinite(r) and r > 0.0 else 1.0


def range_at_most(arrays: Sequence[np.ndarray], limit: float, percentile: float = 99.0) -> bool:
    """True when ``symmetric_range(arrays, percentile) <= limit`` is sure from two counts, without the percentile;
    False when it is not sure (then compute it).

    The percentile lies between the sorted |w| at ranks ⌊(n − 1) q⌋ and the one above (linear interpolation,
    within its ends): it is at most ``limit`` when no more values exceed ``limit`` than lie above the upper rank,
    and it is not 0 (whose fallback is the max) when enough values exceed 0 to reach the lower rank.
    """
    v = np.abs(np.concatenate([np.asarray(a, dtype=np.float64).ravel() for a in arrays])) if arrays else None
    if v is None or v.size < 100 or not math.isfinite(v.sum()):  # few values, a NaN or an inf: not sure
        return False
    n = v.size
    below = math.floor((n - 1) * (percentile / 100))
    if below >= n - 1:
        return False
    return int(np.count_nonzero(v > limit)) <= n - 2 - below and int(np.count_nonzero(v > 0.0)) >= n - below


def nice_ceil(x: float) -> float:
    """The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 (× 10^k) that is ≥ x: a calm legend bound."""
    x = _safe_vmax(x)
    exp = math.floor(math.log10(x))
    for m in (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        v = m * 10.0 ** exp
        if v >= x * (1 - 1e-12):
            return v
    return 10.0 ** (exp + 1)


def image_rgba(array: np.ndarray, vmax: float | None = None, colors: Sequence[Sequence[int]] | None = None,
               center: float = 0.0) -> np.ndarray:
    """A 2-D array as an (h, w, 4) uint8 RGBA image on the diverging scale (receptive fields, heatmaps).

    Values are mapped as (value − center) / vmax; ``vmax`` defaults to symmetric_range of the array.
    """
    a = np.asarray(array, dtype=np.float64)
    if a.ndim != 2:
        raise ValueError(f"image_rgba needs a 2-D array, got shape {a.shape}")
    if vmax is None:
        vmax = symmetric_range(a - center)
    return _rgba((a - center) / _safe_vmax(vmax), colors)


def format_number(v: float | None, digits: int = 3) -> str:
    """A value as the views print it: ``digits`` significant digits and a real minus sign; '—' if unknown."""
    if v is None:
        return "—"
    v = float(v)
    if not math.isfinite(v):
        return "nan" if math.isnan(v) else ("+∞" if v > 0 else "−∞")
    return format(v, f".{digits}g").replace("-", "−")
