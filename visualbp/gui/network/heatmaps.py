"""The graph's pictures: the input image, the receptive fields beside layer 2, the 2-D heatmaps of every neuron.

For 2-D data every drawn neuron is a small heatmap of its activation a^l_j over the input plane, like
TensorFlow Playground: feedforward on a grid (``core.probe.GridProbe``), never any gradient. Only the drawn
neurons' rows are kept, and a big network's grid goes through it a block at a time between repaints
(``SlicedJobs``). The grids follow ``engine.weights_version`` at most ~10 times a second. What the pictures
hold — the example the last step processed, the receptive fields, the colours — comes from the scene.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QObject, QTimer

from visualbp.core.probe import GridProbe
from visualbp.gui.network.items import qrect
from visualbp.gui.network.layout import HEATMAP_RESOLUTION
from visualbp.gui.network.scene import Scene
from visualbp.gui.sliced_jobs import SlicedJobs

HEATMAP_INTERVAL = 0.1  # seconds: 2-D heatmaps refresh at most ~10 Hz


class Heatmaps(QObject):
    """Image items in ``vb`` for the scene's pictures, and the 2-D grids computed a block at a time."""

    def __init__(self, vb: pg.ViewBox, session, scene: Scene, jobs: SlicedJobs) -> None:
        super().__init__(vb)
        self.vb, self.session, self.scene, self.jobs = vb, session, scene, jobs
        self.images: dict[str, pg.ImageItem] = {}
        self.grids: list[np.ndarray] | None = None
        self._version: int | None = None  # engine.weights_version the grids were computed at
        self._dirty = False  # the weights changed while the grid was being computed
        self._last = 0.0
        self._input_key: object = ()  # the example the input tile shows
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.refresh)

    def build(self) -> None:
        """One image item per picture of the scene's columns (after a new network)."""
        for item in self.images.values():
            self.vb.removeItem(item)
        self.images = {}
        self.grids, self._version, self._dirty = None, None, False
        self._input_key = ()
        for c in self.scene.cols:
            if c.kind != "image" and c.mosaic is None:
                continue
            item = pg.ImageItem(axisOrder="row-major")
            item.setZValue(5)
            self.vb.addItem(item)
            if c.kind == "image":
                h, w = c.image_shape
                self.images["input"] = item
                item.setImage(np.zeros((h, w, 4), dtype=np.uint8), autoLevels=False)
                item.setRect(qrect(c.image_rect()))
            else:
                self.images[f"heat{c.l}" if c.mosaic == "heat" else "rf"] = item
                item.setImage(np.zeros(c.mosaic_shape() + (4,), dtype=np.uint8), autoLevels=False)
                item.setRect(qrect(c.mosaic_rect()))

    def refresh_input(self, force: bool = False) -> None:
        """The input tile: the example the last step processed (the mean input, faded, before any). Stepping
        through one example's records keeps its picture: it is coloured again only for another example."""
        item = self.images.get("input")
        if item is None:
            return
        ex = self.scene.example
        key = None if ex is None else (ex.row, id(ex.a1) if ex.row is None else 0)
        if key == self._input_key and not force:
            return
        rgba = self.scene.input_image()
        if rgba is not None:
            self._input_key = key
            item.setImage(rgba, autoLevels=False)

    def refresh_receptive_fields(self) -> None:
        item = self.images.get("rf")
        rgba = self.scene.receptive_field_rgba() if item is not None else None
        if rgba is not None:
            item.setImage(rgba, autoLevels=False)

    def request(self) -> None:
        """Refresh the 2-D heatmaps now, or within 0.1 s if they were refreshed just before (≤ ~10 Hz); while a
        big network's grid is still being computed, once more when it is done."""
        if self.scene.grid_lim is None:
            return
        if "heat" in self.jobs:
            self._dirty = True
            return
        wait = HEATMAP_INTERVAL - (time.monotonic() - self._last)
        if wait <= 0:
            self._timer.stop()
            self.refresh()
        elif not self._timer.isActive():
            self._timer.start(int(wait * 1000) + 1)

    def flush(self) -> None:
        """Refresh now if a refresh is waiting for its turn (or the weights moved on during the last one)."""
        if self._timer.isActive() or self._dirty:
            self._timer.stop()
            self._dirty = False
            self.refresh()

    def refresh(self) -> None:
        """Every drawn neuron's a^l_j over the input plane, fed forward a block of grid points at a time."""
        if self.scene.grid_lim is None or "heat" in self.jobs:
            return
        version = self.session.engine.weights_version
        if self._version == version:
            return
        self._last = time.monotonic()
        self._dirty = False
        xlim, ylim = self.scene.grid_lim
        probe = GridProbe(self.session.net, xlim, ylim, HEATMAP_RESOLUTION, rows=[c.n for c in self.scene.cols])

        def done(grids: list[np.ndarray], spent: float) -> None:
            self._version = version
            self.grids = [g[:, ::-1, :] for g in grids]  # x2 grows upwards on screen
            self.render()
            if self._dirty:  # the weights moved on meanwhile: again, after a pause as long as the work
                self._dirty = False
                self._last = time.monotonic() + max(0.0, spent - HEATMAP_INTERVAL)
                self.request()

        self.jobs.start("heat", probe.blocks(), done)

    def render(self) -> None:
        """Colour the computed grids into each column's mosaic (after new grids, or a new theme)."""
        if self.grids is None:
            return
        for c, g in zip(self.scene.cols, self.grids):
            item = self.images.get(f"heat{c.l}")
            if item is not None and len(g) == c.n:
                item.setImage(self.scene.heat_rgba(c, g), autoLevels=False)

    def grid(self, l: int) -> np.ndarray | None:
        """(n, res, res): a^l_j over the input plane of the drawn neurons j < n (2-D data), or None."""
        if self.grids is None or not 1 <= l <= len(self.grids):
            return None
        return self.grids[l - 1]
