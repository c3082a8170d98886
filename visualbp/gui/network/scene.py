"""What the network graph draws, as plain data (NumPy only, no Qt): tests assert on it, painters paint it.

``Scene`` follows the session's network, engine and dataset and holds: the columns (``layout``), which
layer pairs use level of detail, which edges are drawn (all, or the strongest ``max_edges`` by |w| of a
large pair) with their segments and colour bins, each bin's colour and pen width, the glow under the
edges an update changed, the neurons' fills (a^l_j while the example goes forwards, δ^l_j while it goes
backwards, BP1–BP4) and bias colours, the input picture, the receptive fields, the saturation marks
and the labels' texts. Edge colour is w^l_jk on the one diverging scale (orange < 0 < blue), or the last
change Δw^l_jk; the weights' changes are noticed by ``engine.weights_version`` — the fast path writes
the weight arrays in place, so the scene keeps its own copy of the drawn weights to tell Δw.

Indices: j and k are 0-based array indices (``net.weights[l - 2][j, k]`` is the book's w^l_(j+1)(k+1));
flat edge indices are j · n_drawn(l − 1) + k.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from visualbp.core.datasets import Dataset
from visualbp.core.network import Network
from visualbp.core.probe import input_plane
from visualbp.core.steps import Kind, StepRecord
from visualbp.gui import colors as C
from visualbp.gui.network.drawn import Joined, edges_of, joined, read_only, strongest_edges
from visualbp.gui.network.layout import (
    ASPECT,
    HEATMAP_RESOLUTION,
    Column,
    build_layout,
    edge_segments,
    mosaic,
)
from visualbp.gui.network.overdraw import SharedLines
from visualbp.gui.view_limits import RANGE_SAMPLE, robust_range

NBINS = C.NBINS
DEFAULT_MAX_EDGES = 300  # strongest edges drawn per large layer pair
IMAGE_MAX_EDGES = 100  # … when the input is a picture: the receptive fields show every weight, lines only hint
LOD_EDGES = 1500  # a layer pair with more edges than this uses level of detail
ANTIALIAS_EDGES = 500  # antialias edges only up to this many drawn lines
DELTA_KINDS = (Kind.OUTPUT_ERROR, Kind.BACKPROP_ERROR, Kind.GRADIENT_B, Kind.GRADIENT_W)
GLOW_STEPS = ((0.1, 0.4, 4.0), (0.4, 0.7, 7.0), (0.7, 1.01, 10.0))  # |Δw|/max |Δw| → halo width in px


@dataclass(frozen=True)
class Style:
    """The theme as numbers: the diverging scale's three colours, the background and the line scale."""

    colors: C.Triple = C.DEFAULT_COLORS
    background: tuple[int, int, int] = (255, 255, 255)
    line_scale: float = 1.0


@dataclass(frozen=True)
class Example:
    """The example the last step processed: its training row, a^1, a^L (None until known) and its label."""

    row: int | None
    a1: np.ndarray
    aL: np.ndarray | None
    label: int | None
    target: np.ndarray | None = None  # regression: the real targets y (a classifier's label is one-hot)


def _target(engine, row: int | None) -> np.ndarray | None:
    """The real targets y of training row ``row`` when the engine fits them (regression), else None."""
    if row is None or not getattr(engine, "regression", False):
        return None
    return np.asarray(engine.Y[row], dtype=np.float64).ravel()


