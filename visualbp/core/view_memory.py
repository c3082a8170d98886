"""The view-memory rule: how many neurons the graph draws per layer and the memory its drawing needs, checked
before a network is built (Qt-free, so the session model and the CLI can apply it without importing the GUI).

The core accepts layers of up to 100,000 neurons and 20 million weights (``visualbp.core.checks``). The views
stay bounded by level of detail rather than by refusing: a layer wider than ``DRAWN_NEURONS``
(``DRAWN_TILES`` for 2-D heatmaps) draws its first ones (their fills, biases, saturation rings, 2-D heatmaps
and receptive fields, and the edges among them) and a note saying how many more there are.

``check_drawable(sizes, dataset)`` estimates the memory the network view needs with these bounds and
refuses, before anything is allocated, a network whose drawing would need more than ``VIEW_MEMORY``.
With the core's limits as they are, every accepted network fits (the largest estimate is ~60 MB); the
check guards the views if those limits grow. The GUI's other drawing bounds are in ``visualbp.gui.view_limits``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Neurons drawn per layer; a wider layer draws its first DRAWN_NEURONS (j = 1 … DRAWN_NEURONS in the book's count).
DRAWN_NEURONS = 100
#: With 2-D data, each drawn neuron is a heatmap tile: a wider layer draws its first DRAWN_TILES (the most that
#: stay readable as pictures; network.layout.COMPACT_NEURONS).
DRAWN_TILES = 60
#: Bytes the network view may hold for its drawing (beyond the network and the engine).
VIEW_MEMORY = 300 * 2**20
#: Grid points per side of a neuron's 2-D heatmap (network.layout.HEATMAP_RESOLUTION).
_HEAT_RES = 28
#: Numbers the probe holds per block (visualbp.core.probe.CHUNK_FLOATS).
_BLOCK_FLOATS = 1_000_000


def neurons_drawn(l: int, n: int, image_input: bool, two_d: bool) -> int:
    """How many of layer ``l``'s ``n`` neurons the graph draws (the first ones): an input image whole,
    else at most DRAWN_TILES heatmaps (2-D data) or DRAWN_NEURONS."""
    if l == 1 and image_input:
        return n
    return min(n, DRAWN_TILES if two_d else DRAWN_NEURONS)


def view_bytes(sizes: Sequence[int], image_shape: tuple[int, int] | None = None, two_d: bool = False) -> int:
    """The network view's memory for a network of ``sizes`` with the bounds above: the drawn neurons' tiles
    (heatmaps or receptive fields) and their colours, the drawn edges, and one block of the grid probe."""
    sizes = [int(n) for n in sizes]
    drawn = [min(n, DRAWN_NEURONS) for n in sizes]
    if image_shape is not None:
        drawn[0] = sizes[0]
    total = 0
    pairs = [a * b for a, b in zip(drawn[:-1], drawn[1:])]
    total += sum(pairs) * (4 * 8 + 8 + 8 + 1)  # segments, flat index, layer, colour bin
    if two_d:
        tile = _HEAT_RES * _HEAT_RES
        total += sum(drawn) * tile * (8 + 4 * 2)  # a^l on the grid; the RGBA mosaic (with its spacing)
        total += _BLOCK_FLOATS * 8 * 3  # one block of the probe: z, a, and the next layer's input
    if image_shape is not None and len(sizes) > 1:
        h, w = image_shape
        total += drawn[1] * h * w * (8 * 3 + 4 * 2)  # receptive fields: weights, scaled, RGBA mosaic
        total += h * w * 4 * 2
    return int(total)


def check_drawable(sizes: Sequence[int], dataset: object) -> None:
    """Refuse (ValueError naming VIEW_MEMORY) a network whose drawing would need more than VIEW_MEMORY bytes.
    ``dataset`` gives the input's image shape and whether the data is 2-D; nothing is allocated."""
    sizes = [int(n) for n in sizes]
    shape = getattr(dataset, "image_shape", None)
    if shape is not None and int(np.prod(shape)) != sizes[0]:
        shape = None
    two_d = bool(getattr(dataset, "is_2d", False)) and sizes[0] == 2
    need = view_bytes(sizes, shape, two_d)
    if need > VIEW_MEMORY:
        raise ValueError(
            f"drawing {sizes} would take about {need / 2**20:,.0f} MB, more than the view's limit "
            f"VIEW_MEMORY = {VIEW_MEMORY / 2**20:,.0f} MB: use fewer layers or smaller ones")
