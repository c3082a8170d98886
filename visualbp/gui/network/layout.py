"""Where everything of the network graph is: ONE geometry, read by the painters and by hit-testing (NumPy only).

``build_layout`` places each layer l in a ``Column`` (circles, compact dots, an input image, or 2-D heatmap
tiles). A layer wider than ``view_limits.DRAWN_NEURONS`` draws its first ones (j = 0 … N − 1, so a drawn
neuron's place is its index j). Every shape a painter draws — a neuron's circle, its bias square, its tile,
the saturation and selection rings — has one method here, and ``hit`` answers "what is under (x, y)" from
the same shapes, with a pick margin of ``PICK_PX`` screen pixels. Rectangles are (left, top, width, height)
in view units; y grows downwards (the view is inverted), neuron 0 on top.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from visualbp.gui.view_limits import neurons_drawn

COMPACT_NEURONS = 60  # a layer with more neurons is drawn compact
HEATMAP_RESOLUTION = 28  # grid points per side of a neuron's 2-D heatmap
PICK_PX = 3.0  # a shape answers the mouse this many screen pixels outside its outline
#: The graph's width over its height (the gaps between columns fill the rest), by default; the view asks for
#: the shape of the room it has, between these bounds (a projector's wide, short graph spreads its columns).
ASPECT = 1.5
MIN_ASPECT, MAX_ASPECT = 1.2, 5.0
#: The receptive-field grid takes at most 1 / (1 + MOSAIC_SHARE · the hidden columns after it) of the graph's
#: width (more rows of smaller tiles): the columns after it keep room to spread, and their titles room to be read.
MOSAIC_SHARE = 0.5
MIN_GAP = 1.5  # between two columns at least (the room's shape spreads them further)
LABELLED_SPREAD = 3.0  # a short input or output column's neurons at most this far apart (1 elsewhere)
TILE_SPREAD = 2.5  # … of 2-D heatmaps
GRID_ROWS = 0.9  # a receptive-field grid has about 0.9·√n rows (30 fields: 5 rows of 6)
GRID_TILE = 0.88  # a receptive field's share of its cell's height
GRID_CELL_W = 1.2  # a grid cell's width over its field's: room for the neuron's node and bias

Rect = tuple[float, float, float, float]  # left, top, width, height


def rect_contains(rect: Rect, x: float, y: float) -> bool:
    left, top, w, h = rect
    return left <= x <= left + w and top <= y <= top + h


@dataclass
class Column:
    """One layer's column: where its neurons are and how they are drawn."""

    l: int
    n: int  # neurons drawn: j = 0 … n − 1 (every pixel of an input image)
    kind: str  # "circle" | "compact" | "image" | "tile"
    total: int = 0  # neurons in the layer (n_l); more than n when the layer is wider than DRAWN_NEURONS
    s: float = 1.0  # spacing between neuron centres
    r: float = 0.3  # circle radius, or half the tile side
    x: float = 0.0
    ys: np.ndarray = field(default_factory=lambda: np.zeros(0))  # neuron centres, j = 0 … n − 1
    left: float = 0.0
    right: float = 0.0
    in_x: float = 0.0  # where incoming edges end
    out_x: float = 0.0  # where outgoing edges start
    top: float = 0.0
    bottom: float = 0.0
    image_shape: tuple[int, int] = (0, 0)  # input image (kind "image") or receptive fields (mosaic "rf")
    px: float = 0.0  # image pixel size (kind "image")
    mosaic: str | None = None  # "rf" (receptive fields) | "heat" (2-D heatmaps)
    tile_px: tuple[int, int] = (0, 0)  # mosaic tile (rows, cols) in pixels
    block_rows: int = 0  # mosaic rows per neuron
    g0: int = 0  # first tile row inside a block
    tile_w: float = 0.0  # mosaic tile size in view units
    tile_h: float = 0.0
    mosaic_left: float = 0.0
    more_y: float = 0.0  # where the "… more neurons not drawn" note goes (below the last drawn neuron)
    grid: tuple[int, int] | None = None  # (rows, columns) of a receptive-field grid, j running down each column
    lefts: np.ndarray | None = None  # a grid's tile left edge per neuron
    cell_w: float = 0.0  # a grid cell's width (tile and the room for its node)
    block_cols: int = 0  # a grid's mosaic columns per cell

    @property
    def hidden(self) -> int:
        """Neurons of the layer that are not drawn."""
        return self.total - self.n

    # ------------------------------------------------------------- shapes the painters draw
    def tile_rect(self, j: int) -> Rect:
        """The mosaic tile of neuron j (receptive field or heatmap)."""
        row_h = self.s / self.block_rows
        top = float(self.ys[j]) - self.s / 2 + self.g0 * row_h
        return (self.tile_left(j), top, self.tile_w, self.tile_h)

    def tile_left(self, j: int) -> float:
        return float(self.lefts[j]) if self.lefts is not None else self.mosaic_left

    def mosaic_rect(self) -> Rect:
        if self.grid is not None:
            rows, cols = self.grid
            return (self.mosaic_left, self.top, cols * self.cell_w, rows * self.s)
        return (self.mosaic_left, float(self.ys[0]) - self.s / 2, self.tile_w, self.n * self.s)

    def mosaic_shape(self) -> tuple[int, int]:
        """(rows, columns) in pixels of the column's mosaic image."""
        if self.grid is not None:
            rows, cols = self.grid
            return rows * self.block_rows, cols * self.block_cols
        return self.n * self.block_rows, self.tile_px[1]

    def near(self, x: float, y: float) -> list[int]:
        """The neurons whose shapes may hold (x, y): the row at y (and, in a grid, the cells at and left of x)."""
        if self.grid is None:
            j = int(round((y - float(self.ys[0])) / self.s))
            return [j] if 0 <= j < self.n else []
        rows, cols = self.grid
        row = int(round((y - (self.top + self.s / 2)) / self.s))
        col = int(math.floor((x - self.mosaic_left) / self.cell_w))
        if not 0 <= row < rows:
            return []
        return [c * rows + row for c in (col, col - 1) if 0 <= c < cols and c * rows + row < self.n]

    def image_rect(self) -> Rect:
        h, w = self.image_shape
        return (self.left, self.top, w * self.px, h * self.px)

    def pixel_center(self, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        h, w = self.image_shape
        return self.left + (k % w + 0.5) * self.px, self.top + (k // w + 0.5) * self.px

    @property
    def node_radius(self) -> float:
        """The radius of a neuron's filled circle (a 2-D tile's is the small node at its right edge)."""
        return 0.13 * self.s if self.kind == "tile" else self.r

    def node_center(self, j: int) -> tuple[float, float]:
        """The centre of neuron j's filled circle."""
        if self.kind == "tile":
            return self.tile_left(j) + self.tile_w, float(self.ys[j])
        return self.x, float(self.ys[j])

    def center(self, j: int) -> tuple[float, float]:
        """Where neuron j is: its circle (beside its receptive field), its 2-D heatmap's centre, or its pixel."""
        if self.kind == "image":
            x, y = self.pixel_center(np.array([j]))
            return float(x[0]), float(y[0])
        if self.mosaic == "heat":
            left, top, w, h = self.tile_rect(j)
            return left + w / 2, top + h / 2
        return self.node_center(j)

    def bias_rect(self, j: int) -> Rect:
        """The small square of b^l_j: at the tile's lower left, or the circle's lower left."""
        if self.kind == "tile":
            side = 0.16 * self.s
            return (self.tile_left(j) - side * 1.1, float(self.ys[j]) + self.tile_h / 2 - side, side, side)
        side = 0.55 * self.r
        return (self.x - self.r - side * 0.35, float(self.ys[j]) + self.r - side * 0.65, side, side)

    @property
    def shows_bias(self) -> bool:
        return self.kind in ("circle", "tile")

    @property
    def saturation_radius(self) -> float:
        """The dashed ring of a saturated neuron, around its circle."""
        if self.kind == "tile":
            return self.node_radius * 1.3
        return self.r * (1.35 if self.kind == "compact" else 1.25) + 0.02 * self.s

    @property
    def selection_radius(self) -> float:
        return self.r * 1.4 + 0.03 * self.s

    @property
    def band_pad(self) -> float:
        return 0.5 if self.kind in ("image", "compact") else 0.0


def _grid_width(n: int, rows: int, tall: float, h: int, w: int) -> float:
    """The width of a receptive-field grid of n tiles (h × w pixels) in ``rows`` rows, ``tall`` units high."""
    tile_w = h / round(h / GRID_TILE) * tall / rows * w / h
    return -(-n // rows) * tile_w * round(w * GRID_CELL_W) / w


def build_layout(sizes: list[int], image_shape: tuple[int, int] | None, two_d: bool,
                 aspect: float = ASPECT) -> list[Column]:
    """Columns for the layers, about ``aspect`` times as wide as high. A layer of more than DRAWN_NEURONS
    neurons (DRAWN_TILES heatmaps for 2-D data) draws the first of them (``view_limits.neurons_drawn``); an
    input image is drawn whole, as a picture."""
    cols = []
    aspect = min(MAX_ASPECT, max(MIN_ASPECT, float(aspect)))
    h, w = image_shape if image_shape is not None else (0, 0)  # only the "image" and "grid" columns use it
    for i, n in enumerate(sizes):
        if i == 0 and image_shape is not None:
            kind, shown = "image", n
        else:
            shown = neurons_drawn(i + 1, n, False, two_d)
            if i == 1 and image_shape is not None:  # receptive fields, in a grid of tiles big enough to read
                kind = "grid"
            elif n > COMPACT_NEURONS:  # a wide layer keeps its compact spacing, so the narrow ones stay legible
                kind = "compact"
            elif two_d:
                kind = "tile"
            else:
                kind = "circle"
        cols.append(Column(l=i + 1, n=shown, kind=kind, total=n))
    ref = max([c.n for c in cols if c.kind in ("circle", "tile")] + [4])
    for c in cols:
        if c.kind == "compact":
            c.s = min(0.3 * c.n, max(ref, 16.0)) / c.n
    tallest = max([c.n * c.s for c in cols if c.kind not in ("image", "grid")] + [1.0])
    for c in cols:
        # the inputs' and the outputs' labels need their rows: a short first or last column spreads (2-D
        # heatmaps grow with their spacing: only beside a column far taller, as a compact one)
        if c.l in (1, len(sizes)) and (c.kind == "circle" and 2 * c.n <= tallest or
                                       c.kind == "tile" and 4 * c.n < tallest):
            c.s = min(tallest / c.n, LABELLED_SPREAD if c.kind == "circle" else TILE_SPREAD)
    others = [c.n * c.s for c in cols if c.kind not in ("image", "grid")]
    for c in cols:
        if c.kind == "grid":  # as tall as the tallest other column (at least 4 rows of neurons)
            tall = max(others + [4.0])
            rows = max(1, round(math.sqrt(c.n) * GRID_ROWS))
            share = 1.0 / (1.0 + MOSAIC_SHARE * (len(sizes) - 3))  # the more columns after it, the less
            while rows < c.n and _grid_width(c.n, rows, tall, h, w) > share * aspect * tall:
                rows += 1
            c.grid = (rows, -(-c.n // rows))
            c.s = tall / rows
    height_all = max(c.n * c.s if c.grid is None else c.grid[0] * c.s for c in cols if c.kind != "image")
    for c in cols:
        if c.kind == "image":
            side = min(15.0, max(5.0, 0.55 * height_all))
            c.px = side / max(h, w)
            c.image_shape = (h, w)
            c.top, c.bottom = -h * c.px / 2, h * c.px / 2
            c.ys = np.zeros(c.n)
            continue
        if c.kind == "grid" and c.grid is not None:
            rows, _ = c.grid
            c.kind, c.mosaic, c.image_shape, c.tile_px = "tile", "rf", (h, w), (h, w)
            c.block_rows = int(round(h / GRID_TILE))
            c.g0 = (c.block_rows - h) // 2
            c.tile_h = h / c.block_rows * c.s
            c.tile_w = c.tile_h * w / h
            c.block_cols = int(round(w * GRID_CELL_W))
            c.cell_w = c.tile_w * c.block_cols / w
            c.r = c.tile_h / 2
            c.ys = (np.arange(c.n) % rows - (rows - 1) / 2) * c.s
            c.top, c.bottom = -rows * c.s / 2, rows * c.s / 2
            if c.hidden:
                c.more_y = c.bottom
                c.bottom += 0.14 * height_all
            continue
        c.ys = (np.arange(c.n) - (c.n - 1) / 2) * c.s
        c.top, c.bottom = float(c.ys[0] - c.s / 2), float(c.ys[-1] + c.s / 2)
        if c.hidden:  # room under the drawn neurons for the note saying how many are not
            c.more_y = c.bottom
            c.bottom += 0.14 * height_all
        if c.kind == "tile" or (c.kind == "compact" and two_d):
            c.kind = "tile"
            res = HEATMAP_RESOLUTION
            c.mosaic, c.tile_px = "heat", (res, res)
            c.block_rows = int(round(res / (0.78 if c.n <= COMPACT_NEURONS else 0.9)))
            c.g0 = (c.block_rows - res) // 2
            c.tile_h = c.tile_w = res / c.block_rows * c.s
            c.r = c.tile_h / 2
        else:
            c.r = 0.3 if c.kind == "circle" else 0.38 * c.s
    # column widths, then the gap so the whole graph is about ASPECT times as wide as it is high
    widths = []
    for c in cols:
        if c.kind == "image":
            widths.append(c.image_shape[1] * c.px)
        elif c.grid is not None:
            widths.append(c.grid[1] * c.cell_w)
        elif c.kind == "tile":
            widths.append(c.tile_w + 0.13 * c.s)
        else:
            widths.append(2 * c.r)
    height = max(c.bottom - c.top for c in cols)
    gap = max(MIN_GAP, (aspect * height - sum(widths)) / max(1, len(cols) - 1))
    x = 0.0
    for c, width in zip(cols, widths):
        c.left, c.right = x, x + width
        if c.kind == "image":
            c.x = x + width / 2
            c.in_x = c.out_x = c.right
        elif c.grid is not None:  # edges meet the grid's sides at their neuron's row
            c.x = x + width / 2
            c.mosaic_left = x
            c.lefts = x + (np.arange(c.n) // c.grid[0]) * c.cell_w
            c.in_x, c.out_x = x, c.right
        elif c.kind == "tile":
            c.x = x + c.tile_w / 2
            c.mosaic_left = x
            c.in_x, c.out_x = x, x + c.tile_w + 0.13 * c.s
        else:
            c.x = x + c.r
            c.in_x, c.out_x = c.left, c.right
        x += width + gap
    return cols


def edge_segments(prev: Column, cur: Column, flat: np.ndarray) -> np.ndarray:
    """(len(flat), 4) segments x0, y0, x1, y1 of the edges ``flat`` = j · prev.n + k between drawn neurons
    (row j of layer l, column k of layer l − 1, both drawn): only the segments asked for are computed."""
    flat = np.asarray(flat, dtype=np.intp)
    j, k = np.divmod(flat, prev.n)
    g = np.empty((len(flat), 4))
    if prev.kind == "image":
        # an edge leaves the picture's right edge at its pixel's row (the column is in the receptive
        # field and the hover text): it stays clear of the picture and is cheaper to paint
        g[:, 0] = prev.right
        g[:, 1] = prev.pixel_center(k)[1]
    else:
        g[:, 0] = prev.out_x
        g[:, 1] = prev.ys[k]
    g[:, 2] = cur.in_x
    g[:, 3] = cur.ys[j]
    return g


def content_rect(cols: list[Column]) -> Rect:
    left, right = min(c.left for c in cols), max(c.right for c in cols)
    top, bottom = min(c.top for c in cols), max(c.bottom for c in cols)
    return (left, top, right - left, bottom - top)


def band_rect(cols: list[Column], l: int) -> Rect:
    """The soft band behind column l (the layer the current step works on)."""
    c = cols[l - 1]
    top = min(x.top for x in cols)
    bottom = max(x.bottom for x in cols)
    pad = max(0.35 * (cols[1].s if len(cols) > 1 else 1.0), c.band_pad)
    return (c.left - pad, top - pad, c.right - c.left + 2 * pad, bottom - top + 2 * pad)


def title_y(cols: list[Column]) -> float:
    """Where the column titles' baselines are (above the tallest column)."""
    lift = 0.12 * max(c.s for c in cols if c.kind != "image") if len(cols) > 1 else 0.12
    return min(c.top for c in cols) - lift


def ratio_y(cols: list[Column]) -> float:
    """Where the error-ratio labels' tops are (below the tallest column)."""
    return max(c.bottom for c in cols) + 0.1 * max(c.s for c in cols if c.kind != "image")


def neuron_label_anchor(c: Column, j: int, L: int) -> tuple[float, float, tuple[float, float]]:
    """(x, y, anchor) of the label beside neuron j: x_k left of the inputs, the class right of the outputs."""
    if c.l == 1:
        return c.left - 0.2 * c.s, float(c.ys[j]), (1.0, 0.5)
    return c.out_x + 0.12 * c.s, float(c.ys[j]), (0.0, 0.5)


def more_rect(c: Column) -> Rect:
    """Where the note under a column drawn in part answers the mouse."""
    return (c.left - 0.3 * c.s, c.more_y, c.right - c.left + 0.6 * c.s, c.bottom - c.more_y)


def hit_neuron(cols: list[Column], x: float, y: float, px: float):
    """The neuron shape under (x, y) — ('pixel', 1, k), ('rf', l, j, k) or ('neuron', l, j) — or None.
    ``px`` is the size of a screen pixel in view units: every shape answers PICK_PX pixels beyond its outline."""
    pick = PICK_PX * px
    for c in cols:
        if c.kind == "image":
            h, w = c.image_shape
            if rect_contains(c.image_rect(), x, y):
                col = min(w - 1, int((x - c.left) // c.px))
                row = min(h - 1, int((y - c.top) // c.px))
                return ("pixel", 1, row * w + col)
            continue
        for j in c.near(x, y):
            found = _hit_shape(c, j, x, y, pick)
            if found is not None:
                return found
    return None


def _hit_shape(c: Column, j: int, x: float, y: float, pick: float):
    """Neuron j of column c if (x, y) is within ``pick`` of its circle (painted on top) or on its tile."""
    cx, cy = c.node_center(j)
    reach = c.node_radius + pick
    if c.kind == "compact":  # dots a few pixels wide: the neuron's whole row answers
        reach = max(reach, 0.5 * c.s)
    if math.hypot(x - cx, y - cy) <= reach:
        return ("neuron", c.l, j)
    if c.mosaic is not None:
        rect = c.tile_rect(j)
        if rect_contains(rect, x, y):
            if c.mosaic == "rf":
                h, w = c.image_shape
                col = min(w - 1, int((x - rect[0]) / rect[2] * w))
                row = min(h - 1, int((y - rect[1]) / rect[3] * h))
                return ("rf", c.l, j, row * w + col)
            return ("neuron", c.l, j)
    return None


def near_segments(coords: np.ndarray, x: float, y: float, tol: float) -> np.ndarray:
    """Indices of the segments within ``tol`` of (x, y), nearest first among near ties (within tol/4 of the
    nearest); empty when none is that close. Vectorised over the segments."""
    if not len(coords):
        return np.empty(0, dtype=np.intp)
    x0, y0, x1, y1 = coords[:, 0], coords[:, 1], coords[:, 2], coords[:, 3]
    near = (np.minimum(x0, x1) - tol <= x) & (x <= np.maximum(x0, x1) + tol)
    if not near.any():
        return np.empty(0, dtype=np.intp)
    ids = np.flatnonzero(near)
    x0, y0, x1, y1 = x0[ids], y0[ids], x1[ids], y1[ids]
    dx, dy = x1 - x0, y1 - y0
    t = np.clip(((x - x0) * dx + (y - y0) * dy) / np.maximum(dx * dx + dy * dy, 1e-18), 0.0, 1.0)
    d2 = (x0 + t * dx - x) ** 2 + (y0 + t * dy - y) ** 2
    best = float(d2.min())
    if best > tol * tol:
        return np.empty(0, dtype=np.intp)
    close = np.flatnonzero(d2 <= best + (0.25 * tol) ** 2)
    return ids[close[np.argsort(d2[close], kind="stable")]]


def mosaic(c: Column, tiles_rgba: np.ndarray) -> np.ndarray:
    """Stack (n, h, w, 4) tiles into one transparent image: one block per neuron, in a column or a grid."""
    n, h, w, _ = tiles_rgba.shape
    if c.grid is not None:  # j runs down each column of the grid
        rows, cols = c.grid
        out = np.zeros((cols * rows, c.block_rows, c.block_cols, 4), dtype=np.uint8)
        out[:n, c.g0:c.g0 + h, :w] = tiles_rgba
        out = out.reshape(cols, rows, c.block_rows, c.block_cols, 4).transpose(1, 2, 0, 3, 4)
        return np.ascontiguousarray(out.reshape(rows * c.block_rows, cols * c.block_cols, 4))
    out = np.zeros((n, c.block_rows, w, 4), dtype=np.uint8)
    out[:, c.g0:c.g0 + h] = tiles_rgba
    return out.reshape(n * c.block_rows, w, 4)