class Scene:
    """The graph's content for one network; ``rebuild`` on a new one, then ``weights_changed`` and ``step``."""

    def __init__(self) -> None:
        self.cols: list[Column] = []
        self.lod: list[bool] = []
        self.style = Style()
        self.max_edges: int | None = DEFAULT_MAX_EDGES
        self.edges_chosen = False  # a person chose max_edges: it stays; else it follows the kind of input
        self.range_mode = "fixed"
        self.vmax = 1.0
        self.show_dw = False
        self.version = -1  # engine.weights_version the edges were last coloured at
        self._drawn_seen: list[np.ndarray] = []
        self.last_dw: list[np.ndarray | None] = []  # per pair, the last change of the drawn weights
        self.fill_q = "a"
        self.delta_vmax = 1.0
        self.input_half = 1.0
        self.mean_input: np.ndarray | None = None
        self.grid_lim: tuple[tuple[float, float], tuple[float, float]] | None = None
        self.highlight: int | None = None
        self.emphasis: tuple[int, np.ndarray] | None = None
        self.example: Example | None = None
        self.fills: dict[int, np.ndarray] = {}  # l → (n, 4) RGBA of the drawn neurons
        self.biases: dict[int, np.ndarray] = {}
        self.example_uv: tuple[float, float] | None = None
        self.saturated: dict[int, np.ndarray] = {}  # l → which drawn neurons wear the saturation mark
        self.saturation_counts: dict[int, int] = {}  # l → how many neurons of the whole layer are marked
        self.drawn_idx: list[np.ndarray | None] = []  # per pair: flat indices drawn, None = all
        self.drawn_offsets = np.zeros(1, dtype=np.intp)
        self.coords = np.empty((0, 4))
        self.edge_l = np.empty(0, dtype=np.intp)
        self.edge_flat = np.empty(0, dtype=np.intp)
        self.bins = np.empty(0, dtype=np.intp)
        self.lines = SharedLines()  # drawn segments that lie exactly on one another
        self._wholes: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}  # pair i drawn whole
        self._every: Joined | None = None  # every pair drawn whole
        self._paint_rank = np.argsort(np.array(C.paint_order(NBINS)))  # bin → when the painter draws it
        self.bin_rgb = np.zeros((NBINS, 3), dtype=int)
        self.bin_widths = np.ones(NBINS)
        self._net: Network  # the network drawn, from the first rebuild on
        self.aspect = ASPECT  # the width over the height the columns are spread to (the view's room)

    # ------------------------------------------------------------- building
    def rebuild(self, net: Network, dataset: Dataset, version: int) -> None:
        """Columns, drawn edges and colours of a new network (``dataset`` gives the input's shape)."""
        self._net = net
        shape = dataset.image_shape if dataset.image_shape and int(np.prod(dataset.image_shape)) == net.sizes[0] \
            else None
        two_d = bool(dataset.is_2d) and net.sizes[0] == 2
        self.cols = build_layout(list(net.sizes), shape, two_d, self.aspect)
        if not self.edges_chosen:
            self.max_edges = IMAGE_MAX_EDGES if shape is not None else DEFAULT_MAX_EDGES
        pairs = list(zip(self.cols[:-1], self.cols[1:]))
        self.lod = [p.kind == "image" or p.total * c.total > LOD_EDGES for p, c in pairs]
        self._wholes, self._every = {}, None  # the segments of the new layout are found when first drawn
        self.version = version
        self._drawn_seen = [self.drawn_part(i, w).copy() for i, w in enumerate(net.weights)]
        self.last_dw = [None] * len(net.weights)
        self.emphasis = None
        self.example = None
        self.saturated, self.saturation_counts = {}, {}
        X = np.asarray(dataset.X_train, dtype=np.float64)
        self.mean_input = X.mean(axis=0) if len(X) else None
        self.input_half = 1.0 if shape is not None else C.nice_ceil(C.symmetric_range(X, 100.0))
        if two_d:  # the one input plane, shared with the decision boundary (and the example dot on each tile)
            (x0, x1), (y0, y1) = input_plane(X)
            self.grid_lim = ((float(x0), float(x1)), (float(y0), float(y1)))
        else:
            self.grid_lim = None
        self.vmax = self.fit_vmax()
        self.set_style(self.style)
        self.select_drawn()
        self.recolor()
        self.refresh_biases()

    def set_style(self, style: Style) -> None:
        """Each colour bin's pen colour and width: weak edges fade towards the background when many cross."""
        self.style = style
        many = self.pair_edges() > ANTIALIAS_EDGES
        lo, hi = (0.6, 2.2) if many else (0.8, 6.0)
        centres = C.bin_centers(NBINS)
        self.bin_widths = C.widths_for(centres, 1.0, lo, hi) * style.line_scale
        # the fade is mixed into the opaque colour (one per bin): real alpha on thousands of lines is ~10x slower
        fade = 0.3 + 0.7 * np.abs(centres) if many else np.ones(NBINS)
        bg = np.asarray(style.background, dtype=np.float64)
        lut = C.lut(NBINS, style.colors)
        self.bin_rgb = np.rint(bg + fade[:, None] * (lut[:, :3] - bg)).astype(int)

    def pair_edges(self) -> int:
        """Edges among drawn neurons, over all layer pairs."""
        return sum(p.n * c.n for p, c in zip(self.cols[:-1], self.cols[1:]))

    # ------------------------------------------------------------- the weights
    def drawn_part(self, i: int, matrix: np.ndarray) -> np.ndarray:
        """The rows and columns of w^(i+2) (or of a matrix shaped like it) between drawn neurons: a view."""
        return np.asarray(matrix)[:self.cols[i + 1].n, :self.cols[i].n]

    def fit_vmax(self) -> float:
        r = robust_range(self._net.weights)
        return C.nice_ceil(r) if self.range_mode == "fixed" else r

    def weights_changed(self, version: int) -> bool:
        """After ``engine.weights_version`` moved: Δw since the weights last shown, the scale (widened when the
        weights leave it, or refitted in auto mode), the drawn set, the bins and the biases. False when the
        version is the one already shown."""
        weights = self._net.weights
        if version == self.version or len(weights) != len(self._drawn_seen):
            return False
        for i, (w, seen) in enumerate(zip(weights, self._drawn_seen)):
            now = self.drawn_part(i, w)
            if now.shape == seen.shape:
                self.last_dw[i] = now - seen
                seen[...] = now
        self.version = version
        if self.range_mode == "auto":
            self.vmax = self.fit_vmax()
        elif not (sum(w.size for w in weights) <= RANGE_SAMPLE and C.range_at_most(weights, self.vmax * 1.0001)):
            # not sure from two counts (most updates are) that the weights stayed within the scale
            r = robust_range(weights)
            if r > self.vmax * 1.0001:  # the weights left the scale: widen it (never shrink by itself)
                self.vmax = C.nice_ceil(r)
        self.select_drawn()
        self.recolor()
        self.refresh_biases()
        return True

    def select_drawn(self) -> None:
        """Choose the drawn edges among the drawn neurons: all, or the strongest max_edges by |w| for a large
        layer pair. A pair drawn whole has the same segments until the next rebuild: they are kept."""
        weights = self._net.weights
        idx_list: list[np.ndarray | None] = []
        parts = []
        for i, lod in enumerate(self.lod):
            prev, cur = self.cols[i], self.cols[i + 1]
            if lod and self.max_edges is not None and prev.n * cur.n > self.max_edges:
                idx = strongest_edges(self.drawn_part(i, weights[i]), self.max_edges)
                parts.append(edges_of(prev, cur, idx))
            else:
                idx = None
                parts.append(self._whole_pair(i))
            idx_list.append(idx)
        self.drawn_idx = idx_list
        if all(idx is None for idx in idx_list):  # every edge: the same arrays as last time
            if self._every is None:
                self._every = read_only(joined(parts))
            arrays = self._every
        else:
            arrays = joined(parts)
        self.edge_flat, self.coords, self.edge_l, self.drawn_offsets = arrays
        self.lines.find(self.coords)

    def _whole_pair(self, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(flat indices, segments, l) of every edge between the drawn neurons of pair i, kept per layout."""
        if i not in self._wholes:
            prev, cur = self.cols[i], self.cols[i + 1]
            self._wholes[i] = read_only(edges_of(prev, cur, np.arange(prev.n * cur.n)))
        return self._wholes[i]

    @property
    def antialias(self) -> bool:
        return len(self.coords) <= ANTIALIAS_EDGES

    def dw_vmax(self) -> float:
        return robust_range([d for d in self.last_dw if d is not None])

    def edge_values(self) -> tuple[np.ndarray, float]:
        """The value every drawn edge is coloured by (w, or Δw) and its scale's vmax."""
        parts = []
        for i, idx in enumerate(self.drawn_idx):
            src = self.drawn_part(i, self._net.weights[i])
            if self.show_dw:
                dw = self.last_dw[i]
                src = dw if dw is not None else np.zeros_like(src)
            flat = np.asarray(src).ravel()
            parts.append(flat if idx is None else flat[idx])
        values = np.concatenate(parts) if parts else np.empty(0)
        return values, (self.dw_vmax() if self.show_dw else self.vmax)

    def recolor(self) -> None:
        """Bin every drawn edge by its value in one NumPy call."""
        values, vmax = self.edge_values()
        self.bins = C.bin_of(values, vmax, NBINS)

    def binned(self) -> tuple[np.ndarray, np.ndarray]:
        """The segments the edge item paints, sorted by colour bin, and the count per bin. Of segments that lie
        exactly on one another only the one painted last is kept (the strongest bin, the widest pen): it covers the
        others (antialiased, all but its rim), so the picture is the same for a fraction of the lines (190 instead
        of 23,820 for all edges of [784, 30, 10]; ``overdraw``)."""
        bins = self.bins
        keep = None
        if len(bins):
            keep = self.lines.painted_last(self._paint_rank[bins])
            bins = bins if keep is None else bins[keep]
        order = np.argsort(bins.astype(np.uint8), kind="stable")  # a radix sort on small keys
        coords = self.coords if keep is None else self.coords[keep]
        return coords[order], np.bincount(bins, minlength=NBINS)

    def drawn_position(self, l: int, flat: int) -> int | None:
        """Where edge (l, flat) is in the drawn arrays, or None when it is not drawn."""
        i = l - 2
        start = int(self.drawn_offsets[i])
        idx = self.drawn_idx[i]
        if idx is None:
            return start + flat
        p = int(np.searchsorted(idx, flat))
        return start + p if p < len(idx) and idx[p] == flat else None

    def edge_bin(self, l: int, j: int, k: int) -> int:
        """The colour bin of edge w^l_jk; for an edge left out by the level of detail, the bin it would have."""
        prev, cur = self.cols[l - 2], self.cols[l - 1]
        drawn = j < cur.n and k < prev.n  # both ends drawn
        pos = self.drawn_position(l, j * prev.n + k) if drawn else None
        if pos is not None:
            return int(self.bins[pos])
        dw = self.last_dw[l - 2]
        if self.show_dw and drawn and dw is not None:
            value, vmax = float(dw[j, k]), self.dw_vmax()
        else:
            value, vmax = float(self._net.weights[l - 2][j, k]), self.vmax
        return int(C.bin_of(np.array([value]), vmax, NBINS)[0])

    def edge_rgba(self, l: int, j: int, k: int) -> tuple[int, int, int, int]:
        """The colour edge w^l_jk is drawn in."""
        r, g, b = (int(v) for v in self.bin_rgb[self.edge_bin(l, j, k)])
        return (r, g, b, 255)

    def edge_width(self, l: int, j: int, k: int) -> float:
        """The pen width in pixels of edge w^l_jk (∝ |w^l_jk|)."""
        return float(self.bin_widths[self.edge_bin(l, j, k)])

    def edge_segment(self, l: int, j: int, k: int) -> np.ndarray:
        """x0, y0, x1, y1 of edge w^l_jk between drawn neurons."""
        prev = self.cols[l - 2]
        return edge_segments(prev, self.cols[l - 1], np.array([j * prev.n + k]))[0]

    def drawn_edge_count(self, l: int) -> int:
        idx = self.drawn_idx[l - 2]
        return self.cols[l - 2].n * self.cols[l - 1].n if idx is None else len(idx)

    def edge_of(self, e: int) -> tuple[int, int, int]:
        """(l, j, k) of drawn edge number e."""
        l, flat = int(self.edge_l[e]), int(self.edge_flat[e])
        n_prev = self.cols[l - 2].n
        return l, flat // n_prev, flat % n_prev

    def strongest(self, candidates: np.ndarray) -> int:
        """Among drawn edges ``candidates`` (near ties under the mouse), the strongest |w|: drawn on top."""
        mags = [abs(float(self._net.weights[l - 2].ravel()[f]))
                for l, f in zip(self.edge_l[candidates], self.edge_flat[candidates])]
        return int(candidates[int(np.argmax(mags))])

    def glow(self) -> list[tuple[float, np.ndarray]]:
        """After an UPDATE of layer l: (halo width in px, segments) under that layer's drawn edges, wider where
        |Δw| is larger; [] otherwise (and while the edges show Δw themselves)."""
        if self.emphasis is None or self.show_dw:
            return []
        l, dw = self.emphasis
        i = l - 2
        if not 0 <= i < len(self.drawn_idx) or dw.shape != self._net.weights[i].shape:
            return []
        idx = self.drawn_idx[i]
        flat = np.abs(self.drawn_part(i, dw)).ravel()
        coords = self.coords[int(self.drawn_offsets[i]):int(self.drawn_offsets[i + 1])]
        mag = flat if idx is None else flat[idx]
        top = float(np.nanmax(mag)) if mag.size and not np.isnan(mag).all() else 0.0
        if not top > 0.0:
            return []
        if math.isinf(top):  # a step that overflowed: its infinite changes glow fully, the rest not at all
            rel = np.isinf(mag).astype(float)
        else:
            rel = np.nan_to_num(mag / top)
        many = len(self.coords) > ANTIALIAS_EDGES
        groups = []
        for lo, hi, width in GLOW_STEPS:
            sel = (rel >= lo) & (rel < hi)
            if sel.any():
                groups.append(((width * 0.6 if many else width) * self.style.line_scale, coords[sel]))
        return groups

    # ------------------------------------------------------------- neurons
    def refresh_biases(self) -> None:
        """The bias square of each neuron coloured by b^l_j on the weight scale."""
        self.biases = {}
        for i, b in enumerate(self._net.biases):
            c = self.cols[i + 1]
            if c.shows_bias:
                self.biases[i + 2] = C.colors_for(np.asarray(b).ravel()[:c.n], self.vmax, self.style.colors)

    def fill_scale(self, l: int, engine) -> tuple[float, float]:
        """(centre, half range) of the fill of layer l: the activation's own range for a, ±range for δ."""
        if self.fill_q == "delta":
            return 0.0, self.delta_vmax
        if l == 1:
            return 0.0, self.input_half
        act = self._net.layer_activation(l - 2)
        if math.isfinite(act.low) and math.isfinite(act.high):
            return (act.low + act.high) / 2, (act.high - act.low) / 2
        a = engine.current("a", l)
        return 0.0, C.nice_ceil(C.symmetric_range(a)) if a is not None else 1.0

    def step(self, record: StepRecord | None, engine) -> None:
        """A step was taken (or undone): the highlighted layer, what the fills show, the glow, the example."""
        self.highlight = None if record is None or record.kind is Kind.BATCH else record.l
        self.fill_q = "delta" if record is not None and record.kind in DELTA_KINDS else "a"
        self.emphasis = None
        if record is not None and record.kind is Kind.UPDATE and "dw" in record.arrays:
            self.emphasis = (record.l, np.asarray(record.arrays["dw"]))
        self._follow_example(record, engine)
        self.refresh_fills(engine)

    def _follow_example(self, record: StepRecord | None, engine) -> None:
        """The example the last step processed: the one being stepped, else the last of the minibatch a whole
        pass took; after the updates the one stepped last stays; none at the start."""
        a1 = engine.current("a", 1)
        L = len(self.cols)
        if a1 is not None:
            row = engine.current_example_index()
            label = int(engine.labels[row]) if row is not None else None
            self.example = Example(row, np.asarray(a1).ravel(), engine.current("a", L), label,
                                   _target(engine, row))
        elif record is not None and record.kind is Kind.BATCH and "rows" in record.arrays:
            row = int(record.arrays["rows"][-1])
            self.example = Example(row, np.asarray(engine.X[row]).ravel(), record.arrays.get("a_last"),
                                   int(engine.labels[row]), _target(engine, row))
        elif record is None or record.kind is not Kind.UPDATE:
            self.example = None

    def refresh_fills(self, engine) -> None:
        """Each neuron's fill: a^l_j (feedforward) or δ^l_j (BP1–BP4) of the current example."""
        name = self.fill_q
        if name == "delta":
            known = [engine.current("delta", c.l) for c in self.cols[1:]]
            self.delta_vmax = C.nice_ceil(C.symmetric_range([d for d in known if d is not None]))
        self.fills = {}
        for c in self.cols:
            if c.kind == "image":
                continue
            v = engine.current(name, c.l) if not (name == "delta" and c.l == 1) else None
            if v is None:
                continue
            centre, half = self.fill_scale(c.l, engine)
            self.fills[c.l] = C.colors_for(np.asarray(v).ravel()[:c.n] - centre, half, self.style.colors)
        a1 = engine.current("a", 1)
        self.example_uv = None
        if self.grid_lim is not None and a1 is not None:
            (x0, x1), (y0, y1) = self.grid_lim
            res = HEATMAP_RESOLUTION
            u = ((float(a1[0, 0]) - x0) / (x1 - x0) * (res - 1) + 0.5) / res
            v = ((y1 - float(a1[1, 0])) / (y1 - y0) * (res - 1) + 0.5) / res
            self.example_uv = (min(max(u, 0.0), 1.0), min(max(v, 0.0), 1.0))

    def outputs(self) -> list[tuple[float | None, str]]:
        """Per output neuron j (drawn): a^L_j of the example the last step processed (None until known) and its
        role — 'right' (the target, and the largest a^L_j), 'target' (the target, another was larger), 'wrong'
        (the largest a^L_j, not the target) or ''."""
        n = self.cols[-1].n if self.cols else 0
        ex = self.example
        if ex is None:
            return [(None, "")] * n
        a = None if ex.aL is None else np.asarray(ex.aL, dtype=np.float64).ravel()
        if ex.target is not None:  # regression: a^L_j beside its target y_j, no class to get right
            return [(float(a[j]) if a is not None and j < a.size else None,
                     f"y={float(ex.target[j])!r}" if j < ex.target.size else "") for j in range(n)]
        predicted = int(np.argmax(a)) if a is not None and a.size else None
        rows = []
        for j in range(n):
            value = float(a[j]) if a is not None and j < a.size else None
            if j == ex.label:
                role = "target" if predicted is None or predicted != j else "right"
            else:
                role = "wrong" if predicted == j and ex.label is not None else ""
            rows.append((value, role))
        return rows

    # ------------------------------------------------------------- pictures
    def input_image(self) -> np.ndarray | None:
        """(h, w, 4) RGBA of the input picture: the example the last step processed, else the mean input faded
        towards the background (no example yet)."""
        c = self.cols[0] if self.cols else None
        if c is None or c.kind != "image":
            return None
        x = self.example.a1 if self.example is not None else self.mean_input
        if x is None:
            return None
        rgba = C.image_rgba(np.asarray(x).reshape(c.image_shape), self.input_half, self.style.colors)
        if self.example is None:
            bg = np.asarray(self.style.background, dtype=np.float64)
            rgba[..., :3] = np.rint(0.55 * rgba[..., :3] + 0.45 * bg).astype(np.uint8)
        return rgba

    def receptive_fields(self) -> np.ndarray | None:
        """(n, h, w): each drawn neuron's incoming weights w^2_j· as an image, when the input is a picture."""
        c = self.cols[1] if len(self.cols) > 1 else None
        if c is None or c.mosaic != "rf":
            return None
        h, w = c.image_shape
        return np.asarray(self._net.weights[0][:c.n]).reshape(c.n, h, w)

    def receptive_field_rgba(self) -> np.ndarray | None:
        """The receptive fields as one mosaic, each on its own symmetric range (so small weights' patterns show)."""
        wts = self.receptive_fields()
        if wts is None:
            return None
        c = self.cols[1]
        mag = np.abs(wts.reshape(c.n, -1))
        if not math.isfinite(mag.sum()):  # a NaN or an inf: as np.nan_to_num leaves them
            mag = np.nan_to_num(mag)
        vmax = np.percentile(mag, 99.0, axis=1)
        vmax = np.where(vmax > 0, vmax, 1.0)
        return mosaic(c, C._rgba(wts / vmax[:, None, None], self.style.colors))

    def heat_rgba(self, c: Column, grid: np.ndarray) -> np.ndarray:
        """A column's 2-D heatmaps a^l_j over the input plane as one mosaic, on the activation's own range."""
        if c.l == 1:
            centre, half = 0.0, self.input_half
        else:
            act = self._net.layer_activation(c.l - 2)
            if math.isfinite(act.low) and math.isfinite(act.high):
                centre, half = (act.low + act.high) / 2, (act.high - act.low) / 2
            else:
                centre, half = 0.0, C.nice_ceil(C.symmetric_range(grid))
        return mosaic(c, C._rgba((grid - centre) / half, self.style.colors))
